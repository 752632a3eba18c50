/**
 * A virtual CPU under trap-and-emulate: a hart running the guest in real U-mode with every
 * trap handed to us (Hart.exitToHost), the guest's virtual privilege and supervisor CSRs, its
 * shadow page tables, and the exit loop — enter the guest, take an exit, dispatch it to one
 * handler, charge its cost, repeat (the shape of KVM_RUN and of kvmtool's vCPU loop).
 *
 * Traps are delivered to the guest in exactly one place, `reflect()`.
 */
import { XREG } from '../isa/registers.js';
import { CAUSE_INTERRUPT, Cause, Interrupt, causeName } from '../isa/causes.js';
import { COUNTEREN, MIP, Priv, SSTATUS, TVEC, type PrivLevel } from '../isa/csr.js';
import type { EventQueue } from '../machine/events.js';
import { Hart, type HartStop } from '../machine/hart.js';
import type { CycleCategory, ExitKind, VmAccounting } from './accounting.js';
import type { CostPreset } from './cost-model.js';
import { emulatePrivileged } from './emulate.js';
import { classifyTrap, type Exit } from './exits.js';
import type { GuestMemory } from './guest-memory.js';
import { answerShadowFault } from './shadow-fault.js';
import { serveSbi, type SbiHost } from './sbi.js';
import { ShadowMmu } from './shadow-mmu.js';
import { VirtualCsrs } from './vcsr.js';
import type { Access } from '../machine/mmu.js';
import type { DiskBackend } from '../machine/devices/disk.js';
import { PV_EVENT, PV_EXT } from '../abi/hypercalls.js';
import { PvInterface } from './pv.js';
import type { VcpuStop, VirtualCpu } from './virtual-cpu.js';
import type { HvExit, HvVcpu } from './hw/hv-vcpu.js';

/** What a vCPU needs from its VM. */
export interface VcpuHost extends SbiHost {
  readonly preset: CostPreset;
  readonly accounting: VmAccounting;
  /** Device register access at a guest-physical address (undefined/false: nothing there). */
  mmioRead(gpa: number, width: 1 | 2 | 4): number | undefined;
  mmioWrite(gpa: number, width: 1 | 2 | 4, value: number): boolean;
  isDevice(gpa: number): boolean;
  /** The guest can never make progress (trap loop): stop the VM with this reason. */
  guestStuck(message: string): void;
  /** Observer for traces (pvlab trace): called after each exit is handled. */
  onExit?: ExitObserver | undefined;
  /** The same for a hardware-assisted vCPU's exits. */
  onHvExit?: HvExitObserver | undefined;
  /** The paravirtual interface is offered (the `paravirt` technique): ecalls from the guest
   *  kernel with a7 = PV_EXT are hypercalls rather than SBI calls. */
  readonly paravirt?: boolean;
  /** The VM's disk, for the paravirtual block back-end (the one its virtio-blk uses). */
  readonly disk?: DiskBackend | undefined;
}

/** Sees each exit once it is handled: `from` is the guest's virtual privilege at the exit. */
export type ExitObserver = (exit: Exit, kind: ExitKind, vcpu: Vcpu, from: PrivLevel) => void;
/** The same for hw-assist: `from` is VS (S) or VU (U). */
export type HvExitObserver = (exit: HvExit, kind: ExitKind, vcpu: HvVcpu, from: PrivLevel) => void;

export type { VcpuStop } from './virtual-cpu.js';

/** Consecutive reflections of one exception onto the handler's own first instruction that
 *  count as a guest that can never make progress. */
export const GUEST_TRAP_LOOP_LIMIT = 64;

/** Supervisor interrupts in the order the spec takes them: SEI, SSI, STI. */
const S_INTERRUPT_PRIORITY = [Interrupt.SupervisorExternal, Interrupt.SupervisorSoftware, Interrupt.SupervisorTimer] as const;

export class Vcpu implements VirtualCpu {
  readonly hart: Hart;
  readonly shadow: ShadowMmu;
  readonly vcsr = new VirtualCsrs();
  /** The paravirtual interface (used only when the host offers it). */
  readonly pv: PvInterface;
  /** The guest's virtual privilege: S for its kernel, U for its user programs. */
  vpriv: PrivLevel = Priv.S;
  /** The guest executed wfi and no virtual interrupt has arrived since. */
  waiting = false;
  /** Set by the VM when it stops (shutdown, error): the loop returns at the next exit. */
  stopped = false;
  private retiredMark = 0;
  private pteReadMark = 0;
  /** Guest trap-loop detection (see reflect()). */
  private lastReflectTarget = -1;
  private lastReflectCause = -1;
  private reflectRepeat = 0;
  private untilCycle = 0;
  private inRun = false;
  /** Interrupt lines driven by the VM's devices and virtual timer (setPending). */
  private lines = 0;

