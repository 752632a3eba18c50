/**
 * Every RV32IMA instruction's semantics, run on the hart through translated blocks: ALU and
 * M-extension results against independent (BigInt) references over edge and random operands,
 * x0, jumps and their links, branches, every load/store width, misaligned accesses done in
 * hardware, and the A extension (LR/SC reservations, every AMO, misaligned AMO traps).
 */
import { describe, expect, it } from 'vitest';
import { Cause } from '../../src/isa/causes.js';
import { encode } from '../../src/isa/encode.js';
import { BY_MNEMONIC } from '../../src/isa/instructions.js';
import {
  EDGE_VALUES, POWER_OFF, RECORDING_PRELUDE, TEST_DEVICE, hex, rng, run,
} from './helpers.js';

const S = (v: number): bigint => BigInt.asIntN(32, BigInt(v));
const U = (v: number): bigint => BigInt.asUintN(32, BigInt(v));
const i32 = (b: bigint): number => Number(BigInt.asIntN(32, b));
const INT_MIN = -0x8000_0000;

/** Reference semantics of the register-register instructions, written independently of the
 *  hart (BigInt arithmetic, the spec's division table). */
const R_REF: Record<string, (a: number, b: number) => number> = {
  add: (a, b) => i32(S(a) + S(b)),
  sub: (a, b) => i32(S(a) - S(b)),
  sll: (a, b) => i32(U(a) << (U(b) & 31n)),
  slt: (a, b) => (S(a) < S(b) ? 1 : 0),
  sltu: (a, b) => (U(a) < U(b) ? 1 : 0),
  xor: (a, b) => i32(S(a) ^ S(b)),
  srl: (a, b) => i32(U(a) >> (U(b) & 31n)),
  sra: (a, b) => i32(S(a) >> (U(b) & 31n)),
  or: (a, b) => i32(S(a) | S(b)),
  and: (a, b) => i32(S(a) & S(b)),
  mul: (a, b) => i32(S(a) * S(b)),
  mulh: (a, b) => i32((S(a) * S(b)) >> 32n),
  mulhsu: (a, b) => i32((S(a) * U(b)) >> 32n),
  mulhu: (a, b) => i32((U(a) * U(b)) >> 32n),
  div: (a, b) => (b === 0 ? -1 : a === INT_MIN && b === -1 ? INT_MIN : i32(S(a) / S(b))),
  divu: (a, b) => (b === 0 ? -1 : i32(U(a) / U(b))),
  rem: (a, b) => (b === 0 ? a : a === INT_MIN && b === -1 ? 0 : i32(S(a) % S(b))),
  remu: (a, b) => (b === 0 ? a : i32(U(a) % U(b))),
};

function pairs(seed: number, randomCount: number): [number, number][] {
  const out: [number, number][] = [];
  for (const a of EDGE_VALUES) for (const b of EDGE_VALUES) out.push([a, b]);
  const r = rng(seed);
  for (let k = 0; k < randomCount; k++) out.push([r(), r()]);
  // Small divisors and shift amounts, where random values rarely land.
  for (let k = 0; k < 32; k++) out.push([r(), (r() & 63) - 32]);
  return out;
}

/** Run `op a2, a0, a1` over a table of operand pairs; returns the results. */
function runRType(op: string, inputs: [number, number][], form = 'a2, a0, a1', result = 'a2'): number[] {
  const n = inputs.length;
  const r = run(`
_start:
  la s0, inputs
  la s1, outputs
  li s2, ${n}
1:
  lw a0, 0(s0)
  lw a1, 4(s0)
  ${op} ${form}
  sw ${result}, 0(s1)
  addi s0, s0, 8
  addi s1, s1, 4
  addi s2, s2, -1
  bnez s2, 1b
  ${POWER_OFF}
  .balign 4096
inputs:
  .word ${inputs.flat().map((v) => v | 0).join(', ')}
outputs:
  .space ${4 * n}
`, { maxInsns: 100_000 });
  expect(r.stop).toEqual({ kind: 'power-off', code: 0 });
  const base = r.sym('outputs');
  return inputs.map((_, k) => r.word(base + 4 * k) | 0);
}

