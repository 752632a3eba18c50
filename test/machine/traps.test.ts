/**
 * Trap and interrupt delivery: ecall causes from each mode, delegation to S or not, status
 * stacking and its undoing by mret/sret, vectored mode, interrupt priority, the CLINT timer and
 * software interrupts, S-mode timer and external (PLIC ← UART) interrupts, WFI, and the stops
 * the hart makes instead of hanging ('idle', 'trap-loop').
 */
import { describe, expect, it } from 'vitest';
import { CAUSE_INTERRUPT, Cause, Interrupt } from '../../src/isa/causes.js';
import { MSTATUS, Priv } from '../../src/isa/csr.js';
import { CountingProbe } from '../../src/machine/probe.js';
import {
  POWER_OFF, RECORDING_PRELUDE, S_RECORDING_HANDLER, enterMode, exitWith, hex, load, run,
} from './helpers.js';

const CLINT_MSIP = 0x0200_0000;
const CLINT_MTIMECMP = 0x0200_4000;
const CLINT_MTIME = 0x0200_bff8;
const PLIC = 0x0c00_0000;
const UART = 0x1000_0000;
const UART_IRQ = 10;
const IRQ = (code: number): number => (CAUSE_INTERRUPT | code) >>> 0;

/** A handler that logs (mcause, mepc, mstatus) triples to memory at `log` and skips the
 *  trapping instruction; s8 counts. */
const LOGGING_M_HANDLER = `
m_log:
  csrr t4, mcause
  sw t4, 0(s6)
  csrr t4, mepc
  sw t4, 4(s6)
  csrr t4, mstatus
  sw t4, 8(s6)
  addi s6, s6, 12
  addi s8, s8, 1
  csrr t4, mepc
  addi t4, t4, 4
  csrw mepc, t4
  mret
`;

