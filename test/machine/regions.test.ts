/**
 * Hot code as regions (code-cache.ts, leaders.ts, region-frame.ts): once code is hot, jumps,
 * calls (jal and auipc+jalr), returns, switch tables and tight loops stay inside one translated
 * function — and nothing a program can observe changes. The same program run in one go, in
 * small pieces and single-stepped under a trace hook (which never forms regions) ends in the
 * same state with the same counters, and timer interrupts strike the same instructions; code
 * rewritten while it sits in a region runs in its new form at once (by a device too:
 * sv32.test.ts); compiled C (the cbench ELF)
 * gives the same result in M-mode and in S-mode with Sv32.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readElf } from '../../src/asm/elf.js';
import { encode } from '../../src/isa/encode.js';
import { BY_MNEMONIC } from '../../src/isa/instructions.js';
import { VirtBoard } from '../../src/machine/board.js';
import { guestPath } from '../../src/guest/paths.js';
import { POWER_OFF, load, type Run } from './helpers.js';

const CLINT_MTIMECMP = 0x0200_4000;
const CLINT_MTIME = 0x0200_bff8;
/** mie.MTIE, mstatus.MIE. */
const MTIE = 0x80;
const MIE = 0x8;
/** Timer period in mtime ticks: an interrupt every few thousand instructions. */
const TICKS = 37;

/**
 * A hot loop that calls a leaf with jal and another with `call` (auipc+jalr), dispatches
 * through a switch table (a computed jump), and runs a tight inner loop; a timer interrupt
 * every TICKS ticks adds the interrupted pc to s11 and counts in s10. Results in s0..s3.
 */
const HOT = `
_start:
  la t0, m_timer
  csrw mtvec, t0
  li t0, ${CLINT_MTIME}
  lw t1, 0(t0)
  addi t1, t1, ${TICKS}
  li t0, ${CLINT_MTIMECMP}
  sw zero, 4(t0)
  sw t1, 0(t0)
  li t0, ${MTIE}
  csrw mie, t0
  csrsi mstatus, ${MIE}
  li s0, 0
  li s1, 0
  li s2, 0
  li s3, 0
  li s4, 5000
loop:
  mv a0, s4
  jal ra, leaf
  add s0, s0, a0
  mv a0, s0
  call mixer
  xor s1, s1, a0
  andi t0, s4, 3            # switch (s4 & 3) through a table
  slli t0, t0, 2
  la t1, table
  add t1, t1, t0
  lw t1, 0(t1)
  jr t1
case0:
  addi s2, s2, 1
  j joined
case1:
  addi s2, s2, 3
  j joined
case2:
  slli s2, s2, 1
  j joined
case3:
  srli s2, s2, 1
joined:
  li t2, 4                  # a tight inner loop
1:
  add s3, s3, t2
  addi t2, t2, -1
  bnez t2, 1b
  addi s4, s4, -1
  bnez s4, loop
  csrci mstatus, ${MIE}
  ${POWER_OFF}
leaf:
  slli a0, a0, 3
  xori a0, a0, 0x5a
  ret
mixer:
  addi sp, sp, -16
  sw ra, 12(sp)
  slli t0, a0, 7
  xor a0, a0, t0
  srli t0, a0, 9
  xor a0, a0, t0
  lw ra, 12(sp)
  addi sp, sp, 16
  ret
m_timer:
  csrr t5, mepc
  add s11, s11, t5
  addi s10, s10, 1
  li t5, ${CLINT_MTIMECMP}
  lw t6, 0(t5)
  addi t6, t6, ${TICKS}
  sw t6, 0(t5)
  mret
  .balign 4
table:
  .word case0, case1, case2, case3
  .balign 4096
stack:
  .space 256
stack_top:
`.replace('_start:\n', '_start:\n  la sp, stack_top\n');

interface Outcome {
  regs: number[];
  retired: number;
  cycle: number;
  byPriv: number[];
  traps: number;
}

function outcome(r: Omit<Run, 'stop'>): Outcome {
  const h = r.board.hart;
  return {
    regs: Array.from(h.x), retired: h.retired, cycle: h.cycle, byPriv: Array.from(h.retiredByPriv),
    traps: h.trapCount,
  };
}

