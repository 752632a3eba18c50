/**
 * A file or directory pvlab was asked to write cannot be written (no such directory, not a
 * directory, no permission, disk full). The message names the path the user gave, never a
 * temporary file's name, so the CLI can print it as one line.
 */
export class OutputError extends Error {
  constructor(readonly path: string, reason: string) {
    super(`cannot write ${path}: ${reason}`);
    this.name = 'OutputError';
  }
}

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such directory',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EEXIST: 'it already exists',
};

/** A file-system error as a short reason ("permission denied"), else its own message. */
export function reasonOf(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined && REASONS[code] !== undefined) return REASONS[code];
  return e instanceof Error ? e.message : String(e);
}
