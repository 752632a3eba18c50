/**
 * `pvlab assignment autograder <name> <zip>`: a ready Gradescope autograder for one assignment
 * (docs/assignments.md, "A Gradescope autograder"), and the grading it runs for each submission.
 *
 * The zip holds, at its root, Gradescope's two scripts and `pvlab/`: the assignment's starter
 * tree (what students get, so no reference solution travels with it) plus the assignment's
 * hidden tests. `setup.sh` runs once, when Gradescope builds the image (with network): Node.js,
 * the system libraries and `npm ci` + build in `pvlab/`. `run_autograder` runs per submission
 * and needs no network: it grades /autograder/submission with the installed pvlab
 * (gradeSubmission below) and writes /autograder/results/results.json, execution_time included.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { packageRoot } from '../guest/paths.js';
import { AssignmentError, assignmentByName, type Assignment } from './assignments.js';
import { exportAssignment, inside } from './export.js';
import { gradeAssignment, summary, writeResults, type GradeResults } from './grade.js';
import { zip, type ZipEntry } from './zip.js';

/** Where the pvlab tree sits inside the autograder (and so in /autograder/source). */
export const AUTOGRADER_TREE = 'pvlab';
const EXECUTABLE = 0o755;
const READABLE = 0o644;
/** The oldest Node.js pvlab runs on (package.json "engines"). */
const NODE_MAJOR_MIN = 20;

export interface AutograderResult {
  assignment: Assignment;
  zip: string;
  files: number;
  bytes: number;
}

/**
 * Build the autograder zip of assignment `name` at `zipPath`, from this checkout (or `root`).
 * The Node.js that setup.sh installs is the version running this (when it is new enough).
 */
export function buildAutograder(name: string, zipPath: string, opts: { root?: string } = {}): AutograderResult {
  const root = resolve(opts.root ?? packageRoot());
  const a = assignmentByName(name, root);
  const out = resolve(zipPath);
  if (inside(out, root)) {
    // It holds the hidden tests, and a later export would hand every file of the project to students.
    throw new AssignmentError(`${zipPath}: write the autograder outside the project (${root}), e.g. to /tmp/${name}-autograder.zip`);
  }
  const work = mkdtempSync(join(tmpdir(), 'pvlab-autograder-'));
  try {
    const tree = join(work, AUTOGRADER_TREE);
    exportAssignment(name, tree, { root });
    const hidden = join(a.dir, 'hidden');
    if (existsSync(hidden)) cpSync(hidden, join(tree, 'assignments', a.name, 'hidden'), { recursive: true });
    const entries: ZipEntry[] = [
      { name: 'setup.sh', data: Buffer.from(setupScript()), mode: EXECUTABLE },
      { name: 'run_autograder', data: Buffer.from(runScript(a.name)), mode: EXECUTABLE },
      ...treeEntries(tree, AUTOGRADER_TREE),
    ];
    const bytes = zip(entries);
    mkdirSync(dirname(out), { recursive: true });
    const tmp = `${out}.${process.pid}.tmp`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, out);
    return { assignment: a, zip: out, files: entries.length, bytes: bytes.length };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Every file under `dir`, named `prefix/…` with '/' separators, sorted, permissions kept. */
function treeEntries(dir: string, prefix: string): ZipEntry[] {
  const out: ZipEntry[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((x, y) => x.name.localeCompare(y.name))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        const name = `${prefix}/${relative(dir, p).split(sep).join('/')}`;
        out.push({ name, data: readFileSync(p), mode: statSync(p).mode & EXECUTABLE ? EXECUTABLE : READABLE });
      }
    }
  };
  walk(dir);
  return out;
}

/** The Node.js version setup.sh installs: this one, or the newest 20.x pvlab was checked on. */
function nodeVersion(): string {
  const [major] = process.versions.node.split('.');
  return Number(major) >= NODE_MAJOR_MIN ? process.versions.node : '20.20.2';
}

/** Gradescope's setup.sh: runs once, as root, while the image is built (network available). */
export function setupScript(version = nodeVersion()): string {
  return `#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder's image (with network).
# It installs everything grading needs, so that run_autograder works offline: Node.js
# ${version} (the official build, checked against its published SHA-256), the system
# libraries of pvlab's charts and pvlab itself (npm ci, build) — scripts/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/${AUTOGRADER_TREE}"

NODE_VERSION=${version}
if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= ${NODE_MAJOR_MIN} ? 0 : 1)' 2>/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends ca-certificates curl xz-utils >/dev/null
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64) arch=arm64 ;;
    *) echo "setup.sh: no Node.js build for $(uname -m)" >&2; exit 1 ;;
  esac
  tarball="node-v$NODE_VERSION-linux-$arch.tar.xz"
  base="https://nodejs.org/dist/v$NODE_VERSION"
  tmp=$(mktemp -d)
  curl -fsSL "$base/$tarball" -o "$tmp/$tarball"
  curl -fsSL "$base/SHASUMS256.txt" -o "$tmp/SHASUMS256.txt"
  (cd "$tmp" && grep " $tarball\\$" SHASUMS256.txt | sha256sum -c -)
  tar -xJf "$tmp/$tarball" -C /usr/local --strip-components=1
  rm -rf "$tmp"
fi

bash scripts/setup.sh
`;
}

