/**
 * The block translator: RISC-V instructions in RAM → JavaScript functions V8 compiles to
 * machine code. A block starts wherever execution arrives and runs to the first control
 * transfer or slow instruction, the end of its 4 KiB page, or MAX_BLOCK instructions.
 *
 * Generated source depends only on the instruction words (pc-relative values are computed
 * from the block's base pc at run time), so identical code — the same firmware and kernel in
 * every test and every VM — is compiled once per process and shared through SOURCE_MEMO.
 */
import { decode } from '../isa/decode.js';
import { BLOCK_PARAMS, emit } from './semantics.js';
import { mulh, mulhsu, mulhu } from './muldiv.js';

/** Longest block, in instructions. */
export const MAX_BLOCK = 64;

export type BlockFn = (
  h: unknown, x: Int32Array, p: number, m8: Uint8Array, ms8: Int8Array, m16: Uint16Array,
  ms16: Int16Array, m32: Int32Array, lT: Int32Array, lO: Int32Array, sT: Int32Array, sO: Int32Array,
) => number;

export interface Block {
  readonly fn: BlockFn;
  /** Instructions in the block (an upper bound on what one call executes). */
  readonly length: number;
}

const SOURCE_MEMO = new Map<string, BlockFn>();
const WORD_MEMO = new Map<number, Block>();

function compile(body: string): BlockFn {
  let fn = SOURCE_MEMO.get(body);
  if (fn === undefined) {
    const factory = new Function('mulh', 'mulhu', 'mulhsu',
      `return function block(${BLOCK_PARAMS.join(', ')}) {\n${body}\n};`) as
      (a: typeof mulh, b: typeof mulhu, c: typeof mulhsu) => BlockFn;
    fn = factory(mulh, mulhu, mulhsu);
    SOURCE_MEMO.set(body, fn);
  }
  return fn;
}

/**
 * Translate the block whose first instruction is words[start], reading at most `limit`
 * words (the caller stops it at the end of the page).
 */
export function translateBlock(words: Int32Array, start: number, limit: number): Block {
  const parts: string[] = [];
  const max = Math.min(limit, MAX_BLOCK);
  let k = 0;
  for (; k < max; k++) {
    const insn = words[start + k] as number;
    const e = emit({
      op: decode(insn), insn, k, rd: (insn >>> 7) & 31, rs1: (insn >>> 15) & 31, rs2: (insn >>> 20) & 31,
    });
    parts.push(e.code);
    if (e.ends) {
      k++;
      return { fn: compile(parts.join('\n')), length: k };
    }
  }
  parts.push(`h.pc = (p + ${4 * k}) | 0; return ${k};`);
  return { fn: compile(parts.join('\n')), length: k };
}

/** A block of exactly one instruction (single-stepping, budget tails, self-modifying pages),
 *  memoized by instruction word. */
export function translateOne(insn: number): Block {
  let b = WORD_MEMO.get(insn);
  if (b === undefined) {
    b = translateBlock(Int32Array.of(insn), 0, 1);
    WORD_MEMO.set(insn, b);
  }
  return b;
}
