/**
 * Guest console to the terminal: bytes are gathered and written a line (or a few KiB) at a
 * time, so a chatty guest costs a handful of writes rather than one system call per byte.
 */
const FLUSH_AT = 4096;
const NEWLINE = 0x0a;

export class ConsoleStream {
  private buf: number[] = [];

  constructor(private readonly out: NodeJS.WritableStream = process.stdout) {}

  readonly put = (byte: number): void => {
    this.buf.push(byte);
    if (byte === NEWLINE || this.buf.length >= FLUSH_AT) this.flush();
  };

  flush(): void {
    if (this.buf.length === 0) return;
    this.out.write(Uint8Array.from(this.buf));
    this.buf = [];
  }
}
