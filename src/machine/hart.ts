/**
 * One RV32IMA hart with M, S and U modes and the hypervisor extension (H: the virtualization
 * mode V, so S-mode is HS or VS and U-mode U or VU): the interpreter loop, memory access
 * through the TLB and one- or two-stage translation, and — in `trap()` — the single place
 * where exceptions and interrupts are delivered, to M, HS or VS.
 *
 * The loop is the hot path of all of pvlab. It keeps the pc, the TLB arrays and RAM views in
 * locals, decodes with one table load (DECODE_TABLE, derived from the instruction table), and
 * dispatches with a switch over execution ids, which the TypeScript compiler turns into literal
 * case labels (Op is a const enum) so V8 emits a jump table. Anything rare — TLB misses, MMIO,
 * CSRs, traps, xRET, WFI — leaves through a method and then breaks out of the inner loop, so
 * that the outer loop reloads whatever state the slow path may have changed (privilege,
 * translation, pending interrupts, scheduled events).
 *
 * Time: `cycle` advances by one per instruction plus the modeled costs in `timing`, and mtime
 * is cycle / cyclesPerTick. Nothing here reads a wall clock.
 */
import { CAUSE_INTERRUPT, Cause, Interrupt } from '../isa/causes.js';
import {
  CSR, HSTATUS, MIP, MSTATUS, MSTATUSH, PAGE_SHIFT, PAGE_SIZE, Priv, SATP, SSTATUS, TVEC,
  VS_CSR_OFFSET, VS_INTERRUPTS, VS_SUBSTITUTED, type PrivLevel,
} from '../isa/csr.js';
import { decode, immB, immI, immJ, immS } from '../isa/decode.js';
import { BY_OP, Op, Opcode } from '../isa/instructions.js';
import type { Bus } from './bus.js';
import { CSR_OK, CsrFile, type CsrHost } from './csr-file.js';
import type { AccessWidth, Clock, InterruptPins } from './device.js';
import type { EventQueue } from './events.js';
import {
  Access, WALK_ACCESS_FAULT, WALK_GUEST_PAGE_FAULT, WALK_PAGE_FAULT, accessFaultCause, newWalkStats, pageFaultCause, sv32Walk, twoStageWalk,
  type WalkStats,
} from './mmu.js';
import { amoValue } from '../isa/amo.js';
import { csrReads, csrSource, csrWriteValue, csrWrites } from '../isa/zicsr.js';
import { HTINST_PTE_READ, HTINST_PTE_WRITE, transformedInstruction } from './htinst.js';
import type { Probe } from './probe.js';
import { CodeCache } from './code-cache.js';
import { Flow, flowOf } from './leaders.js';
import { TLB_LAYOUT, TLB_MASK, Tlb, tagOf } from './tlb.js';
import { SLOW_EXIT, translateOne, type Region } from './translator.js';

/** Modeled costs, in cycles, added on top of one cycle per instruction. */
export interface MachineTiming {
  /** Hardware trap entry (pipeline flush, vectoring). */
  trapEntry: number;
  /** mret / sret. */
  trapReturn: number;
  /** Each page-table entry read by a TLB-miss walk. */
  pteRead: number;
  /** Each load or store that reaches a device register rather than RAM (uncached I/O). */
  deviceAccess?: number;
}

export const UNMODELED_TIMING: MachineTiming = { trapEntry: 0, trapReturn: 0, pteRead: 0 };

/** Why run() returned. A closed union: callers switch over `kind` exhaustively. */
export type HartStop =
  | { kind: 'budget' }
  | { kind: 'insn-limit'; pc: number }
  | { kind: 'power-off'; code: number }
  | { kind: 'reset' }
  | { kind: 'idle'; pc: number }
  | { kind: 'trap-loop'; pc: number; cause: number; count: number }
  | TrapStop;

/** With `exitToHost`: a trap bound for M-mode or HS-mode, handed to the host instead (a VM
 *  exit). The hart is left exactly at the trapping instruction, in the mode it trapped from; no
 *  CSR has changed. tval2 and tinst are what htval/mtval2 and htinst/mtinst would have received
 *  (guest-physical address >> 2 and the transformed instruction for a guest-page fault), and
 *  virt the V it trapped from. It is the hart's own object, refilled at every exit so that an
 *  exit allocates nothing: valid until the next run(), a copy is what outlives it. */
export interface TrapStop {
  readonly kind: 'trap';
  cause: number;
  tval: number;
  pc: number;
  tval2: number;
  tinst: number;
  virt: boolean;
}

/**
 * The host a vCPU's hart hands its exits to without returning from run() (Hart.exitHandler):
 * the host handles the exit and either resumes the guest — run() carries on as though it had
 * been entered anew with what is left of its instructions and time, sparing the return of the
 * stop and the re-entry — or declines, and run() returns the stop, already handled.
 */
export interface HostExitHandler {
  /** Handle the exit `stop` (valid only during the call); true to resume the guest. */
  resumeAfterExit(stop: TrapStop): boolean;
}

/** The stop at the end of a slice of time, shared (it carries nothing). */
const BUDGET_STOP: HartStop = Object.freeze({ kind: 'budget' });

/** Hooks for --trace: called before each instruction executes (slow mode). */
export type TraceHook = (pc: number, insn: number, priv: PrivLevel) => void;

export interface HartOptions {
  hartId?: number;
  /** Cycles per mtime tick (core clock / timebase). */
  cyclesPerTick: number;
  timing?: MachineTiming;
}

/** How many consecutive traps at the handler's own first instruction count as a trap loop. */
const TRAP_LOOP_LIMIT = 64;
/** Longest slice between checks of the event queue when nothing is scheduled sooner. */
const SLICE_MAX = 1 << 16;
const UINT32 = 0x1_0000_0000;
const PHYS_LIMIT = UINT32;
/** inst[6:0], the major opcode. */
const OPCODE_MASK = 0x7f;

/** Interrupt priority order of the privileged spec (§3.1.9, and the H extension's for the
 *  virtual-supervisor ones): MEI, MSI, MTI, SEI, SSI, STI, SGEI, VSEI, VSSI, VSTI. */
const INTERRUPT_PRIORITY = [
  Interrupt.MachineExternal, Interrupt.MachineSoftware, Interrupt.MachineTimer,
  Interrupt.SupervisorExternal, Interrupt.SupervisorSoftware, Interrupt.SupervisorTimer,
  Interrupt.SupervisorGuestExternal, Interrupt.VirtualSupervisorExternal,
  Interrupt.VirtualSupervisorSoftware, Interrupt.VirtualSupervisorTimer,
] as const;

/** Exceptions whose tval is a (guest-)virtual address, for hstatus.GVA / mstatush.GVA. */
const ADDRESS_CAUSES = new Set<number>([
  Cause.InstructionAddressMisaligned, Cause.InstructionAccessFault, Cause.Breakpoint,
  Cause.LoadAddressMisaligned, Cause.LoadAccessFault, Cause.StoreAddressMisaligned,
  Cause.StoreAccessFault, Cause.InstructionPageFault, Cause.LoadPageFault, Cause.StorePageFault,
  Cause.InstructionGuestPageFault, Cause.LoadGuestPageFault, Cause.StoreGuestPageFault,
]);

