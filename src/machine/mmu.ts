/**
 * Sv32 address translation: the two-level page-table walk with 4 MiB megapages, the
 * permission rules for each access type and privilege, and the hardware update of the A and D
 * bits (QEMU's virt board sets them in the walk rather than faulting, and so do we).
 *
 *   virtual address                     physical address (34 bits)
 *   31      22 21      12 11      0      33       22 21      12 11      0
 *  | VPN[1]   | VPN[0]   | offset  |    | PPN[1]   | PPN[0]   | offset  |
 *
 * The walk reads and writes page-table entries through the bus, so a root or PTE pointing at
 * something other than RAM yields an access fault, never a host error.
 */
import { MEGAPAGE_SHIFT, PAGE_SHIFT, PAGE_SIZE, PTE, Priv, SATP, type PrivLevel } from '../isa/csr.js';
import type { Bus } from './bus.js';

export const enum Access {
  Fetch = 0,
  Load = 1,
  Store = 2,
}

/** Negative walk results. */
export const WALK_PAGE_FAULT = -1;
export const WALK_ACCESS_FAULT = -2;

const PTE_SIZE = 4;
const LEVELS = 2;
const VPN_BITS = 10;
const VPN_MASK = (1 << VPN_BITS) - 1;
const PPN0_MASK = VPN_MASK;

export interface WalkContext {
  satp: number;
  /** Effective privilege of the access (MPRV already applied). */
  priv: PrivLevel;
  sum: boolean;
  mxr: boolean;
}

export interface WalkStats {
  /** Page-table entries read by walks (each costs a memory reference). */
  pteReads: number;
  /** Level of the leaf found by the last successful walk (1 = 4 MiB megapage). */
  lastLeafLevel: number;
}

/**
 * Translate `va` for `access`. Returns the physical address (0 ≤ pa < 2^34), or
 * WALK_PAGE_FAULT / WALK_ACCESS_FAULT. Sets PTE.A (and PTE.D for stores) in memory.
 */
export function sv32Walk(bus: Bus, va: number, access: Access, ctx: WalkContext, stats: WalkStats): number {
  let table = (ctx.satp & SATP.PPN) * PAGE_SIZE;
  const v = va >>> 0;
  for (let level = LEVELS - 1; level >= 0; level--) {
    const vpn = (v >>> (PAGE_SHIFT + level * VPN_BITS)) & VPN_MASK;
    const pteAddr = table + vpn * PTE_SIZE;
    if (pteAddr >= 2 ** 32) return WALK_ACCESS_FAULT;
    stats.pteReads++;
    const raw = bus.read(pteAddr, 4);
    if (raw === undefined) return WALK_ACCESS_FAULT;
    let pte = raw;
    if ((pte & PTE.V) === 0 || ((pte & PTE.R) === 0 && (pte & PTE.W) !== 0)) return WALK_PAGE_FAULT;
    const ppn = pte >>> PTE.PPN_SHIFT;
    if ((pte & (PTE.R | PTE.X)) === 0) {
      // Pointer to the next level; at level 0 there is no next level.
      if (level === 0) return WALK_PAGE_FAULT;
      table = ppn * PAGE_SIZE;
      continue;
    }
    if (!permitted(pte, access, ctx)) return WALK_PAGE_FAULT;
    if (level > 0 && (ppn & PPN0_MASK) !== 0) return WALK_PAGE_FAULT; // misaligned megapage
    const want = PTE.A | (access === Access.Store ? PTE.D : 0);
    if ((pte & want) !== want) {
      pte = (pte | want) >>> 0;
      if (!bus.write(pteAddr, 4, pte)) return WALK_ACCESS_FAULT;
    }
    stats.lastLeafLevel = level;
    const offsetBits = level > 0 ? MEGAPAGE_SHIFT : PAGE_SHIFT;
    const pageBase = level > 0 ? (ppn >>> VPN_BITS) * 2 ** MEGAPAGE_SHIFT : ppn * PAGE_SIZE;
    return pageBase + (v & ((1 << offsetBits) - 1));
  }
  return WALK_PAGE_FAULT;
}

function permitted(pte: number, access: Access, ctx: WalkContext): boolean {
  const user = (pte & PTE.U) !== 0;
  if (ctx.priv === Priv.U && !user) return false;
  if (ctx.priv === Priv.S && user && (access === Access.Fetch || !ctx.sum)) return false;
  switch (access) {
    case Access.Fetch: return (pte & PTE.X) !== 0;
    case Access.Load: return (pte & PTE.R) !== 0 || (ctx.mxr && (pte & PTE.X) !== 0);
    case Access.Store: return (pte & PTE.W) !== 0;
  }
}
