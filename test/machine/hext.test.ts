/**
 * The H extension (privileged spec 20211203, chapter 8) exercised by bare-metal programs on the
 * hart: entering VS/VU through mret (mstatush.MPV) and sret (hstatus.SPV, vsstatus.SPP), the
 * substitution of the VS CSRs for the S CSRs under V=1, illegal vs virtual-instruction
 * exceptions for every CSR class and for sret/wfi/sfence.vma/hfence, trap delivery to M, HS
 * and VS (medeleg/hedeleg, mideleg/hideleg) with what each level records, VS interrupts
 * injected through hvip, the vsip/vsie/hip/hie views, and two-stage translation (VS-stage Sv32
 * under G-stage Sv32x4): guest-page faults with htval/htinst, implicit faults, the number of
 * page-table reads a two-stage walk makes, G-stage permissions and A/D bits in both stages.
 */
import { describe, expect, it } from 'vitest';
import { CAUSE_INTERRUPT, Cause } from '../../src/isa/causes.js';
import { CSR, HSTATUS, MIP, MSTATUS, MSTATUSH, PTE, SSTATUS, VS_INTERRUPTS } from '../../src/isa/csr.js';
import type { VirtBoard } from '../../src/machine/board.js';
import { POWER_OFF, run, type Run } from './helpers.js';

const { V, R, W, X, U, A, D } = PTE;

/** Level tags the handlers leave in s6. */
const LEVEL = { M: 3, HS: 1, VS: 2 } as const;

/**
 * Handlers for all three levels. Each records the last trap: s8 counts traps, s9 = cause,
 * s10 = tval, s11 = epc, s2 = mtval2/htval, s3 = mtinst/htinst, s4 = mstatus / mstatus /
 * vsstatus (each as sstatus / mstatus shows it), s5 = mstatush / hstatus / 0, s6 = LEVEL. An exception
 * resumes after the trapping instruction, or at gp when gp is non-zero (gp is then cleared).
 * An interrupt resumes where it struck after masking itself: M clears mie, HS clears hvip,
 * VS clears its sie (vsie). Clobbers s7. An ecall with a7 = 0x5d powers off from any mode.
 */
const H_PRELUDE = `
_start:
  la t0, m_trap
  csrw mtvec, t0
  la t0, hs_trap
  csrw stvec, t0
  la t0, vs_trap
  csrw vstvec, t0
  j main
m_trap:
  li s7, 0x5d            # ecall with a7 = 0x5d from anywhere: power off
  bne a7, s7, 3f
  ${POWER_OFF}
3:
  addi s8, s8, 1
  li s6, ${LEVEL.M}
  csrr s9, mcause
  csrr s10, mtval
  csrr s11, mepc
  csrr s2, mtval2
  csrr s3, mtinst
  csrr s4, mstatus
  csrr s5, mstatush
  bltz s9, 2f
  addi s7, s11, 4
  beqz gp, 1f
  mv s7, gp
  li gp, 0
1:
  csrw mepc, s7
  mret
2:
  csrw mie, zero
  mret
hs_trap:
  addi s8, s8, 1
  li s6, ${LEVEL.HS}
  csrr s9, scause
  csrr s10, stval
  csrr s11, sepc
  csrr s2, htval
  csrr s3, htinst
  csrr s4, sstatus
  csrr s5, hstatus
  bltz s9, 2f
  addi s7, s11, 4
  beqz gp, 1f
  mv s7, gp
  li gp, 0
1:
  csrw sepc, s7
  sret
2:
  csrw hvip, zero
  sret
vs_trap:
  addi s8, s8, 1
  li s6, ${LEVEL.VS}
  csrr s9, scause
  csrr s10, stval
  csrr s11, sepc
  li s2, 0
  li s3, 0
  csrr s4, sstatus
  li s5, 0
  bltz s9, 2f
  addi s7, s11, 4
  beqz gp, 1f
  mv s7, gp
  li gp, 0
1:
  csrw sepc, s7
  sret
2:
  csrw sie, zero
  sret
`;

type VMode = 'VS' | 'VU' | 'HS' | 'U';

/** From M-mode: go to `mode` at `label` through mret (MPP, and MPV for VS/VU). Clobbers t0. */
const enter = (mode: VMode, label: string): string => `
  li t0, 0x1800
  csrc mstatus, t0
  li t0, ${(mode === 'VS' || mode === 'HS' ? 1 : 0) << 11}
  csrs mstatus, t0
  li t0, ${MSTATUSH.MPV}
  ${mode === 'VS' || mode === 'VU' ? 'csrs' : 'csrc'} mstatush, t0
  la t0, ${label}
  csrw mepc, t0
  mret
`;

/** From M-mode: MPRV with MPP = S and MPV = 1, so loads and stores translate as VS's. */
const MPRV_AS_VS = `
  li t0, ${MSTATUSH.MPV}
  csrs mstatush, t0
  li t0, 0x1800
  csrc mstatus, t0
  li t0, ${(1 << 11) | MSTATUS.MPRV}
  csrs mstatus, t0`;

function runOk(source: string, opts: Parameters<typeof run>[1] = {}): Run {
  const r = run(source, opts);
  expect(r.stop).toEqual({ kind: 'power-off', code: 0 });
  return r;
}

const csrOf = (r: Run): VirtBoard['hart']['csr'] => r.board.hart.csr;

describe('entering VS and VU', () => {
  it('mret with MPV=1 enters VS (ecall is cause 10); VS sret with SPP=0 enters VU (ecall is cause 8)', () => {
    const r = runOk(`${H_PRELUDE}
main:
  ${enter('VS', 'in_vs')}
in_vs:
  ecall
  mv a0, s9          # cause
  mv a1, s5          # mstatush at the trap
  mv a2, s4          # mstatus at the trap
  csrr a3, mstatush  # mret cleared MPV? (reads as the VS CSR? no: mstatush is M-only)
  la t0, in_vu
  csrw sepc, t0
  li t0, ${SSTATUS.SPP}
  csrc sstatus, t0
  sret
in_vu:
  ecall
  mv a4, s9
  mv a5, s5
  mv a6, s4
  ${POWER_OFF}
`);
    expect(r.reg('a0')).toBe(Cause.EnvironmentCallFromVS);
    expect(r.ureg('a1') & MSTATUSH.MPV).toBe(MSTATUSH.MPV);
    expect((r.ureg('a2') & MSTATUS.MPP) >>> 11).toBe(1);
    // mstatush is an M CSR: reading it from VS is illegal (cause 2 recorded after the ecall)
    expect(r.reg('s8')).toBeGreaterThanOrEqual(3);
    expect(r.reg('a4')).toBe(Cause.EnvironmentCallFromU);
    expect(r.ureg('a5') & MSTATUSH.MPV).toBe(MSTATUSH.MPV);
    expect((r.ureg('a6') & MSTATUS.MPP) >>> 11).toBe(0);
    expect(r.board.hart.virt).toBe(true);
    expect(r.board.hart.priv).toBe(0);
    // VS's sret cleared vsstatus.SPP and set SPIE
    expect(csrOf(r).vsstatus & SSTATUS.SPIE).toBe(SSTATUS.SPIE);
  });

  it('mret clears mstatush.MPV; mret with MPV=1 and MPP=U enters VU directly', () => {
    const r = runOk(`${H_PRELUDE}
main:
  ${enter('VU', 'in_vu')}
in_vu:
  ecall
  mv a0, s9
  mv a1, s5
  ${POWER_OFF}
`);
    expect(r.reg('a0')).toBe(Cause.EnvironmentCallFromU);
    expect(r.ureg('a1') & MSTATUSH.MPV).toBe(MSTATUSH.MPV);
    expect(r.board.hart.virt).toBe(true);
    // After the recording handler's mret back to VU, MPV is clear again.
    expect(csrOf(r).mstatush & MSTATUSH.MPV).toBe(0);
  });

  it('HS sret with hstatus.SPV=1 enters the guest and clears SPV; SPP picks VS or VU', () => {
    const r = runOk(`${H_PRELUDE}
main:
  ${enter('HS', 'in_hs')}
in_hs:
  li t0, ${HSTATUS.SPV}
  csrs hstatus, t0
  li t0, ${SSTATUS.SPP}
  csrs sstatus, t0
  la t0, in_vs
  csrw sepc, t0
  sret
in_vs:
  csrr a0, hstatus     # virtual instruction from VS
  mv a1, s9
  mv a2, s6
  ${POWER_OFF}
`);
    expect(r.reg('a1')).toBe(Cause.VirtualInstruction);
    expect(r.reg('a2')).toBe(LEVEL.M);
    expect(csrOf(r).hstatus & HSTATUS.SPV).toBe(0);
    expect(r.board.hart.virt).toBe(true);
    expect(r.board.hart.priv).toBe(1);
  });
});

describe('VS CSR substitution', () => {
  it('VS-mode names the S CSRs and reaches the VS ones; HS and M see the real ones', () => {
    const r = runOk(`${H_PRELUDE}
main:
  li t0, 0x11111111
  csrw sscratch, t0
  li t0, 0x22222220
  csrw sepc, t0
  csrw vsstatus, zero
  ${enter('VS', 'in_vs')}
in_vs:
  li t0, ${SSTATUS.SUM | SSTATUS.MXR}
  csrs sstatus, t0
  csrr a0, sstatus
  li t0, 0xabcdef01
  csrw sscratch, t0
  li t0, 0x80001000
  csrw sepc, t0
  li t0, 0x55
  csrw scause, t0
  li t0, 0x66
  csrw stval, t0
  li t0, 0x00400000     # satp: Bare with ASID 1 (turns nothing on)
  csrw satp, t0
  csrr a1, satp
  la t0, vs_trap
  csrw stvec, t0
  ${POWER_OFF}
`);
    const c = csrOf(r);
    expect(r.ureg('a0') & (SSTATUS.SUM | SSTATUS.MXR)).toBe(SSTATUS.SUM | SSTATUS.MXR);
    expect(c.vsstatus & (SSTATUS.SUM | SSTATUS.MXR)).toBe(SSTATUS.SUM | SSTATUS.MXR);
    expect(c.mstatus & (MSTATUS.SUM | MSTATUS.MXR)).toBe(0);
    expect(c.vsscratch >>> 0).toBe(0xabcdef01);
    expect(c.sscratch >>> 0).toBe(0x11111111);
    expect(c.vsepc >>> 0).toBe(0x80001000);
    expect(c.sepc >>> 0).toBe(0x22222220);
    expect(c.vscause).toBe(0x55);
    expect(c.vstval).toBe(0x66);
    expect(c.scause).toBe(0);
    expect(c.vsatp >>> 0).toBe(0x00400000);
    expect(r.ureg('a1')).toBe(0x00400000);
    expect(c.satp).toBe(0);
    expect(r.reg('s8')).toBe(0);
  });

  it('M reads the VS CSRs by their own numbers and sstatus stays mstatus\'s view', () => {
    const r = runOk(`${H_PRELUDE}
main:
  li t0, ${SSTATUS.SIE | SSTATUS.SPP}
  csrw vsstatus, t0
  csrr a0, sstatus
  csrr a1, vsstatus
  li t0, 0x1234
  csrw vsscratch, t0
  csrr a2, sscratch
  csrr a3, vsscratch
  ${POWER_OFF}
`);
    expect(r.ureg('a0') & (SSTATUS.SIE | SSTATUS.SPP)).toBe(0);
    expect(r.ureg('a1')).toBe(SSTATUS.SIE | SSTATUS.SPP);
    expect(r.ureg('a2')).toBe(0);
    expect(r.ureg('a3')).toBe(0x1234);
  });
});

