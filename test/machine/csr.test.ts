/**
 * Every CSR's access rules and WARL behaviour, exercised by programs running on the hart:
 * privilege encoded in the number, read-only CSRs, which CSRs exist, the WARL masks and views,
 * the counter-enable gates, counter writes, Sstc, and the TVM/TSR/TW traps.
 */
import { describe, expect, it } from 'vitest';
import { CAUSE_INTERRUPT, Cause, Interrupt } from '../../src/isa/causes.js';
import { CSR, CSR_NAMES, MIP, MSTATUS, VS_INTERRUPTS } from '../../src/isa/csr.js';
import {
  POWER_OFF, RECORDING_PRELUDE, enterMode, hex, load, run,
} from './helpers.js';

type Mode = 'U' | 'S' | 'M';
const MODE_NUM: Record<Mode, number> = { U: 0, S: 1, M: 3 };

const EXISTING = new Set<number>([...Object.values(CSR), ...CSR_NAMES.keys()]);
/** CSRs this hart does not implement (F, unassigned hypervisor numbers, debug/trigger, custom). */
const MISSING = [0x001, 0x002, 0x003, 0x601, 0x642, 0x681, 0x7a0, 0x7b0, 0x5c0, 0x9c0, 0xdc0, 0xfff, 0x800];
const isCounter = (c: number): boolean => (c >= 0xc00 && c <= 0xc1f) || (c >= 0xc80 && c <= 0xc9f);

/** Whether `mode` may access `csr` with mcounteren = scounteren = 0, menvcfgh.STCE = 0, TVM = 0. */
function legal(csr: number, mode: Mode, write: boolean): boolean {
  const m = MODE_NUM[mode];
  if (!EXISTING.has(csr)) return false;
  // csr[9:8] = 2: hypervisor and VS CSRs, which HS-mode (S with V=0) reaches.
  const min = (csr >>> 8) & 3;
  if ((min === 2 ? 1 : min) > m) return false;
  if (write && ((csr >>> 10) & 3) === 3) return false;
  if (m < 3 && isCounter(csr)) return false;
  if (m < 3 && (csr === CSR.stimecmp || csr === CSR.stimecmph)) return false;
  return true;
}

