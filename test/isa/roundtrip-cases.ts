/**
 * Disassembly lines turned back into assembler source, for the round-trip tests (pvlab's
 * assembler in roundtrip.test.ts, GNU as in objdump.test.ts).
 *
 * Two edits make a disassembly line source again, as they would for objdump output:
 *  - branch/jump targets are printed as absolute addresses; they become `.±offset`;
 *  - the all-zero word prints as `unimp`, which assembles to GNU as's 32-bit unimp
 *    (csrrw zero,cycle,zero), so it is left out; other undecodable words print as `.word`.
 */
import { disassemble } from '../../src/isa/disasm.js';
import { encode } from '../../src/isa/encode.js';
import { INSTRUCTIONS } from '../../src/isa/instructions.js';
import { prng, variantsFor } from './variants.js';

/** Where the round-trip program is assembled: RAM on the virt board, the assembler's default. */
export const BASE = 0x80000000;
export const INSN_BYTES = 4;

export interface RoundTripCase {
  word: number;
  /** The disassembly… */
  text: string;
  /** …and the source line it became. */
  src: string;
}

/** A target operand: the hex address, then objdump's optional `<symbol>`. */
const TARGET = /(^|[\t,])([0-9a-f]+)( <[^>]*>)?$/;

/** The disassembly of a word at `pc` as assembler source. */
function toSource(text: string, pc: number, hasTarget: boolean): string {
  if (!hasTarget) return text;
  return text.replace(TARGET, (_, sep: string, hex: string) => {
    const offset = (parseInt(hex, 16) - pc) | 0;
    return `${sep}.${offset < 0 ? '' : '+'}${offset}`;
  });
}

/** Every row in every variant, disassembled with and without aliases, at consecutive words
 *  from BASE; then `unimp` and a sample of undecodable words. */
export function roundTripCases(): RoundTripCase[] {
  const cases: RoundTripCase[] = [];
  const push = (word: number, aliases: boolean, hasTarget: boolean): void => {
    const pc = BASE + cases.length * INSN_BYTES;
    const text = disassemble(word, pc, { aliases });
    cases.push({ word, text, src: toSource(text, pc, hasTarget) });
  };
  for (const spec of INSTRUCTIONS) {
    const hasTarget = spec.operands.includes('target');
    for (const v of variantsFor(spec)) {
      const w = encode(spec, v);
      push(w, false, hasTarget);
      push(w, true, hasTarget);
    }
  }
  // GNU as's 32-bit unimp, which no variant happens to spell.
  const UNIMP_WORD = 0xc0001073;
  push(UNIMP_WORD, false, false);
  push(UNIMP_WORD, true, false);
  const rand = prng(99);
  const ILLEGAL_SAMPLES = 64;
  for (let i = 0; i < ILLEGAL_SAMPLES; i++) {
    const w = rand();
    if (w !== 0 && disassemble(w, 0).startsWith('.word')) push(w, true, false);
  }
  return cases;
}

/** The program: a text section holding one case per line. Case i is on line FIRST_LINE + i. */
export const FIRST_LINE = 2;
export function roundTripSource(cases: readonly RoundTripCase[]): string {
  return `\t.text\n${cases.map((c) => `\t${c.src}\n`).join('')}`;
}

/** Cases whose word differs from what the assembler put at their place. */
export function wrongWords(cases: readonly RoundTripCase[], bytes: Uint8Array): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const wrong: string[] = [];
  cases.forEach((c, i) => {
    const got = view.getUint32(i * INSN_BYTES, true);
    if (got !== c.word) {
      wrong.push(`${c.src.replace(/\t/g, ' ')}: assembled 0x${got.toString(16)}, want 0x${c.word.toString(16)}`);
    }
  });
  return wrong;
}
