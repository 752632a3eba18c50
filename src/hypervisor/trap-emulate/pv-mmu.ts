/**
 * The paravirtual MMU interface (docs/pv-abi.md, "Page tables"): Xen's direct paging made
 * RISC-V. The guest builds its own Sv32 tables in its own RAM, but a page becomes a page table
 * only by being *pinned*: the hypervisor validates every entry and from then on the page is
 * read-only to the guest (the shadow MMU never maps it writable). Its entries change only
 * through MMU_UPDATE, which validates each new value — the guest's tables can name nothing but
 * the guest's own RAM and its device window, never the hypervisor's shadow pool or anything
 * beyond its RAM (Barham et al. 2003 §2.1.1, §3.3.3; Xen's mmu_update and MMUEXT_PIN_L*_TABLE).
 *
 * The shadow MMU still translates (its fills read the guest's tables and install only guest
 * RAM), so the host's safety never depends on this validation: what pinning adds is Xen's
 * contract — a guest whose tables are all pinned cannot even *express* a mapping outside its
 * memory, and every change to them is a hypercall the hypervisor sees.
 */
import { SBI_ERR } from '../../abi/sbi.js';
import { PV_ARG, PV_MMU_UPDATE } from '../../abi/hypercalls.js';
import { CSR, PAGE_SHIFT, PAGE_SIZE, PTE, SATP, MEGAPAGE_SHIFT } from '../../isa/csr.js';
import type { ExitContext } from '../exit-context.js';
import { SHADOW_POOL_BASE, type GuestMemory } from '../guest-memory.js';
import type { ShadowMmu } from '../shadow/shadow-mmu.js';
import type { VirtualCsrs } from './vcsr.js';
import { fail, ok, type HcResult } from '../pv/hypercall-result.js';

/** Most MMU_UPDATE entries in one call. */
export const PV_MMU_UPDATE_MAX = 1024;

/** What the PV MMU needs of the vCPU: the shadow tables it keeps in step, the virtual satp,
 *  and somewhere to charge its work (cost-table.ts: pv-mmu-entry, pv-pin-*, shadow-flush). */
export interface PvMmuCpu {
  readonly shadow: ShadowMmu;
  readonly vcsr: VirtualCsrs;
  charge: ExitContext['charge'];
}

const ENTRIES = PAGE_SIZE / 4;
const MEGAPAGE_SIZE = 1 << MEGAPAGE_SHIFT;
const PPN0_MASK = (1 << (MEGAPAGE_SHIFT - PAGE_SHIFT)) - 1;

export class PvMmu {
  /** One flag per page of guest RAM: pinned as a page table. */
  private readonly pinned: Uint8Array;
  private pinnedCount = 0;
  /** A valid entry changed without a flush of its page since the last full flush: some kept
   *  shadow may hold a stale translation, so the next SET_PT_BASE must drop them all (as the
   *  flush it promises would). */
  private unflushed = false;

  constructor(private readonly mem: GuestMemory, private readonly vcpu: PvMmuCpu) {
    this.pinned = new Uint8Array(mem.ramBytes / PAGE_SIZE);
  }

  /** Pages pinned now. */
  get pinnedPages(): number {
    return this.pinnedCount;
  }

  reset(): void {
    this.pinned.fill(0);
    this.pinnedCount = 0;
    this.unflushed = false;
  }

  /** Whether a guest satp's shadow may be kept across address-space switches: paging off, or
   *  a pinned root (whose tables change only through MMU_UPDATE, which the shadow follows). */
  retainable(satp: number): boolean {
    const s = satp >>> 0;
    return (s >>> 31) !== SATP.MODE_SV32 || this.isPinned((s & SATP.PPN) * PAGE_SIZE);
  }

  private flushAll(): void {
    const v = this.vcpu;
    v.shadow.flushAll();
    v.charge('shadow-flush');
    this.unflushed = false;
  }

  // ---- where a guest-physical range lies -----------------------------------------------------

