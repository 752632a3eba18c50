/**
 * A guest's console output as kept in host memory: bounded, whatever the guest writes. The
 * first half of the bound keeps the beginning (boot messages), the second half a ring of the
 * most recent bytes (a workload's result lines come last); what fell between them is replaced
 * by one marker line saying how many bytes were not kept. Output streamed elsewhere as it is
 * written (a console sink) is not affected: only the copy kept for reading back is bounded.
 *
 * Host memory: at most `limit` bytes of buffers (grown by doubling up to there), one byte per
 * guest byte — a number[] costs 8 to 26.
 */

/** Bytes of console output a VM or a bare board keeps by default: 1 MiB. */
export const CONSOLE_KEEP_BYTES = 1 << 20;

/** The line put where bytes were dropped. */
export function droppedMarker(bytes: number): string {
  return `\n[pvlab: ${bytes} console bytes not kept]\n`;
}

const INITIAL_BYTES = 256;

export class ConsoleLog {
  /** Bytes written in all, kept or not. */
  written = 0;
  private head: Uint8Array;
  private headLen = 0;
  private readonly headLimit: number;
  /** The ring of the latest bytes once the head is full (allocated then). */
  private tail: Uint8Array | null = null;
  private tailLen = 0;
  private tailAt = 0;
  private readonly tailLimit: number;

  constructor(readonly limit = CONSOLE_KEEP_BYTES) {
    if (!Number.isInteger(limit) || limit < 2) throw new RangeError(`a console log keeps at least 2 bytes, not ${limit}`);
    this.headLimit = Math.ceil(limit / 2);
    this.tailLimit = limit - this.headLimit;
    this.head = new Uint8Array(Math.min(INITIAL_BYTES, this.headLimit));
  }

  /** Bytes written but not kept. */
  get dropped(): number {
    return this.written - this.headLen - this.tailLen;
  }

  push(byte: number): void {
    this.written++;
    if (this.headLen < this.headLimit) {
      if (this.headLen === this.head.length) this.head = grown(this.head, this.headLimit);
      this.head[this.headLen++] = byte;
      return;
    }
    const tail = this.tail ?? (this.tail = new Uint8Array(this.tailLimit));
    tail[this.tailAt] = byte;
    this.tailAt = (this.tailAt + 1) % this.tailLimit;
    if (this.tailLen < this.tailLimit) this.tailLen++;
  }

  clear(): void {
    this.written = this.headLen = this.tailLen = this.tailAt = 0;
    this.tail = null;
    this.head = new Uint8Array(Math.min(INITIAL_BYTES, this.headLimit));
  }

  /** What was kept, as latin1 text (one character per byte), with the marker where bytes were
   *  dropped. */
  text(): string {
    const head = Buffer.from(this.head.buffer, this.head.byteOffset, this.headLen).toString('latin1');
    if (this.tail === null) return head;
    const marker = this.dropped > 0 ? droppedMarker(this.dropped) : '';
    return head + marker + Buffer.from(this.tailBytes()).toString('latin1');
  }

  /** The ring's bytes, oldest first. */
  private tailBytes(): Uint8Array {
    const tail = this.tail as Uint8Array;
    if (this.tailLen < this.tailLimit) return tail.subarray(0, this.tailLen);
    const out = new Uint8Array(this.tailLimit);
    out.set(tail.subarray(this.tailAt), 0);
    out.set(tail.subarray(0, this.tailAt), this.tailLimit - this.tailAt);
    return out;
  }
}

function grown(buf: Uint8Array, limit: number): Uint8Array {
  const next = new Uint8Array(Math.min(buf.length * 2, limit));
  next.set(buf);
  return next;
}
