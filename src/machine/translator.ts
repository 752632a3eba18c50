/**
 * The translator: RISC-V instructions in RAM → JavaScript functions V8 compiles to machine
 * code. It translates a *region*: a set of straight runs of instructions (each starting at a
 * "leader" and ending at a control transfer, a slow instruction, the next leader or MAX_RUN
 * instructions) within one page, as one function
 *
 *     function region(h, x, p, b, rem, …) {
 *       let r1 = x[1], r2 = x[2], …;            // guest registers in locals
 *       let left = rem - LEN[b];                // what is left of the slice's budget
 *       loop: for (;;) switch (b) {
 *         case 0: …run 0…  if (left < LEN[3]) {exit} left -= LEN[3]; b = 3; continue loop;
 *         case 1: …
 *       }
 *       x[1] = r1; …                            // write back what the region may have changed
 *       …slow path or exit
 *     }
 *
 * Jumps between runs of the region are `continue`s of the loop: no TLB lookup, no cache lookup,
 * no call and return, and registers stay in machine registers. Two kinds of region exist
 * (code-cache.ts chooses): a single run starting where execution arrived (a basic block, the
 * cold tier), and every run reachable in a hot page (leaders.ts finds them). A single
 * instruction (tracing, the tail of a slice, self-modifying pages) is a region of one run of one.
 *
 * Exact counts: a run is entered only when its whole length fits in what is left of the budget,
 * and its length is charged on entry; a slow exit in the middle gives back what did not run.
 * So a region call executes exactly as many instructions as the runs would one at a time, and
 * returns that number (0 when the slow path ran: it commits the instructions itself).
 *
 * Generated source depends only on the instruction words and the leaders (pc-relative values
 * are computed from p at run time), so identical code — the same firmware and kernel in every
 * test and every VM — is compiled once per process: compiled regions are memoized by their
 * words, in a memo of bounded size.
 */
import { decode } from '../isa/decode.js';
import { Flow, flowOf } from './leaders.js';
import { emit, type Frame } from './semantics.js';
import { mulh, mulhsu, mulhu } from './muldiv.js';

/** Longest straight run, in instructions: a run longer than what is left of a slice is
 *  single-stepped, so runs stay short enough for that to be rare. */
export const MAX_RUN = 64;
/** Distinct regions kept compiled per process (first in, first out). */
const MEMO_CAPACITY = 8192;
const WORD = 4;
const REG_COUNT = 32;
/** Added to a region's return value when it left through the slow path (Hart.slowStep). */
export const SLOW_EXIT = 1 << 24;
/** What never fits in a slice's budget: the length of the sentinel label. */
const NEVER_FITS = 0x7fff_ffff;

export type RegionFn = (
  h: unknown, x: Int32Array, p: number, b: number, rem: number, m8: Uint8Array, ms8: Int8Array,
  m16: Uint16Array, ms16: Int16Array, m32: Int32Array, lT: Int32Array, lO: Int32Array, sT: Int32Array,
  sO: Int32Array,
) => number;

export interface Region {
  readonly fn: RegionFn;
  /** Where the hart enters: the label, its run's length, and its byte offset from p. */
  readonly entryLabel: number;
  readonly entryLength: number;
  readonly entryOffset: number;
  /** A region grown from a hot entry (not a lone block or instruction). */
  readonly hot: boolean;
}

const PARAMS = ['h', 'x', 'p', 'b', 'rem', 'm8', 'ms8', 'm16', 'ms16', 'm32', 'lT', 'lO', 'sT', 'sO'];

interface Run {
  start: number;
  /** One past the last instruction. */
  end: number;
}

/** Cut words[base, base + span) into runs at the leaders (adding cuts at MAX_RUN). */
function formRuns(words: Int32Array, base: number, span: number, leaders: readonly number[]): Run[] {
  const isLeader = new Uint8Array(span);
  for (const l of leaders) isLeader[l] = 1;
  const runs: Run[] = [];
  for (let start = 0; start < span; start++) {
    if (isLeader[start] === 0) continue;
    let k = start;
    for (;;) {
      const flow = flowOf(decode(words[base + k] as number));
      k++;
      if (flow !== Flow.Next || k >= span || isLeader[k] !== 0) break;
      if (k - start === MAX_RUN) {
        isLeader[k] = 1;
        break;
      }
    }
    runs.push({ start, end: k });
  }
  return runs;
}