describe('CSR access rules', () => {
  const all = [...EXISTING, ...MISSING].sort((a, b) => a - b);

  for (const mode of ['M', 'S', 'U'] as Mode[]) {
    it(`from ${mode}-mode: every CSR's read and write legality follows its number, existence and gates`, () => {
      // Probe k: a read (csrrs rd, csr, x0), then a write (csrrs rd, csr, t1 with t1 = 0, which
      // writes the old value back but is architecturally a write). Trap counts go to bytes.
      const probes = all.map((c, k) => `
  csrrs a0, ${c}, x0
  sb s8, ${2 * k}(s1)
  li s8, 0
  csrrs a0, ${c}, t1
  sb s8, ${2 * k + 1}(s1)
  li s8, 0`).join('');
      const r = run(`${RECORDING_PRELUDE}
main:
  la s1, results
  li t1, 0
  ${mode === 'M' ? 'j body' : enterMode(mode, 'body')}
body:
  li s8, 0
  li t1, 0
${probes}
  ${POWER_OFF}
  .balign 4096
results:
  .space ${2 * all.length}
`);
      expect(r.stop.kind).toBe('power-off');
      const bad: string[] = [];
      all.forEach((c, k) => {
        const name = CSR_NAMES.get(c) ?? hex(c);
        const readTrapped = r.byte(r.sym('results') + 2 * k) !== 0;
        const writeTrapped = r.byte(r.sym('results') + 2 * k + 1) !== 0;
        if (readTrapped === legal(c, mode, false)) bad.push(`read ${name}: ${readTrapped ? 'trapped' : 'allowed'}`);
        if (writeTrapped === legal(c, mode, true)) bad.push(`write ${name}: ${writeTrapped ? 'trapped' : 'allowed'}`);
      });
      expect(bad).toEqual([]);
      // The last trap was an illegal instruction with the instruction word as tval.
      expect(r.reg('s9')).toBe(Cause.IllegalInstruction);
      expect(r.ureg('s10')).toBe(r.word(r.ureg('s11')));
    });
  }

  it('csrrs/csrrc with rs1 = x0 and the immediate forms with 0 do not write (allowed on read-only CSRs)', () => {
    const r = run(`${RECORDING_PRELUDE}
main:
  li a1, 0
  csrrs a0, mhartid, x0
  csrrc a0, mvendorid, x0
  csrrsi a0, mimpid, 0
  csrrci a0, cycle, 0
  mv s0, s8                # 0 traps so far
  csrrs a0, mhartid, a1    # a write, although a1 is 0
  csrrci a0, cycle, 1
  csrrw x0, mhartid, a1
  csrrwi a0, marchid, 0
  mv s1, s8                # 4 traps
  ${POWER_OFF}
`);
    expect(r.reg('s0')).toBe(0);
    expect(r.reg('s1')).toBe(4);
  });

  it('csrrw/csrrs/csrrc and their immediate forms read the old value and write, set or clear', () => {
    const r = run(`${RECORDING_PRELUDE}
main:
  li t0, 0xf0f0
  csrw mscratch, t0
  li t1, 0x0f0f
  csrrs a0, mscratch, t1     # a0 = f0f0, mscratch = ffff
  li t1, 0xf00f
  csrrc a1, mscratch, t1     # a1 = ffff, mscratch = 0ff0
  csrrwi a2, mscratch, 31    # a2 = 0ff0, mscratch = 31
  csrrsi a3, mscratch, 0     # a3 = 31 (no write)
  csrrci a4, mscratch, 5     # a4 = 31, mscratch = 26
  li a5, 0x1234
  csrrw a5, mscratch, a5     # rd == rs1: swap
  csrrw x0, mscratch, zero   # rd = x0: write only
  csrr a6, mscratch
  ${POWER_OFF}
`);
    expect(r.ureg('a0')).toBe(0xf0f0);
    expect(r.ureg('a1')).toBe(0xffff);
    expect(r.ureg('a2')).toBe(0x0ff0);
    expect(r.ureg('a3')).toBe(31);
    expect(r.ureg('a4')).toBe(31);
    expect(r.ureg('a5')).toBe(26);
    expect(r.ureg('a6')).toBe(0);
    expect(r.reg('s8')).toBe(0);
  });
});