describe('RV32I and M register-register instructions', () => {
  for (const op of Object.keys(R_REF)) {
    it(`${op} matches the reference on edge and random operands`, () => {
      const inputs = pairs(op.length * 7919 + op.charCodeAt(0), 200);
      const got = runRType(op, inputs);
      const ref = R_REF[op]!;
      const bad = inputs.map(([a, b], k) => ({ a, b, got: got[k]!, want: ref(a, b) }))
        .filter((c) => c.got !== c.want)
        .map((c) => `${op} ${hex(c.a)}, ${hex(c.b)} = ${hex(c.got)}, want ${hex(c.want)}`);
      expect(bad).toEqual([]);
    });
  }

  it('reads both operands before writing rd when rd aliases a source', () => {
    const inputs: [number, number][] = [[7, 5], [-3, 0x10], [INT_MIN, -1], [0x1234_5678, 0x9abc_def0 | 0]];
    for (const op of ['sub', 'sll', 'mulh', 'div', 'rem']) {
      const ref = R_REF[op]!;
      expect(runRType(op, inputs, 'a0, a0, a1', 'a0')).toEqual(inputs.map(([a, b]) => ref(a, b)));
      expect(runRType(op, inputs, 'a1, a0, a1', 'a1')).toEqual(inputs.map(([a, b]) => ref(a, b)));
      expect(runRType(op, inputs, 'a0, a0, a0', 'a0')).toEqual(inputs.map(([a]) => ref(a, a)));
    }
  });

  it('division by zero and the one overflow give the spec values, with no trap', () => {
    const r = run(`${RECORDING_PRELUDE}
main:
  li a0, 1234
  li a1, 0
  div s0, a0, a1
  divu s1, a0, a1
  rem s2, a0, a1
  remu s3, a0, a1
  li a2, 0x80000000
  li a3, -1
  div s4, a2, a3
  rem s5, a2, a3
  divu s6, a2, a3
  ${POWER_OFF}
`);
    expect(r.reg('s8')).toBe(0); // no trap
    expect(r.reg('s0')).toBe(-1);
    expect(r.ureg('s1')).toBe(0xffff_ffff);
    expect(r.reg('s2')).toBe(1234);
    expect(r.reg('s3')).toBe(1234);
    expect(r.reg('s4')).toBe(INT_MIN);
    expect(r.reg('s5')).toBe(0);
    expect(r.reg('s6')).toBe(0);
  });
});

