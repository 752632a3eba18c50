/**
 * What every instruction does, written once, as JavaScript source templates.
 *
 * The hart executes only translated code: the translator (translator.ts) strings these
 * templates together into one function per region of code — a basic block, or a whole hot
 * page — V8 compiles that, and the code then runs as straight-line machine code: decode once,
 * execute many. A single instruction is a region of one, so tracing and single-stepping use the
 * very same semantics.
 *
 * A template does not know how the region holds registers or transfers control: it asks its
 * Frame, which the translator supplies. Inside a region function these names are bound:
 *   h      the Hart (only the region's exit path calls it)
 *   p      the virtual pc of the region's first word (instruction k is at p + 4k)
 *   m8 ms8 m16 ms16 m32   RAM views (unsigned/signed bytes and halves, words)
 *   T                     the TLB set of the current data privilege (tlb.ts, TLB_LAYOUT)
 * and mulh, mulhu, mulhsu from the enclosing scope.
 *
 * Anything the fast path cannot finish — a TLB miss, a device, a misaligned access or target,
 * and every CSR, atomic, ecall, xRET, WFI, fence.vma or illegal word — leaves the region
 * through Frame.slow(k), after which the hart carries the instruction out (Hart.slowStep).
 */
import { PAGE_SHIFT, PAGE_SIZE } from '../isa/csr.js';
import { immB, immI, immJ, immS, immU } from '../isa/decode.js';
import { Op } from '../isa/instructions.js';
import { Flow, auipcJalrOffset, flowOf } from './leaders.js';
import { TLB_LAYOUT, TLB_MASK } from './tlb.js';

/** How a region holds registers and transfers control; the translator implements it. */
export interface Frame {
  /** Expression reading register n (x0 reads as 0). */
  read(n: number): string;
  /** Statement writing register n (writes to x0 vanish). */
  write(n: number, expr: string): string;
  /** Statement: leave the region; the hart performs instruction k the slow way. */
  slow(k: number): string;
  /** Statement: continue at the static pc p + byteOff, after instruction k. `tail`: it is the
   *  last statement of the instruction's code. */
  goto(k: number, byteOff: number, tail?: boolean): string;
  /** Statement: continue at the pc held by the int32 expression `target`, after instruction k. */
  gotoDynamic(k: number, target: string): string;
}

export interface Emitted {
  code: string;
  /** The instruction transfers control or is a slow operation: the straight run ends after it. */
  ends: boolean;
}

export interface InsnSite {
  op: Op;
  insn: number;
  /** Word index within the region. */
  k: number;
  rd: number;
  rs1: number;
  rs2: number;
  /** The instruction before it in the same straight run, if any. */
  prev?: number;
}

const PAGE_MASK = PAGE_SIZE - 1;
const WORD = 4;

/** The pc of instruction k plus `delta`, as an int32 expression. */
export const pcOf = (k: number, delta = 0): string => `((p + ${WORD * k + delta}) | 0)`;

/** With IALIGN = 32 a jump or taken branch to a target that is not word-aligned raises
 *  instruction-address-misaligned on the jump itself: the slow path raises it. */
const misaligned = (offset: number): boolean => offset % WORD !== 0;

function alu(f: Frame, s: InsnSite, expr: string): Emitted {
  return { code: f.write(s.rd, expr), ends: false };
}

function branch(f: Frame, s: InsnSite, cond: string): Emitted {
  const off = immB(s.insn);
  const taken = misaligned(off) ? f.slow(s.k) : f.goto(s.k, WORD * s.k + off);
  return { code: `if (${cond}) { ${taken} } ${f.goto(s.k, WORD * (s.k + 1), true)}`, ends: true };
}

type LoadKind = { width: 1 | 2 | 4; read: string };

const LOADS: Partial<Record<Op, LoadKind>> = {
  [Op.LB]: { width: 1, read: 'ms8[o]' },
  [Op.LBU]: { width: 1, read: 'm8[o]' },
  [Op.LH]: { width: 2, read: 'ms16[o >>> 1]' },
  [Op.LHU]: { width: 2, read: 'm16[o >>> 1]' },
  [Op.LW]: { width: 4, read: 'm32[o >>> 2]' },
};

