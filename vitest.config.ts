import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * The course's assignment tests. The reference solution (this checkout) must pass every one of
 * them, so they run here like any other test; an exported starter keeps only its own public/
 * (src/course/export.ts rewrites this line).
 */
const ASSIGNMENT_TESTS = ['assignments/*/public/**/*.test.ts', 'assignments/*/hidden/**/*.test.ts'];

/**
 * Test files that replace a module of the project (vi.mock) need a module registry of their
 * own; every other file shares its worker's, so the simulator, the assembled guests and the
 * translated code are loaded once per worker instead of once per file.
 */
const OWN_MODULES = ['test/harness/host-bench-failure.test.ts'];

const include = ['test/**/*.test.ts', ...ASSIGNMENT_TESTS];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    // vitest's default leaves one core idle; the suite is CPU-bound, so use them all.
    maxWorkers: availableParallelism(),
    projects: [
      { extends: true, test: { name: 'shared', include, exclude: OWN_MODULES, isolate: false } },
      { extends: true, test: { name: 'isolated', include: OWN_MODULES, isolate: true } },
    ],
  },
});
