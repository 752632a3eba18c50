/**
 * `pvlab assignment export <name> <dir>`: a standalone starter tree for one assignment — the
 * whole project, with that assignment's solution regions replaced by their TODO stubs, every
 * other assignment's regions reduced to their (reference) code, the hidden tests and the other
 * assignments' folders left out, and a README that keeps the project's two commands
 * (docs/assignments.md, "Exporting").
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync,
  symlinkSync, writeFileSync,
} from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { packageRoot } from '../guest/paths.js';
import { AssignmentError, assignmentByName, loadAssignments, markedSources, type Assignment } from './assignments.js';
import { applyMarkers, findRegions, MarkerError } from './markers.js';
import { loadStubs, stubFile } from './stubs.js';

/** Never copied into an export (besides other assignments and hidden tests). */
const EXCLUDED_DIRS = ['node_modules', 'dist', 'reports', '.git', 'test/course'];

export interface ExportOptions {
  force?: boolean;
  /** The checkout to export from (default: this one). */
  root?: string;
}

export interface ExportResult {
  assignment: Assignment;
  dir: string;
  files: number;
  /** Solution regions replaced by stubs, by file. */
  stubbed: Record<string, number>;
}

/** The project's files, relative to root: git's view (tracked and untracked-not-ignored) when
 *  root is a git work tree, else a walk. */
export function projectFiles(root: string): string[] {
  let files: string[] | null = null;
  if (existsSync(join(root, '.git'))) {
    const r = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' });
    if (r.status === 0) files = r.stdout.split('\0').filter((f) => f !== '');
  }
  if (files === null) {
    files = [];
    const walk = (rel: string): void => {
      for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
        const p = rel === '' ? e.name : `${rel}/${e.name}`;
        if (e.isDirectory()) {
          if (!EXCLUDED_DIRS.includes(p) && !e.name.startsWith('.git')) walk(p);
        } else if (e.isFile()) {
          files?.push(p);
        }
      }
    };
    walk('');
  }
  return [...new Set(files)].filter((f) => existsSync(join(root, f)) && statSync(join(root, f)).isFile()).sort();
}

/** Whether a project file belongs in the export of assignment `name`. */
export function exported(file: string, name: string): boolean {
  const f = file.split(sep).join('/');
  if (EXCLUDED_DIRS.some((d) => f === d || f.startsWith(`${d}/`))) return false;
  if (f === 'reports/.gitkeep') return false;
  const m = /^assignments\/([^/]+)\/(.*)$/.exec(f);
  // Hidden tests stay with the grader; the stubs are already in place in the starter's sources.
  if (m) return m[1] === name && !(m[2] as string).startsWith('hidden/') && !(m[2] as string).startsWith('stubs/');
  return true;
}

function isEmptyDir(dir: string): boolean {
  return readdirSync(dir).length === 0;
}

/** Whether `child` is `parent` or lies below it. */
export function inside(child: string, parent: string): boolean {
  const r = relative(parent, child);
  return r === '' || (r !== '..' && !r.startsWith(`..${sep}`) && !isAbsolute(r));
}

export function exportAssignment(name: string, dirArg: string, opts: ExportOptions = {}): ExportResult {
  const root = resolve(opts.root ?? packageRoot());
  const a = assignmentByName(name, root);
  const all = loadAssignments(root);
  const dir = resolve(dirArg);
  if (inside(dir, root) || inside(root, dir)) {
    throw new AssignmentError(`${dirArg}: export outside the project (${root}), e.g. to /tmp/${name}`);
  }
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new AssignmentError(`${dirArg} exists and is not a directory`);
    if (!isEmptyDir(dir) && !opts.force) throw new AssignmentError(`${dirArg} is not empty (use --force to replace it)`);
  }

  const marked = new Set(markedSources(all));
  for (const s of a.sources) {
    if (!existsSync(join(root, s))) throw new AssignmentError(`${a.name}: source ${s} does not exist`);
  }
  const files = projectFiles(root).filter((f) => exported(f, a.name));
  const tmp = `${dir}.export-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const stubbed: Record<string, number> = {};
  try {
    for (const f of files) {
      const from = join(root, f);
      const to = join(tmp, f);
      mkdirSync(dirname(to), { recursive: true });
      if (marked.has(f)) {
        const text = readFileSync(from, 'utf8');
        let r: { text: string; stubbed: number };
        try {
          r = applyMarkers(text, a.name, f, a.sources.includes(f) ? loadStubs(a.dir, f) : new Map());
        } catch (e) {
          if (e instanceof MarkerError) throw new AssignmentError(e.message);
          throw e;
        }
        writeFileSync(to, r.text);
        chmodSync(to, statSync(from).mode & 0o777);
        if (r.stubbed > 0) stubbed[f] = r.stubbed;
      } else {
        copyFileSync(from, to);
        chmodSync(to, statSync(from).mode & 0o777);
      }
    }
    for (const s of a.sources) {
      if (!stubbed[s]) throw new AssignmentError(`${a.name}: ${s} has no "ASSIGNMENT ${a.name} BEGIN" region`);
    }
    writeVitestConfig(tmp, a);
    writeReadme(tmp, a);
    if (a.regenerate.includes('includes')) regenerateIncludes(tmp, root);
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    mkdirSync(dirname(dir), { recursive: true });
    renameSync(tmp, dir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return { assignment: a, dir, files: files.length, stubbed };
}

/**
 * `npm test` in the export also runs the assignment's public tests. The project's config names
 * the course's tests in one line (`const ASSIGNMENT_TESTS = [...]`), which becomes this
 * assignment's public folder; an older config without it gets the glob added to its include.
 */
function writeVitestConfig(tree: string, a: Assignment): void {
  const path = join(tree, 'vitest.config.ts');
  const glob = `'assignments/${a.name}/public/**/*.test.ts'`;
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const named = /const ASSIGNMENT_TESTS = \[[^\]]*\];/;
  const m = /include:\s*\[([^\]]*)\]/.exec(text);
  const next = named.test(text)
    ? text.replace(named, `const ASSIGNMENT_TESTS = [${glob}];`)
    : m
      ? text.replace(m[0], `include: [${(m[1] as string).trim().replace(/,\s*$/, '')}, ${glob}]`)
      : `import { defineConfig } from 'vitest/config';\n\nexport default defineConfig({\n  test: {\n    include: ['test/**/*.test.ts', ${glob}],\n    testTimeout: 120_000,\n  },\n});\n`;
  writeFileSync(path, next);
}

function writeReadme(tree: string, a: Assignment): void {
  const path = join(tree, 'README.md');
  const original = existsSync(path) ? readFileSync(path, 'utf8') : '# pvlab\n';
  const regions = a.sources.map((s) => `\`${s}\``).join(', ');
  const header = [
    `# Assignment: ${a.title}`,
    '',
    `This is the pvlab project as handed out for the assignment **${a.name}**. Read`,
    `[the handout](assignments/${a.name}/handout.md) first. Your work goes where the source says`,
    `\`TODO(assignment ${a.name}, …)\` — in ${regions}.`,
    '',
    'Set up and run the main job, exactly as for the project:',
    '',
    '```sh',
    'bash scripts/setup.sh && npm start',
    '```',
    '',
    `Run the tests — the project's own and the assignment's public tests (\`assignments/${a.name}/public/\`);`,
    'those fail, naming what is missing, until your solution is complete:',
    '',
    '```sh',
    'npm test',
    '```',
    '',
    `Only the assignment's public tests: \`npx vitest run assignments/${a.name}/public\`. Your grade`,
    'also counts hidden tests of the same kind, run by your instructor on simulated counters only,',
    'so it is the same on every machine.',
    '',
    '---',
    '',
  ].join('\n');
  writeFileSync(path, header + original);
}

