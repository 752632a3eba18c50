/**
 * The Gradescope autograder (`pvlab assignment autograder`, src/course/autograder.ts), checked
 * offline: the zip's contents (Gradescope's two scripts at its root, executable; the starter
 * tree with the hidden tests and without the reference solution), the scripts' syntax, and
 * run_autograder grading a submission in a directory laid out like /autograder — with the
 * network cut off where the host allows it (`unshare -rn`). What setup.sh installs (Node.js,
 * system libraries, npm ci) needs the network and is not run here: the test links this
 * checkout's node_modules and compiles the one program run_autograder starts.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAssignments, type Assignment } from '../../src/course/assignments.js';
import { AUTOGRADER_TREE, buildAutograder } from '../../src/course/autograder.js';
import type { GradeResults } from '../../src/course/grade.js';
import { hasMarkers } from '../../src/course/markers.js';
import { packageRoot } from '../../src/guest/paths.js';

const ROOT = packageRoot();
const A = loadAssignments()[0] as Assignment;
const TIMEOUT = 300_000;
const work = mkdtempSync(join(tmpdir(), 'pvlab-autograder-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Entry { name: string; mode: number; data: Buffer }

/** The entries of a zip archive, read from its central directory (what any unzip does). */
function readZip(zip: Buffer): Entry[] {
  const end = zip.length - 22;
  expect(zip.readUInt32LE(end), 'end of central directory record').toBe(0x06054b50);
  const count = zip.readUInt16LE(end + 10);
  let p = zip.readUInt32LE(end + 16);
  const out: Entry[] = [];
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(p)).toBe(0x02014b50);
    const [size, nameLen, extraLen, commentLen] = [zip.readUInt32LE(p + 20), zip.readUInt16LE(p + 28), zip.readUInt16LE(p + 30), zip.readUInt16LE(p + 32)];
    const mode = (zip.readUInt32LE(p + 38) >>> 16) & 0o777;
    const local = zip.readUInt32LE(p + 42);
    const name = zip.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    out.push({ name, mode, data: inflateRawSync(zip.subarray(dataAt, dataAt + size)) });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** Lay the zip out as Gradescope does: /autograder/source holds its contents. */
function extract(entries: Entry[], dir: string): void {
  for (const e of entries) {
    mkdirSync(dirname(join(dir, e.name)), { recursive: true });
    writeFileSync(join(dir, e.name), e.data, { mode: e.mode });
  }
}

/** run_autograder with AUTOGRADER=dir, offline when the host lets us cut the network. */
function runAutograder(dir: string): { status: number | null; out: string; offline: boolean } {
  const script = join(dir, 'source', 'run_autograder');
  const env = { ...process.env, AUTOGRADER: dir };
  const offline = spawnSync('unshare', ['-rn', 'true']).status === 0;
  const [cmd, args] = offline ? ['unshare', ['-rn', 'bash', script]] : ['bash', [script]];
  const r = spawnSync(cmd, args, { env, encoding: 'utf8', timeout: TIMEOUT });
  return { status: r.status, out: `${r.stdout}${r.stderr}`, offline };
}

