/**
 * Shadow paging for the trap-and-emulate technique (docs/shadow-paging.md).
 *
 * The guest kernel and its user programs both run in real U-mode. The guest's Sv32 tables live
 * in guest RAM and are addressed by guest-physical address; the hardware never walks them. The
 * hart's real satp points at a shadow root in the hypervisor's private pool instead, and the
 * shadow tables are filled lazily: a shadow miss is a page-fault exit ("hidden" fault), which
 * handleFault() answers by walking the guest's table as the guest's MMU would, applying the
 * guest's permission rules for the guest's virtual privilege, setting the guest's A/D bits, and
 * installing a 4 KiB shadow leaf — or by telling the caller that the fault is the guest's own
 * (reflect it), that the guest maps a device (emulate the access), or that the guest maps
 * something that is neither RAM nor a device (reflect an access fault).
 *
 * Shadow contexts. One shadow root per combination of what changes the guest's view of memory:
 *
 *   ctx 0        'bare'    guest paging off: identity map of guest RAM
 *   ctx 1, 2     'user'    guest U-mode, MXR = 0 / 1
 *   ctx 3 … 6    'kernel'  guest S-mode, (SUM, MXR) = (0,0) (1,0) (0,1) (1,1)
 *
 * Roots are allocated on first use and all of them stay valid for one guest satp: switching
 * between guest user and guest kernel, or toggling SUM/MXR, only re-points the hart (and
 * flushes its TLB, which is not tagged); it never refills. A guest satp change drops them all.
 *
 * Every shadow leaf has U = 1 (the hart is always in U-mode), A = D = 1 (so the hardware walk
 * never writes the pool), W only if the guest PTE's D is set (so the first write faults and
 * sets D), and maps one 4 KiB page of guest RAM — never a device, never the pool, never
 * anything else — so a hostile guest table can name any address and still reach only its RAM.
 *
 * Hardware privilege (hw-assist with shadow paging, first-generation VT-x without EPT): the
 * guest runs in VS/VU-mode, which the hart's own U/S, SUM and MXR checks separate, and it
 * switches between them without exits. So there is one paged context (and the bare one);
 * shadow leaves keep the guest's U, R and X, the hart's vsatp (not satp) points at the root,
 * and the guest's satp and sfence.vma reach the hypervisor through hstatus.VTVM. With guest
 * paging off every access is allowed to the guest's S and U alike, but one leaf cannot allow
 * both (S never fetches from a U page): an identity leaf is built for the privilege that
 * faulted on it, and rebuilt for the other when that one faults on it in turn.
 */
import { Cause } from '../../isa/causes.js';
import { PAGE_SHIFT, PAGE_SIZE, PTE, Priv, SATP, SSTATUS, type PrivLevel } from '../../isa/csr.js';
import type { Hart } from '../../machine/hart.js';
import { Access, accessFaultCause, pageFaultCause } from '../../machine/mmu.js';
import { SHADOW_POOL_BASE, type GuestMemory } from '../guest-memory.js';
import { PageTableTracer, type Invalidation } from './pt-tracer.js';
import type { ShadowPagingMode } from '../techniques.js';

export type ShadowView = 'kernel' | 'user' | 'bare';

export type { ShadowPagingMode } from '../techniques.js';

export type ShadowResult =
  /** A shadow entry was installed: re-execute the instruction. */
  | { kind: 'filled' }
  /** The guest's own page fault: reflect it (cause 12/13/15, tval = va). */
  | { kind: 'guest-fault'; cause: number; tval: number }
  /** The guest maps (or walks its table through) a GPA that is neither RAM nor a device:
   *  reflect an access fault (cause 1/5/7, tval = va). */
  | { kind: 'access-fault'; cause: number; tval: number }
  /** The guest maps a device at `gpa` (full address, page offset included) for a load or
   *  store: the caller emulates the access. Never mapped, so every access traps. */
  | { kind: 'mmio'; gpa: number }
  /** Trace mode: a store the guest's tables allow to a page some shadow was built from, at
   *  `gpa` (offset included): the caller performs it, then calls tracedWrite(). */
  | { kind: 'pte-write'; gpa: number };

export interface ShadowStats {
  /** Shadow leaves installed (each one a hidden page fault resolved). */
  fills: number;
  /** flushAll + flushPage calls, including the flush enter() does on a guest satp change. */
  flushes: number;
  /** Guest page-table entries read by the hypervisor's software walks (fills and translate). */
  guestPteReads: number;
  /** Times the shadow pool ran out and every shadow table was discarded. */
  poolResets: number;
  /** Guest satp changes that kept the old address space's shadow and took up the new one's
   *  (retainSpace, or trace mode), instead of dropping everything. */
  spaceSwitches: number;
  /** Trace mode: guest page-table writes the hypervisor performed (each a pte-write exit). */
  tracedWrites: number;
  /** Trace mode: traced writes to a table no shadow in use depended on, which dropped the
   *  shadows of the address spaces built from it instead (Xen's "early unshadow"). */
  earlyUnshadows: number;
}

