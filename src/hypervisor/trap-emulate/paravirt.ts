/**
 * The paravirtual interface of the `paravirt` technique, hypervisor side (docs/pv-abi.md; the
 * ABI itself is the one table in src/abi/hypercalls.ts). One instance per trap-and-emulate
 * vCPU that offers it; it registers every part of the ABI — CPU, MMU, events and devices — with
 * the one dispatcher (pv/dispatcher.ts).
 *
 * - **Hypercalls**: an `ecall` from the guest kernel with a7 = PV_EXT. Every pointer, count and
 *   frame number is checked — a bad one is an error code for the guest, never a host exception
 *   and never an access outside the guest's RAM. Addresses are guest-physical.
 * - **The shared info page**: once registered, the guest-writable part (sstatus, sie, sepc,
 *   scause, stval, sscratch, events) is loaded into the virtual CSRs at every exit, and all of
 *   it is stored back before every entry — so trap delivery, interrupt delivery and the sret
 *   emulation work unchanged on the virtual CSRs, while the guest masks interrupts and reads
 *   its trap state with plain loads and stores (Xen's shared_info / vcpu_info).
 * - **Events**: timer, console and block event channels, bits of the shared `events` word the
 *   hypervisor sets and the guest clears; the timer shows as STIP, the others as SEIP. The
 *   hypervisor keeps its own copy and merges at each exit, because the guest clears bits with
 *   plain (non-atomic) stores while the hypervisor may raise others.
 */
import { PV_EVENT, PV_MULTICALL, PV_SHARED } from '../../abi/hypercalls.js';
import { SBI_ERR } from '../../abi/sbi.js';
import { CSR, MIP, PAGE_SIZE, TVEC } from '../../isa/csr.js';
import { XREG } from '../../isa/registers.js';
import type { ExitContext } from '../exit-context.js';
import type { ExitKind } from '../exits.js';
import type { ShadowMmu } from '../shadow/shadow-mmu.js';
import type { VirtualCsrs } from './vcsr.js';
import { physicalSpace } from '../pv/address-space.js';
import { assertCoverage, handlerCoverage, HypercallDispatcher, type HandlerTable, type HypercallArgs } from '../pv/dispatcher.js';
import { fail, NO_RETURN, ok, type HcOutcome, type HcResult } from '../pv/hypercall-result.js';
import { deviceHandlers, PvDevices } from '../pv/pv-devices.js';
import { PvMmu } from './pv-mmu.js';

/** Most entries one MULTICALL takes. */
export const PV_MULTICALL_MAX = 64;

const UINT32 = 0x1_0000_0000;
/** Event bits that show as SEIP. */
const DEVICE_EVENTS = PV_EVENT.CONSOLE | PV_EVENT.BLOCK;
const ALL_EVENTS = PV_EVENT.TIMER | PV_EVENT.CONSOLE | PV_EVENT.BLOCK;
/** The shared page's fields as word indices from its start. */
const SHARED_WORD = Object.fromEntries(Object.entries(PV_SHARED).map(([k, v]) => [k, v / 4])) as { readonly [K in keyof typeof PV_SHARED]: number };

/** What the interface needs of the trap-and-emulate vCPU whose state it mirrors. */
export interface PvCpuState {
  readonly vcsr: VirtualCsrs;
  readonly shadow: ShadowMmu;
  /** Waiting for an event (BLOCK), as after wfi. */
  waiting: boolean;
  charge: ExitContext['charge'];
  /** sret on the virtual state (TRAP_RETURN). */
  returnFromTrap(): void;
  /** Recompute the virtual pending bits (an event was raised or taken). */
  updateSip(): void;
}

export class PvInterface {
  /** Guest-physical address of the shared info page, or -1 before SET_SHARED_INFO. */
  shared = -1;
  /** The shared page's first word in guest RAM (ram.i32's index): it is read and written at
   *  every exit, so it is resolved once, when registered, not looked up on the bus each time. */
  private sharedWord = -1;
  /** SET_CALLBACK was called: traps from virtual U enter with sp and sscratch swapped. */
  callback = false;
  /** The events word as the guest last left it, with what the hypervisor raised since. */
  private events = 0;
  /** The events word as last stored into the shared page (to tell the bits the guest cleared
   *  from those raised while it ran). */
  private storedEvents = 0;
  readonly mmu: PvMmu;
  readonly devices: PvDevices;
  readonly hypercalls: HypercallDispatcher<PvInterface>;

  constructor(readonly ctx: ExitContext, readonly cpu: PvCpuState) {
    this.mmu = new PvMmu(ctx.mem, cpu);
    this.devices = new PvDevices(ctx, physicalSpace(this.mmu), (bits) => this.raise(bits));
    this.hypercalls = new HypercallDispatcher<PvInterface>(ctx, this, PARAVIRT_HANDLERS);
  }

  /** The block ring (tests, traces). */
  get blk() {
    return this.devices.blk;
  }

  /** The shared info page is registered: the exit loop syncs it. */
  get active(): boolean {
    return this.shared >= 0;
  }

