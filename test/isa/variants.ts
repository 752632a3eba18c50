/**
 * Operand values for exercising every instruction-table row: edge and representative values
 * per format, and every register in every register position. Shared by the encode/decode,
 * disassembler, objdump and assembler round-trip tests.
 */
import type { OperandValues } from '../../src/isa/encode.js';
import type { InstructionSpec } from '../../src/isa/instructions.js';

export const NUM_REGS = 32;

/** Signed 12-bit immediates (I and S): extremes, around zero, and bit-pattern probes. */
export const IMM12 = [-2048, -2047, -1, 0, 1, 5, 0x555, -0x556, 2046, 2047];
/** Branch offsets (13-bit, even). */
export const BRANCH_OFFSETS = [-4096, -4094, -2, 0, 2, 4, 0x554, 2048, 4092, 4094];
/** Jump offsets (21-bit, even). */
export const JUMP_OFFSETS = [-(1 << 20), -(1 << 20) + 2, -2048, -2, 0, 2, 4, 0x55554, (1 << 20) - 4, (1 << 20) - 2];
/** U-type 20-bit fields. */
export const UIMM20 = [0, 1, 0x12345, 0x7ffff, 0x80000, 0xfffff];
/** Shift amounts. */
export const SHAMTS = [0, 1, 15, 16, 31];
/** CSR immediates (zimm, 5 bits unsigned). */
export const ZIMMS = [0, 1, 16, 31];
/** CSR numbers: named ones across privilege levels plus unnamed ones at the range ends. */
export const CSRS = [0x000, 0x100, 0x105, 0x180, 0x300, 0x305, 0x341, 0x3a0, 0x3bf, 0x7c0, 0xb00, 0xc00, 0xc01, 0xc02, 0xc80, 0xc9f, 0xf14, 0xfff];
/** Non-empty fence ordering sets (i=8, o=4, r=2, w=1); every one of them. */
export const FENCE_SETS = Array.from({ length: 15 }, (_, i) => i + 1);

/** Registers whose repetition in one instruction selects aliases: zero (`blez zero`, `nop`),
 *  ra (`jalr ra` through ra), tp (objdump's address notes), and the last register. */
const SAME_REGISTER = [0, 1, 4, 31];

/**
 * Registers cycle through every position: variant r has rd=r, rs1=r+1, rs2=r+2 (mod 32); then
 * a few variants with one register in every position.
 */
function registerVariants(): OperandValues[] {
  return [
    ...Array.from({ length: NUM_REGS }, (_, r) => ({
      rd: r, rs1: (r + 1) % NUM_REGS, rs2: (r + 2) % NUM_REGS,
    })),
    ...SAME_REGISTER.map((r) => ({ rd: r, rs1: r, rs2: r })),
  ];
}

/** A register triple that varies with i, so immediates are not all tested on one register. */
function regsFor(i: number): OperandValues {
  return { rd: (i * 7 + 3) % NUM_REGS, rs1: (i * 5 + 1) % NUM_REGS, rs2: (i * 3 + 2) % NUM_REGS };
}

function withImms(imms: readonly number[]): OperandValues[] {
  return [...registerVariants().map((v) => ({ ...v, imm: imms[(v.rd ?? 0) % imms.length] })),
    ...imms.map((imm, i) => ({ ...regsFor(i), imm }))];
}

/**
 * Operand values for a row. Every variant encodes to a word that decodes back to the row (fence
 * pred/succ pairs that spell pause, w/0, are excluded; decode.test.ts covers that hint).
 */
export function variantsFor(spec: InstructionSpec): OperandValues[] {
  switch (spec.format) {
    case 'R':
    case 'RS1RS2':
      return registerVariants();
    case 'RDRS1':
      return registerVariants().map(({ rd, rs1 }) => ({ rd, rs1 }));
    case 'I':
      return withImms(IMM12);
    case 'S':
      return withImms(IMM12);
    case 'Ishamt':
      return withImms(SHAMTS);
    case 'B':
      return withImms(BRANCH_OFFSETS);
    case 'J':
      return withImms(JUMP_OFFSETS);
    case 'U':
      return withImms(UIMM20);
    case 'CSR':
      return registerVariants().map((v, i) => ({ ...v, csr: CSRS[i % CSRS.length] }));
    case 'CSRI':
      return registerVariants().map((v, i) => ({
        ...v, csr: CSRS[i % CSRS.length], imm: ZIMMS[i % ZIMMS.length],
      }));
    case 'AMO':
    case 'LR':
      return registerVariants().map((v, i) => ({ ...v, aq: (i & 2) !== 0, rl: (i & 1) !== 0 }));
    case 'FENCE': {
      const out: OperandValues[] = [];
      for (const pred of FENCE_SETS) for (const succ of FENCE_SETS) out.push({ pred, succ });
      return out;
    }
    case 'FIXED':
      return [{}];
    default: {
      const never: never = spec.format;
      throw new Error(`no variants for format ${String(never)}`);
    }
  }
}

const FENCE_LETTERS: readonly [number, string][] = [[8, 'i'], [4, 'o'], [2, 'r'], [1, 'w']];

export function fenceSetText(bits: number): string {
  return FENCE_LETTERS.filter(([b]) => bits & b).map(([, l]) => l).join('');
}

/**
 * GNU-as source for a row with operand values, in base-instruction form with x-register names
 * and numeric CSRs: text no disassembler printed, so assembling it is an independent check.
 * Branch/jump targets are written relative to `.`, the instruction's own address.
 */
export function gnuSource(spec: InstructionSpec, v: OperandValues): string {
  const imm = v.imm ?? 0;
  const x = (n: number | undefined): string => `x${n ?? 0}`;
  const ops = spec.operands.map((k) => {
    switch (k) {
      case 'rd': return x(v.rd);
      case 'rs1': return x(v.rs1);
      case 'rs2': return x(v.rs2);
      case 'imm': case 'shamt': case 'zimm': return String(imm);
      case 'uimm20': return `0x${imm.toString(16)}`;
      case 'mem': return `${imm}(${x(v.rs1)})`;
      case 'amem': return `(${x(v.rs1)})`;
      case 'target': return imm < 0 ? `.${imm}` : `.+${imm}`;
      case 'csr': return `0x${(v.csr ?? 0).toString(16)}`;
      case 'pred': return fenceSetText(v.pred ?? 0);
      case 'succ': return fenceSetText(v.succ ?? 0);
      default: {
        const never: never = k;
        throw new Error(`operand ${String(never)}`);
      }
    }
  });
  const order = (v.aq ? 'aq' : '') + (v.rl ? 'rl' : '');
  const mnemonic = spec.mnemonic + (order === '' ? '' : `.${order}`);
  return ops.length === 0 ? mnemonic : `${mnemonic}\t${ops.join(',')}`;
}

/** A small deterministic PRNG (mulberry32), so random tests are reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}
