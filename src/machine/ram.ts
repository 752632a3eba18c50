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

/**
 * Buffers of released RAMs, all zero again, by size. A suite boots hundreds of guests of
 * 128 MiB each; a fresh ArrayBuffer that large makes V8 collect garbage at once (external
 * memory pressure), which cost most of a short run's host time. A released RAM zeroes only the
 * pages any write reached (`written`), so the next one starts as a fresh one would.
 */
interface Spare {
  buffer: ArrayBuffer;
  written: Uint8Array;
}
const spares = new Map<number, Spare[]>();
/** Spare buffers kept per size: a run has two VMs at most at once, a mixed cell a few. */
const SPARES_PER_SIZE = 4;

export interface RamOptions {
  /**
   * Whether every write reaches noteWrite or a hart's store TLB (guest RAM); false for memory
   * the hypervisor writes through its own views (the shadow-table pool), which a release zeroes
   * whole.
   */
  writesTracked?: boolean;
}

export class Ram implements Device {
  /** Tests: release() throws when the RAM holds data its write tracking did not see (which
   *  the recycled buffer would carry to the next RAM). Reads the whole RAM on every release. */
  static checkReleases = false;

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
  /**
   * Per 4 KiB page: a write may have reached it — through noteWrite, or a store TLB entry a hart
   * filled for it (Hart.translate), which together see every write to a tracked RAM. What
   * release() zeroes.
   */
  readonly written: Uint8Array;
  private readonly writesTracked: boolean;
  private released = false;
  /** Each hart's code cache and store TLB (one per hart): told when code goes stale. */
  private readonly watchers: WriteWatcher[] = [];

  constructor(readonly size: number, options: RamOptions = {}) {
    if (size <= 0 || size % PAGE_SIZE !== 0) throw new Error(`RAM size ${size} must be a positive multiple of 4 KiB`);
    const spare = spares.get(size)?.pop();
    this.buffer = spare?.buffer ?? new ArrayBuffer(size);
    this.written = spare?.written ?? new Uint8Array(size / PAGE_SIZE);
    this.writesTracked = options.writesTracked ?? true;
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
      this.written[page] = 1;
      if (this.codePages[page] !== 0) {
        // Every hart's translations of the page go: another hart may have written its code.
        for (const w of this.watchers) w.codeWritten(page);
      }
      if (this.reservedPages[page] !== 0) this.onReservedWrite?.(offset, len);
    }
  }

  /**
   * The RAM's owner is done with it (the run is over and nothing reads it again): its buffer,
   * zeroed, goes to the next RAM of its size. Using the RAM afterwards is a bug; a RAM never
   * released is simply collected.
   */
  release(): void {
    if (this.released) return;
    if (Ram.checkReleases && this.writesTracked) {
      const untracked = this.untrackedPages();
      if (untracked.length > 0) throw new Error(`Ram.release: ${untracked.length} pages hold data no tracked write put there, the first at offset 0x${((untracked[0] as number) << PAGE_SHIFT).toString(16)}`);
    }
    this.released = true;
    const written = this.written;
    if (!this.writesTracked) {
      this.u8.fill(0);
    } else {
      // Runs of written pages, each zeroed by one fill.
      for (let page = 0; page < written.length; page++) {
        if (written[page] === 0) continue;
        const first = page;
        while (page < written.length && written[page] !== 0) page++;
        this.u8.fill(0, first << PAGE_SHIFT, page << PAGE_SHIFT);
      }
    }
    written.fill(0);
    const list = spares.get(this.size) ?? [];
    if (list.length < SPARES_PER_SIZE) {
      list.push({ buffer: this.buffer, written });
      spares.set(this.size, list);
    }
  }

  /** Pages holding a non-zero byte that no write was seen to reach: [] unless a writer bypasses
   *  the tracking release() relies on (for tests; reads the whole RAM). */
  untrackedPages(): number[] {
    const out: number[] = [];
    const words = PAGE_SIZE / 4;
    for (let page = 0; page < this.written.length; page++) {
      if (this.written[page] !== 0) continue;
      for (let i = page * words; i < (page + 1) * words; i++) {
        if (this.i32[i] !== 0) {
          out.push(page);
          break;
        }
      }
    }
    return out;
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
