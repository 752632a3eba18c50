/**
 * The paravirtual interface, hypervisor side (docs/pv-abi.md; the ABI itself is the one table
 * in src/abi/hypercalls.ts). Enabled by the `paravirt` technique; one instance per vCPU.
 *
 * - **Hypercalls**: an `ecall` from the guest kernel with a7 = PV_EXT, a6 = function, a0..a5 =
 *   arguments; a0 = SBI error, a1 = value; pc += 4 (except TRAP_RETURN); every other register
 *   preserved. Every pointer, count and frame number is checked here — a bad one is an error
 *   code for the guest, never a host exception and never an access outside the guest's RAM.
 * - **The shared info page**: once registered, the guest-writable part (sstatus, sie, sepc,
 *   scause, stval, sscratch, events) is loaded into the virtual CSRs at every exit, and all of
 *   it is stored back before every entry — so reflect(), interrupt delivery and the sret
 *   emulation work unchanged on the virtual CSRs, while the guest masks interrupts and reads
 *   its trap state with plain loads and stores (Xen's shared_info / vcpu_info).
 * - **Events**: timer, console and block event channels, bits of the shared `events` word the
 *   hypervisor sets and the guest clears; the timer shows as STIP, the others as SEIP.
 */
import { XREG } from '../isa/registers.js';
import { HYPERCALLS, PV_EVENT, PV_MULTICALL, PV_SHARED } from '../abi/hypercalls.js';
import { SBI_ERR } from '../abi/sbi.js';
import { Cause, causeName } from '../isa/causes.js';
import { CSR, MIP, PAGE_SIZE, TVEC } from '../isa/csr.js';
import type { CycleCategory, ExitKind } from './accounting.js';
import type { GuestMemory } from './guest-memory.js';
import { PvBlockRing, PV_BLK_REFS_PER_REQUEST, type BlockNotifyOutcome } from './pv-blk.js';
import { PvMmu, fail, ok, type HcResult } from './pv-mmu.js';
import type { Vcpu, VcpuHost } from './vcpu.js';

export { type HcResult } from './pv-mmu.js';

/** Most bytes one CONSOLE_WRITE takes. */
export const PV_CONSOLE_MAX = 4096;
/** Most entries one MULTICALL takes. */
export const PV_MULTICALL_MAX = 64;

const UINT32 = 0x1_0000_0000;
const REG = XREG;


/** Hypercall numbers by name, from the one table (a name missing there is a load-time error). */
function hc(name: string): number {
  const spec = HYPERCALLS.find((h) => h.name === name);
  if (!spec) throw new Error(`src/abi/hypercalls.ts has no hypercall ${name}`);
  return spec.number;
}
export const HC = {
  SET_SHARED_INFO: hc('SET_SHARED_INFO'), SET_CALLBACK: hc('SET_CALLBACK'), TRAP_RETURN: hc('TRAP_RETURN'),
  SET_PT_BASE: hc('SET_PT_BASE'), MMU_UPDATE: hc('MMU_UPDATE'), TLB_FLUSH: hc('TLB_FLUSH'),
  PIN_TABLE: hc('PIN_TABLE'), UNPIN_TABLE: hc('UNPIN_TABLE'), SET_TIMER: hc('SET_TIMER'),
  BLK_SETUP: hc('BLK_SETUP'), BLK_NOTIFY: hc('BLK_NOTIFY'),
  // ASSIGNMENT hypercall BEGIN step 2: the hypercall's number
  CONSOLE_WRITE: hc('CONSOLE_WRITE'),
  // ASSIGNMENT hypercall STUB
  // // TODO(assignment hypercall, step 2): hc('CONSOLE_WRITE') once the table has it.
  // CONSOLE_WRITE: HYPERCALLS.find((h) => h.name === 'CONSOLE_WRITE')?.number ?? -1,
  // ASSIGNMENT hypercall END
  MULTICALL: hc('MULTICALL'), BLOCK: hc('BLOCK'), YIELD: hc('YIELD'), EVENT_CHECK: hc('EVENT_CHECK'),
  SHUTDOWN: hc('SHUTDOWN'),
} as const;