/** One valid shadow leaf, as listed by ShadowMmu.mappings() (tests, traces). */
export interface ShadowMapping {
  view: ShadowView;
  sum: boolean;
  mxr: boolean;
  va: number;
  /** Host-physical (= guest-physical) page address. */
  pa: number;
  /** PTE flag bits (V R W X U G A D). */
  flags: number;
}

// ---- constants ---------------------------------------------------------------------------------

/** The bits of the guest's sstatus a shadow view depends on. */
const VIEW_BITS = SSTATUS.SUM | SSTATUS.MXR;

const CTX_BARE = 0;
const CTX_USER = 1; // + MXR
const CTX_KERNEL = 3; // + SUM + 2·MXR
/** With hardware privilege, the one paged context. */
const CTX_HARDWARE = CTX_KERNEL;
const CONTEXTS = 7;
const NO_CTX = -1;

const ENTRIES = 1024;
const VPN_MASK = ENTRIES - 1;
const LEVEL_SHIFT = 10;
const MEGA_SHIFT = PAGE_SHIFT + LEVEL_SHIFT;
const MEGA_OFFSET_MASK = (1 << MEGA_SHIFT) - 1;
const PAGE_MASK = PAGE_SIZE - 1;
const PHYS_LIMIT = 2 ** 32;
const NO_PAGE = -1;

const WALK_PAGE_FAULT = -1;
const WALK_ACCESS_FAULT = -2;
/** A store the guest's table allows to a page the hypervisor write-protects (a pinned page
 *  table of a paravirtual guest): the guest's own store page fault. */
const WALK_WRITE_PROTECTED = -3;

/** Flags every shadow leaf carries. */
const LEAF_BASE = PTE.V | PTE.U | PTE.A | PTE.D;

const FILLED: ShadowResult = Object.freeze({ kind: 'filled' }) as ShadowResult;

function viewOf(ctx: number): ShadowView {
  return ctx === CTX_BARE ? 'bare' : ctx < CTX_KERNEL ? 'user' : 'kernel';
}

/** One guest address space's shadow roots (one per context) and megapage marks. */
interface ShadowSpace {
  readonly roots: Int32Array;
  readonly megaSlots: Uint8Array;
}

export class ShadowMmu {
  readonly stats: ShadowStats = { fills: 0, flushes: 0, guestPteReads: 0, poolResets: 0, spaceSwitches: 0, tracedWrites: 0, earlyUnshadows: 0 };
  /** Trace mode: which guest pages the shadows were built from (null in fence mode). */
  private readonly tracer: PageTableTracer | null;
  /** Trace mode: pool word indices of the shadow leaves that map each guest page, so a page
   *  that becomes traced can be write-protected without scanning the pool. */
  private readonly leafRefs = new Map<number, number[]>();

  private readonly pool: Int32Array;
  private readonly poolPages: number;
  /** Pages of the pool handed out (bump allocator; everything is freed at once). */
  private used = 0;
  /** The current guest address space's shadow: pool byte offset of each context's root page,
   *  or NO_PAGE… */
  private roots: Int32Array = new Int32Array(CONTEXTS).fill(NO_PAGE);
  /** …and per context and VPN[1]: some shadow leaf under it came from a guest megapage. */
  private megaSlots: Uint8Array = new Uint8Array(CONTEXTS * ENTRIES);
  /** Shadows of other guest address spaces, kept for a switch back (see retainSpace), by the
   *  guest satp value they were built from. */
  private readonly kept = new Map<number, ShadowSpace>();
  /** Nothing filled since the last reset (so a guest satp change needs no flush). */
  private clean = true;
  /**
   * Guest satp values whose shadows may survive a switch to another address space: those whose
   * tables the hypervisor sees every change of (a paravirtual guest's pinned roots, updated only
   * through MMU_UPDATE). null: every satp change drops every shadow (trap-and-emulate, where
   * guest page-table writes are invisible and the guest's own sfence.vma drops them anyway).
   */
  retainSpace: ((satp: number) => boolean) | null = null;
  /**
   * Pages the guest may not write, whatever its own tables say (the paravirtual interface's
   * pinned page tables, which change only through validated MMU_UPDATE hypercalls): consulted
   * at every fill, so no shadow leaf ever maps such a page writable, and a store to it is the
   * guest's own store page fault. null: nothing is write-protected (trap-and-emulate).
   */
  isWriteProtected: ((gpa: number) => boolean) | null = null;

  // The guest state of the last enter().
  private ctx = NO_CTX;
  private vsatp = 0;
  private priv: PrivLevel = Priv.S;
  private sum = false;
  private mxr = false;
  /** The satp value we last wrote to the hart. */
  private hartSatp = -1;
  /** enter()'s arguments last time (its view bits of vsstatus), for its quick check. */
  private enteredPriv = -1;
  private enteredSatp = -1;
  private enteredView = -1;