// ---- illegal vs virtual instruction ---------------------------------------------------------

interface AccessConfig {
  mode: 'VS' | 'VU';
  mcounteren?: number;
  hcounteren?: number;
  scounteren?: number;
  hstatus?: number;
  mstatus?: number;
}

const II = Cause.IllegalInstruction;
const VI = Cause.VirtualInstruction;
const OK = -1;

/** CSRs probed, with a description of their class. */
const PROBED: number[] = [
  CSR.sstatus, CSR.sie, CSR.stvec, CSR.scounteren, CSR.senvcfg, CSR.sscratch, CSR.sepc, CSR.scause,
  CSR.stval, CSR.sip, CSR.satp, CSR.stimecmp,
  CSR.vsstatus, CSR.vsie, CSR.vstvec, CSR.vsscratch, CSR.vsepc, CSR.vscause, CSR.vstval, CSR.vsip, CSR.vsatp,
  CSR.hstatus, CSR.hedeleg, CSR.hideleg, CSR.hie, CSR.htimedelta, CSR.hcounteren, CSR.hgeie, CSR.henvcfg,
  CSR.htimedeltah, CSR.henvcfgh, CSR.htval, CSR.hip, CSR.hvip, CSR.htinst, CSR.hgatp, CSR.hgeip,
  CSR.mstatus, CSR.misa, CSR.medeleg, CSR.mstatush, CSR.mtval2, CSR.mtinst, CSR.mhartid, CSR.mscratch,
  CSR.cycle, CSR.time, CSR.instret, CSR.cycleh, CSR.timeh, CSR.instreth, 0xc03 /* hpmcounter3 */,
  0x601, 0x5c0, 0x9c0, 0xdc0,
];

/** The spec's rule (§8.6.1) for what a CSR access from V=1 raises. */
function expected(csr: number, write: boolean, c: AccessConfig): number {
  const exists = !(csr === 0x601 || csr === 0x5c0 || csr === 0x9c0 || csr === 0xdc0);
  if (!exists) return II;
  const readOnly = ((csr >>> 10) & 3) === 3;
  if (write && readOnly) return II;
  const level = (csr >>> 8) & 3;
  if (level === 3) return II;
  if (level === 2) return VI;
  if (csr === CSR.stimecmp) return II; // menvcfgh.STCE = 0
  const counter = (csr >= 0xc00 && csr <= 0xc1f) || (csr >= 0xc80 && csr <= 0xc9f);
  if (counter) {
    const bit = 1 << (csr & 0x1f);
    if (((c.mcounteren ?? 0) & bit) === 0) return II;
    if (((c.hcounteren ?? 0) & bit) === 0) return VI;
    if (c.mode === 'VU' && ((c.scounteren ?? 0) & bit) === 0) return VI;
    return OK;
  }
  if (level === 1 && c.mode === 'VU') return VI;
  if (csr === CSR.satp && ((c.hstatus ?? 0) & HSTATUS.VTVM) !== 0) return VI;
  return OK;
}

function probeAccess(c: AccessConfig): { csr: number; write: boolean; got: number; want: number }[] {
  // Probe k: a read (csrrs a0, csr, x0) then a write (csrrs a0, csr, t1 with t1 = 0, which
  // writes the old value back). The cause (or 0xff: no trap) goes to a byte each.
  const probes = PROBED.map((csr, k) => `
  li s9, -1
  csrrs a0, ${csr}, x0
  sb s9, ${2 * k}(s1)
  li s9, -1
  csrrs a0, ${csr}, t1
  sb s9, ${2 * k + 1}(s1)`).join('');
  const r = runOk(`${H_PRELUDE}
main:
  la s1, results
  li t0, ${c.mcounteren ?? 0}
  csrw mcounteren, t0
  li t0, ${c.hcounteren ?? 0}
  csrw hcounteren, t0
  li t0, ${c.scounteren ?? 0}
  csrw scounteren, t0
  li t0, ${c.hstatus ?? 0}
  csrw hstatus, t0
  li t0, ${c.mstatus ?? 0}
  csrs mstatus, t0
  ${enter(c.mode, 'body')}
body:
  li t1, 0
${probes}
  ${POWER_OFF}
  .balign 4096
results:
  .space ${2 * PROBED.length}
`);
  const out: { csr: number; write: boolean; got: number; want: number }[] = [];
  PROBED.forEach((csr, k) => {
    for (const write of [false, true]) {
      const b = r.byte(r.sym('results') + 2 * k + (write ? 1 : 0));
      out.push({ csr, write, got: b === 0xff ? OK : b, want: expected(csr, write, c) });
    }
  });
  // Every trap went to M (no delegation) and came from V=1.
  expect(r.reg('s6')).toBe(LEVEL.M);
  expect(r.ureg('s5') & MSTATUSH.MPV).toBe(MSTATUSH.MPV);
  return out;
}

describe('CSR accesses under V=1: illegal or virtual instruction (§8.6.1)', () => {
  const configs: [string, AccessConfig][] = [
    ['VS, counters disabled in mcounteren', { mode: 'VS' }],
    ['VS, mcounteren on, hcounteren off', { mode: 'VS', mcounteren: 7 }],
    ['VS, mcounteren and hcounteren on, VTVM', { mode: 'VS', mcounteren: 7, hcounteren: 7, hstatus: HSTATUS.VTVM }],
    ['VS, mstatus.TVM (affects HS only)', { mode: 'VS', mcounteren: 7, hcounteren: 7, mstatus: MSTATUS.TVM }],
    ['VU, hcounteren on, scounteren off', { mode: 'VU', mcounteren: 7, hcounteren: 7 }],
    ['VU, everything on', { mode: 'VU', mcounteren: 7, hcounteren: 7, scounteren: 7 }],
    ['VU, hcounteren off, scounteren on', { mode: 'VU', mcounteren: 5, hcounteren: 0, scounteren: 7 }],
  ];
  for (const [name, c] of configs) {
    it(name, () => {
      const bad = probeAccess(c).filter((p) => p.got !== p.want)
        .map((p) => `${p.write ? 'write' : 'read'} 0x${p.csr.toString(16)}: got ${p.got}, want ${p.want}`);
      expect(bad).toEqual([]);
    });
  }

  it('the virtual-instruction exception writes the instruction to mtval', () => {
    const r = runOk(`${H_PRELUDE}
main:
  ${enter('VS', 'body')}
body:
  csrr a0, hgatp
  ${POWER_OFF}
`);
    expect(r.reg('s9')).toBe(VI);
    expect(r.ureg('s10')).toBe(r.word(r.ureg('s11')));
  });
});

// ---- sret / wfi / sfence.vma / hfence ---------------------------------------------------------

interface InsnCase {
  name: string;
  mode: VMode;
  hstatus?: number;
  mstatus?: number;
  want: number;
}

/** The instruction under test, from each mode. sret from VS/HS returns to the next line in
 *  the same mode (SPP=1, and for HS SPV=0). wfi wakes at once: VSSIP is pending and enabled
 *  in hie but masked by vsstatus.SIE = 0 / not deliverable while V=0 (hideleg). */
const INSNS: Record<string, (mode: VMode) => string> = {
  sret: (mode) => mode === 'VS' || mode === 'HS' ? `
  la t0, 3f
  csrw sepc, t0
  li t0, ${SSTATUS.SPP}
  csrs sstatus, t0
  sret
3:` : 'sret',
  wfi: () => 'wfi',
  'sfence.vma': () => 'sfence.vma',
  'sfence.vma a0': () => 'sfence.vma a0, zero',
  'hfence.vvma': () => 'hfence.vvma',
  'hfence.gvma': () => 'hfence.gvma',
  mret: () => 'mret',
};

function runInsn(insn: string, c: InsnCase): number {
  const r = runOk(`${H_PRELUDE}
main:
  li t0, ${c.hstatus ?? 0}
  csrw hstatus, t0
  li t0, ${c.mstatus ?? 0}
  csrs mstatus, t0
  li t0, ${MIP.VSSIP}
  csrw hideleg, t0
  csrw hie, t0
  csrw hvip, t0
  csrw vsstatus, zero
  ${enter(c.mode, 'body')}
body:
  li s9, -1
  ${(INSNS[insn] as (m: VMode) => string)(c.mode)}
  mv a0, s9
  ${POWER_OFF}
`, { maxInsns: 10_000 });
  return r.reg('a0');
}

