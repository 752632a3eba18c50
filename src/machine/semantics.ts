/**
 * What every instruction does, written once, as JavaScript source templates.
 *
 * The hart executes only translated code: the block translator (translator.ts) strings these
 * templates together into one function per basic block, V8 compiles that, and a block then runs
 * as straight-line machine code — decode once, execute many. A single instruction is just a
 * block of length one, so tracing and single-stepping use the very same semantics.
 *
 * Inside a block function these names are bound (see BLOCK_PARAMS):
 *   h      the Hart (slow paths: TLB misses, MMIO, CSRs, traps, xRET, WFI, AMOs)
 *   x      the Int32Array register file (x[0] is never written, so it stays zero)
 *   p      the virtual pc of the block's first instruction
 *   m8 ms8 m16 ms16 m32   RAM views (unsigned/signed bytes and halves, words)
 *   lT lO sT sO           the TLB's load and store tag/offset arrays for the current privilege
 * and mulh, mulhu, mulhsu from the enclosing scope.
 *
 * A template emits code for instruction k of the block at pc p + 4k. Control transfers and
 * anything slow end the block: they set h.pc and return. The return value is the number of
 * instructions executed and not yet committed; slow paths commit themselves and return 0.
 */
import { Cause } from '../isa/causes.js';
import { PAGE_SHIFT, PAGE_SIZE } from '../isa/csr.js';
import { immB, immI, immJ, immS, immU } from '../isa/decode.js';
import { Op } from '../isa/instructions.js';
import { TLB_MASK } from './tlb.js';

export const BLOCK_PARAMS = ['h', 'x', 'p', 'm8', 'ms8', 'm16', 'ms16', 'm32', 'lT', 'lO', 'sT', 'sO'] as const;

export interface Emitted {
  code: string;
  /** The instruction transfers control or is a slow operation: the block ends after it. */
  ends: boolean;
}

export interface InsnSite {
  op: Op;
  insn: number;
  /** Index within the block. */
  k: number;
  rd: number;
  rs1: number;
  rs2: number;
}

const PAGE_MASK = PAGE_SIZE - 1;

/** Expression reading register r (x0 is the constant 0). */
const r = (n: number): string => (n === 0 ? '0' : `x[${n}]`);
/** Statement writing register rd (writes to x0 vanish). */
const w = (rd: number, expr: string): string => (rd === 0 ? '' : `x[${rd}] = ${expr};`);
/** The pc of instruction k plus `delta`, as an int32 expression. */
const pcOf = (k: number, delta = 0): string => `((p + ${4 * k + delta}) | 0)`;

function alu(s: InsnSite, expr: string): Emitted {
  return { code: w(s.rd, expr), ends: false };
}

function branch(s: InsnSite, cond: string): Emitted {
  const off = immB(s.insn);
  const n = s.k + 1;
  // With IALIGN = 32 a taken branch to a target that is not word-aligned raises
  // instruction-address-misaligned on the branch itself.
  const taken = off % 4 !== 0
    ? `return h.blockException(${4 * s.k}, p, ${n}, ${Cause.InstructionAddressMisaligned}, ${pcOf(s.k, off)});`
    : `h.pc = ${pcOf(s.k, off)}; return ${n};`;
  return { code: `if (${cond}) { ${taken} } h.pc = ${pcOf(s.k, 4)}; return ${n};`, ends: true };
}

type LoadKind = { width: 1 | 2 | 4; signed: boolean; read: string };

const LOADS: Partial<Record<Op, LoadKind>> = {
  [Op.LB]: { width: 1, signed: true, read: 'ms8[o]' },
  [Op.LBU]: { width: 1, signed: false, read: 'm8[o]' },
  [Op.LH]: { width: 2, signed: true, read: 'ms16[o >>> 1]' },
  [Op.LHU]: { width: 2, signed: false, read: 'm16[o >>> 1]' },
  [Op.LW]: { width: 4, signed: true, read: 'm32[o >>> 2]' },
};