describe('RV32I register-immediate instructions', () => {
  const IMMS = [0, 1, -1, 2, 2047, -2048, 0x555, -0x556, 0x7f0];
  const I_REF: Record<string, (a: number, i: number) => number> = {
    addi: (a, i) => R_REF.add!(a, i),
    slti: (a, i) => R_REF.slt!(a, i),
    sltiu: (a, i) => R_REF.sltu!(a, i),
    xori: (a, i) => R_REF.xor!(a, i),
    ori: (a, i) => R_REF.or!(a, i),
    andi: (a, i) => R_REF.and!(a, i),
  };
  const SH_REF: Record<string, (a: number, s: number) => number> = {
    slli: (a, s) => R_REF.sll!(a, s),
    srli: (a, s) => R_REF.srl!(a, s),
    srai: (a, s) => R_REF.sra!(a, s),
  };

  function straightLine(cases: { op: string; a: number; imm: number }[]): number[] {
    const body = cases.map((c, k) => `
  li a0, ${c.a | 0}
  ${c.op} a2, a0, ${c.imm}
  sw a2, 0(s1)
  addi s1, s1, 4`).join('');
    const r = run(`
_start:
  la s1, outputs
${body}
  ${POWER_OFF}
  .balign 4096
outputs:
  .space ${4 * cases.length}
`);
    expect(r.stop.kind).toBe('power-off');
    return cases.map((_, k) => r.word(r.sym('outputs') + 4 * k) | 0);
  }

  it('addi, slti, sltiu, xori, ori, andi over edge operands and immediates', () => {
    const cases: { op: string; a: number; imm: number }[] = [];
    const values = [...EDGE_VALUES, ...Array.from({ length: 8 }, rng(42))];
    for (const op of Object.keys(I_REF)) for (const a of values) for (const imm of IMMS) cases.push({ op, a, imm });
    const got = straightLine(cases);
    const bad = cases.filter((c, k) => got[k] !== I_REF[c.op]!(c.a, c.imm))
      .map((c) => `${c.op} ${hex(c.a)}, ${c.imm} = ${hex(got[cases.indexOf(c)]!)}`);
    expect(bad).toEqual([]);
  });

  it('slli, srli, srai over every shift amount', () => {
    const cases: { op: string; a: number; imm: number }[] = [];
    for (const op of Object.keys(SH_REF)) {
      for (const a of [INT_MIN, -1, 0x7fff_ffff, 0x8765_4321 | 0, 1]) {
        for (let s = 0; s < 32; s++) cases.push({ op, a, imm: s });
      }
    }
    const got = straightLine(cases);
    const bad = cases.filter((c, k) => got[k] !== SH_REF[c.op]!(c.a, c.imm)).map((c) => `${c.op} ${hex(c.a)}, ${c.imm}`);
    expect(bad).toEqual([]);
  });

  it('lui and auipc', () => {
    const r = run(`
_start:
  lui a0, 0xfffff
  lui a1, 0x12345
  lui a2, 0
here:
  auipc a3, 0
  auipc a4, 0x80000
  auipc a5, 1
  ${POWER_OFF}
`);
    const here = r.sym('here');
    expect(r.ureg('a0')).toBe(0xffff_f000);
    expect(r.ureg('a1')).toBe(0x1234_5000);
    expect(r.ureg('a2')).toBe(0);
    expect(r.ureg('a3')).toBe(here);
    expect(r.ureg('a4')).toBe((here + 4 + 0x8000_0000) >>> 0);
    expect(r.ureg('a5')).toBe(here + 8 + 0x1000);
  });
});

describe('x0', () => {
  it('stays zero whatever is written to it, and reads as zero', () => {
    const r = run(`${RECORDING_PRELUDE}
main:
  la s0, data
  addi x0, x0, 5
  lui x0, 0x12345
  auipc x0, 1
  lw x0, 0(s0)
  lb x0, 0(s0)
  jal x0, 1f
1:
  csrr x0, mscratch
  amoadd.w x0, s0, (s0)
  lr.w x0, (s0)
  sc.w x0, s0, (s0)
  mul x0, s0, s0
  add a0, x0, x0
  addi a1, x0, 0
  or a2, x0, s0
  sw x0, 4(s0)
  ${POWER_OFF}
  .balign 4096
data:
  .word 0x11111111, 0x22222222
`);
    expect(r.stop.kind).toBe('power-off');
    expect(r.board.hart.x[0]).toBe(0);
    expect(r.reg('a0')).toBe(0);
    expect(r.reg('a1')).toBe(0);
    expect(r.ureg('a2')).toBe(r.sym('data'));
    expect(r.word(r.sym('data') + 4)).toBe(0);
    // The AMO and SC still wrote memory although their rd is x0.
    expect(r.word(r.sym('data'))).toBe(r.sym('data'));
  });
});

describe('fences', () => {
  it('fence and fence.i with their reserved fields set execute as fences: no trap, no register written', () => {
    const r = run(`${RECORDING_PRELUDE}
main:
  li ra, 0x1234
  li a0, 0x5678
  .word 0x0ff5008f        # fence iorw,iorw with rd = ra, rs1 = a0
  .word 0x5ff5008f        # the same with a reserved fm (0101)
  .word 0x8335008f        # fence.tso's fields with rd, rs1 set: a plain fence
  .word 0xffff908f        # fence.i with imm, rs1 and rd set
  mv a1, s8
  ${POWER_OFF}
`);
    expect(r.stop.kind).toBe('power-off');
    expect(r.reg('a1')).toBe(0); // no trap recorded
    expect(r.ureg('ra')).toBe(0x1234);
    expect(r.ureg('a0')).toBe(0x5678);
  });
});

