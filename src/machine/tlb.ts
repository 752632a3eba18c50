/**
 * The software TLB: direct-mapped, one set of arrays per access type (fetch, load, store) and
 * per effective privilege (U, S, M). Keeping a set per privilege means a trap or xRET only
 * switches which arrays the hart looks at — it never has to flush — while changes of satp,
 * SUM, MXR or MPRV, and sfence.vma, invalidate.
 *
 * An entry caches only a RAM page: tag = virtual page number, value = byte offset of the
 * physical page within RAM. Device pages are never cached, so every MMIO access reaches the
 * bus. An entry for stores exists only once the walk has set PTE.D, and for loads/fetches once
 * it has set PTE.A, so a hit never needs to touch the page table.
 */
import { Priv, type PrivLevel } from '../isa/csr.js';

export const TLB_ENTRIES = 256;
export const TLB_MASK = TLB_ENTRIES - 1;
const INVALID = -1;

export class TlbSet {
  readonly fetchTag = new Int32Array(TLB_ENTRIES).fill(INVALID);
  readonly fetchOff = new Int32Array(TLB_ENTRIES);
  readonly loadTag = new Int32Array(TLB_ENTRIES).fill(INVALID);
  readonly loadOff = new Int32Array(TLB_ENTRIES);
  readonly storeTag = new Int32Array(TLB_ENTRIES).fill(INVALID);
  readonly storeOff = new Int32Array(TLB_ENTRIES);

  flush(): void {
    this.fetchTag.fill(INVALID);
    this.loadTag.fill(INVALID);
    this.storeTag.fill(INVALID);
  }

  /** Forget store translations to the RAM page at byte offset `pageOff`. */
  dropStoresTo(pageOff: number): void {
    const tags = this.storeTag;
    const offs = this.storeOff;
    for (let i = 0; i < TLB_ENTRIES; i++) if (offs[i] === pageOff) tags[i] = INVALID;
  }

  flushPage(vpn: number): void {
    const slot = vpn & TLB_MASK;
    if (this.fetchTag[slot] === vpn) this.fetchTag[slot] = INVALID;
    if (this.loadTag[slot] === vpn) this.loadTag[slot] = INVALID;
    if (this.storeTag[slot] === vpn) this.storeTag[slot] = INVALID;
  }
}

export class Tlb {
  private readonly sets: Record<PrivLevel, TlbSet> = {
    [Priv.U]: new TlbSet(),
    [Priv.S]: new TlbSet(),
    [Priv.M]: new TlbSet(),
  };
  /** Walks and fills since creation (statistics). */
  misses = 0;

  set(priv: PrivLevel): TlbSet {
    return this.sets[priv];
  }

  flushAll(): void {
    for (const s of Object.values(this.sets)) s.flush();
  }

  flushPage(vpn: number): void {
    for (const s of Object.values(this.sets)) s.flushPage(vpn);
  }

  dropStoresTo(pageOff: number): void {
    for (const s of Object.values(this.sets)) s.dropStoresTo(pageOff);
  }
}
