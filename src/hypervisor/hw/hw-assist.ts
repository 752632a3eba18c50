/**
 * Hardware-assisted virtualization (the `hw-assist` techniques), a policy over the vCPU core:
 * the unmodified guest kernel runs in VS-mode and its programs in VU-mode on a hart with the H
 * extension. Its CSR accesses, sret, system calls, page faults and interrupts all happen in
 * hardware (hedeleg/hideleg pass them to VS); what still exits is what the hardware cannot do
 * alone:
 *
 *   ecall from VS (10)          an SBI call, or a PV I/O hypercall → serveSbi / hw/pvio.ts
 *   guest-page fault (20/21/23) G-stage miss on RAM, or a device → fill the G-stage / emulate
 *   virtual instruction (22)    wfi (hstatus.VTW); with shadow    → wait / emulate
 *                               paging also satp and sfence.vma
 *                               (hstatus.VTVM)
 *   page fault (12/13/15)       shadow paging only: a shadow miss → fill or deliver
 *
 * Interrupts go the other way, in hardware: the VM's devices and timer set hvip bits, which
 * the hart delivers into VS when the guest has them enabled — no exit at all.
 *
 * Two ways to translate guest memory (the `paging`):
 *   'nested' — the guest's own page tables in vsatp, walked by the hart, under the
 *              hypervisor's G-stage (gstage.ts): a TLB miss costs up to 8 page-table reads.
 *   'shadow' — first-generation VT-x without EPT: the G-stage is off, the hart's vsatp points
 *              at shadow tables the hypervisor fills on page-fault exits (ShadowMmu with
 *              hardware privilege), and the guest's satp and sfence.vma exit (VTVM).
 *
 * Exceptions the hypervisor decides are the guest's are injected through the hart's own VS
 * delivery (Hart.injectVirtualTrap), from the core's one delivery point.
 */
import { PV_EXT } from '../../abi/hypercalls.js';
import { Cause } from '../../isa/causes.js';
import { COUNTEREN, CSR, HSTATUS, MIP, Priv, S_INTERRUPTS, VS_INTERRUPTS, type PrivLevel } from '../../isa/csr.js';
import { csrOf, decode, rdOf, rs1Of } from '../../isa/decode.js';
import { Op } from '../../isa/instructions.js';
import { XREG } from '../../isa/registers.js';
import { csrSource, csrWriteValue, csrWrites, isCsrOp } from '../../isa/zicsr.js';
import type { MachineTiming } from '../../machine/hart.js';
import { HTINST_PTE_READ, HTINST_PTE_WRITE } from '../../machine/htinst.js';
import { Access, WALK_GUEST_PAGE_FAULT, newWalkStats, twoStageWalk } from '../../machine/mmu.js';
import type { CostPreset } from '../cost-model.js';
import type { ExitContext } from '../exit-context.js';
import type { ExitKind } from '../exits.js';
import { accessFault, emulateDeviceAccess } from '../mmio.js';
import { PvioInterface, type PvioCpu } from './pvio.js';
import { serveSbi } from '../sbi.js';
import { answerShadowFault } from '../shadow/shadow-fault.js';
import { ShadowMmu } from '../shadow/shadow-mmu.js';
import { impossibleExit, type PolicyFactory, type TechniqueExit, type TechniquePolicy } from '../technique-policy.js';
import { GStage } from './gstage.js';

/** How guest memory is translated: a G-stage (nested paging) or shadow tables. */
export type HvPaging = 'nested' | 'shadow';

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

export class HardwareAssist implements TechniquePolicy, PvioCpu {
  readonly delivery = 'inject';
  readonly interruptsExit = false;
  /** Nested paging: the G-stage table. */
  readonly gstage: GStage | null;
  /** Shadow paging: the shadow tables (vsatp points at them). */
  readonly shadow: ShadowMmu | null;
  /** Shadow paging: the satp the guest believes it has (VTVM traps its accesses). */
  guestShadowSatp = 0;
  /** Paravirtual I/O (the pvio build's drivers): PV_EXT ecalls, device events. */
  readonly pvio: PvioInterface;
  private lines = 0;

