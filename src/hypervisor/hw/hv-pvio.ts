/**
 * Paravirtual I/O under hardware assist: the back-end of the `pvio` guest build (the unmodified
 * kernel — CPU and MMU on the H extension — with the paravirtual drivers of pvdrivers.S), the
 * combination modern hypervisors use (KVM + virtio, Xen PVH). docs/hw-assist.md, "PV I/O under
 * hardware assist".
 *
 * An ecall from VS-mode with a7 = PV_EXT is a hypercall of docs/pv-abi.md, not an SBI call
 * (HvVcpu.dispatch sends it here). Only the device part of the interface exists here — the CPU
 * and MMU are the hardware's:
 *
 *   SET_SHARED_INFO(page)   the shared info page; only its events word is used
 *   CONSOLE_WRITE(buf, len) bytes to the console (the console back-end of pv.ts)
 *   BLK_SETUP(ring)         the block ring (PvBlockRing, as under the paravirt technique)
 *   BLK_NOTIFY()            serve the ring
 *   EVENT_CHECK()           the guest took device events out of the events word: look again
 *   anything else           SBI_ERR.NOT_SUPPORTED
 *
 * The guest passes **guest-virtual** kernel addresses: each is translated in software through
 * the guest's own page tables (vsatp; under shadow paging the guest's satp) and the G-stage
 * (twoStageWalk; bare under shadow paging), filling a G-stage leaf the guest has not touched yet
 * as a guest-page fault would. A pointer that is not mapped, not RAM, or not contiguous, or a
 * count out of range, is an error code for the guest — never a host exception, never an access
 * outside the guest's RAM.
 *
 * Events: the back-end sets bits in the shared page's events word and holds the virtual
 * external interrupt line (HvVcpu.setPending(MIP.SEIP) semantics, i.e. hvip.VSEIP) while a
 * device bit is set there, so the guest's external-interrupt path (PV_EXTERNAL_INTR) runs. The
 * guest clears the bits with an atomic and-not (no exit) and then says so with EVENT_CHECK
 * (PV_EVENTS_ACK in pvops.S), which drops the line; every hypercall re-reads the word too.
 */
import { HYPERCALLS, PV_EVENT, PV_SHARED } from '../../abi/hypercalls.js';
import { SBI_ERR } from '../../abi/sbi.js';
import { Cause, causeName } from '../../isa/causes.js';
import { MIP, PAGE_SIZE, Priv, SSTATUS } from '../../isa/csr.js';
import { XREG } from '../../isa/registers.js';
import { Access, WALK_GUEST_PAGE_FAULT, newWalkStats, twoStageWalk } from '../../machine/mmu.js';
import type { ExitKind } from '../accounting.js';
import { PvBlockRing, type PvBlockSpace } from '../pv-blk.js';
import { fail, ok, type HcResult } from '../pv-mmu.js';
import { HC, PV_CONSOLE_MAX, pvBlkNotify, pvConsoleWrite } from '../pv.js';
import type { HvVcpu } from './hv-vcpu.js';

/** Event bits that drive the external interrupt line. */
const DEVICE_EVENTS = PV_EVENT.CONSOLE | PV_EVENT.BLOCK;
const UINT32 = 0x1_0000_0000;
/** G-stage leaves one translation may fill before giving up (a two-level VS walk touches at
 *  most two table pages and the final page). */
const MAX_FILLS = 4;

export class HvPvio {
  /** Guest-physical address of the shared info page, or -1 before SET_SHARED_INFO. */
  shared = -1;
  /** The interrupt lines the device events drive (MIP.SEIP or 0), merged into hvip by HvVcpu. */
  lines = 0;
  /** Function number of the last hypercall (traces). */
  lastCall = -1;
  readonly blk: PvBlockRing;