describe('privileged instructions under V=1 (§8.6.1, hstatus.VTSR/VTW/VTVM)', () => {
  const cases: [string, InsnCase[]][] = [
    ['sret', [
      { name: 'VS', mode: 'VS', want: OK },
      { name: 'VS with VTSR', mode: 'VS', hstatus: HSTATUS.VTSR, want: VI },
      { name: 'VS with mstatus.TSR (HS only)', mode: 'VS', mstatus: MSTATUS.TSR, want: OK },
      { name: 'VU', mode: 'VU', want: VI },
      { name: 'HS', mode: 'HS', want: OK },
      { name: 'HS with TSR', mode: 'HS', mstatus: MSTATUS.TSR, want: II },
      { name: 'U', mode: 'U', want: II },
    ]],
    ['wfi', [
      { name: 'VS', mode: 'VS', want: OK },
      { name: 'VS with VTW', mode: 'VS', hstatus: HSTATUS.VTW, want: VI },
      { name: 'VS with TW', mode: 'VS', mstatus: MSTATUS.TW, want: II },
      { name: 'VU', mode: 'VU', want: VI },
      { name: 'VU with TW', mode: 'VU', mstatus: MSTATUS.TW, want: II },
      { name: 'HS with VTW', mode: 'HS', hstatus: HSTATUS.VTW, want: OK },
    ]],
    ['sfence.vma', [
      { name: 'VS', mode: 'VS', want: OK },
      { name: 'VS with VTVM', mode: 'VS', hstatus: HSTATUS.VTVM, want: VI },
      { name: 'VS with mstatus.TVM (HS only)', mode: 'VS', mstatus: MSTATUS.TVM, want: OK },
      { name: 'VU', mode: 'VU', want: VI },
      { name: 'HS with TVM', mode: 'HS', mstatus: MSTATUS.TVM, want: II },
      { name: 'HS with VTVM', mode: 'HS', hstatus: HSTATUS.VTVM, want: OK },
    ]],
    ['sfence.vma a0', [
      { name: 'VS', mode: 'VS', want: OK },
      { name: 'VS with VTVM', mode: 'VS', hstatus: HSTATUS.VTVM, want: VI },
    ]],
    ['hfence.vvma', [
      { name: 'VS', mode: 'VS', want: VI },
      { name: 'VU', mode: 'VU', want: VI },
      { name: 'HS', mode: 'HS', want: OK },
      { name: 'HS with TVM', mode: 'HS', mstatus: MSTATUS.TVM, want: OK },
      { name: 'U', mode: 'U', want: II },
    ]],
    ['hfence.gvma', [
      { name: 'VS', mode: 'VS', want: VI },
      { name: 'VU', mode: 'VU', want: VI },
      { name: 'HS', mode: 'HS', want: OK },
      { name: 'HS with TVM', mode: 'HS', mstatus: MSTATUS.TVM, want: II },
      { name: 'U', mode: 'U', want: II },
    ]],
    ['mret', [
      { name: 'VS', mode: 'VS', want: II },
      { name: 'VU', mode: 'VU', want: II },
    ]],
  ];
  for (const [insn, list] of cases) {
    for (const c of list) {
      it(`${insn} from ${c.name}: ${c.want === OK ? 'executes' : c.want === VI ? 'virtual instruction' : 'illegal'}`, () => {
        expect(runInsn(insn, c)).toBe(c.want);
      });
    }
  }
});

// ---- trap delivery ---------------------------------------------------------------------------

describe('exception delivery by medeleg and hedeleg', () => {
  it('delegated by both: into VS with vscause/vsepc/vstval and vsstatus.SPP/SPIE; HS untouched', () => {
    const r = runOk(`${H_PRELUDE}
main:
  li t0, ${(1 << Cause.IllegalInstruction) | (1 << Cause.Breakpoint)}
  csrw medeleg, t0
  csrw hedeleg, t0
  li t0, ${SSTATUS.SIE}
  csrw vsstatus, t0
  ${enter('VS', 'body')}
body:
bad:
  .word 0
  mv a0, s9
  mv a1, s10
  mv a2, s11
  mv a3, s4
  mv a4, s6
  li t0, ${SSTATUS.SPP}
  csrc sstatus, t0
  la t0, vu
  csrw sepc, t0
  sret
vu:
brk:
  ebreak
  mv a5, s9
  mv a6, s10
  mv a7, s4
  mv t2, s6
  ${POWER_OFF}
`);
    expect(r.reg('a0')).toBe(Cause.IllegalInstruction);
    expect(r.ureg('a1')).toBe(0);
    expect(r.ureg('a2')).toBe(r.sym('bad'));
    expect(r.reg('a4')).toBe(LEVEL.VS);
    // From VS with SIE=1: SPP=1, SPIE=1, SIE=0
    expect(r.ureg('a3') & (SSTATUS.SPP | SSTATUS.SPIE | SSTATUS.SIE)).toBe(SSTATUS.SPP | SSTATUS.SPIE);
    expect(r.reg('a5')).toBe(Cause.Breakpoint);
    expect(r.ureg('a6')).toBe(r.sym('brk'));
    expect(r.ureg('a7') & SSTATUS.SPP).toBe(0);
    expect(r.reg('t2')).toBe(LEVEL.VS);
    const c = csrOf(r);
    expect(c.vscause).toBe(Cause.Breakpoint);
    expect(c.vsepc >>> 0).toBe(r.sym('brk') + 4); // the handler stepped over it
    expect(c.scause).toBe(0);
    expect(c.sepc).toBe(0);
    expect(c.hstatus).toBe(0);
    expect(c.mcause).toBe(0);
  });

  it('delegated by medeleg only: into HS with hstatus.SPV/SPVP/GVA and sstatus.SPP', () => {
    const r = runOk(`${H_PRELUDE}
main:
  li t0, ${(1 << Cause.IllegalInstruction) | (1 << Cause.LoadAccessFault) | (1 << Cause.Breakpoint)}
  csrw medeleg, t0
  ${enter('VS', 'body')}
body:
  .word 0
  mv a0, s9
  mv a1, s5
  mv a2, s4
  li t1, 0x20000000      # nothing there: load access fault with a guest virtual tval
  lw t1, 0(t1)
  mv a3, s9
  mv a4, s5
  mv a5, s10
  csrr zero, mstatush    # illegal from VS, to HS
  li t0, ${SSTATUS.SPP}
  csrc sstatus, t0
  la t0, vu
  csrw sepc, t0
  sret
vu:
  ebreak
  mv a6, s9
  mv a7, s5
  mv t2, s4
  mv t3, s6
  ${POWER_OFF}
`);
    expect(r.reg('a0')).toBe(Cause.IllegalInstruction);
    expect(r.ureg('a1') & (HSTATUS.SPV | HSTATUS.SPVP | HSTATUS.GVA)).toBe(HSTATUS.SPV | HSTATUS.SPVP);
    expect(r.ureg('a2') & MSTATUS.SPP).toBe(MSTATUS.SPP);
    expect(r.reg('a3')).toBe(Cause.LoadAccessFault);
    expect(r.ureg('a4') & (HSTATUS.SPV | HSTATUS.SPVP | HSTATUS.GVA)).toBe(HSTATUS.SPV | HSTATUS.SPVP | HSTATUS.GVA);
    expect(r.ureg('a5')).toBe(0x2000_0000);
    expect(r.reg('a6')).toBe(Cause.Breakpoint);
    // From VU: SPV=1, SPVP=0, SPP=0; ebreak's tval is a guest virtual address
    expect(r.ureg('a7') & (HSTATUS.SPV | HSTATUS.SPVP | HSTATUS.GVA)).toBe(HSTATUS.SPV | HSTATUS.GVA);
    expect(r.ureg('t2') & MSTATUS.SPP).toBe(0);
    expect(r.reg('t3')).toBe(LEVEL.HS);
    expect(csrOf(r).vscause).toBe(0);
    expect(csrOf(r).htval).toBe(0);
    expect(csrOf(r).htinst).toBe(0);
  });

  it('a trap into HS from V=0 clears SPV and GVA but leaves SPVP alone (§8.2.1)', () => {
    const r = runOk(`${H_PRELUDE}
main:
  li t0, ${1 << Cause.IllegalInstruction}
  csrw medeleg, t0
  li t0, ${HSTATUS.SPVP | HSTATUS.GVA}
  csrw hstatus, t0
  ${enter('HS', 'body')}
body:
  .word 0
  mv a0, s5
  mv a1, s6
  ${POWER_OFF}
`);
    expect(r.reg('a1')).toBe(LEVEL.HS);
    expect(r.ureg('a0') & (HSTATUS.SPV | HSTATUS.SPVP | HSTATUS.GVA)).toBe(HSTATUS.SPVP);
  });

  it('not delegated: into M with mstatush.MPV (and GVA for an address), V=0 in the handler', () => {
    const r = runOk(`${H_PRELUDE}
main:
  ${enter('VS', 'body')}
body:
  li t1, 0x20000000
  sw t1, 0(t1)
  mv a0, s9
  mv a1, s5
  mv a2, s10
  ecall
  mv a3, s5
  ${POWER_OFF}
`);
    expect(r.reg('a0')).toBe(Cause.StoreAccessFault);
    expect(r.ureg('a1') & (MSTATUSH.MPV | MSTATUSH.GVA)).toBe(MSTATUSH.MPV | MSTATUSH.GVA);
    expect(r.ureg('a2')).toBe(0x2000_0000);
    expect(r.ureg('a3') & (MSTATUSH.MPV | MSTATUSH.GVA)).toBe(MSTATUSH.MPV);
  });

  it('hedeleg ignores the bits HS must keep (ecalls from VS/HS, guest-page faults, virtual instruction)', () => {
    const r = runOk(`${H_PRELUDE}
main:
  li t0, -1
  csrw hedeleg, t0
  csrr a0, hedeleg
  csrw medeleg, t0
  csrr a1, medeleg
  csrw hideleg, t0
  csrr a2, hideleg
  csrr a3, mideleg
  ${POWER_OFF}
`);
    expect(r.ureg('a0')).toBe(0xb1ff);
    expect(r.ureg('a1')).toBe(0xf0b7ff);
    expect(r.ureg('a2')).toBe(VS_INTERRUPTS);
    expect(r.ureg('a3') & VS_INTERRUPTS).toBe(VS_INTERRUPTS);
  });
});

