/** Sv32 page tables built by tests directly in a board's RAM. */
import { PTE } from '../../src/isa/csr.js';
import type { VirtBoard } from '../../src/machine/board.js';

const { V } = PTE;
/** Page tables live from here (the root first, then level-0 tables as they are needed). */
export const TABLES = 0x8070_0000;
export const ROOT = TABLES;

/** Builds Sv32 page tables in the board's RAM. */
export class PageTables {
  private next = TABLES + 0x1000;
  constructor(private readonly board: VirtBoard) {}

  private r32(a: number): number {
    return this.board.bus.read(a, 4) as number;
  }

  private w32(a: number, v: number): void {
    this.board.bus.write(a, 4, v >>> 0);
  }

  /** Map the 4 KiB page at `va` to `pa`; returns the leaf PTE's physical address. */
  map(va: number, pa: number, flags: number): number {
    const l1 = ROOT + ((va >>> 22) & 0x3ff) * 4;
    let pte = this.r32(l1);
    if ((pte & V) === 0) {
      const table = this.next;
      this.next += 0x1000;
      this.w32(l1, ((table / 4096) << 10) | V);
      pte = this.r32(l1);
    }
    const leaf = (pte >>> 10) * 4096 + ((va >>> 12) & 0x3ff) * 4;
    this.w32(leaf, (pa / 4096) * 1024 + flags);
    return leaf;
  }

  /** Map the 4 MiB megapage at `va`; returns the PTE's physical address. */
  mapMega(va: number, pa: number, flags: number): number {
    const l1 = ROOT + ((va >>> 22) & 0x3ff) * 4;
    this.w32(l1, (pa / 4096) * 1024 + flags);
    return l1;
  }

  pte(addr: number): number {
    return this.r32(addr);
  }

  set(addr: number, value: number): void {
    this.w32(addr, value);
  }
}

