/**
 * Hot regions as JavaScript: the runs of a region (leaders.ts) as one function
 *
 *     function region(h, x, p, b, rem, …) {
 *       let r1 = x[1], r2 = x[2], …;            // guest registers in locals
 *       let left = rem - LEN[b];                // what is left of the slice's budget
 *       loop: for (;;) switch (b) {
 *         case 0: …run 0…  if (left < 5) {exit} left -= 5; b = 3; continue loop;
 *         case 1: …
 *       }
 *       x[1] = r1; …                            // write back what the region may have changed
 *       …the one exit path
 *     }
 *
 * Jumps between runs of the region are `continue`s of the loop: no TLB lookup, no cache
 * lookup, no call and return, and registers stay in machine registers. A computed jump (jalr:
 * returns, switch tables) looks its target up in LBL and continues there when it is a run of
 * this region.
 *
 * Exact counts: a run is entered only when its whole length fits in what is left of the
 * budget, and its length is charged on entry; a slow exit in the middle gives back what did not
 * run. So a region call executes exactly as many instructions as the runs would one at a time.
 *
 * V8 compiles a path it has never seen run into a deoptimization (its optimizing compiler has
 * no type feedback for it), so the function keeps what rarely runs out of the runs: every exit
 * only sets xi/xo and breaks out of the loop, and the exit path they share does the arithmetic.
 */
import { decode } from '../isa/decode.js';
import { Flow, flowOf, type RegionShape } from './leaders.js';
import { emit, type Frame } from './semantics.js';

/** Longest straight run, in instructions: a run longer than what is left of a slice is
 *  single-stepped, so runs stay short enough for that to be rare. */
export const MAX_RUN = 64;
/** Added to a region's return value when it left through the slow path (Hart.slowStep). */
export const SLOW_EXIT = 1 << 24;
/** What never fits in a slice's budget: the length of the sentinel label. */
const NEVER_FITS = 0x7fff_ffff;
const WORD = 4;
const REG_COUNT = 32;

export interface Run {
  readonly start: number;
  /** One past the last instruction. */
  readonly end: number;
}

/** Cut words[base, base + span) into runs at the leaders, ending each at a control transfer
 *  or slow instruction, the next leader, the first word not in `member` (when given), or
 *  after MAX_RUN instructions (the next word becomes a leader). */
export function formRuns(words: Int32Array, base: number, span: number, shape: RegionShape): Run[] {
  const isLeader = new Uint8Array(span);
  for (const l of shape.leaders) isLeader[l] = 1;
  const member = shape.member;
  const runs: Run[] = [];
  for (let start = 0; start < span; start++) {
    if (isLeader[start] === 0) continue;
    let k = start;
    for (;;) {
      const flow = flowOf(decode(words[base + k] as number));
      k++;
      if (flow !== Flow.Next || k >= span || isLeader[k] !== 0 || (member !== undefined && member[k] === 0)) break;
      if (k - start === MAX_RUN) {
        isLeader[k] = 1;
        break;
      }
    }
    runs.push({ start, end: k });
  }
  return runs;
}

/** Labels and lengths of a region's runs, as its code and the hart use them. */
export interface RunTables {
  /** By word index (and index span, a sentinel): the label of the run starting there, else
   *  the sentinel label runs.length. */
  readonly label: Int16Array;
  /** By label: instructions in the run; the sentinel's never fits in a budget. */
  readonly length: Int32Array;
}

export function runTables(runs: readonly Run[], span: number): RunTables {
  const label = new Int16Array(span + 1).fill(runs.length);
  const length = new Int32Array(runs.length + 1).fill(NEVER_FITS);
  runs.forEach((r, j) => {
    label[r.start] = j;
    length[j] = r.end - r.start;
  });
  return { label, length };
}

/** The Frame of one region: registers in locals, jumps within the region as loop continues. */
class RegionFrame implements Frame {
  readonly used = new Uint8Array(REG_COUNT);
  readonly dirty = new Uint8Array(REG_COUNT);
  run: Run = { start: 0, end: 0 };
  runLabel = 0;
  /** The current run jumps to its own start (a tight loop): it gets a loop of its own. */
  selfLoop = false;
  /** By word index: instructions of its run after it (what a slow exit there gives back). */
  readonly unrun: Uint8Array;

  constructor(readonly span: number, private readonly tables: RunTables) {
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
    // The target as an offset from p: the exit path does the addition.
    const exit = `xo = ${byteOff}; break loop;`;
    const t = byteOff / WORD;
    if (byteOff % WORD !== 0 || t < 0 || t >= this.span) return `{ ${exit} }`;
    const target = this.tables.label[t] as number;
    const len = this.tables.length[target] as number;
    if (len === NEVER_FITS) return `{ ${exit} }`;
    const enter = `if (left < ${len}) { ${exit} } left -= ${len};`;
    // The last statement of a run whose target is the next run falls through into it.
    if (tail && target === this.runLabel + 1 && k === this.run.end - 1) return enter;
    // A run that loops on itself jumps back directly rather than through the switch.
    if (target === this.runLabel) {
      this.selfLoop = true;
      return `{ ${enter} continue run${target}; }`;
    }
    return `{ ${enter} b = ${target}; continue loop; }`;
  }

  gotoDynamic(_k: number, t: string): string {
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
      ...(k > run.start ? { prev: words[base + k - 1] as number } : {}),
    });
    parts.push(e.code);
    ends = e.ends;
  }
  if (!ends) parts.push(f.goto(run.end - 1, WORD * run.end, true));
  return parts.join('\n');
}

/** Source of the factory `(mulh, mulhu, mulhsu, LEN, LBL, UNRUN, W) => region function` of the
 *  runs of words[base, base + span), and the UNRUN table it takes. */
export function regionSource(
  words: Int32Array, base: number, span: number, runs: readonly Run[], tables: RunTables, params: readonly string[],
): { source: string; unrun: Uint8Array } {
  const f = new RegionFrame(span, tables);
  const code = runs.map((r, j) => {
    f.run = r;
    f.runLabel = j;
    f.selfLoop = false;
    const body = emitRun(f, words, base, r);
    return f.selfLoop ? `case ${j}: run${j}: for (;;) {\n${body}\nbreak; }` : `case ${j}: {\n${body}\n}`;
  });
  const regs = (set: Uint8Array, fmt: (n: number) => string): string[] => {
    const out: string[] = [];
    for (let n = 1; n < REG_COUNT; n++) if (set[n] !== 0) out.push(fmt(n));
    return out;
  };
  const decl = regs(f.used, (n) => `r${n} = x[${n}]`);
  const source = [
    `return function region(${params.join(', ')}) {`,
    decl.length > 0 ? `let ${decl.join(', ')};` : '',
    `let left = rem - LEN[b], xi = ${span}, xo = 0, va = 0, sl = 0, o = 0, t = 0, d = 0, nb = 0;`,
    'loop: for (;;) { switch (b) {',
    ...code,
    "default: throw new Error('region entered where it has no label');",
    '} }',
    ...regs(f.dirty, (n) => `x[${n}] = r${n};`),
    // Every exit runs all of this (index span is a sentinel in UNRUN and W). A slow exit at
    // word xi gives back the rest of its run, and leaves the instruction (h.pc, h.slowWord)
    // for the hart.
    'left += UNRUN[xi];',
    'h.pc = (p + xo) | 0;',
    'h.slowWord = W[xi];',
    `return rem - left + (xi === ${span} ? 0 : ${SLOW_EXIT});`,
    '}',
  ].join('\n');
  return { source, unrun: f.unrun };
}