// Module-level copies of the imported constants and functions on the path of every slow-path
// instruction and every exit: an imported binding is a cell load with a hole check at each use,
// and an imported object's field one more load, which V8 does not fold into a constant — on
// that path they cost more than the work they take part in.
const INTERRUPT_BIT = CAUSE_INTERRUPT;
const PRIV_S = Priv.S;
const PRIV_M = Priv.M;
const MSTATUS_MPRV = MSTATUS.MPRV;
const REGION_SLOW_EXIT = SLOW_EXIT;
const PAGE_BITS = PAGE_SHIFT;
const PAGE_OFFSET_MASK = PAGE_SIZE - 1;
const TLB_SLOT_MASK = TLB_MASK;
const VS_LINES = VS_INTERRUPTS;
const ILLEGAL_INSTRUCTION = Cause.IllegalInstruction;
const CSR_ACCESS_OK = CSR_OK;
const decodeWord = decode;
const flowOfOp = flowOf;
const sourceOf = csrSource;
const writesCsr = csrWrites;
const readsCsr = csrReads;

/** The cause of an ecall by the privilege it is made from, V=1 privileges after the V=0 ones
 *  (VIRT_PRIVS on): a table load, where the chain of tests read three imported causes. */
const VIRT_PRIVS = 4;
const ECALL_CAUSE: Int32Array = (() => {
  // U is U, S is S or VS, anything else is M (as the tests this replaces had it).
  const table = new Int32Array(2 * VIRT_PRIVS).fill(Cause.EnvironmentCallFromM);
  table[Priv.U] = table[VIRT_PRIVS + Priv.U] = Cause.EnvironmentCallFromU;
  table[Priv.S] = Cause.EnvironmentCallFromS;
  table[VIRT_PRIVS + Priv.S] = Cause.EnvironmentCallFromVS;
  return table;
})();

const HYPERVISOR_STORES = new Set<Op>([Op.HSV_B, Op.HSV_H, Op.HSV_W]);

const GUEST_PAGE_FAULT: Record<Access, number> = {
  [Access.Fetch]: Cause.InstructionGuestPageFault,
  [Access.Load]: Cause.LoadGuestPageFault,
  [Access.Store]: Cause.StoreGuestPageFault,
};

export class Hart implements CsrHost, Clock, InterruptPins {
  /** Integer registers; x[0] is forced to zero at every instruction boundary. */
  readonly x = new Int32Array(32);
  pc = 0;
  priv: PrivLevel = Priv.M;
  /** The H extension's virtualization mode: true in VS-mode and VU-mode. */
  virt = false;
  readonly csr: CsrFile;
  readonly tlb = new Tlb();
  readonly walkStats: WalkStats = newWalkStats();
  /** Page-table entries read by walks, by the privilege of the access (virtual privilege
   *  under V=1), for attributing walk time to guest user and kernel. */
  readonly pteReadsByPriv = new Float64Array(4);
  probe: Probe | null = null;
  traceHook: TraceHook | null = null;
  timing: MachineTiming;

  /** Simulated cycles (instructions, modeled costs and idle time). */
  cycle = 0;
  /** Retired instructions. */
  retired = 0;
  /** Retired instructions by the privilege they ran in, indexed by PrivLevel. */
  readonly retiredByPriv = new Float64Array(4);
  /** Cycles spent waiting in WFI. */
  idleCycles = 0;
  /** WFI executed and no interrupt has woken the hart yet. */
  waiting = false;

  /**
   * Run as a vCPU: a trap that would enter M-mode (with medeleg = mideleg = 0 that is every
   * trap) stops run() with a `trap` exit for the host — the hypervisor, written in TypeScript,
   * plays the part of M-mode software, as a KVM host does for its guests.
   */
  exitToHost = false;
  /** With `exitToHost`: the host that handles each exit inside run() (see HostExitHandler);
   *  null: run() returns every exit for its caller to handle. */
  exitHandler: HostExitHandler | null = null;
  private pendingExit: TrapStop | null = null;
  private readonly trapStop: TrapStop = { kind: 'trap', cause: 0, tval: 0, pc: 0, tval2: 0, tinst: 0, virt: false };
  /** Inside injectVirtualTrap(): deliver to VS whatever the delegation says. */
  private injecting = false;

  /** Traps taken so far (slow paths compare it to see whether their instruction trapped). */
  trapCount = 0;
  /** The instruction word a region left through its slow exit (translator.ts). */
  slowWord = 0;
  /**
   * The data access of the instruction in the slow path: the privilege and V it is translated
   * with (the current ones, or with mstatus.MPRV those of MPP/MPV, or for hlv/hsv those of
   * hstatus.SPVP with V = 1), and whether it is HLVX (execute permission in place of read).
   * accessVirt also tells trap() that an address it writes to xtval is guest virtual (GVA).
   */
  private accessPriv: PrivLevel = Priv.M;
  private accessVirt = false;
  private accessExecute = false;
  /** Calls of translated code so far (statistics: instructions per call show how much stays inside regions). */
  dispatches = 0;
  readonly blocks: CodeCache;
  /** LR/SC reservation: the reserved physical address, or -1. */
  private reservation = -1;
  /** Boards of several harts: told of every LR, so that other harts' stores can break it
   *  (reservations.ts). Null on one hart, where nothing else writes between LR and SC. */
  onReserve: ((pa: number) => void) | null = null;
  private stopRequest: HartStop | null = null;
  private readonly cyclesPerTick: number;
  private lastTrapCause = -1;
  private lastTrapTarget = -1;
  private trapRepeat = 0;
  private trapLoop: HartStop | null = null;
  /** The TLB holds pieces of a megapage, so sfence.vma of one address must flush everything. */
  private megapagesCached = false;
  private readonly ramU8: Uint8Array;
  private readonly ramI8: Int8Array;
  private readonly ramU16: Uint16Array;
  private readonly ramI16: Int16Array;
  private readonly ramI32: Int32Array;
  private readonly ramBase: number;
  private readonly ramSize: number;

  constructor(readonly bus: Bus, readonly events: EventQueue, opts: HartOptions) {
    this.csr = new CsrFile(this, opts.hartId ?? 0);
    this.cyclesPerTick = opts.cyclesPerTick;
    this.timing = opts.timing ?? UNMODELED_TIMING;
    const ram = bus.ram;
    this.ramU8 = ram.u8;
    this.ramI8 = ram.i8;
    this.ramU16 = ram.u16;
    this.ramI16 = ram.i16;
    this.ramI32 = ram.i32;
    this.ramBase = bus.ramBase;
    this.ramSize = ram.size;
    this.blocks = new CodeCache(ram, this.tlb);
    // An uncached device access stalls the hart; the bus tells it when one happens.
    const deviceAccess = this.timing.deviceAccess ?? 0;
    if (deviceAccess > 0) bus.onDeviceAccess = () => { this.cycle += deviceAccess; };
  }

  // ---- Clock / CsrHost / InterruptPins ------------------------------------------------------

  cycles(): number {
    return this.cycle;
  }

  instret(): number {
    return this.retired;
  }

  mtime(): number {
    return Math.floor(this.cycle / this.cyclesPerTick);
  }

  cycleOfMtime(ticks: number): number {
    return ticks * this.cyclesPerTick;
  }

  translationChanged(): void {
    this.tlb.flushAll();
    this.megapagesCached = false;
  }

  interruptsChanged(): void {
    this.events.poke();
  }