describe('jumps', () => {
  it('jal and jalr write the link, jalr clears bit 0 and rd may equal rs1', () => {
    const r = run(`${RECORDING_PRELUDE}
main:
  jal ra, f1
ret1:
  la t0, f2
  jalr t0, 0(t0)
ret2:
  la t1, f3
  addi t1, t1, 1
  jalr t2, 0(t1)
ret3:
  la t1, f4
  jalr a5, -8(t1)   # f4 - 8 is f3b
  ${POWER_OFF}
f1:
  mv s0, ra
  ret
f2:
  mv s1, t0
  jr t0
f3:
  mv s2, t2
  jr t2
f3b:
  mv s3, a5
  jr a5
f4:
  li s4, 1
  ${POWER_OFF}
`);
    expect(r.reg('s8')).toBe(0);
    expect(r.ureg('s0')).toBe(r.sym('ret1'));
    expect(r.ureg('s1')).toBe(r.sym('ret2'));
    expect(r.ureg('s2')).toBe(r.sym('ret3'));
    expect(r.ureg('s3')).toBe(r.sym('ret3') + 12);
    expect(r.reg('s4')).toBe(0);
  });

  it('a misaligned jump or taken branch target traps with cause 0 and tval = target; rd is not written', () => {
    const r = run(`${RECORDING_PRELUDE}
main:
  la t0, land
  addi t0, t0, 2
  li a5, 0x777
jalr_site:
  jalr a5, 0(t0)
  mv s0, s9
  mv s1, s10
  mv s2, s11
  mv s3, a5
jal_site:
  jal a6, .+6
  mv s4, s10
  mv s5, s11
beq_site:
  beq zero, zero, .+2
  mv s6, s10
  mv a7, s11
  mv a4, s8
  bne zero, zero, .+2     # not taken: no trap
  mv a3, s8
land:
  ${POWER_OFF}
`);
    expect(r.reg('s0')).toBe(Cause.InstructionAddressMisaligned);
    expect(r.ureg('s1')).toBe(r.sym('land') + 2);
    expect(r.ureg('s2')).toBe(r.sym('jalr_site'));
    expect(r.reg('s3')).toBe(0x777);
    expect(r.ureg('s4')).toBe(r.sym('jal_site') + 6);
    expect(r.ureg('s5')).toBe(r.sym('jal_site'));
    expect(r.reg('a6')).toBe(0);
    expect(r.ureg('s6')).toBe(r.sym('beq_site') + 2);
    expect(r.ureg('a7')).toBe(r.sym('beq_site'));
    expect(r.reg('a4')).toBe(3);
    expect(r.reg('a3')).toBe(3);
  });
});

describe('branches', () => {
  it('every branch decides like the reference, forwards and backwards', () => {
    const REF: Record<string, (a: number, b: number) => boolean> = {
      beq: (a, b) => a === b,
      bne: (a, b) => a !== b,
      blt: (a, b) => a < b,
      bge: (a, b) => a >= b,
      bltu: (a, b) => a >>> 0 < b >>> 0,
      bgeu: (a, b) => a >>> 0 >= b >>> 0,
    };
    const values = [0, 1, -1, 0x7fff_ffff, INT_MIN, 5, -5];
    const cases: { op: string; a: number; b: number }[] = [];
    for (const op of Object.keys(REF)) for (const a of values) for (const b of values) cases.push({ op, a, b });
    // Forward: a2 = 1 unless taken. Backward: jump over a trampoline that branches back.
    const body = cases.map((c, k) => `
  li a0, ${c.a}
  li a1, ${c.b}
  li a2, 1
  ${c.op} a0, a1, 1f
  li a2, 0
1:
  sb a2, ${2 * k}(s1)
  li a3, 1
  j 3f
2:
  li a3, 0
  j 4f
3:
  ${c.op} a0, a1, 2b
4:
  xori a3, a3, 1
  sb a3, ${2 * k + 1}(s1)`).join('');
    const r = run(`
_start:
  la s1, outputs
${body}
  ${POWER_OFF}
  .balign 4096
outputs:
  .space ${2 * cases.length}
`);
    expect(r.stop.kind).toBe('power-off');
    const out = r.sym('outputs');
    const bad = cases.filter((c, k) => {
      const want = REF[c.op]!(c.a, c.b) ? 1 : 0;
      return r.byte(out + 2 * k) !== want || r.byte(out + 2 * k + 1) !== want;
    }).map((c) => `${c.op} ${c.a}, ${c.b}`);
    expect(bad).toEqual([]);
  });
});

