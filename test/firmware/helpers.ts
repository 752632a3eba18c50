/**
 * Boot pvlab's firmware with an S-mode payload on the VirtBoard the way QEMU boots it
 * (`-bios none -kernel`): firmware at 0x8000_0000, payload at 0x8020_0000, the virt board's
 * device tree where QEMU 7.2 puts it, and the hart entering the firmware in M-mode with
 * a0 = hart id, a1 = FDT address. Also builds the same two programs with the GNU toolchain into
 * one ELF for QEMU.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { assemble, flatImage } from '../../src/asm/index.js';
import { VirtBoard } from '../../src/machine/board.js';
import type { HartStop } from '../../src/machine/hart.js';
import { virtBoardFdt } from '../../src/machine/fdt.js';
import { VIRT } from '../../src/machine/memory-map.js';
import { runQemuVirt } from '../qemu.js';

export const FIRMWARE_SOURCE = resolve('guests/firmware/firmware.S');
export const PAYLOAD_SOURCE = resolve('test/firmware/payload.S');
export const FIRMWARE_BASE = VIRT.DRAM_BASE;
export const PAYLOAD_BASE = VIRT.DRAM_BASE + 0x20_0000;
const MIB = 0x10_0000;

export interface Image {
  base: number;
  bytes: Uint8Array;
  symbols: Map<string, number>;
}

export function build(file: string, base: number, defines: Record<string, number> = {}): Image {
  const r = assemble(readFileSync(file, 'utf8'), { fileName: file, base, defines });
  const { base: b, bytes } = flatImage(r);
  return { base: b, bytes, symbols: new Map(r.symbols.map((s) => [s.name, s.value >>> 0])) };
}

export const buildFirmware = (defines: Record<string, number> = {}): Image => build(FIRMWARE_SOURCE, FIRMWARE_BASE, defines);

export interface BootOptions {
  ramBytes?: number;
  firmwareDefines?: Record<string, number>;
  /** The S-mode program (default: the test payload). */
  payload?: Image;
  /** Bytes waiting in the UART receiver before the boot. */
  input?: string;
  maxInsns?: number;
  bootargs?: string;
}

export interface BootResult {
  stop: HartStop;
  /** The console output when the run stopped. */
  console: string;
  /** The console output so far (for runs continued after bootNative returns). */
  readConsole: () => string;
  fdtAddr: number;
  board: VirtBoard;
}

export function bootNative(opts: BootOptions = {}): BootResult {
  const ramBytes = opts.ramBytes ?? 128 * MIB;
  let console = '';
  const board = new VirtBoard({ ramBytes, consoleOut: (b) => { console += String.fromCharCode(b); } });
  const fw = buildFirmware(opts.firmwareDefines);
  const payload = opts.payload ?? build(PAYLOAD_SOURCE, PAYLOAD_BASE);
  board.loadPhysical(fw.base, fw.bytes);
  board.loadPhysical(payload.base, payload.bytes);
  const fdt = virtBoardFdt({
    ramBase: VIRT.DRAM_BASE, ramBytes, harts: 1, timebaseHz: VIRT.TIMEBASE_HZ, virtioSlots: VIRT.VIRTIO_COUNT,
    ...(opts.bootargs !== undefined ? { bootargs: opts.bootargs } : {}),
  });
  const fdtAddr = fdt.address;
  board.loadPhysical(fdtAddr, fdt.bytes);
  if (opts.input) board.uart.pushInput(opts.input);
  board.hart.x[10] = 0;
  board.hart.x[11] = fdtAddr;
  board.hart.pc = FIRMWARE_BASE;
  const stop = board.run(opts.maxInsns ?? 1_000_000);
  return { stop, console, readConsole: () => console, fdtAddr, board };
}

export function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

const GNU_AS_FLAGS = ['-march=rv32ima_zicsr_zifencei', '-mabi=ilp32'];

/**
 * Firmware + payload assembled by GNU as and linked by GNU ld into one ELF (firmware at
 * 0x8000_0000, payload at 0x8020_0000), as one would build an image for QEMU.
 */
export function gnuImage(payloadDefines: Record<string, number> = {}, firmwareDefines: Record<string, number> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'pvlab-fw-'));
  const defsyms = (d: Record<string, number>) => Object.entries(d).flatMap(([k, v]) => [`--defsym`, `${k}=${v}`]);
  const fwObj = join(dir, 'firmware.o');
  const plObj = join(dir, 'payload.o');
  // stdio 'pipe': warnings (ld's "LOAD segment with RWX permissions") stay out of the test
  // output; a failure still throws with them in the error.
  const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: 'pipe' });
  run('riscv64-unknown-elf-as', [...GNU_AS_FLAGS, '-I', resolve('guests/firmware'), ...defsyms(firmwareDefines), FIRMWARE_SOURCE, '-o', fwObj]);
  run('riscv64-unknown-elf-as', [...GNU_AS_FLAGS, '-I', resolve('test/firmware'), ...defsyms(payloadDefines), PAYLOAD_SOURCE, '-o', plObj]);
  const script = join(dir, 'image.ld');
  writeFileSync(script, `
OUTPUT_ARCH(riscv)
ENTRY(_start)
SECTIONS
{
  . = 0x${FIRMWARE_BASE.toString(16)};
  .firmware : { ${fwObj}(.text) ${fwObj}(.rodata) ${fwObj}(.data) ${fwObj}(.bss) }
  ASSERT(. <= 0x${PAYLOAD_BASE.toString(16)}, "firmware overlaps the payload")
  . = 0x${PAYLOAD_BASE.toString(16)};
  .payload : { ${plObj}(.text) ${plObj}(.rodata) ${plObj}(.data) ${plObj}(.bss) }
  /DISCARD/ : { *(.riscv.attributes) }
}
`);
  const elf = join(dir, 'image.elf');
  run('riscv64-unknown-elf-ld', ['-m', 'elf32lriscv', '--no-relax', '-T', script, fwObj, plObj, '-o', elf]);
  return elf;
}

export interface QemuRun {
  status: number | null;
  console: string;
}

export function runQemu(elf: string, ramMib = 128, extra: string[] = []): QemuRun {
  const q = runQemuVirt(['-m', `${ramMib}M`, '-bios', 'none', '-nographic', '-no-reboot', '-kernel', elf, ...extra]);
  return { status: q.status, console: q.stdout };
}
