/**
 * Instruction garbage: random 32-bit words, and random instructions that are valid encodings
 * of some row of the instruction table (every extension, privileged and H instructions
 * included) with random registers, immediates and CSR numbers.
 */
import { INSTRUCTIONS } from '../../../isa/instructions.js';
import { word } from '../asm.js';
import type { Generator, SnippetContext } from './generator.js';

const MAX_WORDS = 64;

function words(ctx: SnippetContext, make: () => number): string {
  const n = ctx.rng.between(1, MAX_WORDS);
  return Array.from({ length: n }, () => word(make())).join('\n');
}

export const RANDOM_WORDS: Generator = {
  name: 'random-words',
  doc: 'random 32-bit words as instructions',
  snippet: (ctx) => words(ctx, () => ctx.rng.word()),
  // Sometimes no handler at all: the first trap goes to address 0.
  handler: (ctx) => (ctx.rng.chance(0.1) ? null : undefined),
};

/** A valid encoding of a random table row: its fixed bits, anything in the others. */
export function randomInstruction(ctx: SnippetContext): number {
  const spec = ctx.rng.pick(INSTRUCTIONS);
  return ((spec.match & spec.mask) | (ctx.rng.word() & ~spec.mask)) >>> 0;
}

export const RANDOM_INSNS: Generator = {
  name: 'random-insns',
  doc: 'random valid instructions of every extension (privileged, H, atomics) with random fields',
  snippet: (ctx) => words(ctx, () => randomInstruction(ctx)),
};