  constructor(private readonly vcpu: HvVcpu) {
    const mem = vcpu.mem;
    const space: PvBlockSpace = {
      inRam: (gpa, len) => mem.isRam(gpa, len),
      isPinned: () => false, // no paravirtual page tables under hardware assist
      overlapsPinned: () => false,
      bufferAddress: (addr, len, write) => this.translate(addr, len, write ? Access.Store : Access.Load),
    };
    this.blk = new PvBlockRing(mem, space, vcpu.host.disk);
  }

  reset(): void {
    this.shared = -1;
    this.lines = 0;
    this.lastCall = -1;
    this.blk.reset();
  }

  // ---- the hypercall exit ----------------------------------------------------------------------

  /** An ecall from VS with a7 = PV_EXT: one hypercall, a0 = error, a1 = value, pc += 4. */
  serve(): ExitKind {
    const v = this.vcpu;
    const x = v.hart.x;
    const fn = (x[XREG.a6] as number) >>> 0;
    const args = [XREG.a0, XREG.a1, XREG.a2, XREG.a3, XREG.a4, XREG.a5].map((r) => (x[r] as number) >>> 0);
    // Natively an ecall from S is a trap into the firmware; count it the same way.
    v.host.accounting.countGuestTrap(causeName(Cause.EnvironmentCallFromS));
    const r = this.call(fn, args);
    x[XREG.a0] = r.error | 0;
    x[XREG.a1] = r.value | 0;
    v.hart.pc = (v.hart.pc + 4) | 0;
    return 'hypercall';
  }

  /** One hypercall: dispatch cost, count, handler; then the event line as the word now says. */
  call(fn: number, a: readonly number[]): HcResult {
    const v = this.vcpu;
    this.lastCall = fn;
    v.charge('hypercalls', v.host.preset.hypercall);
    const spec = HYPERCALLS.find((h) => h.number === fn);
    v.host.accounting.countHypercall(spec ? spec.name : 'unknown');
    const r = this.handle(fn, a);
    this.updateLine();
    return r;
  }

  private handle(fn: number, a: readonly number[]): HcResult {
    switch (fn) {
      case HC.SET_SHARED_INFO: return this.setSharedInfo(a[0] as number);
      case HC.CONSOLE_WRITE: return this.consoleWrite(a[0] as number, a[1] as number);
      case HC.BLK_SETUP: return this.blkSetup(a[0] as number);
      case HC.BLK_NOTIFY: return this.blkNotify();
      case HC.EVENT_CHECK: return ok(); // the line follows the events word (call())
      default: return fail(SBI_ERR.NOT_SUPPORTED);
    }
  }

  setSharedInfo(va: number): HcResult {
    if (va % PAGE_SIZE !== 0) return fail(SBI_ERR.INVALID_ADDRESS);
    const gpa = this.translate(va, PAGE_SIZE, Access.Store);
    if (gpa < 0) return fail(SBI_ERR.INVALID_ADDRESS);
    this.shared = gpa;
    this.vcpu.mem.write32(gpa + PV_SHARED.EVENTS, 0);
    return ok();
  }

  /** As much of [buf, buf+len) as is contiguous in guest-physical memory (the driver loops on
   *  the rest); the bytes go out through pv.ts's console back-end. */
  consoleWrite(va: number, len: number): HcResult {
    if (len > PV_CONSOLE_MAX) return fail(SBI_ERR.INVALID_PARAM);
    if (len === 0) return ok(0);
    const gpa = this.translate(va, 1, Access.Load);
    if (gpa < 0) return fail(SBI_ERR.INVALID_ADDRESS);
    let n = Math.min(len, PAGE_SIZE - (gpa % PAGE_SIZE));
    while (n < len) {
      const next = this.translate(va + n, 1, Access.Load);
      if (next !== gpa + n) break;
      n = Math.min(len, n + PAGE_SIZE);
    }
    const mem = this.vcpu.mem;
    return pvConsoleWrite(this.vcpu, { inRam: (g, l) => mem.isRam(g, l) }, gpa, n);
  }

