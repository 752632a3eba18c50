/**
 * A virtual CPU under hardware-assisted virtualization (the `hw-assist` techniques): the
 * unmodified guest kernel runs in VS-mode and its programs in VU-mode on a hart with the H
 * extension. Its CSR accesses, sret, sfence.vma, system calls, page faults and interrupts all
 * happen in hardware (hedeleg/hideleg pass them to VS); what still exits to the hypervisor —
 * any trap not delivered to VS (Hart.exitToHost) — is what the hardware cannot do alone:
 *
 *   ecall from VS (10)          an SBI call                      → serveSbi
 *   guest-page fault (20/21/23) G-stage miss on RAM, or a device → fill the G-stage / emulate
 *   virtual instruction (22)    wfi (hstatus.VTW); with shadow    → wait / emulate
 *                               paging also satp and sfence.vma
 *                               (hstatus.VTVM)
 *   page fault (12/13/15)       shadow paging only: a shadow miss → fill or inject
 *
 * Interrupts go the other way, in hardware: the VM's devices and timer set hvip bits, which
 * the hart delivers into VS when the guest has them enabled — no exit at all.
 *
 * Two ways to translate guest memory (the `mode`):
 *   'nested' — the guest's own page tables in vsatp, walked by the hart, under the
 *              hypervisor's G-stage (gstage.ts): a TLB miss costs up to 8 page-table reads.
 *   'shadow' — first-generation VT-x without EPT: the G-stage is off, the hart's vsatp points
 *              at shadow tables the hypervisor fills on page-fault exits (ShadowMmu with
 *              hardware privilege), and the guest's satp and sfence.vma exit (VTVM).
 *
 * Exceptions the hypervisor decides are the guest's are injected in one place, reflect(),
 * which hands them to the hart's own VS delivery (Hart.injectVirtualTrap).
 */
import { XREG } from '../../isa/registers.js';
import { Cause, causeName } from '../../isa/causes.js';
import { COUNTEREN, CSR, HSTATUS, MIP, Priv, S_INTERRUPTS, VS_INTERRUPTS } from '../../isa/csr.js';
import { PV_EXT } from '../../abi/hypercalls.js';
import { decode, csrOf, rdOf, rs1Of } from '../../isa/decode.js';
import { Op } from '../../isa/instructions.js';
import type { EventQueue } from '../../machine/events.js';
import { Hart, type HartStop } from '../../machine/hart.js';
import { HTINST_PTE_READ, HTINST_PTE_WRITE } from '../../machine/htinst.js';
import { Access, WALK_GUEST_PAGE_FAULT, newWalkStats, twoStageWalk } from '../../machine/mmu.js';
import type { CycleCategory, ExitKind } from '../accounting.js';
import type { GuestMemory } from '../guest-memory.js';
import { emulateDeviceAccess } from '../mmio.js';
import { answerShadowFault } from '../shadow-fault.js';
import { serveSbi } from '../sbi.js';
import { ShadowMmu } from '../shadow-mmu.js';
import type { VcpuHost } from '../vcpu.js';
import type { VcpuStop, VirtualCpu } from '../virtual-cpu.js';
import { GStage } from './gstage.js';
import { HvPvio } from './hv-pvio.js';

/** How guest memory is translated: a G-stage (nested paging) or shadow tables. */
export type HvPaging = 'nested' | 'shadow';

/** What exits under hw-assist: a closed union, dispatched with an exhaustiveness check. */
export type HvExit =
  /** ecall from VS-mode: an SBI call (the hypervisor is the guest's SBI). */
  | { reason: 'sbi'; pc: number }
  /** The G-stage refused guest-physical `gpa`: unmapped RAM, a device, or nothing.
   *  tinst is htinst: the transformed load/store, a walk's pseudoinstruction, or 0. */
  | { reason: 'guest-page-fault'; pc: number; access: Access; va: number; gpa: number; tinst: number }
  /** Something HS-mode could do that the guest may not (hstatus.VTW/VTVM, H CSRs). */
  | { reason: 'virtual-instruction'; pc: number; insn: number }
  /** Shadow paging: a miss in the shadow tables (hidden fault) or the guest's own fault. */
  | { reason: 'page-fault'; pc: number; access: Access; va: number }
  /** Any other exception not delegated to VS: the guest's, injected back. */
  | { reason: 'exception'; pc: number; cause: number; tval: number };