  constructor(private readonly ctx: ExitContext, readonly paging: HvPaging) {
    const hart = ctx.hart;
    // Every trap the hardware delivers to the guest is one the guest sees, as natively.
    hart.probe = { trap: (cause) => ctx.host.accounting.countGuestTrap(cause) };
    this.gstage = paging === 'nested' ? new GStage(ctx.mem, hart) : null;
    this.shadow = paging === 'shadow' ? new ShadowMmu(ctx.mem, hart, (gpa) => ctx.host.isDevice(gpa), true, ctx.host.shadowPaging) : null;
    this.pvio = new PvioInterface(ctx, this);
  }

  reset(): void {
    const hart = this.ctx.hart;
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
    this.lines = 0;
    this.pvio.reset();
    this.guestShadowSatp = 0;
    if (this.shadow) {
      this.shadow.flushAll();
      this.shadow.enter(Priv.S, 0, 0);
    }
  }

  guestLevel(): PrivLevel {
    return this.ctx.hart.priv;
  }

  /** VS and VU are the guest's S and U. */
  guestLevelOfHart(priv: PrivLevel): PrivLevel {
    return priv;
  }

  // The guest runs on the hardware: nothing to deliver or sync around an entry.
  enter(): void {}
  leave(): void {}

  // ---- interrupt injection: the VM's devices and virtual timer drive hvip --------------------

  linesChanged(lines: number): void {
    this.lines = lines;
    this.updateHvip();
  }

  /** hvip from the devices' lines and the PV I/O events' (either may hold SEIP). */
  updateHvip(): void {
    const lines = this.lines | this.pvio.lines;
    let hvip = 0;
    for (const [line, vs] of INJECT) if ((lines & line) !== 0) hvip |= vs;
    this.ctx.hart.csr.setHvip(hvip);
  }

  /** Inject an exception into the guest kernel at `epc` (KVM's trap redirect). */
  deliverTrap(cause: number, tval: number, epc: number): void {
    this.ctx.hart.pc = epc | 0;
    this.ctx.hart.injectVirtualTrap(cause, tval);
  }

  // ---- PvioCpu ------------------------------------------------------------------------------

  guestSatp(): number {
    return this.shadow ? this.guestShadowSatp : this.ctx.hart.csr.vsatp;
  }

  secondStage(): number {
    return this.shadow ? 0 : this.ctx.hart.csr.hgatp;
  }

  // ---- exits -----------------------------------------------------------------------------------

  handle(exit: TechniqueExit): ExitKind {
    switch (exit.reason) {
      case 'ecall': return this.ecall();
      case 'guest-page-fault': return this.guestPageFault(exit);
      case 'virtual-instruction': return this.virtualInstruction(exit.insn, exit.pc);
      case 'page-fault': return this.shadowFault(exit.access, exit.va, exit.pc);
      case 'illegal-instruction': return impossibleExit(exit, 'hardware assist (delegated to VS)');
      default: {
        const never: never = exit;
        throw new Error(`unhandled exit ${JSON.stringify(never)}`);
      }
    }
  }

  /** ecall from VS: a7 = PV_EXT is a hypercall of the pvio build's drivers, else an SBI call. */
  private ecall(): ExitKind {
    if (((this.ctx.hart.x[XREG.a7] as number) >>> 0) === PV_EXT) return this.pvio.serve();
    serveSbi(this.ctx);
    return 'sbi';
  }

  private guestPageFault(exit: Extract<TechniqueExit, { reason: 'guest-page-fault' }>): ExitKind {
    const { access, va, gpa, tinst, pc } = exit;
    const gstage = this.gstage;
    if (gstage !== null && gstage.isRam(gpa)) {
      gstage.map(gpa);
      this.ctx.charge('gstage-fill');
      return 'gstage-fill';
    }
    // The guest's page-table walk itself reached outside RAM: natively an access fault.
    if (tinst === HTINST_PTE_READ || tinst === HTINST_PTE_WRITE) return accessFault(this.ctx, access, va, pc);
    if (access === Access.Fetch || !this.ctx.host.isDevice(gpa)) return accessFault(this.ctx, access, va, pc);
    const insn = tinst !== 0 ? tinst : this.instructionAt(pc);
    if (insn === undefined) return accessFault(this.ctx, access, va, pc);
    return emulateDeviceAccess(this.ctx, insn, access, va, gpa, pc);
  }

