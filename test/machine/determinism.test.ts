/**
 * Determinism: a workload with M firmware, an Sv32 S-mode kernel and a U process (timer
 * interrupts, delegated syscalls and page faults) gives bit-identical state and counters when
 * run twice, when run under a trace hook (single-stepping), and when run in small pieces; and
 * every retired instruction is charged to the privilege it ran in.
 */
import { describe, expect, it } from 'vitest';
import { PTE, Priv } from '../../src/isa/csr.js';
import { VirtBoard } from '../../src/machine/board.js';
import type { HartStop, MachineTiming } from '../../src/machine/hart.js';
import { POWER_OFF, assembleProgram } from './helpers.js';
import { PageTables, ROOT, TABLES } from './page-tables.js';

const { V, R, W, X, U, A, D } = PTE;
const U_ALIAS = 0x0040_0000;
const DATA = 0x8060_0000;
const UDATA_VA = 0x1000_0000;
/** The first level-0 table allocated follows the root; UDATA_VA is its entry 0. */
const UDATA_LEAF = TABLES + 0x1000;
const CLINT_MTIME = 0x0200_bff8;
const CLINT_MTIMECMP = 0x0200_4000;

// Register ownership: M uses gp, tp, s8; S uses t3-t6, s9-s11; U the rest.
const WORKLOAD = `
_start:
  la gp, m_handler
  csrw mtvec, gp
  li gp, ${(0x8000_0000 | (ROOT >>> 12)) >>> 0}
  csrw satp, gp
  li gp, ${(1 << 8) | (1 << 13) | (1 << 15)}
  csrw medeleg, gp
  li gp, 0x20
  csrw mideleg, gp
  li gp, 0xa0
  csrw mie, gp
  li gp, ${CLINT_MTIME}
  lw tp, 0(gp)
  addi tp, tp, 37
  li gp, ${CLINT_MTIMECMP}
  sw zero, 4(gp)
  sw tp, 0(gp)
  li gp, 0x1800
  csrc mstatus, gp
  li gp, 0x800
  csrs mstatus, gp
  la gp, s_main
  csrw mepc, gp
  mret

m_handler:
  csrr gp, mcause
  bltz gp, m_timer
  li tp, 8
  beq t6, tp, m_off        # SBI shutdown (from S)
  li tp, 0x20
  csrc mip, tp             # SBI "timer handled": clear STIP
  csrr tp, mepc
  addi tp, tp, 4
  csrw mepc, tp
  mret
m_timer:
  addi s8, s8, 1
  li gp, ${CLINT_MTIMECMP}
  lw tp, 0(gp)
  addi tp, tp, 37
  sw tp, 0(gp)
  li tp, 0x20
  csrs mip, tp             # pass the tick to S
  mret
m_off:
  ${POWER_OFF}

s_main:
  la t3, s_handler
  csrw stvec, t3
  la t3, u_main
  li t4, ${U_ALIAS - 0x8000_0000}
  add t3, t3, t4
  csrw sepc, t3
  li t3, 0x100
  csrc sstatus, t3
  li t3, 0x20
  csrs sie, t3
  sret

s_handler:
  csrr t3, scause
  bltz t3, s_irq
  li t4, 8
  beq t3, t4, s_syscall
  li t4, ${UDATA_LEAF}     # page fault: map the page and retry
  li t5, ${(DATA / 4096) * 1024 + (V | R | W | U)}
  sw t5, 0(t4)
  sfence.vma
  addi s10, s10, 1
  sret
s_syscall:
  csrr t4, sepc
  addi t4, t4, 4
  csrw sepc, t4
  li t4, 93
  beq a7, t4, s_exit
  addi s11, s11, 1
  sfence.vma               # every syscall flushes the TLB: the next fetches walk again
  sret
s_exit:
  li t6, 8
  ecall
s_irq:
  addi s9, s9, 1
  li t6, 1
  ecall
  sret

u_main:
  li s0, ${UDATA_VA}
  li s1, 0
  li s2, 0
u_loop:
  mul t0, s1, s1
  addi t0, t0, 7
  li t2, 3
  divu t1, t0, t2
  add s2, s2, t1
  andi t2, s1, 255
  slli t2, t2, 2
  add t2, t2, s0
  sw s2, 0(t2)
  lw t1, 0(t2)
  xor s2, s2, t1
  addi s1, s1, 1
  call u_far               # code on another page
  andi t0, s1, 63
  bnez t0, u_loop
  li a7, 64
  ecall
  li t0, 3000
  blt s1, t0, u_loop
  li a7, 93
  ecall
  .balign 4096
u_far:
  xori s2, s2, 0x55
  ret
`;

