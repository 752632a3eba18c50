/**
 * The decoder, derived from the instruction table at module load.
 *
 * A 32-bit instruction's identity is almost always settled by opcode[6:2], funct3 and funct7.
 * Those 15 bits index one Uint8Array (32 KiB) whose entry is the execution id, so decoding is a
 * shift-and-mask and one load — cheap enough for the hart to do on every fetch. Entries that
 * need more bits (SYSTEM's funct12 instructions, the fence hints) hold SLOW and fall back to a
 * scan of the candidate rows by mask/match.
 *
 *   key = opcode[6:2] | funct3 << 5 | funct7 << 8          (15 bits)
 */
import { BY_OP, INSTRUCTIONS, Op, type InstructionSpec } from './instructions.js';

export const DECODE_SLOW = 0xff;

const KEY_FIELDS_MASK = (0x7f << 25) | (0x7 << 12) | 0x7f;

/** The 15-bit fast-decode key of an instruction word whose low two bits are 0b11. */
export function decodeKey(word: number): number {
  return ((word >>> 2) & 31) | (((word >>> 12) & 7) << 5) | (((word >>> 25) & 127) << 8);
}

/** Rows ordered most-specific first, so a fence hint beats the general fence. */
const BY_SPECIFICITY: readonly InstructionSpec[] = [...INSTRUCTIONS].sort(
  (a, b) => popcount(b.mask) - popcount(a.mask),
);

function popcount(x: number): number {
  let n = 0;
  for (let v = x >>> 0; v !== 0; v &= v - 1) n++;
  return n;
}

/** Fast-decode table: execution id, Op.ILLEGAL, or DECODE_SLOW. */
export const DECODE_TABLE: Uint8Array = (() => {
  const table = new Uint8Array(1 << 15).fill(Op.ILLEGAL);
  for (let key = 0; key < table.length; key++) {
    // Reconstruct the key fields as an instruction word (other fields zero).
    const word =
      ((((key & 31) << 2) | 3) | (((key >>> 5) & 7) << 12) | (((key >>> 8) & 127) << 25)) >>> 0;
    const candidates = INSTRUCTIONS.filter(
      (s) => ((word ^ s.match) & s.mask & KEY_FIELDS_MASK) === 0,
    );
    if (candidates.length === 0) continue;
    const [only] = candidates;
    if (candidates.length === 1 && only !== undefined && (only.mask & ~KEY_FIELDS_MASK) === 0) {
      table[key] = only.op;
    } else {
      table[key] = DECODE_SLOW;
    }
  }
  return table;
})();

/** Full mask/match scan, for the entries the fast table cannot settle. */
function scan(word: number): Op {
  const w = word >>> 0;
  for (const s of BY_SPECIFICITY) if (((w & s.mask) >>> 0) === s.match) return s.op;
  return Op.ILLEGAL;
}

/**
 * The words the scan settled lately, direct-mapped by a hash of the word: the same few SYSTEM
 * words (ecall, xRET, wfi, sfence.vma) come back at every trap or exit they cause, and the
 * scan reads rows of several shapes (megamorphic loads) — dearer than the rest of a decode.
 * Word 0 marks an empty slot (it is a 16-bit encoding: decode() never asks for it).
 */
const SLOW_MEMO_SIZE = 256;
const slowMemoWord = new Int32Array(SLOW_MEMO_SIZE);
const slowMemoOp = new Uint8Array(SLOW_MEMO_SIZE);

/** decode() for the entries the fast table cannot settle: the scan, memoized. */
export function decodeSlow(word: number): Op {
  const w = word | 0;
  const slot = (w ^ (w >>> 7) ^ (w >>> 20)) & (SLOW_MEMO_SIZE - 1);
  if (slowMemoWord[slot] === w && w !== 0) return slowMemoOp[slot] as Op;
  const op = scan(w);
  slowMemoWord[slot] = w;
  slowMemoOp[slot] = op;
  return op;
}

/** Execution id of a 32-bit instruction word (Op.ILLEGAL when no row matches). */
export function decode(word: number): Op {
  if ((word & 3) !== 3) return Op.ILLEGAL; // 16-bit (C extension) encodings: not implemented
  const id = DECODE_TABLE[decodeKey(word)] as number;
  return id === DECODE_SLOW ? decodeSlow(word) : (id as Op);
}

/** The table row of a word, or undefined for an illegal word. */
export function decodeSpec(word: number): InstructionSpec | undefined {
  const op = decode(word);
  return op === Op.ILLEGAL ? undefined : BY_OP[op];
}

// ---- operand fields ------------------------------------------------------------------------

export const rdOf = (w: number): number => (w >>> 7) & 31;
export const rs1Of = (w: number): number => (w >>> 15) & 31;
export const rs2Of = (w: number): number => (w >>> 20) & 31;
export const funct3Of = (w: number): number => (w >>> 12) & 7;
/** I-type immediate, sign-extended. */
export const immI = (w: number): number => w >> 20;
/** S-type immediate, sign-extended. */
export const immS = (w: number): number => ((w >> 25) << 5) | ((w >>> 7) & 31);
/** B-type offset, sign-extended, bit 0 zero. */
export const immB = (w: number): number =>
  ((w >> 31) << 12) | (((w >>> 7) & 1) << 11) | (((w >>> 25) & 63) << 5) | (((w >>> 8) & 15) << 1);
/** U-type immediate, already shifted into bits 31:12. */
export const immU = (w: number): number => w & 0xfffff000;
/** J-type offset, sign-extended, bit 0 zero. */
export const immJ = (w: number): number =>
  ((w >> 31) << 20) | (w & 0xff000) | (((w >>> 20) & 1) << 11) | (((w >>> 21) & 1023) << 1);
/** CSR number of a Zicsr instruction. */
export const csrOf = (w: number): number => w >>> 20;