  /** [gpa, gpa+len) lies wholly in guest RAM (plain arithmetic: no 2^32 wrap). */
  inRam(gpa: number, len: number): boolean {
    const base = this.mem.ramBase;
    return len >= 0 && gpa >= base && gpa + len <= base + this.mem.ramBytes;
  }

  /** The page holding gpa is pinned (false outside RAM). */
  isPinned(gpa: number): boolean {
    if (!this.inRam(gpa, 1)) return false;
    return this.pinned[Math.floor((gpa - this.mem.ramBase) / PAGE_SIZE)] === 1;
  }

  /** Some page of [gpa, gpa+len) is pinned. */
  overlapsPinned(gpa: number, len: number): boolean {
    if (this.pinnedCount === 0 || len <= 0) return false;
    for (let p = Math.floor(gpa / PAGE_SIZE) * PAGE_SIZE; p < gpa + len; p += PAGE_SIZE) {
      if (this.isPinned(p)) return true;
    }
    return false;
  }

  /** A leaf may map [pa, pa+len): all of it guest RAM, or all of it in the device window
   *  below RAM without touching the shadow pool. */
  private leafRangeAllowed(pa: number, len: number): boolean {
    if (this.inRam(pa, len)) return true;
    const poolEnd = SHADOW_POOL_BASE + this.mem.shadowPool.size;
    return pa + len <= this.mem.ramBase && (pa + len <= SHADOW_POOL_BASE || pa >= poolEnd);
  }

  /**
   * Whether a page-table entry value may stand in a pinned table. Invalid entries (V = 0) are
   * always allowed. A pointer (V, no R/W/X) must lead to a RAM page — a pinned one when
   * `pointerMustBePinned` (MMU_UPDATE). A leaf must not use the reserved W-without-R encoding,
   * and the range it maps must be allowed: 4 KiB, and also 4 MiB when its PPN is megapage
   * aligned (a table's level is not known, so a leaf is checked as every size it could map).
   */
  checkEntry(value: number, pointerMustBePinned: boolean): boolean {
    const v = value >>> 0;
    if ((v & PTE.V) === 0) return true;
    const ppn = v >>> PTE.PPN_SHIFT;
    const pa = ppn * PAGE_SIZE;
    if ((v & (PTE.R | PTE.W | PTE.X)) === 0) {
      return pointerMustBePinned ? this.isPinned(pa) : this.inRam(pa, PAGE_SIZE);
    }
    if ((v & PTE.W) !== 0 && (v & PTE.R) === 0) return false;
    if (!this.leafRangeAllowed(pa, PAGE_SIZE)) return false;
    return (ppn & PPN0_MASK) !== 0 || this.leafRangeAllowed(pa, MEGAPAGE_SIZE);
  }

  // ---- hypercalls ----------------------------------------------------------------------------

  /** PIN_TABLE(gpa). `inUse` says whether the page is the shared info page or block ring. */
  pin(gpa: number, inUse: (gpa: number) => boolean): HcResult {
    if (gpa % PAGE_SIZE !== 0 || !this.inRam(gpa, PAGE_SIZE)) return fail(SBI_ERR.INVALID_ADDRESS);
    if (this.isPinned(gpa)) return fail(SBI_ERR.ALREADY_AVAILABLE);
    // The hypervisor writes the shared info page and the block ring itself: as a page table
    // they would let it store unvalidated entries.
    if (inUse(gpa)) return fail(SBI_ERR.DENIED);
    let valid = 0;
    let bad = -1;
    for (let i = 0; i < ENTRIES; i++) {
      const e = this.mem.read32(gpa + 4 * i) as number;
      if ((e & PTE.V) === 0) continue;
      valid++;
      if (!this.checkEntry(e, false)) { bad = i; break; }
    }
    const v = this.vcpu;
    v.charge('pv-pin-scan');
    v.charge('pv-pin-entry', valid);
    if (bad >= 0) return fail(SBI_ERR.INVALID_PARAM, bad);
    this.pinned[(gpa - this.mem.ramBase) / PAGE_SIZE] = 1;
    this.pinnedCount++;
    // Whatever the guest could write through before, it cannot any more; and a shadow kept
    // from an earlier life of this page as a root is no shadow of it now.
    v.shadow.revokeWrite(gpa);
    v.shadow.forgetSpace(gpa);
    return ok();
  }

