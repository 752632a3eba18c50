/**
 * Address translation: the Sv32 page-table walk with 4 MiB megapages, and the H extension's
 * two-stage translation — a VS-stage Sv32 walk (the guest's own tables, vsatp) whose every
 * table reference and final result is itself translated by a G-stage Sv32x4 walk (the
 * hypervisor's tables, hgatp). Also the permission rules for each access type and privilege,
 * and the hardware update of the A and D bits (QEMU's virt board sets them in the walk rather
 * than faulting, and so do we).
 *
 *   virtual address (Sv32)              physical address (34 bits)
 *   31      22 21      12 11      0      33       22 21      12 11      0
 *  | VPN[1]   | VPN[0]   | offset  |    | PPN[1]   | PPN[0]   | offset  |
 *
 *   guest-physical address (Sv32x4: two more bits of VPN[1], so the root table is 16 KiB)
 *   33          22 21      12 11      0
 *  | VPN[1] (12)  | VPN[0]   | offset  |
 *
 * A two-stage walk reads up to (2+1)·(2+1) − 1 = 8 entries: each of the 2 VS-stage entries
 * costs a 2-entry G-stage walk to find plus the read itself, and the final guest-physical
 * address one more G-stage walk. Every read counts in WalkStats, which is what the hart
 * charges for; there is no page-walk cache (see docs/hw-assist.md).
 *
 * The walks read and write page-table entries through the bus, so a root or PTE pointing at
 * something other than RAM yields an access fault, never a host error.
 */
import { Cause } from '../isa/causes.js';
import { HGATP, MEGAPAGE_SHIFT, PAGE_SIZE, PTE, Priv, SATP, type PrivLevel } from '../isa/csr.js';
import type { Bus } from './bus.js';

export const enum Access {
  Fetch = 0,
  Load = 1,
  Store = 2,
}

/** The page-fault cause of a failed access of this kind (instruction, load, store/AMO). */
export function pageFaultCause(access: Access): number {
  return access === Access.Fetch ? Cause.InstructionPageFault
    : access === Access.Load ? Cause.LoadPageFault : Cause.StorePageFault;
}

/** The access-fault cause of an access of this kind to something that is not there. */
export function accessFaultCause(access: Access): number {
  return access === Access.Fetch ? Cause.InstructionAccessFault
    : access === Access.Load ? Cause.LoadAccessFault : Cause.StoreAccessFault;
}

/** Negative walk results. */
export const WALK_PAGE_FAULT = -1;
export const WALK_ACCESS_FAULT = -2;
/** The G-stage refused a guest-physical address (WalkStats.faultGpa says which). */
export const WALK_GUEST_PAGE_FAULT = -3;

const PTE_SIZE = 4;
const VPN_BITS = 10;
const VPN_MASK = (1 << VPN_BITS) - 1;
const PPN0_MASK = VPN_MASK;
/** Sv32x4's VPN[1] is 12 bits wide (guest-physical bits 33:22). */
const SV32X4_ROOT_VPN_BITS = 12;
const PHYS_SPAN = 2 ** 32;
const MEGAPAGE_SIZE = 2 ** MEGAPAGE_SHIFT;

export interface WalkContext {
  satp: number;
  /** Effective privilege of the access (MPRV already applied). */
  priv: PrivLevel;
  sum: boolean;
  mxr: boolean;
  /** HLVX: a load that needs execute permission in place of read permission. */
  executeForRead?: boolean;
}

export interface WalkStats {
  /** Page-table entries read by walks (each costs a memory reference), both stages. */
  pteReads: number;
  /** Of pteReads, those of G-stage walks. */
  gstageReads: number;
  /** Level of the leaf found by the last successful walk (1 = 4 MiB megapage); for a
   *  two-stage walk the larger of the two stages'. */
  lastLeafLevel: number;
  /** After WALK_GUEST_PAGE_FAULT: the guest-physical address the G-stage refused, whether
   *  the refused access was the VS-stage walk's own (implicit) reference to a page-table
   *  entry, and if so whether it was the A/D update (a write). */
  faultGpa: number;
  faultImplicit: boolean;
  faultImplicitWrite: boolean;
}

export function newWalkStats(): WalkStats {
  return { pteReads: 0, gstageReads: 0, lastLeafLevel: 0, faultGpa: 0, faultImplicit: false, faultImplicitWrite: false };
}

/** Maps the guest-physical address of a VS-stage page-table entry to where it really is. */
type PteLocator = (gpa: number, access: Access) => number;

/**
 * One stage's walk of a two-level table from `root`: Sv32 (rootVpnBits 10) or Sv32x4 (12).
 * `locate` translates each table reference (the G-stage under a VS-stage walk), or is null
 * when tables are addressed physically. Returns the output address or a negative WALK_*.
 */
