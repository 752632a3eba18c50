/**
 * `pvlab assignment grade <name> [--dir DIR]`: run an assignment's public and hidden tests
 * against a tree (a student's export, or this checkout for the reference) and score them,
 * writing Gradescope's results.json and a summary (docs/assignments.md, "Grading").
 *
 * The tests always come from the grader's checkout (a student cannot edit them away). They run in
 * a scratch directory, never in DIR: a view of DIR (each of its top-level entries linked) in
 * which the tests sit at assignments/<name>--grading-<pid>/ — the depth of the assignment's own
 * folder, so their relative imports reach DIR's sources — run with DIR's vitest. Each test
 * file's points are shared equally by its tests; a file that fails to load scores 0 as one
 * entry. The tests assert simulated figures only, so the grade does not depend on the machine.
 */
import { spawn } from 'node:child_process';
import {
  cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { packageRoot } from '../guest/paths.js';
import { AssignmentError, assignmentByName, loadAssignments, markedSources, type Assignment, type Visibility } from './assignments.js';
import { exported, projectFiles } from './export.js';
import { applyMarkers } from './markers.js';

export interface GradedTest {
  name: string;
  score: number;
  max_score: number;
  status: 'passed' | 'failed';
  output: string;
  visibility: Visibility;
}

/** Gradescope's results.json (https://gradescope-autograders.readthedocs.io, "Output format"). */
export interface GradeResults {
  score: number;
  max_score: number;
  /** Host seconds the grading took (Gradescope shows it to the instructor; never part of a grade). */
  execution_time?: number;
  /** The summary students see: visible tests only (hidden ones are counted, never named). */
  output: string;
  visibility: Visibility;
  stdout_visibility: Visibility;
  tests: GradedTest[];
  /** Project files of the graded tree that differ from the starter outside the assignment's
   *  own sources (a note for the instructor: the tests run the student's simulator). */
  extra_data: { changed_outside_assignment: string[] };
}

export interface GradeOptions {
  /** The tree to grade (default: this checkout, i.e. the reference solution). */
  dir?: string;
  /** The checkout whose assignment definitions and tests are used (default: this one). */
  root?: string;
  /** Per-test timeout, ms (host time: generous, so it never decides a grade). */
  testTimeoutMs?: number;
}

export interface VitestAssertion {
  ancestorTitles?: string[];
  title?: string;
  fullName?: string;
  status?: string;
  failureMessages?: string[];
}
export interface VitestFile {
  name: string;
  status?: string;
  message?: string;
  assertionResults?: VitestAssertion[];
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

/** A failure message made short and host-independent: no colour codes, no stack frames. */
export function cleanFailure(text: string): string {
  const plain = text.replace(/\u001b\[[0-9;]*m/g, '');
  const lines = plain.split('\n').filter((l) => !/^\s+at\s/.test(l) && !/^\s*❯\s/.test(l));
  return lines.join('\n').trim().slice(0, 4000);
}

function vitestEntry(tree: string, root: string): string {
  for (const base of [tree, root]) {
    const p = join(base, 'node_modules', 'vitest', 'vitest.mjs');
    if (existsSync(p)) return p;
  }
  throw new AssignmentError(`vitest is not installed in ${tree}: run "npm ci" there first (or bash scripts/setup.sh)`);
}

export async function gradeAssignment(name: string, opts: GradeOptions = {}): Promise<GradeResults> {
  const started = performance.now();
  const root = resolve(opts.root ?? packageRoot());
  const a = assignmentByName(name, root);
  const tree = resolve(opts.dir ?? root);
  if (!existsSync(join(tree, 'package.json')) || !existsSync(join(tree, 'guests'))) {
    throw new AssignmentError(`${opts.dir ?? tree} is not a pvlab tree (no package.json beside guests/)`);
  }
  if (!existsSync(join(tree, 'node_modules', 'vitest'))) {
    throw new AssignmentError(`${opts.dir ?? tree} has no node_modules/vitest: run "npm ci" there first (or bash scripts/setup.sh)`);
  }
  const vitest = vitestEntry(tree, root);
  const stageName = `${a.name}--grading-${process.pid}`;
  const work = mkdtempSync(join(tmpdir(), 'pvlab-grade-'));
  try {
    const view = gradingView(tree, join(work, 'tree'));
    const stage = join(view, 'assignments', stageName);
    for (const sub of ['public', 'hidden']) {
      if (existsSync(join(a.dir, sub))) cpSync(join(a.dir, sub), join(stage, sub), { recursive: true });
    }
    const report = join(work, 'vitest.json');
    const config = writeGradeConfig(work, a, stageName, opts.testTimeoutMs ?? 600_000);
    const r = await runProcess(process.execPath, [vitest, 'run', '--root', view, '--config', config, '--reporter=json', `--outputFile=${report}`], view);
    if (!existsSync(report)) {
      throw new AssignmentError(`vitest did not run in ${tree} (status ${r.status}):\n${cleanFailure(`${r.stdout}\n${r.stderr}`)}`);
    }
    const json = JSON.parse(readFileSync(report, 'utf8')) as { testResults?: VitestFile[] };
    const changed = tree === root ? [] : changedOutside(a, root, tree);
    return { ...score(a, stage, json.testResults ?? [], changed), execution_time: Math.round((performance.now() - started) / 1000) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * A directory that shows `tree` as it is — each top-level entry a link to the tree's own — except
 * assignments/, a real folder of links to the tree's assignment folders, where the grader adds
 * its tests. Nothing is written into the tree itself. Module resolution follows the links to the
 * real files, so the tests import the tree's sources and the tree's node_modules.
 */
function gradingView(tree: string, view: string): string {
  mkdirSync(join(view, 'assignments'), { recursive: true });
  for (const e of readdirSync(tree)) {
    if (e !== 'assignments') symlinkSync(join(tree, e), join(view, e));
  }
  const assignments = join(tree, 'assignments');
  if (existsSync(assignments)) {
    for (const e of readdirSync(assignments)) symlinkSync(join(assignments, e), join(view, 'assignments', e));
  }
  return view;
}

/** The vitest configuration of one grading: only the assignment's tests, generous host-time
 *  limits, and vitest's cache kept in the scratch directory. The test files share one module
 *  registry per worker (isolate: false, as the project's own suite runs them): each file would
 *  otherwise load and translate the simulator again, most of a grading's time. */
function writeGradeConfig(work: string, a: Assignment, stageName: string, timeout: number): string {
  const config = join(work, 'vitest.grade.config.mjs');
  const include = a.tests.map((t) => `assignments/${stageName}/${t.file}`);
  writeFileSync(config, `export default { cacheDir: ${JSON.stringify(join(work, 'cache'))}, test: { include: ${JSON.stringify(include)}, ` +
    `testTimeout: ${timeout}, hookTimeout: ${timeout}, watch: false, isolate: false } };\n`);
  return config;
}

/** A child process, its output collected (asynchronous, so several gradings can run at once). */
export function runProcess(cmd: string, args: string[], cwd: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, CI: '1', NO_COLOR: '1', FORCE_COLOR: '0' };
    delete env.VITEST; delete env.VITEST_WORKER_ID; delete env.VITEST_POOL_ID; delete env.TEST;
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { if (stdout.length < 1 << 20) stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { if (stderr.length < 1 << 20) stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (status) => resolvePromise({ status, stdout, stderr }));
  });
}

/**
 * The files of `tree` that differ from what `root` exports for the assignment, leaving out the
 * files students are meant to change (the assignment's sources and folder), the ones the export
 * rewrites (README.md, vitest.config.ts) or regenerates (the guest includes).
 */
export function changedOutside(a: Assignment, root: string, tree: string): string[] {
  const marked = new Set(markedSources(loadAssignments(root)));
  const out: string[] = [];
  for (const f of projectFiles(root)) {
    if (!exported(f, a.name) || a.sources.includes(f) || f.startsWith(`assignments/${a.name}/`)) continue;
    if (f === 'README.md' || f === 'vitest.config.ts') continue;
    if (a.regenerate.includes('includes') && f.startsWith('guests/include/gen/')) continue;
    const theirs = join(tree, f);
    if (!existsSync(theirs)) { out.push(`${f} (deleted)`); continue; }
    const ours = readFileSync(join(root, f));
    // Only other assignments' regions here (a's own sources are skipped above): their solutions.
    const want = marked.has(f) ? Buffer.from(applyMarkers(ours.toString('utf8'), a.name, f).text) : ours;
    if (!want.equals(readFileSync(theirs))) out.push(f);
  }
  return out;
}

export function score(a: Assignment, stage: string, files: readonly VitestFile[], changed: string[] = []): GradeResults {
  const tests: GradedTest[] = [];
  for (const t of a.tests) {
    const path = resolve(stage, t.file);
    const f = files.find((x) => resolve(x.name) === path);
    const asserts = (f?.assertionResults ?? []).filter((x) => x.status === 'passed' || x.status === 'failed');
    if (!f || asserts.length === 0) {
      const why = f ? cleanFailure(f.message ?? 'no test ran') : 'the file was not run';
      tests.push({ name: `${t.file}: (the file did not load)`, score: 0, max_score: t.points, status: 'failed', output: why, visibility: t.visibility });
      continue;
    }
    const each = t.points / asserts.length;
    for (const x of asserts) {
      const passed = x.status === 'passed';
      const title = [...(x.ancestorTitles ?? []), x.title ?? ''].filter((s) => s !== '').join(' › ');
      tests.push({
        name: `${t.file}: ${title}`, score: passed ? round(each) : 0, max_score: round(each), status: passed ? 'passed' : 'failed',
        output: passed ? '' : cleanFailure((x.failureMessages ?? []).join('\n')), visibility: t.visibility,
      });
    }
  }
  const max = a.tests.reduce((s, t) => s + t.points, 0);
  // The total from whole files, so full marks are exactly max_score whatever the rounding.
  const total = a.tests.reduce((s, t) => {
    const mine = tests.filter((x) => x.name.startsWith(`${t.file}: `));
    const passed = mine.filter((x) => x.status === 'passed').length;
    return s + (mine.length === 0 ? 0 : t.points * passed / mine.length);
  }, 0);
  const results: GradeResults = {
    score: Math.round(total * 100) / 100, max_score: max, output: '', visibility: 'visible', stdout_visibility: 'hidden', tests,
    extra_data: { changed_outside_assignment: changed },
  };
  results.output = studentSummary(a, results);
  return results;
}

const isVisible = (t: GradedTest): boolean => t.visibility === 'visible';
const points = (tests: readonly GradedTest[], key: 'score' | 'max_score'): number =>
  Math.round(tests.reduce((s, t) => s + t[key], 0) * 100) / 100;

function testLine(t: GradedTest, markHidden: boolean): string {
  const mark = markHidden && !isVisible(t) ? '  (hidden)' : '';
  return `${t.status === 'passed' ? 'PASS' : 'FAIL'}  ${t.score.toFixed(2).padStart(6)} / ${t.max_score.toFixed(2).padStart(6)}  ${t.name}${mark}`;
}

/** "What is missing": each failing test with the first lines of why. */
function failures(tests: readonly GradedTest[]): string[] {
  const failed = tests.filter((t) => t.status === 'failed');
  if (failed.length === 0) return [];
  const lines = ['', 'What is missing:'];
  for (const t of failed) {
    lines.push(`- ${t.name}`);
    for (const l of t.output.split('\n').slice(0, 6)) if (l.trim() !== '') lines.push(`    ${l}`);
  }
  return lines;
}

/**
 * The instructor's summary (what `pvlab assignment grade` prints; on Gradescope it goes to the
 * autograder's stdout, which students do not see): every test with its points, hidden ones
 * marked, what failed and why, and the files changed outside the assignment.
 */
export function summary(a: Assignment, r: GradeResults): string {
  const lines: string[] = [`${a.name} — ${a.title}`, `score ${r.score} / ${r.max_score}`, ''];
  lines.push(...r.tests.map((t) => testLine(t, true)), ...failures(r.tests));
  const changed = r.extra_data.changed_outside_assignment;
  if (changed.length > 0) {
    lines.push('', `Note: ${changed.length} file(s) differ from the starter outside the assignment's sources (the tests ran this tree's simulator):`);
    for (const f of changed.slice(0, 20)) lines.push(`    ${f}`);
    if (changed.length > 20) lines.push(`    … and ${changed.length - 20} more`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The students' summary (results.json's top-level `output`, which Gradescope always shows):
 * the visible tests only. Hidden tests are counted by their points, never named, and nothing
 * of their results — not even how many passed — appears, so their names, failure messages and
 * the answers those messages contain stay hidden until the tests' own visibility says otherwise.
 */
export function studentSummary(a: Assignment, r: GradeResults): string {
  const visible = r.tests.filter(isVisible);
  const hidden = r.tests.filter((t) => !isVisible(t));
  const lines: string[] = [`${a.name} — ${a.title}`, `visible tests: ${points(visible, 'score')} / ${points(visible, 'max_score')} points`];
  if (hidden.length > 0) lines.push(`hidden tests: ${points(hidden, 'max_score')} points more, graded now and shown when your instructor publishes them`);
  lines.push('', ...visible.map((t) => testLine(t, false)), ...failures(visible));
  return `${lines.join('\n')}\n`;
}

export function writeResults(path: string, r: GradeResults): void {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(r, null, 2)}\n`);
  renameSync(tmp, path);
}
