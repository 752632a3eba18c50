/**
 * LR/SC reservations across harts (boards of several harts only).
 *
 * The A extension (unprivileged spec §8.2) lets an sc.w succeed only if no store from another
 * hart to the reservation set was observed between it and its lr.w. Each hart keeps its own
 * reservation (Hart.reservation, cleared by its own sc.w, traps and xRET); this registry makes
 * other harts' stores break it:
 *
 *  - lr.w tells the registry (Hart.onReserve), which records the hart's reservation granule and
 *    marks the granule's page in Ram.reservedPages. Every hart then drops its fast-path store
 *    mappings of that page and will not make new ones (Hart.translate), so every store into
 *    the page — plain, sc.w or AMO, from any hart or a device's DMA — reaches Ram.noteWrite.
 *  - Ram.noteWrite reports such a write here; a write by one hart that overlaps another hart's
 *    granule cancels that hart's reservation, so its sc.w fails.
 *
 * The reservation granule is the naturally aligned word lr.w reserved (RESERVATION_GRANULE):
 * the smallest set the spec allows, so an sc.w never fails because of a neighbour's store.
 *
 * Stale entries — a hart whose reservation its own sc.w, trap or xRET already cleared — are
 * dropped when that hart reserves again or when a write reaches their page, so a page stays on
 * the slow store path at most until the next store into it.
 *
 * Simplification: a device's DMA write is attributed to the hart running at the time, and so
 * breaks every reservation in the granule but that hart's.
 */
import { PAGE_SHIFT } from '../isa/csr.js';
import type { Hart } from './hart.js';
import type { Ram } from './ram.js';

/** Bytes per reservation set: one naturally aligned word, what lr.w/sc.w access. */
export const RESERVATION_GRANULE = 4;
const NONE = -1;

export class Reservations {
  /** By hart index: the RAM offset of its reserved granule, or NONE. */
  private readonly granule: Int32Array;

  /**
   * @param harts every hart of the board, by index
   * @param writer the index of the hart whose stores are executing now (the running hart)
   */
  constructor(private readonly ram: Ram, private readonly ramBase: number,
    private readonly harts: readonly Hart[], private readonly writer: () => number) {
    this.granule = new Int32Array(harts.length).fill(NONE);
    harts.forEach((hart, h) => { hart.onReserve = (pa) => this.reserve(h, pa); });
    ram.onReservedWrite = (offset, len) => this.written(offset, len);
  }

  /** Hart `h` executed lr.w at physical address `pa` (in RAM: lr.w elsewhere faults first). */
  private reserve(h: number, pa: number): void {
    this.forget(h);
    const off = ((pa - this.ramBase) >>> 0) & ~(RESERVATION_GRANULE - 1);
    this.granule[h] = off;
    const page = off >>> PAGE_SHIFT;
    const holders = this.ram.reservedPages[page] as number;
    this.ram.reservedPages[page] = holders + 1;
    if (holders === 0) this.ram.dropStoresTo(page);
  }

  /** A write of `len` bytes at RAM offset `offset` reached a page with reservations in it. */
  private written(offset: number, len: number): void {
    const writer = this.writer();
    const first = offset >>> PAGE_SHIFT;
    const last = (offset + len - 1) >>> PAGE_SHIFT;
    for (let h = 0; h < this.harts.length; h++) {
      const g = this.granule[h] as number;
      if (g === NONE || (g >>> PAGE_SHIFT) < first || (g >>> PAGE_SHIFT) > last) continue;
      const hart = this.harts[h] as Hart;
      const live = hart.reservedAddress() !== NONE &&
        (((hart.reservedAddress() - this.ramBase) >>> 0) & ~(RESERVATION_GRANULE - 1)) === g;
      const overlaps = offset < g + RESERVATION_GRANULE && g < offset + len;
      if (live && overlaps && h !== writer) hart.cancelReservation();
      if (!live || (overlaps && h !== writer)) this.forget(h);
    }
  }

  /** Drop hart `h`'s entry; its page leaves the slow store path when no entry is left. */
  private forget(h: number): void {
    const g = this.granule[h] as number;
    if (g === NONE) return;
    this.granule[h] = NONE;
    const page = g >>> PAGE_SHIFT;
    this.ram.reservedPages[page] = (this.ram.reservedPages[page] as number) - 1;
  }
}
