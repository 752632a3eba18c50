/** Every shipped suite, by name (what `pvlab list` and `pvlab run <suite>` find). */
import type { Suite } from '../src/harness/suite.js';
import batching from './batching.js';
import defaultSuite from './default.js';
import lmbench from './lmbench.js';
import microbench from './microbench.js';
import mixed from './mixed.js';
import paging from './paging.js';
import pvio from './pvio.js';
import replicate from './replicate.js';
import sensitivity from './sensitivity.js';

export const SUITES: readonly Suite[] = Object.freeze([defaultSuite, microbench, lmbench, sensitivity, batching, mixed, paging, pvio, replicate]);

export function suiteNames(): string[] {
  return SUITES.map((s) => s.name);
}
