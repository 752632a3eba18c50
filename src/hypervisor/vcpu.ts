/**
 * The vCPU core: what every virtual CPU has, whichever technique runs it — a hart that hands
 * every trap meant for the hypervisor back to us (Hart.exitToHost), the guest's memory, the
 * VM, the exit loop, the one place cycles are charged (through the cost table), the one place
 * traps are delivered to the guest, the trap-loop guard, and the count-and-observe of every
 * handled exit. The technique is a policy plugged in (technique-policy.ts).
 *
 * The exit loop, in the shape of KVM_RUN and of kvmtool's vCPU loop:
 *
 *        ┌──────────────────────────────────────────────────────────────────┐
 *        │ policy.enter()     deliver pending virtual interrupts, store state │
 *        │ hart.run()         the guest runs until a trap for the hypervisor, │
 *        │                    the end of the quantum, or an instruction limit │
 *        │ policy.leave()     load what the guest wrote                       │
 *        │ attribute()        retired instructions → guest user / kernel      │
 *        │ classify()         hart trap → Exit (exits.ts)                     │
 *        │ dispatch(exit)     charge 'exit'; exception → deliver();           │
 *        │                    interrupt → count; the rest → policy.handle()   │
 *        │                    (handlers charge their work by cost item)       │
 *        │ count + observe    accounting.exits[kind]++, host.onExit()         │
 *        └──────────────── repeat until the quantum, a stop or the limit ─────┘
 *
 * A trap takes this path without leaving Hart.run: the hart calls resumeAfterExit() where it
 * stopped (Hart.exitHandler), which handles the exit, checks the bounds and enters again, so
 * that an exit costs no return of a stop through run() and runFor() and no re-entry. Only the
 * other stops (the quantum, a kick, a limit, a waiting hart) come back to runFor()'s loop.
 */
import { CAUSE_INTERRUPT, causeName } from '../isa/causes.js';
import { Priv, S_INTERRUPTS, type PrivLevel } from '../isa/csr.js';
import { XREG } from '../isa/registers.js';
import type { EventQueue } from '../machine/events.js';
import { Hart, type HartStop, type HostExitHandler, type TrapStop } from '../machine/hart.js';
import type { CycleCategory } from './accounting.js';
import { COST_ITEMS, COST_TABLE, costSlot, resolveCosts, type CostItem } from './cost-table.js';
import type { ExitContext } from './exit-context.js';
import { ExitRecords, INTERRUPT_EXIT, type Exit, type ExitKind } from './exits.js';
import type { GuestMemory } from './guest-memory.js';
import { completesInstruction, ProgressGuard, stuckMessage } from './progress-guard.js';
import type { PolicyFactory, TechniquePolicy } from './technique-policy.js';
import type { VcpuView, VmHost } from './vm-host.js';

/** Why runFor() returned. */
export type VcpuStop =
  | { kind: 'quantum' }
  | { kind: 'stopped' }
  | { kind: 'waiting-forever'; pc: number }
  | { kind: 'insn-limit'; pc: number }
  | { kind: 'exit-limit'; pc: number }
  | { kind: 'time-limit'; pc: number };

/**
 * The last cycle a VM's clock can count to exactly. The clock is a double: past 2^53 a cycle
 * added may be lost, so time would stand still under a running guest. A VM whose clock gets
 * there stops (time-limit), and a timer set beyond it is a timer that never fires.
 */
export const VM_CLOCK_LIMIT = Number.MAX_SAFE_INTEGER;

/** What one runFor() call may use beyond its turn of the clock (each bound: this call's). */
export interface VcpuBounds {
  /** Guest instructions it may retire. */
  maxInsns?: number;
  /** Exits it may take. */
  maxExits?: number;
  /** The cycle the VM's clock stops at (at most VM_CLOCK_LIMIT). */
  clockLimit?: number;
  /**
   * The scheduler's turn, in cycles: a vCPU that slept through its whole turn and whose next
   * event lies turns away sleeps through those whole turns at once — exactly what that many
   * turns would have done, in one step of host work (a waiting VM leaps to its next event).
   * Unset: the call ends at its turn.
   */
  leapTurn?: number;
}

