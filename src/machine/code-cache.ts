/**
 * Translated code, found by the physical location where execution enters it (its RAM offset),
 * in two tiers:
 *
 *  - cold: the basic block starting there (a region of one run, translator.ts), in a
 *    direct-mapped table. Cheap to make; every block entry costs the hart a TLB lookup, a
 *    table lookup and a call.
 *  - hot: once a block has been entered HOT_AFTER times, a region is grown from it
 *    (leaders.ts): the runs around it in the same page that execution has reached often — a
 *    loop and its body, a function and the calls and returns between its parts — as one
 *    function, so control flow between them stays inside it, up to about REGION_INSNS
 *    instructions. Each page keeps a map from word to the region run starting there; every
 *    run start of a region is an entry to it, and no word belongs to two regions, so the
 *    optimizing compiler of V8 (whose time grows faster than a function's size, and which
 *    compiles a function again whenever execution reaches a path it has not seen run) sees
 *    each instruction once.
 *
 * Code mapped at several virtual addresses is translated once. A write to a page code was
 * translated from discards all of that page's translations (Ram.noteWrite → invalidatePage),
 * so translated code never goes stale. Each hart has its own cache; RAM tells every one of
 * them (and every hart's TLB) about code pages, so a hart that rewrites code another hart
 * translated invalidates that hart's translations too. A page that keeps being written while it is executed
 * (code and data sharing a page) is marked volatile after VOLATILE_AFTER invalidations and from
 * then on runs one (memoized) instruction at a time.
 *
 * Host memory is bounded: the cold table has CACHE_SIZE entries (a conflicting entry replaces
 * the old one, translated again if it is needed again), regions cover at most MAX_HOT_WORDS
 * instructions in at most MAX_HOT_PAGES pages (when a new one would pass either, all are
 * dropped and grow again as they are used, as QEMU flushes its translation buffer when it is
 * full), and the compiled functions are shared through the translator's bounded memos.
 */
import { PAGE_SHIFT } from '../isa/csr.js';
import { growRegion } from './leaders.js';
import type { Ram } from './ram.js';
import type { Tlb } from './tlb.js';
import { translateBlock, translateRegion, type Region } from './translator.js';

const CACHE_BITS = 14;
const CACHE_SIZE = 1 << CACHE_BITS;
const CACHE_MASK = CACHE_SIZE - 1;
const VOLATILE_AFTER = 32;
const WORDS_PER_PAGE_SHIFT = PAGE_SHIFT - 2;
const WORDS_PER_PAGE = 1 << WORDS_PER_PAGE_SHIFT;
const WORD = 4;
/**
 * Entries into a cold block before a region is grown from it. Growing later costs more time in
 * cold blocks; growing sooner makes regions of code that has not settled, which V8 then
 * compiles again and again as new paths through it run (measured on npm run bench:cpu and the
 * fingerprint suites: 1024 gave the best first runs and the same steady speed as 64).
 */
const HOT_AFTER = 1024;
/** Entries into a cold block before a region grown nearby takes it in. */
const WARM_AFTER = 64;
/** Entries into a cold block before a region grown in its page takes it in as a root. */
const CO_HOT_AFTER = 256;
/** Where heat stops counting. */
const HEAT_MAX = 0xffff;
/** About how many instructions a region takes in. */
const REGION_INSNS = 256;
/** Instructions in regions at once (1 MiB of code), and pages with regions at once (each page's
 *  map costs about 18 KiB). */
const MAX_HOT_WORDS = 1 << 18;
const MAX_HOT_PAGES = 1024;

/** The regions of one page, by the words their runs start at. */
export interface PageRegions {
  readonly region: (Region | undefined)[];
  /** Where region[k] is set: the label of the run starting at word k. */
  readonly label: Int16Array;
  /** By word index: the region whose run holds it. */
  readonly owner: (Region | undefined)[];
}

function regionWords(region: Region): number {
  return region.runs.reduce((n, run) => n + run.end - run.start, 0);
}