  setPending(mipBit: number, level: boolean): void {
    const before = this.csr.mipHardware;
    this.csr.mipHardware = level ? before | mipBit : before & ~mipBit;
    if (this.csr.mipHardware !== before) this.events.poke();
  }

  /** Sstc: STIP follows time >= stimecmp while menvcfg.STCE is set. */
  stimecmpChanged(): void {
    const key = `hart${this.csr.hartId}.stimecmp`;
    if (!this.csr.sstcEnabled()) {
      this.events.cancel(key);
      this.setPending(MIP.STIP, false);
      return;
    }
    const cmp = this.csr.stimecmph * UINT32 + (this.csr.stimecmp >>> 0);
    if (this.mtime() >= cmp) {
      this.events.cancel(key);
      this.setPending(MIP.STIP, true);
    } else {
      this.setPending(MIP.STIP, false);
      if (cmp > Number.MAX_SAFE_INTEGER) {
        // Beyond 2^53 ticks (the reset value, all ones, means "never"): nothing to schedule,
        // as for the CLINT's mtimecmp. An event there would let WFI leap ~2^64 ticks ahead
        // instead of reporting that nothing can wake the hart.
        this.events.cancel(key);
        return;
      }
      this.events.schedule(key, this.cycleOfMtime(cmp), () => this.stimecmpChanged());
    }
  }

  /** The reserved physical address, or -1 (reservations.ts tells live entries from stale). */
  reservedAddress(): number {
    return this.reservation;
  }

  /** Another hart (or a device) stored into the reservation set: the next sc.w fails. */
  cancelReservation(): void {
    this.reservation = -1;
  }

  /** Ask run() to return at the next instruction boundary (power-off, reset). */
  requestStop(stop: HartStop): void {
    this.stopRequest = stop;
    this.events.poke();
  }

  reset(pc: number): void {
    this.x.fill(0);
    this.pc = pc;
    this.priv = Priv.M;
    this.virt = false;
    this.csr.reset();
    this.translationChanged();
    this.reservation = -1;
    this.waiting = false;
    this.stopRequest = null;
    this.pendingExit = null;
    this.trapLoop = null;
    this.trapRepeat = 0;
  }

  // ---- the interpreter ----------------------------------------------------------------------

  /**
   * Run until `maxInsns` instructions have retired, the cycle counter reaches `untilCycle`, or
   * something stops the hart. Deterministic: the same state and arguments give the same result.
   */
  run(maxInsns: number, untilCycle = Infinity): HartStop {
    const events = this.events;
    const startRetired = this.retired;

    for (;;) {
      // -- between slices: stop requests, due events, interrupts, WFI ------------------------
      if (this.stopRequest !== null) {
        const s = this.stopRequest;
        this.stopRequest = null;
        return s;
      }
      if (this.pendingExit !== null) {
        const s = this.pendingExit;
        this.pendingExit = null;
        // Resumed: what follows is what a fresh run() would begin with.
        if (this.exitHandler?.resumeAfterExit(s) === true) continue;
        return s;
      }
      if (this.trapLoop !== null) {
        const s = this.trapLoop;
        this.trapLoop = null;
        return s;
      }
      if (this.cycle >= events.nextAt) {
        events.runDue(this.cycle);
        if (this.stopRequest !== null) continue;
      }
      const irq = this.pendingInterrupt();
      if (irq >= 0) {
        this.waiting = false;
        this.trap(CAUSE_INTERRUPT | irq, 0);
      } else if (this.waiting) {
        if ((this.csr.pendingEnabled()) !== 0) {
          this.waiting = false; // WFI wakes on any locally enabled pending interrupt
        } else {
          if (events.nextAt === Infinity) return { kind: 'idle', pc: this.pc >>> 0 };
          const wake = Math.min(events.nextAt, untilCycle);
          if (wake > this.cycle) {
            this.idleCycles += wake - this.cycle;
            this.cycle = wake;
          }
          if (this.cycle >= untilCycle) return BUDGET_STOP;
          continue;
        }
      }
      const done = this.retired - startRetired;
      if (done >= maxInsns) return { kind: 'insn-limit', pc: this.pc >>> 0 };
      if (this.cycle >= untilCycle) return BUDGET_STOP;

      // -- one slice of straight-line execution ---------------------------------------------
      let budget = Math.min(maxInsns - done, events.nextAt - this.cycle, untilCycle - this.cycle, SLICE_MAX);
      if (budget < 1 || this.traceHook !== null) budget = 1;
      this.execSlice(budget);
    }
  }

  /**
   * Execute up to `budget` instructions without looking at events or interrupts, by running
   * translated regions (translator.ts, code-cache.ts). A separate function from run() so that V8
   * optimizes it on entry rather than by on-stack replacement of one endless loop.
   *
   * Exactly `budget` instructions run unless a slow path intervenes: a region never enters a
   * run longer than what is left of the budget, and a block longer than that is replaced by
   * single instructions, so where a slice ends (and hence when interrupts are taken) does not
   * depend on how code was cut into blocks, runs or regions.
   */
  private execSlice(budget: number): void {
    const x = this.x;
    const m8 = this.ramU8;
    const ms8 = this.ramI8;
    const m16 = this.ramU16;
    const ms16 = this.ramI16;
    const m32 = this.ramI32;
    const trace = this.traceHook;
    const cache = this.blocks;
    const hotPages = cache.pages;
    const fetchSet = this.tlb.set(this.priv, this.virt);
    const dataSet = this.tlb.set(this.dataPriv(), this.dataVirt());
    const fTag = fetchSet.fetchTag;
    const fOff = fetchSet.fetchOff;
    const dataTlb = dataSet.entries;
    // Module-level imports are cell loads with a hole check on every use; locals are registers.
    const pageShift = PAGE_BITS;
    const pageMask = PAGE_OFFSET_MASK;
    const tlbMask = TLB_SLOT_MASK;
    let n = 0;

    while (n < budget) {
      const pc = this.pc;
      const slot = (pc >>> pageShift) & tlbMask;
      let pageOff: number;
      if (fTag[slot] === (pc & ~pageMask)) {
        pageOff = fOff[slot] as number;
      } else {
        this.commit(n);
        budget -= n;
        n = 0;
        const before = this.cycle;
        pageOff = this.fetchSlow(pc);
        if (pageOff < 0) return;
        // The walk cost cycles the slice's budget did not foresee: return so that run() fires
        // whatever fell due meanwhile before this instruction, as it would when single-stepping.
        if (this.cycle !== before) return;
      }
      const inPage = pc & pageMask;
      const off = pageOff + inPage;
      // A region with a run starting here, else the cache's cold block (or a region just
      // grown from it), else (volatile pages, tracing, budget tails) one instruction.
      let region: Region | undefined;
      let label = 0;
      let base = pc;
      const regions = trace === null ? hotPages[off >>> pageShift] : undefined;
      if (regions !== undefined) {
        region = regions.region[inPage >>> 2];
        if (region !== undefined) {
          label = regions.label[inPage >>> 2] as number;
          base = (pc - inPage) | 0;
        }
      }
      if (region === undefined && trace === null) {
        region = cache.get(off);
        if (region !== undefined) {
          label = region.entryLabel;
          base = (pc - region.entryOffset) | 0;
        }
      }
      if (region === undefined || (region.lengths[label] as number) > budget - n) {
        const insn = m32[off >>> 2] as number;
        if (trace !== null) trace(pc >>> 0, insn >>> 0, this.priv);
        region = translateOne(insn);
        label = 0;
        base = pc;
      }
      this.dispatches++;
      const done = region.fn(this, x, base, label, budget - n, m8, ms8, m16, ms16, m32, dataTlb);
      if (done >= REGION_SLOW_EXIT) {
        // The slow path commits everything and ends the slice.
        this.slowStep(n + done - REGION_SLOW_EXIT);
        return;
      }
      n += done;
    }
    this.commit(n);
  }

