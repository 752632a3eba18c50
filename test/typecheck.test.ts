/**
 * The project type-checks: what `npm run typecheck` (tsc -p tsconfig.check.json) reports, run
 * in-process as one test file, so that it overlaps the rest of the suite instead of holding up
 * its start. Where the course's CI tests are present (this checkout, not an exported starter),
 * test/course/assignments.test.ts makes the same check — it needs this checkout's type check as
 * the base its exports are compared with — and this file leaves it to them.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { packageRoot } from '../src/guest/paths.js';
import { TypeChecker } from './typecheck.js';

const root = packageRoot();
const COURSE_CHECKS = join(root, 'test', 'course', 'assignments.test.ts');

it.skipIf(existsSync(COURSE_CHECKS))('has no type errors (tsconfig.check.json: src, scripts, bench, experiments, test)', () => {
  expect([...new TypeChecker(root).errors(root, true)]).toEqual([]);
}, 300_000);
