import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { AssignmentError, loadAssignments, parseAssignment } from '../../src/course/assignments.js';
import { buildAutograder } from '../../src/course/autograder.js';
import { checkMarkers, exportAssignment, exported } from '../../src/course/export.js';
import { applyMarkers, findRegions, MarkerError } from '../../src/course/markers.js';
import { formatStubs, parseStubs } from '../../src/course/stubs.js';
import { cleanFailure, score, summary } from '../../src/course/grade.js';
import { packageRoot } from '../../src/guest/paths.js';
import { main } from '../../src/cli/main.js';

const TS = [
  'const a = 1;',
  '  // ASSIGNMENT one BEGIN step 1',
  '  return solve(a);',
  '  // ASSIGNMENT one END',
  '// ASSIGNMENT two BEGIN',
  'other();',
  '// ASSIGNMENT two END',
  '// ASSIGNMENT one BEGIN step 2',
  'more();',
  '// ASSIGNMENT one END',
  'end();',
].join('\n');

/** Assignment one's stub file for TS: a header, then the stub of step 1 (step 2 has none). */
const STUBS = ['// Starter code for x.ts (assignment one).', '@@ step 1', '  // TODO(assignment one, step 1)', '  return 0;', ''].join('\n');

describe('solution markers', () => {
  it('finds regions with their solution and label', () => {
    const r = findRegions(TS, 'x.ts');
    expect(r.map((x) => [x.assignment, x.label, x.begin, x.end])).toEqual([['one', 'step 1', 2, 4], ['two', '', 5, 7], ['one', 'step 2', 8, 10]]);
    expect(r[0]?.solution).toEqual(['  return solve(a);']);
  });

  it('reads a stub file: stubs by label, the header ignored, blank lines kept', () => {
    const stubs = parseStubs(STUBS, 'x.ts.stub');
    expect([...stubs]).toEqual([['step 1', ['  // TODO(assignment one, step 1)', '  return 0;']]]);
    expect([...parseStubs('@@ a\n\nx\n@@ b\n')]).toEqual([['a', ['', 'x']], ['b', []]]);
    expect(() => parseStubs('@@ a\n@@ a\n', 's.stub')).toThrow(/s\.stub:2: a second stub for "a"/);
    expect(parseStubs(formatStubs(['// h'], stubs))).toEqual(stubs);
  });

  it('export of one assignment: its regions become their stubs (or a TODO), the others keep their solution', () => {
    const { text, stubbed } = applyMarkers(TS, 'one', 'x.ts', parseStubs(STUBS));
    expect(stubbed).toBe(2);
    expect(text.split('\n')).toEqual([
      'const a = 1;', '  // TODO(assignment one, step 1)', '  return 0;', 'other();', '// TODO(assignment one, step 2)', 'end();',
    ]);
  });

  it('the reference without markers, and assembly comments', () => {
    expect(applyMarkers(TS, null).text.split('\n')).toEqual(['const a = 1;', '  return solve(a);', 'other();', 'more();', 'end();']);
    const asm = ['# ASSIGNMENT b BEGIN', '        call    pv_commit', '# ASSIGNMENT b END'].join('\n');
    expect(applyMarkers(asm, 'b', 'a.S', parseStubs('@@ \n# TODO(assignment b)\n        nop\n')).text).toBe('# TODO(assignment b)\n        nop');
    expect(applyMarkers(asm, 'b').text).toBe('# TODO(assignment b)');
  });

  it('refuses unbalanced or malformed markers, and stubs in the source or without a region, naming file and line', () => {
    expect(() => findRegions('// ASSIGNMENT a BEGIN\nx\n', 'f.ts')).toThrow(/f\.ts:1: ASSIGNMENT a BEGIN has no END/);
    expect(() => findRegions('// ASSIGNMENT a END\n', 'f.ts')).toThrow(MarkerError);
    expect(() => findRegions('// ASSIGNMENT a BEGIN\n// ASSIGNMENT b BEGIN\n', 'f.ts')).toThrow(/inside the region of a/);
    expect(() => findRegions('// ASSIGNMENT a BEGIN\n// ASSIGNMENT a STUB\n// x\n// ASSIGNMENT a END\n', 'f.ts')).toThrow(/f\.ts:2: starter code lives in assignments\/a\/stubs\/f\.ts\.stub/);
    expect(() => applyMarkers(TS, 'one', 'x.ts', parseStubs('@@ step 3\nx\n'))).toThrow(/x\.ts: a stub for "step 3", but no ASSIGNMENT one region of that label/);
  });

  it('failure output loses colours and stack frames', () => {
    expect(cleanFailure('\u001b[31mError: x\u001b[39m\n    at foo (a.ts:1:2)\n ❯ a.ts:3:4\nmore')).toBe('Error: x\nmore');
  });
});

