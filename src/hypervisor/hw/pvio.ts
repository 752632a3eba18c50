/**
 * Paravirtual I/O under hardware assist: the back-end of the `pvio` guest build (the unmodified
 * kernel — CPU and MMU on the H extension — with the paravirtual drivers of pvdrivers.S), the
 * combination modern hypervisors use (KVM + virtio, Xen PVH). docs/hw-assist.md, "PV I/O under
 * hardware assist".
 *
 * An ecall from VS-mode with a7 = PV_EXT is a hypercall of docs/pv-abi.md, not an SBI call.
 * Only the `events` and `io` parts of the interface exist here — the CPU and MMU are the
 * hardware's — registered with the same dispatcher and device back-end as the paravirt
 * technique's:
 *
 *   SET_SHARED_INFO(page)   the shared info page; only its events word is used
 *   EVENT_CHECK()           the guest took device events out of the events word: look again
 *   CONSOLE_WRITE, BLK_SETUP, BLK_NOTIFY   the device back-end (pv-devices.ts)
 *   anything else           SBI_ERR.NOT_SUPPORTED
 *
 * The guest passes **guest-virtual** kernel addresses: each is translated in software through
 * the guest's own page tables (vsatp; under shadow paging the guest's satp) and the G-stage
 * (twoStageWalk; bare under shadow paging), filling a G-stage leaf the guest has not touched yet
 * as a guest-page fault would. A pointer that is not mapped, not RAM, or not contiguous, or a
 * count out of range, is an error code for the guest — never a host exception, never an access
 * outside the guest's RAM.
 *
 * Events: the back-end sets bits in the shared page's events word itself and holds the virtual
 * external interrupt line (hvip.VSEIP) while a device bit is set there, so the guest's
 * external-interrupt path (PV_EXTERNAL_INTR) runs. The guest clears the bits with an atomic
 * and-not (no exit) and then says so with EVENT_CHECK (PV_EVENTS_ACK in pvops.S), which drops
 * the line; every hypercall re-reads the word too.
 */
import { PV_EVENT, PV_SHARED } from '../../abi/hypercalls.js';
import { SBI_ERR } from '../../abi/sbi.js';
import { MIP, PAGE_SIZE, Priv, SSTATUS } from '../../isa/csr.js';
import { Access, WALK_GUEST_PAGE_FAULT, newWalkStats, twoStageWalk } from '../../machine/mmu.js';
import type { ExitContext } from '../exit-context.js';
import type { ExitKind } from '../exits.js';
import type { PvAddressSpace } from '../pv/address-space.js';
import { assertCoverage, HypercallDispatcher, type HandlerTable } from '../pv/dispatcher.js';
import { fail, ok, type HcResult } from '../pv/hypercall-result.js';
import { deviceHandlers, PV_CONSOLE_MAX, PvDevices } from '../pv/pv-devices.js';

/** Event bits that drive the external interrupt line. */
const DEVICE_EVENTS = PV_EVENT.CONSOLE | PV_EVENT.BLOCK;
const UINT32 = 0x1_0000_0000;
/** G-stage leaves one translation may fill before giving up (a two-level VS walk touches at
 *  most two table pages and the final page). */
const MAX_FILLS = 4;
/** The longest range one translation covers: the largest block request's buffer and more. */
const MAX_TRANSLATE = PV_CONSOLE_MAX * 16;

/** What the back-end needs of the hardware-assisted vCPU. */
export interface PvioCpu {
  /** The satp the guest's kernel runs with (vsatp, or the guest's own under shadow paging). */
  guestSatp(): number;
  /** hgatp, or 0 when the second stage is bare (shadow paging). */
  secondStage(): number;
  /** The G-stage to fill on demand (nested paging), or null. */
  readonly gstage: { isRam(gpa: number): boolean; map(gpa: number): void } | null;
  /** The event lines changed: recompute hvip. */
  updateHvip(): void;
}

export class PvioInterface {
  /** Guest-physical address of the shared info page, or -1 before SET_SHARED_INFO. */
  shared = -1;
  /** The interrupt lines the device events drive (MIP.SEIP or 0), merged into hvip. */
  lines = 0;
  readonly devices: PvDevices;
  readonly hypercalls: HypercallDispatcher<PvioInterface>;

  constructor(private readonly ctx: ExitContext, private readonly cpu: PvioCpu) {
    const mem = ctx.mem;
    const space: PvAddressSpace = {
      inRam: (gpa, len) => mem.isRam(gpa, len),
      isPinned: () => false, // no paravirtual page tables under hardware assist
      overlapsPinned: () => false,
      resolve: (addr, len, access) => this.translate(addr, len, access),
      prefix: (addr, len) => this.contiguous(addr, len),
    };
    this.devices = new PvDevices(ctx, space, (bits) => this.raise(bits));
    this.hypercalls = new HypercallDispatcher<PvioInterface>(ctx, this, PVIO_HANDLERS, () => this.updateLine());
  }

