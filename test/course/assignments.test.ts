/**
 * Both directions, for every assignment (issue #8's acceptance): the reference solution (this
 * checkout) scores full marks; the exported starter scores less, its failing tests say what is
 * missing, and it type-checks as well as this checkout does (so `npm test` in it gets as far as
 * running the tests). The export links this checkout's node_modules instead of installing
 * (docs/assignments.md says how a fresh install was checked by hand).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAssignments, markedSources } from '../../src/course/assignments.js';
import { exportAssignment } from '../../src/course/export.js';
import { changedOutside, gradeAssignment, runProcess } from '../../src/course/grade.js';
import { hasMarkers } from '../../src/course/markers.js';
import { packageRoot } from '../../src/guest/paths.js';

const ROOT = packageRoot();
const ALL = loadAssignments();
const TIMEOUT = 600_000;
const work = mkdtempSync(join(tmpdir(), 'pvlab-course-'));

/** Type errors `tsc -p tsconfig.check.json` reports in a tree, as "file(line): message" lines. */
async function typeErrors(tree: string): Promise<Set<string>> {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = await runProcess(process.execPath, [tsc, '-p', 'tsconfig.check.json', '--pretty', 'false'], tree);
  return new Set(r.stdout.split('\n').filter((l) => /error TS\d+/.test(l)).map((l) => l.replace(/\(\d+,\d+\)/, '')));
}

let reference: Promise<Set<string>>;
beforeAll(() => { reference = typeErrors(ROOT); });
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.concurrent.each(ALL.map((a) => [a.name, a] as const))('assignment %s', (name, a) => {
  it('the reference solution (this checkout) scores full marks', async () => {
    const r = await gradeAssignment(name);
    const failed = r.tests.filter((t) => t.status === 'failed').map((t) => `${t.name}\n${t.output}`);
    expect(failed, 'failing tests of the reference').toEqual([]);
    expect(r.score).toBe(r.max_score);
    expect(r.max_score).toBeGreaterThan(0);
    expect(r.tests.some((t) => t.visibility !== 'visible'), 'some hidden tests').toBe(true);
  }, TIMEOUT);

  it('the exported starter scores less, says what is missing, and type-checks like this checkout', async () => {
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
    expect(readFileSync(join(dir, 'vitest.config.ts'), 'utf8')).toContain(`assignments/${name}/public/`);
    expect(changedOutside(a, ROOT, dir), 'files of a fresh export that the grader would report as changed').toEqual([]);
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');

    const [r, exportErrors, referenceErrors] = await Promise.all([gradeAssignment(name, { dir }), typeErrors(dir), reference]);
    expect(r.score, 'the starter\'s score').toBeLessThan(r.max_score);
    const failed = r.tests.filter((t) => t.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    for (const t of failed) {
      expect(t.output.trim().length, `${t.name}: a failing test must say what is missing`).toBeGreaterThan(20);
      expect(t.output, `${t.name}: the starter's tests must load`).not.toMatch(/the file did not load|Transform failed|Cannot find module/);
    }
    expect([...exportErrors].filter((l) => !referenceErrors.has(l)), 'type errors the export adds').toEqual([]);
  }, TIMEOUT);
});