export class CodeCache {
  private readonly tags = new Int32Array(CACHE_SIZE).fill(-1);
  private readonly blocks: (Region | undefined)[] = new Array<Region | undefined>(CACHE_SIZE);
  /** Entries into each cold block since it was translated. */
  private readonly heat = new Uint16Array(CACHE_SIZE);
  private readonly slotsByPage = new Map<number, number[]>();
  /** By RAM page: its regions. The hart looks here before calling get(). Empty until the first
   *  region grows (most short runs never get that far, and the array costs 8 bytes a page). */
  pages: (PageRegions | undefined)[] = [];
  private hotWords = 0;
  private hotPages = 0;
  private readonly invalidations: Uint16Array;
  /** Pages executed one instruction at a time (see above). */
  readonly volatilePages: Uint8Array;
  /** Cold blocks translated. */
  translations = 0;
  /** Regions grown. */
  regionTranslations = 0;

  constructor(private readonly ram: Ram, tlb: Tlb) {
    const pages = ram.codePages.length;
    this.invalidations = new Uint16Array(pages);
    this.volatilePages = new Uint8Array(pages);
    ram.addWatcher({
      codeWritten: (page) => this.invalidatePage(page),
      dropStoresTo: (pageOff) => tlb.dropStoresTo(pageOff),
    });
  }

  /**
   * What to run at RAM byte offset `off` when no region has a run starting there: the cold
   * block (translated on a miss), or the region just grown from it once it is hot (enter it
   * at its entryLabel). Undefined when the page is volatile.
   */
  get(off: number): Region | undefined {
    const slot = (off >>> 2) & CACHE_MASK;
    if (this.tags[slot] === off) {
      const heat = this.heat[slot] as number;
      if (heat < HEAT_MAX) this.heat[slot] = heat + 1;
      const block = this.blocks[slot] as Region;
      return heat + 1 === HOT_AFTER ? this.grow(off, block) : block;
    }
    const page = off >>> PAGE_SHIFT;
    if (this.volatilePages[page] !== 0) return undefined;
    const pageEndWord = (page + 1) << WORDS_PER_PAGE_SHIFT;
    const block = translateBlock(this.ram.i32, off >>> 2, pageEndWord - (off >>> 2));
    this.translations++;
    this.install(off, slot, block);
    return block;
  }

  private install(off: number, slot: number, block: Region): void {
    const page = off >>> PAGE_SHIFT;
    const old = this.tags[slot] as number;
    if (old >= 0) this.forgetSlot(old >>> PAGE_SHIFT, slot);
    let slots = this.slotsByPage.get(page);
    if (slots === undefined) {
      slots = [];
      this.slotsByPage.set(page, slots);
    }
    slots.push(slot);
    this.tags[slot] = off;
    this.blocks[slot] = block;
    this.heat[slot] = 0;
    this.markCode(page);
  }

  /** From now on stores to this page, by any hart, must take the slow path, which reports them. */
  private markCode(page: number): void {
    this.ram.markCode(page);
  }

