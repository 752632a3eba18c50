/**
 * Tracing guest page-table writes (shadow paging in `trace` mode, docs/shadow-paging.md): the
 * guest pages each address space's shadow was built from, so that the hypervisor can
 * write-protect exactly those pages and, when the guest writes one of them, drop exactly the
 * shadow entries that write makes stale — what x86 VMMs had to do, since an x86 guest may
 * change a PTE without telling anyone (VMware's "traces", Xen's shadow mode).
 *
 *   address space (guest satp) ──root page──▶ slot s ──second-level page──▶ entry i
 *   a write to entry i of the root      drops the shadow's slot i (and what hung under it)
 *   a write to entry i of a 2nd-level   drops the shadow leaf for va = s·4 MiB + i·4 KiB
 *   page the space uses for slot s
 *
 * A page is traced while some space's shadow depends on it (a reference count); when the last
 * dependence goes (the slot above it was rewritten, the space's shadow dropped), writes to it
 * are free again.
 */

/** What one address space's shadow was built from. */
interface SpaceSources {
  /** Guest page number of the root table. */
  readonly root: number;
  /** Second-level table page by root slot. */
  readonly l2: Map<number, number>;
}

/** A shadow entry a traced write makes stale. */
export type Invalidation =
  /** Root entry `slot` of the space changed: everything the shadow has under that slot. */
  | { kind: 'slot'; space: number; slot: number }
  /** A second-level entry changed: the shadow leaf for `va`. */
  | { kind: 'page'; space: number; va: number };

const SLOT_SHIFT = 22;
const PAGE_SHIFT = 12;

export class PageTableTracer {
  /** Spaces (by guest satp) depending on each traced page, counted per (space, role). */
  private readonly refs = new Map<number, number>();
  private readonly spaces = new Map<number, SpaceSources>();

  /** Whether writes to the guest page `page` (a page number) are traced. */
  isTraced(page: number): boolean {
    return this.refs.has(page);
  }

  /** Pages traced now (tests, reports). */
  get tracedPages(): number {
    return this.refs.size;
  }

  /**
   * A fill in address space `space` walked root page `root` and, for a two-level walk, the
   * second-level page `l2` under root slot `slot` (l2 < 0: a megapage leaf in the root).
   * Returns the pages that became traced just now (the caller write-protects them).
   */
  noteWalk(space: number, root: number, slot: number, l2: number): number[] {
    const fresh: number[] = [];
    let s = this.spaces.get(space);
    if (s === undefined) {
      s = { root, l2: new Map() };
      this.spaces.set(space, s);
      if (this.ref(root)) fresh.push(root);
    }
    if (l2 >= 0 && s.l2.get(slot) !== l2) {
      const old = s.l2.get(slot);
      if (old !== undefined) this.unref(old);
      s.l2.set(slot, l2);
      if (this.ref(l2)) fresh.push(l2);
    }
    return fresh;
  }

  /** The shadow entries a write to entry `index` of traced page `page` makes stale. */
  invalidations(page: number, index: number): Invalidation[] {
    const out: Invalidation[] = [];
    for (const [space, s] of this.spaces) {
      if (s.root === page) {
        out.push({ kind: 'slot', space, slot: index });
        const l2 = s.l2.get(index);
        if (l2 !== undefined) {
          // The slot is rebuilt from whatever the entry says now at the next fill.
          s.l2.delete(index);
          this.unref(l2);
        }
      }
      for (const [slot, l2] of s.l2) {
        if (l2 === page) out.push({ kind: 'page', space, va: ((slot << SLOT_SHIFT) | (index << PAGE_SHIFT)) >>> 0 });
      }
    }
    return out;
  }

  /** The address spaces whose shadows were built from page `page`. */
  spacesUsing(page: number): number[] {
    const out: number[] = [];
    for (const [space, s] of this.spaces) {
      if (s.root === page) { out.push(space); continue; }
      for (const l2 of s.l2.values()) {
        if (l2 === page) { out.push(space); break; }
      }
    }
    return out;
  }

  /** The space's shadow is gone: nothing of it depends on any page any more. */
  dropSpace(space: number): void {
    const s = this.spaces.get(space);
    if (s === undefined) return;
    this.spaces.delete(space);
    this.unref(s.root);
    for (const l2 of s.l2.values()) this.unref(l2);
  }

  /** Every shadow is gone. */
  reset(): void {
    this.refs.clear();
    this.spaces.clear();
  }

  /** Count one more dependence; true if the page was not traced before. */
  private ref(page: number): boolean {
    const n = this.refs.get(page) ?? 0;
    this.refs.set(page, n + 1);
    return n === 0;
  }

  private unref(page: number): void {
    const n = (this.refs.get(page) ?? 0) - 1;
    if (n > 0) this.refs.set(page, n);
    else this.refs.delete(page);
  }
}