const GUEST_PAGE_FAULT_ACCESS: Partial<Record<number, Access>> = {
  [Cause.InstructionGuestPageFault]: Access.Fetch,
  [Cause.LoadGuestPageFault]: Access.Load,
  [Cause.StoreGuestPageFault]: Access.Store,
};
const PAGE_FAULT_ACCESS: Partial<Record<number, Access>> = {
  [Cause.InstructionPageFault]: Access.Fetch,
  [Cause.LoadPageFault]: Access.Load,
  [Cause.StorePageFault]: Access.Store,
};

/** Turn a hart trap (exitToHost, from V=1) into an HvExit. */
export function classifyHvTrap(stop: Extract<HartStop, { kind: 'trap' }>): HvExit {
  const { cause, tval, pc } = stop;
  if (cause === Cause.EnvironmentCallFromVS) return { reason: 'sbi', pc };
  if (cause === Cause.VirtualInstruction) return { reason: 'virtual-instruction', pc, insn: tval };
  const gAccess = GUEST_PAGE_FAULT_ACCESS[cause];
  // htval holds the guest-physical address >> 2; the low bits equal the virtual address's
  // (a page offset is the same at both stages).
  if (gAccess !== undefined) return { reason: 'guest-page-fault', pc, access: gAccess, va: tval, gpa: stop.tval2 * 4 + (tval & 3), tinst: stop.tinst };
  const access = PAGE_FAULT_ACCESS[cause];
  if (access !== undefined) return { reason: 'page-fault', pc, access, va: tval };
  return { reason: 'exception', pc, cause, tval };
}

/** The exceptions a guest kernel handles itself, delegated to VS (hedeleg). Page faults too
 *  under nested paging; under shadow paging they are the hypervisor's first. */
const GUEST_EXCEPTIONS = [
  Cause.InstructionAddressMisaligned, Cause.InstructionAccessFault, Cause.IllegalInstruction,
  Cause.Breakpoint, Cause.LoadAddressMisaligned, Cause.LoadAccessFault,
  Cause.StoreAddressMisaligned, Cause.StoreAccessFault, Cause.EnvironmentCallFromU,
].reduce((m: number, c) => m | (1 << c), 0);
const PAGE_FAULTS = (1 << Cause.InstructionPageFault) | (1 << Cause.LoadPageFault) | (1 << Cause.StorePageFault);
/** A firmware running a hypervisor in HS-mode delegates it everything it may. */
const DELEGATE_ALL = 0xffff_ffff;

/** The VM's interrupt lines (supervisor bits) → what the hypervisor injects (hvip). */
const INJECT: readonly (readonly [number, number])[] = [
  [MIP.SSIP, MIP.VSSIP], [MIP.STIP, MIP.VSTIP], [MIP.SEIP, MIP.VSEIP],
];

export class HvVcpu implements VirtualCpu {
  readonly hart: Hart;
  /** Nested paging: the G-stage table. */
  readonly gstage: GStage | null;
  /** Shadow paging: the shadow tables (vsatp points at them). */
  readonly shadow: ShadowMmu | null;
  /** Shadow paging: the satp the guest believes it has (VTVM traps its accesses). */
  guestSatp = 0;
  /** Paravirtual I/O (the pvio build's drivers): PV_EXT ecalls, device events (hv-pvio.ts). */
  readonly pvio: HvPvio;
  stopped = false;
  private lines = 0;
  // Marks for attributing the hart's cycles to guest user and kernel (attribute()).
  private cycleMark = 0;
  private idleMark = 0;
  private readonly retiredMark = new Float64Array(4);
  private readonly pteMark = new Float64Array(4);