/**
 * What the PV device back-ends (console, block ring) need of a vCPU, whichever technique runs
 * it: the guest's memory, the VM's console and cost preset, and somewhere to charge. Both the
 * trap-and-emulate Vcpu (paravirt technique) and the hw-assist HvVcpu (pvio build, hw/hv-pvio.ts)
 * are one. Addresses reaching the back-ends are guest-physical; translating the pvio guest's
 * virtual ones is the caller's business.
 */
export interface PvDeviceIo {
  readonly mem: GuestMemory;
  readonly host: Pick<VcpuHost, 'preset' | 'consolePut'>;
  charge(category: CycleCategory, cycles: number): void;
}

/** Device work (console, block back-end): one device emulation, as an MMIO exit's. */
export function chargeDevice(io: PvDeviceIo, extra = 0): void {
  const p = io.host.preset;
  io.charge('devices', p.deviceEmulation + (p.hosted ? p.hostedDeviceExtra : 0) + extra);
}

/** BLK_NOTIFY's back-end work: serve the ring, charge the device work (a request's reads and
 *  writes of the ring at pteRead each). The caller raises the block event if `notify`. */
export function pvBlkNotify(io: PvDeviceIo, blk: PvBlockRing): BlockNotifyOutcome {
  const r = blk.notify();
  if (r.result.error !== SBI_ERR.NOT_SUPPORTED) chargeDevice(io, r.consumed * PV_BLK_REFS_PER_REQUEST * io.host.preset.pteRead);
  return r;
}

// ASSIGNMENT hypercall BEGIN step 2: the console back-end
/** CONSOLE_WRITE's back-end: `len` bytes at guest-physical `buf` (checked with `ram.inRam`)
 *  to the VM's console. Shared by PvInterface and hw-assist's PV I/O (hw/hv-pvio.ts). */
export function pvConsoleWrite(io: PvDeviceIo, ram: { inRam(gpa: number, len: number): boolean }, buf: number, len: number): HcResult {
  if (len > PV_CONSOLE_MAX) return fail(SBI_ERR.INVALID_PARAM);
  if (len === 0) return ok(0);
  if (!ram.inRam(buf, len)) return fail(SBI_ERR.INVALID_ADDRESS);
  const u8 = io.mem.ram.u8;
  const off = buf - io.mem.ramBase;
  for (let i = 0; i < len; i++) io.host.consolePut(u8[off + i] as number);
  chargeDevice(io);
  return ok(len);
}
// ASSIGNMENT hypercall STUB
// // TODO(assignment hypercall, step 2): pvConsoleWrite(io, ram, buf, len) — check len (at most
// // PV_CONSOLE_MAX) and that [buf, buf+len) is guest RAM (ram.inRam), put the bytes on the
// // console (io.host.consolePut), charge one device emulation (chargeDevice(io)), answer ok(len).
// export function pvConsoleWrite(_io: PvDeviceIo, _ram: { inRam(gpa: number, len: number): boolean }, _buf: number, _len: number): HcResult {
//   return fail(SBI_ERR.NOT_SUPPORTED);
// }
// ASSIGNMENT hypercall END

/** The hypercall does not return to its caller (TRAP_RETURN): registers and pc are its own. */
const NO_RETURN = Symbol('no-return');
type Outcome = HcResult | typeof NO_RETURN;

type Handler = (pv: PvInterface, a: readonly number[]) => Outcome;

/** Event bits that show as SEIP. */
const DEVICE_EVENTS = PV_EVENT.CONSOLE | PV_EVENT.BLOCK;
const ALL_EVENTS = PV_EVENT.TIMER | PV_EVENT.CONSOLE | PV_EVENT.BLOCK;

export class PvInterface {
  /** Guest-physical address of the shared info page, or -1 before SET_SHARED_INFO. */
  shared = -1;
  /** SET_CALLBACK was called: traps from virtual U enter with sp and sscratch swapped. */
  callback = false;
  /** The events word as the guest last left it, with what the hypervisor raised since. */
  private events = 0;
  /** The events word as last stored into the shared page (to tell the bits the guest cleared
   *  from those raised while it ran). */
  private storedEvents = 0;
  /** The guest asked to give up its time slice (YIELD). */
  yielded = false;
  /** Function number of the last hypercall served by an exit (traces: TRAP_RETURN changes
   *  a6 and a7, so they cannot tell afterwards). */
  lastCall = -1;
  readonly mmu: PvMmu;
  readonly blk: PvBlockRing;

