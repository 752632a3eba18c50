/**
 * Both directions, for every assignment (issue #8's acceptance). The reference solution (this
 * checkout) passes every public and hidden test: those tests are part of this suite
 * (vitest.config.ts, ASSIGNMENT_TESTS), and here one assignment is also graded end to end into
 * full marks. The exported starter scores less, its failing tests say what is missing, students
 * see nothing of the hidden tests, and it type-checks as well as this checkout does (so `npm
 * test` in it gets as far as running the tests). Exports and gradings happen in temporary
 * directories; the export links this checkout's node_modules instead of installing
 * (docs/assignments.md says how a fresh install was checked by hand).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAssignments, markedSources, type Assignment } from '../../src/course/assignments.js';
import { exportAssignment } from '../../src/course/export.js';
import { changedOutside, gradeAssignment, type GradeResults } from '../../src/course/grade.js';
import { hasMarkers } from '../../src/course/markers.js';
import { packageRoot } from '../../src/guest/paths.js';
import { TypeChecker } from '../typecheck.js';

const ROOT = packageRoot();
const ALL = loadAssignments();
const TIMEOUT = 600_000;
const work = mkdtempSync(join(tmpdir(), 'pvlab-course-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** One checker for the checkout and every export: each export costs only what it changes. */
const checker = new TypeChecker(ROOT);
let referenceErrors: Set<string> | undefined;
const typeErrorsAdded = (tree: string): string[] => {
  referenceErrors ??= checker.errors(ROOT);
  const mine = checker.errors(tree);
  return [...mine].filter((l) => !(referenceErrors as Set<string>).has(l));
};

/** Every string a student sees in results.json: the top-level output and the visible tests. */
function visibleText(r: GradeResults): string {
  return [r.output, ...r.tests.filter((t) => t.visibility === 'visible').flatMap((t) => [t.name, t.output])].join('\n');
}

/** What grading writes must never land in the graded tree. */
const gradingLeftovers = (tree: string): string[] =>
  existsSync(join(tree, 'assignments')) ? readdirSync(join(tree, 'assignments')).filter((e) => e.includes('--grading-')) : [];

describe('this checkout', () => {
  // The base every export's type errors are compared with, and so the project's own type check
  // (test/typecheck.test.ts leaves it to this file where this file exists).
  it('has no type errors (npm run typecheck shows where)', () => {
    referenceErrors ??= checker.errors(ROOT);
    expect([...referenceErrors]).toEqual([]);
  }, TIMEOUT);
});

describe('the reference solution, graded end to end', () => {
  const a = ALL[0] as Assignment;
  it(`${a.name}: full marks, hidden tests included, nothing written into this checkout`, async () => {
    const r = await gradeAssignment(a.name);
    const failed = r.tests.filter((t) => t.status === 'failed').map((t) => `${t.name}\n${t.output}`);
    expect(failed, 'failing tests of the reference').toEqual([]);
    expect(r.score).toBe(r.max_score);
    expect(r.tests.some((t) => t.visibility !== 'visible' && t.status === 'passed'), 'hidden tests ran and passed').toBe(true);
    expect(r.execution_time).toBeGreaterThanOrEqual(0);
    expect(gradingLeftovers(ROOT)).toEqual([]);
  }, TIMEOUT);
});

describe.concurrent.each(ALL.map((a) => [a.name, a] as const))('assignment %s', (name, a) => {
  it('has public and hidden tests, and points', () => {
    expect(a.tests.some((t) => t.hidden), 'some hidden tests').toBe(true);
    expect(a.tests.some((t) => !t.hidden), 'some public tests').toBe(true);
    expect(a.tests.reduce((s, t) => s + t.points, 0)).toBeGreaterThan(0);
  });

  it('the exported starter scores less, says what is missing, hides the hidden tests, and type-checks like this checkout', async () => {
    const dir = join(work, name);
    const e = exportAssignment(name, dir);
    expect(Object.keys(e.stubbed).sort()).toEqual([...a.sources].sort());
    expect(existsSync(join(dir, 'assignments', name, 'hidden')), 'hidden tests exported').toBe(false);
    expect(existsSync(join(dir, 'assignments', name, 'handout.md'))).toBe(true);
    for (const other of ALL.filter((x) => x.name !== name)) expect(existsSync(join(dir, 'assignments', other.name)), `${other.name} exported`).toBe(false);
    for (const f of markedSources(ALL).filter((x) => existsSync(join(dir, x)))) expect(hasMarkers(readFileSync(join(dir, f), 'utf8')), `markers left in ${f}`).toBe(false);
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    expect(readme).toContain('bash scripts/setup.sh && npm start');
    expect(readme).toContain('npm test');
    const config = readFileSync(join(dir, 'vitest.config.ts'), 'utf8');
    expect(config).toContain(`assignments/${name}/public/`);
    expect(config, 'the starter\'s npm test looks for no hidden tests').not.toContain('hidden/');
    expect(changedOutside(a, ROOT, dir), 'files of a fresh export that the grader would report as changed').toEqual([]);
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');

    const r = await gradeAssignment(name, { dir });
    expect(gradingLeftovers(dir), 'grading wrote into the graded tree').toEqual([]);
    expect(r.score, 'the starter\'s score').toBeLessThan(r.max_score);
    const failed = r.tests.filter((t) => t.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    for (const t of failed) {
      expect(t.output.trim().length, `${t.name}: a failing test must say what is missing`).toBeGreaterThan(20);
      expect(t.output, `${t.name}: the starter's tests must load`).not.toMatch(/the file did not load|Transform failed|Cannot find module/);
    }
    const shown = visibleText(r);
    // A hidden test may fail for the reason a public one does; only text of its own is secret.
    const publicFailures = r.tests.filter((t) => t.visibility === 'visible').map((t) => t.output).join('\n');
    for (const t of r.tests.filter((x) => x.visibility !== 'visible')) {
      expect(shown, 'a hidden test\'s name in a visible field').not.toContain(t.name);
      for (const line of t.output.split('\n').map((l) => l.trim()).filter((l) => l.length > 20 && !publicFailures.includes(l))) {
        expect(shown, `${t.name}: its failure text in a visible field`).not.toContain(line);
      }
    }
    expect(typeErrorsAdded(dir), 'type errors the export adds').toEqual([]);
  }, TIMEOUT);
});