const STORES: Partial<Record<Op, { width: 1 | 2 | 4; write: string }>> = {
  [Op.SB]: { width: 1, write: 'm8[o]' },
  [Op.SH]: { width: 2, write: 'm16[o >>> 1]' },
  [Op.SW]: { width: 4, write: 'm32[o >>> 2]' },
};

/** Aligned accesses whose page hits in the TLB are served from RAM directly; the rest (TLB
 *  miss, device, misaligned, fault) go to the hart's slow path. */
function tlbHit(tag: string, width: number): string {
  const aligned = width > 1 ? ` && (va & ${width - 1}) === 0` : '';
  return `const pg = va >>> ${PAGE_SHIFT}; const sl = pg & ${TLB_MASK}; ` +
    `if (${tag}[sl] === pg${aligned})`;
}

function load(s: InsnSite, k: LoadKind): Emitted {
  const hit = s.rd === 0 ? '' : `{ const o = lO[sl] + (va & ${PAGE_MASK}); x[${s.rd}] = ${k.read}; }`;
  return {
    code: `{ const va = (${r(s.rs1)} + ${immI(s.insn)}) | 0; ${tlbHit('lT', k.width)} ${hit || '{}'} ` +
      `else return h.blockLoad(${4 * s.k}, p, ${s.k + 1}, va, ${k.width}, ${s.rd}, ${k.signed}); }`,
    ends: false,
  };
}

function store(s: InsnSite, k: { width: number; write: string }): Emitted {
  return {
    code: `{ const va = (${r(s.rs1)} + ${immS(s.insn)}) | 0; ${tlbHit('sT', k.width)} ` +
      `{ const o = sO[sl] + (va & ${PAGE_MASK}); ${k.write} = ${r(s.rs2)}; } ` +
      `else return h.blockStore(${4 * s.k}, p, ${s.k + 1}, va, ${k.width}, ${r(s.rs2)}); }`,
    ends: false,
  };
}

/** Instructions the hart carries out in a method: CSRs, atomics, ecall/ebreak, xRET, WFI,
 *  sfence.vma, illegal words. */
function system(s: InsnSite): Emitted {
  return { code: `return h.blockSystem(${4 * s.k}, p, ${s.k + 1}, ${s.insn | 0}, ${s.op});`, ends: true };
}