describe('VS interrupts (hvip, hideleg, hie)', () => {
  /** Setup from M: hie.VSTIE, optionally hideleg.VSTI, then go to `mode` with vsstatus.SIE as
   *  given, and inject VSTIP. */
  const vsTimer = (mode: VMode, opts: { hideleg: boolean; sie: boolean; body: string }): Run => runOk(`${H_PRELUDE}
main:
  li t0, ${MIP.VSTIP}
  csrw hie, t0
  ${opts.hideleg ? 'csrw hideleg, t0' : ''}
  li t0, ${0x20}
  csrw vsie, t0
  li t0, ${opts.sie ? SSTATUS.SIE : 0}
  csrw vsstatus, t0
  ${enter(mode, 'body')}
body:
  ${opts.body}
  ${POWER_OFF}
`, { setup: (b) => { b.hart.csr.hvip = MIP.VSTIP; } });

  it('hideleg + vsstatus.SIE: delivered into VS as cause 0x80000005', () => {
    const r = vsTimer('VS', { hideleg: true, sie: true, body: 'nop\nnop\nmv a0, s9\nmv a1, s6\nmv a2, s11\n' });
    expect(r.ureg('a0')).toBe((CAUSE_INTERRUPT | 5) >>> 0);
    expect(r.reg('a1')).toBe(LEVEL.VS);
    expect(r.ureg('a2')).toBe(r.sym('body'));
    expect(r.reg('s8')).toBe(1);
  });

  it('hideleg, vsstatus.SIE = 0: held pending in VS until SIE is set', () => {
    const r = vsTimer('VS', {
      hideleg: true, sie: false,
      body: `nop
  mv a0, s8
  csrsi sstatus, ${SSTATUS.SIE}
after:
  mv a1, s9
  mv a2, s11
  mv a3, s8
`,
    });
    expect(r.reg('a0')).toBe(0);
    expect(r.ureg('a1')).toBe((CAUSE_INTERRUPT | 5) >>> 0);
    expect(r.ureg('a2')).toBe(r.sym('after'));
    expect(r.reg('a3')).toBe(1);
  });

  it('hideleg, VU-mode: taken whatever vsstatus.SIE', () => {
    const r = vsTimer('VU', { hideleg: true, sie: false, body: 'nop\nmv a0, s9\nmv a1, s6\nmv a2, s4\n' });
    expect(r.ureg('a0')).toBe((CAUSE_INTERRUPT | 5) >>> 0);
    expect(r.reg('a1')).toBe(LEVEL.VS);
    expect(r.ureg('a2') & SSTATUS.SPP).toBe(0);
  });

  it('without hideleg: to HS as cause 0x80000006 even with every SIE clear', () => {
    const r = vsTimer('VS', { hideleg: false, sie: false, body: 'nop\nmv a0, s9\nmv a1, s6\nmv a2, s5\n' });
    expect(r.ureg('a0')).toBe((CAUSE_INTERRUPT | 6) >>> 0);
    expect(r.reg('a1')).toBe(LEVEL.HS);
    expect(r.ureg('a2') & (HSTATUS.SPV | HSTATUS.GVA)).toBe(HSTATUS.SPV);
  });

  it('with hideleg, never taken while V=0 (HS)', () => {
    const r = vsTimer('HS', { hideleg: true, sie: true, body: 'csrsi sstatus, 2\nnop\nnop\nmv a0, s8\n' });
    expect(r.reg('a0')).toBe(0);
  });

  it('vectored vstvec: a VS interrupt vectors by its VS code (5)', () => {
    const r = runOk(`${H_PRELUDE}
main:
  la t0, vs_vec
  ori t0, t0, 1
  csrw vstvec, t0
  li t0, ${MIP.VSTIP}
  csrw hie, t0
  csrw hideleg, t0
  csrw hvip, t0
  li t0, ${SSTATUS.SIE}
  csrw vsstatus, t0
  ${enter('VS', 'body')}
body:
  nop
  ${POWER_OFF}
  .balign 64
vs_vec:
  .rept 5
  j bad_vec
  .endr
  csrw sie, zero
  li a0, 0x55
  sret
bad_vec:
  li a0, 0xbad
  sret
`);
    expect(r.reg('a0')).toBe(0x55);
  });
});

describe('vsip/vsie/hip/hie views', () => {
  it('vsip and vsie show only hideleg\'s VS bits, at the S positions; hip.VSSIP aliases hvip', () => {
    const r = runOk(`${H_PRELUDE}
main:
  li t0, ${VS_INTERRUPTS}
  csrw hvip, t0
  csrr a0, vsip          # hideleg = 0: nothing
  li t0, ${MIP.VSTIP | MIP.VSSIP}
  csrw hideleg, t0
  csrr a1, vsip          # SSIP | STIP
  li t0, -1
  csrw vsie, t0
  csrr a2, hie           # VSSIE | VSTIE
  csrr a3, vsie
  csrw vsip, zero        # clears hvip.VSSIP
  csrr a4, hvip
  li t0, ${MIP.VSSIP}
  csrs hip, t0           # sets it again
  csrr a5, hvip
  csrr a6, mip
  csrr a7, sip           # HS's sip: no VS bits
  ${POWER_OFF}
`);
    expect(r.ureg('a0')).toBe(0);
    expect(r.ureg('a1')).toBe(MIP.SSIP | MIP.STIP);
    expect(r.ureg('a2')).toBe(MIP.VSSIP | MIP.VSTIP);
    expect(r.ureg('a3')).toBe(MIP.SSIP | MIP.STIP);
    expect(r.ureg('a4')).toBe(MIP.VSTIP | MIP.VSEIP);
    expect(r.ureg('a5')).toBe(VS_INTERRUPTS);
    expect(r.ureg('a6') & VS_INTERRUPTS).toBe(VS_INTERRUPTS);
    expect(r.ureg('a7')).toBe(0);
  });

  it('VS-mode sees vsip/vsie as sip/sie', () => {
    const r = runOk(`${H_PRELUDE}
main:
  li t0, ${MIP.VSSIP | MIP.VSTIP}
  csrw hideleg, t0
  li t0, ${MIP.VSTIP}
  csrw hvip, t0
  ${enter('VS', 'body')}
body:
  csrr a0, sip
  csrsi sip, 2            # SSIP → hvip.VSSIP
  li t0, 0x222
  csrw sie, t0
  csrr a1, sie
  ${POWER_OFF}
`);
    expect(r.ureg('a0')).toBe(MIP.STIP);
    expect(r.ureg('a1')).toBe(MIP.SSIP | MIP.STIP); // SEIE not delegated: read-only zero
    expect(csrOf(r).hvip).toBe(MIP.VSSIP | MIP.VSTIP);
    expect(csrOf(r).mie).toBe(MIP.VSSIP | MIP.VSTIP);
  });
});

// ---- two-stage translation -------------------------------------------------------------------

/** Where the G-stage tables live (host-physical): a 16 KiB root, then level-0 tables. */
const G_ROOT = 0x8040_0000;
/** Host-physical pages that back the guest's data. */
const HPA_DATA = 0x8060_0000;
/** The guest-physical window the G-stage maps page by page. */
const GPA_DATA = 0xc000_0000;
/** The VS-stage root and level-0 table (guest-physical). */
const VS_ROOT_GPA = GPA_DATA + 0x1_0000;
const VS_L0_GPA = GPA_DATA + 0x1_1000;
/** A VS level-0 table on a G-stage page that is read-only (for the implicit-write fault). */
const VS_L0_RO_GPA = GPA_DATA + 0x3_0000;
/** A VS level-0 table the G-stage does not map (implicit read fault). */
const VS_L0_MISSING_GPA = GPA_DATA + 0x2_0000;
/** VA of a VS-stage megapage alias of the program with U set, for VU-mode. */
const U_ALIAS = 0x0040_0000;
const HGATP_VALUE = (0x8000_0000 | (G_ROOT >>> 12)) >>> 0;
const VSATP_VALUE = (0x8000_0000 | (VS_ROOT_GPA / 4096)) >>> 0;

/** Page tables in RAM for both stages, written by the test (the G stage Sv32x4). */
class TwoStage {
  private nextTable = G_ROOT + 0x4000;
  constructor(private readonly b: VirtBoard) {}
  r32(a: number): number { return this.b.bus.read(a, 4) as number; }
  w32(a: number, v: number): void { this.b.bus.write(a, 4, v >>> 0); }
  pteOf(pa: number, flags: number): number { return (Math.floor(pa / 4096) * 1024 + flags) >>> 0; }
  /** G-stage: a 4 MiB megapage at `gpa`. */
  gMega(gpa: number, hpa: number, flags: number): void {
    this.w32(G_ROOT + Math.floor(gpa / 2 ** 22) * 4, this.pteOf(hpa, flags));
  }
  /** G-stage: a 4 KiB page; returns the leaf's host-physical address. */
  gPage(gpa: number, hpa: number, flags: number): number {
    const l1 = G_ROOT + Math.floor(gpa / 2 ** 22) * 4;
    let pte = this.r32(l1);
    if ((pte & V) === 0) {
      const t = this.nextTable;
      this.nextTable += 0x1000;
      this.w32(l1, this.pteOf(t, V));
      pte = this.r32(l1);
    }
    const leaf = (pte >>> 10) * 4096 + ((gpa >>> 12) & 0x3ff) * 4;
    this.w32(leaf, this.pteOf(hpa, flags));
    return leaf;
  }
  /** Host-physical address of guest-physical `gpa` in the data window. */
  static hpa(gpa: number): number { return HPA_DATA + (gpa - GPA_DATA); }
  /** VS stage: write a PTE at guest-physical `gpa` (which must be in the data window). */
  vsSet(gpa: number, v: number): void { this.w32(TwoStage.hpa(gpa), v); }
  vsGet(gpa: number): number { return this.r32(TwoStage.hpa(gpa)) >>> 0; }
}

/**
 * The standard two-stage layout. G stage: GPA 0x8000_0000 megapage → itself (code; U RWX),
 * GPA 0 megapage → 0 (the test device), and 4 KiB pages in the window GPA 0xC000_0000 →
 * HPA 0x8060_0000: +0 RW, +1 missing, +2 without U, +3 read-only, +4 RW with A = D = 0, +5
 * missing (fetch target), the VS tables (+0x10, +0x11 RW; +0x30 read-only; +0x20 missing),
 * and GPA 0x1_0040_0000 (above 4 GiB) → HPA 0x8050_0000. VS stage (vsatp): VA 0x8000_0000 and
 * 0 megapages → same GPA, VA 0x0040_0000 → GPA 0x8000_0000 with U (for VU); VA 0x4000_0000 + n·4 KiB → the window's page n (n = 0..4, with A/D
 * set except n = 4), VA 0x4000_5000 → GPA 0x1_0040_0000, VA 0x4000_6000 → GPA +5 (X),
 * VA 0x4000_8000 → GPA 0x3_0000_0000 (unmapped high GPA); VA 0x5000_0000 through the missing
 * table, VA 0x6000_0000 through the read-only table (a leaf with A = 0).
 */
