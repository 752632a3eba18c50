/**
 * Cold blocks as JavaScript: one straight run (a basic block, or a single instruction) as a
 * function that reads and writes the register file directly and returns at its first exit —
 * the cheapest code to produce and to compile, for code that has not yet shown it is hot.
 *
 *     function block(h, x, p, …) {
 *       x[5] = (x[6] + 12) | 0; …
 *       if (x[5] !== 0) { h.pc = (p + 40) | 0; return 4; }
 *       h.pc = (p + 16) | 0; return 4;
 *     }
 *
 * It returns the number of instructions it executed, plus SLOW_EXIT when it stopped at an
 * instruction for the hart's slow path (h.pc, h.slowWord).
 */
import { decode } from '../isa/decode.js';
import { SLOW_EXIT } from './region-frame.js';
import { emit, pcOf, type Frame } from './semantics.js';

const WORD = 4;

class BlockFrame implements Frame {
  constructor(private readonly words: Int32Array, private readonly base: number) {}

  read(n: number): string {
    return n === 0 ? '0' : `x[${n}]`;
  }

  write(n: number, expr: string): string {
    return n === 0 ? '' : `x[${n}] = ${expr};`;
  }

  slow(k: number): string {
    const insn = this.words[this.base + k] as number;
    return `{ h.pc = ${pcOf(k)}; h.slowWord = ${insn | 0}; return ${SLOW_EXIT + k + 1}; }`;
  }

  goto(k: number, byteOff: number): string {
    return `{ h.pc = ${pcOf(0, byteOff)}; return ${k + 1}; }`;
  }

  gotoDynamic(k: number, t: string): string {
    return `{ h.pc = ${t}; return ${k + 1}; }`;
  }
}

/** Source of the factory `(mulh, mulhu, mulhsu) => block function` of the `length`
 *  instructions at words[base]. */
export function blockSource(words: Int32Array, base: number, length: number, params: readonly string[]): string {
  const f = new BlockFrame(words, base);
  const parts: string[] = [];
  let ends = false;
  for (let k = 0; k < length; k++) {
    const insn = words[base + k] as number;
    const e = emit(f, {
      op: decode(insn), insn, k, rd: (insn >>> 7) & 31, rs1: (insn >>> 15) & 31, rs2: (insn >>> 20) & 31,
      ...(k > 0 ? { prev: words[base + k - 1] as number } : {}),
    });
    parts.push(e.code);
    ends = e.ends;
  }
  if (!ends) parts.push(f.goto(length - 1, WORD * length));
  return [
    `return function block(${params.join(', ')}) {`,
    'let va = 0, sl = 0, o = 0, t = 0;',
    ...parts,
    '}',
  ].join('\n');
}