describe(`pvlab assignment autograder (${A.name})`, () => {
  let entries: Entry[];
  beforeAll(() => {
    const zipPath = join(work, 'autograder.zip');
    buildAutograder(A.name, zipPath);
    entries = readZip(readFileSync(zipPath));
  });
  const entry = (name: string): Entry | undefined => entries.find((e) => e.name === name);

  it('holds setup.sh and run_autograder at its root, executable, and the starter tree with the hidden tests', () => {
    for (const s of ['setup.sh', 'run_autograder']) expect(entry(s)?.mode, s).toBe(0o755);
    expect(entry(`${AUTOGRADER_TREE}/package.json`)).toBeDefined();
    expect(entry(`${AUTOGRADER_TREE}/package-lock.json`), 'npm ci needs the lock file').toBeDefined();
    for (const t of A.tests) expect(entry(`${AUTOGRADER_TREE}/assignments/${A.name}/${t.file}`), t.file).toBeDefined();
    const names = entries.map((e) => e.name);
    expect(names.filter((n) => /\/(node_modules|dist|\.git)\//.test(n))).toEqual([]);
    for (const other of loadAssignments().filter((x) => x.name !== A.name)) {
      expect(names.filter((n) => n.startsWith(`${AUTOGRADER_TREE}/assignments/${other.name}/`)), other.name).toEqual([]);
    }
    for (const s of A.sources) {
      expect(hasMarkers(entry(`${AUTOGRADER_TREE}/${s}`)?.data.toString('utf8') ?? ''), `${s}: the reference solution travels with the autograder`).toBe(false);
    }
  });

  it('has scripts bash accepts, setup.sh installing once and run_autograder needing no network', () => {
    for (const s of ['setup.sh', 'run_autograder']) {
      const file = join(work, s);
      writeFileSync(file, (entry(s) as Entry).data);
      const r = spawnSync('bash', ['-n', file], { encoding: 'utf8' });
      expect(r.stderr, s).toBe('');
      expect(r.status, s).toBe(0);
    }
    const setup = (entry('setup.sh') as Entry).data.toString('utf8');
    expect(setup).toMatch(/sha256sum -c/);
    expect(setup).toContain('bash scripts/setup.sh');
    const run = (entry('run_autograder') as Entry).data.toString('utf8');
    expect(run, 'nothing installed or fetched per submission').not.toMatch(/\b(npm|npx|apt-get|curl|wget|git)\b/);
  });

  /** /autograder/source as Gradescope's image has it after setup.sh: the zip's contents, the
   *  packages, and the program run_autograder starts (compiled once, for both tests below). */
  let installed: string | undefined;
  function install(): string {
    if (installed) return installed;
    const source = join(work, 'image', 'source');
    extract(entries, source);
    const tree = join(source, AUTOGRADER_TREE);
    symlinkSync(join(ROOT, 'node_modules'), join(tree, 'node_modules'), 'dir');
    writeFileSync(join(tree, 'tsconfig.autograder.json'), JSON.stringify({
      extends: './tsconfig.json', compilerOptions: { noCheck: true, sourceMap: false }, include: ['src/course/run-autograder.ts'],
    }));
    const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.autograder.json'], { cwd: tree, encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    rmSync(join(tree, 'tsconfig.autograder.json'));
    installed = source;
    return source;
  }

  /** A directory laid out like /autograder, with the installed source and this submission. */
  function autograderDir(name: string, submit: (submission: string) => void): string {
    const dir = join(work, name);
    mkdirSync(join(dir, 'submission'), { recursive: true });
    mkdirSync(join(dir, 'results'));
    symlinkSync(install(), join(dir, 'source'), 'dir');
    submit(join(dir, 'submission'));
    return dir;
  }

  it('run_autograder grades a submission offline and writes results.json with execution_time', () => {
    // The student submits the starter as handed out (a zip of the project folder).
    const tree = join(install(), AUTOGRADER_TREE);
    const dir = autograderDir('graded', (submission) =>
      cpSync(tree, join(submission, 'my-pvlab'), { recursive: true, filter: (src) => !/(node_modules|dist|hidden)$/.test(src) }));
    const submission = join(dir, 'submission');

    const run = runAutograder(dir);
    expect(run.status, run.out).toBe(0);
    const r = JSON.parse(readFileSync(join(dir, 'results', 'results.json'), 'utf8')) as GradeResults;
    expect(r.max_score).toBe(A.tests.reduce((s, t) => s + t.points, 0));
    expect(r.score).toBeLessThan(r.max_score);
    expect(r.execution_time).toBeGreaterThanOrEqual(0);
    expect(r.tests.some((t) => t.visibility !== 'visible'), 'the hidden tests ran').toBe(true);
    for (const t of r.tests.filter((x) => x.visibility !== 'visible')) expect(r.output).not.toContain(t.name);
    expect(r.extra_data.changed_outside_assignment).toEqual([]);
    expect(existsSync(join(submission, 'my-pvlab', 'node_modules')), 'grading wrote into the submission').toBe(false);
  }, TIMEOUT);

  it('run_autograder still writes results.json when the submission is not a pvlab tree', () => {
    const bad = autograderDir('not-a-tree', (submission) => writeFileSync(join(submission, 'answers.txt'), 'hello'));
    const run = runAutograder(bad);
    expect(run.status).toBe(1);
    const r = JSON.parse(readFileSync(join(bad, 'results', 'results.json'), 'utf8')) as GradeResults;
    expect(r.score).toBe(0);
    expect(r.output).toMatch(/not a pvlab tree: submit the project folder/);
  });
});