function twoStageSetup(b: VirtBoard, opts: { gBare?: boolean; vsBare?: boolean } = {}): TwoStage {
  const t = new TwoStage(b);
  const G = V | U | A | D;
  t.gMega(0x8000_0000, 0x8000_0000, G | R | W | X);
  t.gMega(0, 0, G | R | W);
  t.gPage(GPA_DATA, TwoStage.hpa(GPA_DATA), G | R | W);
  t.gPage(GPA_DATA + 0x2000, TwoStage.hpa(GPA_DATA + 0x2000), V | A | D | R | W);
  t.gPage(GPA_DATA + 0x3000, TwoStage.hpa(GPA_DATA + 0x3000), V | U | A | R);
  t.gPage(GPA_DATA + 0x4000, TwoStage.hpa(GPA_DATA + 0x4000), V | U | R | W);
  t.gPage(VS_ROOT_GPA, TwoStage.hpa(VS_ROOT_GPA), G | R | W);
  t.gPage(VS_L0_GPA, TwoStage.hpa(VS_L0_GPA), V | U | R | W);
  t.gPage(VS_L0_RO_GPA, TwoStage.hpa(VS_L0_RO_GPA), V | U | A | R);
  t.gPage(0x1_0040_0000, 0x8050_0000, G | R | W);
  const vsPte = (gpa: number, f: number): number => t.pteOf(gpa, f);
  const root = (va: number): number => VS_ROOT_GPA + (va >>> 22) * 4;
  t.vsSet(root(0x8000_0000), vsPte(0x8000_0000, V | R | W | X | A | D));
  t.vsSet(root(0), vsPte(0, V | R | W | A | D));
  t.vsSet(root(U_ALIAS), vsPte(0x8000_0000, V | R | W | X | U | A | D));
  t.vsSet(root(0x4000_0000), vsPte(VS_L0_GPA, V));
  t.vsSet(root(0x5000_0000), vsPte(VS_L0_MISSING_GPA, V));
  t.vsSet(root(0x6000_0000), vsPte(VS_L0_RO_GPA, V));
  const l0 = (va: number): number => VS_L0_GPA + ((va >>> 12) & 0x3ff) * 4;
  for (let n = 0; n < 4; n++) t.vsSet(l0(0x4000_0000 + n * 0x1000), vsPte(GPA_DATA + n * 0x1000, V | R | W | A | D));
  t.vsSet(l0(0x4000_4000), vsPte(GPA_DATA + 0x4000, V | R | W));
  t.vsSet(l0(0x4000_5000), vsPte(0x1_0040_0000, V | R | W | A | D));
  t.vsSet(l0(0x4000_6000), vsPte(GPA_DATA + 0x5000, V | R | X | A | D));
  t.vsSet(l0(0x4000_8000), vsPte(0x3_0000_0000, V | R | W | A | D));
  t.vsSet(VS_L0_RO_GPA, vsPte(GPA_DATA, V | R | W)); // VA 0x6000_0000, A = 0
  // Extras: VA +7 → GPA +7, execute-only in the G stage; VA +0xa → the VS level-0 table
  // itself (so VS can edit it); VA +0xb → GPA +0 as a VS-stage U page.
  t.gPage(GPA_DATA + 0x7000, TwoStage.hpa(GPA_DATA + 0x7000), V | U | X | A);
  t.vsSet(l0(0x4000_7000), vsPte(GPA_DATA + 0x7000, V | R | W | A | D));
  t.vsSet(l0(0x4000_a000), vsPte(VS_L0_GPA, V | R | W | A | D));
  t.vsSet(l0(0x4000_b000), vsPte(GPA_DATA, V | R | W | U | A | D));
  b.bus.write(TwoStage.hpa(GPA_DATA + 0x7000), 4, 0x7777_7777);
  b.bus.write(TwoStage.hpa(GPA_DATA), 4, 0x1111_1111);
  b.bus.write(TwoStage.hpa(GPA_DATA + 0x3000), 4, 0x3333_3333);
  b.bus.write(0x8050_0000, 4, 0x5555_5555);
  if (!opts.gBare) b.hart.csr.hgatp = HGATP_VALUE;
  if (!opts.vsBare) b.hart.csr.vsatp = VSATP_VALUE;
  return t;
}

/** Run `body` in VS-mode (or VU) with both stages on; `mSetup` runs in M first. */
function twoStage(body: string, opts: { mSetup?: string; mode?: VMode; gBare?: boolean; vsBare?: boolean; extra?: string } = {}) {
  let t: TwoStage | undefined;
  const r = runOk(`${H_PRELUDE}
main:
  ${opts.mSetup ?? ''}
  ${enter(opts.mode ?? 'VS', 'body')}
body:
  ${body}
  ${POWER_OFF}
  ${opts.extra ?? ''}
`, { setup: (b) => { t = twoStageSetup(b, opts); } });
  return { ...r, t: t as TwoStage };
}

const LOAD_IMM_RS1 = (0xfff << 20) | (0x1f << 15);
const STORE_IMM_RS1 = (0x7f << 25) | (0x1f << 7) | (0x1f << 15);