/** The Frame of one region: registers in locals, jumps within the region as loop continues. */
class RegionFrame implements Frame {
  readonly used = new Uint8Array(REG_COUNT);
  readonly dirty = new Uint8Array(REG_COUNT);
  run: Run = { start: 0, end: 0 };
  runLabel = 0;
  /** By word index: instructions of its run after it (what a slow exit there gives back). */
  readonly unrun: Uint8Array;

  constructor(
    readonly span: number,
    private readonly label: Int16Array,
    private readonly length: Int32Array,
    /** More than one run: dynamic targets may land inside the region. */
    private readonly dispatchDynamic: boolean,
  ) {
    this.unrun = new Uint8Array(span + 1);
  }

  read(n: number): string {
    if (n === 0) return '0';
    this.used[n] = 1;
    return `r${n}`;
  }

  write(n: number, expr: string): string {
    if (n === 0) return '';
    this.used[n] = 1;
    this.dirty[n] = 1;
    return `r${n} = ${expr};`;
  }

  slow(k: number): string {
    // Charged on entry: the whole run. The exit path gives back the instructions after k.
    this.unrun[k] = this.run.end - (k + 1);
    return `{ xi = ${k}; xo = ${WORD * k}; break loop; }`;
  }

  goto(k: number, byteOff: number, tail = false): string {
    // The target as an offset from p: the addition is done once, in the exit path every exit
    // shares (an operation V8 has never seen run would cost a deoptimization the first time).
    const exit = `xo = ${byteOff}; break loop;`;
    const t = byteOff / WORD;
    if (byteOff % WORD !== 0 || t < 0 || t >= this.span || (this.length[this.label[t] as number] as number) === NEVER_FITS) {
      return `{ ${exit} }`;
    }
    const target = this.label[t] as number;
    const len = this.length[target] as number;
    const enter = `if (left < ${len}) { ${exit} } left -= ${len};`;
    // The last statement of a run whose target is the next run falls through into it.
    if (tail && target === this.runLabel + 1 && k === this.run.end - 1) return enter;
    return `{ ${enter} b = ${target}; continue loop; }`;
  }

  gotoDynamic(_k: number, t: string): string {
    if (!this.dispatchDynamic) return `{ xo = ${t} - p; break loop; }`;
    // A target that is not an entry finds the sentinel label, whose length never fits.
    return `{ d = (${t} - p) >>> 2; nb = LBL[d < ${this.span} ? d : ${this.span}]; ` +
      `if (left >= LEN[nb]) { left -= LEN[nb]; b = nb; continue loop; } xo = ${t} - p; break loop; }`;
  }
}

function emitRun(f: RegionFrame, words: Int32Array, base: number, run: Run): string {
  const parts: string[] = [];
  let ends = false;
  for (let k = run.start; k < run.end; k++) {
    const insn = words[base + k] as number;
    const e = emit(f, {
      op: decode(insn), insn, k, rd: (insn >>> 7) & 31, rs1: (insn >>> 15) & 31, rs2: (insn >>> 20) & 31,
    });
    parts.push(e.code);
    ends = e.ends;
  }
  if (!ends) parts.push(f.goto(run.end - 1, WORD * run.end, true));
  return parts.join('\n');
}

