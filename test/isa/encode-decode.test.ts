/**
 * encode ⇄ decode over every row of the instruction table: each variant's word decodes back to
 * its row, and the field extractors give back the operand values that went in.
 */
import { describe, expect, it } from 'vitest';
import {
  csrOf, decode, decodeSpec, funct3Of, immB, immI, immJ, immS, immU, rdOf, rs1Of, rs2Of,
} from '../../src/isa/decode.js';
import { encode, EncodeError, type OperandValues } from '../../src/isa/encode.js';
import {
  AMO_AQ, AMO_RL, BY_MNEMONIC, BY_OP, INSTRUCTIONS, Op, type InstructionSpec,
} from '../../src/isa/instructions.js';
import { variantsFor } from './variants.js';

const FENCE_PRED_SHIFT = 24;
const FENCE_SUCC_SHIFT = 20;
const U_SHIFT = 12;

/** The operand values a word carries, read back with the decoder's field extractors. */
function extract(spec: InstructionSpec, w: number): OperandValues {
  const regs = { rd: rdOf(w), rs1: rs1Of(w), rs2: rs2Of(w) };
  switch (spec.format) {
    case 'R': case 'RS1RS2': return regs;
    case 'RDRS1': return { rd: regs.rd, rs1: regs.rs1 };
    case 'I': return { ...regs, imm: immI(w) };
    case 'Ishamt': return { ...regs, imm: rs2Of(w) };
    case 'S': return { ...regs, imm: immS(w) };
    case 'B': return { ...regs, imm: immB(w) };
    case 'J': return { ...regs, imm: immJ(w) };
    case 'U': return { ...regs, imm: immU(w) >>> U_SHIFT };
    case 'CSR': return { ...regs, csr: csrOf(w) };
    case 'CSRI': return { ...regs, csr: csrOf(w), imm: rs1Of(w) };
    case 'AMO': case 'LR':
      return { ...regs, aq: (w & AMO_AQ) !== 0, rl: (w & AMO_RL) !== 0 };
    case 'FENCE':
      return { pred: (w >>> FENCE_PRED_SHIFT) & 0xf, succ: (w >>> FENCE_SUCC_SHIFT) & 0xf };
    case 'FIXED': return {};
  }
}

/** The operand values `v` asks for, with the encoder's defaults (0, false) filled in. */
function expected(spec: InstructionSpec, v: OperandValues): OperandValues {
  const out: OperandValues = {};
  for (const k of operandFields(spec)) {
    (out as Record<string, unknown>)[k] = v[k] ?? (k === 'aq' || k === 'rl' ? false : 0);
  }
  return out;
}

/** Which OperandValues fields the row's operand list (and ordering bits) encode. */
function operandFields(spec: InstructionSpec): Set<keyof OperandValues> {
  const s = new Set<keyof OperandValues>();
  for (const k of spec.operands) {
    switch (k) {
      case 'rd': case 'rs1': case 'rs2': s.add(k); break;
      case 'mem': case 'amem': s.add('rs1'); if (k === 'mem') s.add('imm'); break;
      case 'imm': case 'shamt': case 'uimm20': case 'zimm': case 'target': s.add('imm'); break;
      case 'csr': s.add('csr'); break;
      case 'pred': case 'succ': s.add(k); break;
    }
  }
  if (spec.format === 'AMO' || spec.format === 'LR') { s.add('aq'); s.add('rl'); }
  return s;
}

function pick(spec: InstructionSpec, got: OperandValues): OperandValues {
  const out: OperandValues = {};
  for (const k of operandFields(spec)) (out as Record<string, unknown>)[k] = got[k];
  return out;
}

describe('the instruction table', () => {
  it('has one row per execution id, in Op order', () => {
    INSTRUCTIONS.forEach((s, i) => expect(s.op).toBe(i));
    expect(INSTRUCTIONS.length).toBe(Op.ILLEGAL);
    expect(BY_OP.length).toBe(INSTRUCTIONS.length);
  });

  it('has unique mnemonics and match values inside their masks', () => {
    expect(BY_MNEMONIC.size).toBe(INSTRUCTIONS.length);
    for (const s of INSTRUCTIONS) expect((s.match & ~s.mask) >>> 0, s.mnemonic).toBe(0);
  });

  it('has no two rows that both match some word unless one is strictly more specific', () => {
    for (const a of INSTRUCTIONS) {
      for (const b of INSTRUCTIONS) {
        if (a === b) continue;
        const common = a.mask & b.mask;
        if (((a.match ^ b.match) & common) !== 0) continue; // disjoint encodings
        // Overlap: one must contain the other (the fence hints inside fence).
        const aInB = (a.mask & b.mask) === b.mask && (a.mask >>> 0) !== (b.mask >>> 0);
        const bInA = (a.mask & b.mask) === a.mask && (a.mask >>> 0) !== (b.mask >>> 0);
        expect(aInB || bInA, `${a.mnemonic} overlaps ${b.mnemonic}`).toBe(true);
      }
    }
  });

  it('gives loads and stores their access width', () => {
    const widths = Object.fromEntries(INSTRUCTIONS.filter((s) => s.width).map((s) => [s.mnemonic, s.width]));
    expect(widths).toEqual({
      lb: 1, lh: 2, lw: 4, lbu: 1, lhu: 2, sb: 1, sh: 2, sw: 4,
      'hlv.b': 1, 'hlv.bu': 1, 'hlv.h': 2, 'hlv.hu': 2, 'hlvx.hu': 2, 'hlv.w': 4, 'hlvx.wu': 4,
      'hsv.b': 1, 'hsv.h': 2, 'hsv.w': 4,
    });
  });
});