describe('two-stage translation', () => {
  it('loads, stores and fetches go through both stages (and GPAs above 4 GiB)', () => {
    const r = twoStage(`
  li a0, 0x40000000
  lw a1, 0(a0)
  li t0, 0x7777
  sw t0, 4(a0)
  li a2, 0x40005000
  lw a2, 0(a2)
  li a3, 0x40003000
  lw a3, 0(a3)          # G read-only page: loads are fine
  mv a4, s8
`);
    expect(r.ureg('a1')).toBe(0x1111_1111);
    expect(r.word(HPA_DATA + 4)).toBe(0x7777);
    expect(r.ureg('a2')).toBe(0x5555_5555);
    expect(r.ureg('a3')).toBe(0x3333_3333);
    expect(r.reg('a4')).toBe(0);
  });

  it('VU-mode runs from VS-stage U pages; a VS leaf without U is a page fault for it', () => {
    const r = twoStage(`
  li t0, ${U_ALIAS - 0x8000_0000}
  la t1, vu
  add t1, t1, t0
  li t0, ${SSTATUS.SPP}
  csrc sstatus, t0
  csrw sepc, t1
  sret
vu:
  li a0, 0x40000000
  lw a1, 0(a0)
  mv a2, s9
  mv a3, s10
  mv a4, s5
  li a7, 0x5d
  ecall
`);
    expect(r.reg('a2')).toBe(Cause.LoadPageFault);
    expect(r.ureg('a3')).toBe(0x4000_0000);
    expect(r.ureg('a4') & (MSTATUSH.MPV | MSTATUSH.GVA)).toBe(MSTATUSH.MPV | MSTATUSH.GVA);
    expect(r.ureg('s4') & MSTATUS.MPP).toBe(0); // the page fault came from VU
  });

  it('a missing G-stage leaf: load guest-page fault with htval = GPA >> 2 and the transformed load', () => {
    const r = twoStage(`
  li a0, 0x40001000
faulting_load:
  lw a1, 8(a0)
  mv a2, s9
  mv a3, s10
  mv a4, s2
  mv a5, s3
  mv a6, s5
`);
    expect(r.reg('a2')).toBe(Cause.LoadGuestPageFault);
    expect(r.ureg('a3')).toBe(0x4000_1008);
    expect(r.ureg('a4')).toBe(((GPA_DATA + 0x1008) / 4) >>> 0);
    const insn = r.word(r.sym('faulting_load'));
    expect(r.ureg('a5')).toBe((insn & ~LOAD_IMM_RS1) >>> 0);
    expect(r.ureg('a5') & 3).toBe(3);
    expect(r.ureg('a6') & (MSTATUSH.MPV | MSTATUSH.GVA)).toBe(MSTATUSH.MPV | MSTATUSH.GVA);
  });

  it('a missing G-stage leaf for a store: store guest-page fault, transformed store; into HS by medeleg', () => {
    const r = twoStage(`
  li a0, 0x40001000
  li a1, 0x1234
faulting_store:
  sw a1, 12(a0)
  mv a2, s9
  mv a3, s10
  mv a4, s2
  mv a5, s3
  mv a6, s5
  mv a7, s6
`, { mSetup: `li t0, ${(1 << Cause.LoadGuestPageFault) | (1 << Cause.StoreGuestPageFault) | (1 << Cause.InstructionGuestPageFault)}\n  csrw medeleg, t0` });
    expect(r.reg('a7')).toBe(LEVEL.HS);
    expect(r.reg('a2')).toBe(Cause.StoreGuestPageFault);
    expect(r.ureg('a3')).toBe(0x4000_100c);
    expect(r.ureg('a4')).toBe(((GPA_DATA + 0x100c) / 4) >>> 0);
    const insn = r.word(r.sym('faulting_store'));
    expect(r.ureg('a5')).toBe((insn & ~STORE_IMM_RS1) >>> 0);
    expect(r.ureg('a6') & (HSTATUS.SPV | HSTATUS.SPVP | HSTATUS.GVA)).toBe(HSTATUS.SPV | HSTATUS.SPVP | HSTATUS.GVA);
    expect(csrOf(r).mtval2).toBe(0);
  });

  it('a misaligned load whose second page faults: htinst\'s rs1 field holds the offset', () => {
    const r = twoStage(`
  li a0, 0x40001000
faulting_load:
  lw a1, -2(a0)
  mv a2, s9
  mv a3, s10
  mv a5, s3
`);
    expect(r.reg('a2')).toBe(Cause.LoadGuestPageFault);
    expect(r.ureg('a3')).toBe(0x4000_1000);
    const insn = r.word(r.sym('faulting_load'));
    expect(r.ureg('a5')).toBe(((insn & ~LOAD_IMM_RS1) | (2 << 15)) >>> 0);
  });

  it('an AMO faulting in the G stage is a store guest-page fault', () => {
    const r = twoStage(`
  li a0, 0x40003000
faulting_amo:
  amoadd.w a1, a1, (a0)
  mv a2, s9
  mv a3, s3
`);
    expect(r.reg('a2')).toBe(Cause.StoreGuestPageFault);
    const insn = r.word(r.sym('faulting_amo'));
    expect(r.ureg('a3')).toBe((insn & ~(0x1f << 15)) >>> 0);
  });

  it('a fetch from a page missing in the G stage: instruction guest-page fault, htinst 0', () => {
    const r = twoStage(`
  la gp, back
  li t0, 0x40006000
  jr t0
back:
  mv a2, s9
  mv a3, s10
  mv a4, s2
  mv a5, s3
`);
    expect(r.reg('a2')).toBe(Cause.InstructionGuestPageFault);
    expect(r.ureg('a3')).toBe(0x4000_6000);
    expect(r.ureg('a4')).toBe(((GPA_DATA + 0x5000) / 4) >>> 0);
    expect(r.ureg('a5')).toBe(0);
  });

  it('a GPA above the 32-bit range: htval = GPA >> 2 still fits', () => {
    const r = twoStage(`
  li a0, 0x40008000
  lw a1, 0(a0)
  mv a2, s9
  mv a4, s2
`);
    expect(r.reg('a2')).toBe(Cause.LoadGuestPageFault);
    expect(r.ureg('a4')).toBe(0xc000_0000);
  });

  it('an implicit fault: the VS page table is not mapped in the G stage → htinst 0x2000', () => {
    const r = twoStage(`
  li a0, 0x50000010
  lw a1, 0(a0)
  mv a2, s9
  mv a3, s10
  mv a4, s2
  mv a5, s3
  mv a6, s5
`);
    expect(r.reg('a2')).toBe(Cause.LoadGuestPageFault);
    expect(r.ureg('a3')).toBe(0x5000_0010);
    expect(r.ureg('a4')).toBe((VS_L0_MISSING_GPA / 4) >>> 0);
    expect(r.ureg('a5')).toBe(0x2000);
    expect(r.ureg('a6') & MSTATUSH.GVA).toBe(MSTATUSH.GVA);
  });

  it('an implicit fault for a store is still a store guest-page fault (original access type)', () => {
    const r = twoStage(`
  li a0, 0x50000010
  sw a1, 0(a0)
  mv a2, s9
  mv a5, s3
`);
    expect(r.reg('a2')).toBe(Cause.StoreGuestPageFault);
    expect(r.ureg('a5')).toBe(0x2000);
  });

  it('the VS-stage A update on a G-read-only table page: guest-page fault with htinst 0x2020', () => {
    const r = twoStage(`
  li a0, 0x60000000
  lw a1, 0(a0)
  mv a2, s9
  mv a4, s2
  mv a5, s3
`);
    expect(r.reg('a2')).toBe(Cause.LoadGuestPageFault);
    expect(r.ureg('a4')).toBe((VS_L0_RO_GPA / 4) >>> 0);
    expect(r.ureg('a5')).toBe(0x2020);
    expect(r.t.vsGet(VS_L0_RO_GPA) & A).toBe(0);
  });

  it('G-stage leaves need U: a leaf without it is a guest-page fault, not a page fault', () => {
    const r = twoStage(`
  li a0, 0x40002000
  lw a1, 0(a0)
  mv a2, s9
  mv a4, s2
  li a0, 0x40003000
  sw a1, 0(a0)          # read-only in the G stage
  mv a5, s9
  mv a6, s2
`);
    expect(r.reg('a2')).toBe(Cause.LoadGuestPageFault);
    expect(r.ureg('a4')).toBe(((GPA_DATA + 0x2000) / 4) >>> 0);
    expect(r.reg('a5')).toBe(Cause.StoreGuestPageFault);
    expect(r.ureg('a6')).toBe(((GPA_DATA + 0x3000) / 4) >>> 0);
  });

  it('a VS-stage page fault is the guest\'s: to VS with hedeleg, to HS (GVA, SPV) without', () => {
    const deleg = `li t0, ${1 << Cause.LoadPageFault}\n  csrw medeleg, t0`;
    const toVs = twoStage(`
  li a0, 0x40009000
  lw a1, 0(a0)
  mv a2, s9
  mv a3, s10
  mv a4, s6
`, { mSetup: `${deleg}\n  csrw hedeleg, t0` });
    expect(toVs.reg('a2')).toBe(Cause.LoadPageFault);
    expect(toVs.ureg('a3')).toBe(0x4000_9000);
    expect(toVs.reg('a4')).toBe(LEVEL.VS);
    const toHs = twoStage(`
  li a0, 0x40009000
  lw a1, 0(a0)
  mv a2, s9
  mv a3, s10
  mv a4, s6
  mv a5, s5
`, { mSetup: deleg });
    expect(toHs.reg('a2')).toBe(Cause.LoadPageFault);
    expect(toHs.ureg('a3')).toBe(0x4000_9000);
    expect(toHs.reg('a4')).toBe(LEVEL.HS);
    expect(toHs.ureg('a5') & (HSTATUS.SPV | HSTATUS.GVA)).toBe(HSTATUS.SPV | HSTATUS.GVA);
  });

  it('A and D are set in both stages, and the VS A/D update marks its table page dirty in the G stage', () => {
    const loadOnly = twoStage(`
  li a0, 0x40004000
  lw a1, 0(a0)
`);
    const vsLeaf = VS_L0_GPA + 4 * 4;
    expect(loadOnly.t.vsGet(vsLeaf) & (A | D)).toBe(A);
    const gLeafOf = (r: typeof loadOnly, gpa: number): number => {
      const l1 = r.word(G_ROOT + Math.floor(gpa / 2 ** 22) * 4);
      return r.word((l1 >>> 10) * 4096 + ((gpa >>> 12) & 0x3ff) * 4);
    };
    expect(gLeafOf(loadOnly, GPA_DATA + 0x4000) & (A | D)).toBe(A);
    const stored = twoStage(`
  li a0, 0x40004000
  sw a1, 0(a0)
`);
    expect(stored.t.vsGet(vsLeaf) & (A | D)).toBe(A | D);
    expect(gLeafOf(stored, GPA_DATA + 0x4000) & (A | D)).toBe(A | D);
    // The VS leaf's table page (VS_L0_GPA) was written by the walk: G-stage A and D.
    expect(gLeafOf(stored, VS_L0_GPA) & (A | D)).toBe(A | D);
  });

  it('M-mode with MPRV, MPP=S and MPV=1 loads through both stages', () => {
    const r = runOk(`${H_PRELUDE}
main:
  ${MPRV_AS_VS}
  li a0, 0x40000000
  lw a1, 0(a0)
  li t0, ${MSTATUS.MPRV}
  csrc mstatus, t0
  ${POWER_OFF}
`, { setup: (b) => { twoStageSetup(b); } });
    expect(r.ureg('a1')).toBe(0x1111_1111);
  });

  for (const fence of [true, false]) {
    it(`HS remaps a G-stage page ${fence ? 'and hfence.gvma makes it visible' : 'without a fence'}`, () => {
      const leaf = G_ROOT + 0x4000; // the first G level-0 table: GPA_DATA's entry is its first
      const newPte = (Math.floor(TwoStage.hpa(GPA_DATA + 0x3000) / 4096) * 1024 + (V | U | A | D | R | W)) >>> 0;
      const r = runOk(`${H_PRELUDE}
main:
  li t0, ${1 << Cause.EnvironmentCallFromVS}
  csrw medeleg, t0
  la t0, hs_remap
  csrw stvec, t0
  ${enter('VS', 'body')}
body:
  li a0, 0x40000000
  lw a1, 0(a0)
  ecall                 # to HS: remap GPA_DATA onto the page behind GPA_DATA + 0x3000
  lw a2, 0(a0)
  ${POWER_OFF}
hs_remap:
  li t0, ${leaf}
  li t1, ${newPte}
  sw t1, 0(t0)
  ${fence ? 'hfence.gvma' : 'nop'}
  csrr t0, sepc
  addi t0, t0, 4
  csrw sepc, t0
  sret
`, { setup: (b) => { twoStageSetup(b); } });
      expect(r.ureg('a1')).toBe(0x1111_1111);
      // Without the fence the TLB may still hold the old translation (pvlab's does).
      expect(r.ureg('a2')).toBe(fence ? 0x3333_3333 : 0x1111_1111);
    });
  }
});

describe('page-table reads of a two-stage walk', () => {
  /** pteReads and gstageReads after running `access` (or a nop in its place) in VS. */
  function reads(access: string, opts: { gBare?: boolean; vsBare?: boolean }): { pte: number; g: number } {
    const go = (insn: string): { pte: number; g: number } => {
      const r = runOk(`${H_PRELUDE}
main:
  ${enter('VS', 'body')}
body:
  li a0, 0x40000000
  ${insn}
  ${POWER_OFF}
`, { setup: (b) => { twoStageSetup(b, opts); } });
      return { pte: r.board.hart.walkStats.pteReads, g: r.board.hart.walkStats.gstageReads };
    };
    const withAccess = go(access);
    const without = go('nop');
    return { pte: withAccess.pte - without.pte, g: withAccess.g - without.g };
  }

  it('a TLB miss with both stages (4 KiB leaves everywhere) reads 8 entries, 6 of them G-stage', () => {
    expect(reads('lw a1, 0(a0)', {})).toEqual({ pte: 8, g: 6 });
  });

  it('G stage only (vsatp Bare): 2 reads, both G-stage', () => {
    // VA = GPA: load from the data window directly.
    const go = (insn: string): { pte: number; g: number; a1: number } => {
      const r = runOk(`${H_PRELUDE}
main:
  ${enter('VS', 'body')}
body:
  li a0, ${GPA_DATA}
  ${insn}
  ${POWER_OFF}
`, { setup: (b) => { twoStageSetup(b, { vsBare: true }); } });
      return { pte: r.board.hart.walkStats.pteReads, g: r.board.hart.walkStats.gstageReads, a1: r.ureg('a1') };
    };
    const withLoad = go('lw a1, 0(a0)');
    const without = go('nop');
    expect(withLoad.a1).toBe(0x1111_1111);
    expect({ pte: withLoad.pte - without.pte, g: withLoad.g - without.g }).toEqual({ pte: 2, g: 2 });
  });

  it('a VS megapage leaf onto a G-stage megapage: 2 + 1 + 1 = 4 reads', () => {
    // VA 0x8000_0000 is a VS megapage onto the G-stage megapage: a load there costs 2 G
    // reads for the VS root, 1 VS read, and 1 G read (G megapage) for the final GPA.
    const go = (insn: string): number => {
      const r = runOk(`${H_PRELUDE}
main:
  ${enter('VS', 'body')}
body:
  li a0, 0x80200000
  ${insn}
  ${POWER_OFF}
`, { setup: (b) => { twoStageSetup(b); } });
      return r.board.hart.walkStats.pteReads;
    };
    expect(go('lw a1, 0(a0)') - go('nop')).toBe(4);
  });

  it('VS stage only (hgatp Bare) reads 2 entries, none G-stage', () => {
    // With hgatp Bare the guest's tables are at host-physical addresses: build them there.
    const run2 = (insn: string): number => {
      const r = runOk(`${H_PRELUDE}
main:
  ${enter('VS', 'body')}
body:
  li a0, 0x40000000
  ${insn}
  ${POWER_OFF}
`, {
        setup: (b) => {
          const root = 0x8061_0000;
          const l0 = 0x8061_1000;
          const w = (a: number, v: number): void => { b.bus.write(a, 4, v >>> 0); };
          w(root + (0x8000_0000 >>> 22) * 4, (0x8000_0000 >>> 12) * 1024 + (V | R | W | X | A | D));
          w(root + 0, V | R | W | A | D);
          w(root + (0x4000_0000 >>> 22) * 4, (l0 >>> 12) * 1024 + V);
          w(l0, (HPA_DATA >>> 12) * 1024 + (V | R | W | A | D));
          b.bus.write(HPA_DATA, 4, 0x1111_1111);
          b.hart.csr.vsatp = (0x8000_0000 | (root >>> 12)) >>> 0;
        },
      });
      if (insn !== 'nop') expect(r.ureg('a1')).toBe(0x1111_1111);
      expect(r.board.hart.walkStats.gstageReads).toBe(0);
      return r.board.hart.walkStats.pteReads;
    };
    expect(run2('lw a1, 0(a0)') - run2('nop')).toBe(2);
  });
});

