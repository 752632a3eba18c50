/**
 * Main memory: one ArrayBuffer with typed-array views of each width, so the hart can load and
 * store with a single indexed access. A guest of N MiB costs N MiB of host memory (the buffer
 * is zero-filled lazily by the OS) and nothing per byte beyond it.
 *
 * Multi-byte views use the host's byte order; pvlab requires a little-endian host (x86-64 and
 * AArch64 both are), which matches RISC-V. The check below makes a big-endian host fail loudly.
 */
import { PAGE_SHIFT, PAGE_SIZE } from '../isa/csr.js';
import type { AccessWidth, Device } from './device.js';

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error('pvlab requires a little-endian host');
}

/** What RAM tells each hart's code cache (code-cache.ts). */
export interface WriteWatcher {
  /** Something wrote `page`, which code was translated from: discard those translations. */
  codeWritten(page: number): void;
  /** Drop every fast-path store mapping of the page at RAM offset `pageOff`. */
  dropStoresTo(pageOff: number): void;
}

export class Ram implements Device {
  readonly name = 'ram';
  readonly buffer: ArrayBuffer;
  readonly u8: Uint8Array;
  readonly i8: Int8Array;
  readonly u16: Uint16Array;
  readonly i16: Int16Array;
  readonly i32: Int32Array;
  /** One flag per 4 KiB page: translated code was made from this page (see code-cache.ts). */
  readonly codePages: Uint8Array;
  /**
   * Per 4 KiB page: how many harts hold an LR reservation in it (boards of several harts only,
   * reservations.ts). Like a code page, it is never mapped for fast-path stores, so every write
   * to it reaches noteWrite and can break the other harts' reservations.
   */
  readonly reservedPages: Uint16Array;
  /** Called with every write to a page in reservedPages. */
  onReservedWrite: ((offset: number, len: number) => void) | null = null;
  /** Each hart's code cache and store TLB (one per hart): told when code goes stale. */
  private readonly watchers: WriteWatcher[] = [];

  constructor(readonly size: number) {
    if (size <= 0 || size % PAGE_SIZE !== 0) throw new Error(`RAM size ${size} must be a positive multiple of 4 KiB`);
    this.buffer = new ArrayBuffer(size);
    this.u8 = new Uint8Array(this.buffer);
    this.i8 = new Int8Array(this.buffer);
    this.u16 = new Uint16Array(this.buffer);
    this.i16 = new Int16Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
    this.codePages = new Uint8Array(size / PAGE_SIZE);
    this.reservedPages = new Uint16Array(size / PAGE_SIZE);
  }

  /** A hart's code cache joins: it hears of writes to code pages, and its TLB of new ones. */
  addWatcher(watcher: WriteWatcher): void {
    this.watchers.push(watcher);
  }

  /** Translated code was made from `page`: from now on every hart's stores to it take the
   *  slow path, which reports them. */
  markCode(page: number): void {
    if (this.codePages[page] !== 0) return;
    this.codePages[page] = 1;
    this.dropStoresTo(page);
  }

  /** Every hart forgets its fast-path store mappings of `page` (a RAM page index). */
  dropStoresTo(page: number): void {
    for (const w of this.watchers) w.dropStoresTo(page << PAGE_SHIFT);
  }

  /** Every write that does not come from a hart's TLB fast path reports here. The fast path
   *  never maps a code page or a reserved page for stores, so together they see every write. */
  noteWrite(offset: number, len: number): void {
    const first = offset >>> PAGE_SHIFT;
    const last = (offset + len - 1) >>> PAGE_SHIFT;
    for (let page = first; page <= last; page++) {
      if (this.codePages[page] !== 0) {
        // Every hart's translations of the page go: another hart may have written its code.
        for (const w of this.watchers) w.codeWritten(page);
      }
      if (this.reservedPages[page] !== 0) this.onReservedWrite?.(offset, len);
    }
  }

  read(offset: number, width: AccessWidth): number {
    switch (width) {
      case 1: return this.u8[offset] as number;
      case 2: return this.u16[offset >>> 1] as number;
      case 4: return (this.i32[offset >>> 2] as number) >>> 0;
    }
  }

  write(offset: number, width: AccessWidth, value: number): void {
    this.noteWrite(offset, width);
    switch (width) {
      case 1: this.u8[offset] = value; break;
      case 2: this.u16[offset >>> 1] = value; break;
      case 4: this.i32[offset >>> 2] = value; break;
    }
  }

  /** Copy bytes in at a RAM offset (loaders). */
  load(offset: number, bytes: Uint8Array): void {
    if (offset < 0 || offset + bytes.length > this.size) {
      throw new RangeError(`${bytes.length} bytes at RAM offset 0x${offset.toString(16)} do not fit in ${this.size} bytes of RAM`);
    }
    this.noteWrite(offset, bytes.length);
    this.u8.set(bytes, offset);
  }
}