  blkSetup(va: number): HcResult {
    if (va % PAGE_SIZE !== 0) return fail(SBI_ERR.INVALID_ADDRESS);
    const gpa = this.translate(va, PAGE_SIZE, Access.Store);
    // Without a disk NOT_SUPPORTED comes first, as under the paravirt technique.
    if (gpa < 0) return fail(this.vcpu.host.disk ? SBI_ERR.INVALID_ADDRESS : SBI_ERR.NOT_SUPPORTED);
    return this.blk.setup(gpa);
  }

  blkNotify(): HcResult {
    const r = pvBlkNotify(this.vcpu, this.blk);
    if (r.notify) this.raise(PV_EVENT.BLOCK);
    return r.result;
  }

  // ---- events -----------------------------------------------------------------------------------

  /** Raise device events: set the bits in the shared events word and the line (no effect
   *  before the shared page exists: there is nowhere to show them). */
  raise(bits: number): void {
    if (this.shared < 0) return;
    const mem = this.vcpu.mem;
    const at = this.shared + PV_SHARED.EVENTS;
    mem.write32(at, ((mem.read32(at) ?? 0) | (bits & DEVICE_EVENTS)) >>> 0);
    this.updateLine();
  }

  /** SEIP while a device event bit is set in the shared page. */
  private updateLine(): void {
    const events = this.shared < 0 ? 0 : this.vcpu.mem.read32(this.shared + PV_SHARED.EVENTS) ?? 0;
    const lines = (events & DEVICE_EVENTS) !== 0 ? MIP.SEIP : 0;
    if (lines === this.lines) return;
    this.lines = lines;
    this.vcpu.updateHvip();
  }

  // ---- guest-virtual addresses ------------------------------------------------------------------

  /**
   * The guest-physical address of [va, va+len), translated as the guest kernel would access it
   * (S-mode, the guest's SUM), through the guest's tables and the G-stage, in software — or -1
   * unless every page is mapped, RAM, and contiguous with the first. Filling a G-stage leaf the
   * guest never touched is what a guest-page fault would do.
   */
  translate(va: number, len: number, access: Access): number {
    if (!Number.isInteger(va) || !Number.isInteger(len) || len < 1 || len > PV_CONSOLE_MAX * 16) return -1;
    va >>>= 0;
    if (va + len > UINT32) return -1;
    const first = this.page(va, access);
    if (first < 0) return -1;
    const end = va + len;
    for (let p = (Math.floor(va / PAGE_SIZE) + 1) * PAGE_SIZE; p < end; p += PAGE_SIZE) {
      if (this.page(p, access) !== first + (p - va)) return -1;
    }
    return this.vcpu.mem.isRam(first, len) ? first : -1;
  }

  /** One address, both stages; charged as the page-table reads it made (device work). */
  private page(va: number, access: Access): number {
    const v = this.vcpu;
    const c = v.hart.csr;
    const shadow = v.paging === 'shadow';
    const ctx = {
      vs: { satp: shadow ? v.guestSatp : c.vsatp, priv: Priv.S, sum: (c.vsstatus & SSTATUS.SUM) !== 0, mxr: false },
      hgatp: shadow ? 0 : c.hgatp, mxrG: false,
    };
    for (let fills = 0; fills <= MAX_FILLS; fills++) {
      const stats = newWalkStats();
      const hpa = twoStageWalk(v.mem.bus, va, access, ctx, stats);
      v.charge('devices', stats.pteReads * v.host.preset.pteRead);
      if (hpa === WALK_GUEST_PAGE_FAULT) {
        const gstage = v.gstage;
        if (gstage === null || !gstage.isRam(stats.faultGpa)) return -1;
        gstage.map(stats.faultGpa);
        continue;
      }
      if (hpa < 0 || !v.mem.isRam(hpa, 1)) return -1;
      return hpa;
    }
    return -1;
  }
}
