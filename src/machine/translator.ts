/**
 * The translator: RISC-V instructions in RAM → JavaScript functions V8 compiles to machine
 * code. What each instruction means is written once (semantics.ts); how a translation holds
 * registers and transfers control is its Frame:
 *
 *  - a cold block (block-frame.ts): one straight run from where execution arrived to its first
 *    control transfer or slow instruction, the end of the page or MAX_RUN instructions, that
 *    returns at its first exit. A single instruction (tracing, the tail of a slice, volatile
 *    pages) is a block of one.
 *  - a hot region (region-frame.ts): the runs of a hot part of a page (leaders.ts chooses
 *    them), as one function in which jumps between runs stay inside, with guest registers in
 *    locals.
 *
 * Both are called the same way (RegionFn) and return the number of instructions executed,
 * plus SLOW_EXIT when the hart must carry out the instruction at h.pc (h.slowWord) the slow
 * way. Neither ever enters a run that does not fit in the budget it is given (`rem`), so they
 * execute exactly as many instructions as single-stepping would before the slice ends.
 *
 * Generated code depends only on the instruction words and the shape of the region (pc-relative
 * values are computed from p at run time), so identical code — the same firmware and kernel in
 * every test and every VM — is compiled once per process: translations are memoized by their
 * words, in a memo of bounded size.
 */
import { decode } from '../isa/decode.js';
import { blockSource } from './block-frame.js';
import { Flow, flowOf, type RegionShape } from './leaders.js';
import { mulh, mulhsu, mulhu } from './muldiv.js';
import { MAX_RUN, formRuns, regionSource, runTables, type Run } from './region-frame.js';

export { MAX_RUN, SLOW_EXIT } from './region-frame.js';

/** Distinct translations kept compiled per process, first in first out: cold blocks are small
 *  (about a kilobyte of source and code each), regions a few tens of kilobytes. */
const BLOCK_MEMO_CAPACITY = 8192;
const REGION_MEMO_CAPACITY = 512;
const WORD = 4;

export type RegionFn = (
  h: unknown, x: Int32Array, p: number, b: number, rem: number, m8: Uint8Array, ms8: Int8Array,
  m16: Uint16Array, ms16: Int16Array, m32: Int32Array, T: Int32Array,
) => number;

const PARAMS = ['h', 'x', 'p', 'b', 'rem', 'm8', 'ms8', 'm16', 'ms16', 'm32', 'T'];

export interface Region {
  readonly fn: RegionFn;
  /** Its runs, in label order (label j is runs[j]), word indices relative to p. */
  readonly runs: readonly Run[];
  /** By label: instructions in its run (what entering there may use of the budget). */
  readonly lengths: Int32Array;
  /** Where the hart enters from the cache: the label and its byte offset from p. */
  readonly entryLabel: number;
  readonly entryOffset: number;
}

const BLOCK_MEMO = new Map<string, Region>();
const REGION_MEMO = new Map<string, Region>();

function memoized(memo: Map<string, Region>, capacity: number, key: string, make: () => Region): Region {
  const known = memo.get(key);
  if (known !== undefined) return known;
  if (memo.size >= capacity) {
    const oldest = memo.keys().next().value;
    if (oldest !== undefined) memo.delete(oldest);
  }
  const region = make();
  memo.set(key, region);
  return region;
}

function wordsKey(words: Int32Array, from: number, to: number): string {
  let key = '';
  for (let i = from; i < to; i++) key += `${words[i] as number},`;
  return key;
}

/** The hot region of `shape` in words[base, base + span) (word 0 is words[base]), entered from
 *  the cache at word `root`, one of its leaders. */
export function translateRegion(words: Int32Array, base: number, span: number, shape: RegionShape, root: number): Region {
  const runs = formRuns(words, base, span, shape);
  const key = `${span}|${root}|${runs.map((r) => `${r.start}:${wordsKey(words, base + r.start, base + r.end)}`).join('|')}`;
  return memoized(REGION_MEMO, REGION_MEMO_CAPACITY, key, () => {
    const tables = runTables(runs, span);
    const { source, unrun } = regionSource(words, base, span, runs, tables, PARAMS);
    const own = new Int32Array(span + 1);
    own.set(words.subarray(base, base + span));
    const factory = new Function('mulh', 'mulhu', 'mulhsu', 'LEN', 'LBL', 'UNRUN', 'W', source) as (
      a: typeof mulh, b: typeof mulhu, c: typeof mulhsu, len: Int32Array, lbl: Int16Array, un: Uint8Array, w: Int32Array,
    ) => RegionFn;
    return {
      fn: factory(mulh, mulhu, mulhsu, tables.length, tables.label, unrun, own), runs, lengths: tables.length,
      entryLabel: tables.label[root] as number, entryOffset: WORD * root,
    };
  });
}

/** Instructions in the cold block at words[start], which may not pass words[start + limit]. */
function blockLength(words: Int32Array, start: number, limit: number): number {
  const max = Math.min(limit, MAX_RUN);
  let k = 0;
  while (k < max && flowOf(decode(words[start + k] as number)) === Flow.Next) k++;
  return k < max ? k + 1 : max;
}

function compileBlock(words: Int32Array, start: number, length: number): Region {
  const factory = new Function('mulh', 'mulhu', 'mulhsu', blockSource(words, start, length, PARAMS)) as (
    a: typeof mulh, b: typeof mulhu, c: typeof mulhsu,
  ) => RegionFn;
  return {
    fn: factory(mulh, mulhu, mulhsu), runs: [{ start: 0, end: length }], lengths: Int32Array.of(length),
    entryLabel: 0, entryOffset: 0,
  };
}

/** The cold block at words[start], cut at `limit` words (the end of the page). */
export function translateBlock(words: Int32Array, start: number, limit: number): Region {
  const length = blockLength(words, start, limit);
  const key = wordsKey(words, start, start + length);
  return memoized(BLOCK_MEMO, BLOCK_MEMO_CAPACITY, key, () => compileBlock(words, start, length));
}

const ONE_MEMO = new Map<number, Region>();

/** A block of exactly one instruction (single-stepping, budget tails, volatile pages),
 *  memoized by instruction word. */
export function translateOne(insn: number): Region {
  let region = ONE_MEMO.get(insn);
  if (region === undefined) {
    if (ONE_MEMO.size >= BLOCK_MEMO_CAPACITY) ONE_MEMO.clear();
    region = compileBlock(Int32Array.of(insn), 0, 1);
    ONE_MEMO.set(insn, region);
  }
  return region;
}