  // ---- the region ABI: the slow path of translated code (see translator.ts) ----------------

  /**
   * Carry out the instruction a region left through its slow exit (this.slowWord at this.pc)
   * the slow way: a load or store that missed the TLB fast path (TLB miss, device, misaligned),
   * a jump or taken branch to a misaligned target, and everything the fast path never does
   * (CSRs, atomics, ecall/ebreak, xRET, WFI, the fences of the privileged spec, illegal words).
   * `count` is how many instructions the slice executed, this one included: those before it
   * retire now, this one only if it does not trap. The slice then ends, so run() looks at
   * interrupts and events before anything else executes.
   */
  private slowStep(count: number): void {
    const pc = this.pc;
    const insn = this.slowWord;
    this.commit(count - 1);
    // Charged to the privilege it ran in, not the one an xRET leaves behind.
    const priv = this.priv;
    const traps = this.trapCount;
    const op = decodeWord(insn);
    const x = this.x;
    const rd = (insn >>> 7) & 31;
    const rs1 = (insn >>> 15) & 31;
    switch (flowOfOp(op)) {
      case Flow.Branch: this.trap(Cause.InstructionAddressMisaligned, (pc + immB(insn)) >>> 0); break;
      case Flow.Jal: this.trap(Cause.InstructionAddressMisaligned, (pc + immJ(insn)) >>> 0); break;
      case Flow.Jalr:
        this.trap(Cause.InstructionAddressMisaligned, (((x[rs1] as number) + immI(insn)) & -2) >>> 0);
        break;
      case Flow.Next: {
        // Looked up here only: the table's rows differ in shape, so reading a row's width is a
        // megamorphic load, which a CSR or system instruction need not pay.
        const width = BY_OP[op]?.width;
        if (width === undefined) throw new Error(`slowStep: nothing slow about ${insn >>> 0}`);
        if ((insn & OPCODE_MASK) === Opcode.LOAD) this.loadInstruction(op, insn, width, rd, rs1);
        else this.storeSlowInstruction(insn, width, rs1);
        break;
      }
      default:
        this.systemInstruction(op, insn, rd, rs1);
        break;
    }
    if (this.trapCount === traps) this.commit(1, priv);
    this.accessVirt = false;
    this.accessExecute = false;
  }

  /** A load, store or AMO: its accesses are translated as mstatus.MPRV says. */
  private beginDataAccess(): void {
    this.accessPriv = this.dataPriv();
    this.accessVirt = this.dataVirt();
    this.accessExecute = false;
  }

  private loadInstruction(op: Op, insn: number, width: AccessWidth, rd: number, rs1: number): void {
    this.beginDataAccess();
    this.loadInto(rd, ((this.x[rs1] as number) + immI(insn)) | 0, width, op !== Op.LBU && op !== Op.LHU);
  }

  /** Load `width` bytes at `va` into rd (sign-extended if `signed`) and advance, or fault. */
  private loadInto(rd: number, va: number, width: AccessWidth, signed: boolean): void {
    const v = this.loadSlow(va, width);
    if (v === undefined) return;
    if (rd !== 0) {
      this.x[rd] = !signed ? v : width === 1 ? (v << 24) >> 24 : width === 2 ? (v << 16) >> 16 : v | 0;
    }
    this.pc = (this.pc + 4) | 0;
  }

  /**
   * hlv.*, hlvx.*, hsv.* (H extension): a load or store as though V = 1, at VS or VU as
   * hstatus.SPVP says, through both translation stages with the guest's vsstatus.SUM/MXR (and
   * mstatus.MXR). Allowed in M and HS, and in U when hstatus.HU is set; from V = 1 a virtual
   * instruction. HLVX needs execute permission instead of read.
   */
  private hypervisorAccess(op: Op, insn: number, rd: number, rs1: number): void {
    if (this.virt) {
      this.exception(Cause.VirtualInstruction, insn >>> 0);
      return;
    }
    if (this.priv === Priv.U && (this.csr.hstatus & HSTATUS.HU) === 0) {
      this.exception(Cause.IllegalInstruction, insn >>> 0);
      return;
    }
    this.accessPriv = (this.csr.hstatus & HSTATUS.SPVP) !== 0 ? Priv.S : Priv.U;
    this.accessVirt = true;
    this.accessExecute = op === Op.HLVX_HU || op === Op.HLVX_WU;
    const width = BY_OP[op]?.width as AccessWidth;
    const va = this.x[rs1] as number;
    if (HYPERVISOR_STORES.has(op)) {
      if (this.storeSlow(va, width, this.x[(insn >>> 20) & 31] as number)) this.pc = (this.pc + 4) | 0;
    } else {
      this.loadInto(rd, va, width, op === Op.HLV_B || op === Op.HLV_H);
    }
  }

  private storeSlowInstruction(insn: number, width: AccessWidth, rs1: number): void {
    this.beginDataAccess();
    const value = this.x[(insn >>> 20) & 31] as number;
    if (this.storeSlow(((this.x[rs1] as number) + immS(insn)) | 0, width, value)) this.pc = (this.pc + 4) | 0;
  }

  private systemInstruction(op: Op, insn: number, rd: number, rs1: number): void {
    const rs2 = (insn >>> 20) & 31;
    switch (op) {
      case Op.ECALL:
        this.trap(ECALL_CAUSE[this.virt ? this.priv + VIRT_PRIVS : this.priv] as number, 0);
        break;
      case Op.EBREAK: this.trap(Cause.Breakpoint, this.pc); break;
      case Op.CSRRW: case Op.CSRRS: case Op.CSRRC: case Op.CSRRWI: case Op.CSRRSI: case Op.CSRRCI:
        this.csrInstruction(op, insn, rd, rs1);
        break;
      case Op.MRET: this.mret(insn); break;
      case Op.SRET: this.sret(insn); break;
      case Op.WFI: this.wfi(insn); break;
      case Op.SFENCE_VMA: this.sfenceVma(insn, rs1, rs2); break;
      case Op.HFENCE_VVMA: case Op.HFENCE_GVMA: this.hfence(op, insn); break;
      case Op.HLV_B: case Op.HLV_BU: case Op.HLV_H: case Op.HLV_HU: case Op.HLVX_HU: case Op.HLV_W:
      case Op.HLVX_WU: case Op.HSV_B: case Op.HSV_H: case Op.HSV_W:
        this.hypervisorAccess(op, insn, rd, rs1);
        break;
      case Op.ILLEGAL: this.trap(ILLEGAL_INSTRUCTION, insn >>> 0); break;
      default: this.atomic(op, rd, rs1, rs2); break;
    }
  }

