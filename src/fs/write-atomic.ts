/**
 * File output that never leaves a half-written file: write a temporary file beside the target,
 * flush it, then rename it over the target (a rename within one directory is atomic). Used by
 * every layer that writes user-visible files (CLI outputs, reports, charts), so it lives below
 * them all.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { OutputError, reasonOf } from './output-error.js';

/** The temporary name for `path`: hidden, beside it, unique per process and call (worker threads
 *  share a pid). */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** Write `data` to `path` atomically; OutputError (naming `path`) when it cannot be written. */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const tmp = tempPathFor(path);
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e instanceof OutputError ? e : new OutputError(path, reasonOf(e));
  }
}