  /** The block ring (tests). */
  get blk() {
    return this.devices.blk;
  }

  reset(): void {
    this.shared = -1;
    this.lines = 0;
    this.hypercalls.lastCall = -1;
    this.devices.reset();
  }

  /** An ecall from VS with a7 = PV_EXT. */
  serve(): ExitKind {
    return this.hypercalls.serve();
  }

  setSharedInfo(va: number): HcResult {
    if (va % PAGE_SIZE !== 0) return fail(SBI_ERR.INVALID_ADDRESS);
    const gpa = this.translate(va, PAGE_SIZE, Access.Store);
    if (gpa < 0) return fail(SBI_ERR.INVALID_ADDRESS);
    this.shared = gpa;
    this.ctx.mem.write32(gpa + PV_SHARED.EVENTS, 0);
    return ok();
  }

  // ---- events -----------------------------------------------------------------------------------

  /** Raise device events: set the bits in the shared events word and the line (no effect
   *  before the shared page exists: there is nowhere to show them). */
  raise(bits: number): void {
    if (this.shared < 0) return;
    const mem = this.ctx.mem;
    const at = this.shared + PV_SHARED.EVENTS;
    mem.write32(at, ((mem.read32(at) ?? 0) | (bits & DEVICE_EVENTS)) >>> 0);
    this.updateLine();
  }

  /** SEIP while a device event bit is set in the shared page. */
  private updateLine(): void {
    const events = this.shared < 0 ? 0 : this.ctx.mem.read32(this.shared + PV_SHARED.EVENTS) ?? 0;
    const lines = (events & DEVICE_EVENTS) !== 0 ? MIP.SEIP : 0;
    if (lines === this.lines) return;
    this.lines = lines;
    this.cpu.updateHvip();
  }

  // ---- guest-virtual addresses ------------------------------------------------------------------

  /**
   * The guest-physical address of [va, va+len), translated as the guest kernel would access it
   * (S-mode, the guest's SUM), through the guest's tables and the G-stage, in software — or -1
   * unless every page is mapped, RAM, and contiguous with the first. Filling a G-stage leaf the
   * guest never touched is what a guest-page fault would do.
   */
  translate(va: number, len: number, access: Access): number {
    if (!Number.isInteger(va) || !Number.isInteger(len) || len < 1 || len > MAX_TRANSLATE) return -1;
    va >>>= 0;
    if (va + len > UINT32) return -1;
    const first = this.page(va, access);
    if (first < 0) return -1;
    const end = va + len;
    for (let p = (Math.floor(va / PAGE_SIZE) + 1) * PAGE_SIZE; p < end; p += PAGE_SIZE) {
      if (this.page(p, access) !== first + (p - va)) return -1;
    }
    return this.ctx.mem.isRam(first, len) ? first : -1;
  }

  /** As much of [va, va+len) as is contiguous in guest-physical memory, page by page. */
  private contiguous(va: number, len: number): { gpa: number; len: number } | null {
    const gpa = this.translate(va, 1, Access.Load);
    if (gpa < 0) return null;
    let n = Math.min(len, PAGE_SIZE - (gpa % PAGE_SIZE));
    while (n < len) {
      const next = this.translate(va + n, 1, Access.Load);
      if (next !== gpa + n) break;
      n = Math.min(len, n + PAGE_SIZE);
    }
    return { gpa, len: n };
  }

  /** One address, both stages; charged as the page-table reads it made (pv-translate). */
  private page(va: number, access: Access): number {
    const c = this.ctx.hart.csr;
    const walk = {
      vs: { satp: this.cpu.guestSatp(), priv: Priv.S, sum: (c.vsstatus & SSTATUS.SUM) !== 0, mxr: false },
      hgatp: this.cpu.secondStage(), mxrG: false,
    };
    for (let fills = 0; fills <= MAX_FILLS; fills++) {
      const stats = newWalkStats();
      const hpa = twoStageWalk(this.ctx.mem.bus, va, access, walk, stats);
      this.ctx.charge('pv-translate', stats.pteReads);
      if (hpa === WALK_GUEST_PAGE_FAULT) {
        const gstage = this.cpu.gstage;
        if (gstage === null || !gstage.isRam(stats.faultGpa)) return -1;
        gstage.map(stats.faultGpa);
        continue;
      }
      if (hpa < 0 || !this.ctx.mem.isRam(hpa, 1)) return -1;
      return hpa;
    }
    return -1;
  }
}

/** PV I/O serves the events and io parts of the ABI. */
const PVIO_HANDLERS: HandlerTable<PvioInterface> = {
  SET_SHARED_INFO: (p, a) => p.setSharedInfo(a[0] as number),
  EVENT_CHECK: () => ok(), // the line follows the events word (the dispatcher's afterCall)
  ...deviceHandlers<PvioInterface>(),
};
assertCoverage('pvio', PVIO_HANDLERS, ['events', 'io']);