function boot(timing?: MachineTiming): VirtBoard {
  const board = new VirtBoard({ ramBytes: 8 << 20, ...(timing ? { timing } : {}) });
  const p = assembleProgram(WORKLOAD);
  board.loadPhysical(p.base, p.bytes);
  const pt = new PageTables(board);
  pt.mapMega(0x8000_0000, 0x8000_0000, V | R | W | X | A | D);
  pt.mapMega(0x8040_0000, 0x8040_0000, V | R | W | A | D);
  pt.mapMega(U_ALIAS, 0x8000_0000, V | R | X | U | A);
  expect(pt.map(UDATA_VA, DATA, 0)).toBe(UDATA_LEAF);
  board.hart.reset(p.base);
  return board;
}

function snapshot(board: VirtBoard, stop: HartStop) {
  const h = board.hart;
  const c = h.csr;
  let sum = 0;
  for (let i = 0; i < 1024; i++) sum = (Math.imul(sum, 31) + (board.bus.read(DATA + 4 * i, 4) as number)) | 0;
  return {
    stop,
    x: Array.from(h.x),
    pc: h.pc >>> 0,
    priv: h.priv,
    retired: h.retired,
    cycle: h.cycle,
    idleCycles: h.idleCycles,
    retiredByPriv: Array.from(h.retiredByPriv),
    csr: {
      mstatus: c.mstatus, mepc: c.mepc, mcause: c.mcause, mtval: c.mtval, sepc: c.sepc,
      scause: c.scause, stval: c.stval, mip: c.mip, mie: c.mie, satp: c.satp,
      mcycle: c.mcycle(), minstret: c.minstret(),
    },
    mtimecmp: board.clint.mtimecmp(0),
    dataChecksum: sum,
  };
}

const TIMED: MachineTiming = { trapEntry: 23, trapReturn: 11, pteRead: 57 };