  /**
   * Retire `n` instructions run at the current privilege. Called before anything that reads
   * counters or changes privilege, so each instruction is charged to the mode it ran in.
   */
  private commit(n: number, priv: PrivLevel = this.priv): void {
    this.cycle += n;
    this.retired += n;
    this.retiredByPriv[priv] = (this.retiredByPriv[priv] as number) + n;
  }

  /** Privilege that loads and stores are checked and translated with (mstatus.MPRV). */
  private dataPriv(): PrivLevel {
    const ms = this.csr.mstatus;
    if (this.priv === PRIV_M && (ms & MSTATUS_MPRV) !== 0) {
      return ((ms & MSTATUS.MPP) >>> MSTATUS.MPP_SHIFT) as PrivLevel;
    }
    return this.priv;
  }

  /** V that loads and stores are translated with: MPRV in M-mode borrows MPV with MPP. */
  private dataVirt(): boolean {
    if (this.priv === PRIV_M && (this.csr.mstatus & MSTATUS_MPRV) !== 0) {
      return this.dataPriv() !== Priv.M && (this.csr.mstatush & MSTATUSH.MPV) !== 0;
    }
    return this.virt;
  }

  // ---- translation and the memory slow paths -------------------------------------------------

  /**
   * Translate `va` for `access` at privilege `priv` and, for RAM, fill the TLB. Returns the
   * physical address, or raises the fault and returns -1.
   */
  private translate(va: number, access: Access, priv: PrivLevel, virt: boolean): number {
    let pa: number;
    const satp = this.csr.satp;
    if (virt) {
      pa = this.translateVirtual(va, access, priv);
      if (pa < 0) return -1;
    } else if (priv === Priv.M || (satp >>> 31) !== SATP.MODE_SV32) {
      pa = va >>> 0;
    } else {
      const ms = this.csr.mstatus;
      const before = this.walkStats.pteReads;
      pa = sv32Walk(this.bus, va, access, {
        satp, priv, sum: (ms & MSTATUS.SUM) !== 0, mxr: (ms & MSTATUS.MXR) !== 0,
      }, this.walkStats);
      this.chargeWalk(before, priv);
      if (pa === WALK_PAGE_FAULT) {
        this.exception(pageFaultCause(access), va >>> 0);
        return -1;
      }
      if (pa === WALK_ACCESS_FAULT || pa >= PHYS_LIMIT) {
        this.raiseAccessFault(access, va);
        return -1;
      }
      // A level-1 leaf maps 4 MiB; the TLB caches it one 4 KiB piece at a time.
      if (this.walkStats.lastLeafLevel > 0) this.megapagesCached = true;
    }
    const off = (pa - this.ramBase) >>> 0;
    if (off < this.ramSize) {
      const set = this.tlb.set(priv, virt);
      const vpn = va >>> PAGE_SHIFT;
      const slot = vpn & TLB_MASK;
      const tag = tagOf(vpn);
      const pageOff = off & ~(PAGE_SIZE - 1);
      switch (access) {
        case Access.Fetch: set.fill(TLB_LAYOUT.fetchTag, slot, tag, pageOff); break;
        case Access.Load:
          // HLVX's translation checked execute permission, not read: not one for loads.
          if (this.accessExecute) break;
          set.fill(TLB_LAYOUT.loadTag, slot, tag, pageOff); break;
        case Access.Store:
          // Never map a page translated code was made from for fast-path stores: they would
          // bypass block invalidation. (A translation need not be followed by a write — a
          // failed sc.w, a misaligned store that faults on its second page — so the write's own
          // invalidation cannot be relied on to clear the flag first.)
          // Nor a page another hart holds a reservation in: its stores must break it.
          if (this.bus.ram.codePages[pageOff >>> PAGE_SHIFT] !== 0 ||
            this.bus.ram.reservedPages[pageOff >>> PAGE_SHIFT] !== 0) break;
          set.fill(TLB_LAYOUT.storeTag, slot, tag, pageOff);
          // Stores through the entry bypass noteWrite: the page counts as written from now.
          this.bus.ram.written[pageOff >>> PAGE_SHIFT] = 1;
          break;
      }
    }
    return pa;
  }

  /** Charge the page-table reads a walk made since `before` and count the miss. */
  private chargeWalk(before: number, priv: PrivLevel): void {
    const reads = this.walkStats.pteReads - before;
    this.cycle += reads * this.timing.pteRead;
    this.pteReadsByPriv[priv] = (this.pteReadsByPriv[priv] as number) + reads;
    this.tlb.misses++;
  }

  /**
   * V=1: the VS stage (vsatp, vsstatus.SUM/MXR) under the G stage (hgatp). Returns the
   * host-physical address, or raises the page fault (the guest's), guest-page fault (the
   * hypervisor's) or access fault and returns -1.
   */
  private translateVirtual(va: number, access: Access, priv: PrivLevel): number {
    const csr = this.csr;
    const vsatp = csr.vsatp;
    const hgatp = csr.hgatp;
    if ((vsatp >>> 31) !== SATP.MODE_SV32 && (hgatp >>> 31) === 0) return va >>> 0; // both Bare
    const mxrG = (csr.mstatus & MSTATUS.MXR) !== 0;
    const vss = csr.vsstatus;
    const stats = this.walkStats;
    const before = stats.pteReads;
    const pa = twoStageWalk(this.bus, va, access, {
      vs: {
        satp: vsatp, priv, sum: (vss & SSTATUS.SUM) !== 0, mxr: mxrG || (vss & SSTATUS.MXR) !== 0,
        executeForRead: access === Access.Load && this.accessExecute,
      },
      hgatp, mxrG,
    }, stats);
    this.chargeWalk(before, priv);
    if (pa === WALK_PAGE_FAULT) {
      this.exception(pageFaultCause(access), va >>> 0);
      return -1;
    }
    if (pa === WALK_GUEST_PAGE_FAULT) {
      const tinst = stats.faultImplicit ? (stats.faultImplicitWrite ? HTINST_PTE_WRITE : HTINST_PTE_READ)
        : access === Access.Fetch ? 0 : this.faultingInstruction(va);
      this.trap(GUEST_PAGE_FAULT[access], va >>> 0, Math.floor(stats.faultGpa / 4) >>> 0, tinst);
      return -1;
    }
    if (pa === WALK_ACCESS_FAULT || pa >= PHYS_LIMIT) {
      this.raiseAccessFault(access, va);
      return -1;
    }
    if (stats.lastLeafLevel > 0) this.megapagesCached = true;
    return pa;
  }

  /**
   * htinst for an explicit load/store/AMO at this.pc faulting at `va`: its transformed form.
   * The instruction is read through the fetch TLB, which holds its page — it was just
   * fetched; if it does not (a slow-path single step), zero, which is always legal.
   */
  private faultingInstruction(va: number): number {
    const pc = this.pc;
    const set = this.tlb.set(this.priv, this.virt);
    const vpn = pc >>> PAGE_SHIFT;
    const slot = vpn & TLB_MASK;
    if (set.fetchTag[slot] !== tagOf(vpn)) return 0;
    const insn = this.ramI32[((set.fetchOff[slot] as number) + (pc & (PAGE_SIZE - 1))) >>> 2] as number;
    // The access's first byte: x[rs1] + imm (the faulting instruction wrote nothing yet).
    const rs1 = (insn >>> 15) & 31;
    const opcode = insn & OPCODE_MASK;
    const imm = opcode === Opcode.STORE ? ((insn >> 25) << 5) | ((insn >>> 7) & 31)
      : opcode === Opcode.LOAD ? insn >> 20 : 0;
    const first = ((this.x[rs1] as number) + imm) | 0;
    return transformedInstruction(insn >>> 0, ((va | 0) - first) | 0);
  }

