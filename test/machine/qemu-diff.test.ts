/**
 * Differential tests against QEMU: bare-metal programs for the virt board (test/machine/qemu/
 * *.S), built with the GNU toolchain, must print the same console output and exit with the same
 * code on `qemu-system-riscv32 -M virt -bios none` as on pvlab. Skipped when QEMU or the cross
 * compiler is not installed.
 *
 * QEMU runs with `-cpu rv32,c=false,f=false,d=false,h=true` so that it implements what pvlab
 * does (RV32IMA + H, IALIGN = 32, no FS/VS state), and with its clock following the
 * instructions it executes (test/qemu.ts), so csr.S's Sstc check — a timer 5000 ticks ahead
 * must not have fired yet — holds however busy the host is. The programs print only
 * what the specification defines; where it leaves a choice (WARL values, mepc low bits,
 * medeleg[11], reserved MPP values), they print the bits both must agree on or leave it out.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readElf } from '../../src/asm/elf.js';
import { VirtBoard } from '../../src/machine/board.js';
import { have, runQemuVirt } from '../qemu.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const SOURCES = join(HERE, 'qemu');
const GCC = 'riscv64-unknown-elf-gcc';
const QEMU_CPU = 'rv32,c=false,f=false,d=false,h=true';

const HAVE_TOOLS = have(GCC) && have('qemu-system-riscv32');
const work = HAVE_TOOLS ? mkdtempSync(join(tmpdir(), 'pvlab-qemu-')) : '';
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function build(name: string): string {
  const elf = join(work, `${name}.elf`);
  const r = spawnSync(GCC, [
    '-march=rv32ima_zicsr_zifencei', '-mabi=ilp32', '-nostdlib', '-Ttext=0x80000000',
    `-I${SOURCES}`, '-o', elf, join(SOURCES, `${name}.S`),
  ], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${GCC} failed on ${name}.S:\n${r.stderr}`);
  return elf;
}

function onQemu(elf: string): { out: string; code: number } {
  // Console to a file, not a pipe: a program that writes the THR without polling LSR loses
  // characters on QEMU whenever its stdio back end would block.
  const outFile = `${elf}.qemu-out`;
  const fd = openSync(outFile, 'w');
  try {
    const r = runQemuVirt([
      '-cpu', QEMU_CPU, '-m', '128M', '-bios', 'none', '-display', 'none',
      '-monitor', 'none', '-serial', 'stdio', '-kernel', elf,
    ], { stdout: fd });
    if (r.status === null) throw new Error(`QEMU did not exit (signal ${r.signal})`);
    return { out: readFileSync(outFile, 'latin1'), code: r.status };
  } finally {
    closeSync(fd);
  }
}

function onPvlab(elf: string): { out: string; code: number } {
  const image = readElf(new Uint8Array(readFileSync(elf)), elf);
  const chars: string[] = [];
  const board = new VirtBoard({ consoleOut: (b) => chars.push(String.fromCharCode(b)) });
  for (const seg of image.segments) board.loadPhysical(seg.paddr, seg.data);
  board.hart.reset(image.entry);
  const stop = board.run(50_000_000);
  if (stop.kind !== 'power-off') throw new Error(`pvlab stopped with ${JSON.stringify(stop)}; output so far:\n${chars.join('')}`);
  return { out: chars.join(''), code: stop.code };
}

describe.skipIf(!HAVE_TOOLS)('pvlab and QEMU agree on bare-metal programs', () => {
  for (const name of ['arith', 'traps', 'csr', 'sv32', 'hyp']) {
    it(`${name}.S: same console output and exit code`, () => {
      const elf = build(name);
      const q = onQemu(elf);
      const p = onPvlab(elf);
      expect(q.out).toContain('done');
      // Compare line by line so a mismatch shows where it is.
      expect(p.out.split('\n')).toEqual(q.out.split('\n'));
      expect(p.code).toBe(q.code);
    });
  }
});