describe('determinism', () => {
  for (const [label, timing] of [['unmodeled costs', undefined], ['modeled trap and walk costs', TIMED]] as const) {
    it(`the same workload twice gives identical state and counters (${label})`, () => {
      const a = boot(timing);
      const sa = snapshot(a, a.run(5_000_000));
      const b = boot(timing);
      const sb = snapshot(b, b.run(5_000_000));
      expect(sa.stop).toEqual({ kind: 'power-off', code: 0 });
      expect(sb).toEqual(sa);
      // The workload did what it says: ticks, one page fault, 3000/64 syscalls, all of it
      // in the privileges it was meant to run in.
      const x = a.hart.x;
      expect(x[25]).toBeGreaterThan(10); // s9: ticks seen by S
      expect(x[26]).toBe(1); // s10: page faults
      expect(x[27]).toBe(Math.ceil(3000 / 64)); // s11: syscalls (one each 64 iterations)
      expect(sa.retiredByPriv[Priv.U]).toBeGreaterThan(30_000);
      expect(sa.retiredByPriv[Priv.S]).toBeGreaterThan(500);
      expect(sa.retiredByPriv[Priv.M]).toBeGreaterThan(100);
      expect(sa.retiredByPriv.reduce((p, q) => p + q, 0)).toBe(sa.retired);
    });

    it(`single-stepping under a trace hook ends in the same state with the same counters (${label})`, () => {
      const plain = boot(timing);
      const want = snapshot(plain, plain.run(5_000_000));
      const traced = boot(timing);
      let steps = 0;
      let lastPriv = -1;
      const privs = new Set<number>();
      traced.hart.traceHook = (_pc, _insn, priv) => {
        steps++;
        lastPriv = priv;
        privs.add(priv);
      };
      const got = snapshot(traced, traced.run(5_000_000));
      expect(got).toEqual(want);
      // Every retired instruction was traced (plus those that trapped and did not retire).
      expect(steps).toBeGreaterThanOrEqual(want.retired);
      expect(steps - want.retired).toBeLessThan(want.retired / 10);
      expect([...privs].sort()).toEqual([Priv.U, Priv.S, Priv.M]);
      expect(lastPriv).toBe(Priv.M);
    });
  }

  it('timer interrupts land on the same instruction traced or not when page walks cost cycles', () => {
    // S-mode code hops between two pages and flushes the TLB on every round, so fetches walk
    // (57 cycles per PTE read) in the middle of slices while a timer fires every 7 ticks.
    const SRC = `
_start:
  la gp, m_handler
  csrw mtvec, gp
  li gp, ${(0x8000_0000 | (ROOT >>> 12)) >>> 0}
  csrw satp, gp
  li gp, 0x80
  csrw mie, gp
  li gp, ${CLINT_MTIMECMP}
  li tp, 7
  sw zero, 4(gp)
  sw tp, 0(gp)
  li gp, 0x1800
  csrc mstatus, gp
  li gp, 0x800
  csrs mstatus, gp
  la gp, page_a
  csrw mepc, gp
  mret
m_handler:
  addi s8, s8, 1
  csrr gp, mepc
  add s9, s9, gp           # where each tick landed, summed
  li gp, ${CLINT_MTIMECMP}
  lw tp, 0(gp)
  addi tp, tp, 7
  sw tp, 0(gp)
  li gp, 300
  bne s8, gp, 1f
  ${POWER_OFF}
1:
  mret
  .balign 4096
page_a:
  addi a0, a0, 1
  addi a1, a1, 3
  j page_b
  .balign 4096
page_b:
  addi a2, a2, 1
  sfence.vma
  addi a3, a3, 1
  xor a4, a4, a0
  j page_a
`;
    const make = (): VirtBoard => {
      const board = new VirtBoard({ ramBytes: 8 << 20, timing: TIMED });
      const p = assembleProgram(SRC);
      board.loadPhysical(p.base, p.bytes);
      new PageTables(board).mapMega(0x8000_0000, 0x8000_0000, V | R | W | X | A | D);
      board.hart.reset(p.base);
      return board;
    };
    const plain = make();
    const want = snapshot(plain, plain.run(10_000_000));
    expect(want.stop).toEqual({ kind: 'power-off', code: 0 });
    const traced = make();
    traced.hart.traceHook = () => {};
    expect(snapshot(traced, traced.run(10_000_000))).toEqual(want);
  });

  it('running in small pieces gives the same result as one long run', () => {
    const whole = boot(TIMED);
    const want = snapshot(whole, whole.run(5_000_000));
    const pieces = boot(TIMED);
    let stop: HartStop = { kind: 'budget' };
    for (let n = 0; n < 100_000; n++) {
      stop = pieces.run(977);
      if (stop.kind !== 'insn-limit') break;
    }
    expect(snapshot(pieces, stop)).toEqual(want);
  });

  it('each instruction is charged to the privilege it ran in (xRET to the old mode, ecall to none)', () => {
    const board = new VirtBoard({ ramBytes: 1 << 20 });
    const p = assembleProgram(`
_start:
  la t0, u_code
  csrw mepc, t0
  la t0, m_handler
  csrw mtvec, t0
  la t0, s_handler
  csrw stvec, t0
  li t0, ${1 << 8}
  csrw medeleg, t0
  mret                     # MPP = U after reset
m_end:
u_code:
  addi a0, a0, 1
  addi a0, a0, 1
  addi a0, a0, 1
u_ecall:
  ecall                    # traps: does not retire
s_handler:
  addi a1, a1, 1
  li t0, ${(1 << 8) | 0}
  csrr t1, sepc
  addi t1, t1, 4
  csrw sepc, t1
  li t0, 0x100
  csrs sstatus, t0         # SPP = S: sret stays in S
  la t1, s_after
  csrw sepc, t1
  sret
s_after:
  ecall                    # from S to M
m_handler:
  ${POWER_OFF}
end:
`);
    board.loadPhysical(p.base, p.bytes);
    board.hart.reset(p.base);
    expect(board.run(1000).kind).toBe('power-off');
    const at = (s: string): number => p.symbols.get(s)!;
    const words = (from: string, to: string): number => (at(to) - at(from)) / 4;
    const h = board.hart;
    expect(h.retiredByPriv[Priv.M]).toBe(words('_start', 'm_end') + words('m_handler', 'end'));
    expect(h.retiredByPriv[Priv.U]).toBe(words('u_code', 'u_ecall'));
    expect(h.retiredByPriv[Priv.S]).toBe(words('s_handler', 's_after'));
    expect(h.retired).toBe(h.retiredByPriv[Priv.M]! + h.retiredByPriv[Priv.U]! + h.retiredByPriv[Priv.S]!);
    expect(h.csr.minstret()).toBe(h.retired);
  });
});
