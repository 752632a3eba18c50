/**
 * Translated code, found by the physical location where execution enters it (its RAM offset),
 * in two tiers:
 *
 *  - cold: the basic block starting there (a region of one run, translator.ts). Cheap to make;
 *    every block entry costs the hart a TLB lookup, a table lookup and a call.
 *  - hot: once a block has been entered HOT_AFTER times, it is replaced by a region grown from
 *    it (leaders.ts): the runs around it in the same page that execution has reached — a loop
 *    and its body, a function and the calls and returns between its parts — as one function,
 *    so control flow between them stays inside it, up to REGION_INSNS instructions (V8's
 *    optimizing compiler takes time superlinear in a function's size, and compiles a function
 *    again whenever execution reaches a path it has not seen run).
 *
 * Code mapped at several virtual addresses is translated once. A write to a page code was
 * translated from discards all of that page's translations (Ram.noteWrite → invalidatePage),
 * so translated code never goes stale. A page that keeps being written while it is executed
 * (code and data sharing a page) is marked volatile after VOLATILE_AFTER invalidations and from
 * then on runs one (memoized) instruction at a time.
 *
 * Host memory is bounded: the table has CACHE_SIZE entries (a conflicting entry replaces the
 * old one, which is translated again if needed), and the compiled functions are shared through
 * the translator's bounded memo.
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
/** Entries into a cold block before a region is grown from it. */
const HOT_AFTER = 64;
/** About how many instructions a region takes in. */
const REGION_INSNS = 256;

export class CodeCache {
  private readonly tags = new Int32Array(CACHE_SIZE).fill(-1);
  private readonly regions: (Region | undefined)[] = new Array<Region | undefined>(CACHE_SIZE);
  /** Entries into each cold block since it was translated. */
  private readonly heat = new Uint16Array(CACHE_SIZE);
  private readonly slotsByPage = new Map<number, number[]>();
  private readonly invalidations: Uint16Array;
  /** Pages executed one instruction at a time (see above). */
  readonly volatilePages: Uint8Array;
  /** Cold blocks translated. */
  translations = 0;
  /** Hot regions grown. */
  regionTranslations = 0;

  constructor(private readonly ram: Ram, private readonly tlb: Tlb) {
    const pages = ram.codePages.length;
    this.invalidations = new Uint16Array(pages);
    this.volatilePages = new Uint8Array(pages);
    ram.onCodeWrite = (page) => this.invalidatePage(page);
  }

  /** The translation to enter at RAM byte offset `off`, translating on a miss; undefined
   *  when the page is volatile. */
  get(off: number): Region | undefined {
    const slot = (off >>> 2) & CACHE_MASK;
    if (this.tags[slot] === off) {
      const region = this.regions[slot] as Region;
      if (region.hot) return region;
      const heat = (this.heat[slot] as number) + 1;
      this.heat[slot] = heat;
      return heat < HOT_AFTER ? region : this.grow(off, slot);
    }
    const page = off >>> PAGE_SHIFT;
    if (this.volatilePages[page] !== 0) return undefined;
    const pageEndWord = (page + 1) << WORDS_PER_PAGE_SHIFT;
    const block = translateBlock(this.ram.i32, off >>> 2, pageEndWord - (off >>> 2));
    this.translations++;
    this.install(off, slot, block);
    return block;
  }

  private install(off: number, slot: number, region: Region): void {
    const page = off >>> PAGE_SHIFT;
    const old = this.tags[slot] as number;
    if (old >= 0 && old !== off) this.forgetSlot(old >>> PAGE_SHIFT, slot);
    if (old !== off) {
      let slots = this.slotsByPage.get(page);
      if (slots === undefined) {
        slots = [];
        this.slotsByPage.set(page, slots);
      }
      slots.push(slot);
    }
    this.tags[slot] = off;
    this.regions[slot] = region;
    this.heat[slot] = 0;
    if (this.ram.codePages[page] === 0) {
      this.ram.codePages[page] = 1;
      // From now on stores to this page must take the slow path, which reports them.
      this.tlb.dropStoresTo(page << PAGE_SHIFT);
    }
  }

  /** Replace the cold block at `off` by a region grown from it over the warm code around. */
  private grow(off: number, slot: number): Region {
    const page = off >>> PAGE_SHIFT;
    const pageOff = page << PAGE_SHIFT;
    const warm = (k: number): boolean => this.tags[(((pageOff >>> 2) + k) & CACHE_MASK)] === pageOff + 4 * k;
    const words = this.ram.i32;
    const base = page << WORDS_PER_PAGE_SHIFT;
    const root = (off >>> 2) - base;
    const leaders = growRegion(words, base, WORDS_PER_PAGE, root, warm, REGION_INSNS);
    const region = translateRegion(words, base, WORDS_PER_PAGE, leaders, root);
    this.regionTranslations++;
    this.install(off, slot, region);
    return region;
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
          this.regions[slot] = undefined;
        }
      }
      this.slotsByPage.delete(page);
    }
    this.ram.codePages[page] = 0;
    const n = (this.invalidations[page] as number) + 1;
    this.invalidations[page] = n;
    if (n >= VOLATILE_AFTER) this.volatilePages[page] = 1;
  }

  flush(): void {
    this.tags.fill(-1);
    this.regions.fill(undefined);
    this.slotsByPage.clear();
    this.ram.codePages.fill(0);
  }
}
