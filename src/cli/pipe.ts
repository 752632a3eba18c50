/**
 * `pvlab list | head -1`: when the reader of a pipe goes away, writing to it fails with EPIPE.
 * A command-line tool then stops quietly, as if killed by SIGPIPE, instead of dying with a stack
 * trace from an unhandled 'error' event.
 */

/** Exit status of a process ended by SIGPIPE (128 + 13), what shells report for `yes | head`. */
export const BROKEN_PIPE_STATUS = 141;

export function quietOnClosedPipe(stream: NodeJS.WriteStream, exit: (code: number) => void = (c) => process.exit(c)): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') {
      exit(BROKEN_PIPE_STATUS);
      return;
    }
    throw e;
  });
}
