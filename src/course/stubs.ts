/**
 * Starter code, kept beside its assignment instead of inside the core (issue 12): for each source
 * an assignment lists, `assignments/<name>/stubs/<source>.stub` holds what each of its solution
 * regions becomes in the exported starter tree. A reader of the core sees only code between
 * marker lines; an instructor editing a stub sees it uncommented, as students will.
 *
 * Format: a header (comment lines, ignored) up to the first `@@ <label>` line; then each stub as
 * a `@@ <label>` line — the label its region's BEGIN line gives — followed by the stub's lines
 * exactly as they go into the starter. A region without a stub becomes one TODO comment.
 *
 *     # Starter code for guests/kernel/pv.S (assignment batching).
 *     @@ step 1: gather updates, submit pv_mmu_batch at a time
 *             # TODO: …
 *             j       mmu_flush_now
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MarkerError } from './markers.js';

/** Stub lines by region label. */
export type Stubs = ReadonlyMap<string, readonly string[]>;

const STUB_LINE = /^@@ (.*)$/;

/** Where the stubs of `source` for the assignment in `assignmentDir` live. */
export function stubFile(assignmentDir: string, source: string): string {
  return join(assignmentDir, 'stubs', `${source}.stub`);
}

/** The stubs in a stub file's text. */
export function parseStubs(text: string, file = '<stubs>'): Stubs {
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  const stubs = new Map<string, string[]>();
  let current: string[] | null = null;
  lines.forEach((line, i) => {
    const m = STUB_LINE.exec(line);
    if (m) {
      const label = (m[1] as string).trim();
      if (stubs.has(label)) throw new MarkerError(`${file}:${i + 1}: a second stub for "${label}"`);
      current = [];
      stubs.set(label, current);
    } else if (current) {
      current.push(line);
    }
  });
  return stubs;
}

/** The stubs of `source` for an assignment; none when it keeps no stub file for it. */
export function loadStubs(assignmentDir: string, source: string): Stubs {
  const file = stubFile(assignmentDir, source);
  return existsSync(file) ? parseStubs(readFileSync(file, 'utf8'), file) : new Map();
}

/** A stub file's text: the header, then each stub under its label. */
export function formatStubs(header: readonly string[], stubs: Stubs): string {
  return [...header, ...[...stubs].flatMap(([label, lines]) => [`@@ ${label}`, ...lines])].join('\n') + '\n';
}