/**
 * Regenerate guests/include/gen/ in the exported tree from the tree's own (stubbed) tables:
 * compile its generator with this checkout's TypeScript, run it there, and clean up.
 */
function regenerateIncludes(tree: string, root: string): void {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!existsSync(tsc)) throw new AssignmentError(`cannot regenerate the guest includes: ${tsc} is missing (run npm ci)`);
  const nm = join(tree, 'node_modules');
  const linked = !existsSync(nm);
  if (linked) symlinkSync(join(root, 'node_modules'), nm, 'dir');
  const out = '.course-gen';
  const cfg = join(tree, 'tsconfig.course-gen.json');
  try {
    writeFileSync(cfg, JSON.stringify({
      extends: './tsconfig.json',
      // Emit only: the generator's types are the tree's own business (its npm test checks
      // them), and skipping the check makes an export a few seconds instead of ten.
      compilerOptions: { outDir: out, sourceMap: false, noUnusedLocals: false, noCheck: true },
      include: ['scripts/gen-includes.ts'],
    }));
    const c = spawnSync(process.execPath, [tsc, '-p', cfg], { cwd: tree, encoding: 'utf8' });
    if (c.status !== 0) throw new AssignmentError(`the exported tree does not compile (regenerating its guest includes):\n${c.stdout}${c.stderr}`);
    const g = spawnSync(process.execPath, [join(tree, out, 'scripts', 'gen-includes.js')], { cwd: tree, encoding: 'utf8' });
    if (g.status !== 0) throw new AssignmentError(`regenerating the guest includes failed:\n${g.stdout}${g.stderr}`);
  } finally {
    rmSync(cfg, { force: true });
    rmSync(join(tree, out), { recursive: true, force: true });
    if (linked) rmSync(nm, { force: true });
  }
}

/** Every marker region of every assignment, checked: balanced, named after a known assignment,
 *  and only in the files that assignment lists. Returns problems as text (empty: all fine). */
export function checkMarkers(root = packageRoot()): string[] {
  const all = loadAssignments(root);
  const names = new Set(all.map((a) => a.name));
  const problems: string[] = [];
  for (const f of markedSources(all)) {
    const path = join(root, f);
    if (!existsSync(path)) { problems.push(`${f}: listed by an assignment but missing`); continue; }
    try {
      const text = readFileSync(path, 'utf8');
      for (const r of findRegions(text, f)) {
        if (!names.has(r.assignment)) problems.push(`${f}:${r.begin}: region of unknown assignment ${r.assignment}`);
        else if (!all.find((a) => a.name === r.assignment)?.sources.includes(f)) problems.push(`${f}:${r.begin}: ${r.assignment} does not list this file in its sources`);
      }
      // Every stub names a region of its assignment in this file.
      for (const a of all.filter((x) => x.sources.includes(f))) applyMarkers(text, a.name, f, loadStubs(a.dir, f));
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  for (const a of all) {
    for (const stub of projectFiles(a.dir).filter((x) => x.startsWith('stubs/'))) {
      const source = stub.slice('stubs/'.length).replace(/\.stub$/, '');
      if (!stub.endsWith('.stub') || stubFile(a.dir, source) !== join(a.dir, stub) || !a.sources.includes(source)) problems.push(`${a.name}: ${stub} is not the stub file of one of its sources`);
    }
    for (const t of a.tests) if (!existsSync(join(a.dir, t.file))) problems.push(`${a.name}: test file ${t.file} is missing`);
    if (!existsSync(join(a.dir, 'handout.md'))) problems.push(`${a.name}: handout.md is missing`);
  }
  return problems;
}