describe('CSR WARL behaviour', () => {
  /** Run `code` in M-mode; it leaves results in a0..a7 and s0..s6. */
  const m = (code: string) => run(`${RECORDING_PRELUDE}
main:
${code}
  ${POWER_OFF}
`);

  it('mstatus keeps only implemented fields; sstatus is its supervisor view; MPP never holds 2', () => {
    const r = m(`
  li t0, -1
  csrw mstatus, t0
  csrr a0, mstatus
  csrr a1, sstatus
  csrw mstatus, zero
  csrw sstatus, t0
  csrr a2, mstatus
  csrr a3, sstatus
  li t0, 0x1800
  csrc sstatus, t0       # MPP is not in the sstatus view: no effect
  li t0, 0x800           # MPP = S
  csrw mstatus, t0
  li t0, 0x1000          # MPP = 2 (reserved)
  csrw mstatus, t0
  csrr a4, mstatus
  csrw mstatus, zero
`);
    const ALL = MSTATUS.SIE | MSTATUS.MIE | MSTATUS.SPIE | MSTATUS.MPIE | MSTATUS.SPP | MSTATUS.MPP |
      MSTATUS.MPRV | MSTATUS.SUM | MSTATUS.MXR | MSTATUS.TVM | MSTATUS.TW | MSTATUS.TSR;
    const SVIEW = MSTATUS.SIE | MSTATUS.SPIE | MSTATUS.SPP | MSTATUS.SUM | MSTATUS.MXR;
    expect(hex(r.reg('a0'))).toBe(hex(ALL));
    expect(hex(r.reg('a1'))).toBe(hex(SVIEW));
    expect(hex(r.reg('a2'))).toBe(hex(SVIEW));
    expect(hex(r.reg('a3'))).toBe(hex(SVIEW));
    // A reserved MPP value is not stored: the previous legal value stays.
    expect(hex(r.reg('a4'))).toBe(hex(0x800));
  });

  it('misa reports RV32IMASUH and ignores writes; the ID registers read 0 and mhartid 0', () => {
    const r = m(`
  csrr a0, misa
  csrw misa, zero
  csrr a1, misa
  csrr a2, mhartid
  csrr a3, mvendorid
  csrr a4, marchid
  csrr a5, mimpid
`);
    const ext = (c: string): number => 1 << (c.charCodeAt(0) - 65);
    const misa = (1 << 30) | ext('I') | ext('M') | ext('A') | ext('S') | ext('U') | ext('H');
    expect(hex(r.reg('a0'))).toBe(hex(misa));
    expect(hex(r.reg('a1'))).toBe(hex(misa));
    expect([r.reg('a2'), r.reg('a3'), r.reg('a4'), r.reg('a5')]).toEqual([0, 0, 0, 0]);
    expect(r.reg('s8')).toBe(0);
  });

  it('medeleg cannot delegate ecall from M (bit 11); mideleg holds only the S interrupt bits', () => {
    const r = m(`
  li t0, -1
  csrw medeleg, t0
  csrr a0, medeleg
  csrw mideleg, t0
  csrr a1, mideleg
  csrw mie, t0
  csrr a2, mie
`);
    expect(r.ureg('a0') & (1 << Cause.EnvironmentCallFromM)).toBe(0);
    // With the H extension ecall from VS (10) and the guest-page / virtual-instruction
    // exceptions (20–23) can be delegated to HS as well.
    expect(hex(r.reg('a0'))).toBe(hex(0xb3ff | (1 << 10) | (0xf << 20)));
    // The VS interrupts are read-only one in mideleg.
    expect(hex(r.reg('a1'))).toBe(hex(MIP.SSIP | MIP.STIP | MIP.SEIP | VS_INTERRUPTS));
    expect(hex(r.reg('a2'))).toBe(hex(0xaaa | VS_INTERRUPTS));
  });

  it('mip: M writes only SSIP/STIP/SEIP (and VSSIP, hvip\'s alias); sie and sip are views through mideleg; sip writes only SSIP', () => {
    const r = m(`
  li t0, -1
  csrw mip, t0
  csrr a0, mip
  csrw mip, zero
  li t1, 0x222
  csrw mideleg, t1
  csrw sie, t0
  csrr a1, sie
  csrr a2, mie
  li t1, 0x2
  csrw mideleg, t1
  csrr a3, sie
  csrw sie, zero
  csrr a4, mie            # STIE and SEIE were not delegated: sie cannot clear them
  li t1, 0x222
  csrw mideleg, t1
  csrw sip, t0
  csrr a5, sip
  csrr a6, mip
  li t1, 0x20
  csrw mip, t1            # STIP, set by M
  csrr a7, sip
  csrw mideleg, zero
  csrr s0, sip
  csrr s1, sie
  csrw mip, zero
  csrw mie, zero
`);
    expect(hex(r.reg('a0'))).toBe(hex(0x222 | MIP.VSSIP));
    expect(hex(r.reg('a1'))).toBe(hex(0x222));
    expect(hex(r.reg('a2'))).toBe(hex(0x222));
    expect(hex(r.reg('a3'))).toBe(hex(0x2));
    expect(hex(r.reg('a4'))).toBe(hex(0x220));
    expect(hex(r.reg('a5'))).toBe(hex(0x2));
    expect(hex(r.reg('a6'))).toBe(hex(0x2));
    expect(hex(r.reg('a7'))).toBe(hex(0x20));
    expect(r.reg('s0')).toBe(0);
    expect(r.reg('s1')).toBe(0);
  });

  it('mtvec/stvec keep direct or vectored mode and refuse the reserved modes', () => {
    const r = m(`
  csrr s0, mtvec
  li t0, 0x80001001
  csrw mtvec, t0
  csrr a0, mtvec
  li t0, 0x80002002
  csrw mtvec, t0
  csrr a1, mtvec
  li t0, 0x80003003
  csrw mtvec, t0
  csrr a2, mtvec
  li t0, 0x80004000
  csrw mtvec, t0
  csrr a3, mtvec
  csrw mtvec, s0
  li t0, 0x80005001
  csrw stvec, t0
  csrr a4, stvec
  li t0, 0x80006003
  csrw stvec, t0
  csrr a5, stvec
`);
    expect(hex(r.reg('a0'))).toBe(hex(0x8000_1001));
    expect(hex(r.reg('a1'))).toBe(hex(0x8000_2001));
    expect(hex(r.reg('a2'))).toBe(hex(0x8000_3001));
    expect(hex(r.reg('a3'))).toBe(hex(0x8000_4000));
    expect(hex(r.reg('a4'))).toBe(hex(0x8000_5001));
    expect(hex(r.reg('a5'))).toBe(hex(0x8000_6001));
  });

  it('mepc/sepc clear bits 1:0 (IALIGN = 32); scratch, cause and tval registers hold any value', () => {
    const r = m(`
  li t0, 0x80000003
  csrw mepc, t0
  csrr a0, mepc
  li t0, -1
  csrw sepc, t0
  csrr a1, sepc
  li t0, 0xdeadbeef
  csrw mscratch, t0
  csrr a2, mscratch
  csrw sscratch, t0
  csrr a3, sscratch
  csrw scause, t0
  csrr a4, scause
  csrw stval, t0
  csrr a5, stval
  csrw mtval, t0
  csrr a6, mtval
`);
    expect(hex(r.reg('a0'))).toBe(hex(0x8000_0000));
    expect(hex(r.reg('a1'))).toBe(hex(0xffff_fffc));
    for (const reg of ['a2', 'a3', 'a4', 'a5', 'a6']) expect(hex(r.reg(reg))).toBe(hex(0xdead_beef));
  });

  it('satp holds MODE and PPN; counteren, menvcfg and menvcfgh keep only their implemented bits', () => {
    const r = m(`
  li t0, 0x80012345
  csrw satp, t0
  csrr a0, satp
  csrw satp, zero
  li t0, -1
  csrw mcounteren, t0
  csrr a1, mcounteren
  csrw scounteren, t0
  csrr a2, scounteren
  csrw menvcfg, t0
  csrr a3, menvcfg
  csrw menvcfgh, t0
  csrr a4, menvcfgh
  csrw menvcfgh, zero
`);
    expect(hex(r.reg('a0'))).toBe(hex(0x8001_2345));
    expect(r.reg('a1')).toBe(7);
    expect(r.reg('a2')).toBe(7);
    expect(r.reg('a3')).toBe(1);
    expect(hex(r.reg('a4'))).toBe(hex(0x8000_0000));
  });

  it('minstret/mcycle writes: the next instruction reads the value written; high halves carry', () => {
    const r = m(`
  li t0, 1000
  csrw minstret, t0
  csrr a0, minstret        # 1000: the writing instruction does not count on top of the write
  csrr a1, minstret        # 1001
  csrw mcycle, zero
  csrr a2, mcycle          # 0
  li t0, 7
  csrw minstreth, t0
  csrr a3, minstreth       # 7
  li t0, -1
  csrw minstret, t0
  nop                      # minstret wraps into minstreth
  csrr a4, minstreth       # 8
  csrr a5, minstret        # 1
  li t0, 3
  csrw mcycleh, t0
  csrr a6, mcycleh
  csrr a7, cycleh          # the unprivileged shadows read the same counters
  csrr s0, instreth
  rdcycle s1
  csrr s2, mcycle
`);
    expect(r.reg('a0')).toBe(1000);
    expect(r.reg('a1')).toBe(1001);
    expect(r.reg('a2')).toBe(0);
    expect(r.reg('a3')).toBe(7);
    expect(r.reg('a4')).toBe(8);
    expect(r.reg('a5')).toBe(1);
    expect(r.reg('a6')).toBe(3);
    expect(r.reg('a7')).toBe(3);
    expect(r.reg('s0')).toBe(8);
    expect(r.reg('s2') - r.reg('s1')).toBe(1);
  });

  it('time reads the CLINT mtime (simulated, 100 cycles per tick at 1 GHz)', () => {
    const r = m(`
  li t0, 1000
1:
  addi t0, t0, -1
  bnez t0, 1b
  li t1, 0x0200bff8
  lw a0, 0(t1)
  rdtime a1
  rdtimeh a2
  csrr a3, mcycle
`);
    expect(r.reg('a0')).toBeGreaterThan(15);
    expect(r.reg('a1') - r.reg('a0')).toBeGreaterThanOrEqual(0);
    expect(r.reg('a1') - r.reg('a0')).toBeLessThanOrEqual(1);
    expect(r.reg('a2')).toBe(0);
    expect(r.reg('a1')).toBe(Math.floor((r.reg('a3') - 1) / 100));
  });

  it('counter access from S and U is gated by mcounteren and scounteren, per counter', () => {
    // Each probe stores its trap count; s2/s3 select the counteren values for the phase.
    const probes = (tag: string): string => ['cycle', 'time', 'instret', 'cycleh', 'timeh', 'instreth']
      .map((c, k) => `
  csrr a0, ${c}
  sb s8, ${k}(s1)
  li s8, 0`).join('') + `
  addi s1, s1, 8
  ecall  # back to M: ${tag}`;
    const r = run(`${RECORDING_PRELUDE}
main:
  la s1, results
  la t0, m_ecall
  csrw mtvec, t0
  li s4, 0
  # phase table: mcounteren, scounteren, mode
  la s5, phases
next_phase:
  lw t1, 0(s5)
  bltz t1, done
  csrw mcounteren, t1
  lw t1, 4(s5)
  csrw scounteren, t1
  lw t1, 8(s5)
  addi s5, s5, 12
  li t0, 0x1800
  csrc mstatus, t0
  slli t1, t1, 11
  csrs mstatus, t1
  la t0, probe
  csrw mepc, t0
  li s8, 0
  mret
probe:
  ${probes('phase done')}
m_ecall:
  csrr t0, mcause
  li t1, 8
  beq t0, t1, next_phase    # ecall from U
  li t1, 9
  beq t0, t1, next_phase    # ecall from S
  # anything else: the recording handler's job
  addi s8, s8, 1
  csrr s11, mepc
  addi s11, s11, 4
  csrw mepc, s11
  mret
done:
  ${POWER_OFF}
  .balign 4
phases:
  .word 0, 0, 1
  .word 1, 0, 1
  .word 7, 0, 1
  .word 0, 7, 0
  .word 7, 0, 0
  .word 5, 1, 0
  .word 7, 7, 0
  .word -1
  .balign 4096
results:
  .space 64
`);
    expect(r.stop.kind).toBe('power-off');
    const phases = [
      { m: 0, s: 0, mode: 1 }, { m: 1, s: 0, mode: 1 }, { m: 7, s: 0, mode: 1 }, { m: 0, s: 7, mode: 0 },
      { m: 7, s: 0, mode: 0 }, { m: 5, s: 1, mode: 0 }, { m: 7, s: 7, mode: 0 },
    ];
    const got: string[] = [];
    const want: string[] = [];
    phases.forEach((p, i) => {
      [0, 1, 2, 0, 1, 2].forEach((bit, k) => {
        const allowed = ((p.m >> bit) & 1) === 1 && (p.mode === 1 || ((p.s >> bit) & 1) === 1);
        want.push(`phase ${i} probe ${k}: ${allowed ? 'ok' : 'trap'}`);
        got.push(`phase ${i} probe ${k}: ${r.byte(r.sym('results') + 8 * i + k) === 0 ? 'ok' : 'trap'}`);
      });
    });
    expect(got).toEqual(want);
  });

  it('mip.SEIP: a csrrs/csrrc read-modify-write uses only the software-writable SEIP bit', () => {
    const h = load(`
_start:
  csrsi mip, 2          # SSIP, while the PLIC (here: the pin) drives SEIP
  nop
  csrr a0, mip
  ${POWER_OFF}
`, { setup: (b) => b.hart.setPending(MIP.SEIP, true) });
    expect(h.board.run(1).kind).toBe('insn-limit');
    h.board.hart.setPending(MIP.SEIP, false);
    expect(h.board.run(100).kind).toBe('power-off');
    expect(hex(h.reg('a0'))).toBe(hex(MIP.SSIP));
  });
});

