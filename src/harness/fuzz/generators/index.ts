/**
 * The generators, by name, and `mixed`: snippets of every kind in one guest.
 */
import { FAULTING_HANDLERS } from './handlers.js';
import { HYPERCALLS } from './hypercalls.js';
import { WILD_ACCESS } from './memory.js';
import { PAGE_TABLES } from './page-tables.js';
import { PRIVILEGED } from './privileged.js';
import { SBI_CALLS } from './sbi.js';
import { SELF_MODIFYING } from './self-modifying.js';
import { TIMERS } from './timers.js';
import { USER_MODE } from './user-mode.js';
import { VIRTIO } from './virtio.js';
import { RANDOM_INSNS, RANDOM_WORDS } from './words.js';
import type { Generator } from './generator.js';

export type { Generator, SnippetContext } from './generator.js';

const KINDS: readonly Generator[] = [
  RANDOM_WORDS, RANDOM_INSNS, PRIVILEGED, WILD_ACCESS, PAGE_TABLES, SBI_CALLS, HYPERCALLS, VIRTIO,
  TIMERS, FAULTING_HANDLERS, SELF_MODIFYING, USER_MODE,
];

/** Snippets of every other kind, in one guest (with the frame's handler). */
export const MIXED: Generator = {
  name: 'mixed',
  doc: 'snippets of every kind above in one guest',
  snippet: (ctx) => ctx.rng.pick(KINDS).snippet(ctx),
};

export const GENERATORS: readonly Generator[] = [...KINDS, MIXED];

export function generatorByName(name: string): Generator {
  const g = GENERATORS.find((x) => x.name === name);
  if (!g) throw new Error(`no fuzz generator '${name}' (there are ${GENERATORS.map((x) => x.name).join(', ')})`);
  return g;
}
