/**
 * The encoder: a table row plus operand values → an instruction word. The assembler resolves
 * symbols and expressions to numbers, then calls this; range checking lives here so every
 * producer of instruction words gets the same errors.
 */
import type { InstructionSpec } from './instructions.js';
import { AMO_AQ, AMO_RL } from './instructions.js';

export interface OperandValues {
  rd?: number;
  rs1?: number;
  rs2?: number;
  /** I/S immediate, shift amount, U immediate (the 20-bit field value), CSR zimm, or the
   *  pc-relative offset of a branch/jump. */
  imm?: number;
  csr?: number;
  /** fence ordering sets, 4-bit masks of I/O/R/W (bit 3 = I … bit 0 = W). */
  pred?: number;
  succ?: number;
  aq?: boolean;
  rl?: boolean;
}

export class EncodeError extends Error {}

function check(name: string, value: number, lo: number, hi: number, what: string): number {
  if (!Number.isInteger(value) || value < lo || value > hi) {
    throw new EncodeError(`${what} ${value} out of range [${lo}, ${hi}] for ${name}`);
  }
  return value;
}

function reg(spec: InstructionSpec, v: number | undefined, which: string): number {
  return check(spec.mnemonic, v ?? 0, 0, 31, `register ${which}`);
}

export function encode(spec: InstructionSpec, v: OperandValues): number {
  const m = spec.mnemonic;
  let w = spec.match;
  const rd = (): number => reg(spec, v.rd, 'rd') << 7;
  const rs1 = (): number => reg(spec, v.rs1, 'rs1') << 15;
  const rs2 = (): number => reg(spec, v.rs2, 'rs2') << 20;
  const imm = v.imm ?? 0;
  switch (spec.format) {
    case 'R':
      w |= rd() | rs1() | rs2();
      break;
    case 'I':
      w |= rd() | rs1() | ((check(m, imm, -2048, 2047, 'immediate') & 0xfff) << 20);
      break;
    case 'Ishamt':
      w |= rd() | rs1() | (check(m, imm, 0, 31, 'shift amount') << 20);
      break;
    case 'S': {
      const i = check(m, imm, -2048, 2047, 'offset') & 0xfff;
      w |= rs1() | rs2() | ((i >> 5) << 25) | ((i & 31) << 7);
      break;
    }
    case 'B': {
      check(m, imm, -4096, 4094, 'branch offset');
      if (imm & 1) throw new EncodeError(`branch offset ${imm} is odd for ${m}`);
      const i = imm & 0x1fff;
      w |= rs1() | rs2() | (((i >> 12) & 1) << 31) | (((i >> 5) & 63) << 25) |
        (((i >> 1) & 15) << 8) | (((i >> 11) & 1) << 7);
      break;
    }
    case 'U':
      w |= rd() | ((check(m, imm, 0, 0xfffff, 'upper immediate') & 0xfffff) << 12);
      break;
    case 'J': {
      check(m, imm, -(1 << 20), (1 << 20) - 2, 'jump offset');
      if (imm & 1) throw new EncodeError(`jump offset ${imm} is odd for ${m}`);
      const i = imm & 0x1fffff;
      w |= rd() | (((i >> 20) & 1) << 31) | (((i >> 1) & 1023) << 21) | (((i >> 11) & 1) << 20) |
        (i & 0xff000);
      break;
    }
    case 'CSR':
      w |= rd() | rs1() | (check(m, v.csr ?? 0, 0, 0xfff, 'CSR number') << 20);
      break;
    case 'CSRI':
      w |= rd() | (check(m, imm, 0, 31, 'CSR immediate') << 15) |
        (check(m, v.csr ?? 0, 0, 0xfff, 'CSR number') << 20);
      break;
    case 'AMO':
      w |= rd() | rs1() | rs2() | (v.aq ? AMO_AQ : 0) | (v.rl ? AMO_RL : 0);
      break;
    case 'LR':
      w |= rd() | rs1() | (v.aq ? AMO_AQ : 0) | (v.rl ? AMO_RL : 0);
      break;
    case 'FENCE':
      w |= (check(m, v.pred ?? 0, 0, 15, 'fence predecessor set') << 24) |
        (check(m, v.succ ?? 0, 0, 15, 'fence successor set') << 20);
      break;
    case 'RS1RS2':
      w |= rs1() | rs2();
      break;
    case 'RDRS1':
      w |= rd() | rs1();
      break;
    case 'FIXED':
      break;
    default: {
      const never: never = spec.format;
      throw new EncodeError(`unknown format ${String(never)}`);
    }
  }
  return w >>> 0;
}