describe('Sstc', () => {
  it('stimecmp is reachable from S only with menvcfgh.STCE and mcounteren.TM', () => {
    const r = run(`${RECORDING_PRELUDE}
main:
  la s1, results
  ${enterMode('S', 's1_probe')}
s1_probe:
  csrr a0, stimecmp
  sb s8, 0(s1)
  ${POWER_OFF}
  .balign 4096
results: .space 4
`);
    expect(r.byte(r.sym('results'))).toBe(1);

    const ok = run(`${RECORDING_PRELUDE}
main:
  li t0, 0x80000000
  csrw menvcfgh, t0
  la s1, results
  ${enterMode('S', 'probe1')}
probe1:
  csrr a0, stimecmp      # TM clear: illegal
  sb s8, 0(s1)
  ${POWER_OFF}
  .balign 4096
results: .space 4
`);
    expect(ok.byte(ok.sym('results'))).toBe(1);

    const both = run(`${RECORDING_PRELUDE}
main:
  li t0, 0x80000000
  csrw menvcfgh, t0
  csrwi mcounteren, 2
  ${enterMode('S', 'probe2')}
probe2:
  csrr a0, stimecmp
  li t0, 1234
  csrw stimecmp, t0
  csrr a1, stimecmp
  csrr a2, stimecmph
  ${POWER_OFF}
`);
    expect(both.reg('s8')).toBe(0);
    expect(both.ureg('a0')).toBe(0xffff_ffff);
    expect(both.reg('a1')).toBe(1234);
    expect(both.ureg('a2')).toBe(0xffff_ffff);
  });

  it('an S-mode timer interrupt from stimecmp (Sstc) is taken when time reaches it', () => {
    const r = run(`${RECORDING_PRELUDE}
main:
  li t0, 0x80000000
  csrw menvcfgh, t0
  csrwi mcounteren, 2
  li t0, 0x20
  csrw mideleg, t0
  la t0, s_handler
  csrw stvec, t0
  ${enterMode('S', 'smain')}
smain:
  li t0, 0x20
  csrs sie, t0
  rdtime a0
  addi a1, a0, 50
  csrw stimecmph, zero
  csrw stimecmp, a1
  csrr s0, sip           # not yet pending
  csrsi sstatus, 2       # SIE
1:
  addi a2, a2, 1
  j 1b
s_handler:
  csrr s1, scause
  rdtime s2
  csrr s3, sip
  li t0, -1
  csrw stimecmph, t0     # clears STIP
  csrr s4, sip
  ${POWER_OFF}
`);
    expect(r.stop.kind).toBe('power-off');
    expect(r.reg('s0') & MIP.STIP).toBe(0);
    expect(hex(r.reg('s1'))).toBe(hex(CAUSE_INTERRUPT | Interrupt.SupervisorTimer));
    expect(r.reg('s2')).toBeGreaterThanOrEqual(r.reg('a1'));
    expect(r.reg('s2')).toBeLessThanOrEqual(r.reg('a1') + 1);
    expect(r.reg('s3') & MIP.STIP).toBe(MIP.STIP);
    expect(r.reg('s4') & MIP.STIP).toBe(0);
    expect(r.reg('a2')).toBeGreaterThan(100); // it really waited for time to pass
  });

  it('an stimecmp left at its reset value (never) does not make WFI jump time: the run stops idle', () => {
    const h = load(`
_start:
  li t0, 0x80000000
  csrw menvcfgh, t0        # Sstc on; stimecmp keeps its reset value, all ones
  li t0, 0x20
  csrw mie, t0             # STIE: STIP would wake WFI
  wfi
  ${POWER_OFF}
`);
    expect(h.board.run(1000).kind).toBe('idle');
    expect(h.board.hart.cycle).toBeLessThan(1000);
  });

  it('with STCE set, STIP follows stimecmp and is not writable through mip', () => {
    const r = run(`${RECORDING_PRELUDE}
main:
  li t0, 0x80000000
  csrw menvcfgh, t0
  csrw stimecmp, zero
  csrw stimecmph, zero   # time >= 0: pending at once
  csrr a0, mip
  li t0, 0x20
  csrc mip, t0
  csrr a1, mip
  li t0, -1
  csrw stimecmph, t0
  csrr a2, mip
  li t0, 0x20
  csrs mip, t0           # ignored while Sstc drives STIP
  csrr a3, mip
  csrw menvcfgh, zero    # STCE off: STIP is the software bit again
  csrr a4, mip
  ${POWER_OFF}
`);
    expect(r.reg('a0') & MIP.STIP).toBe(MIP.STIP);
    expect(r.reg('a1') & MIP.STIP).toBe(MIP.STIP);
    expect(r.reg('a2') & MIP.STIP).toBe(0);
    expect(r.reg('a3') & MIP.STIP).toBe(0);
    expect(r.reg('a4') & MIP.STIP).toBe(0);
  });
});