  /** The instruction at guest-virtual `pc`, read through both stages in software — for the
   *  rare device access whose htinst is zero, and for traces. */
  instructionAt(pc: number): number | undefined {
    const hart = this.ctx.hart;
    const hpa = twoStageWalk(this.ctx.mem.bus, pc, Access.Fetch, {
      vs: { satp: hart.csr.vsatp, priv: hart.priv, sum: false, mxr: false }, hgatp: hart.csr.hgatp, mxrG: false,
    }, newWalkStats());
    if (hpa < 0 || hpa === WALK_GUEST_PAGE_FAULT) return undefined;
    return this.ctx.mem.read32(hpa);
  }

  lastHypercall(): number {
    return this.pvio.hypercalls.lastCall;
  }

  private virtualInstruction(insn: number, pc: number): ExitKind {
    const hart = this.ctx.hart;
    const op = decode(insn);
    if (op === Op.WFI && hart.priv === Priv.S) {
      // Wait in the hart: it wakes on the next injected interrupt the guest has enabled.
      hart.pc = (pc + 4) | 0;
      hart.waiting = true;
      this.ctx.charge('emulate');
      return 'wfi';
    }
    const shadow = this.shadow;
    if (shadow !== null && hart.priv === Priv.S) {
      if (isCsrOp(op) && csrOf(insn) === CSR.satp) return this.emulateSatp(shadow, op, insn, pc);
      if (op === Op.SFENCE_VMA) {
        const rs1 = rs1Of(insn);
        const flushed = shadow.sfence(rs1 === 0 ? null : (hart.x[rs1] as number));
        hart.pc = (pc + 4) | 0;
        this.ctx.charge(flushed ? 'shadow-flush' : 'emulate');
        return 'sfence';
      }
    }
    // Anything else HS-mode could do (an H CSR, hfence) the guest kernel may not: to the
    // guest, as on hardware without the H extension, it is an illegal instruction.
    this.ctx.deliver(Cause.IllegalInstruction, insn, pc);
    return 'reflect-exception';
  }

  /** Shadow paging: the guest reads or writes satp, which VTVM sent here. */
  private emulateSatp(shadow: ShadowMmu, op: Op, insn: number, pc: number): ExitKind {
    const hart = this.ctx.hart;
    const rd = rdOf(insn);
    const rs1 = rs1Of(insn);
    const old = this.guestShadowSatp;
    if (csrWrites(op, rs1)) {
      // satp's WARL rule on this hart: every value is legal (MODE is one bit on RV32).
      this.guestShadowSatp = csrWriteValue(op, old, csrSource(op, rs1, hart.x)) >>> 0;
      // Fence mode: a new satp drops every shadow (enter() does it). Trace mode: it keeps the
      // old space's shadow and takes up the new one's.
      const changed = ((old ^ this.guestShadowSatp) >>> 0) !== 0;
      shadow.enter(hart.priv, this.guestShadowSatp, hart.csr.vsstatus);
      if (changed && shadow.mode === 'fence') this.ctx.charge('shadow-flush');
    }
    if (rd !== 0) hart.x[rd] = old | 0;
    hart.pc = (pc + 4) | 0;
    this.ctx.charge('emulate');
    return 'csr';
  }

  /** Shadow paging: a page fault from the guest — a shadow miss to fill, or the guest's own. */
  private shadowFault(access: Access, va: number, pc: number): ExitKind {
    const shadow = this.shadow;
    // Nested paging delegates page faults; one here would be a hardware model error.
    if (shadow === null) throw new Error(`page fault exit (va 0x${(va >>> 0).toString(16)}) under nested paging`);
    // The walk applies the guest's rules for the privilege and SUM/MXR it faulted with.
    const hart = this.ctx.hart;
    shadow.enter(hart.priv, this.guestShadowSatp, hart.csr.vsstatus);
    return answerShadowFault(this.ctx, shadow, access, va, pc);
  }
}

/** The guest's own traps and walks run on the hardware, and cost what they cost natively. */
function hartTiming(preset: CostPreset): MachineTiming {
  return { trapEntry: preset.trapEntry, trapReturn: preset.trapReturn, pteRead: preset.pteRead };
}

export const HW_ASSIST: PolicyFactory = { timing: hartTiming, create: (ctx) => new HardwareAssist(ctx, 'nested') };
export const HW_ASSIST_SHADOW: PolicyFactory = { timing: hartTiming, create: (ctx) => new HardwareAssist(ctx, 'shadow') };