/** Consecutive deliveries of one exception onto the handler's own first instruction that
 *  count as a guest that can never make progress. */
export const GUEST_TRAP_LOOP_LIMIT = 64;

/** The message of a VM stopped for a trap loop (the hardware's or the hypervisor's guard). */
export function trapLoopMessage(cause: number, pc: number): string {
  return `the guest kernel takes ${causeName(cause)} at its own trap handler ` +
    `(pc 0x${(pc >>> 0).toString(16).padStart(8, '0')}) over and over`;
}

const HART_PRIVS = 4;

// Module-level copies of imported constants and functions used at every exit: an imported
// binding is a cell load with a hole check at each use, and an imported object's field one more
// load, which V8 does not fold into a constant (see Hart's copies).
const PRIV_U = Priv.U;
const INTERRUPT_BIT = CAUSE_INTERRUPT;
const slotOfItem = costSlot;

export class Vcpu implements ExitContext, VcpuView, HostExitHandler {
  readonly hart: Hart;
  readonly policy: TechniquePolicy;
  /** Set by the VM when it stops (shutdown, error): the loop returns at the next exit. */
  stopped = false;
  /** Exits taken since the vCPU was created (the exit bound counts these). */
  exits = 0;
  /** Each cost item's cycles under the VM's preset, and its category, by costSlot(). */
  private readonly costCycles = new Float64Array(COST_ITEMS.length);
  private readonly costCategory: CycleCategory[] = [];
  private readonly flushTlbOnEntry: boolean;
  /** One Exit per reason, refilled at every exit (exits.ts): the exit path allocates none. */
  private readonly exitRecords = new ExitRecords();
  /** Supervisor interrupt lines driven by the VM's devices and virtual timer. */
  private lines = 0;
  private yielded = false;
  private inRun = false;
  // The bounds of the current runFor() call (beginCall()).
  private untilCycle = 0;
  private clockLimit = VM_CLOCK_LIMIT;
  private maxInsns = 0;
  private maxExits = 0;
  private startRetired = 0;
  private startExits = 0;
  /** Why the call ends, found by resumeAfterExit (the hart then returns the trap it handled). */
  private endOfCall: VcpuStop | null = null;
  // Trap-loop guard (deliver()).
  private lastDeliveryTarget = -1;
  private lastDeliveryCause = -1;
  private deliveryRepeat = 0;
  private readonly progress = new ProgressGuard();
  // Marks for attributing the hart's cycles to guest user and kernel (attribute()).
  private cycleMark = 0;
  private idleMark = 0;
  private readonly retiredMark = new Float64Array(HART_PRIVS);
  private readonly pteMark = new Float64Array(HART_PRIVS);
  /** hart.retired and hart.walkStats.pteReads at the last attribute(). */
  private retiredTotalMark = 0;
  private pteTotalMark = 0;

  constructor(readonly mem: GuestMemory, readonly events: EventQueue, cyclesPerTick: number, readonly host: VmHost, technique: PolicyFactory) {
    this.hart = new Hart(mem.bus, events, { cyclesPerTick, timing: technique.timing(host.preset) });
    this.hart.exitToHost = true;
    this.hart.exitHandler = this;
    const cycles = resolveCosts(host.preset);
    for (const item of COST_ITEMS) {
      this.costCycles[costSlot(item)] = cycles[item];
      this.costCategory[costSlot(item)] = COST_TABLE[item].category;
    }
    this.flushTlbOnEntry = host.preset.tlbFlushOnWorldSwitch;
    this.policy = technique.create(this);
  }