const STORES: Partial<Record<Op, LoadKind>> = {
  [Op.SB]: { width: 1, read: 'm8[o]' },
  [Op.SH]: { width: 2, read: 'm16[o >>> 1]' },
  [Op.SW]: { width: 4, read: 'm32[o >>> 2]' },
};

/** Aligned accesses whose page hits in the TLB are served from RAM directly; the rest (TLB
 *  miss, device, misaligned, fault) take the slow path. A TLB tag is its page's address, so one
 *  compare checks the page and, with the low bits of the width kept in the mask, alignment. */
function tlbHit(tagAt: number, width: number): string {
  return `sl = (va >>> ${PAGE_SHIFT}) & ${TLB_MASK}; if (T[${tagAt} + sl] === (va & ${~PAGE_MASK | (width - 1)}))`;
}

function load(f: Frame, s: InsnSite, k: LoadKind): Emitted {
  const hit = s.rd === 0 ? '' : `o = T[${TLB_LAYOUT.loadOff} + sl] + (va & ${PAGE_MASK}); ${f.write(s.rd, k.read)}`;
  return {
    code: `{ va = (${f.read(s.rs1)} + ${immI(s.insn)}) | 0; ${tlbHit(TLB_LAYOUT.loadTag, k.width)} { ${hit} } ` +
      `else { ${f.slow(s.k)} } }`,
    ends: false,
  };
}

function store(f: Frame, s: InsnSite, k: LoadKind): Emitted {
  return {
    code: `{ va = (${f.read(s.rs1)} + ${immS(s.insn)}) | 0; ${tlbHit(TLB_LAYOUT.storeTag, k.width)} ` +
      `{ o = T[${TLB_LAYOUT.storeOff} + sl] + (va & ${PAGE_MASK}); ${k.read} = ${f.read(s.rs2)}; } ` +
      `else { ${f.slow(s.k)} } }`,
    ends: false,
  };
}

function jal(f: Frame, s: InsnSite): Emitted {
  const off = immJ(s.insn);
  if (misaligned(off)) return { code: f.slow(s.k), ends: true };
  return { code: `${f.write(s.rd, pcOf(s.k, WORD))} ${f.goto(s.k, WORD * s.k + off, true)}`, ends: true };
}

function jalr(f: Frame, s: InsnSite): Emitted {
  // Right after an auipc of its base register the target is a constant: a static jump.
  const pair = s.prev === undefined ? undefined : auipcJalrOffset(s.prev, s.insn);
  if (pair !== undefined) {
    const off = WORD * (s.k - 1) + pair;
    if (misaligned(off)) return { code: f.slow(s.k), ends: true };
    return { code: `${f.write(s.rd, pcOf(s.k, WORD))} ${f.goto(s.k, off, true)}`, ends: true };
  }
  // The target is computed before rd is written: rd may be rs1.
  return {
    code: `{ t = (${f.read(s.rs1)} + ${immI(s.insn)}) & -2; if ((t & 3) !== 0) { ${f.slow(s.k)} } ` +
      `${f.write(s.rd, pcOf(s.k, WORD))} ${f.gotoDynamic(s.k, 't')} }`,
    ends: true,
  };
}

