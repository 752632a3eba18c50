import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { INLINING_BUDGET_FLAG } from './src/util/v8-tuning.js';

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

/**
 * The files that export and grade whole trees in child processes, and the type check: the
 * longest files of the suite, longest first. They start first, so that the rest of the suite
 * fills the other cores meanwhile — on a first run too, when vitest has no durations cached to
 * order by (it would run larger files first). The others keep vitest's order: failed first,
 * then longest first.
 */
const LONGEST = ['test/course/assignments.test.ts', 'test/course/autograder.test.ts', 'test/typecheck.test.ts'];

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification): number => {
      const i = LONGEST.findIndex((l) => f.moduleId.endsWith(`/${l}`));
      return i < 0 ? LONGEST.length : i;
    };
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    // A guard against a hung test, not a speed check: generous, because a busy host is slow.
    testTimeout: 300_000,
    // vitest's default leaves one core idle; the suite is CPU-bound, so use them all.
    maxWorkers: availableParallelism(),
    // The engine setting the pvlab command uses (host speed only; src/util/v8-tuning.ts).
    execArgv: [INLINING_BUDGET_FLAG],
    sequence: { sequencer: LongestFirst },
    projects: [
      { extends: true, test: { name: 'shared', include, exclude: OWN_MODULES, isolate: false } },
      { extends: true, test: { name: 'isolated', include: OWN_MODULES, isolate: true } },
    ],
  },
});