  /** Power-on state: the guest kernel's first instruction in (virtual) S-mode, paging off,
   *  a0 = hart id, a1 = the device tree. */
  reset(entry: number, a0: number, a1: number): void {
    const hart = this.hart;
    hart.reset(entry);
    this.lines = 0;
    this.policy.reset();
    hart.x[XREG.a0] = a0;
    hart.x[XREG.a1] = a1;
    this.stopped = false;
    this.yielded = false;
    this.deliveryRepeat = 0;
    this.lastDeliveryTarget = -1;
    this.lastDeliveryCause = -1;
    this.progress.reset();
    this.cycleMark = hart.cycle;
    this.idleMark = hart.idleCycles;
    this.retiredMark.set(hart.retiredByPriv);
    this.pteMark.set(hart.pteReadsByPriv);
    this.retiredTotalMark = hart.retired;
    this.pteTotalMark = hart.walkStats.pteReads;
  }

  // ---- InterruptPins: the VM's interrupt controller and virtual timer drive these -----------

  setPending(mipBit: number, level: boolean): void {
    // Only supervisor-level interrupts exist for a guest kernel; the machine-level outputs of
    // the VM's CLINT and PLIC (context 0) lead nowhere.
    const bit = mipBit & S_INTERRUPTS;
    if (bit === 0) return;
    const before = this.lines;
    this.lines = level ? before | bit : before & ~bit;
    if (this.lines !== before) this.policy.linesChanged(this.lines, this.lines & ~before);
  }

  // ---- ExitContext ------------------------------------------------------------------------------

  /** Charge `count` times `item` (cost-table.ts): the guest's clock advances by it, as on real
   *  hardware, and the VM's breakdown records it. The only place the hypervisor charges. */
  charge(item: CostItem, count = 1): void {
    const slot = slotOfItem(item);
    const cycles = (this.costCycles[slot] as number) * count;
    this.hart.cycle += cycles;
    this.cycleMark += cycles;
    addCycles(this.host.accounting.cycles, this.costCategory[slot] as CycleCategory, cycles);
  }

  /**
   * The one place a trap reaches the guest: the technique performs it, it is charged, and a
   * guest whose trap handler faults on its own first instruction with the same cause, again
   * and again (none installed, or it was overwritten), is stopped — on real hardware, a
   * triple fault.
   */
  deliver(cause: number, tval: number, epc: number): void {
    this.policy.deliverTrap(cause, tval, epc);
    this.charge(this.policy.delivery);
    const isInterrupt = (cause & INTERRUPT_BIT) !== 0;
    if (!isInterrupt && (epc >>> 0) === this.lastDeliveryTarget && cause === this.lastDeliveryCause) {
      if (++this.deliveryRepeat >= GUEST_TRAP_LOOP_LIMIT) this.host.guestStuck('trap-loop', trapLoopMessage(cause, epc));
    } else {
      this.deliveryRepeat = 0;
    }
    this.lastDeliveryCause = cause;
    this.lastDeliveryTarget = this.hart.pc >>> 0;
  }

  requestYield(): void {
    this.yielded = true;
  }

  kick(): void {
    // Between runs the loop looks at pending interrupts before every entry anyway.
    if (this.inRun) this.hart.requestStop({ kind: 'budget' });
  }

  // ---- VcpuView (traces) --------------------------------------------------------------------

  guestLevel(): PrivLevel {
    return this.policy.guestLevel();
  }

  instructionAt(pc: number): number | undefined {
    return this.policy.instructionAt(pc);
  }

  lastHypercall(): number {
    return this.policy.lastHypercall();
  }

  // ---- the exit loop ---------------------------------------------------------------------------

