/**
 * The control flow of code within a page, as the translator needs it: which instructions start
 * straight runs ("leaders") of a region grown from a hot entry.
 *
 * Successors of an instruction k that a region can reach without leaving it:
 *  - an ALU operation, load, store or fence: k + 1, in the same run;
 *  - a branch: its target and k + 1, both leaders;
 *  - jal: its target, and k + 1 when it links (the callee's return lands there);
 *  - jalr: k + 1 when it links; its own target is looked up at run time, but when it follows
 *    an auipc of its base register (`call`/`tail` as assemblers without linker relaxation emit
 *    them) the target is known and is a successor too;
 *  - anything the hart carries out the slow way (CSR, ecall, xRET, atomic, illegal word): none,
 *    since the region ends there and execution resumes through the hart's dispatch.
 * (The translator also cuts runs longer than MAX_RUN, translator.ts.)
 */
import { decode, immB, immI, immJ, immU } from '../isa/decode.js';
import { Op } from '../isa/instructions.js';

const WORD = 4;

/** How an instruction affects control flow. */
export const enum Flow {
  /** Falls through to the next instruction. */
  Next,
  /** Conditional branch. */
  Branch,
  Jal,
  Jalr,
  /** Carried out by the hart's slow path. */
  Slow,
}

/** How instruction `op` affects control flow: a table lookup, as the hart asks on every slow
 *  step (a switch over Op's names costs a load per case where const enums are not inlined, as
 *  under vitest's per-file transform). */
export function flowOf(op: Op): Flow {
  return FLOW_BY_OP[op] as Flow;
}

function classify(op: Op): Flow {
  switch (op) {
    case Op.BEQ: case Op.BNE: case Op.BLT: case Op.BGE: case Op.BLTU: case Op.BGEU:
      return Flow.Branch;
    case Op.JAL: return Flow.Jal;
    case Op.JALR: return Flow.Jalr;
    case Op.ECALL: case Op.EBREAK:
    case Op.CSRRW: case Op.CSRRS: case Op.CSRRC: case Op.CSRRWI: case Op.CSRRSI: case Op.CSRRCI:
    case Op.LR_W: case Op.SC_W: case Op.AMOSWAP_W: case Op.AMOADD_W: case Op.AMOXOR_W:
    case Op.AMOAND_W: case Op.AMOOR_W: case Op.AMOMIN_W: case Op.AMOMAX_W: case Op.AMOMINU_W:
    case Op.AMOMAXU_W:
    case Op.SRET: case Op.MRET: case Op.WFI: case Op.SFENCE_VMA:
    case Op.HFENCE_VVMA: case Op.HFENCE_GVMA: case Op.ILLEGAL:
    case Op.HLV_B: case Op.HLV_BU: case Op.HLV_H: case Op.HLV_HU: case Op.HLVX_HU: case Op.HLV_W:
    case Op.HLVX_WU: case Op.HSV_B: case Op.HSV_H: case Op.HSV_W:
      return Flow.Slow;
    default:
      return Flow.Next;
  }
}

const FLOW_BY_OP: Uint8Array = (() => {
  const t = new Uint8Array(Op.ILLEGAL + 1);
  for (let op = 0; op <= Op.ILLEGAL; op++) t[op] = classify(op as Op);
  return t;
})();

/** Word index of a pc-relative target of instruction k, if it is an aligned word inside
 *  [0, span); otherwise -1. */
function targetIndex(k: number, byteOffset: number, span: number): number {
  if (byteOffset % WORD !== 0) return -1;
  const t = k + byteOffset / WORD;
  return t >= 0 && t < span ? t : -1;
}

/**
 * `auipc rX, hi; jalr rd, lo(rX)` — how assemblers without linker relaxation emit `call` and
 * `tail` — jumps to a constant: the byte offset of the target from the auipc, or undefined when
 * the two words are not such a pair.
 */
export function auipcJalrOffset(auipc: number, jalr: number): number | undefined {
  if (decode(auipc) !== Op.AUIPC || decode(jalr) !== Op.JALR || ((auipc >>> 7) & 31) !== ((jalr >>> 15) & 31)) {
    return undefined;
  }
  // jalr clears bit 0 of the target.
  return ((immU(auipc) | 0) + immI(jalr)) & -2;
}

/** The target of the jalr at k when the instruction before it is an auipc of its base
 *  register, else -1. */
function auipcJalrTarget(words: Int32Array, base: number, k: number, span: number): number {
  if (k === 0) return -1;
  const offset = auipcJalrOffset(words[base + k - 1] as number, words[base + k] as number);
  return offset === undefined ? -1 : targetIndex(k - 1, offset, span);
}

/** The words a region takes in and where its runs start (word indices relative to its base). */
export interface RegionShape {
  /** Ascending, the root among them. */
  readonly leaders: readonly number[];
  /** 1 for every word inside one of the region's runs (absent: runs end only at control
   *  transfers, leaders and the end of the span). */
  readonly member?: Uint8Array;
}

/**
 * The region grown from the words `roots` of words[base .. base + span) (the first is where
 * the hart enters it; the others are code as hot, which the region's computed jumps and the
 * hart can enter it at too): the code reachable from them along the edges that can stay
 * inside a region — branch targets and fall-throughs, jal targets, and the return points
 * after linking jumps — as far as `warm` says execution has been often (code that rarely runs
 * would only make the region bigger, and the first run through it a deoptimization), not into
 * words that are not `free` (another region has them: every instruction is translated into
 * one region at most), and until about `maxInsns` instructions are in.
 */
export function growRegion(
  words: Int32Array, base: number, span: number, roots: readonly number[],
  warm: (k: number) => boolean, free: (k: number) => boolean, maxInsns: number,
): RegionShape {
  const leader = new Uint8Array(span);
  const member = new Uint8Array(span);
  const root = roots[0] as number;
  const queue: number[] = [root];
  leader[root] = 1;
  let insns = 0;
  const mark = (k: number): void => {
    if (k < 0 || k >= span || leader[k] !== 0 || insns >= maxInsns || !free(k) || !warm(k)) return;
    leader[k] = 1;
    queue.push(k);
  };
  // Breadth first, so that what is closest to the root gets in before the budget runs out;
  // the other roots when what the first reaches is in.
  for (let q = 0, r = 1; q < queue.length || r < roots.length; q++) {
    if (q === queue.length) {
      mark(roots[r++] as number);
      q--;
      continue;
    }
    // Walk the straight line from this leader until control leaves it.
    for (let k = queue[q] as number; k < span && member[k] === 0 && free(k); k++) {
      member[k] = 1;
      insns++;
      const insn = words[base + k] as number;
      const flow = flowOf(decode(insn));
      if (flow === Flow.Next) continue;
      if (flow === Flow.Branch) mark(targetIndex(k, immB(insn), span));
      if (flow === Flow.Jal) mark(targetIndex(k, immJ(insn), span));
      if (flow === Flow.Jalr) mark(auipcJalrTarget(words, base, k, span));
      const links = ((insn >>> 7) & 31) !== 0;
      if (flow === Flow.Branch || ((flow === Flow.Jal || flow === Flow.Jalr) && links)) mark(k + 1);
      break;
    }
  }
  const leaders: number[] = [];
  for (let k = 0; k < span; k++) if (leader[k] !== 0) leaders.push(k);
  return { leaders, member };
}