function regionSource(f: RegionFrame, runs: readonly string[]): string {
  const regs = (set: Uint8Array, fmt: (n: number) => string): string[] => {
    const out: string[] = [];
    for (let n = 1; n < REG_COUNT; n++) if (set[n] !== 0) out.push(fmt(n));
    return out;
  };
  const decl = regs(f.used, (n) => `r${n} = x[${n}]`);
  return [
    `return function region(${PARAMS.join(', ')}) {`,
    decl.length > 0 ? `let ${decl.join(', ')};` : '',
    `let left = rem - LEN[b], xi = ${f.span}, xo = 0, va = 0, pg = 0, sl = 0, o = 0, t = 0, d = 0, nb = 0;`,
    'loop: for (;;) { switch (b) {',
    ...runs.map((code, j) => `case ${j}: {\n${code}\n}`),
    "default: throw new Error('region entered where it has no label');",
    '} }',
    ...regs(f.dirty, (n) => `x[${n}] = r${n};`),
    // Every exit runs all of this (index span is a sentinel in UNRUN and W): operations V8 has
    // not seen run cost a deoptimization the first time. A slow exit at word xi gives back the
    // rest of its run, and leaves the instruction (h.pc, h.slowWord) for the hart.
    'left += UNRUN[xi];',
    'h.pc = (p + xo) | 0;',
    'h.slowWord = W[xi];',
    `return rem - left + (xi === ${f.span} ? 0 : ${SLOW_EXIT});`,
    '}',
  ].join('\n');
}

type Factory = (
  a: typeof mulh, b: typeof mulhu, c: typeof mulhsu, len: Int32Array, lbl: Int16Array, unrun: Uint8Array,
  w: Int32Array,
) => RegionFn;

const MEMO = new Map<string, Region>();

function remember(key: string, region: Region): Region {
  if (MEMO.size >= MEMO_CAPACITY) {
    const oldest = MEMO.keys().next().value;
    if (oldest !== undefined) MEMO.delete(oldest);
  }
  MEMO.set(key, region);
  return region;
}

/**
 * Translate the runs at `leaders` in words[base, base + span): one region whose word 0 is
 * words[base], entered by the hart at word `root`. `leaders` are word indices relative to
 * base, ascending, and include root.
 */
export function translateRegion(
  words: Int32Array, base: number, span: number, leaders: readonly number[], root = 0, hot = true,
): Region {
  const runs = formRuns(words, base, span, leaders);
  const key = `${span}|${root}|${hot}|${runs.map((r) => `${r.start}:${Array.from(words.subarray(base + r.start, base + r.end)).join(',')}`).join('|')}`;
  const known = MEMO.get(key);
  if (known !== undefined) return known;

  // By word index, the label of the run starting there; elsewhere (and at the sentinel index
  // span) the sentinel label runs.length, whose length never fits.
  const label = new Int16Array(span + 1).fill(runs.length);
  const length = new Int32Array(runs.length + 1).fill(NEVER_FITS);
  runs.forEach((r, j) => {
    label[r.start] = j;
    length[j] = r.end - r.start;
  });
  const f = new RegionFrame(span, label, length, runs.length > 1);
  const code = runs.map((r, j) => {
    f.run = r;
    f.runLabel = j;
    return emitRun(f, words, base, r);
  });
  const factory = new Function('mulh', 'mulhu', 'mulhsu', 'LEN', 'LBL', 'UNRUN', 'W', regionSource(f, code)) as Factory;
  const own = new Int32Array(span + 1);
  own.set(words.subarray(base, base + span));
  const entryLabel = label[root] as number;
  return remember(key, {
    fn: factory(mulh, mulhu, mulhsu, length, label, f.unrun, own),
    entryLabel, entryLength: length[entryLabel] as number, entryOffset: WORD * root, hot,
  });
}

/** The basic block at words[start]: one run, cut at the end of the page (`limit` words). */
export function translateBlock(words: Int32Array, start: number, limit: number): Region {
  return translateRegion(words, start, Math.min(limit, MAX_RUN), [0], 0, false);
}

const ONE_MEMO = new Map<number, Region>();

/** A region of exactly one instruction (single-stepping, budget tails, self-modifying pages),
 *  memoized by instruction word. */
export function translateOne(insn: number): Region {
  let region = ONE_MEMO.get(insn);
  if (region === undefined) {
    if (ONE_MEMO.size >= MEMO_CAPACITY) ONE_MEMO.clear();
    region = translateRegion(Int32Array.of(insn), 0, 1, [0], 0, false);
    ONE_MEMO.set(insn, region);
  }
  return region;
}