  constructor(readonly mem: GuestMemory, readonly events: EventQueue, cyclesPerTick: number, readonly host: VcpuHost, readonly paging: HvPaging) {
    const p = host.preset;
    // The guest's own traps and walks run on the hardware, and cost what they cost natively.
    this.hart = new Hart(mem.bus, events, {
      cyclesPerTick, timing: { trapEntry: p.trapEntry, trapReturn: p.trapReturn, pteRead: p.pteRead },
    });
    this.hart.exitToHost = true;
    // Every trap the hardware delivers to the guest is one the guest sees, as natively.
    this.hart.probe = { trap: (cause) => host.accounting.countGuestTrap(causeName(cause)) };
    this.gstage = paging === 'nested' ? new GStage(mem, this.hart) : null;
    this.shadow = paging === 'shadow' ? new ShadowMmu(mem, this.hart, (gpa) => host.isDevice(gpa), true) : null;
    this.pvio = new HvPvio(this);
  }

  reset(entry: number, a0: number, a1: number): void {
    const hart = this.hart;
    hart.reset(entry);
    const c = hart.csr;
    c.write(CSR.medeleg, DELEGATE_ALL);
    c.write(CSR.mideleg, S_INTERRUPTS);
    c.write(CSR.hedeleg, GUEST_EXCEPTIONS | (this.paging === 'nested' ? PAGE_FAULTS : 0));
    c.write(CSR.hideleg, VS_INTERRUPTS);
    // wfi exits (as under KVM, so the host can run something else); with shadow paging the
    // guest's satp and sfence.vma exit too.
    c.write(CSR.hstatus, HSTATUS.VTW | (this.paging === 'shadow' ? HSTATUS.VTVM : 0));
    const counters = COUNTEREN.CY | COUNTEREN.TM | COUNTEREN.IR;
    c.write(CSR.mcounteren, counters);
    c.write(CSR.hcounteren, counters);
    this.gstage?.clear();
    c.write(CSR.hgatp, this.gstage ? this.gstage.hgatp : 0);
    hart.priv = Priv.S;
    hart.virt = true;
    hart.x[XREG.a0] = a0;
    hart.x[XREG.a1] = a1;
    this.lines = 0;
    this.pvio.reset();
    this.stopped = false;
    this.guestSatp = 0;
    if (this.shadow) {
      this.shadow.flushAll();
      this.shadow.enter(Priv.S, 0, 0);
    }
    this.cycleMark = hart.cycle;
    this.idleMark = hart.idleCycles;
    this.retiredMark.set(hart.retiredByPriv);
    this.pteMark.set(hart.pteReadsByPriv);
  }

  // ---- interrupt injection: the VM's devices and virtual timer drive hvip --------------------

  setPending(mipBit: number, level: boolean): void {
    const bit = mipBit & S_INTERRUPTS;
    if (bit === 0) return;
    this.lines = level ? this.lines | bit : this.lines & ~bit;
    this.updateHvip();
  }

  /** hvip from the devices' lines and the PV I/O events' (either may hold SEIP). */
  updateHvip(): void {
    const lines = this.lines | this.pvio.lines;
    let hvip = 0;
    for (const [line, vs] of INJECT) if ((lines & line) !== 0) hvip |= vs;
    this.hart.csr.setHvip(hvip);
  }

  // ---- cost accounting -----------------------------------------------------------------------

  charge(category: CycleCategory, cycles: number): void {
    this.hart.cycle += cycles;
    this.cycleMark += cycles;
    this.host.accounting.cycles[category] += cycles;
  }

  /**
   * Credit what the hart did since the last call: VU-mode instructions and their walks to the
   * guest user, the rest of the busy cycles (VS-mode instructions, their walks, the hardware
   * trap entries and returns) to the guest kernel.
   */
  private attribute(): void {
    const hart = this.hart;
    const acc = this.host.accounting;
    const pteRead = this.host.preset.pteRead;
    const user = (hart.retiredByPriv[Priv.U] as number) - (this.retiredMark[Priv.U] as number);
    const kernel = (hart.retiredByPriv[Priv.S] as number) - (this.retiredMark[Priv.S] as number);
    const userWalks = ((hart.pteReadsByPriv[Priv.U] as number) - (this.pteMark[Priv.U] as number)) * pteRead;
    const busy = hart.cycle - this.cycleMark - (hart.idleCycles - this.idleMark);
    acc.instructions.user += user;
    acc.instructions.kernel += kernel;
    acc.cycles.guestUser += user + userWalks;
    acc.cycles.guestKernel += busy - user - userWalks;
    acc.cycles.idle = hart.idleCycles;
    this.cycleMark = hart.cycle;
    this.idleMark = hart.idleCycles;
    this.retiredMark.set(hart.retiredByPriv);
    this.pteMark.set(hart.pteReadsByPriv);
  }