  constructor(readonly mem: GuestMemory, readonly events: EventQueue, cyclesPerTick: number, readonly host: VcpuHost) {
    this.hart = new Hart(mem.bus, events, {
      cyclesPerTick,
      // Exits are charged by the hypervisor; the hardware walk of the shadow tables is not.
      timing: { trapEntry: 0, trapReturn: 0, pteRead: host.preset.pteRead },
    });
    this.hart.exitToHost = true;
    this.shadow = new ShadowMmu(mem, this.hart, (gpa) => host.isDevice(gpa));
    this.pv = new PvInterface(this);
    // Pinned page tables of a paravirtual guest are never writable through the shadow, and
    // their address spaces' shadows survive switches, since every change to them is seen.
    if (host.paravirt) {
      this.shadow.isWriteProtected = (gpa) => this.pv.mmu.isPinned(gpa);
      this.shadow.retainSpace = (satp) => this.pv.mmu.retainable(satp);
    }
  }

  /** Power-on state: the guest kernel's first instruction in virtual S-mode, paging off. */
  reset(entry: number, a0: number, a1: number): void {
    this.hart.reset(entry);
    // Real U-mode with the counters readable, as they are to a native S-mode kernel: reading
    // cycle/time/instret needs no exit, and they count the VM's own time, overheads included.
    this.hart.priv = Priv.U;
    this.hart.csr.mcounteren = COUNTEREN.CY | COUNTEREN.TM | COUNTEREN.IR;
    this.hart.csr.scounteren = COUNTEREN.CY | COUNTEREN.TM | COUNTEREN.IR;
    this.hart.x[XREG.a0] = a0;
    this.hart.x[XREG.a1] = a1;
    this.vcsr.reset();
    this.lines = 0;
    this.pv.reset();
    this.vpriv = Priv.S;
    this.waiting = false;
    this.stopped = false;
    this.retiredMark = this.hart.retired;
    this.pteReadMark = this.hart.walkStats.pteReads;
    this.reflectRepeat = 0;
    this.lastReflectTarget = -1;
    this.shadow.flushAll();
  }

  // ---- InterruptPins: the VM's interrupt controller and virtual timer drive these -----------

  setPending(mipBit: number, level: boolean): void {
    // Only supervisor-level interrupts exist for a guest kernel; the machine-level outputs of
    // the VM's CLINT and PLIC (context 0) lead nowhere.
    const bit = mipBit & (MIP.SEIP | MIP.STIP | MIP.SSIP);
    if (bit === 0) return;
    const before = this.lines;
    this.lines = level ? before | bit : before & ~bit;
    if (this.lines === before) return;
    // A paravirtual guest also sees the timer firing as its timer event.
    if ((bit & MIP.STIP) !== 0 && level) this.pv.raise(PV_EVENT.TIMER);
    this.updateSip();
  }

  /**
   * Recompute the hypervisor-driven pending bits: the device and timer lines, and for a
   * paravirtual guest SEIP while a device event is pending in its shared page.
   */
  updateSip(): void {
    const before = this.vcsr.sipHardware;
    this.vcsr.sipHardware = this.lines | (this.pv.active ? this.pv.eventLines() : 0);
    // Inside hart.run() the loop must get control back to deliver it; between runs the loop
    // looks at the virtual pending bits before every entry anyway.
    if (this.vcsr.sipHardware !== before && this.inRun) this.hart.requestStop({ kind: 'budget' });
  }

  // ---- cost accounting -----------------------------------------------------------------------

  /** Charge `cycles` of hypervisor work: the guest's clock advances by it, as on real hardware. */
  charge(category: CycleCategory, cycles: number): void {
    this.hart.cycle += cycles;
    this.host.accounting.cycles[category] += cycles;
  }

