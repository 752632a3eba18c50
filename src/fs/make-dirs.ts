/**
 * `mkdir -p` that fails instead of spinning: Node's `mkdirSync(p, { recursive: true })` loops
 * forever on some paths (e.g. under /proc, where mkdir answers ENOENT for a parent that exists).
 * Here each missing level is made on its own, after checking that the deepest existing ancestor
 * is a directory, so every failure is one OutputError naming the path.
 */
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { OutputError, reasonOf } from './output-error.js';

function isDirectory(path: string): boolean | undefined {
  try {
    return statSync(path).isDirectory();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new OutputError(path, reasonOf(e));
  }
}

/** Make `path` and any missing parents; OutputError when that cannot be done. */
export function makeDirs(path: string): void {
  const missing: string[] = [];
  let at = resolve(path);
  for (let kind = isDirectory(at); kind === undefined; kind = isDirectory(at)) {
    missing.unshift(at);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  if (isDirectory(at) === false) throw new OutputError(path, `${at} is a file, not a directory`);
  for (const dir of missing) {
    try {
      mkdirSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new OutputError(path, reasonOf(e));
    }
  }
}

/** Make `path` (as makeDirs) and check that files can be created in it. */
export function ensureWritableDir(path: string): void {
  makeDirs(path);
  try {
    accessSync(path, constants.W_OK | constants.X_OK);
  } catch (e) {
    throw new OutputError(path, reasonOf(e));
  }
}