describe('decode(encode(row, values))', () => {
  for (const spec of INSTRUCTIONS) {
    const variants = variantsFor(spec);
    it(`${spec.mnemonic}: ${variants.length} variants decode to the row with their operands`, () => {
      for (const v of variants) {
        const w = encode(spec, v);
        const ctx = `${spec.mnemonic} ${JSON.stringify(v)} → 0x${w.toString(16)}`;
        expect(decode(w), ctx).toBe(spec.op);
        expect(decodeSpec(w), ctx).toBe(spec);
        expect(((w & spec.mask) >>> 0) === spec.match, ctx).toBe(true);
        expect(pick(spec, extract(spec, w)), ctx).toEqual(expected(spec, v));
      }
    });
  }

  it('puts every register in every register position', () => {
    for (const spec of INSTRUCTIONS) {
      const fields = operandFields(spec);
      for (const f of ['rd', 'rs1', 'rs2'] as const) {
        if (!fields.has(f)) continue;
        const seen = new Set(variantsFor(spec).map((v) => v[f]));
        expect(seen.size, `${spec.mnemonic} ${f}`).toBe(32);
      }
    }
  });

  it('places fields where the spec says (spot checks against known words)', () => {
    const enc = (m: string, v: OperandValues): number => encode(BY_MNEMONIC.get(m)!, v);
    // Words from the RISC-V spec / GNU as output.
    expect(enc('addi', { rd: 10, rs1: 10, imm: 1 })).toBe(0x00150513);
    expect(enc('lui', { rd: 10, imm: 0x12345 })).toBe(0x12345537);
    expect(enc('jal', { rd: 1, imm: -4 })).toBe(0xffdff0ef);
    expect(enc('beq', { rs1: 10, rs2: 0, imm: -64 })).toBe(0xfc0500e3);
    expect(enc('sw', { rs1: 2, rs2: 10, imm: -4 })).toBe(0xfea12e23);
    expect(enc('srai', { rd: 10, rs1: 10, imm: 1 })).toBe(0x40155513);
    expect(enc('csrrw', { rd: 0, rs1: 10, csr: 0x300 })).toBe(0x30051073);
    expect(enc('csrrwi', { rd: 0, imm: 5, csr: 0x300 })).toBe(0x3002d073);
    expect(enc('amoadd.w', { rd: 10, rs1: 12, rs2: 11, aq: true, rl: true })).toBe(0x06b6252f);
    expect(enc('lr.w', { rd: 10, rs1: 11, aq: true })).toBe(0x1405a52f);
    expect(enc('fence', { pred: 0xf, succ: 0xf })).toBe(0x0ff0000f);
    expect(enc('fence.tso', {})).toBe(0x8330000f);
    expect(enc('pause', {})).toBe(0x0100000f);
    expect(enc('sfence.vma', { rs1: 10, rs2: 11 })).toBe(0x12b50073);
    expect(enc('mret', {})).toBe(0x30200073);
    expect(enc('wfi', {})).toBe(0x10500073);
    expect(funct3Of(enc('bgeu', { imm: 0 }))).toBe(0b111);
  });
});

describe('encode range checks', () => {
  const spec = (m: string): InstructionSpec => BY_MNEMONIC.get(m)!;
  const bad: [string, OperandValues][] = [
    ['addi', { imm: 2048 }], ['addi', { imm: -2049 }], ['addi', { imm: 0.5 }],
    ['sw', { imm: 2048 }], ['sw', { imm: -2049 }],
    ['slli', { imm: 32 }], ['slli', { imm: -1 }],
    ['beq', { imm: 4096 }], ['beq', { imm: -4098 }], ['beq', { imm: 3 }],
    ['jal', { imm: 1 << 20 }], ['jal', { imm: -(1 << 20) - 2 }], ['jal', { imm: 1 }],
    ['lui', { imm: 0x100000 }], ['lui', { imm: -1 }],
    ['csrrw', { csr: 0x1000 }], ['csrrw', { csr: -1 }], ['csrrwi', { imm: 32 }],
    ['fence', { pred: 16, succ: 1 }], ['fence', { pred: 1, succ: -1 }],
    ['add', { rd: 32 }], ['add', { rs1: -1 }], ['sfence.vma', { rs2: 32 }],
  ];
  for (const [m, v] of bad) {
    it(`rejects ${m} ${JSON.stringify(v)} naming the instruction`, () => {
      expect(() => encode(spec(m), v)).toThrow(EncodeError);
      expect(() => encode(spec(m), v)).toThrow(m);
    });
  }
});