  private raiseAccessFault(access: Access, va: number): void {
    this.exception(accessFaultCause(access), va >>> 0);
  }

  /** Fetch translation on a TLB miss. Returns the RAM byte offset of the page, or -1 after
   *  raising the fault (instructions execute only from RAM). */
  private fetchSlow(pc: number): number {
    const pa = this.translate(pc, Access.Fetch, this.priv, this.virt);
    if (pa < 0) return -1;
    const off = (pa - this.ramBase) >>> 0;
    if (off >= this.ramSize) {
      this.exception(Cause.InstructionAccessFault, pc >>> 0);
      return -1;
    }
    return off & ~(PAGE_SIZE - 1);
  }

  /**
   * A load that missed the TLB fast path: a TLB miss, a device, or a misaligned address (done
   * byte by byte, as QEMU's virt board does rather than trapping). Returns the zero-extended
   * value, or undefined after raising a fault.
   */
  private loadSlow(va: number, width: AccessWidth): number | undefined {
    if ((va & (width - 1)) !== 0) {
      let v = 0;
      for (let i = 0; i < width; i++) {
        const b = this.loadSlow((va + i) | 0, 1);
        if (b === undefined) return undefined;
        v |= b << (8 * i);
      }
      return v >>> 0;
    }
    const pa = this.translate(va, Access.Load, this.accessPriv, this.accessVirt);
    if (pa < 0) return undefined;
    const v = this.bus.read(pa, width);
    if (v === undefined) {
      this.raiseAccessFault(Access.Load, va);
      return undefined;
    }
    return v;
  }

  /** A store that missed the fast path. Returns false after raising a fault. */
  private storeSlow(va: number, width: AccessWidth, value: number): boolean {
    if ((va & (width - 1)) !== 0) {
      // Translate every byte first so a fault leaves memory untouched.
      const pas: number[] = [];
      for (let i = 0; i < width; i++) {
        const pa = this.translate((va + i) | 0, Access.Store, this.accessPriv, this.accessVirt);
        if (pa < 0) return false;
        if (this.bus.find(pa) === undefined) {
          this.raiseAccessFault(Access.Store, (va + i) | 0);
          return false;
        }
        pas.push(pa);
      }
      pas.forEach((pa, i) => this.bus.write(pa, 1, (value >>> (8 * i)) & 0xff));
      return true;
    }
    const pa = this.translate(va, Access.Store, this.accessPriv, this.accessVirt);
    if (pa < 0) return false;
    if (!this.bus.write(pa, width, value)) {
      this.raiseAccessFault(Access.Store, va);
      return false;
    }
    return true;
  }

  // ---- A extension -----------------------------------------------------------------------

  private atomic(op: Op, rd: number, rs1: number, rs2: number): void {
    this.beginDataAccess();
    const x = this.x;
    const va = x[rs1] as number;
    const isLoad = op === Op.LR_W;
    if ((va & 3) !== 0) {
      this.exception(isLoad ? Cause.LoadAddressMisaligned : Cause.StoreAddressMisaligned, va >>> 0);
      return;
    }
    if (op === Op.SC_W) {
      const reserved = this.reservation;
      this.reservation = -1;
      // A failed sc.w need not check permissions (it does not write); a successful one must.
      const pa = this.translate(va, Access.Store, this.accessPriv, this.accessVirt);
      if (pa < 0) return;
      if (pa !== reserved) {
        if (rd !== 0) x[rd] = 1;
        this.pc = (this.pc + 4) | 0;
        return;
      }
      if (!this.bus.write(pa, 4, x[rs2] as number)) {
        this.raiseAccessFault(Access.Store, va);
        return;
      }
      if (rd !== 0) x[rd] = 0;
      this.pc = (this.pc + 4) | 0;
      return;
    }
    const pa = this.translate(va, isLoad ? Access.Load : Access.Store, this.accessPriv, this.accessVirt);
    if (pa < 0) return;
    // AMOs are only supported on RAM; QEMU's virt devices do not support them either.
    const off = (pa - this.ramBase) >>> 0;
    if (off >= this.ramSize) {
      this.raiseAccessFault(isLoad ? Access.Load : Access.Store, va);
      return;
    }
    const mem = this.ramI32;
    const old = mem[off >>> 2] as number;
    if (isLoad) {
      this.reservation = pa;
      this.onReserve?.(pa);
    } else {
      this.bus.ram.noteWrite(off, 4);
      mem[off >>> 2] = amoValue(op, old, x[rs2] as number);
    }
    if (rd !== 0) x[rd] = old;
    this.pc = (this.pc + 4) | 0;
  }

  // ---- Zicsr ------------------------------------------------------------------------------

  private csrInstruction(op: Op, insn: number, rd: number, rs1: number): void {
    const named = insn >>> 20;
    // With V=1 the supervisor CSRs a guest kernel names are its VS copies.
    const csr = this.virt && VS_SUBSTITUTED.has(named) ? named + VS_CSR_OFFSET : named;
    const src = sourceOf(op, rs1, this.x);
    const isWrite = writesCsr(op, rs1);
    const access = this.csr.checkAccess(named, isWrite);
    if (access !== CSR_ACCESS_OK) {
      this.exception(access, insn >>> 0);
      return;
    }
    const old = readsCsr(op, rd) ? (this.csr.read(csr) as number) : 0;
    if (isWrite) {
      // The read-modify-write starts from the writable state (mip.SEIP: the software bit
      // only, not the PLIC's signal that a plain read ORs in).
      const base = op === Op.CSRRW || op === Op.CSRRWI ? 0 : this.csr.readForRmw(csr);
      this.csr.write(csr, csrWriteValue(op, base, src));
      // "Any CSR write takes effect after the writing instruction has otherwise completed":
      // the next instruction reads the value written, so the writing instruction's own
      // increment (committed when it retires, just after this) must not count on top of it.
      if (csr === CSR.mcycle || csr === CSR.mcycleh) this.csr.cycleOffset -= 1;
      else if (csr === CSR.minstret || csr === CSR.minstreth) this.csr.instretOffset -= 1;
    }
    if (rd !== 0) this.x[rd] = old | 0;
    this.pc = (this.pc + 4) | 0;
  }

  // ---- privileged instructions ------------------------------------------------------------

  private mret(insn: number): void {
    if (this.priv !== Priv.M) {
      this.exception(Cause.IllegalInstruction, insn >>> 0);
      return;
    }
    const ms = this.csr.mstatus;
    const mpp = ((ms & MSTATUS.MPP) >>> MSTATUS.MPP_SHIFT) as PrivLevel;
    let next = (ms & ~(MSTATUS.MIE | MSTATUS.MPP)) | MSTATUS.MPIE;
    if (ms & MSTATUS.MPIE) next |= MSTATUS.MIE;
    if (mpp !== Priv.M) next &= ~MSTATUS.MPRV;
    this.csr.writeMstatus(next);
    // Back to V = MPV unless returning to M itself; MPV is then cleared.
    const mpv = mpp !== Priv.M && (this.csr.mstatush & MSTATUSH.MPV) !== 0;
    this.csr.mstatush &= ~MSTATUSH.MPV;
    this.setPriv(mpp, mpv);
    this.pc = this.csr.mepc | 0;
    this.cycle += this.timing.trapReturn;
    this.reservation = -1;
  }