describe('odds and ends', () => {
  it('VS-mode time is time + htimedelta (64-bit)', () => {
    const r = runOk(`${H_PRELUDE}
main:
  li t0, 7
  csrw mcounteren, t0
  csrw hcounteren, t0
  li t0, 0x10
  csrw htimedelta, t0
  li t0, 0x2
  csrw htimedeltah, t0
  ${enter('VS', 'body')}
body:
  csrr a0, timeh
  ${POWER_OFF}
`);
    expect(r.ureg('a0')).toBe(2);
  });

  it('an ecall from VU delegated by medeleg and hedeleg reaches VS as cause 8', () => {
    const r = runOk(`${H_PRELUDE}
main:
  li t0, ${1 << Cause.EnvironmentCallFromU}
  csrw medeleg, t0
  csrw hedeleg, t0
  ${enter('VU', 'body')}
body:
  ecall
  mv a0, s9
  mv a1, s6
  ${POWER_OFF}
`);
    expect(r.reg('a0')).toBe(Cause.EnvironmentCallFromU);
    expect(r.reg('a1')).toBe(LEVEL.VS);
  });

  it('exitToHost: a guest-page fault stops run() with tval2/tinst and leaves every CSR alone', () => {
    const r = run(`${H_PRELUDE}
main:
  ${enter('VS', 'body')}
body:
  li a0, 0x40001000
faulting_store:
  sw a1, 4(a0)
  ${POWER_OFF}
`, { setup: (b) => { twoStageSetup(b); b.hart.exitToHost = true; } });
    const insn = r.word(r.sym('faulting_store'));
    expect(r.stop).toEqual({
      kind: 'trap', cause: Cause.StoreGuestPageFault, tval: 0x4000_1004, pc: r.sym('faulting_store'),
      tval2: ((GPA_DATA + 0x1004) / 4) >>> 0, tinst: (insn & ~STORE_IMM_RS1) >>> 0, virt: true,
    });
    expect(r.board.hart.virt).toBe(true);
    expect(r.board.hart.csr.mcause).toBe(0);
    expect(r.board.hart.csr.mtval2).toBe(0);
  });
});

describe('htimedelta', () => {
  it('a negative htimedelta (two\'s complement, 64-bit) moves VS-mode time back, exactly', () => {
    const r = runOk(`${H_PRELUDE}
main:
  li t0, 7
  csrw mcounteren, t0
  csrw hcounteren, t0
  li t0, -16
  csrw htimedelta, t0
  li t0, -1
  csrw htimedeltah, t0
wait:
  csrr s1, time
  li t0, 100
  bltu s1, t0, wait
  ${enter('VS', 'body')}
body:
  csrr a0, time
  csrr a1, timeh
  ${POWER_OFF}
`);
    const hostTime = r.ureg('s1');
    const vsTime = r.ureg('a0');
    expect(r.ureg('a1')).toBe(0);
    expect(vsTime + 16).toBeGreaterThanOrEqual(hostTime);
    expect(vsTime + 16 - hostTime).toBeLessThan(50);
  });
});

describe('two-stage translation: status bits and fences', () => {
  it('VS edits its own page table: sfence.vma (from VS) makes the change visible', () => {
    for (const fence of [true, false]) {
      const r = twoStage(`
  li a0, 0x40000000
  lw a1, 0(a0)
  li t0, 0x4000a000         # the VS level-0 table, entry 0 (VA 0x4000_0000)
  li t1, ${((GPA_DATA + 0x3000) / 4096) * 1024 + (V | R | W | A | D)}
  sw t1, 0(t0)
  ${fence ? 'sfence.vma a0, zero' : 'nop'}
  lw a2, 0(a0)
`);
      expect(r.ureg('a1')).toBe(0x1111_1111);
      expect(r.ureg('a2')).toBe(fence ? 0x3333_3333 : 0x1111_1111);
      expect(r.reg('s8')).toBe(0);
    }
  });

  it('hfence.vvma from HS flushes the guest\'s cached translations', () => {
    const r = twoStage(`
  li a0, 0x40000000
  lw a1, 0(a0)
  li t0, 0x4000a000
  li t1, ${((GPA_DATA + 0x3000) / 4096) * 1024 + (V | R | W | A | D)}
  sw t1, 0(t0)
  ecall                     # to HS, which runs hfence.vvma
  lw a2, 0(a0)
`, {
      mSetup: `li t0, ${1 << Cause.EnvironmentCallFromVS}
  csrw medeleg, t0
  la t0, hs_fence
  csrw stvec, t0`,
      extra: `
hs_fence:
  hfence.vvma
  csrr t0, sepc
  addi t0, t0, 4
  csrw sepc, t0
  sret`,
    });
    expect(r.ureg('a1')).toBe(0x1111_1111);
    expect(r.ureg('a2')).toBe(0x3333_3333);
  });

  it('a vsatp write from VS (through satp) switches translation at once', () => {
    const r = twoStage(`
  li a0, 0x40000000
  lw a1, 0(a0)
  csrw satp, zero           # vsatp Bare: VA = GPA
  li a0, ${GPA_DATA + 0x3000}
  lw a2, 0(a0)
`);
    expect(r.ureg('a1')).toBe(0x1111_1111);
    expect(r.ureg('a2')).toBe(0x3333_3333);
    expect(csrOf(r).vsatp).toBe(0);
    expect(csrOf(r).satp).toBe(0);
  });

  it('vsstatus.SUM (not mstatus.SUM) lets VS read VS-stage U pages', () => {
    const body = `
  li a0, 0x4000b000
  lw a1, 0(a0)
  mv a2, s9
`;
    const none = twoStage(body);
    expect(none.reg('a2')).toBe(Cause.LoadPageFault);
    const mSum = twoStage(body, { mSetup: `li t0, ${MSTATUS.SUM}\n  csrs mstatus, t0` });
    expect(mSum.reg('a2')).toBe(Cause.LoadPageFault);
    const vsSum = twoStage(body, { mSetup: `li t0, ${SSTATUS.SUM}\n  csrw vsstatus, t0` });
    expect(vsSum.reg('s8')).toBe(0);
    expect(vsSum.ureg('a1')).toBe(0x1111_1111);
  });

  it('mstatus.MXR (not vsstatus.MXR) makes G-stage execute-only pages readable', () => {
    const body = `
  li a0, 0x40007000
  lw a1, 0(a0)
  mv a2, s9
`;
    const none = twoStage(body);
    expect(none.reg('a2')).toBe(Cause.LoadGuestPageFault);
    const vsMxr = twoStage(body, { mSetup: `li t0, ${SSTATUS.MXR}\n  csrw vsstatus, t0` });
    expect(vsMxr.reg('a2')).toBe(Cause.LoadGuestPageFault);
    const mMxr = twoStage(body, { mSetup: `li t0, ${MSTATUS.MXR}\n  csrs mstatus, t0` });
    expect(mMxr.reg('s8')).toBe(0);
    expect(mMxr.ureg('a1')).toBe(0x7777_7777);
  });

  it('WFI in VS wakes on a pending VS interrupt masked by vsstatus.SIE; setting SIE takes it in VS', () => {
    const r = runOk(`${H_PRELUDE}
main:
  li t0, ${MIP.VSSIP}
  csrw hideleg, t0
  csrw hie, t0
  li t0, 2
  csrw vsie, t0
  csrw vsstatus, zero
  ${enter('VS', 'body')}
body:
  li t0, ${MIP.SSIP}
  csrs sip, t0              # vsip.SSIP = hvip.VSSIP: pending, masked by SIE = 0
  wfi                       # wakes at once: pending and enabled in vsie
  mv a2, s8
  csrsi sstatus, ${SSTATUS.SIE}
  mv a0, s9
  mv a1, s6
  ${POWER_OFF}
`);
    expect(r.reg('a2')).toBe(0);
    expect(r.ureg('a0')).toBe((CAUSE_INTERRUPT | 1) >>> 0);
    expect(r.reg('a1')).toBe(LEVEL.VS);
  });
});