describe('hot code runs as regions, and nothing observable changes', () => {
  it('the hot loop forms regions that keep many instructions per call', () => {
    const r = load(HOT);
    const h = r.board.hart;
    // Warm up: a block becomes a region's root after 1024 entries.
    expect(r.board.run(100_000).kind).toBe('insn-limit');
    expect(h.blocks.regionTranslations).toBeGreaterThan(0);
    const [retired, dispatches] = [h.retired, h.dispatches];
    expect(r.board.run(10_000_000).kind).toBe('power-off');
    // Calls, returns, the switch and the inner loop stay inside: the hart calls translated code
    // about once per timer interrupt, not once per basic block (about 6 instructions here).
    expect((h.retired - retired) / (h.dispatches - dispatches)).toBeGreaterThan(200);
    expect(r.reg('s10')).toBeGreaterThan(50); // timer interrupts struck inside the regions
  });

  it('one run, small pieces, and single-stepping end in the same state; interrupts strike the same pcs', () => {
    const whole = load(HOT);
    expect(whole.board.run(10_000_000).kind).toBe('power-off');

    const pieces = load(HOT);
    let stop;
    for (let k = 0; ; k++) {
      stop = pieces.board.run(1 + ((k * 7919) % 613));
      if (stop.kind !== 'insn-limit') break;
    }
    expect(stop.kind).toBe('power-off');

    const stepped = load(HOT);
    stepped.board.hart.traceHook = () => {};
    expect(stepped.board.run(10_000_000).kind).toBe('power-off');

    expect(outcome(pieces)).toEqual(outcome(whole));
    expect(outcome(stepped)).toEqual(outcome(whole));
    expect(stepped.board.hart.blocks.regionTranslations).toBe(0);
  });

  it('stops after exactly the instructions asked for, inside a region, where single-stepping stops', () => {
    const limit = 123_457;
    const a = load(HOT);
    const b = load(HOT);
    b.board.hart.traceHook = () => {};
    const stop = a.board.run(limit);
    expect(stop.kind).toBe('insn-limit');
    expect(b.board.run(limit)).toEqual(stop);
    expect(a.board.hart.retired).toBe(limit);
    expect(outcome(a)).toEqual(outcome(b));
    expect(a.board.hart.blocks.regionTranslations).toBeGreaterThan(0);
  });
});

const addi = (rd: number, rs1: number, imm: number): number => encode(BY_MNEMONIC.get('addi')!, { rd, rs1, imm });

describe('self-modifying code in hot regions', () => {
  it('a hot loop that rewrites the function it calls (same page) runs the new instruction at once', () => {
    const r = load(`
_start:
  li s0, 0
  li s1, 3000
  la s2, func
  li s3, ${addi(10, 0, 2)}
loop:
  call func
  add s0, s0, a0
  li t0, 1000
  bne s1, t0, 1f
  sw s3, 0(s2)              # after 2000 calls, long hot: func now returns 2
1:
  addi s1, s1, -1
  bnez s1, loop
  ${POWER_OFF}
func:
  addi a0, zero, 1
  ret
`);
    expect(r.board.run(1_000_000).kind).toBe('power-off');
    // The call in the iteration with s1 = 1000 still returns 1 (the store follows it).
    expect(r.reg('s0')).toBe(2001 * 1 + 999 * 2);
    expect(r.board.hart.blocks.regionTranslations).toBeGreaterThan(0);
  });

  it('a hot loop that rewrites an instruction of its own loop sees it on the next iteration', () => {
    const r = load(`
_start:
  li a0, 0
  li s1, 3000
  la s2, patched
  li s3, ${addi(10, 10, 5)}
  li s4, 1000
loop:
  bne s1, s4, patched
  sw s3, 0(s2)              # at s1 = 1000: from now on a0 += 5
patched:
  addi a0, a0, 1
  addi s1, s1, -1
  bnez s1, loop
  ${POWER_OFF}
`);
    expect(r.board.run(1_000_000).kind).toBe('power-off');
    // The store is the iteration's own instruction before patched: that iteration adds 5.
    expect(r.reg('a0')).toBe(2000 * 1 + 1000 * 5);
  });
});

describe('compiled C (guests/bench/cbench)', () => {
  it('prints the same checksum in M-mode and in S-mode with Sv32, running in regions', () => {
    const elf = readElf(new Uint8Array(readFileSync(guestPath('bench', 'cbench', 'cbench.elf'))));
    const runIn = (mode: number): { out: string; board: VirtBoard } => {
      const out: number[] = [];
      const board = new VirtBoard({ consoleOut: (b) => out.push(b) });
      for (const s of elf.segments) board.loadPhysical(s.paddr, s.data);
      const word = (v: number): Uint8Array => Uint8Array.of(v, v >>> 8, v >>> 16, v >>> 24);
      board.loadPhysical(elf.symbols.get('bench_mode') as number, word(mode));
      board.loadPhysical(elf.symbols.get('bench_scale') as number, word(2));
      board.hart.reset(elf.entry);
      expect(board.run(100_000_000)).toEqual({ kind: 'power-off', code: 0 });
      return { out: Buffer.from(out).toString(), board };
    };
    const m = runIn(0);
    const s = runIn(1);
    expect(m.out).toMatch(/^cbench checksum [0-9a-f]{8}\n$/);
    expect(s.out).toBe(m.out);
    const SUPERVISOR = 1;
    expect(s.board.hart.retiredByPriv[SUPERVISOR]).toBeGreaterThan(1_000_000);
    for (const { board } of [m, s]) expect(board.hart.blocks.regionTranslations).toBeGreaterThan(0);
  });
});