  // Outputs of guestWalk besides the address.
  private leafPte = 0;
  private leafLevel = 0;
  /** The guest page numbers of the tables the walk read: the root, and the second-level
   *  table (-1 for a megapage leaf in the root). */
  private walkRoot = -1;
  private walkL2 = -1;
  /** The walk ended at a store to a traced page (trace mode). */
  private walkTraced = false;

  constructor(
    private readonly mem: GuestMemory,
    private readonly hart: Hart,
    private readonly isDevice: (gpa: number) => boolean,
    /** The guest runs in VS/VU-mode and the hart checks privilege itself (see above). */
    private readonly hardwarePrivilege = false,
    readonly mode: ShadowPagingMode = 'fence',
  ) {
    this.tracer = mode === 'trace' ? new PageTableTracer() : null;
    this.pool = mem.shadowPool.i32;
    this.poolPages = mem.shadowPool.size / PAGE_SIZE;
    if (this.poolPages < 2) throw new Error('the shadow pool needs at least 2 pages (a root and one table)');
  }

  /** The view the hart is pointed at (undefined before the first enter()). */
  get view(): ShadowView | undefined {
    return this.ctx === NO_CTX ? undefined : viewOf(this.ctx);
  }

  /** Pool pages in use (roots and second-level tables). */
  get poolPagesUsed(): number {
    return this.used;
  }

  // ---- entering the guest --------------------------------------------------------------------

  /**
   * Point the hart at the shadow root for the guest's current state. Call on every entry into
   * the guest after vpriv, vsatp, SUM or MXR may have changed; when nothing has, it costs a few
   * compares. A vsatp different from the last one drops every shadow table (so the satp-write
   * handler need not call flushAll, and a flushAll it does call is not repeated here) — unless
   * retainSpace allows keeping both the old and the new address space's shadows, in which case
   * the old one is kept aside and the new one's taken up where it was left. The hart's real
   * mstatus.MXR must be 0 (shadow leaves encode MXR themselves).
   */
  enter(vpriv: PrivLevel, vsatp: number, vsstatus: number): void {
    // Every exit enters again, nearly always with what the last entry had: compared as given,
    // before anything is derived from it.
    if (vpriv === this.enteredPriv && vsatp === this.enteredSatp && (vsstatus & VIEW_BITS) === this.enteredView &&
      this.hartRoot() === this.hartSatp) return;
    // Remembered only once entered: an entry that fails is not repeated by the check.
    this.enteredPriv = -1;
    this.enterView(vpriv, vsatp, vsstatus);
    this.enteredPriv = vpriv;
    this.enteredSatp = vsatp;
    this.enteredView = vsstatus & VIEW_BITS;
  }

  /** enter() when something may have changed: find or make the view's root, point the hart. */
  private enterView(vpriv: PrivLevel, vsatp: number, vsstatus: number): void {
    if (vpriv !== Priv.S && vpriv !== Priv.U) throw new RangeError(`a guest runs in S or U, not ${vpriv}`);
    const satp = vsatp >>> 0;
    const sum = (vsstatus & SSTATUS.SUM) !== 0;
    const mxr = (vsstatus & SSTATUS.MXR) !== 0;
    const ctx = (satp >>> 31) !== SATP.MODE_SV32 ? CTX_BARE
      : this.hardwarePrivilege ? CTX_HARDWARE
      : vpriv === Priv.U ? CTX_USER + (mxr ? 1 : 0)
      : CTX_KERNEL + (sum ? 1 : 0) + (mxr ? 2 : 0);
    const satpChanged = satp !== this.vsatp;
    if (!satpChanged && ctx === this.ctx && this.hartRoot() === this.hartSatp) {
      // Same shadow; with hardware privilege the walk's permission context may still move.
      this.priv = vpriv;
      this.sum = sum;
      this.mxr = mxr;
      return;
    }
    this.ctx = ctx;
    this.priv = vpriv;
    this.sum = sum;
    this.mxr = mxr;
    if (satpChanged && this.retains(this.vsatp) && this.retains(satp)) {
      this.kept.set(this.vsatp, { roots: this.roots, megaSlots: this.megaSlots });
      const next = this.kept.get(satp);
      this.kept.delete(satp);
      this.roots = next ? next.roots : new Int32Array(CONTEXTS).fill(NO_PAGE);
      this.megaSlots = next ? next.megaSlots : new Uint8Array(CONTEXTS * ENTRIES);
      this.vsatp = satp;
      this.stats.spaceSwitches++;
      this.rootOf(ctx);
      this.pointHart();
      return;
    }
    this.vsatp = satp;
    if (satpChanged && !this.clean) {
      // Every shadow table was built from the old guest table: drop them all. (Re-creates the
      // current context's root and points the hart at it.)
      this.flushAll();
    } else {
      this.rootOf(ctx);
      this.pointHart();
    }
  }