  constructor(private readonly vcpu: Vcpu) {
    this.mmu = new PvMmu(vcpu.mem, vcpu);
    this.blk = new PvBlockRing(vcpu.mem, this.mmu, vcpu.host.disk);
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
    this.callback = false;
    this.events = this.storedEvents = 0;
    this.yielded = false;
    this.mmu.reset();
    this.blk.reset();
  }

  // ---- events --------------------------------------------------------------------------------

  /** Raise event channels (no effect before the shared page exists: there is nowhere to show
   *  them). */
  raise(bits: number): void {
    if (!this.active) return;
    this.events |= bits & ALL_EVENTS;
    this.vcpu.updateSip();
  }

  /** The interrupt lines the events drive: SEIP while a device event is pending. */
  eventLines(): number {
    return (this.events & DEVICE_EVENTS) !== 0 ? MIP.SEIP : 0;
  }

  // ---- the shared info page ------------------------------------------------------------------

  /** At an exit: take what the guest may have written into the virtual CSRs. */
  load(): void {
    const mem = this.vcpu.mem;
    const c = this.vcpu.vcsr;
    const at = this.shared;
    c.write(CSR.sstatus, mem.read32(at + PV_SHARED.SSTATUS) as number);
    c.write(CSR.sie, mem.read32(at + PV_SHARED.SIE) as number);
    c.write(CSR.sepc, mem.read32(at + PV_SHARED.SEPC) as number);
    c.write(CSR.scause, mem.read32(at + PV_SHARED.SCAUSE) as number);
    c.write(CSR.stval, mem.read32(at + PV_SHARED.STVAL) as number);
    c.write(CSR.sscratch, mem.read32(at + PV_SHARED.SSCRATCH) as number);
    // The guest clears the bits it handled; it cannot raise any, and what the hypervisor raised
    // while it ran (after the last store) stays raised.
    const seen = mem.read32(at + PV_SHARED.EVENTS) as number;
    this.events &= ~(this.storedEvents & ~seen);
  }

  /** Before an entry: everything, as the hypervisor now sees it. */
  store(): void {
    const mem = this.vcpu.mem;
    const c = this.vcpu.vcsr;
    const at = this.shared;
    const time = this.vcpu.hart.mtime();
    mem.write32(at + PV_SHARED.SSTATUS, c.sstatus);
    mem.write32(at + PV_SHARED.SIE, c.sie);
    mem.write32(at + PV_SHARED.SIP, c.sip);
    mem.write32(at + PV_SHARED.SEPC, c.sepc);
    mem.write32(at + PV_SHARED.SCAUSE, c.scause);
    mem.write32(at + PV_SHARED.STVAL, c.stval);
    mem.write32(at + PV_SHARED.SSCRATCH, c.sscratch);
    mem.write32(at + PV_SHARED.EVENTS, this.events);
    this.storedEvents = this.events;
    mem.write32(at + PV_SHARED.TIME_LO, time % UINT32);
    mem.write32(at + PV_SHARED.TIME_HI, Math.floor(time / UINT32));
  }

  // ---- delivery ------------------------------------------------------------------------------

  /** Xen's stack switch: a trap from virtual U enters the callback with sp = the guest's
   *  sscratch and sscratch = the interrupted sp (what `csrrw sp, sscratch, sp` would do). */
  switchStack(): void {
    const x = this.vcpu.hart.x;
    const c = this.vcpu.vcsr;
    const sp = x[REG.sp] as number;
    x[REG.sp] = c.sscratch | 0;
    c.sscratch = sp >>> 0;
  }

  // ---- hypercalls ----------------------------------------------------------------------------