  /** Pending event bits (what the guest will see in `events` at the next entry). */
  get pendingEvents(): number {
    return this.events;
  }

  reset(): void {
    this.shared = -1;
    this.sharedWord = -1;
    this.callback = false;
    this.events = this.storedEvents = 0;
    this.hypercalls.lastCall = -1;
    this.mmu.reset();
    this.devices.reset();
  }

  /** An ecall with a7 = PV_EXT from the guest kernel. */
  serve(): ExitKind {
    return this.hypercalls.serve();
  }

  lastHypercall(): number {
    return this.hypercalls.lastCall;
  }

  // ---- events --------------------------------------------------------------------------------

  /** Raise event channels (no effect before the shared page exists: there is nowhere to show
   *  them). */
  raise(bits: number): void {
    if (!this.active) return;
    this.events |= bits & ALL_EVENTS;
    this.cpu.updateSip();
  }

  /** The virtual timer fired: the guest sees it as its timer event too. */
  timerFired(): void {
    this.raise(PV_EVENT.TIMER);
  }

  /** The interrupt lines the events drive: SEIP while a device event is pending. */
  eventLines(): number {
    return (this.events & DEVICE_EVENTS) !== 0 ? MIP.SEIP : 0;
  }

  // ---- the shared info page ------------------------------------------------------------------

  /** At an exit: take what the guest may have written into the virtual CSRs. */
  load(): void {
    const w = this.ctx.mem.ram.i32;
    const at = this.sharedWord;
    const c = this.cpu.vcsr;
    c.write(CSR.sstatus, w[at + SHARED_WORD.SSTATUS] as number);
    c.write(CSR.sie, w[at + SHARED_WORD.SIE] as number);
    c.write(CSR.sepc, w[at + SHARED_WORD.SEPC] as number);
    c.write(CSR.scause, w[at + SHARED_WORD.SCAUSE] as number);
    c.write(CSR.stval, w[at + SHARED_WORD.STVAL] as number);
    c.write(CSR.sscratch, w[at + SHARED_WORD.SSCRATCH] as number);
    // The guest clears the bits it handled; it cannot raise any, and what the hypervisor raised
    // while it ran (after the last store) stays raised.
    const seen = (w[at + SHARED_WORD.EVENTS] as number) >>> 0;
    this.events &= ~(this.storedEvents & ~seen);
  }

  /** Before an entry: everything, as the hypervisor now sees it. */
  store(): void {
    const ram = this.ctx.mem.ram;
    const w = ram.i32;
    const at = this.sharedWord;
    const c = this.cpu.vcsr;
    const time = this.ctx.hart.mtime();
    // Reported as one write (translated code from this page, if any, is dropped once), then
    // written word by word.
    ram.noteWrite(at * 4, PV_SHARED.SIZE);
    w[at + SHARED_WORD.SSTATUS] = c.sstatus;
    w[at + SHARED_WORD.SIE] = c.sie;
    w[at + SHARED_WORD.SIP] = c.sip;
    w[at + SHARED_WORD.SEPC] = c.sepc;
    w[at + SHARED_WORD.SCAUSE] = c.scause;
    w[at + SHARED_WORD.STVAL] = c.stval;
    w[at + SHARED_WORD.SSCRATCH] = c.sscratch;
    w[at + SHARED_WORD.EVENTS] = this.events;
    this.storedEvents = this.events;
    w[at + SHARED_WORD.TIME_LO] = time % UINT32;
    w[at + SHARED_WORD.TIME_HI] = Math.floor(time / UINT32);
  }

  /** Xen's stack switch: a trap from virtual U enters the callback with sp = the guest's
   *  sscratch and sscratch = the interrupted sp (what `csrrw sp, sscratch, sp` would do). */
  switchStack(): void {
    const x = this.ctx.hart.x;
    const c = this.cpu.vcsr;
    const sp = x[XREG.sp] as number;
    x[XREG.sp] = c.sscratch | 0;
    c.sscratch = sp >>> 0;
  }

  // ---- the CPU part's handlers (PARAVIRT_HANDLERS maps the ABI's names to them) ------------

  setSharedInfo(gpa: number): HcResult {
    if (gpa % PAGE_SIZE !== 0 || !this.mmu.inRam(gpa, PAGE_SIZE)) return fail(SBI_ERR.INVALID_ADDRESS);
    if (this.mmu.isPinned(gpa)) return fail(SBI_ERR.DENIED);
    this.shared = gpa;
    this.sharedWord = this.ctx.mem.ramWord(gpa);
    this.events = this.storedEvents = 0;
    return ok();
  }

  setCallback(entry: number): HcResult {
    if (entry % 4 !== 0) return fail(SBI_ERR.INVALID_ADDRESS);
    this.cpu.vcsr.write(CSR.stvec, entry | TVEC.MODE_DIRECT);
    this.callback = true;
    return ok();
  }