  /**
   * Run the guest until the VM's clock reaches `untilCycle` (or, with `leapTurn`, past the whole
   * turns it sleeps through), the VM stops, or one of the bounds is reached.
   */
  runFor(untilCycle: number, bounds: VcpuBounds = {}): VcpuStop {
    const hart = this.hart;
    this.beginCall(untilCycle, bounds);
    for (;;) {
      const done = this.boundReached();
      if (done !== null) return done;
      this.enterGuest();
      const stop = hart.run(this.insnsLeft(), this.untilCycle);
      this.inRun = false;
      if (stop.kind === 'trap') return this.takeEndOfCall();
      this.policy.leave();
      this.attribute();
      const end = this.onStop(stop);
      if (end !== null) return end;
      if (stop.kind === 'budget' && this.sleptThrough(this.untilCycle)) {
        // Nothing can happen before the next event: not even in the VM's lifetime, or only
        // whole turns from now.
        const next = this.events.nextAt;
        if (next > VM_CLOCK_LIMIT) return { kind: 'waiting-forever', pc: hart.pc >>> 0 };
        if (bounds.leapTurn !== undefined) this.untilCycle = Math.min(leapTarget(this.untilCycle, next, bounds.leapTurn), this.clockLimit);
      }
    }
  }

  /**
   * The exit path (Hart.exitHandler): every exit the hart hands over is handled here, where the
   * hart stopped, and unless the call is over the guest is entered again without returning from
   * Hart.run — the same steps, in the same order, as runFor's loop would take.
   */
  resumeAfterExit(stop: TrapStop): boolean {
    this.inRun = false;
    this.policy.leave();
    this.attribute();
    this.dispatch(this.exitRecords.classify(stop));
    this.endOfCall = this.boundReached();
    if (this.endOfCall !== null) return false;
    this.enterGuest();
    return true;
  }

  /** The trap the hart returned was handled where it stopped (resumeAfterExit), which found
   *  this call over: why. */
  private takeEndOfCall(): VcpuStop {
    const end = this.endOfCall;
    this.endOfCall = null;
    if (end === null) throw new Error('Hart.run returned a trap its exit handler resumed from');
    return end;
  }

  /** The bounds of this runFor() call, counted from where it began. */
  private beginCall(untilCycle: number, bounds: VcpuBounds): void {
    this.maxInsns = bounds.maxInsns ?? Number.MAX_SAFE_INTEGER;
    this.maxExits = bounds.maxExits ?? Number.MAX_SAFE_INTEGER;
    this.clockLimit = Math.min(bounds.clockLimit ?? VM_CLOCK_LIMIT, VM_CLOCK_LIMIT);
    this.startRetired = this.hart.retired;
    this.startExits = this.exits;
    this.untilCycle = Math.min(untilCycle, this.clockLimit);
  }

  /** Why this call ends before the next entry into the guest, or null to enter it. */
  private boundReached(): VcpuStop | null {
    const hart = this.hart;
    if (this.stopped) return { kind: 'stopped' };
    if (this.yielded) {
      this.yielded = false;
      return { kind: 'quantum' };
    }
    if (hart.cycle >= this.clockLimit) return { kind: 'time-limit', pc: hart.pc >>> 0 };
    if (hart.cycle >= this.untilCycle) return { kind: 'quantum' };
    if (this.insnsLeft() <= 0) return { kind: 'insn-limit', pc: hart.pc >>> 0 };
    if (this.exits - this.startExits >= this.maxExits) return { kind: 'exit-limit', pc: hart.pc >>> 0 };
    return null;
  }

  private insnsLeft(): number {
    return this.maxInsns - (this.hart.retired - this.startRetired);
  }

  private enterGuest(): void {
    this.policy.enter();
    // VT-x before VPID: every VM exit and entry flushed the TLB; the guest then pays the
    // refill, miss by miss, at its walk cost.
    if (this.flushTlbOnEntry) this.hart.tlb.flushAll();
    this.inRun = true;
  }

  /** The hart waited, untouched, until the very end of the turn (it is still waiting). */
  private sleptThrough(until: number): boolean {
    return this.hart.waiting && this.hart.cycle === until;
  }