  /** An ecall with a7 = PV_EXT from the guest kernel. */
  serve(): ExitKind {
    const v = this.vcpu;
    const x = v.hart.x;
    const fn = (x[REG.a6] as number) >>> 0;
    this.lastCall = fn;
    const args = [10, 11, 12, 13, 14, 15].map((r) => (x[r] as number) >>> 0);
    // Natively an ecall from S is a trap into the firmware; count it the same way.
    v.host.accounting.countGuestTrap(causeName(Cause.EnvironmentCallFromS));
    const r = this.call(fn, args, false);
    if (r !== NO_RETURN) {
      x[REG.a0] = r.error | 0;
      x[REG.a1] = r.value | 0;
      v.hart.pc = (v.hart.pc + 4) | 0;
    }
    return 'hypercall';
  }

  /** One hypercall, direct or from a multicall list: dispatch cost, count, handler. */
  private call(fn: number, args: readonly number[], inner: boolean): Outcome {
    const v = this.vcpu;
    v.charge('hypercalls', v.host.preset.hypercall);
    const handler = HANDLERS[fn];
    const spec = HYPERCALLS.find((h) => h.number === fn);
    v.host.accounting.countHypercall(spec ? spec.name : 'unknown');
    if (handler === undefined) return fail(SBI_ERR.NOT_SUPPORTED);
    if (inner && (fn === HC.TRAP_RETURN || fn === HC.MULTICALL)) return fail(SBI_ERR.INVALID_PARAM);
    return handler(this, args);
  }

  // The handlers (one per hypercall; HANDLERS below maps numbers to them).

  setSharedInfo(gpa: number): HcResult {
    if (gpa % PAGE_SIZE !== 0 || !this.mmu.inRam(gpa, PAGE_SIZE)) return fail(SBI_ERR.INVALID_ADDRESS);
    if (this.mmu.isPinned(gpa)) return fail(SBI_ERR.DENIED);
    this.shared = gpa;
    this.events = this.storedEvents = 0;
    return ok();
  }

  setCallback(entry: number): HcResult {
    if (entry % 4 !== 0) return fail(SBI_ERR.INVALID_ADDRESS);
    this.vcpu.vcsr.write(CSR.stvec, entry | TVEC.MODE_DIRECT);
    this.callback = true;
    return ok();
  }

  /** The paravirtual sret, on the virtual CSRs just loaded from the shared page. */
  trapReturn(): Outcome {
    const v = this.vcpu;
    v.returnFromTrap();
    // The return is itself an ecall, which needs a6 and a7: the guest left the interrupted
    // context's values in the shared page.
    if (this.active) {
      v.hart.x[REG.a6] = (v.mem.read32(this.shared + PV_SHARED.A6) as number) | 0;
      v.hart.x[REG.a7] = (v.mem.read32(this.shared + PV_SHARED.A7) as number) | 0;
    }
    return NO_RETURN;
  }

  setTimer(lo: number, hi: number): HcResult {
    // Re-arming clears a pending timer event and STIP; the timer raises both when it fires.
    this.events &= ~PV_EVENT.TIMER;
    this.vcpu.host.setTimer(hi * UINT32 + lo);
    this.vcpu.updateSip();
    return ok();
  }

  // ASSIGNMENT hypercall BEGIN step 2: the handler
  consoleWrite(buf: number, len: number): HcResult {
    return pvConsoleWrite(this.vcpu, this.mmu, buf, len);
  }
  // ASSIGNMENT hypercall STUB
  // // TODO(assignment hypercall, step 2): consoleWrite(buf, len) — pvConsoleWrite above, on
  // // this vCPU and this.mmu's idea of guest RAM.
  // ASSIGNMENT hypercall END

  blkNotify(): HcResult {
    const r = pvBlkNotify(this.vcpu, this.blk);
    if (r.notify) this.raise(PV_EVENT.BLOCK);
    return r.result;
  }