  /** The paravirtual sret, on the virtual CSRs just loaded from the shared page. */
  trapReturn(): HcOutcome {
    this.cpu.returnFromTrap();
    // The hypervisor's own trap-return work, as dear as delivering a trap.
    this.cpu.charge('trap-return');
    // The return is itself an ecall, which needs a6 and a7: the guest left the interrupted
    // context's values in the shared page.
    if (this.active) {
      const x = this.ctx.hart.x;
      const w = this.ctx.mem.ram.i32;
      x[XREG.a6] = w[this.sharedWord + SHARED_WORD.A6] as number;
      x[XREG.a7] = w[this.sharedWord + SHARED_WORD.A7] as number;
    }
    return NO_RETURN;
  }

  setTimer(lo: number, hi: number): HcResult {
    // Re-arming clears a pending timer event and STIP; the timer raises both when it fires.
    this.events &= ~PV_EVENT.TIMER;
    this.ctx.host.setTimer(hi * UINT32 + lo);
    this.cpu.updateSip();
    return ok();
  }

  multicall(list: number, count: number): HcResult {
    if (count > PV_MULTICALL_MAX) return fail(SBI_ERR.INVALID_PARAM);
    if (count === 0) return ok(0);
    const bytes = count * PV_MULTICALL.SIZE;
    if (list % 4 !== 0 || !this.mmu.inRam(list, bytes)) return fail(SBI_ERR.INVALID_ADDRESS);
    // The results are written into the list: never into a page table.
    if (this.mmu.overlapsPinned(list, bytes)) return fail(SBI_ERR.DENIED);
    const mem = this.ctx.mem;
    for (let i = 0; i < count; i++) {
      const at = list + i * PV_MULTICALL.SIZE;
      const fn = mem.read32(at + PV_MULTICALL.FUNCTION) as number;
      const args: number[] = [];
      for (let k = 0; k < PV_MULTICALL.ARG_COUNT; k++) args.push(mem.read32(at + PV_MULTICALL.ARGS + 4 * k) as number);
      args.push(0);
      const r = this.hypercalls.call(fn, args, true) as HcResult; // TRAP_RETURN is refused inside
      if (this.mmu.isPinned(at)) return fail(SBI_ERR.DENIED, i + 1); // the call pinned the list
      mem.write32(at + PV_MULTICALL.ERROR, r.error >>> 0);
      mem.write32(at + PV_MULTICALL.VALUE, r.value >>> 0);
      if (this.ctx.stopped) return ok(i + 1); // SHUTDOWN inside
    }
    return ok(count);
  }

  block(): HcResult {
    const c = this.cpu.vcsr;
    if ((c.sip & c.sie) === 0) this.cpu.waiting = true;
    return ok();
  }

  shutdown(status: number): HcResult {
    this.ctx.host.systemReset('shutdown', status >>> 0);
    return ok();
  }

  /** PIN_TABLE: the shared info page and the block ring are written by the hypervisor itself,
   *  so they may never become page tables. */
  pin(gpa: number): HcResult {
    return this.mmu.pin(gpa, (p) => p === this.shared || p === this.devices.blk.ring);
  }
}

const a0 = (a: HypercallArgs): number => a[0] as number;
const a1 = (a: HypercallArgs): number => a[1] as number;

const CPU_HANDLERS: HandlerTable<PvInterface> = {
  SET_CALLBACK: (pv, a) => pv.setCallback(a0(a)),
  TRAP_RETURN: (pv) => pv.trapReturn(),
  SET_TIMER: (pv, a) => pv.setTimer(a0(a), a1(a)),
  MULTICALL: (pv, a) => pv.multicall(a0(a), a1(a)),
  BLOCK: (pv) => pv.block(),
  YIELD: (pv) => { pv.ctx.requestYield(); return ok(); },
  SHUTDOWN: (pv, a) => pv.shutdown(a0(a)),
};

const MMU_HANDLERS: HandlerTable<PvInterface> = {
  SET_PT_BASE: (pv, a) => pv.mmu.setBase(a0(a)),
  MMU_UPDATE: (pv, a) => pv.mmu.update(a0(a), a1(a)),
  TLB_FLUSH: (pv, a) => pv.mmu.flush(a0(a)),
  PIN_TABLE: (pv, a) => pv.pin(a0(a)),
  UNPIN_TABLE: (pv, a) => pv.mmu.unpin(a0(a)),
};

const EVENT_HANDLERS: HandlerTable<PvInterface> = {
  SET_SHARED_INFO: (pv, a) => pv.setSharedInfo(a0(a)),
  EVENT_CHECK: () => ok(), // delivery happens at the next entry anyway
};

/** The paravirt technique serves the whole ABI. */
export const PARAVIRT_HANDLERS: HandlerTable<PvInterface> = {
  ...CPU_HANDLERS, ...MMU_HANDLERS, ...EVENT_HANDLERS, ...deviceHandlers<PvInterface>(),
};
export const PARAVIRT_PARTS = ['cpu', 'mmu', 'events', 'io'] as const;
assertCoverage('paravirt', PARAVIRT_HANDLERS, PARAVIRT_PARTS);

/** Every hypercall of the ABI table has a paravirt handler, and nothing else does. */
export function hypercallHandlerCoverage(): { missing: string[]; extra: string[] } {
  return handlerCoverage(PARAVIRT_HANDLERS, PARAVIRT_PARTS);
}
