import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pvlab } from './helpers.js';
import { runQemuVirt } from '../qemu.js';

const HELLO = 'guests/baremetal/hello.S';
const HELLO_OUTPUT = "Hello from pvlab: RV32IMA on QEMU's virt board.\nsum(1..100) = 5050\n";

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'pvlab-cli-'));
}

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

describe('pvlab exec', () => {
  it('runs the bare-metal hello world: console on stdout, exit status 0 from the test device', async () => {
    const r = await pvlab('exec', HELLO);
    expect(r.stdout).toBe(HELLO_OUTPUT);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('exits with the code the guest writes as (code << 16) | 0x3333', async () => {
    const dir = tmp();
    const src = join(dir, 'fail.S');
    writeFileSync(src, `
      .globl _start
    _start:
      li t0, 0x100000
      li t1, (42 << 16) | 0x3333
      sw t1, 0(t0)
    1: j 1b
    `);
    const r = await pvlab('exec', src);
    expect(r.status).toBe(42);
  });

  it('stops a program that traps forever with no handler, naming the pc and the cause', async () => {
    const dir = tmp();
    const src = join(dir, 'loop.S');
    writeFileSync(src, `
      .globl _start
    _start:
      .word 0xffffffff     # illegal; mtvec = 0 → fetch from 0 faults, and again, and again
    `);
    const r = await pvlab('exec', src);
    expect(r.status).toBe(125);
    expect(r.stderr).toMatch(/trap loop: InstructionAccessFault at pc=0x00000000/);
  });

  it('stops a runaway program at --max-insns with the pc', async () => {
    const dir = tmp();
    const src = join(dir, 'spin.S');
    writeFileSync(src, `
      .globl _start
    _start:
    1: j 1b
    `);
    const r = await pvlab('exec', src, '--max-insns', '1000');
    expect(r.status).toBe(124);
    expect(r.stderr).toMatch(/instruction limit, pc=0x80000000/);
  });

  it('reports a waiting hart that nothing can wake instead of hanging', async () => {
    const dir = tmp();
    const src = join(dir, 'wfi.S');
    writeFileSync(src, `
      .globl _start
    _start:
      wfi
      j _start
    `);
    const r = await pvlab('exec', src);
    expect(r.status).toBe(124);
    expect(r.stderr).toMatch(/waiting \(wfi\)/);
  });

  it('--trace prints the last instructions with disassembly and source lines, and traps', async () => {
    const r = await pvlab('exec', HELLO, '--trace', '20');
    expect(r.status).toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/--- trace: last 20 of \d+ records ---/);
    expect(r.stderr).toMatch(/M 800000[0-9a-f]{2}: [0-9a-f]{8} {2}sw t1,0\(t0\)\s+guests\/baremetal\/hello.S:\d+/);
  });

  it('--json gives console, stop and counters as one object', async () => {
    const r = await pvlab('exec', HELLO, '--json');
    const j = JSON.parse(r.stdout);
    expect(j.console).toBe(HELLO_OUTPUT);
    expect(j.stop).toEqual({ kind: 'power-off', code: 0 });
    expect(j.counters.instructions).toBeGreaterThan(1000);
    expect(j.counters.instructionsByPrivilege.M).toBe(j.counters.instructions);
  });

  it('gives the same counters on every run', async () => {
    const a = JSON.parse((await pvlab('exec', HELLO, '--json')).stdout);
    const b = JSON.parse((await pvlab('exec', HELLO, '--json')).stdout);
    expect(b.counters).toEqual(a.counters);
  });

  it('rejects bad input with a clear message and no stack trace', async () => {
    const missing = await pvlab('exec', 'no/such/file.S');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^pvlab: no\/such\/file.S: cannot read \(no such file\)/);
    const badRam = await pvlab('exec', HELLO, '--ram', 'lots');
    expect(badRam.status).toBe(1);
    expect(badRam.stderr).toMatch(/--ram: "lots" is not a size/);
    const unknown = await pvlab('exec', HELLO, '--frobnicate');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown argument: frobnicate/);
    const dir = tmp();
    const src = join(dir, 'bad.S');
    writeFileSync(src, '  addi a0, a0\n  bogus x1\n');
    const bad = await pvlab('exec', src);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/bad\.S:1:\d+: /);
    expect(bad.stderr).toMatch(/bad\.S:2:\d+: /);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('pvlab asm / disasm', () => {
  it('assembles to an ELF that exec runs, and disassembles it objdump-style', async () => {
    const dir = tmp();
    const elf = join(dir, 'hello.elf');
    expect((await pvlab('asm', HELLO, '-o', elf)).status).toBe(0);
    expect(readFileSync(elf).subarray(0, 4)).toEqual(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
    const run = await pvlab('exec', elf);
    expect(run.stdout).toBe(HELLO_OUTPUT);
    const dis = await pvlab('disasm', elf);
    expect(dis.status).toBe(0);
    expect(dis.stdout).toMatch(/80000000 <_start>:/);
    expect(dis.stdout).toMatch(/\tsw\tt1,0\(t0\)/);
  });
});

describe.skipIf(!has('qemu-system-riscv32') || !has('riscv64-unknown-elf-gcc'))('pvlab exec against QEMU', () => {
  it('prints the same console and exits the same as qemu-system-riscv32 -M virt -bios none', async () => {
    const dir = tmp();
    const elf = join(dir, 'hello.elf');
    execFileSync('riscv64-unknown-elf-gcc', [
      '-march=rv32ima_zicsr_zifencei', '-mabi=ilp32', '-nostdlib', '-Wl,--no-relax',
      '-Ttext=0x80000000', HELLO, '-o', elf,
    ]);
    const q = runQemuVirt(['-bios', 'none', '-nographic', '-kernel', elf]);
    expect(q.status).toBe(0);
    const ours = await pvlab('exec', elf);
    expect(ours.stdout).toBe(q.stdout);
    expect(ours.status).toBe(q.status);
    expect(existsSync(elf)).toBe(true);
  });
});