function walkStage(
  bus: Bus, addr: number, access: Access, root: number, rootVpnBits: number,
  ctx: WalkContext, stats: WalkStats, locate: PteLocator | null,
): number {
  let table = root;
  for (let level = 1; level >= 0; level--) {
    // addr may exceed 32 bits (a guest-physical address under Sv32x4): divide, do not shift.
    const vpn = Math.floor(addr / (level === 1 ? MEGAPAGE_SIZE : PAGE_SIZE)) & ((1 << (level === 1 ? rootVpnBits : VPN_BITS)) - 1);
    const pteGpa = table + vpn * PTE_SIZE;
    let pteAddr = pteGpa;
    if (locate !== null) {
      pteAddr = locate(pteGpa, Access.Load);
      if (pteAddr < 0) return pteAddr;
    }
    if (pteAddr >= PHYS_SPAN) return WALK_ACCESS_FAULT;
    stats.pteReads++;
    const raw = bus.readRamWord(pteAddr) ?? bus.read(pteAddr, 4);
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
      // Updating a guest's PTE is a write as far as the G-stage is concerned.
      let writeAddr = pteAddr;
      if (locate !== null) {
        writeAddr = locate(pteGpa, Access.Store);
        if (writeAddr < 0) return writeAddr;
      }
      if (!bus.write(writeAddr, 4, pte)) return WALK_ACCESS_FAULT;
    }
    stats.lastLeafLevel = level;
    const pageBase = level > 0 ? (ppn >>> VPN_BITS) * MEGAPAGE_SIZE : ppn * PAGE_SIZE;
    return pageBase + (addr % (level > 0 ? MEGAPAGE_SIZE : PAGE_SIZE));
  }
  return WALK_PAGE_FAULT;
}

/**
 * Translate `va` for `access` through Sv32. Returns the physical address (0 ≤ pa < 2^34), or
 * WALK_PAGE_FAULT / WALK_ACCESS_FAULT. Sets PTE.A (and PTE.D for stores) in memory.
 */
export function sv32Walk(bus: Bus, va: number, access: Access, ctx: WalkContext, stats: WalkStats): number {
  return walkStage(bus, va >>> 0, access, (ctx.satp & SATP.PPN) * PAGE_SIZE, VPN_BITS, ctx, stats, null);
}

/**
 * The G-stage alone: guest-physical `gpa` to host-physical under `hgatp` (identity when Bare).
 * Every G-stage access counts as a U-mode access (leaves need PTE.U); `mxr` is mstatus.MXR.
 */
export function gstageWalk(
  bus: Bus, gpa: number, access: Access, hgatp: number, mxr: boolean, stats: WalkStats, executeForRead = false,
): number {
  if ((hgatp >>> 31) !== HGATP.MODE_SV32X4) return gpa;
  const before = stats.pteReads;
  const r = walkStage(bus, gpa, access, (hgatp & HGATP.PPN) * PAGE_SIZE, SV32X4_ROOT_VPN_BITS,
    { satp: 0, priv: Priv.U, sum: false, mxr, executeForRead }, stats, null);
  stats.gstageReads += stats.pteReads - before;
  return r;
}

/** What a two-stage translation needs besides the address (the H extension's registers). */
export interface TwoStageContext {
  /** The VS stage: vsatp, the access's virtual privilege, vsstatus.SUM, and MXR (vsstatus.MXR
   *  or mstatus.MXR). */
  vs: WalkContext;
  hgatp: number;
  /** mstatus.MXR, which alone applies to the G-stage. */
  mxrG: boolean;
}

/**
 * Translate a guest-virtual `va` through both stages. Returns the host-physical address, or
 * WALK_PAGE_FAULT (the guest's own tables refused: a page fault for the guest),
 * WALK_GUEST_PAGE_FAULT (the G-stage refused: for the hypervisor; stats.faultGpa and
 * faultImplicit say what), or WALK_ACCESS_FAULT.
 */
export function twoStageWalk(bus: Bus, va: number, access: Access, ctx: TwoStageContext, stats: WalkStats): number {
  const { hgatp, mxrG } = ctx;
  // HLVX needs execute permission for its own access in both stages, not for the VS-stage
  // walk's implicit reads of page-table entries.
  const gstage = (gpa: number, acc: Access, implicit: boolean): number => {
    const hpa = gstageWalk(bus, gpa, acc, hgatp, mxrG, stats, !implicit && ctx.vs.executeForRead === true);
    if (hpa === WALK_PAGE_FAULT) {
      stats.faultGpa = gpa;
      stats.faultImplicit = implicit;
      stats.faultImplicitWrite = implicit && acc === Access.Store;
      return WALK_GUEST_PAGE_FAULT;
    }
    return hpa;
  };
  let gpa: number;
  let vsLevel = 0;
  if ((ctx.vs.satp >>> 31) !== SATP.MODE_SV32) {
    gpa = va >>> 0;
  } else {
    gpa = walkStage(bus, va >>> 0, access, (ctx.vs.satp & SATP.PPN) * PAGE_SIZE, VPN_BITS, ctx.vs, stats,
      (pteGpa, acc) => gstage(pteGpa, acc, true));
    if (gpa < 0) return gpa;
    vsLevel = stats.lastLeafLevel;
  }
  stats.lastLeafLevel = 0;
  const hpa = gstage(gpa, access, false);
  if (stats.lastLeafLevel < vsLevel) stats.lastLeafLevel = vsLevel;
  return hpa;
}

function permitted(pte: number, access: Access, ctx: WalkContext): boolean {
  const user = (pte & PTE.U) !== 0;
  if (ctx.priv === Priv.U && !user) return false;
  if (ctx.priv === Priv.S && user && (access === Access.Fetch || !ctx.sum)) return false;
  switch (access) {
    case Access.Fetch: return (pte & PTE.X) !== 0;
    case Access.Load:
      if (ctx.executeForRead === true) return (pte & PTE.X) !== 0;
      return (pte & PTE.R) !== 0 || (ctx.mxr && (pte & PTE.X) !== 0);
    case Access.Store: return (pte & PTE.W) !== 0;
  }
}