describe('more corners', () => {
  it('an implicit fault on a fetch: instruction guest-page fault with htinst 0x2000', () => {
    const r = twoStage(`
  la gp, back
  li t0, 0x50000000
  jr t0
back:
  mv a2, s9
  mv a3, s10
  mv a4, s2
  mv a5, s3
`);
    expect(r.reg('a2')).toBe(Cause.InstructionGuestPageFault);
    expect(r.ureg('a3')).toBe(0x5000_0000);
    expect(r.ureg('a4')).toBe((VS_L0_MISSING_GPA / 4) >>> 0);
    expect(r.ureg('a5')).toBe(0x2000);
  });

  it('lr.w and sc.w faulting in the G stage: load and store guest-page faults, rs1 field zeroed', () => {
    const r = twoStage(`
  li a0, 0x40001000
faulting_lr:
  lr.w a1, (a0)
  mv a2, s9
  mv a3, s3
  li a0, 0x40003000
  lr.w a1, (a0)           # readable: reserves
faulting_sc:
  sc.w a4, a1, (a0)       # read-only in the G stage
  mv a5, s9
  mv a6, s3
`);
    expect(r.reg('a2')).toBe(Cause.LoadGuestPageFault);
    expect(r.ureg('a3')).toBe((r.word(r.sym('faulting_lr')) & ~(0x1f << 15)) >>> 0);
    expect(r.reg('a5')).toBe(Cause.StoreGuestPageFault);
    expect(r.ureg('a6')).toBe((r.word(r.sym('faulting_sc')) & ~(0x1f << 15)) >>> 0);
  });

  it('an HS interrupt (STIP, delegated by mideleg) preempts VS even with sstatus.SIE = 0', () => {
    const r = runOk(`${H_PRELUDE}
main:
  la t0, hs_stip
  csrw stvec, t0
  li t0, ${MIP.STIP}
  csrw mideleg, t0
  csrw mie, t0
  csrs mip, t0
  ${enter('VS', 'body')}
body:
  nop
  mv a0, s9
  mv a1, s6
  mv a2, s5
  ${POWER_OFF}
hs_stip:
  csrr s9, scause
  li s6, ${LEVEL.HS}
  csrr s5, hstatus
  li t0, ${MIP.STIP}
  csrc sie, t0
  sret
`);
    expect(r.ureg('a0')).toBe((CAUSE_INTERRUPT | 5) >>> 0);
    expect(r.reg('a1')).toBe(LEVEL.HS);
    expect(r.ureg('a2') & (HSTATUS.SPV | HSTATUS.SPVP)).toBe(HSTATUS.SPV | HSTATUS.SPVP);
  });

  it('a VS interrupt to HS with a vectored stvec vectors by its own code (6)', () => {
    const r = runOk(`${H_PRELUDE}
main:
  la t0, hs_vec
  ori t0, t0, 1
  csrw stvec, t0
  li t0, ${MIP.VSTIP}
  csrw hie, t0
  csrw hvip, t0
  ${enter('VS', 'body')}
body:
  nop
  ${POWER_OFF}
  .balign 64
hs_vec:
  .rept 6
  j bad_vec
  .endr
  csrw hvip, zero
  li a0, 0x66
  sret
bad_vec:
  li a0, 0xbad
  csrw hvip, zero
  sret
`);
    expect(r.reg('a0')).toBe(0x66);
  });
});

describe('hypervisor virtual-machine loads and stores: hlv, hlvx, hsv (§8.3)', () => {
  /** Run `body` in `mode` with both stages set up; hstatus starts as `hstatus`. */
  function hlsv(body: string, opts: { mode?: VMode; hstatus?: number; mSetup?: string; medeleg?: number } = {}): Run {
    return runOk(`${H_PRELUDE}
main:
  li t0, ${opts.hstatus ?? 0}
  csrw hstatus, t0
  li t0, ${opts.medeleg ?? 0}
  csrw medeleg, t0
  ${opts.mSetup ?? ''}
  ${opts.mode === undefined ? 'j body' : enter(opts.mode, 'body')}
body:
  ${body}
  ${POWER_OFF}
`, {
      setup: (b) => {
        const t = twoStageSetup(b);
        // VA 0x4000_c000: execute-only in the VS stage onto GPA +7, execute-only in the G stage.
        t.vsSet(VS_L0_GPA + 0xc * 4, t.pteOf(GPA_DATA + 0x7000, V | X | A | D));
        b.bus.write(HPA_DATA + 8, 4, 0x8081_f0f1);
        // While V = 0 the hart translates with satp (Bare), not these tables.
        b.hart.csr.hgatp = HGATP_VALUE;
      },
    });
  }

  it('from M-mode: loads through both stages with every width and extension', () => {
    const r = hlsv(`
  li a0, 0x40000000
  hlv.w a1, (a0)
  addi a0, a0, 8
  hlv.b a2, (a0)          # 0xf1
  hlv.bu a3, (a0)
  hlv.h a4, (a0)          # 0xf0f1
  hlv.hu a5, (a0)
  hlvx.wu a6, (a0)        # execute permission is not there (RW pages): a page fault
  mv a7, s9
`, { hstatus: HSTATUS.SPVP });
    expect(r.ureg('a1')).toBe(0x1111_1111);
    expect(r.reg('a2')).toBe(-15);
    expect(r.reg('a3')).toBe(0xf1);
    expect(r.reg('a4')).toBe(0xf0f1 - 0x10000);
    expect(r.reg('a5')).toBe(0xf0f1);
    expect(r.reg('a7')).toBe(Cause.LoadPageFault);
    expect(r.board.hart.virt).toBe(false);
  });

  it('stores through both stages (hsv.b/h/w)', () => {
    const r = hlsv(`
  li a0, 0x40000010
  li a1, 0x40000014
  li a2, 0x40000018
  li t0, 0x12345678
  hsv.w t0, (a0)
  li t0, 0xabcd
  hsv.h t0, (a1)
  hsv.b t0, (a2)
`, { hstatus: HSTATUS.SPVP });
    expect(r.word(HPA_DATA + 0x10)).toBe(0x1234_5678);
    expect(r.word(HPA_DATA + 0x14) & 0xffff).toBe(0xabcd);
    expect(r.word(HPA_DATA + 0x18) & 0xff).toBe(0xcd);
  });

  it('hstatus.SPVP picks the privilege: a VS-stage U page is VU\'s, and VS\'s only with vsstatus.SUM', () => {
    const body = `
  li a0, 0x4000b000
  hlv.w a1, (a0)
  mv a2, s8
`;
    expect(hlsv(body, { hstatus: 0 }).ureg('a1')).toBe(0x1111_1111); // SPVP = 0: as VU
    const vs = hlsv(body, { hstatus: HSTATUS.SPVP });
    expect(vs.reg('a2')).toBe(1);
    expect(vs.reg('s9')).toBe(Cause.LoadPageFault);
    const sum = hlsv(body, { hstatus: HSTATUS.SPVP, mSetup: `li t0, ${SSTATUS.SUM}\n  csrw vsstatus, t0` });
    expect(sum.reg('a2')).toBe(0);
    expect(sum.ureg('a1')).toBe(0x1111_1111);
  });

  it('hlvx reads execute-only memory (both stages) that hlv may not', () => {
    const r = hlsv(`
  li a0, 0x4000c000
  hlvx.wu a1, (a0)
  hlvx.hu a2, (a0)
  mv a3, s8
  hlv.w a4, (a0)
  mv a5, s9
`, { hstatus: HSTATUS.SPVP });
    expect(r.ureg('a1')).toBe(0x7777_7777);
    expect(r.ureg('a2')).toBe(0x7777);
    expect(r.reg('a3')).toBe(0);
    expect(r.reg('a5')).toBe(Cause.LoadPageFault);
  });

  it('a fault records a guest virtual address: mstatush.GVA from M, hstatus.GVA from HS, V = 0 before', () => {
    const body = `
  li a0, 0x40001000       # missing in the G stage
  hlv.w a1, (a0)
  mv a2, s9
  mv a3, s10
  mv a4, s5
  mv a5, s2
`;
    const m = hlsv(body, { hstatus: HSTATUS.SPVP });
    expect(m.reg('a2')).toBe(Cause.LoadGuestPageFault);
    expect(m.ureg('a3')).toBe(0x4000_1000);
    expect(m.ureg('a4') & (MSTATUSH.GVA | MSTATUSH.MPV)).toBe(MSTATUSH.GVA);
    expect(m.ureg('a5')).toBe(((GPA_DATA + 0x1000) / 4) >>> 0);
    const hsPage = hlsv(`
  li a0, 0x4000b000       # a VS-stage U page: a page fault for VS
  hsv.w a0, (a0)
  mv a2, s9
  mv a4, s5
  mv a6, s6
`, { mode: 'HS', hstatus: HSTATUS.SPVP, medeleg: 1 << Cause.StorePageFault });
    expect(hsPage.reg('a2')).toBe(Cause.StorePageFault);
    expect(hsPage.reg('a6')).toBe(LEVEL.HS);
    expect(hsPage.ureg('a4') & (HSTATUS.GVA | HSTATUS.SPV)).toBe(HSTATUS.GVA);
  });

  it('a guest-page fault of hlv/hsv hands htinst the instruction with rs1 replaced by the offset', () => {
    const r = hlsv(`
  li a0, 0x40001000
faulting:
  hsv.w a1, (a0)
  mv a2, s9
  mv a3, s3
`, { hstatus: HSTATUS.SPVP });
    expect(r.reg('a2')).toBe(Cause.StoreGuestPageFault);
    expect(r.ureg('a3')).toBe((r.word(r.sym('faulting')) & ~(0x1f << 15)) >>> 0);
  });

  it('allowed in U-mode only with hstatus.HU (else illegal); from VS a virtual instruction', () => {
    const body = `
  li a0, 0x40000000
  hlv.w a1, (a0)
  mv a2, s8
  mv a3, s9
  li a7, 0x5d
  ecall
`;
    const u = hlsv(body, { mode: 'U', hstatus: HSTATUS.SPVP });
    expect([u.reg('a2'), u.reg('a3')]).toEqual([1, Cause.IllegalInstruction]);
    const hu = hlsv(body, { mode: 'U', hstatus: HSTATUS.SPVP | HSTATUS.HU });
    expect(hu.reg('a2')).toBe(0);
    expect(hu.ureg('a1')).toBe(0x1111_1111);
    const vs = hlsv(body, { mode: 'VS', hstatus: HSTATUS.SPVP | HSTATUS.HU });
    expect([vs.reg('a2'), vs.reg('a3')]).toEqual([1, Cause.VirtualInstruction]);
  });
});

describe('GVA for M-mode accesses with MPRV = 1 and MPV = 1', () => {
  it('a page fault of such a load sets mstatush.GVA (the address is guest virtual, though V = 0)', () => {
    const r = runOk(`${H_PRELUDE}
main:
  ${MPRV_AS_VS}
  li a0, 0x40001000       # missing in the G stage
  lw a1, 0(a0)
  li t0, ${MSTATUS.MPRV}
  csrc mstatus, t0
  mv a2, s9
  mv a3, s10
  mv a4, s5
  ebreak                  # an address that is not guest virtual: GVA clear again
  mv a5, s5
  ${POWER_OFF}
`, { setup: (b) => { twoStageSetup(b); } });
    expect(r.reg('a2')).toBe(Cause.LoadGuestPageFault);
    expect(r.ureg('a3')).toBe(0x4000_1000);
    expect(r.ureg('a4') & MSTATUSH.GVA).toBe(MSTATUSH.GVA);
    expect(r.ureg('a5') & MSTATUSH.GVA).toBe(0);
  });
});
