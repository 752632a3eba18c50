/**
 * The hypervisor's G-stage page table (H extension, Sv32x4) for one VM under hw-assist with
 * nested paging: guest-physical → host-physical, the second stage of every guest access.
 *
 *   hgatp → root: 4 pages (16 KiB, 2048 entries: GPA bits 33:22) → tables of 1024 4-KiB leaves
 *
 * Filled lazily, as KVM fills its stage-2 tables: the guest's first touch of a page of its RAM
 * is a guest-page-fault exit, answered by installing the leaf. Device pages are never mapped,
 * so every device access faults and is emulated; anything that is neither RAM nor a device is
 * the guest's own access fault. Leaves carry U (G-stage accesses count as U-mode), R W X, and
 * A = D = 1 so the hardware walk never writes the hypervisor's tables.
 *
 * On each vCPU's bus guest RAM sits at its guest-physical address (guest-memory.ts), so the
 * map is the identity on guest RAM; what matters is what it does not map. The tables live in
 * the VM's private pool at SHADOW_POOL_BASE, which no G-stage leaf maps.
 */
import { HGATP, MEGAPAGE_SHIFT, PAGE_SHIFT, PAGE_SIZE, PTE } from '../../isa/csr.js';
import type { Hart } from '../../machine/hart.js';
import { SHADOW_POOL_BASE, type GuestMemory } from '../guest-memory.js';

const ROOT_PAGES = HGATP.ROOT_ALIGN_PAGES;
const LEAF_FLAGS = PTE.V | PTE.R | PTE.W | PTE.X | PTE.U | PTE.A | PTE.D;
const ENTRIES = 1024;
/** Sv32x4 root index: guest-physical bits 33:22. */
const ROOT_INDEX_MASK = ROOT_PAGES * ENTRIES - 1;

export interface GStageStats {
  /** G-stage leaves installed (each one a guest-page fault on RAM resolved). */
  fills: number;
  /** Second-level tables allocated. */
  tables: number;
}

export class GStage {
  readonly stats: GStageStats = { fills: 0, tables: 0 };
  private readonly pool: Int32Array;
  private readonly poolPages: number;
  /** Pool pages in use: the root first, then tables (bump allocator). */
  private used = ROOT_PAGES;

  constructor(private readonly mem: GuestMemory, private readonly hart: Hart) {
    this.pool = mem.shadowPool.i32;
    this.poolPages = mem.shadowPool.size / PAGE_SIZE;
    const tablesNeeded = Math.ceil(mem.ramBytes / 2 ** MEGAPAGE_SHIFT);
    if (this.poolPages < ROOT_PAGES + tablesNeeded) {
      throw new Error(`the G-stage needs ${ROOT_PAGES + tablesNeeded} pool pages for ${mem.ramBytes} bytes of RAM; the pool has ${this.poolPages}`);
    }
  }

  /** hgatp for this table: Sv32x4, root at the start of the pool. */
  get hgatp(): number {
    return ((HGATP.MODE_SV32X4 << 31) | (SHADOW_POOL_BASE >>> PAGE_SHIFT)) >>> 0;
  }

  /** Whether `gpa` is in the VM's RAM (the only thing the G-stage ever maps). */
  isRam(gpa: number): boolean {
    return gpa >= this.mem.ramBase && gpa < this.mem.ramBase + this.mem.ramBytes;
  }

  /** Install the leaf for the RAM page holding `gpa` (which the caller checked is RAM). */
  map(gpa: number): void {
    if (!this.isRam(gpa)) throw new Error(`G-stage: refusing to map 0x${gpa.toString(16)}, which is not guest RAM`);
    // ASSIGNMENT paging BEGIN step 1: install one Sv32x4 leaf
    const rootIndex = Math.floor(gpa / 2 ** MEGAPAGE_SHIFT) & ROOT_INDEX_MASK;
    const pool = this.pool;
    let l1 = pool[rootIndex] as number;
    if ((l1 & PTE.V) === 0) {
      const table = this.used++;
      if (table >= this.poolPages) throw new Error('G-stage: out of pool pages'); // sized in the constructor
      this.stats.tables++;
      l1 = ((((SHADOW_POOL_BASE >>> PAGE_SHIFT) + table) << PTE.PPN_SHIFT) | PTE.V) >>> 0;
      pool[rootIndex] = l1;
    }
    const tableOff = (l1 >>> PTE.PPN_SHIFT) * PAGE_SIZE - SHADOW_POOL_BASE;
    const ppn = Math.floor(gpa / PAGE_SIZE);
    pool[(tableOff >>> 2) + (ppn & (ENTRIES - 1))] = ((ppn << PTE.PPN_SHIFT) | LEAF_FLAGS) | 0;
    // Nothing to fence: the TLB never caches a failed translation.
    this.stats.fills++;
    // ASSIGNMENT paging END
  }

  /** Drop every mapping (VM reset). */
  clear(): void {
    this.pool.fill(0, 0, (this.used * PAGE_SIZE) >>> 2);
    this.used = ROOT_PAGES;
    this.hart.translationChanged();
  }
}