  // ---- the one place the hypervisor hands the guest an exception --------------------------

  /** Inject an exception into the guest kernel at `epc` (KVM's trap redirect). */
  reflect(cause: number, tval: number, epc: number): void {
    this.hart.pc = epc | 0;
    this.hart.injectVirtualTrap(cause, tval);
    this.charge('emulation', this.host.preset.reflect);
  }

  // ---- the exit loop ---------------------------------------------------------------------------

  runFor(untilCycle: number, maxInsns = Number.MAX_SAFE_INTEGER): VcpuStop {
    const hart = this.hart;
    const startRetired = hart.retired;
    for (;;) {
      if (this.stopped) return { kind: 'stopped' };
      if (hart.cycle >= untilCycle) return { kind: 'quantum' };
      const left = maxInsns - (hart.retired - startRetired);
      if (left <= 0) return { kind: 'insn-limit', pc: hart.pc >>> 0 };
      const stop = hart.run(left, untilCycle);
      this.attribute();
      switch (stop.kind) {
        case 'trap': this.dispatch(classifyHvTrap(stop)); break;
        case 'budget': case 'insn-limit': break;
        case 'idle': return { kind: 'waiting-forever', pc: stop.pc };
        case 'trap-loop':
          // The guest's own handler faults on its first instruction again and again (no
          // handler installed, or it was overwritten): on real hardware, a triple fault.
          this.host.guestStuck(`the guest kernel takes ${causeName(stop.cause)} at its own trap handler ` +
            `(pc 0x${stop.pc.toString(16).padStart(8, '0')}) over and over`);
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
  }

  /** One handler per exit reason; each returns what the exit turned out to be. */
  private dispatch(exit: HvExit): void {
    const from = this.hart.priv;
    this.charge('worldSwitch', this.host.preset.vmExitEntry);
    let kind: ExitKind;
    switch (exit.reason) {
      case 'sbi':
        // a7 = PV_EXT: a hypercall of the pvio build's paravirtual drivers, not an SBI call.
        if (((this.hart.x[XREG.a7] as number) >>> 0) === PV_EXT) kind = this.pvio.serve();
        else { serveSbi(this, this.host); kind = 'sbi'; }
        break;
      case 'guest-page-fault':
        kind = this.guestPageFault(exit);
        break;
      case 'virtual-instruction':
        kind = this.virtualInstruction(exit.insn, exit.pc);
        break;
      case 'page-fault':
        kind = this.shadowFault(exit.access, exit.va, exit.pc);
        break;
      case 'exception':
        this.reflect(exit.cause, exit.tval, exit.pc);
        kind = 'reflect-exception';
        break;
      default: {
        const never: never = exit;
        throw new Error(`unhandled exit ${JSON.stringify(never)}`);
      }
    }
    this.host.accounting.exits[kind]++;
    this.host.onHvExit?.(exit, kind, this, from);
  }

  private accessFault(access: Access, va: number, pc: number): ExitKind {
    this.reflect(access === Access.Fetch ? Cause.InstructionAccessFault
      : access === Access.Load ? Cause.LoadAccessFault : Cause.StoreAccessFault, va >>> 0, pc);
    return 'reflect-exception';
  }

  private guestPageFault(exit: Extract<HvExit, { reason: 'guest-page-fault' }>): ExitKind {
    const { access, va, gpa, tinst, pc } = exit;
    const gstage = this.gstage;
    if (gstage !== null && gstage.isRam(gpa)) {
      gstage.map(gpa);
      this.charge('nestedPaging', this.host.preset.shadowFill);
      return 'gstage-fill';
    }
    // The guest's page-table walk itself reached outside RAM: natively an access fault.
    if (tinst === HTINST_PTE_READ || tinst === HTINST_PTE_WRITE) return this.accessFault(access, va, pc);
    if (access === Access.Fetch || !this.host.isDevice(gpa)) return this.accessFault(access, va, pc);
    const insn = tinst !== 0 ? tinst : this.instructionAt(pc);
    if (insn === undefined) return this.accessFault(access, va, pc);
    return emulateDeviceAccess(this, insn, access, va, gpa, pc);
  }

  /** The instruction at guest-virtual `pc`, read through both stages in software — for the
   *  rare device access whose htinst is zero, and for traces. */
  instructionAt(pc: number): number | undefined {
    const c = this.hart.csr;
    const hpa = twoStageWalk(this.mem.bus, pc, Access.Fetch, {
      vs: { satp: c.vsatp, priv: this.hart.priv, sum: false, mxr: false }, hgatp: c.hgatp, mxrG: false,
    }, newWalkStats());
    if (hpa < 0 || hpa === WALK_GUEST_PAGE_FAULT) return undefined;
    return this.mem.read32(hpa);
  }

  private virtualInstruction(insn: number, pc: number): ExitKind {
    const hart = this.hart;
    const op = decode(insn);
    const preset = this.host.preset;
    if (op === Op.WFI && hart.priv === Priv.S) {
      // Wait in the hart: it wakes on the next injected interrupt the guest has enabled.
      hart.pc = (pc + 4) | 0;
      hart.waiting = true;
      this.charge('emulation', preset.emulateInstruction);
      return 'wfi';
    }
    const shadow = this.shadow;
    if (shadow !== null && hart.priv === Priv.S) {
      const isCsr = op === Op.CSRRW || op === Op.CSRRS || op === Op.CSRRC || op === Op.CSRRWI || op === Op.CSRRSI || op === Op.CSRRCI;
      if (isCsr && csrOf(insn) === CSR.satp) return this.emulateSatp(op, insn, pc);
      if (op === Op.SFENCE_VMA) {
        const rs1 = rs1Of(insn);
        if (rs1 === 0) shadow.flushAll();
        else shadow.flushPage(hart.x[rs1] as number);
        hart.pc = (pc + 4) | 0;
        this.charge('shadowPaging', preset.shadowFlush);
        return 'sfence';
      }
    }
    // Anything else HS-mode could do (an H CSR, hfence) the guest kernel may not: to the
    // guest, as on hardware without the H extension, it is an illegal instruction.
    this.reflect(Cause.IllegalInstruction, insn, pc);
    return 'reflect-exception';
  }

  /** Shadow paging: the guest reads or writes satp, which VTVM sent here. */
  private emulateSatp(op: Op, insn: number, pc: number): ExitKind {
    const hart = this.hart;
    const rd = rdOf(insn);
    const rs1 = rs1Of(insn);
    const immediate = op === Op.CSRRWI || op === Op.CSRRSI || op === Op.CSRRCI;
    const src = immediate ? rs1 : (hart.x[rs1] as number);
    const isWrite = op === Op.CSRRW || op === Op.CSRRWI || rs1 !== 0;
    const old = this.guestSatp;
    if (isWrite) {
      const value = op === Op.CSRRW || op === Op.CSRRWI ? src : op === Op.CSRRS || op === Op.CSRRSI ? old | src : old & ~src;
      // satp's WARL rule on this hart: every value is legal (MODE is one bit on RV32).
      this.guestSatp = value >>> 0;
      const shadow = this.shadow as ShadowMmu;
      shadow.enter(hart.priv, this.guestSatp, hart.csr.vsstatus);
      if (((old ^ this.guestSatp) >>> 0) !== 0) this.charge('shadowPaging', this.host.preset.shadowFlush);
    }
    if (rd !== 0) hart.x[rd] = old | 0;
    hart.pc = (pc + 4) | 0;
    this.charge('emulation', this.host.preset.emulateInstruction);
    return 'csr';
  }

  /** Shadow paging: a page fault from the guest — a shadow miss to fill, or the guest's own. */
  private shadowFault(access: Access, va: number, pc: number): ExitKind {
    const shadow = this.shadow;
    if (shadow === null) {
      // Nested paging delegates page faults; one here would be a hardware model error.
      throw new Error(`page fault exit (va 0x${(va >>> 0).toString(16)}) under nested paging`);
    }
    const hart = this.hart;
    // The walk applies the guest's rules for the privilege and SUM/MXR it faulted with.
    shadow.enter(hart.priv, this.guestSatp, hart.csr.vsstatus);
    return answerShadowFault(this, shadow, access, va, pc);
  }
}