  // ---- hidden page faults --------------------------------------------------------------------

  /**
   * A page-fault (or access-fault) exit from the hart at guest virtual address va, in the
   * context of the last enter(). Walks the guest's table, sets the guest's A/D bits, and either
   * installs a shadow leaf ('filled': re-execute the instruction) or says what to reflect or
   * emulate. Never maps anything but guest RAM.
   */
  handleFault(access: Access, va: number): ShadowResult {
    const ctx = this.requireContext();
    const v = va >>> 0;
    let gpa: number;
    let flags: number;
    let mega = false;
    if (ctx === CTX_BARE) {
      gpa = v;
      flags = this.bareLeafFlags();
      if (access === Access.Store && this.writeProtected(gpa)) return { kind: 'guest-fault', cause: Cause.StorePageFault, tval: v };
      // Trace mode: a page table of a kept address space, written with paging off. Its leaf
      // is never writable, so the store is performed and traced like any other (which drops
      // what depended on the page) — a fill without W would fault again, forever.
      if (access === Access.Store && this.isTraced(gpa) && this.isRamPage(gpa)) return { kind: 'pte-write', gpa: v };
    } else {
      gpa = this.guestWalk(v, access, true);
      if (gpa === WALK_PAGE_FAULT || gpa === WALK_WRITE_PROTECTED) return { kind: 'guest-fault', cause: pageFaultCause(access), tval: v };
      if (gpa === WALK_ACCESS_FAULT) return { kind: 'access-fault', cause: accessFaultCause(access), tval: v };
      if (this.walkTraced) return { kind: 'pte-write', gpa };
      flags = this.shadowFlags(this.leafPte);
      mega = this.leafLevel > 0;
      // Trace the tables this shadow entry is built from (before its own W is decided: the
      // walk may have just started tracing the very page it maps).
      if (this.isRamPage(gpa)) this.trace(v);
    }
    if (!this.isRamPage(gpa)) return this.outsideRam(access, v, gpa);
    if ((flags & PTE.W) !== 0 && this.readOnly(gpa)) flags &= ~PTE.W;
    this.install(ctx, v, gpa, flags, mega);
    this.stats.fills++;
    return FILLED;
  }

  /**
   * Translate va as the guest's MMU would in the context of the last enter() — for fetching
   * the trapping instruction or decoding an MMIO access. A pure lookup: no shadow entry, no
   * A/D update. RAM gives { gpa }; everything else gives the result handleFault would
   * (a device is { fault: { kind: 'mmio', gpa } } for loads and stores, an access fault for
   * fetches).
   */
  translate(access: Access, va: number): { gpa: number } | { fault: ShadowResult } {
    const ctx = this.requireContext();
    const v = va >>> 0;
    let gpa = v;
    if (ctx !== CTX_BARE) {
      gpa = this.guestWalk(v, access, false);
      if (gpa === WALK_PAGE_FAULT) return { fault: { kind: 'guest-fault', cause: pageFaultCause(access), tval: v } };
      if (gpa === WALK_ACCESS_FAULT) return { fault: { kind: 'access-fault', cause: accessFaultCause(access), tval: v } };
    }
    if (!this.isRamPage(gpa)) return { fault: this.outsideRam(access, v, gpa) };
    return { gpa };
  }

  // ---- flushes -------------------------------------------------------------------------------

  /** Guest satp write with a different value, or sfence.vma with rs1 = x0: drop everything. */
  flushAll(): void {
    this.stats.flushes++;
    this.resetPool();
  }

  /**
   * sfence.vma with an address: drop the shadow leaves for va in every view; if the guest
   * mapped va's 4 MiB region with a megapage, drop every piece of it.
   */
  flushPage(va: number): void {
    this.stats.flushes++;
    const v = va >>> 0;
    let everything = this.flushPageIn(this.roots, this.megaSlots, v);
    // A fence without an ASID applies to every address space, kept ones included.
    for (const space of this.kept.values()) this.flushPageIn(space.roots, space.megaSlots, v);
    if (everything) this.hart.translationChanged();
    else this.hart.tlb.flushPage((v >>> PAGE_SHIFT) | 0);
  }

  /** flushPage in one address space's shadow; true if a megapage's pieces were dropped. */
  private flushPageIn(roots: Int32Array, megaSlots: Uint8Array, v: number): boolean {
    const slot = v >>> MEGA_SHIFT;
    const vpn0 = (v >>> PAGE_SHIFT) & VPN_MASK;
    const pool = this.pool;
    let everything = false;
    for (let ctx = 0; ctx < CONTEXTS; ctx++) {
      const root = roots[ctx] as number;
      if (root === NO_PAGE) continue;
      const l1 = pool[(root >>> 2) + slot] as number;
      if ((l1 & PTE.V) === 0) continue;
      const table = this.tableOffset(l1);
      if (megaSlots[ctx * ENTRIES + slot] !== 0) {
        // The guest mapped this region with a megapage, which the shadow holds as up to 1024
        // pieces: a fence of any address in it drops them all.
        pool.fill(0, table >>> 2, (table >>> 2) + ENTRIES);
        megaSlots[ctx * ENTRIES + slot] = 0;
        everything = true;
      } else {
        pool[(table >>> 2) + vpn0] = 0;
      }
    }
    return everything;
  }

