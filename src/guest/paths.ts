/**
 * Where pvlab's own files are (guests/, experiments/), whether it runs from the compiled
 * dist/ tree or from the TypeScript sources under test.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function packageRoot(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'guests'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the pvlab package root (package.json beside guests/)');
    dir = up;
  }
  cached = dir;
  return dir;
}

export function guestPath(...parts: string[]): string {
  return join(packageRoot(), 'guests', ...parts);
}