describe('synchronous traps', () => {
  it('ecall from U, S and M has causes 8, 9 and 11, mepc at the ecall, MPP = the mode it came from', () => {
    const r = run(`
_start:
  la s6, log
  la t0, m_log
  csrw mtvec, t0
  li t0, ${MSTATUS.MIE}
  csrs mstatus, t0        # MIE = 1 so that MPIE records it
m_site:
  ecall
  ${enterMode('S', 's_code')}
s_code:
s_site:
  ecall
  la t0, u_code
  csrw sepc, t0
  sret                    # SPP = 0 since reset: to U
u_code:
u_site:
  ecall
  ${POWER_OFF}
${LOGGING_M_HANDLER}
  .balign 4096
log: .space 64
`);
    expect(r.stop.kind).toBe('power-off');
    const log = r.sym('log');
    const entries = [0, 1, 2].map((k) => ({
      cause: r.word(log + 12 * k), epc: r.word(log + 12 * k + 4), status: r.word(log + 12 * k + 8),
    }));
    expect(entries.map((e) => e.cause)).toEqual([Cause.EnvironmentCallFromM, Cause.EnvironmentCallFromS, Cause.EnvironmentCallFromU]);
    expect(entries.map((e) => e.epc)).toEqual([r.sym('m_site'), r.sym('s_site'), r.sym('u_site')]);
    const mpp = (s: number): number => (s & MSTATUS.MPP) >>> MSTATUS.MPP_SHIFT;
    expect(entries.map((e) => mpp(e.status))).toEqual([Priv.M, Priv.S, Priv.U]);
    // The first trap was taken with MIE = 1: MPIE = 1, MIE = 0 in the handler.
    expect(entries[0]!.status & MSTATUS.MPIE).toBe(MSTATUS.MPIE);
    expect(entries[0]!.status & MSTATUS.MIE).toBe(0);
  });

  it('delegated exceptions from U and S go to S with SPP/SPIE stacked; from M they stay in M', () => {
    const r = run(`${RECORDING_PRELUDE}
main:
  li t0, ${(1 << Cause.EnvironmentCallFromU) | (1 << Cause.EnvironmentCallFromS) | (1 << Cause.IllegalInstruction)}
  csrw medeleg, t0
  la t0, s_log
  csrw stvec, t0
  la s6, log
  li s8, 0
m_site:
  .word 0                 # illegal in M: delegation never lowers privilege
  mv a0, s8               # recorded by the M handler
  mv a1, s9
  ${enterMode('S', 's_code')}
s_code:
  csrsi sstatus, 2        # SIE = 1, so SPIE records it
s_site:
  ecall
  csrr a2, sstatus
  la t0, u_code
  csrw sepc, t0
  li t0, 0x100
  csrc sstatus, t0        # SPP = U
  sret
u_code:
u_site:
  ecall
u_ill:
  .word 0
  ${POWER_OFF}
s_log:
  csrr t4, scause
  sw t4, 0(s6)
  csrr t4, sepc
  sw t4, 4(s6)
  csrr t4, sstatus
  sw t4, 8(s6)
  csrr t4, stval
  sw t4, 12(s6)
  addi s6, s6, 16
  csrr t4, sepc
  addi t4, t4, 4
  csrw sepc, t4
  sret
  .balign 4096
log: .space 64
`);
    expect(r.stop.kind).toBe('power-off');
    expect(r.reg('a0')).toBe(1);
    expect(r.reg('a1')).toBe(Cause.IllegalInstruction);
    const log = r.sym('log');
    const e = [0, 1, 2].map((k) => ({
      cause: r.word(log + 16 * k), epc: r.word(log + 16 * k + 4), status: r.word(log + 16 * k + 8), tval: r.word(log + 16 * k + 12),
    }));
    expect(e.map((x) => x.cause)).toEqual([Cause.EnvironmentCallFromS, Cause.EnvironmentCallFromU, Cause.IllegalInstruction]);
    expect(e.map((x) => x.epc)).toEqual([r.sym('s_site'), r.sym('u_site'), r.sym('u_ill')]);
    expect(e[0]!.status & (MSTATUS.SPP | MSTATUS.SPIE | MSTATUS.SIE)).toBe(MSTATUS.SPP | MSTATUS.SPIE);
    expect(e[1]!.status & MSTATUS.SPP).toBe(0);
    expect(e[2]!.tval).toBe(0);
    // After sret from the first: SIE restored from SPIE, SPIE = 1, SPP = U.
    expect(r.reg('a2') & (MSTATUS.SIE | MSTATUS.SPIE | MSTATUS.SPP)).toBe(MSTATUS.SIE | MSTATUS.SPIE);
  });

  it('mret restores MIE from MPIE, sets MPIE, clears MPP to U and MPRV when leaving M', () => {
    const r = run(`
_start:
  la t0, m_trap2
  csrw mtvec, t0
  li t0, ${MSTATUS.MPIE | MSTATUS.MPRV | (Priv.S << MSTATUS.MPP_SHIFT)}
  csrw mstatus, t0
  la t0, s_code
  csrw mepc, t0
  mret
s_code:
  ecall                   # to M: look at what mret left behind (recorded mstatus)
  ${POWER_OFF}
m_trap2:
  csrr a0, mstatus
  ${POWER_OFF}
`);
    // mret: MIE = old MPIE (1), MPIE = 1, MPP = U, MPRV = 0. Then ecall from S stacks:
    // MPIE = MIE (1), MIE = 0, MPP = S.
    expect(r.reg('a0') & (MSTATUS.MIE | MSTATUS.MPIE | MSTATUS.MPP | MSTATUS.MPRV))
      .toBe(MSTATUS.MPIE | (Priv.S << MSTATUS.MPP_SHIFT));
  });

  it('ebreak has cause 3; illegal instructions report the instruction word in mtval', () => {
    const r = run(`${RECORDING_PRELUDE}
main:
brk:
  ebreak
  mv a0, s9
  mv a1, s11
ill:
  .word 0xffffffff
  mv a2, s9
  mv a3, s10
ill2:
  .word 0x30200073 | (1 << 7)   # mret with rd != 0: reserved encoding
  mv a4, s10
  ${POWER_OFF}
`);
    expect(r.reg('a0')).toBe(Cause.Breakpoint);
    expect(r.ureg('a1')).toBe(r.sym('brk'));
    expect(r.reg('a2')).toBe(Cause.IllegalInstruction);
    expect(r.ureg('a3')).toBe(0xffff_ffff);
    expect(r.ureg('a4')).toBe(0x3020_00f3);
  });

  it('fetching outside RAM raises an instruction access fault with tval = pc', () => {
    const r = run(`
_start:
  la t0, handler
  csrw mtvec, t0
  li t0, 0x10000000        # the UART: not executable
  jalr ra, 0(t0)
  ${POWER_OFF}
handler:
  csrr s9, mcause
  csrr s10, mtval
  csrr s11, mepc
  csrw mepc, ra
  mret
`);
    expect(r.stop.kind).toBe('power-off');
    expect(r.reg('s9')).toBe(Cause.InstructionAccessFault);
    expect(r.ureg('s10')).toBe(0x1000_0000);
    expect(r.ureg('s11')).toBe(0x1000_0000);
  });
});