  /**
   * The guest's satp changed (a trapped satp write). Fence mode: every shadow was built from
   * the old tables, drop them all (true). Trace mode: nothing to do — the next enter() keeps
   * the old space's shadow aside and takes up the new one's (false).
   */
  addressSpaceChanged(): boolean {
    if (this.tracer !== null) return false;
    this.flushAll();
    return true;
  }

  /**
   * The guest's sfence.vma (va, or null for all). Fence mode: drop the shadow state it names
   * (true). Trace mode: shadows are kept exact by tracing, so only the hart's TLB is flushed,
   * as the fence asks of hardware (false).
   */
  sfence(va: number | null): boolean {
    if (this.tracer === null) {
      if (va === null) this.flushAll();
      else this.flushPage(va);
      return true;
    }
    if (va === null) this.hart.translationChanged();
    else this.hart.tlb.flushPage(((va >>> 0) >>> PAGE_SHIFT) | 0);
    return false;
  }

  // ---- tracing (trace mode) ------------------------------------------------------------------

  /** A fill is about to install a shadow entry for `va` built from the tables the walk just
   *  read: trace them, write-protecting every page that becomes traced now. */
  private trace(va: number): void {
    if (this.tracer === null) return;
    const fresh = this.tracer.noteWalk(this.vsatp, this.walkRoot, va >>> MEGA_SHIFT, this.walkL2);
    for (const page of fresh) this.revokeWriteOf(page);
  }

  /** Drop W from every shadow leaf that maps guest page `page` (trace mode's reverse map). */
  private revokeWriteOf(page: number): void {
    const refs = this.leafRefs.get(page);
    if (refs === undefined) return;
    let n = 0;
    for (const i of refs) {
      const leaf = this.pool[i] as number;
      if ((leaf & PTE.V) !== 0 && (leaf >>> PTE.PPN_SHIFT) === page && (leaf & PTE.W) !== 0) {
        this.pool[i] = leaf & ~PTE.W;
        n++;
      }
    }
    if (n > 0) this.hart.translationChanged();
  }

  /**
   * The hypervisor performed a guest store of `width` bytes at `gpa` to a traced page (after a
   * 'pte-write' answer): drop every shadow entry built from the entries it changed.
   */
  tracedWrite(gpa: number, width: number): void {
    if (this.tracer === null) throw new Error('tracedWrite outside trace mode');
    this.stats.tracedWrites++;
    const page = Math.floor(gpa / PAGE_SIZE);
    const users = this.tracer.spacesUsing(page);
    if (!users.includes(this.vsatp)) {
      // A table only kept address spaces were built from — typically a dead process's, being
      // zeroed for reuse: writes to it would trace forever. Drop those spaces' shadows (they are
      // rebuilt on a switch back) and stop tracing the page, as Xen's early unshadow does.
      for (const space of users) {
        this.kept.delete(space);
        this.tracer.dropSpace(space);
      }
      this.stats.earlyUnshadows++;
      return;
    }
    const first = (gpa & PAGE_MASK) >>> 2;
    const last = (Math.min((gpa & PAGE_MASK) + width, PAGE_SIZE) - 1) >>> 2;
    for (let index = first; index <= last; index++) {
      for (const inv of this.tracer.invalidations(page, index)) this.invalidate(inv);
    }
  }

  private invalidate(inv: Invalidation): void {
    const current = inv.space === this.vsatp;
    const space = current ? { roots: this.roots, megaSlots: this.megaSlots } : this.kept.get(inv.space);
    if (space === undefined) return;
    if (inv.kind === 'page') {
      const everything = this.flushPageIn(space.roots, space.megaSlots, inv.va);
      if (current) {
        if (everything) this.hart.translationChanged();
        else this.hart.tlb.flushPage((inv.va >>> PAGE_SHIFT) | 0);
      }
      return;
    }
    // A root entry changed: the shadow's whole slot goes (its table page is leaked until the
    // next pool reset, as every freed shadow page is).
    for (let ctx = 0; ctx < CONTEXTS; ctx++) {
      const root = space.roots[ctx] as number;
      if (root !== NO_PAGE) this.pool[(root >>> 2) + inv.slot] = 0;
      space.megaSlots[ctx * ENTRIES + inv.slot] = 0;
    }
    if (current) this.hart.translationChanged();
  }

