/**
 * What a hostile-guest generator is: a name, what it tries, and a producer of snippets —
 * pieces of guest kernel assembly the frame (guest-frame.ts) runs one after another — with,
 * optionally, a trap handler of its own. Everything random comes from the context's Rng, so a
 * guest is a function of its seed.
 */
import type { Rng } from '../rng.js';

export interface SnippetContext {
  readonly rng: Rng;
  /** The guest's RAM size (its devices, pool and RAM end are where the board puts them). */
  readonly ramBytes: number;
  /** A label no other snippet of this guest uses. */
  label(): string;
}

export interface Generator {
  readonly name: string;
  /** What it tries, in a line (`npm run fuzz -- --list`). */
  readonly doc: string;
  snippet(ctx: SnippetContext): string;
  /** The guest's trap handler (GuestProgram.handler): undefined for the frame's. */
  handler?(ctx: SnippetContext): string | null | undefined;
}

/** Temporaries a snippet may use freely (x5-x7, x28-x31: t0-t6), as register numbers. */
export const TEMPS = [5, 6, 7, 28, 29, 30, 31] as const;