describe('loads and stores', () => {
  const DATA = [0x80, 0x7f, 0xff, 0x01, 0xfe, 0x80, 0x34, 0x12, 0x78, 0x56, 0x00, 0x81];

  it('every load width with sign or zero extension, aligned and misaligned (done in hardware)', () => {
    const view = new DataView(Uint8Array.from(DATA).buffer);
    const kinds: { op: string; width: number; read: (o: number) => number }[] = [
      { op: 'lb', width: 1, read: (o) => view.getInt8(o) },
      { op: 'lbu', width: 1, read: (o) => view.getUint8(o) },
      { op: 'lh', width: 2, read: (o) => view.getInt16(o, true) },
      { op: 'lhu', width: 2, read: (o) => view.getUint16(o, true) },
      { op: 'lw', width: 4, read: (o) => view.getInt32(o, true) },
    ];
    const cases: { op: string; off: number; want: number }[] = [];
    for (const k of kinds) for (let off = 0; off + k.width <= DATA.length; off++) cases.push({ op: k.op, off, want: k.read(off) });
    const body = cases.map((c, k) => `
  ${c.op} a0, ${c.off}(s0)
  sw a0, ${4 * k}(s1)`).join('');
    const r = run(`${RECORDING_PRELUDE}
main:
  la s0, data
  la s1, outputs
${body}
  ${POWER_OFF}
  .balign 4096
data:
  .byte ${DATA.join(', ')}
  .balign 4
outputs:
  .space ${4 * cases.length}
`);
    expect(r.reg('s8')).toBe(0); // misaligned loads do not trap
    const bad = cases.filter((c, k) => (r.word(r.sym('outputs') + 4 * k) | 0) !== c.want)
      .map((c) => `${c.op} at +${c.off}`);
    expect(bad).toEqual([]);
  });

  it('negative offsets and a base register that is also the destination', () => {
    const r = run(`
_start:
  la s0, data + 8
  lw a0, -8(s0)
  lbu a1, -5(s0)
  mv a2, s0
  lw a2, -4(a2)
  ${POWER_OFF}
  .balign 4
data:
  .word 0x11223344, 0x55667788, 0x99aabbcc
`);
    expect(r.ureg('a0')).toBe(0x1122_3344);
    expect(r.ureg('a1')).toBe(0x11);
    expect(r.ureg('a2')).toBe(0x5566_7788);
  });

  it('every store width at every offset, aligned and misaligned, writes exactly its bytes', () => {
    const VALUE = 0x8899_aabb | 0;
    const cases: { op: string; width: number; off: number }[] = [];
    for (const [op, width] of [['sb', 1], ['sh', 2], ['sw', 4]] as const) {
      for (let off = 0; off < 4; off++) cases.push({ op, width, off });
    }
    // Each case gets its own 8-byte slot pre-filled with 0xee.
    const body = cases.map((c, k) => `
  ${c.op} a0, ${8 * k + 2 + c.off}(s1)`).join('');
    const r = run(`${RECORDING_PRELUDE}
main:
  li a0, ${VALUE}
  la s1, slots
${body}
  ${POWER_OFF}
  .balign 4096
slots:
  .space ${8 * cases.length + 8}, 0xee
`);
    expect(r.reg('s8')).toBe(0);
    const bad: string[] = [];
    cases.forEach((c, k) => {
      for (let b = 0; b < 8; b++) {
        const at = b - 2 - c.off;
        const want = at >= 0 && at < c.width ? (VALUE >>> (8 * at)) & 0xff : 0xee;
        const got = r.byte(r.sym('slots') + 8 * k + b);
        if (got !== want) bad.push(`${c.op} at +${c.off}: byte ${b} = ${got.toString(16)}, want ${want.toString(16)}`);
      }
    });
    expect(bad).toEqual([]);
  });

  it('a misaligned word access straddling two pages in bare mode', () => {
    const r = run(`${RECORDING_PRELUDE}
main:
  la s0, boundary
  li a0, 0x44332211
  sw a0, -2(s0)
  lw a1, -2(s0)
  lhu a2, -1(s0)
  lh a3, -1(s0)
  ${POWER_OFF}
  .balign 4096
  .space 4096
boundary:
  .space 16
`);
    const b = r.sym('boundary');
    expect(b % 4096).toBe(0);
    expect(r.reg('s8')).toBe(0);
    expect([r.byte(b - 2), r.byte(b - 1), r.byte(b), r.byte(b + 1)]).toEqual([0x11, 0x22, 0x33, 0x44]);
    expect(r.ureg('a1')).toBe(0x4433_2211);
    expect(r.ureg('a2')).toBe(0x3322);
    expect(r.ureg('a3')).toBe(0x3322);
  });

  it('loads from devices are sign- or zero-extended like loads from RAM', () => {
    const r = run(`
_start:
  li s0, 0x10000000        # UART: the scratch register at offset 7
  li t0, 0xf0
  sb t0, 7(s0)
  lb a0, 7(s0)
  lbu a1, 7(s0)
  li s1, 0x02004000        # CLINT mtimecmp (reset: all ones)
  lw a2, 0(s1)
  lh a3, 0(s1)
  lhu a4, 2(s1)
  ${POWER_OFF}
`);
    expect(r.reg('a0')).toBe(-16);
    expect(r.reg('a1')).toBe(0xf0);
    expect(r.reg('a2')).toBe(-1);
    expect(r.reg('a3')).toBe(-1);
    expect(r.reg('a4')).toBe(0xffff);
  });

  it('loads and stores to unmapped physical addresses raise access faults with tval', () => {
    const r = run(`${RECORDING_PRELUDE}
main:
  li s0, 0x40000000
  lw a0, 4(s0)
  mv a1, s9
  mv a2, s10
  sw a0, 8(s0)
  mv a3, s9
  mv a4, s10
  ${POWER_OFF}
`);
    expect(r.reg('a1')).toBe(Cause.LoadAccessFault);
    expect(r.ureg('a2')).toBe(0x4000_0004);
    expect(r.reg('a3')).toBe(Cause.StoreAccessFault);
    expect(r.ureg('a4')).toBe(0x4000_0008);
  });
});