  private sret(insn: number): void {
    const csr = this.csr;
    if (this.virt) {
      // VS-mode's sret works on vsstatus/vsepc in hardware, unless the hypervisor asked to
      // see it (hstatus.VTSR); VU-mode may not, though HS could: a virtual instruction.
      if (this.priv === Priv.U || (csr.hstatus & HSTATUS.VTSR) !== 0) {
        this.exception(Cause.VirtualInstruction, insn >>> 0);
        return;
      }
      const vs = csr.vsstatus;
      let next = (vs & ~(SSTATUS.SIE | SSTATUS.SPP)) | SSTATUS.SPIE;
      if (vs & SSTATUS.SPIE) next |= SSTATUS.SIE;
      csr.writeVsstatus(next);
      this.setPriv((vs & SSTATUS.SPP) !== 0 ? Priv.S : Priv.U, true);
      this.pc = csr.vsepc | 0;
      this.cycle += this.timing.trapReturn;
      this.reservation = -1;
      return;
    }
    const ms = csr.mstatus;
    if (this.priv === Priv.U || (this.priv === Priv.S && (ms & MSTATUS.TSR) !== 0)) {
      this.exception(Cause.IllegalInstruction, insn >>> 0);
      return;
    }
    const spp: PrivLevel = (ms & MSTATUS.SPP) !== 0 ? Priv.S : Priv.U;
    let next = (ms & ~(MSTATUS.SIE | MSTATUS.SPP | MSTATUS.MPRV)) | MSTATUS.SPIE;
    if (ms & MSTATUS.SPIE) next |= MSTATUS.SIE;
    csr.writeMstatus(next);
    // From HS (or M): into the guest when the trap came from it (hstatus.SPV), which clears.
    const spv = (csr.hstatus & HSTATUS.SPV) !== 0;
    csr.hstatus &= ~HSTATUS.SPV;
    this.setPriv(spp, spv);
    this.pc = csr.sepc | 0;
    this.cycle += this.timing.trapReturn;
    this.reservation = -1;
  }

  private wfi(insn: number): void {
    // U-mode may not wait at all; S-mode may not when mstatus.TW is set (we take the
    // "bounded time limit" of the spec to be zero, as QEMU does). Under V=1 what HS could do
    // but the guest may not — VU at all, VS with hstatus.VTW — is a virtual instruction.
    const tw = (this.csr.mstatus & MSTATUS.TW) !== 0;
    if ((this.priv !== Priv.M && tw) || (this.priv === Priv.U && !this.virt)) {
      this.exception(Cause.IllegalInstruction, insn >>> 0);
      return;
    }
    if (this.virt && (this.priv === Priv.U || (this.csr.hstatus & HSTATUS.VTW) !== 0)) {
      this.exception(Cause.VirtualInstruction, insn >>> 0);
      return;
    }
    this.pc = (this.pc + 4) | 0;
    this.waiting = true;
  }

  private sfenceVma(insn: number, rs1: number, _rs2: number): void {
    if (this.virt) {
      // VS-mode fences its own stage in hardware unless hstatus.VTVM (shadow paging) traps it.
      if (this.priv === Priv.U || (this.csr.hstatus & HSTATUS.VTVM) !== 0) {
        this.exception(Cause.VirtualInstruction, insn >>> 0);
        return;
      }
    } else if (this.priv === Priv.U || (this.priv === Priv.S && (this.csr.mstatus & MSTATUS.TVM) !== 0)) {
      this.exception(Cause.IllegalInstruction, insn >>> 0);
      return;
    }
    // The TLB is not tagged by ASID, so an ASID-specific fence flushes as much as a global one
    // for that address (over-flushing is always allowed).
    if (rs1 === 0 || this.megapagesCached) {
      this.translationChanged();
    } else {
      this.tlb.flushPage(((this.x[rs1] as number) >>> PAGE_SHIFT) | 0);
    }
    this.pc = (this.pc + 4) | 0;
  }

  /** hfence.vvma / hfence.gvma: HS-mode's fences for the guest's translations. The TLB is not
   *  tagged by VMID or ASID, so both flush every combined translation. */
  private hfence(op: Op, insn: number): void {
    if (this.virt) {
      this.exception(Cause.VirtualInstruction, insn >>> 0);
      return;
    }
    if (this.priv === Priv.U ||
      (op === Op.HFENCE_GVMA && this.priv === Priv.S && (this.csr.mstatus & MSTATUS.TVM) !== 0)) {
      this.exception(Cause.IllegalInstruction, insn >>> 0);
      return;
    }
    this.translationChanged();
    this.pc = (this.pc + 4) | 0;
  }

  private setPriv(p: PrivLevel, virt: boolean): void {
    this.priv = p;
    this.virt = virt;
  }

  // ---- traps: the one place they are delivered ---------------------------------------------

  /** The highest-priority interrupt that is pending, enabled and not masked at the current
   *  privilege, as an interrupt code, or -1. */
  pendingInterrupt(): number {
    const csr = this.csr;
    const pe = csr.pendingEnabled();
    if (pe === 0) return -1;
    const ms = csr.mstatus;
    const priv = this.priv;
    const virt = this.virt;
    const mEnabled = priv < Priv.M || (ms & MSTATUS.MIE) !== 0;
    // HS-level interrupts are always enabled while a guest runs (V=1), whatever its SIE.
    const hsEnabled = virt || priv < Priv.S || (priv === Priv.S && (ms & MSTATUS.SIE) !== 0);
    const vsEnabled = virt && (priv < Priv.S || (csr.vsstatus & SSTATUS.SIE) !== 0);
    const mideleg = csr.mideleg | VS_INTERRUPTS;
    const toM = mEnabled ? pe & ~mideleg : 0;
    const toHS = hsEnabled ? pe & mideleg & ~csr.hideleg : 0;
    const toVS = vsEnabled ? pe & mideleg & csr.hideleg : 0;
    const takeable = toM !== 0 ? toM : toHS !== 0 ? toHS : toVS;
    if (takeable === 0) return -1;
    for (const code of INTERRUPT_PRIORITY) if (takeable & (1 << code)) return code;
    return -1;
  }

  /** Raise a synchronous exception for the instruction at this.pc. It does not retire: slow
   *  paths commit an instruction only after it completes without trapping. */
  exception(cause: number, tval: number): void {
    this.trap(cause, tval);
  }

  /**
   * Deliver a trap: choose M, HS or VS by delegation (medeleg/mideleg, then for a trap from
   * V=1 hedeleg/hideleg), stack the status bits, write the cause registers and jump to the
   * vector. Exceptions and interrupts both come through here and nowhere else. `cause` has
   * CAUSE_INTERRUPT set for interrupts; `tval2`/`tinst` are htval/mtval2 and htinst/mtinst
   * for a trap into HS or M (guest-page faults).
   */
  trap(cause: number, tval: number, tval2 = 0, tinst = 0): void {
    this.trapCount++;
    const isInterrupt = (cause & INTERRUPT_BIT) !== 0;
    const toS = this.delegatedToS(cause, isInterrupt);
    const toVS = this.injecting || (toS && this.virt && this.delegatedToVS(cause, isInterrupt));
    if (!toVS && this.exitToHost) this.handToHost(cause, tval, tval2, tinst);
    else this.deliver(cause, tval, tval2, tinst, isInterrupt, toS, toVS);
  }