  /** Credit the instructions retired since the last call to the guest level that ran them. */
  private attribute(): void {
    const n = this.hart.retired - this.retiredMark;
    this.retiredMark = this.hart.retired;
    // The hardware walks of the shadow tables on TLB misses are the guest's own memory time.
    const walks = (this.hart.walkStats.pteReads - this.pteReadMark) * this.host.preset.pteRead;
    this.pteReadMark = this.hart.walkStats.pteReads;
    const acc = this.host.accounting;
    if (this.vpriv === Priv.U) {
      acc.instructions.user += n;
      acc.cycles.guestUser += n + walks;
    } else {
      acc.instructions.kernel += n;
      acc.cycles.guestKernel += n + walks;
    }
  }

  // ---- the one place traps reach the guest ------------------------------------------------

  /**
   * Deliver a trap to the guest kernel as its hardware would: stack SIE/SPP into the virtual
   * sstatus, record sepc/scause/stval, enter virtual S-mode at the virtual stvec.
   */
  reflect(cause: number, tval: number, epc: number): void {
    const c = this.vcsr;
    const isInterrupt = (cause & CAUSE_INTERRUPT) !== 0;
    c.sepc = epc >>> 0;
    c.scause = cause >>> 0;
    c.stval = tval >>> 0;
    let s = c.sstatus & ~(SSTATUS.SPP | SSTATUS.SPIE | SSTATUS.SIE);
    if (c.sstatus & SSTATUS.SIE) s |= SSTATUS.SPIE;
    if (this.vpriv === Priv.S) s |= SSTATUS.SPP;
    c.sstatus = s;
    // A paravirtual guest's callback is entered on the stack its sscratch names (Xen's stack
    // switch), as the unmodified kernel's own `csrrw sp, sscratch, sp` would have done.
    if (this.vpriv === Priv.U && this.pv.callback) this.pv.switchStack();
    this.vpriv = Priv.S;
    const base = c.stvec & ~TVEC.MODE;
    const code = cause & ~CAUSE_INTERRUPT;
    this.hart.pc = ((c.stvec & TVEC.MODE) === TVEC.MODE_VECTORED && isInterrupt ? base + 4 * code : base) | 0;
    // The hypervisor's work to reflect, plus the trap entry the guest's hardware would have
    // paid had the trap gone straight to it (docs/cost-model.md).
    this.charge('emulation', this.host.preset.reflect + this.host.preset.trapEntry);
    this.host.accounting.countGuestTrap(causeName(cause));

    // A guest whose trap handler faults on its own first instruction, with the same cause,
    // again and again (no handler installed, or it was overwritten) will never make progress:
    // the hypervisor stops that VM — on real hardware, a triple fault.
    if (!isInterrupt && epc === this.lastReflectTarget && cause === this.lastReflectCause) {
      if (++this.reflectRepeat >= GUEST_TRAP_LOOP_LIMIT) {
        this.host.guestStuck(`the guest kernel takes ${causeName(cause)} at its own trap handler ` +
          `(pc 0x${(epc >>> 0).toString(16).padStart(8, '0')}, stvec 0x${(c.stvec >>> 0).toString(16)}) over and over`);
      }
    } else {
      this.reflectRepeat = 0;
    }
    this.lastReflectCause = cause;
    this.lastReflectTarget = this.hart.pc;
  }

  /** sret on the virtual state: back to the mode SPP names at sepc, SIE ← SPIE, SPIE ← 1,
   *  SPP ← U. The emulated sret and the paravirtual TRAP_RETURN both come here. */
  returnFromTrap(): void {
    const c = this.vcsr;
    const s = c.sstatus;
    this.vpriv = (s & SSTATUS.SPP) !== 0 ? Priv.S : Priv.U;
    let next = (s & ~(SSTATUS.SIE | SSTATUS.SPP)) | SSTATUS.SPIE;
    if (s & SSTATUS.SPIE) next |= SSTATUS.SIE;
    c.sstatus = next;
    this.hart.pc = c.sepc | 0;
  }

  /** The virtual interrupt to take now, if any (pending, enabled, and not masked by SIE). */
  deliverableInterrupt(): number {
    const pending = this.vcsr.sip & this.vcsr.sie;
    if (pending === 0) return -1;
    if (this.vpriv === Priv.S && (this.vcsr.sstatus & SSTATUS.SIE) === 0) return -1;
    for (const code of S_INTERRUPT_PRIORITY) if (pending & (1 << code)) return code;
    return -1;
  }

  // ---- the exit loop ---------------------------------------------------------------------------

