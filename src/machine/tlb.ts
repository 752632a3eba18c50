/**
 * The software TLB: direct-mapped, one set of arrays per access type (fetch, load, store) and
 * per effective privilege (U, S, M, and with the H extension VU and VS). Keeping a set per
 * privilege means a trap or xRET only switches which arrays the hart looks at — it never has
 * to flush — while changes of satp, vsatp, hgatp, SUM, MXR or MPRV, and the fences,
 * invalidate.
 *
 * An entry caches only a RAM page: tag = the virtual page's address (vpn << 12, so that
 * translated code compares an address masked to its page, with the alignment bits of the
 * access kept, in one go), value = byte offset of the physical page within RAM. Under V=1 that is the combined translation of both stages, guest
 * virtual to host physical, as a real TLB caches it. Device pages are never cached, so every MMIO access reaches the
 * bus. An entry for stores exists only once the walk has set PTE.D, and for loads/fetches once
 * it has set PTE.A, so a hit never needs to touch the page table.
 */
import { PAGE_SHIFT, Priv, type PrivLevel } from '../isa/csr.js';

export const TLB_ENTRIES = 256;
/** The tag of virtual page `vpn`: its address, as an int32. */
export const tagOf = (vpn: number): number => (vpn << PAGE_SHIFT) | 0;
export const TLB_MASK = TLB_ENTRIES - 1;
const INVALID = -1;

/**
 * Where each array of a set sits in its one Int32Array (`TlbSet.entries`), in entries.
 * Translated code indexes the data arrays of one `entries` object: every typed array a
 * V8-compiled function touches costs it a type and bounds check per straight run, so one
 * array for the four is cheaper than four.
 */
export const TLB_LAYOUT = {
  fetchTag: 0, fetchOff: TLB_ENTRIES, loadTag: 2 * TLB_ENTRIES, loadOff: 3 * TLB_ENTRIES,
  storeTag: 4 * TLB_ENTRIES, storeOff: 5 * TLB_ENTRIES,
} as const;
const SET_SIZE = 6 * TLB_ENTRIES;
/** Fills a set remembers for its next flush (tlb.ts, TlbSet.dirty). */
const DIRTY_MAX = 64;

export class TlbSet {
  readonly entries = new Int32Array(SET_SIZE);
  readonly fetchTag = this.view(TLB_LAYOUT.fetchTag);
  readonly fetchOff = this.view(TLB_LAYOUT.fetchOff);
  readonly loadTag = this.view(TLB_LAYOUT.loadTag);
  readonly loadOff = this.view(TLB_LAYOUT.loadOff);
  readonly storeTag = this.view(TLB_LAYOUT.storeTag);
  readonly storeOff = this.view(TLB_LAYOUT.storeOff);

  /**
   * Where in `entries` the tags filled since the last flush are, so that a flush rewrites those
   * and not the whole set: presets without VPIDs flush at every world switch, and a set rarely
   * holds more than a few dozen entries between two. Past DIRTY_MAX fills, a flush rewrites all.
   */
  private readonly dirty = new Int32Array(DIRTY_MAX);
  private dirtyCount = DIRTY_MAX + 1;

  constructor() {
    this.flush();
  }

  private view(at: number): Int32Array {
    return this.entries.subarray(at, at + TLB_ENTRIES);
  }

  /** Caches `tag` → `pageOff` in the array pair at `layoutAt` (a TLB_LAYOUT tag offset). */
  fill(layoutAt: number, slot: number, tag: number, pageOff: number): void {
    const at = layoutAt + slot;
    this.entries[at] = tag;
    this.entries[at + TLB_ENTRIES] = pageOff;
    const n = this.dirtyCount;
    if (n < DIRTY_MAX) {
      this.dirty[n] = at;
      this.dirtyCount = n + 1;
    } else {
      this.dirtyCount = DIRTY_MAX + 1;
    }
  }

  flush(): void {
    if (this.dirtyCount > DIRTY_MAX) {
      this.fetchTag.fill(INVALID);
      this.loadTag.fill(INVALID);
      this.storeTag.fill(INVALID);
    } else {
      for (let i = 0; i < this.dirtyCount; i++) this.entries[this.dirty[i] as number] = INVALID;
    }
    this.dirtyCount = 0;
  }

  /** Forget store translations to the RAM page at byte offset `pageOff`. */
  dropStoresTo(pageOff: number): void {
    const tags = this.storeTag;
    const offs = this.storeOff;
    for (let i = 0; i < TLB_ENTRIES; i++) if (offs[i] === pageOff) tags[i] = INVALID;
  }

  flushPage(vpn: number): void {
    const slot = vpn & TLB_MASK;
    const tag = tagOf(vpn);
    if (this.fetchTag[slot] === tag) this.fetchTag[slot] = INVALID;
    if (this.loadTag[slot] === tag) this.loadTag[slot] = INVALID;
    if (this.storeTag[slot] === tag) this.storeTag[slot] = INVALID;
  }
}

/** Sets of V=1 sit after the V=0 ones: index = privilege + VIRT_SETS. */
const VIRT_SETS = 4;

export class Tlb {
  /** Indexed by privilege (+ VIRT_SETS under V=1); M has no virtual set. */
  private readonly sets: readonly TlbSet[] = (() => {
    const sets: TlbSet[] = [];
    for (const p of [Priv.U, Priv.S, Priv.M]) sets[p] = new TlbSet();
    for (const p of [Priv.U, Priv.S]) sets[p + VIRT_SETS] = new TlbSet();
    return sets;
  })();
  private readonly all = this.sets.filter((s) => s !== undefined);
  /** Walks and fills since creation (statistics). */
  misses = 0;

  set(priv: PrivLevel, virt = false): TlbSet {
    return this.sets[virt ? priv + VIRT_SETS : priv] as TlbSet;
  }

  flushAll(): void {
    for (const s of this.all) s.flush();
  }

  flushPage(vpn: number): void {
    for (const s of this.all) s.flushPage(vpn);
  }

  dropStoresTo(pageOff: number): void {
    for (const s of this.all) s.dropStoresTo(pageOff);
  }
}