describe('A extension', () => {
  const AMO_REF: Record<string, (old: number, src: number) => number> = {
    'amoswap.w': (_o, s) => s,
    'amoadd.w': (o, s) => (o + s) | 0,
    'amoxor.w': (o, s) => o ^ s,
    'amoand.w': (o, s) => o & s,
    'amoor.w': (o, s) => o | s,
    'amomin.w': (o, s) => Math.min(o, s),
    'amomax.w': (o, s) => Math.max(o, s),
    'amominu.w': (o, s) => (o >>> 0 < s >>> 0 ? o : s),
    'amomaxu.w': (o, s) => (o >>> 0 > s >>> 0 ? o : s),
  };

  for (const op of Object.keys(AMO_REF)) {
    it(`${op}: rd gets the old value, memory gets op(old, rs2)`, () => {
      const values = [0, 1, -1, INT_MIN, 0x7fff_ffff, 0x1234_5678, -5, 5];
      const cases: [number, number][] = [];
      for (const a of values) for (const b of values) cases.push([a, b]);
      const body = cases.map(([old, src], k) => `
  li a0, ${old}
  sw a0, ${8 * k}(s1)
  li a1, ${src}
  addi a2, s1, ${8 * k}
  ${op} a3, a1, (a2)
  sw a3, ${8 * k + 4}(s1)`).join('');
      const r = run(`
_start:
  la s1, cells
${body}
  ${POWER_OFF}
  .balign 4096
cells:
  .space ${8 * cases.length}
`);
      expect(r.stop.kind).toBe('power-off');
      const cells = r.sym('cells');
      const bad = cases.filter(([old, src], k) =>
        (r.word(cells + 8 * k) | 0) !== AMO_REF[op]!(old, src) || (r.word(cells + 8 * k + 4) | 0) !== old)
        .map(([o, s]) => `${op} old=${o} src=${s}`);
      expect(bad).toEqual([]);
    });
  }

  it('an AMO whose rd is also rs2 uses the source before overwriting it', () => {
    const r = run(`
_start:
  la s0, cell
  li a0, 10
  amoadd.w a0, a0, (s0)
  ${POWER_OFF}
cell:
  .word 32
`);
    expect(r.reg('a0')).toBe(32);
    expect(r.word(r.sym('cell'))).toBe(42);
  });

  it('LR/SC: success writes and returns 0; a second SC, an SC elsewhere or after a trap fails with 1', () => {
    const r = run(`${RECORDING_PRELUDE}
main:
  la s0, a
  la s1, b
  li t0, 111
  lr.w a0, (s0)
  sc.w a1, t0, (s0)        # succeeds
  li t0, 222
  sc.w a2, t0, (s0)        # no reservation any more: fails
  lr.w a3, (s0)
  sc.w a4, t0, (s1)        # other address: fails
  sc.w a5, t0, (s0)        # the failed SC cleared the reservation
  lr.w a6, (s0)
  ecall                    # a trap and mret clear the reservation on this hart
  sc.w a7, t0, (s0)
  ${POWER_OFF}
  .balign 8
a: .word 5
b: .word 6
`);
    expect(r.reg('a0')).toBe(5);
    expect(r.reg('a1')).toBe(0);
    expect(r.reg('a2')).toBe(1);
    expect(r.reg('a3')).toBe(111);
    expect(r.reg('a4')).toBe(1);
    expect(r.reg('a5')).toBe(1);
    expect(r.reg('a7')).toBe(1);
    expect(r.word(r.sym('a'))).toBe(111);
    expect(r.word(r.sym('b'))).toBe(6);
  });

  it('misaligned LR traps with cause 4, misaligned SC and AMOs with cause 6, tval = the address', () => {
    const ops = ['lr.w a0, (s0)', 'sc.w a0, a1, (s0)', ...Object.keys(AMO_REF).map((op) => `${op} a0, a1, (s0)`)];
    for (const insn of ops) {
      for (const mis of [1, 2, 3]) {
        const r = run(`${RECORDING_PRELUDE}
main:
  la s0, cell + ${mis}
  li a0, 0x55
  li a1, 7
site:
  ${insn}
  ${POWER_OFF}
  .balign 8
cell: .word 0x01020304, 0x05060708
`);
        const want = insn.startsWith('lr') ? Cause.LoadAddressMisaligned : Cause.StoreAddressMisaligned;
        expect({ insn, mis, cause: r.reg('s9') }).toEqual({ insn, mis, cause: want });
        expect(r.ureg('s10')).toBe(r.sym('cell') + mis);
        expect(r.ureg('s11')).toBe(r.sym('site'));
        expect(r.reg('a0')).toBe(0x55);
        expect(r.word(r.sym('cell'))).toBe(0x0102_0304);
      }
    }
  });

  it('AMOs outside RAM raise access faults (5 for lr.w, 7 for the rest)', () => {
    const r = run(`${RECORDING_PRELUDE}
main:
  li s0, ${TEST_DEVICE + 0x10}
  amoor.w a0, a1, (s0)
  mv a2, s9
  mv a3, s10
  lr.w a0, (s0)
  mv a4, s9
  ${POWER_OFF}
`);
    expect(r.reg('a2')).toBe(Cause.StoreAccessFault);
    expect(r.ureg('a3')).toBe(TEST_DEVICE + 0x10);
    expect(r.reg('a4')).toBe(Cause.LoadAccessFault);
  });

  it('a failed SC to a code page does not let later stores bypass code invalidation', () => {
    const newInsn = encode(BY_MNEMONIC.get('addi')!, { rd: 10, rs1: 0, imm: 2 });
    const r = run(`
_start:
  la s0, other
  la s1, patch
  li t0, ${newInsn | 0}
  lr.w t2, (s0)
  sc.w t3, t0, (s1)        # fails: the reservation is for 'other'
  sw t0, 0(s1)
patch:
  addi a0, zero, 1
  ${POWER_OFF}
other: .word 0
`);
    expect(r.reg('t3')).toBe(1);
    expect(r.reg('a0')).toBe(2);
  });
});