/** JavaScript for one instruction. */
export function emit(f: Frame, s: InsnSite): Emitted {
  const { rs1, rs2, insn } = s;
  const a = f.read(rs1);
  const b = f.read(rs2);
  const i = immI(insn);
  switch (s.op) {
    case Op.LUI: return alu(f, s, `${immU(insn) | 0}`);
    case Op.AUIPC: return alu(f, s, pcOf(s.k, immU(insn) | 0));
    case Op.JAL: return jal(f, s);
    case Op.JALR: return jalr(f, s);

    case Op.BEQ: return branch(f, s, `${a} === ${b}`);
    case Op.BNE: return branch(f, s, `${a} !== ${b}`);
    case Op.BLT: return branch(f, s, `${a} < ${b}`);
    case Op.BGE: return branch(f, s, `${a} >= ${b}`);
    case Op.BLTU: return branch(f, s, `(${a} >>> 0) < (${b} >>> 0)`);
    case Op.BGEU: return branch(f, s, `(${a} >>> 0) >= (${b} >>> 0)`);

    case Op.LB: case Op.LH: case Op.LW: case Op.LBU: case Op.LHU:
      return load(f, s, LOADS[s.op] as LoadKind);
    case Op.SB: case Op.SH: case Op.SW:
      return store(f, s, STORES[s.op] as LoadKind);

    case Op.ADDI: return alu(f, s, rs1 === 0 ? `${i}` : `(${a} + ${i}) | 0`);
    case Op.SLTI: return alu(f, s, `${a} < ${i} ? 1 : 0`);
    case Op.SLTIU: return alu(f, s, `(${a} >>> 0) < ${i >>> 0} ? 1 : 0`);
    case Op.XORI: return alu(f, s, `${a} ^ ${i}`);
    case Op.ORI: return alu(f, s, `${a} | ${i}`);
    case Op.ANDI: return alu(f, s, `${a} & ${i}`);
    case Op.SLLI: return alu(f, s, `${a} << ${rs2}`);
    case Op.SRLI: return alu(f, s, `(${a} >>> ${rs2}) | 0`);
    case Op.SRAI: return alu(f, s, `${a} >> ${rs2}`);

    case Op.ADD: return alu(f, s, `(${a} + ${b}) | 0`);
    case Op.SUB: return alu(f, s, `(${a} - ${b}) | 0`);
    case Op.SLL: return alu(f, s, `${a} << (${b} & 31)`);
    case Op.SLT: return alu(f, s, `${a} < ${b} ? 1 : 0`);
    case Op.SLTU: return alu(f, s, `(${a} >>> 0) < (${b} >>> 0) ? 1 : 0`);
    case Op.XOR: return alu(f, s, `${a} ^ ${b}`);
    case Op.SRL: return alu(f, s, `(${a} >>> (${b} & 31)) | 0`);
    case Op.SRA: return alu(f, s, `${a} >> (${b} & 31)`);
    case Op.OR: return alu(f, s, `${a} | ${b}`);
    case Op.AND: return alu(f, s, `${a} & ${b}`);

    case Op.MUL: return alu(f, s, `Math.imul(${a}, ${b})`);
    case Op.MULH: return alu(f, s, `mulh(${a}, ${b})`);
    case Op.MULHSU: return alu(f, s, `mulhsu(${a}, ${b})`);
    case Op.MULHU: return alu(f, s, `mulhu(${a}, ${b})`);
    // Division by zero gives -1 (quotient) or the dividend (remainder); the one overflow,
    // -2^31 / -1, gives the dividend (quotient) or 0 (remainder). No trap in either case.
    case Op.DIV:
      return alu(f, s, `(${b} === 0 ? -1 : ${b} === -1 ? -${a} | 0 : (${a} / ${b}) | 0)`);
    case Op.DIVU:
      return alu(f, s, `(${b} === 0 ? -1 : ((${a} >>> 0) / (${b} >>> 0)) | 0)`);
    case Op.REM:
      return alu(f, s, `(${b} === 0 ? ${a} : ${b} === -1 ? 0 : ${a} % ${b})`);
    case Op.REMU:
      return alu(f, s, `(${b} === 0 ? ${a} : ((${a} >>> 0) % (${b} >>> 0)) | 0)`);

    // One in-order hart orders its own memory accesses, and translated code is invalidated
    // when its page is written (code-cache.ts), so the fences have nothing left to do.
    case Op.FENCE: case Op.FENCE_TSO: case Op.PAUSE: case Op.FENCE_I:
      return { code: '', ends: false };

    default:
      // What the fast path never does (leaders.ts classifies it) leaves for the slow path.
      if (flowOf(s.op) === Flow.Slow) return { code: f.slow(s.k), ends: true };
      throw new Error(`no semantics for op ${String(s.op)}`);
  }
}