describe('TVM, TSR, TW and privileged-instruction traps', () => {
  it('TVM traps satp and sfence.vma in S; TSR traps sret in S; TW traps wfi in S; U may never wfi', () => {
    const r = run(`${RECORDING_PRELUDE}
main:
  la s1, results
  li t0, ${MSTATUS.TVM | MSTATUS.TSR | MSTATUS.TW}
  csrs mstatus, t0
  csrr a0, satp            # M is not affected by TVM
  ${enterMode('S', 'smain')}
smain:
  li s8, 0
s_satp:
  csrr a0, satp
  sb s8, 0(s1)
s_sfence:
  sfence.vma
  sb s8, 1(s1)
s_sret:
  sret
  sb s8, 2(s1)
s_wfi:
  wfi
  sb s8, 3(s1)
  sw s10, 4(s1)            # tval of the last: the wfi word
  ${POWER_OFF}
  .balign 4096
results: .space 16
`);
    const res = r.sym('results');
    expect([r.byte(res), r.byte(res + 1), r.byte(res + 2), r.byte(res + 3)]).toEqual([1, 2, 3, 4]);
    expect(r.word(res + 4)).toBe(r.word(r.sym('s_wfi')));
    expect(r.reg('s9')).toBe(Cause.IllegalInstruction);
  });

  it('without TW, wfi in S waits (and with nothing to wake it the run stops idle); in U it traps', () => {
    const s = run(`${RECORDING_PRELUDE}
main:
  ${enterMode('S', 'smain')}
smain:
  wfi
  ${POWER_OFF}
`);
    expect(s.stop.kind).toBe('idle');
    expect(s.reg('s8')).toBe(0);
    const u = run(`${RECORDING_PRELUDE}
main:
  ${enterMode('U', 'umain')}
umain:
  wfi
  ${POWER_OFF}
`);
    expect(u.stop.kind).toBe('power-off');
    expect(u.reg('s9')).toBe(Cause.IllegalInstruction);
  });

  it('mret from S or U, sret from U, and S-mode CSRs from U are illegal', () => {
    const r = run(`${RECORDING_PRELUDE}
main:
  la s1, results
  ${enterMode('S', 'smain')}
smain:
  li s8, 0
  mret
  sb s8, 0(s1)
  la t0, umain
  csrw sepc, t0
  li t0, 0x100
  csrc sstatus, t0          # SPP = U
  sret
umain:
  li s8, 0
  mret
  sb s8, 1(s1)
  li s8, 0
  sret
  sb s8, 2(s1)
  li s8, 0
  csrr a0, sstatus
  sb s8, 3(s1)
  li s8, 0
  sfence.vma
  sb s8, 4(s1)
  ${POWER_OFF}
  .balign 4096
results: .space 8
`);
    const res = r.sym('results');
    expect([0, 1, 2, 3, 4].map((k) => r.byte(res + k))).toEqual([1, 1, 1, 1, 1]);
  });
});
