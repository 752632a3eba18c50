/**
 * Translated blocks, found by the RAM offset of their first instruction.
 *
 * A direct-mapped table keeps lookup to one compare. Blocks are keyed by physical location,
 * so code mapped at several virtual addresses is translated once, and a write to a page that
 * code was translated from discards that page's blocks (Ram.noteWrite → invalidatePage).
 *
 * A page that keeps being written while it is executed (code and data sharing a page) would
 * be re-translated over and over; after VOLATILE_AFTER invalidations it is marked volatile and
 * runs one memoized instruction at a time instead.
 */
import { PAGE_SHIFT } from '../isa/csr.js';
import type { Ram } from './ram.js';
import type { Tlb } from './tlb.js';
import { translateBlock, type Block } from './translator.js';

const CACHE_BITS = 14;
const CACHE_SIZE = 1 << CACHE_BITS;
const CACHE_MASK = CACHE_SIZE - 1;
const VOLATILE_AFTER = 32;
const WORDS_PER_PAGE_SHIFT = PAGE_SHIFT - 2;

export class BlockCache {
  private readonly tags = new Int32Array(CACHE_SIZE).fill(-1);
  private readonly blocks: (Block | undefined)[] = new Array<Block | undefined>(CACHE_SIZE);
  private readonly slotsByPage = new Map<number, number[]>();
  private readonly invalidations: Uint16Array;
  /** Pages executed one instruction at a time (see above). */
  readonly volatilePages: Uint8Array;
  translations = 0;

  constructor(private readonly ram: Ram, private readonly tlb: Tlb) {
    const pages = ram.codePages.length;
    this.invalidations = new Uint16Array(pages);
    this.volatilePages = new Uint8Array(pages);
    ram.onCodeWrite = (page) => this.invalidatePage(page);
  }

  /** The block starting at RAM byte offset `off`, translating it on a miss. Undefined when the
   *  page is volatile. */
  get(off: number): Block | undefined {
    const word = off >>> 2;
    const slot = word & CACHE_MASK;
    if (this.tags[slot] === off) return this.blocks[slot];
    const page = off >>> PAGE_SHIFT;
    if (this.volatilePages[page] !== 0) return undefined;
    const pageEndWord = (page + 1) << WORDS_PER_PAGE_SHIFT;
    const block = translateBlock(this.ram.i32, word, pageEndWord - word);
    this.translations++;
    const old = this.tags[slot] as number;
    if (old >= 0) this.forgetSlot(old >>> PAGE_SHIFT, slot);
    this.tags[slot] = off;
    this.blocks[slot] = block;
    let slots = this.slotsByPage.get(page);
    if (slots === undefined) {
      slots = [];
      this.slotsByPage.set(page, slots);
    }
    slots.push(slot);
    if (this.ram.codePages[page] === 0) {
      this.ram.codePages[page] = 1;
      // From now on stores to this page must take the slow path, which reports them.
      this.tlb.dropStoresTo(page << PAGE_SHIFT);
    }
    return block;
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
    this.ram.codePages[page] = 0;
    const n = (this.invalidations[page] as number) + 1;
    this.invalidations[page] = n;
    if (n >= VOLATILE_AFTER) this.volatilePages[page] = 1;
  }

  flush(): void {
    this.tags.fill(-1);
    this.blocks.fill(undefined);
    this.slotsByPage.clear();
    this.ram.codePages.fill(0);
  }
}