  /** UNPIN_TABLE(gpa). */
  unpin(gpa: number): HcResult {
    if (gpa % PAGE_SIZE !== 0 || !this.inRam(gpa, PAGE_SIZE)) return fail(SBI_ERR.INVALID_ADDRESS);
    if (!this.isPinned(gpa)) return fail(SBI_ERR.INVALID_PARAM);
    const satp = this.vcpu.vcsr.satp >>> 0;
    if ((satp >>> 31) === SATP.MODE_SV32 && (satp & SATP.PPN) * PAGE_SIZE === gpa) return fail(SBI_ERR.DENIED);
    this.pinned[(gpa - this.mem.ramBase) / PAGE_SIZE] = 0;
    this.pinnedCount--;
    this.vcpu.shadow.forgetSpace(gpa);
    return ok();
  }

  /** MMU_UPDATE(list, count): apply validated entries until the first bad one. */
  update(list: number, count: number): HcResult {
    if (count > PV_MMU_UPDATE_MAX) return fail(SBI_ERR.INVALID_PARAM);
    if (count === 0) return ok(0);
    if (list % 4 !== 0 || !this.inRam(list, count * PV_MMU_UPDATE.SIZE)) return fail(SBI_ERR.INVALID_ADDRESS);
    const v = this.vcpu;
    const mem = this.mem;
    for (let i = 0; i < count; i++) {
      const at = list + i * PV_MMU_UPDATE.SIZE;
      const pteGpa = mem.read32(at + PV_MMU_UPDATE.PTE_GPA) as number;
      const value = mem.read32(at + PV_MMU_UPDATE.VALUE) as number;
      const flushVa = mem.read32(at + PV_MMU_UPDATE.FLUSH_VA) as number;
      v.charge('pv-mmu-entry');
      if (pteGpa % 4 !== 0 || !this.isPinned(pteGpa)) return fail(SBI_ERR.INVALID_PARAM, i);
      if (!this.checkEntry(value, true)) return fail(SBI_ERR.INVALID_PARAM, i);
      const old = mem.read32(pteGpa) as number;
      mem.write32(pteGpa, value);
      const changed = old !== value && (old & PTE.V) !== 0;
      if (changed && (old & (PTE.R | PTE.W | PTE.X)) === 0) {
        // A pointer to a second-level table changed: every shadow leaf built through the old
        // table may be stale, and no one-page flush can name them all. Conservatively drop all.
        this.flushAll();
      } else if (flushVa !== PV_ARG.NO_FLUSH) {
        v.shadow.flushPage(flushVa);
        v.charge('shadow-flush');
      } else if (changed) {
        this.unflushed = true;
      }
    }
    return ok(count);
  }

  /**
   * SET_PT_BASE(satp): the root must be pinned (or paging off). To the guest it is a satp write
   * followed by a full flush. The hypervisor keeps each pinned address space's shadow instead
   * (its tables cannot change behind its back) and switches to it — dropping everything only
   * if some valid entry changed without a flush since the last full one, which a real flush
   * would have made visible.
   */
  setBase(satp: number): HcResult {
    const s = satp >>> 0;
    if (!this.retainable(s)) return fail(SBI_ERR.INVALID_PARAM);
    this.vcpu.vcsr.write(CSR.satp, s);
    if (this.unflushed) this.flushAll();
    return ok();
  }

  /** TLB_FLUSH(va | PV_FLUSH_ALL). */
  flush(va: number): HcResult {
    const v = this.vcpu;
    if ((va >>> 0) === PV_ARG.FLUSH_ALL) {
      this.flushAll();
    } else {
      v.shadow.flushPage(va);
      v.charge('shadow-flush');
    }
    return ok();
  }
}