  private onStop(stop: HartStop): VcpuStop | null {
    switch (stop.kind) {
      case 'trap':
        // Handled where the hart stopped (resumeAfterExit), which ended the call.
        return null;
      case 'budget':
        // Out of time (the loop returns), or a virtual interrupt line changed and asked for
        // control back (kick): on hardware, a host interrupt forcing a VM exit.
        if (this.policy.interruptsExit && this.hart.cycle < this.untilCycle) this.dispatch(INTERRUPT_EXIT);
        return null;
      case 'insn-limit':
        return null;
      case 'idle':
        // Waiting, and nothing in the VM will ever raise an interrupt.
        return { kind: 'waiting-forever', pc: stop.pc };
      case 'trap-loop':
        // The hardware delivered a trap to the guest's handler, which trapped again, over and over.
        this.host.guestStuck('trap-loop', trapLoopMessage(stop.cause, stop.pc));
        return { kind: 'stopped' };
      case 'power-off': case 'reset':
        // The vCPU's bus has no test device: the VM's is reached only by emulation.
        throw new Error(`vCPU hart stopped with ${stop.kind}, which a vCPU cannot produce`);
      default: {
        const never: never = stop;
        throw new Error(`unhandled hart stop ${JSON.stringify(never)}`);
      }
    }
  }

  /** Every exit pays the world switch; then one handler per reason says what it was. */
  private dispatch(exit: Exit): void {
    const observer = this.host.onExit;
    const from = observer !== undefined ? this.policy.guestLevel() : PRIV_U;
    this.charge('exit');
    let kind: ExitKind;
    switch (exit.reason) {
      case 'exception':
        this.deliver(exit.cause, exit.tval, exit.pc);
        kind = 'reflect-exception';
        break;
      case 'interrupt':
        kind = 'interrupt';
        break;
      case 'illegal-instruction': case 'virtual-instruction': case 'ecall': case 'page-fault': case 'guest-page-fault':
        kind = this.policy.handle(exit);
        break;
      default: {
        const never: never = exit;
        throw new Error(`unhandled exit ${JSON.stringify(never)}`);
      }
    }
    this.exits++;
    countExit(this.host.accounting.exits, kind);
    observer?.(exit, kind, this, from);
    const hart = this.hart;
    const completed = completesInstruction(kind) && exit.reason !== 'interrupt' && (hart.pc >>> 0) !== exit.pc;
    if (this.progress.stuck(hart.pc >>> 0, hart.retired, hart.idleCycles, completed)) this.host.guestStuck('no-progress', stuckMessage(kind, hart.pc));
  }

  /**
   * Credit what the hart did since the last call: instructions and page-walk references at
   * the guest's user level to the guest user, the rest of the busy cycles (kernel
   * instructions, their walks, trap entries and returns the hardware performed) to the guest
   * kernel. Which guest level a hart privilege ran is the technique's to say.
   */
  private attribute(): void {
    const hart = this.hart;
    const p = hart.priv;
    // Between two exits the hart mostly ran at one privilege, the one it stopped in: when that
    // privilege's counts moved as much as the totals did, no other privilege's moved.
    const retired = (hart.retiredByPriv[p] as number) - (this.retiredMark[p] as number);
    const reads = (hart.pteReadsByPriv[p] as number) - (this.pteMark[p] as number);
    if (retired === hart.retired - this.retiredTotalMark && reads === hart.walkStats.pteReads - this.pteTotalMark) {
      const atUser = this.policy.guestLevelOfHart(p) === PRIV_U;
      this.credit(retired, atUser ? retired : 0, atUser ? reads : 0);
      this.retiredMark[p] = hart.retiredByPriv[p] as number;
      this.pteMark[p] = hart.pteReadsByPriv[p] as number;
    } else {
      this.attributeByPrivilege();
    }
    this.retiredTotalMark = hart.retired;
    this.pteTotalMark = hart.walkStats.pteReads;
  }

  /** attribute() when the hart ran at several privileges since the last call. */
  private attributeByPrivilege(): void {
    const hart = this.hart;
    let retired = 0;
    let user = 0;
    let userWalkReads = 0;
    for (let p = 0; p < HART_PRIVS; p++) {
      const nowRetired = hart.retiredByPriv[p] as number;
      const nowReads = hart.pteReadsByPriv[p] as number;
      const n = nowRetired - (this.retiredMark[p] as number);
      const reads = nowReads - (this.pteMark[p] as number);
      if (n === 0 && reads === 0) continue;
      this.retiredMark[p] = nowRetired;
      this.pteMark[p] = nowReads;
      retired += n;
      if (this.policy.guestLevelOfHart(p as PrivLevel) === PRIV_U) {
        user += n;
        userWalkReads += reads;
      }
    }
    this.credit(retired, user, userWalkReads);
  }