  /** Drop the kept shadow of every address space whose root is the page at `rootGpa` (its
   *  page stopped, or started, being a page table). The current one is never kept. */
  forgetSpace(rootGpa: number): void {
    for (const satp of [...this.kept.keys()]) {
      if ((satp >>> 31) === SATP.MODE_SV32 && (satp & SATP.PPN) * PAGE_SIZE === rootGpa) {
        this.kept.delete(satp);
        this.tracer?.dropSpace(satp);
      }
    }
  }

  /** Address spaces whose shadows are kept besides the current one. */
  get keptSpaces(): number {
    return this.kept.size;
  }

  /** The current address space's shadow, then the kept ones. */
  private spaces(): ShadowSpace[] {
    return [{ roots: this.roots, megaSlots: this.megaSlots }, ...this.kept.values()];
  }

  /**
   * The page holding `gpa` became write-protected (a paravirtual guest pinned it as a page
   * table): drop W from every shadow leaf that maps it, in every view, and the hart's TLB with
   * them. Later fills consult isWriteProtected. Returns how many leaves lost W.
   */
  revokeWrite(gpa: number): number {
    const target = Math.floor(gpa / PAGE_SIZE);
    const pool = this.pool;
    let n = 0;
    for (const { roots } of this.spaces()) for (let ctx = 0; ctx < CONTEXTS; ctx++) {
      const root = roots[ctx] as number;
      if (root === NO_PAGE) continue;
      for (let slot = 0; slot < ENTRIES; slot++) {
        const l1 = pool[(root >>> 2) + slot] as number;
        if ((l1 & PTE.V) === 0) continue;
        const base = this.tableOffset(l1) >>> 2;
        for (let i = base; i < base + ENTRIES; i++) {
          const leaf = pool[i] as number;
          if ((leaf & PTE.W) !== 0 && (leaf >>> PTE.PPN_SHIFT) === target) {
            pool[i] = leaf & ~PTE.W;
            n++;
          }
        }
      }
    }
    if (n > 0) this.hart.translationChanged();
    return n;
  }

  // ---- inspection ----------------------------------------------------------------------------

  /** Every valid shadow leaf of every context, of the current address space and then of the
   *  kept ones (tests, traces; not for hot paths). */
  mappings(): ShadowMapping[] {
    const out: ShadowMapping[] = [];
    const pool = this.pool;
    for (const { roots } of this.spaces()) for (let ctx = 0; ctx < CONTEXTS; ctx++) {
      const root = roots[ctx] as number;
      if (root === NO_PAGE) continue;
      const k = ctx - CTX_KERNEL;
      const sum = ctx >= CTX_KERNEL && (k & 1) !== 0;
      const mxr = ctx >= CTX_KERNEL ? (k & 2) !== 0 : ctx === CTX_USER + 1;
      for (let slot = 0; slot < ENTRIES; slot++) {
        const l1 = pool[(root >>> 2) + slot] as number;
        if ((l1 & PTE.V) === 0) continue;
        const table = this.tableOffset(l1);
        for (let i = 0; i < ENTRIES; i++) {
          const pte = pool[(table >>> 2) + i] as number;
          if ((pte & PTE.V) === 0) continue;
          out.push({
            view: viewOf(ctx), sum, mxr,
            va: ((slot << MEGA_SHIFT) | (i << PAGE_SHIFT)) >>> 0,
            pa: (pte >>> PTE.PPN_SHIFT) * PAGE_SIZE,
            flags: pte & ((1 << PTE.PPN_SHIFT) - 1),
          });
        }
      }
    }
    return out;
  }

  // ---- the guest's walk ------------------------------------------------------------------------

  /**
   * Walk the guest's Sv32 table for `va` as the guest's MMU would for the current context.
   * Returns the GPA (< 2^34), or WALK_PAGE_FAULT / WALK_ACCESS_FAULT. With `update`, sets the
   * guest PTE's A (and D for stores) in guest memory, as the virt board's hardware does.
   */
  private guestWalk(va: number, access: Access, update: boolean): number {
    let table = (this.vsatp & SATP.PPN) * PAGE_SIZE;
    this.walkRoot = table / PAGE_SIZE;
    this.walkL2 = -1;
    this.walkTraced = false;
    for (let level = 1; level >= 0; level--) {
      const vpn = (va >>> (PAGE_SHIFT + level * LEVEL_SHIFT)) & VPN_MASK;
      const pteAddr = table + vpn * 4;
      // Above 4 GiB, or not in guest RAM (a device, the pool, nothing): an access fault. The
      // explicit limit matters: RAM lookups take addresses modulo 2^32.
      if (pteAddr >= PHYS_LIMIT) return WALK_ACCESS_FAULT;
      this.stats.guestPteReads++;
      const raw = this.mem.read32(pteAddr);
      if (raw === undefined) return WALK_ACCESS_FAULT;
      let pte = raw;
      if ((pte & PTE.V) === 0 || ((pte & PTE.R) === 0 && (pte & PTE.W) !== 0)) return WALK_PAGE_FAULT;
      const ppn = pte >>> PTE.PPN_SHIFT;
      if ((pte & (PTE.R | PTE.X)) === 0) {
        if (level === 0) return WALK_PAGE_FAULT; // a pointer where only leaves may be
        table = ppn * PAGE_SIZE;
        this.walkL2 = ppn;
        continue;
      }
      if (!this.permitted(pte, access)) return WALK_PAGE_FAULT;
      if (level > 0 && (ppn & VPN_MASK) !== 0) return WALK_PAGE_FAULT; // misaligned megapage
      const gpa = level > 0
        ? (ppn >>> LEVEL_SHIFT) * 2 ** MEGA_SHIFT + (va & MEGA_OFFSET_MASK)
        : ppn * PAGE_SIZE + (va & PAGE_MASK);
      // A store to a write-protected page faults before it can mark the guest's PTE dirty; a
      // store to a traced page is the guest's to make, performed by the hypervisor.
      if (update && access === Access.Store && this.writeProtected(gpa)) return WALK_WRITE_PROTECTED;
      if (update && access === Access.Store && this.isTraced(gpa)) this.walkTraced = true;
      if (update) {
        const want = PTE.A | (access === Access.Store ? PTE.D : 0);
        if ((pte & want) !== want) {
          pte = (pte | want) >>> 0;
          this.mem.write32(pteAddr, pte);
        }
      }
      this.leafPte = pte;
      this.leafLevel = level;
      return gpa;
    }
    return WALK_PAGE_FAULT;
  }