describe('interrupts', () => {
  it('vectored mtvec: interrupts go to base + 4*cause, exceptions to base', () => {
    const r = run(`
_start:
  la t0, vectors
  ori t0, t0, 1
  csrw mtvec, t0
  li t0, 0x8               # MSIE
  csrw mie, t0
  csrsi mstatus, 8         # MIE
  ecall
  li t1, ${CLINT_MSIP}
  li t0, 1
sw_site:
  sw t0, 0(t1)             # MSIP: taken right after this store
after:
  ${POWER_OFF}
  .balign 64
vectors:
  j exc                    # 0: exceptions
  j bad
  j bad
  j msi                    # 3: machine software
  j bad
  j bad
  j bad
  j bad
bad:
  li a7, 1
  ${POWER_OFF}
exc:
  addi a0, a0, 1
  csrr t2, mepc
  addi t2, t2, 4
  csrw mepc, t2
  mret
msi:
  csrr a1, mcause
  csrr a2, mepc
  li t1, ${CLINT_MSIP}
  sw zero, 0(t1)
  mret
`);
    expect(r.reg('a7')).toBe(0);
    expect(r.reg('a0')).toBe(1);
    expect(r.ureg('a1')).toBe(IRQ(Interrupt.MachineSoftware));
    expect(r.ureg('a2')).toBe(r.sym('after'));
  });

  it('priority: MEI, MSI, MTI, SEI, SSI, STI when all are pending for M', () => {
    const r = run(`
_start:
  la t0, handler
  csrw mtvec, t0
  la s6, log
  # MEI: UART receive through PLIC context 0 (M)
  li t0, ${PLIC + 4 * UART_IRQ}
  li t1, 1
  sw t1, 0(t0)
  li t0, ${PLIC + 0x2000}
  li t1, ${1 << UART_IRQ}
  sw t1, 0(t0)
  li t0, ${UART + 1}
  li t1, 1
  sb t1, 0(t0)             # IER.ERBFI
  # MSI
  li t0, ${CLINT_MSIP}
  li t1, 1
  sw t1, 0(t0)
  # MTI: mtimecmp = 0
  li t0, ${CLINT_MTIMECMP}
  sw zero, 0(t0)
  sw zero, 4(t0)
  # SEI, SSI, STI as software bits, not delegated
  li t0, 0x222
  csrs mip, t0
  li t0, 0xaaa
  csrw mie, t0
  csrsi mstatus, 8
  nop
  ${POWER_OFF}
handler:
  csrr t0, mcause
  sw t0, 0(s6)
  addi s6, s6, 4
  slli t0, t0, 1
  srli t0, t0, 1
  li t1, 11
  beq t0, t1, h_mei
  li t1, 3
  beq t0, t1, h_msi
  li t1, 7
  beq t0, t1, h_mti
  # S-level bits: clear the one taken in mip
  li t1, 1
  sll t1, t1, t0
  csrc mip, t1
  mret
h_mei:
  li t0, ${PLIC + 0x20_0004}
  lw t1, 0(t0)             # claim
  li t2, ${UART}
  lb t2, 0(t2)             # read the byte: the UART drops its request
  sw t1, 0(t0)             # complete
  mret
h_msi:
  li t0, ${CLINT_MSIP}
  sw zero, 0(t0)
  mret
h_mti:
  li t0, ${CLINT_MTIMECMP}
  li t1, -1
  sw t1, 4(t0)
  sw t1, 0(t0)
  mret
  .balign 4096
log: .space 64
`, { setup: (b) => b.uart.pushInput('x') });
    expect(r.stop.kind).toBe('power-off');
    const log = r.sym('log');
    const causes = [0, 1, 2, 3, 4, 5, 6].map((k) => r.word(log + 4 * k));
    expect(causes.map(hex)).toEqual([
      IRQ(Interrupt.MachineExternal), IRQ(Interrupt.MachineSoftware), IRQ(Interrupt.MachineTimer),
      IRQ(Interrupt.SupervisorExternal), IRQ(Interrupt.SupervisorSoftware), IRQ(Interrupt.SupervisorTimer), 0,
    ].map(hex));
  });

  it('M-level interrupts preempt S even when the S one has a higher code priority; delegated ones wait in M', () => {
    const r = run(`
_start:
  la t0, m_handler
  csrw mtvec, t0
  la t0, s_handler
  csrw stvec, t0
  la s6, log
  li t0, 0x200             # SEI delegated
  csrw mideleg, t0
  li t0, 0x208             # SEIE, MSIE
  csrw mie, t0
  li t0, 0x200
  csrs mip, t0             # SEIP pending (software bit)
  csrsi mstatus, 2         # SIE = 1, MIE = 0: neither is taken in M
  nop
  li t0, ${CLINT_MSIP}
  li t1, 1
  sw t1, 0(t0)             # MSIP too
  nop
  csrr a0, mip
  ${enterMode('S', 's_code')}
s_code:
  nop
  ${POWER_OFF}
m_handler:
  csrr t0, mcause
  sw t0, 0(s6)
  csrr t0, mepc
  sw t0, 4(s6)
  addi s6, s6, 8
  li t0, ${CLINT_MSIP}
  sw zero, 0(t0)
  mret
s_handler:
  csrr t0, scause
  sw t0, 0(s6)
  csrr t0, sepc
  sw t0, 4(s6)
  ${POWER_OFF}
  .balign 4096
log: .space 16
`);
    const log = r.sym('log');
    expect(r.ureg('a0') & 0x208).toBe(0x208); // both pending while in M with MIE = 0
    expect(hex(r.word(log))).toBe(hex(IRQ(Interrupt.MachineSoftware)));
    expect(r.word(log + 4)).toBe(r.sym('s_code'));
    expect(hex(r.word(log + 8))).toBe(hex(IRQ(Interrupt.SupervisorExternal)));
    expect(r.word(log + 12)).toBe(r.sym('s_code'));
  });

  it('the CLINT timer interrupt arrives when mtime reaches mtimecmp', () => {
    const r = run(`
_start:
  la t0, handler
  csrw mtvec, t0
  li t0, ${CLINT_MTIME}
  lw a0, 0(t0)
  addi a1, a0, 200         # 200 ticks = 20000 cycles ahead
  li t0, ${CLINT_MTIMECMP}
  sw zero, 4(t0)
  sw a1, 0(t0)
  li t0, 0x80
  csrw mie, t0
  csrsi mstatus, 8
1:
  addi a2, a2, 1
  j 1b
handler:
  csrr s0, mcause
  li t0, ${CLINT_MTIME}
  lw s1, 0(t0)
  csrr s2, mip
  ${POWER_OFF}
`);
    expect(r.ureg('s0')).toBe(IRQ(Interrupt.MachineTimer));
    expect(r.reg('s1')).toBeGreaterThanOrEqual(r.reg('a1'));
    expect(r.reg('s1')).toBeLessThanOrEqual(r.reg('a1') + 1);
    expect(r.reg('s2') & 0x80).toBe(0x80);
    expect(r.reg('a2')).toBeGreaterThan(5000);
  });

  it('an S-mode timer interrupt through mideleg, raised by M firmware setting STIP', () => {
    const r = run(`
_start:
  la t0, m_handler
  csrw mtvec, t0
  la t0, s_handler
  csrw stvec, t0
  li t0, 0x20
  csrw mideleg, t0         # STI to S
  li t0, 0xa0
  csrw mie, t0             # MTIE, STIE
  li t0, ${CLINT_MTIME}
  lw a0, 0(t0)
  addi a0, a0, 50
  li t0, ${CLINT_MTIMECMP}
  sw zero, 4(t0)
  sw a0, 0(t0)
  ${enterMode('S', 's_code')}
s_code:
  csrsi sstatus, 2
1:
  addi a2, a2, 1
  j 1b
m_handler:                 # MTI in S (M interrupts are always enabled below M)
  csrr s0, mcause
  li t0, 0x80
  csrc mie, t0             # MTIE off
  li t0, 0x20
  csrs mip, t0             # STIP on: S will take it after mret
  mret
s_handler:
  csrr s1, scause
  csrr s2, sstatus
  ${POWER_OFF}
`);
    expect(r.ureg('s0')).toBe(IRQ(Interrupt.MachineTimer));
    expect(r.ureg('s1')).toBe(IRQ(Interrupt.SupervisorTimer));
    expect(r.reg('s2') & (MSTATUS.SPP | MSTATUS.SPIE | MSTATUS.SIE)).toBe(MSTATUS.SPP | MSTATUS.SPIE);
    expect(r.board.hart.priv).toBe(Priv.S);
  });

  it('a PLIC external interrupt from UART input reaches S-mode through mideleg; WFI waits for it', () => {
    const h = load(`
_start:
  li t0, 0x200
  csrw mideleg, t0
  la t0, s_handler
  csrw stvec, t0
  li t0, ${PLIC + 4 * UART_IRQ}
  li t1, 1
  sw t1, 0(t0)             # priority 1
  li t0, ${PLIC + 0x2080}
  li t1, ${1 << UART_IRQ}
  sw t1, 0(t0)             # enable for context 1 (hart 0, S)
  li t0, ${PLIC + 0x20_1000}
  sw zero, 0(t0)           # threshold 0
  li t0, ${UART + 1}
  li t1, 1
  sb t1, 0(t0)             # IER.ERBFI
  ${enterMode('S', 's_code')}
s_code:
  li t0, 0x200
  csrs sie, t0
  csrsi sstatus, 2
idle:
  wfi
  j idle
s_handler:
  csrr s0, scause
  li t0, ${PLIC + 0x20_1004}
  lw s1, 0(t0)             # claim
  li t2, ${UART}
  lbu s2, 0(t2)
  sb s2, 0(t2)             # echo
  sw s1, 0(t0)             # complete
  ${POWER_OFF}
`);
    const first = h.board.run(100_000);
    expect(first.kind).toBe('idle');
    expect(h.board.hart.priv).toBe(Priv.S);
    h.board.uart.pushInput('Z');
    const second = h.board.run(100_000);
    expect(second).toEqual({ kind: 'power-off', code: 0 });
    expect(h.ureg('s0')).toBe(IRQ(Interrupt.SupervisorExternal));
    expect(h.reg('s1')).toBe(UART_IRQ);
    expect(h.out()).toBe('Z');
  });

  it('WFI with interrupts globally off still wakes on a pending enabled interrupt; simulated time jumps', () => {
    const r = run(`
_start:
  li t0, ${CLINT_MTIME}
  lw a0, 0(t0)
  li t1, 100000            # 100k ticks = 10M cycles
  add a1, a0, t1
  li t0, ${CLINT_MTIMECMP}
  sw zero, 4(t0)
  sw a1, 0(t0)
  li t0, 0x80
  csrw mie, t0             # MTIE, but mstatus.MIE = 0: no trap
  wfi
  li t0, ${CLINT_MTIME}
  lw a2, 0(t0)
  csrr a3, minstret
  ${POWER_OFF}
`);
    expect(r.stop.kind).toBe('power-off');
    expect(r.reg('a2')).toBeGreaterThanOrEqual(r.reg('a1'));
    expect(r.reg('a2')).toBeLessThanOrEqual(r.reg('a1') + 1);
    expect(r.reg('a3')).toBeLessThan(30);
    expect(r.board.hart.idleCycles).toBeGreaterThan(9_000_000);
    expect(r.board.hart.cycle).toBeGreaterThan(10_000_000);
  });

  it('WFI with an enabled interrupt traps after the wfi (mepc = wfi + 4)', () => {
    const r = run(`
_start:
  la t0, handler
  csrw mtvec, t0
  li t0, 0x8
  csrw mie, t0
  csrsi mstatus, 8
  li t0, ${CLINT_MTIMECMP}
  sw zero, 4(t0)
  li t1, 300
  sw t1, 0(t0)
  li t0, 0x80
  csrs mie, t0
site:
  wfi
after:
  ${POWER_OFF}
handler:
  csrr s0, mcause
  csrr s1, mepc
  li t0, ${CLINT_MTIMECMP}
  li t1, -1
  sw t1, 4(t0)
  mret
`);
    expect(r.stop.kind).toBe('power-off');
    expect(r.ureg('s0')).toBe(IRQ(Interrupt.MachineTimer));
    expect(r.ureg('s1')).toBe(r.sym('after'));
  });

  it('WFI with nothing that could wake it stops the run as idle, naming the pc', () => {
    const h = load(`
_start:
  wfi
after:
  ${POWER_OFF}
`);
    const stop = h.board.run(1000);
    expect(stop).toEqual({ kind: 'idle', pc: h.sym('after') });
    // Still waiting: running again changes nothing.
    expect(h.board.run(1000).kind).toBe('idle');
    expect(h.board.hart.retired).toBe(1);
  });

  it('M-level interrupts are masked in M by MIE but always enabled in S and U', () => {
    const r = run(`
_start:
  la t0, handler
  csrw mtvec, t0
  li t0, 0x8
  csrw mie, t0
  li t0, ${CLINT_MSIP}
  li t1, 1
  sw t1, 0(t0)
  nop
  nop
  li a0, 1                 # still here: MIE = 0 in M
  ${enterMode('U', 'u_code')}
u_code:
  li a1, 1                 # never runs: the interrupt is taken first
  ${POWER_OFF}
handler:
  csrr s0, mcause
  csrr s1, mepc
  csrr s2, mstatus
  ${POWER_OFF}
`);
    expect(r.reg('a0')).toBe(1);
    expect(r.reg('a1')).toBe(0);
    expect(r.ureg('s0')).toBe(IRQ(Interrupt.MachineSoftware));
    expect(r.ureg('s1')).toBe(r.sym('u_code'));
    expect((r.reg('s2') & MSTATUS.MPP) >>> MSTATUS.MPP_SHIFT).toBe(Priv.U);
  });
});