  /**
   * Grow a region from the hot cold block at `off` over the warm code around it, and enter it
   * in its page's map. A word belongs to one region at most: the new region stops at another
   * region's code, unless it reaches one of that region's entries and can take all of it in —
   * then it absorbs it (so a callee that got hot before its caller ends up inside the caller's
   * loop rather than beside it).
   */
  private grow(off: number, block: Region): Region {
    const page = off >>> PAGE_SHIFT;
    if (this.hotWords >= MAX_HOT_WORDS || (this.pages[page] === undefined && this.hotPages >= MAX_HOT_PAGES)) {
      this.dropRegions();
    }
    const map = this.pages[page] ?? this.newPageRegions(page);
    const base = page << WORDS_PER_PAGE_SHIFT;
    const root = (off >>> 2) - base;
    // Execution arrives in the middle of a region's run (after a slow path there): that
    // region has the code already.
    if (map.owner[root] !== undefined) return block;
    const pageOff = page << PAGE_SHIFT;
    const warm = (k: number): boolean => {
      const at = pageOff + WORD * k;
      const s = (at >>> 2) & CACHE_MASK;
      return this.tags[s] === at && (this.heat[s] as number) >= WARM_AFTER;
    };
    const absorbed = new Set<Region>();
    let absorbedWords = 0;
    const free = (k: number): boolean => {
      const owner = map.owner[k];
      if (owner === undefined || absorbed.has(owner)) return true;
      const size = regionWords(owner);
      if (map.region[k] !== owner || absorbedWords + size > REGION_INSNS) return false;
      absorbed.add(owner);
      absorbedWords += size;
      return true;
    };
    const words = this.ram.i32;
    const shape = growRegion(words, base, WORDS_PER_PAGE, [root, ...this.hotBlocks(page)], warm, free, REGION_INSNS);
    for (const old of absorbed) this.unmap(map, old);
    const region = translateRegion(words, base, WORDS_PER_PAGE, shape, root);
    region.runs.forEach((run, label) => {
      map.region[run.start] = region;
      map.label[run.start] = label;
      map.owner.fill(region, run.start, run.end);
    });
    this.hotWords += regionWords(region);
    this.regionTranslations++;
    return region;
  }

  /** Word indices of the page's cold blocks as hot as CO_HOT_AFTER, hottest first. */
  private hotBlocks(page: number): number[] {
    const slots = (this.slotsByPage.get(page) ?? []).filter((s) => (this.heat[s] as number) >= CO_HOT_AFTER);
    slots.sort((a, b) => (this.heat[b] as number) - (this.heat[a] as number));
    return slots.map((s) => ((this.tags[s] as number) >>> 2) & (WORDS_PER_PAGE - 1));
  }

  private unmap(map: PageRegions, region: Region): void {
    for (const run of region.runs) {
      map.region[run.start] = undefined;
      map.owner.fill(undefined, run.start, run.end);
    }
    this.hotWords -= regionWords(region);
  }

  private newPageRegions(page: number): PageRegions {
    if (this.pages.length === 0) this.pages = new Array<PageRegions | undefined>(this.ram.codePages.length);
    const map: PageRegions = {
      region: new Array<Region | undefined>(WORDS_PER_PAGE).fill(undefined),
      label: new Int16Array(WORDS_PER_PAGE),
      owner: new Array<Region | undefined>(WORDS_PER_PAGE).fill(undefined),
    };
    this.pages[page] = map;
    this.hotPages++;
    return map;
  }

  private dropRegions(): void {
    this.pages.fill(undefined);
    this.hotWords = 0;
    this.hotPages = 0;
  }

  private forgetSlot(page: number, slot: number): void {
    const slots = this.slotsByPage.get(page);
    if (!slots) return;
    const i = slots.indexOf(slot);
    if (i >= 0) slots.splice(i, 1);
  }

  invalidatePage(page: number): void {
    const slots = this.slotsByPage.get(page);
    if (slots) {
      for (const slot of slots) {
        if (((this.tags[slot] as number) >>> PAGE_SHIFT) === page) {
          this.tags[slot] = -1;
          this.blocks[slot] = undefined;
        }
      }
      this.slotsByPage.delete(page);
    }
    const map = this.pages[page];
    if (map !== undefined) {
      this.hotWords -= map.owner.reduce((n, r) => n + (r === undefined ? 0 : 1), 0);
      this.pages[page] = undefined;
      this.hotPages--;
    }
    this.ram.codePages[page] = 0;
    const n = (this.invalidations[page] as number) + 1;
    this.invalidations[page] = n;
    if (n >= VOLATILE_AFTER) this.volatilePages[page] = 1;
  }

  flush(): void {
    this.tags.fill(-1);
    this.blocks.fill(undefined);
    this.slotsByPage.clear();
    this.dropRegions();
    this.ram.codePages.fill(0);
  }
}