describe('the assignments of this checkout', () => {
  it('has at least five, with consistent markers, tests and handouts', () => {
    const all = loadAssignments();
    expect(all.length).toBeGreaterThanOrEqual(5);
    expect(checkMarkers()).toEqual([]);
  });

  it('assignment.json is validated with clear messages', () => {
    expect(() => parseAssignment({ name: 'x', title: 't', teaches: 't', sources: [], tests: [{ file: 'tests/a.test.ts', points: 1 }] }, '/d'))
      .toThrow(/must be under public\/ or hidden\//);
    expect(() => parseAssignment({ name: 'Bad Name' }, '/d')).toThrow(AssignmentError);
  });

  it('export leaves out hidden tests, other assignments, the course tests and build output', () => {
    expect(exported('assignments/measure/hidden/a.test.ts', 'measure')).toBe(false);
    expect(exported('assignments/measure/public/a.test.ts', 'measure')).toBe(true);
    expect(exported('assignments/measure/stubs/assignments/measure/answers.ts.stub', 'measure')).toBe(false);
    expect(exported('assignments/batching/handout.md', 'measure')).toBe(false);
    expect(exported('test/course/x.test.ts', 'measure')).toBe(false);
    expect(exported('node_modules/x/index.js', 'measure')).toBe(false);
    expect(exported('src/hypervisor/pv.ts', 'measure')).toBe(true);
  });
});

describe('pvlab assignment: errors', () => {
  const dirs: string[] = [];
  afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

  it('an unknown assignment lists the known ones, exit status 1, no stack trace', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const status = await main(['assignment', 'export', 'nope', join(tmpdir(), 'pvlab-nope')]);
      expect(status).toBe(1);
      const text = err.mock.calls.map((c) => String(c[0])).join('');
      expect(text).toMatch(/unknown assignment "nope"; the assignments are: .*trap-emulate/);
      expect(text).not.toMatch(/\n\s+at /);
    } finally {
      err.mockRestore();
    }
  });

  it('export refuses a non-empty directory without --force, and a directory inside the project', () => {
    const d = mkdtempSync(join(tmpdir(), 'pvlab-export-'));
    dirs.push(d);
    mkdirSync(join(d, 'tree'));
    writeFileSync(join(d, 'tree', 'keep.txt'), 'x');
    expect(() => exportAssignment('scheduler', join(d, 'tree'))).toThrow(/is not empty \(use --force/);
    expect(() => exportAssignment('scheduler', join(packageRoot(), 'out'))).toThrow(/export outside the project/);
  });

  it('autograder refuses to write its zip inside the project (it holds the hidden tests)', () => {
    expect(() => buildAutograder('scheduler', join(packageRoot(), 'scheduler.zip'))).toThrow(/write the autograder outside the project/);
    expect(() => buildAutograder('nope', join(tmpdir(), 'x.zip'))).toThrow(/unknown assignment "nope"/);
  });
});

describe('scoring vitest results', () => {
  const a = parseAssignment({
    name: 'demo', title: 'Demo', teaches: 'scoring', sources: ['src/x.ts'],
    tests: [{ file: 'public/a.test.ts', points: 6 }, { file: 'hidden/b.test.ts', points: 4 }, { file: 'hidden/c.test.ts', points: 2 }],
  }, '/course/assignments/demo');
  const stage = '/tree/assignments/demo--grading-1';

  it('shares a file\'s points among its tests, scores a file that did not load as 0, and sets visibility', () => {
    const r = score(a, stage, [
      { name: `${stage}/public/a.test.ts`, assertionResults: [
        { ancestorTitles: ['d'], title: 'one', status: 'passed' },
        { ancestorTitles: ['d'], title: 'two', status: 'failed', failureMessages: ['\u001b[31mAssertionError: csr exits: expected 0 to be greater than 0\u001b[39m\n    at x (y.ts:1:1)'] },
        { ancestorTitles: ['d'], title: 'three', status: 'passed' },
      ] },
      { name: `${stage}/hidden/b.test.ts`, status: 'failed', message: 'Transform failed: bad syntax', assertionResults: [] },
      { name: `${stage}/hidden/c.test.ts`, assertionResults: [{ title: 'only', status: 'passed' }] },
    ]);
    expect(r.max_score).toBe(12);
    expect(r.score).toBe(6);
    expect(r.tests.map((t) => [t.name, t.score, t.max_score, t.status, t.visibility])).toEqual([
      ['public/a.test.ts: d › one', 2, 2, 'passed', 'visible'],
      ['public/a.test.ts: d › two', 0, 2, 'failed', 'visible'],
      ['public/a.test.ts: d › three', 2, 2, 'passed', 'visible'],
      ['hidden/b.test.ts: (the file did not load)', 0, 4, 'failed', 'after_published'],
      ['hidden/c.test.ts: only', 2, 2, 'passed', 'after_published'],
    ]);
    expect(r.tests[1]?.output).toBe('AssertionError: csr exits: expected 0 to be greater than 0');
    expect(r.tests[3]?.output).toContain('Transform failed');
    expect(r.extra_data.changed_outside_assignment).toEqual([]);
    expect(summary(a, r)).toContain('score 6 / 12');
    expect(summary(a, r)).toContain('hidden/b.test.ts: (the file did not load)  (hidden)');
  });

  it('shows students the visible tests only: no hidden test\'s name, result or failure text in the top-level output', () => {
    const r = score(a, stage, [
      { name: `${stage}/public/a.test.ts`, assertionResults: [{ title: 'pub', status: 'failed', failureMessages: ['expected 3 exits'] }] },
      { name: `${stage}/hidden/b.test.ts`, assertionResults: [{ title: 'secret name', status: 'failed', failureMessages: ['expected 42.17, the answer'] }] },
      { name: `${stage}/hidden/c.test.ts`, assertionResults: [{ title: 'other secret', status: 'passed' }] },
    ]);
    expect(r.output).toContain('visible tests: 0 / 6 points');
    expect(r.output).toContain('hidden tests: 6 points more');
    expect(r.output).toContain('public/a.test.ts: pub');
    expect(r.output).toContain('expected 3 exits');
    for (const secret of ['secret name', 'other secret', '42.17', 'hidden/', 'score 2']) expect(r.output).not.toContain(secret);
    expect(r.visibility).toBe('visible');
    expect(r.stdout_visibility).toBe('hidden');
  });
});