  /** Credit `retired` instructions, `user` of them and `userWalkReads` walk references at the
   *  guest's user level, and the busy cycles since the last credit. */
  private credit(retired: number, user: number, userWalkReads: number): void {
    const hart = this.hart;
    const acc = this.host.accounting;
    // Walks at the guest's user level are rare between two exits: the price is looked up only
    // for them (adding their zero product would change nothing).
    const userCycles = userWalkReads === 0 ? user : user + userWalkReads * this.host.preset.pteRead;
    const kernelCycles = hart.cycle - this.cycleMark - (hart.idleCycles - this.idleMark) - userCycles;
    // Most exits credit one level only: adding zero to the other would change nothing.
    if (user !== 0) acc.instructions.user += user;
    if (retired !== user) acc.instructions.kernel += retired - user;
    if (userCycles !== 0) acc.cycles.guestUser += userCycles;
    if (kernelCycles !== 0) acc.cycles.guestKernel += kernelCycles;
    acc.cycles.idle = hart.idleCycles;
    this.cycleMark = hart.cycle;
    this.idleMark = hart.idleCycles;
  }
}

// The breakdown and the exit counts are records keyed by name, and the name varies at these
// sites: written as `record[name] += n` that is a megamorphic keyed store in V8, which cost more
// than the rest of an exit's bookkeeping together. A switch makes each a named store.

/** cycles[category] += n. */
function addCycles(cycles: Record<CycleCategory, number>, category: CycleCategory, n: number): void {
  switch (category) {
    case 'worldSwitch': cycles.worldSwitch += n; break;
    case 'emulation': cycles.emulation += n; break;
    case 'hypercalls': cycles.hypercalls += n; break;
    case 'shadowPaging': cycles.shadowPaging += n; break;
    case 'nestedPaging': cycles.nestedPaging += n; break;
    case 'devices': cycles.devices += n; break;
    case 'sbi': cycles.sbi += n; break;
    case 'guestUser': cycles.guestUser += n; break;
    case 'guestKernel': cycles.guestKernel += n; break;
    case 'idle': cycles.idle += n; break;
    default: {
      const never: never = category;
      throw new Error(`unknown cycle category ${String(never)}`);
    }
  }
}

/** exits[kind]++. */
function countExit(exits: Record<ExitKind, number>, kind: ExitKind): void {
  switch (kind) {
    case 'csr': exits.csr++; break;
    case 'hypercall': exits.hypercall++; break;
    case 'reflect-syscall': exits['reflect-syscall']++; break;
    case 'sret': exits.sret++; break;
    case 'shadow-fill': exits['shadow-fill']++; break;
    case 'gstage-fill': exits['gstage-fill']++; break;
    case 'mmio': exits.mmio++; break;
    case 'interrupt': exits.interrupt++; break;
    case 'sbi': exits.sbi++; break;
    case 'sfence': exits.sfence++; break;
    case 'wfi': exits.wfi++; break;
    case 'pte-write': exits['pte-write']++; break;
    case 'reflect-page-fault': exits['reflect-page-fault']++; break;
    case 'reflect-exception': exits['reflect-exception']++; break;
    default: {
      const never: never = kind;
      throw new Error(`unknown exit kind ${String(never)}`);
    }
  }
}

/** The end of the last whole turn (of `turn` cycles, counted from `until`) that ends no later
 *  than the event due at `next`: a turn that contains the event is run, not leapt. */
function leapTarget(until: number, next: number, turn: number): number {
  return until + Math.max(0, Math.floor((next - until) / turn)) * turn;
}