  /** medeleg/mideleg send the trap from the current privilege to S (HS or, with hideleg, VS). */
  private delegatedToS(cause: number, isInterrupt: boolean): boolean {
    const csr = this.csr;
    const bit = 1 << (cause & ~INTERRUPT_BIT);
    return this.priv <= PRIV_S && ((isInterrupt ? csr.mideleg | VS_LINES : csr.medeleg) & bit) !== 0;
  }

  /** hedeleg/hideleg send a trap from V=1 that went to S on to VS. */
  private delegatedToVS(cause: number, isInterrupt: boolean): boolean {
    const csr = this.csr;
    const bit = 1 << (cause & ~INTERRUPT_BIT);
    return ((isInterrupt ? csr.hideleg : csr.hedeleg) & bit) !== 0;
  }

  /** exitToHost: stop at the trapping instruction with the exit for the host (TrapStop). */
  private handToHost(cause: number, tval: number, tval2: number, tinst: number): void {
    const epc = this.pc | 0;
    const stop = this.trapStop;
    stop.cause = cause >>> 0;
    stop.tval = tval >>> 0;
    stop.pc = epc >>> 0;
    stop.tval2 = tval2 >>> 0;
    stop.tinst = tinst >>> 0;
    stop.virt = this.virt;
    this.pendingExit = stop;
    this.reservation = -1;
    this.probe?.exit?.(cause >>> 0, tval >>> 0, epc >>> 0, this.priv);
  }

  /** trap() into M, HS or VS: stack the status bits, write the cause registers, vector. */
  private deliver(cause: number, tval: number, tval2: number, tinst: number, isInterrupt: boolean, toS: boolean, toVS: boolean): void {
    const csr = this.csr;
    const code = cause & ~INTERRUPT_BIT;
    const from = this.priv;
    const fromV = this.virt;
    const epc = this.pc | 0;
    // A trap into HS or M records whether tval is a guest virtual address: it is one for a
    // trap from V = 1, and for the data access of an instruction that translated it as though
    // V = 1 (M-mode with MPRV and MPV, hlv/hsv) whatever V was.
    const gva = (fromV || this.accessVirt) && !isInterrupt && ADDRESS_CAUSES.has(code);
    const ms = csr.mstatus;
    let vector: number;
    let vectorCode = code;
    if (toVS) {
      // A VS interrupt is seen by the guest as its supervisor counterpart (VSTI 6 → STI 5).
      if (isInterrupt) vectorCode = code - 1;
      csr.vsepc = epc >>> 0;
      csr.vscause = (isInterrupt ? CAUSE_INTERRUPT | vectorCode : cause) >>> 0;
      csr.vstval = tval >>> 0;
      const vs = csr.vsstatus;
      let next = vs & ~(SSTATUS.SPIE | SSTATUS.SIE | SSTATUS.SPP);
      if (vs & SSTATUS.SIE) next |= SSTATUS.SPIE;
      if (from === Priv.S) next |= SSTATUS.SPP;
      csr.writeVsstatus(next);
      this.setPriv(Priv.S, true);
      vector = csr.vstvec;
    } else if (toS) {
      csr.sepc = epc >>> 0;
      csr.scause = cause >>> 0;
      csr.stval = tval >>> 0;
      csr.htval = tval2 >>> 0;
      csr.htinst = tinst >>> 0;
      // H extension §8.2.1 (hstatus): SPVP is written only by a trap from V=1 (the nominal
      // privilege it came from); "if V=0 before a trap into HS-mode, SPVP is left unchanged".
      let h = csr.hstatus & ~(HSTATUS.SPV | HSTATUS.GVA);
      if (fromV) h = (h & ~HSTATUS.SPVP) | HSTATUS.SPV | (from === Priv.S ? HSTATUS.SPVP : 0);
      if (gva) h |= HSTATUS.GVA;
      csr.hstatus = h;
      let next = ms & ~(MSTATUS.SPIE | MSTATUS.SIE | MSTATUS.SPP);
      if (ms & MSTATUS.SIE) next |= MSTATUS.SPIE;
      if (from === Priv.S) next |= MSTATUS.SPP;
      csr.writeMstatus(next);
      this.setPriv(Priv.S, false);
      vector = csr.stvec;
    } else {
      csr.mepc = epc >>> 0;
      csr.mcause = cause >>> 0;
      csr.mtval = tval >>> 0;
      csr.mtval2 = tval2 >>> 0;
      csr.mtinst = tinst >>> 0;
      csr.mstatush = (fromV ? MSTATUSH.MPV : 0) | (gva ? MSTATUSH.GVA : 0);
      let next = ms & ~(MSTATUS.MPIE | MSTATUS.MIE | MSTATUS.MPP);
      if (ms & MSTATUS.MIE) next |= MSTATUS.MPIE;
      next |= from << MSTATUS.MPP_SHIFT;
      csr.writeMstatus(next);
      this.setPriv(Priv.M, false);
      vector = csr.mtvec;
    }
    const base = vector & ~TVEC.MODE;
    const target = (vector & TVEC.MODE) === TVEC.MODE_VECTORED && isInterrupt ? base + 4 * vectorCode : base;
    this.pc = target | 0;
    this.cycle += this.timing.trapEntry;
    this.reservation = -1;
    this.probe?.trap((toVS ? csr.vscause : cause) >>> 0, tval >>> 0, epc >>> 0, from, this.priv);

    // A handler that faults on its own first instruction with the same cause will do so
    // forever (typically: no handler installed, xtvec = 0). Stop instead of spinning.
    if (!isInterrupt && epc === this.lastTrapTarget && cause === this.lastTrapCause) {
      if (++this.trapRepeat >= TRAP_LOOP_LIMIT) {
        this.trapLoop = { kind: 'trap-loop', pc: epc >>> 0, cause: cause >>> 0, count: this.trapRepeat };
        this.trapRepeat = 0;
      }
    } else {
      this.trapRepeat = 0;
    }
    this.lastTrapCause = cause;
    this.lastTrapTarget = target | 0;
  }

  /**
   * A hypervisor injecting an exception into its guest (what KVM's trap redirect does by
   * writing vsepc, vscause, vstval and vsstatus and returning to vstvec): delivered by trap()'s
   * VS path exactly as a delegated trap is. Only while V=1.
   */
  injectVirtualTrap(cause: number, tval: number): void {
    if (!this.virt) throw new Error('injectVirtualTrap: the hart is not running a guest (V=0)');
    this.injecting = true;
    try {
      this.trap(cause, tval);
    } finally {
      this.injecting = false;
    }
  }

  /** Architectural register snapshot for traces and errors. */
  describe(): string {
    return `pc=0x${(this.pc >>> 0).toString(16).padStart(8, '0')} priv=${'USHM'[this.priv]} ` +
      `mcause=0x${this.csr.mcause.toString(16)} mtval=0x${(this.csr.mtval >>> 0).toString(16)}`;
  }

  /** Read a CSR by number with no access checks (debuggers, tests). */
  peekCsr(num: number): number | undefined {
    return this.csr.read(num);
  }
}
