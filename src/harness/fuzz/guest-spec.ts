/**
 * One hostile guest, named by its seed, generator, target and RAM size — and the kernel source
 * that names: the generator's handler and snippets in the frame, all from the seed.
 */
import { generatorByName } from './generators/index.js';
import { guestSource } from './guest-frame.js';
import { Rng } from './rng.js';
import type { FuzzTarget } from './targets.js';

export interface GuestSpec {
  /** Its place in the case. */
  readonly index: number;
  readonly seed: number;
  readonly generator: string;
  readonly target: FuzzTarget;
  readonly ramBytes: number;
}

const MAX_SNIPPETS = 6;

/** The guest's kernel source: the same for the same spec, every time. */
export function guestKernelSource(spec: GuestSpec): string {
  const rng = new Rng(spec.seed);
  const generator = generatorByName(spec.generator);
  let labels = 0;
  const ctx = { rng, ramBytes: spec.ramBytes, label: () => `fz_l${labels++}` };
  const handler = generator.handler?.(ctx);
  const body = Array.from({ length: rng.between(1, MAX_SNIPPETS) }, () => generator.snippet(ctx)).join('\n');
  return guestSource(handler === undefined ? { body } : { body, handler });
}