/** JavaScript for one instruction. */
export function emit(s: InsnSite): Emitted {
  const { rd, rs1, rs2, insn } = s;
  const a = r(rs1);
  const b = r(rs2);
  const i = immI(insn);
  switch (s.op) {
    case Op.LUI: return alu(s, `${immU(insn) | 0}`);
    case Op.AUIPC: return alu(s, pcOf(s.k, immU(insn) | 0));
    case Op.JAL: {
      const off = immJ(insn);
      if (off % 4 !== 0) {
        return { code: `return h.blockException(${4 * s.k}, p, ${s.k + 1}, ${Cause.InstructionAddressMisaligned}, ${pcOf(s.k, off)});`, ends: true };
      }
      return { code: `${w(rd, pcOf(s.k, 4))} h.pc = ${pcOf(s.k, off)}; return ${s.k + 1};`, ends: true };
    }
    case Op.JALR:
      // The target is computed before rd is written: rd may be rs1.
      return {
        code: `{ const t = (${a} + ${i}) & -2; if ((t & 3) !== 0) return h.blockException(${4 * s.k}, p, ${s.k + 1}, ` +
          `${Cause.InstructionAddressMisaligned}, t); ${w(rd, pcOf(s.k, 4))} h.pc = t; return ${s.k + 1}; }`,
        ends: true,
      };

    case Op.BEQ: return branch(s, `${a} === ${b}`);
    case Op.BNE: return branch(s, `${a} !== ${b}`);
    case Op.BLT: return branch(s, `${a} < ${b}`);
    case Op.BGE: return branch(s, `${a} >= ${b}`);
    case Op.BLTU: return branch(s, `(${a} >>> 0) < (${b} >>> 0)`);
    case Op.BGEU: return branch(s, `(${a} >>> 0) >= (${b} >>> 0)`);

    case Op.LB: case Op.LH: case Op.LW: case Op.LBU: case Op.LHU:
      return load(s, LOADS[s.op] as LoadKind);
    case Op.SB: case Op.SH: case Op.SW:
      return store(s, STORES[s.op] as { width: number; write: string });

    case Op.ADDI: return alu(s, rs1 === 0 ? `${i}` : `(${a} + ${i}) | 0`);
    case Op.SLTI: return alu(s, `${a} < ${i} ? 1 : 0`);
    case Op.SLTIU: return alu(s, `(${a} >>> 0) < ${i >>> 0} ? 1 : 0`);
    case Op.XORI: return alu(s, `${a} ^ ${i}`);
    case Op.ORI: return alu(s, `${a} | ${i}`);
    case Op.ANDI: return alu(s, `${a} & ${i}`);
    case Op.SLLI: return alu(s, `${a} << ${rs2}`);
    case Op.SRLI: return alu(s, `(${a} >>> ${rs2}) | 0`);
    case Op.SRAI: return alu(s, `${a} >> ${rs2}`);

    case Op.ADD: return alu(s, `(${a} + ${b}) | 0`);
    case Op.SUB: return alu(s, `(${a} - ${b}) | 0`);
    case Op.SLL: return alu(s, `${a} << (${b} & 31)`);
    case Op.SLT: return alu(s, `${a} < ${b} ? 1 : 0`);
    case Op.SLTU: return alu(s, `(${a} >>> 0) < (${b} >>> 0) ? 1 : 0`);
    case Op.XOR: return alu(s, `${a} ^ ${b}`);
    case Op.SRL: return alu(s, `(${a} >>> (${b} & 31)) | 0`);
    case Op.SRA: return alu(s, `${a} >> (${b} & 31)`);
    case Op.OR: return alu(s, `${a} | ${b}`);
    case Op.AND: return alu(s, `${a} & ${b}`);

    case Op.MUL: return alu(s, `Math.imul(${a}, ${b})`);
    case Op.MULH: return alu(s, `mulh(${a}, ${b})`);
    case Op.MULHSU: return alu(s, `mulhsu(${a}, ${b})`);
    case Op.MULHU: return alu(s, `mulhu(${a}, ${b})`);
    // Division by zero gives -1 (quotient) or the dividend (remainder); the one overflow,
    // -2^31 / -1, gives the dividend (quotient) or 0 (remainder). No trap in either case.
    case Op.DIV:
      return alu(s, `(${b} === 0 ? -1 : ${b} === -1 ? -${a} | 0 : (${a} / ${b}) | 0)`);
    case Op.DIVU:
      return alu(s, `(${b} === 0 ? -1 : ((${a} >>> 0) / (${b} >>> 0)) | 0)`);
    case Op.REM:
      return alu(s, `(${b} === 0 ? ${a} : ${b} === -1 ? 0 : ${a} % ${b})`);
    case Op.REMU:
      return alu(s, `(${b} === 0 ? ${a} : ((${a} >>> 0) % (${b} >>> 0)) | 0)`);

    // One in-order hart orders its own memory accesses, and translated blocks are invalidated
    // when their code is written (translator.ts), so the fences have nothing left to do.
    case Op.FENCE: case Op.FENCE_TSO: case Op.PAUSE: case Op.FENCE_I:
      return { code: '', ends: false };

    case Op.ECALL: case Op.EBREAK:
    case Op.CSRRW: case Op.CSRRS: case Op.CSRRC: case Op.CSRRWI: case Op.CSRRSI: case Op.CSRRCI:
    case Op.LR_W: case Op.SC_W: case Op.AMOSWAP_W: case Op.AMOADD_W: case Op.AMOXOR_W:
    case Op.AMOAND_W: case Op.AMOOR_W: case Op.AMOMIN_W: case Op.AMOMAX_W: case Op.AMOMINU_W:
    case Op.AMOMAXU_W:
    case Op.SRET: case Op.MRET: case Op.WFI: case Op.SFENCE_VMA:
    case Op.HFENCE_VVMA: case Op.HFENCE_GVMA:
    case Op.ILLEGAL:
      return system(s);
    default: {
      const never: never = s.op;
      throw new Error(`no semantics for op ${String(never)}`);
    }
  }
}