  /** The guest's permission rule for `access` at its virtual privilege (SUM, MXR applied). */
  private permitted(pte: number, access: Access): boolean {
    const user = (pte & PTE.U) !== 0;
    if (this.priv === Priv.U && !user) return false;
    if (this.priv === Priv.S && user && (access === Access.Fetch || !this.sum)) return false;
    switch (access) {
      case Access.Fetch: return (pte & PTE.X) !== 0;
      case Access.Load: return (pte & PTE.R) !== 0 || (this.mxr && (pte & PTE.X) !== 0);
      case Access.Store: return (pte & PTE.W) !== 0;
    }
  }

  /** An identity leaf of the bare context: everything, for the privilege that faulted (the
   *  hart's own, with hardware privilege; always real U-mode otherwise). */
  private bareLeafFlags(): number {
    const user = !this.hardwarePrivilege || this.priv === Priv.U;
    return (user ? LEAF_BASE : LEAF_BASE & ~PTE.U) | PTE.R | PTE.W | PTE.X;
  }

  /**
   * Shadow leaf flags for a guest leaf in the current context: everything the guest may do at
   * its virtual privilege, except stores before the guest's D bit is set.
   */
  private shadowFlags(pte: number): number {
    if (this.hardwarePrivilege) {
      // The hart applies U/S, SUM and MXR itself: keep the guest's bits, less W until dirty.
      let flags = (LEAF_BASE & ~PTE.U) | (pte & (PTE.R | PTE.X | PTE.U));
      if ((pte & PTE.W) !== 0 && (pte & PTE.D) !== 0) flags |= PTE.W;
      return flags;
    }
    const user = (pte & PTE.U) !== 0;
    const s = this.priv === Priv.S;
    // (A leaf the guest cannot use at all here never reaches this: the walk faulted.)
    let flags = LEAF_BASE;
    if ((pte & PTE.R) !== 0 || (this.mxr && (pte & PTE.X) !== 0)) flags |= PTE.R;
    if ((pte & PTE.W) !== 0 && (pte & PTE.D) !== 0) flags |= PTE.W;
    if ((pte & PTE.X) !== 0 && !(s && user)) flags |= PTE.X;
    return flags;
  }

  // ---- where a GPA leads -----------------------------------------------------------------------

  private writeProtected(gpa: number): boolean {
    return this.isWriteProtected !== null && this.isWriteProtected(gpa);
  }

  /** No shadow leaf may map this page writable: protected, or traced. */
  private readOnly(gpa: number): boolean {
    return this.writeProtected(gpa) || this.isTraced(gpa);
  }

  private isTraced(gpa: number): boolean {
    return this.tracer !== null && this.tracer.isTraced(Math.floor(gpa / PAGE_SIZE));
  }

  /** Trace mode: writes to the page holding `gpa` are traced (some shadow was built from it). */
  isTracedPage(gpa: number): boolean {
    return this.isTraced(gpa);
  }

  /** Whether a guest satp's shadow may be kept across a switch to another address space. */
  private retains(satp: number): boolean {
    return this.tracer !== null || (this.retainSpace !== null && this.retainSpace(satp));
  }

  /** Whether the 4 KiB page holding `gpa` (< 2^34) is guest RAM. */
  private isRamPage(gpa: number): boolean {
    return gpa >= this.mem.ramBase && gpa < this.mem.ramBase + this.mem.ramBytes;
  }