/** Gradescope's run_autograder: runs per submission, offline. */
export function runScript(name: string): string {
  return `#!/usr/bin/env bash
# Gradescope runs this for every submission, with no network needed: grade the submitted pvlab
# tree (/autograder/submission) on assignment ${name}'s public and hidden tests, with the pvlab
# setup.sh installed, and write /autograder/results/results.json. AUTOGRADER names another
# directory laid out like /autograder (source/, submission/, results/), to try it locally.
set -uo pipefail
AUTOGRADER=\${AUTOGRADER:-/autograder}
exec node "$AUTOGRADER/source/${AUTOGRADER_TREE}/dist/src/course/run-autograder.js" ${name} "$AUTOGRADER"
`;
}

/** What is wrong with a submission itself: safe, and useful, to show the student. */
export class SubmissionError extends AssignmentError {}

const isTree = (dir: string): boolean => existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'guests'));

/**
 * The pvlab tree in a submission: the submission itself, or its one folder that is a tree (a
 * zip of the project folder, or a repository with it inside).
 */
export function findTree(submission: string): string {
  if (isTree(submission)) return submission;
  const inside = existsSync(submission)
    ? readdirSync(submission, { withFileTypes: true }).filter((e) => e.isDirectory() && isTree(join(submission, e.name)))
    : [];
  if (inside.length === 1) return join(submission, (inside[0] as { name: string }).name);
  throw new SubmissionError('the submission is not a pvlab tree: submit the project folder (the one with package.json and guests/), '
    + `as handed out${inside.length > 1 ? ` — this one holds ${inside.length} of them` : ''}`);
}

/** Directories of a submission that grading must not use: build output, installed packages. */
const NOT_COPIED = new Set(['node_modules', 'dist', '.git']);

export interface SubmissionOptions {
  name: string;
  /** The student's files (/autograder/submission). */
  submission: string;
  /** Where results.json goes (/autograder/results/results.json). */
  results: string;
  /** The installed grader tree (/autograder/source/pvlab): tests, node_modules. */
  root: string;
}

/**
 * Grade one submission: copy its tree into a scratch directory (without build output or
 * packages) with the grader's node_modules linked in, grade it, and write results.json. When
 * the submission cannot be graded, results.json still says why (a score of 0), as Gradescope
 * asks of an autograder.
 */
export async function gradeSubmission(opts: SubmissionOptions): Promise<GradeResults> {
  const started = performance.now();
  const work = mkdtempSync(join(tmpdir(), 'pvlab-submission-'));
  let a: Assignment | undefined;
  try {
    a = assignmentByName(opts.name, opts.root);
    const tree = join(work, 'tree');
    cpSync(findTree(opts.submission), tree, { recursive: true, filter: (src) => !NOT_COPIED.has(src.split(sep).pop() ?? '') });
    symlinkSync(join(opts.root, 'node_modules'), join(tree, 'node_modules'), 'dir');
    const r = await gradeAssignment(a.name, { dir: tree, root: opts.root });
    writeResults(opts.results, r);
    process.stdout.write(summary(a, r));
    return r;
  } catch (e) {
    // Only a problem of the submission itself is shown to the student: anything else (vitest's
    // own output, say) could name hidden tests. The whole error goes to the instructor's log.
    const why = e instanceof SubmissionError ? e.message : 'the grader failed; your instructor has the details';
    writeResults(opts.results, notGraded(opts.name, a, why, started));
    throw e;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** results.json for a submission that could not be graded: 0 points and why. */
function notGraded(name: string, a: Assignment | undefined, why: string, started: number): GradeResults {
  return {
    score: 0, max_score: a ? a.tests.reduce((s, t) => s + t.points, 0) : 0,
    execution_time: Math.round((performance.now() - started) / 1000),
    output: `${a ? `${a.name} — ${a.title}` : name}\nThe autograder could not grade this submission: ${why}\n`,
    visibility: 'visible', stdout_visibility: 'hidden', tests: [], extra_data: { changed_outside_assignment: [] },
  };
}