  /**
   * Run the guest until the VM's clock reaches `untilCycle`, the VM stops, or `maxInsns` guest
   * instructions have run in this call.
   */
  runFor(untilCycle: number, maxInsns = Number.MAX_SAFE_INTEGER): VcpuStop {
    const hart = this.hart;
    const startRetired = hart.retired;
    for (;;) {
      if (this.stopped) return { kind: 'stopped' };
      if (this.pv.yielded) {
        this.pv.yielded = false;
        return { kind: 'quantum' };
      }
      if (hart.cycle >= untilCycle) return { kind: 'quantum' };
      const left = maxInsns - (hart.retired - startRetired);
      if (left <= 0) return { kind: 'insn-limit', pc: hart.pc >>> 0 };

      const irq = this.deliverableInterrupt();
      if (irq >= 0) {
        this.waiting = false;
        this.reflect(CAUSE_INTERRUPT | irq, 0, hart.pc);
      } else if (this.waiting && (this.vcsr.sip & this.vcsr.sie) !== 0) {
        this.waiting = false; // wfi wakes on a pending enabled interrupt even with SIE clear
      }
      // A waiting vCPU lets the hart skip simulated time to the next event of its VM.
      hart.waiting = this.waiting;
      const pv = this.pv.active;
      if (pv) this.pv.store();
      this.shadow.enter(this.vpriv, this.vcsr.satp, this.vcsr.sstatus);
      this.untilCycle = untilCycle;
      this.inRun = true;
      const stop = hart.run(left, untilCycle);
      this.inRun = false;
      if (pv) {
        // What the guest wrote into its shared page while it ran is its virtual CSRs now: a
        // changed SUM/MXR moves the shadow view before a fault is looked up in it.
        this.pv.load();
        this.updateSip();
        this.shadow.enter(this.vpriv, this.vcsr.satp, this.vcsr.sstatus);
      }
      this.host.accounting.cycles.idle = hart.idleCycles;
      this.attribute();
      const handled = this.onStop(stop);
      if (handled !== null) return handled;
    }
  }

  private onStop(stop: HartStop): VcpuStop | null {
    switch (stop.kind) {
      case 'trap': {
        const exit = classifyTrap(stop);
        this.dispatch(exit);
        return null;
      }
      case 'budget':
        // Out of time (the loop returns), or a virtual interrupt line changed and setPending
        // asked for control back: on hardware, a host interrupt forcing a VM exit.
        if (this.hart.cycle < this.untilCycle) this.dispatch({ reason: 'interrupt' });
        return null;
      case 'idle':
        // Waiting, and nothing in the VM will ever raise an interrupt.
        return { kind: 'waiting-forever', pc: stop.pc };
      case 'insn-limit':
        return null;
      case 'power-off': case 'reset': case 'trap-loop':
        // The vCPU's bus has no test device and every trap exits, so these cannot happen.
        throw new Error(`vCPU hart stopped with ${stop.kind}, which a vCPU cannot produce`);
      default: {
        const never: never = stop;
        throw new Error(`unhandled hart stop ${JSON.stringify(never)}`);
      }
    }
  }

  /** One handler per exit reason; each returns what the exit turned out to be. */
  private dispatch(exit: Exit): void {
    const from = this.vpriv;
    this.charge('worldSwitch', this.host.preset.vmExitEntry);
    let kind: ExitKind;
    switch (exit.reason) {
      case 'illegal-instruction':
        kind = emulatePrivileged(this, exit.insn, exit.pc);
        break;
      case 'ecall':
        if (this.vpriv === Priv.S && this.host.paravirt === true && ((this.hart.x[XREG.a7] as number) >>> 0) === PV_EXT) {
          kind = this.pv.serve();
        } else if (this.vpriv === Priv.S) {
          serveSbi(this, this.host);
          kind = 'sbi';
        } else {
          this.reflect(Cause.EnvironmentCallFromU, 0, exit.pc);
          kind = 'reflect-syscall';
        }
        break;
      case 'page-fault':
        kind = this.pageFault(exit.access, exit.va, exit.pc);
        break;
      case 'exception':
        this.reflect(exit.cause, exit.tval, exit.pc);
        kind = 'reflect-exception';
        break;
      case 'interrupt':
        kind = 'interrupt';
        break;
      default: {
        const never: never = exit;
        throw new Error(`unhandled exit ${JSON.stringify(never)}`);
      }
    }
    this.host.accounting.exits[kind]++;
    this.host.onExit?.(exit, kind, this, from);
  }

  private pageFault(access: Access, va: number, pc: number): ExitKind {
    return answerShadowFault(this, this.shadow, access, va, pc);
  }
}
