/**
 * Boots firmware + kernel + a user program on the bare VirtBoard the way QEMU's
 * `-M virt -bios none -kernel image.elf` does (src/guest/native.ts does the same for the
 * harness), but keeps the board: the kernel tests look at kernel memory after a run, feed the
 * UART, and run in stages. Also builds the same image as an ELF and runs it on QEMU.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtBoard } from '../../src/machine/board.js';
import { MemoryDisk } from '../../src/machine/devices/disk.js';
import { placeFdt, virtBoardFdt } from '../../src/machine/fdt.js';
import type { HartStop } from '../../src/machine/hart.js';
import { VIRT } from '../../src/machine/memory-map.js';
import { buildImage, type GuestImage } from '../../src/guest/image.js';
import { imageToElf } from '../../src/guest/image-elf.js';
import { qemuDisk, runQemuVirt } from '../qemu.js';

export const MIB = 1024 * 1024;
export const SECTOR = 512;

export interface KernelBootOptions {
  /** A program in guests/user (the kernel tests' own are guests/user/ktest_*.S). */
  workload: string;
  params?: Record<string, number>;
  ramBytes?: number;
  /** Disk contents behind virtio slot 0 (none when absent). */
  disk?: Uint8Array;
  /** A device tree to boot with instead of the board's own (placed where QEMU would put it). */
  fdt?: Uint8Array;
}

/**
 * buildImage for the kernel's own test programs too. buildImage takes only the workloads of the
 * catalog (it validates their parameters there); a ktest_* program gets the same firmware and
 * kernel, with the program placed where buildImage places a workload and its parameters
 * patched by symbol.
 */
export function buildTestImage(workload: string, params: Record<string, number> = {}): GuestImage {
  return buildImage({ build: 'unmodified', workload, params });
}

export class KernelRun {
  readonly board: VirtBoard;
  readonly image: GuestImage;
  readonly fdtAddr: number;
  readonly disk: MemoryDisk | undefined;
  private out: number[] = [];
  stop: HartStop | undefined;

  constructor(readonly opts: KernelBootOptions) {
    const ramBytes = opts.ramBytes ?? 32 * MIB;
    this.image = buildTestImage(opts.workload, opts.params);
    this.disk = opts.disk ? new MemoryDisk(opts.disk) : undefined;
    this.board = new VirtBoard({
      ramBytes,
      consoleOut: (b) => this.out.push(b),
      ...(this.disk ? { disk: this.disk } : {}),
    });
    for (const part of this.image.parts) this.board.loadPhysical(part.addr, part.bytes);
    const fdt = opts.fdt
      ? { bytes: opts.fdt, address: placeFdt(VIRT.DRAM_BASE, ramBytes, opts.fdt.length) }
      : virtBoardFdt({
        ramBase: VIRT.DRAM_BASE, ramBytes, harts: 1, timebaseHz: VIRT.TIMEBASE_HZ,
        virtioSlots: VIRT.VIRTIO_COUNT, hasDisk: this.disk !== undefined,
      });
    this.fdtAddr = fdt.address;
    this.board.loadPhysical(fdt.address, fdt.bytes);
    const hart = this.board.hart;
    hart.x[10] = 0;
    hart.x[11] = fdt.address | 0;
    hart.pc = this.image.entry | 0;
  }

  get console(): string {
    return Buffer.from(this.out).toString('latin1');
  }

  /** The console without the kernel's own lines. */
  get userConsole(): string {
    return this.console.split('\n').filter((l) => !l.startsWith('[kernel]')).join('\n');
  }

  /** Run until the machine stops (or maxInsns more instructions have retired). */
  run(maxInsns = 50_000_000): HartStop {
    this.stop = this.board.run(maxInsns);
    return this.stop;
  }

  /** Run in slices until the console contains `text`; false if the machine stopped first. */
  runUntil(text: string, maxInsns = 50_000_000, slice = 20_000): boolean {
    let left = maxInsns;
    while (left > 0 && !this.console.includes(text)) {
      const stop = this.board.run(Math.min(slice, left));
      left -= slice;
      if (stop.kind !== 'insn-limit') {
        this.stop = stop;
        return this.console.includes(text);
      }
    }
    return this.console.includes(text);
  }

  /** A kernel symbol's address. */
  symbol(name: string): number {
    const kernel = this.image.parts.find((p) => p.name === 'kernel');
    const s = kernel?.asm.symbols.find((x) => x.name === name);
    if (!s) throw new Error(`the kernel has no symbol ${name}`);
    return s.value >>> 0;
  }

  /** The 32-bit word at physical address addr. */
  word(addr: number): number {
    return this.board.ram.read(addr - VIRT.DRAM_BASE, 4) >>> 0;
  }

  /** The word a kernel variable holds (its symbol is the address). */
  kernelWord(name: string): number {
    return this.word(this.symbol(name));
  }

  explain(): string {
    return `stop ${JSON.stringify(this.stop)}; console:\n${this.console.slice(-3000)}`;
  }
}

/** Boot and run to the end. */
export function runKernel(opts: KernelBootOptions, maxInsns = 50_000_000): KernelRun {
  const r = new KernelRun(opts);
  r.run(maxInsns);
  return r;
}

// ---- QEMU ---------------------------------------------------------------------------------

export { haveQemu } from '../qemu.js';

export interface QemuRun {
  status: number | null;
  console: string;
}

/** The same image (pvlab's ELF writer) on `qemu-system-riscv32 -M virt -bios none -kernel`. */
export function runOnQemu(opts: KernelBootOptions): QemuRun {
  const dir = mkdtempSync(join(tmpdir(), 'pvlab-kernel-qemu-'));
  try {
    const image = buildTestImage(opts.workload, opts.params);
    const elf = join(dir, 'image.elf');
    writeFileSync(elf, imageToElf(image));
    const ramMib = (opts.ramBytes ?? 32 * MIB) / MIB;
    const args = ['-bios', 'none', '-m', `${ramMib}M`, '-nographic', '-no-reboot', '-kernel', elf];
    if (opts.disk) {
      const disk = join(dir, 'disk.img');
      writeFileSync(disk, opts.disk);
      args.push(...qemuDisk(disk));
    }
    const q = runQemuVirt(args);
    return { status: q.status, console: (q.stdout ?? '').replace(/\r\n/g, '\n') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