  multicall(list: number, count: number): HcResult {
    if (count > PV_MULTICALL_MAX) return fail(SBI_ERR.INVALID_PARAM);
    if (count === 0) return ok(0);
    const bytes = count * PV_MULTICALL.SIZE;
    if (list % 4 !== 0 || !this.mmu.inRam(list, bytes)) return fail(SBI_ERR.INVALID_ADDRESS);
    // The results are written into the list: never into a page table.
    if (this.mmu.overlapsPinned(list, bytes)) return fail(SBI_ERR.DENIED);
    const mem = this.vcpu.mem;
    for (let i = 0; i < count; i++) {
      const at = list + i * PV_MULTICALL.SIZE;
      const fn = mem.read32(at + PV_MULTICALL.FUNCTION) as number;
      const args: number[] = [];
      for (let k = 0; k < PV_MULTICALL.ARG_COUNT; k++) args.push(mem.read32(at + PV_MULTICALL.ARGS + 4 * k) as number);
      args.push(0);
      const r = this.call(fn, args, true) as HcResult; // TRAP_RETURN is refused inside
      if (this.mmu.isPinned(at)) return fail(SBI_ERR.DENIED, i + 1); // the call pinned the list
      mem.write32(at + PV_MULTICALL.ERROR, r.error >>> 0);
      mem.write32(at + PV_MULTICALL.VALUE, r.value >>> 0);
      if (this.vcpu.stopped) return ok(i + 1); // SHUTDOWN inside
    }
    return ok(count);
  }

  shutdown(status: number): void {
    this.vcpu.host.systemReset('shutdown', status >>> 0);
  }

  block(): HcResult {
    const c = this.vcpu.vcsr;
    if ((c.sip & c.sie) === 0) this.vcpu.waiting = true;
    return ok();
  }
}

const HANDLERS: Partial<Record<number, Handler>> = {
  [HC.SET_SHARED_INFO]: (pv, a) => pv.setSharedInfo(a[0] as number),
  [HC.SET_CALLBACK]: (pv, a) => pv.setCallback(a[0] as number),
  [HC.TRAP_RETURN]: (pv) => pv.trapReturn(),
  [HC.SET_PT_BASE]: (pv, a) => pv.mmu.setBase(a[0] as number),
  [HC.MMU_UPDATE]: (pv, a) => pv.mmu.update(a[0] as number, a[1] as number),
  [HC.TLB_FLUSH]: (pv, a) => pv.mmu.flush(a[0] as number),
  [HC.PIN_TABLE]: (pv, a) => pv.mmu.pin(a[0] as number, (gpa) => gpa === pv.shared || gpa === pv.blk.ring),
  [HC.UNPIN_TABLE]: (pv, a) => pv.mmu.unpin(a[0] as number),
  [HC.SET_TIMER]: (pv, a) => pv.setTimer(a[0] as number, a[1] as number),
  // ASSIGNMENT hypercall BEGIN step 2: the dispatch entry
  [HC.CONSOLE_WRITE]: (pv, a) => pv.consoleWrite(a[0] as number, a[1] as number),
  // ASSIGNMENT hypercall STUB
  // // TODO(assignment hypercall, step 2): map HC.CONSOLE_WRITE to pv.consoleWrite.
  // ASSIGNMENT hypercall END
  [HC.BLK_SETUP]: (pv, a) => pv.blk.setup(a[0] as number),
  [HC.BLK_NOTIFY]: (pv) => pv.blkNotify(),
  [HC.MULTICALL]: (pv, a) => pv.multicall(a[0] as number, a[1] as number),
  [HC.BLOCK]: (pv) => pv.block(),
  [HC.YIELD]: (pv) => { pv.yielded = true; return ok(); },
  [HC.EVENT_CHECK]: () => ok(), // delivery happens at the next entry anyway
  [HC.SHUTDOWN]: (pv, a) => { pv.shutdown(a[0] as number); return ok(); },
};

/** Every hypercall of the ABI table has a handler, and nothing else does. */
export function hypercallHandlerCoverage(): { missing: string[]; extra: number[] } {
  const numbers = new Set(HYPERCALLS.map((h) => h.number));
  return {
    missing: HYPERCALLS.filter((h) => HANDLERS[h.number] === undefined).map((h) => h.name),
    extra: Object.keys(HANDLERS).map(Number).filter((n) => !numbers.has(n)),
  };
}

{
  const { missing, extra } = hypercallHandlerCoverage();
  if (missing.length > 0 || extra.length > 0) {
    throw new Error(`PV handlers out of step with src/abi/hypercalls.ts: missing ${missing.join(', ') || '-'}, extra ${extra.join(', ') || '-'}`);
  }
}