describe('stops instead of hangs', () => {
  it('no trap handler (mtvec = 0): stops with trap-loop naming the pc and cause', () => {
    const h = load(`
_start:
  .word 0
`);
    const stop = h.board.run(1_000_000);
    expect(stop.kind).toBe('trap-loop');
    if (stop.kind !== 'trap-loop') return;
    expect(stop.pc).toBe(0);
    expect(stop.cause).toBe(Cause.InstructionAccessFault);
    expect(h.board.hart.retired).toBe(0);
  });

  it('a handler that faults on its own first instruction stops with trap-loop at the handler', () => {
    const h = load(`
_start:
  la t0, handler
  csrw mtvec, t0
  ecall
handler:
  .word 0
`);
    const stop = h.board.run(1_000_000);
    expect(stop).toMatchObject({ kind: 'trap-loop', pc: h.sym('handler'), cause: Cause.IllegalInstruction });
  });

  it('a program that runs away stops at the instruction limit', () => {
    const h = load(`
_start:
  j _start
`);
    expect(h.board.run(12345)).toEqual({ kind: 'insn-limit', pc: h.sym('_start') });
    expect(h.board.hart.retired).toBe(12345);
  });

  it('a cycle budget stops the run exactly there, also while waiting in WFI', () => {
    const spin = load(`
_start:
  j _start
`);
    expect(spin.board.run(1_000_000, 5000)).toEqual({ kind: 'budget' });
    expect(spin.board.hart.cycle).toBe(5000);
    const wait = load(`
_start:
  li t0, ${CLINT_MTIMECMP}
  sw zero, 4(t0)
  li t1, 100000
  sw t1, 0(t0)
  li t0, 0x80
  csrw mie, t0
  wfi
  ${POWER_OFF}
`);
    expect(wait.board.run(1_000_000, 250_000)).toEqual({ kind: 'budget' });
    expect(wait.board.hart.cycle).toBe(250_000);
    expect(wait.board.hart.waiting).toBe(true);
    // The rest of the wait, then the timer wakes it (100000 ticks = 10M cycles).
    expect(wait.board.run(1_000_000)).toEqual({ kind: 'power-off', code: 0 });
    expect(wait.board.hart.cycle).toBeGreaterThanOrEqual(10_000_000);
  });

  it('the test device: an exit code, and a reset request, stop the run', () => {
    const fail = run(`
_start:
  ${exitWith(42)}
`);
    expect(fail.stop).toEqual({ kind: 'power-off', code: 42 });
    const reset = run(`
_start:
  li t0, 0x100000
  li t1, 0x7777
  sw t1, 0(t0)
  j _start
`);
    expect(reset.stop).toEqual({ kind: 'reset' });
  });

  it('the probe counts traps by cause and target privilege', () => {
    const probe = new CountingProbe();
    const r = run(`${RECORDING_PRELUDE}
main:
  ecall
  ecall
  ebreak
  li t0, ${1 << Cause.Breakpoint}
  csrw medeleg, t0
  la t0, s_trap
  csrw stvec, t0
  ${enterMode('S', 's_code')}
s_code:
  ebreak
  ${POWER_OFF}
${S_RECORDING_HANDLER}
`, { setup: (b) => { b.hart.probe = probe; } });
    expect(r.stop.kind).toBe('power-off');
    expect(probe.sorted()).toEqual([['Breakpoint', 2], ['EnvironmentCallFromM', 2]]);
    expect(probe.intoM.count).toBe(3);
    expect(probe.intoS.count).toBe(1);
  });
});