  /** A GPA that is not RAM: a device access to emulate, or an access fault. Instructions are
   *  fetched only from RAM, and the pool is never a device, whatever isDevice says. */
  private outsideRam(access: Access, va: number, gpa: number): ShadowResult {
    if (gpa < PHYS_LIMIT && access !== Access.Fetch && !this.isPool(gpa) && this.isDevice(gpa)) {
      return { kind: 'mmio', gpa };
    }
    return { kind: 'access-fault', cause: accessFaultCause(access), tval: va };
  }

  private isPool(gpa: number): boolean {
    return gpa >= SHADOW_POOL_BASE && gpa < SHADOW_POOL_BASE + this.poolPages * PAGE_SIZE;
  }

  // ---- the shadow tables -----------------------------------------------------------------------

  /** Install a 4 KiB shadow leaf va → the page holding gpa in context ctx. */
  private install(ctx: number, va: number, gpa: number, flags: number, mega: boolean): void {
    // The one place a shadow leaf is written: it must map guest RAM and nothing else.
    if (!this.isRamPage(gpa)) throw new Error(`shadow paging: refusing to map 0x${gpa.toString(16)}`);
    const slot = va >>> MEGA_SHIFT;
    let root = this.rootOf(ctx);
    let l1 = this.pool[(root >>> 2) + slot] as number;
    if ((l1 & PTE.V) === 0) {
      let table = this.allocPage();
      if (table === NO_PAGE) {
        // Out of pool: start over, the current root first, and carry on with this fill.
        this.stats.poolResets++;
        this.resetPool();
        root = this.rootOf(ctx);
        table = this.allocPage() as number; // a pool has at least 2 pages
      }
      l1 = (((SHADOW_POOL_BASE + table) >>> PAGE_SHIFT) << PTE.PPN_SHIFT) | PTE.V;
      this.pool[(root >>> 2) + slot] = l1;
    }
    const table = this.tableOffset(l1);
    const ppn = Math.floor(gpa / PAGE_SIZE);
    const index = (table >>> 2) + ((va >>> PAGE_SHIFT) & VPN_MASK);
    this.pool[index] = (ppn << PTE.PPN_SHIFT) | flags;
    if (this.tracer !== null) {
      const refs = this.leafRefs.get(ppn);
      if (refs === undefined) this.leafRefs.set(ppn, [index]);
      else refs.push(index);
    }
    if (mega) this.megaSlots[ctx * ENTRIES + slot] = 1;
    this.clean = false;
    // An upgrade (W after the guest's first write) leaves nothing stale, but be exact anyway.
    if (ctx === this.ctx) this.hart.tlb.flushPage((va >>> PAGE_SHIFT) | 0);
  }

  /** Pool offset of a context's root, allocating it (and re-pointing the hart) if needed. */
  private rootOf(ctx: number): number {
    let root = this.roots[ctx] as number;
    if (root !== NO_PAGE) return root;
    root = this.allocPage();
    if (root === NO_PAGE) {
      this.stats.poolResets++;
      this.resetPool(); // allocates the current context's root
      root = this.roots[ctx] as number;
      if (root !== NO_PAGE) return root;
      root = this.allocPage();
    }
    this.roots[ctx] = root;
    if (ctx === this.ctx) this.pointHart();
    return root;
  }

  private pointHart(): void {
    const root = this.roots[this.ctx] as number;
    const satp = ((SATP.MODE_SV32 << 31) | ((SHADOW_POOL_BASE + root) >>> PAGE_SHIFT)) | 0;
    if (this.hardwarePrivilege) this.hart.csr.vsatp = satp;
    else this.hart.csr.satp = satp;
    this.hartSatp = satp;
    this.hart.translationChanged();
  }

  /** The register the hart translates the guest with: satp, or vsatp with hardware privilege. */
  private hartRoot(): number {
    return this.hardwarePrivilege ? this.hart.csr.vsatp : this.hart.csr.satp;
  }

  private allocPage(): number {
    if (this.used >= this.poolPages) return NO_PAGE;
    return this.used++ * PAGE_SIZE;
  }

  private tableOffset(l1: number): number {
    return (l1 >>> PTE.PPN_SHIFT) * PAGE_SIZE - SHADOW_POOL_BASE;
  }

  /** Discard every shadow table; re-create the current root so the hart's satp stays valid. */
  private resetPool(): void {
    this.pool.fill(0, 0, (this.used * PAGE_SIZE) >>> 2);
    this.used = 0;
    this.tracer?.reset();
    this.leafRefs.clear();
    this.roots.fill(NO_PAGE);
    this.megaSlots.fill(0);
    this.kept.clear();
    this.clean = true;
    if (this.ctx !== NO_CTX) {
      this.roots[this.ctx] = this.allocPage();
      this.pointHart();
    } else {
      this.hart.translationChanged();
    }
  }

  private requireContext(): number {
    if (this.ctx === NO_CTX) throw new Error('ShadowMmu: enter() was never called');
    return this.ctx;
  }
}
