/**
 * The course kit's catalog: one folder per assignment under assignments/, each described by
 * its assignment.json (docs/assignments.md). Nothing here is hard-coded per assignment: adding
 * one is a new folder plus solution markers in the sources it names.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../guest/paths.js';

export class AssignmentError extends Error {}

export type Visibility = 'visible' | 'hidden' | 'after_due_date' | 'after_published';
export const VISIBILITIES: readonly Visibility[] = ['visible', 'hidden', 'after_due_date', 'after_published'];

export interface AssignmentTest {
  /** Relative to the assignment's folder: public/… or hidden/…. */
  file: string;
  /** Points for the whole file, shared equally by its tests. */
  points: number;
  /** Gradescope visibility; default: visible for public/, after_published for hidden/. */
  visibility: Visibility;
  hidden: boolean;
}

export interface Assignment {
  name: string;
  title: string;
  /** One paragraph: what it teaches. */
  teaches: string;
  /** The letter in the course arc of issue #8 (a–f), for ordering. */
  arc: string;
  /** Files (relative to the project root) holding this assignment's solution markers. */
  sources: string[];
  tests: AssignmentTest[];
  /** Steps the export runs after stubbing: `includes` regenerates guests/include/gen/. */
  regenerate: string[];
  /** Absolute path of the assignment's folder. */
  dir: string;
}

export function assignmentsRoot(root = packageRoot()): string {
  return join(root, 'assignments');
}

function fail(where: string, what: string): never {
  throw new AssignmentError(`${where}: ${what}`);
}

function str(o: Record<string, unknown>, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v.trim() === '') fail(where, `"${key}" must be a non-empty string`);
  return v;
}

export function parseAssignment(json: unknown, dir: string, where = join(dir, 'assignment.json')): Assignment {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) fail(where, 'must hold one JSON object');
  const o = json as Record<string, unknown>;
  const name = str(o, 'name', where);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) fail(where, `name ${JSON.stringify(name)} must be lower-case letters, digits and dashes`);
  const sources = o.sources;
  if (!Array.isArray(sources) || sources.some((s) => typeof s !== 'string')) fail(where, '"sources" must be a list of file paths');
  const tests = o.tests;
  if (!Array.isArray(tests) || tests.length === 0) fail(where, '"tests" must be a non-empty list of {file, points}');
  const parsed: AssignmentTest[] = tests.map((t: unknown, i: number) => {
    if (typeof t !== 'object' || t === null) fail(where, `tests[${i}] must be an object`);
    const r = t as Record<string, unknown>;
    const file = str(r, 'file', `${where} tests[${i}]`);
    const hidden = file.startsWith('hidden/');
    if (!hidden && !file.startsWith('public/')) fail(where, `tests[${i}].file ${file} must be under public/ or hidden/`);
    const points = r.points;
    if (typeof points !== 'number' || !(points > 0)) fail(where, `tests[${i}].points must be a positive number`);
    const visibility = (r.visibility ?? (hidden ? 'after_published' : 'visible')) as Visibility;
    if (!VISIBILITIES.includes(visibility)) fail(where, `tests[${i}].visibility must be one of ${VISIBILITIES.join(', ')}`);
    return { file, points, visibility, hidden };
  });
  const regenerate = o.regenerate ?? [];
  if (!Array.isArray(regenerate) || regenerate.some((s) => s !== 'includes')) fail(where, '"regenerate" may only list "includes"');
  return {
    name, title: str(o, 'title', where), teaches: str(o, 'teaches', where), arc: typeof o.arc === 'string' ? o.arc : '',
    sources: sources as string[], tests: parsed, regenerate: regenerate as string[], dir,
  };
}

/** Every assignment under root/assignments, by arc letter then name. */
export function loadAssignments(root = packageRoot()): Assignment[] {
  const base = assignmentsRoot(root);
  if (!existsSync(base)) return [];
  const out: Assignment[] = [];
  for (const entry of readdirSync(base, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = join(base, entry.name);
    const file = join(dir, 'assignment.json');
    if (!existsSync(file)) continue;
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      fail(file, `not valid JSON (${(e as Error).message})`);
    }
    const a = parseAssignment(json, dir, file);
    if (a.name !== entry.name) fail(file, `name ${a.name} differs from its folder ${entry.name}`);
    out.push(a);
  }
  return out.sort((a, b) => (a.arc || 'z').localeCompare(b.arc || 'z') || a.name.localeCompare(b.name));
}

export function assignmentByName(name: string, root = packageRoot()): Assignment {
  const all = loadAssignments(root);
  const a = all.find((x) => x.name === name);
  if (!a) {
    throw new AssignmentError(`unknown assignment ${JSON.stringify(name)}; the assignments are: ${all.map((x) => x.name).join(', ') || '(none)'}`);
  }
  return a;
}

/** Every source file named by some assignment (the files export looks for markers in). */
export function markedSources(all: readonly Assignment[]): string[] {
  return [...new Set(all.flatMap((a) => a.sources))].sort();
}
