/**
 * Trap-and-emulate (the classic Popek–Goldberg VMM, cf. MIT's RVirt), a policy over the vCPU
 * core: the guest kernel and its user programs both run in real U-mode; the hypervisor keeps
 * the guest's virtual privilege and supervisor CSRs (vcsr.ts), emulates every privileged
 * instruction that traps (emulate.ts), delivers the guest's traps and interrupts in software
 * through its virtual stvec, and keeps shadow page tables (shadow/). With the paravirtual
 * interface offered (the `paravirt` technique) the guest kernel may ask instead of trapping:
 * ecalls with a7 = PV_EXT are hypercalls (paravirt.ts).
 *
 * Exits this technique takes (the core handles exceptions and interrupts):
 *   illegal-instruction   a privileged instruction of the guest kernel   → emulatePrivileged
 *   ecall                 from the guest kernel: SBI call or hypercall   → serveSbi / PV
 *                         from the guest's user mode: a system call      → deliver to the guest
 *   page-fault            a shadow miss, a device access or the guest's own fault
 */
import { PV_EXT } from '../../abi/hypercalls.js';
import { CAUSE_INTERRUPT, Cause, Interrupt } from '../../isa/causes.js';
import { COUNTEREN, MIP, Priv, SSTATUS, TVEC, type PrivLevel } from '../../isa/csr.js';
import { XREG } from '../../isa/registers.js';
import type { MachineTiming } from '../../machine/hart.js';
import { Access } from '../../machine/mmu.js';
import type { CostPreset } from '../cost-model.js';
import type { ExitContext } from '../exit-context.js';
import type { ExitKind } from '../exits.js';
import { PvInterface } from './paravirt.js';
import { serveSbi } from '../sbi.js';
import { answerShadowFault } from '../shadow/shadow-fault.js';
import { ShadowMmu } from '../shadow/shadow-mmu.js';
import { impossibleExit, type PolicyFactory, type TechniqueExit, type TechniquePolicy } from '../technique-policy.js';
import { emulatePrivileged } from './emulate.js';
import { VirtualCsrs } from './vcsr.js';

/** Supervisor interrupts in the order the spec takes them: SEI, SSI, STI. */
const S_INTERRUPT_PRIORITY = [Interrupt.SupervisorExternal, Interrupt.SupervisorSoftware, Interrupt.SupervisorTimer] as const;

// Module-level copies of imported constants and functions used at every exit: an imported
// binding is a cell load with a hole check at each use, and an imported object's field one more
// load, which V8 does not fold into a constant (see Hart's copies).
const PRIV_S = Priv.S;
const SSTATUS_SIE = SSTATUS.SIE;
const PV_FUNCTION_EXT = PV_EXT;
const A7 = XREG.a7;
const emulate = emulatePrivileged;

export class TrapEmulation implements TechniquePolicy {
  readonly delivery = 'reflect';
  readonly interruptsExit = true;
  readonly vcsr = new VirtualCsrs();
  readonly shadow: ShadowMmu;
  /** The paravirtual interface, when the technique offers it (`paravirt`). */
  readonly paravirt: PvInterface | null;
  /** The guest's virtual privilege: S for its kernel, U for its user programs. */
  vpriv: PrivLevel = Priv.S;
  /** The guest executed wfi (or BLOCK) and no virtual interrupt has arrived since. */
  waiting = false;
  /** Interrupt lines driven by the VM's devices and virtual timer. */
  private lines = 0;
  /** The vCPU's hart (a field, not a getter: the emulation reaches it at every exit). */
  readonly hart: ExitContext['hart'];

  constructor(readonly ctx: ExitContext, offerParavirt: boolean) {
    this.hart = ctx.hart;
    // A paravirtual guest's tables change only by validated hypercall: nothing to trace.
    this.shadow = new ShadowMmu(ctx.mem, ctx.hart, (gpa) => ctx.host.isDevice(gpa), false, offerParavirt ? 'fence' : ctx.host.shadowPaging);
    this.paravirt = offerParavirt ? new PvInterface(ctx, this) : null;
    const pv = this.paravirt;
    // Pinned page tables of a paravirtual guest are never writable through the shadow, and
    // their address spaces' shadows survive switches, since every change to them is seen.
    if (pv) {
      this.shadow.isWriteProtected = (gpa) => pv.mmu.isPinned(gpa);
      this.shadow.retainSpace = (satp) => pv.mmu.retainable(satp);
    }
  }

  /** The paravirtual interface (tests, traces); an error for plain trap-and-emulate. */
  get pv(): PvInterface {
    if (this.paravirt === null) throw new Error('this VM runs trap-emulate, which offers no paravirtual interface');
    return this.paravirt;
  }


  get mem() {
    return this.ctx.mem;
  }

  charge: ExitContext['charge'] = (item, count) => this.ctx.charge(item, count);
  deliver: ExitContext['deliver'] = (cause, tval, epc) => this.ctx.deliver(cause, tval, epc);

  reset(): void {
    const hart = this.ctx.hart;
    // Real U-mode with the counters readable, as they are to a native S-mode kernel: reading
    // cycle/time/instret needs no exit, and they count the VM's own time, overheads included.
    hart.priv = Priv.U;
    hart.csr.mcounteren = COUNTEREN.CY | COUNTEREN.TM | COUNTEREN.IR;
    hart.csr.scounteren = COUNTEREN.CY | COUNTEREN.TM | COUNTEREN.IR;
    this.vcsr.reset();
    this.lines = 0;
    this.paravirt?.reset();
    this.vpriv = Priv.S;
    this.waiting = false;
    this.shadow.flushAll();
  }

  guestLevel(): PrivLevel {
    return this.vpriv;
  }

  /** The hart always runs in U-mode: everything it retires ran at the guest's virtual level. */
  guestLevelOfHart(): PrivLevel {
    return this.vpriv;
  }

  // ---- interrupts ----------------------------------------------------------------------------

  linesChanged(lines: number, raised: number): void {
    this.lines = lines;
    // A paravirtual guest also sees the timer firing as its timer event.
    if ((raised & MIP.STIP) !== 0) this.paravirt?.timerFired();
    this.updateSip();
  }

  /**
   * Recompute the hypervisor-driven pending bits: the device and timer lines, and for a
   * paravirtual guest SEIP while a device event is pending in its shared page.
   */
  updateSip(): void {
    const before = this.vcsr.sipHardware;
    const pv = this.paravirt;
    this.vcsr.sipHardware = this.lines | (pv !== null && pv.active ? pv.eventLines() : 0);
    if (this.vcsr.sipHardware !== before) this.ctx.kick();
  }

  /** The virtual interrupt to take now, if any (pending, enabled, and not masked by SIE). */
  deliverableInterrupt(): number {
    const pending = this.vcsr.sip & this.vcsr.sie;
    if (pending === 0) return -1;
    if (this.vpriv === PRIV_S && (this.vcsr.sstatus & SSTATUS_SIE) === 0) return -1;
    for (const code of S_INTERRUPT_PRIORITY) if (pending & (1 << code)) return code;
    return -1;
  }

  // ---- entry and exit --------------------------------------------------------------------------

  enter(): void {
    const hart = this.ctx.hart;
    const irq = this.deliverableInterrupt();
    if (irq >= 0) {
      this.waiting = false;
      this.ctx.deliver(CAUSE_INTERRUPT | irq, 0, hart.pc);
    } else if (this.waiting && (this.vcsr.sip & this.vcsr.sie) !== 0) {
      this.waiting = false; // wfi wakes on a pending enabled interrupt even with SIE clear
    }
    // A waiting vCPU lets the hart skip simulated time to the next event of its VM.
    hart.waiting = this.waiting;
    if (this.paravirt?.active) this.paravirt.store();
    this.shadow.enter(this.vpriv, this.vcsr.satp, this.vcsr.sstatus);
  }

  leave(): void {
    const pv = this.paravirt;
    if (pv === null || !pv.active) return;
    // What the guest wrote into its shared page while it ran is its virtual CSRs now: a
    // changed SUM/MXR moves the shadow view before a fault is looked up in it.
    pv.load();
    this.updateSip();
    this.shadow.enter(this.vpriv, this.vcsr.satp, this.vcsr.sstatus);
  }

  // ---- trap delivery ---------------------------------------------------------------------------

  /**
   * Perform a trap as the guest's hardware would: stack SIE/SPP into the virtual sstatus,
   * record sepc/scause/stval, enter virtual S-mode at the virtual stvec.
   */
  deliverTrap(cause: number, tval: number, epc: number): void {
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
    if (this.vpriv === Priv.U && this.paravirt?.callback) this.paravirt.switchStack();
    this.vpriv = Priv.S;
    const base = c.stvec & ~TVEC.MODE;
    const code = cause & ~CAUSE_INTERRUPT;
    this.ctx.hart.pc = ((c.stvec & TVEC.MODE) === TVEC.MODE_VECTORED && isInterrupt ? base + 4 * code : base) | 0;
    this.ctx.host.accounting.countGuestTrap(cause);
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
    this.ctx.hart.pc = c.sepc | 0;
  }

  // ---- exits -----------------------------------------------------------------------------------

  handle(exit: TechniqueExit): ExitKind {
    switch (exit.reason) {
      case 'illegal-instruction': return emulate(this, exit.insn, exit.pc);
      case 'ecall': return this.ecall(exit.pc);
      case 'page-fault': return answerShadowFault(this.ctx, this.shadow, exit.access, exit.va, exit.pc);
      case 'virtual-instruction': case 'guest-page-fault': return impossibleExit(exit, 'trap-and-emulate');
      default: {
        const never: never = exit;
        throw new Error(`unhandled exit ${JSON.stringify(never)}`);
      }
    }
  }

  private ecall(pc: number): ExitKind {
    if (this.vpriv !== PRIV_S) {
      this.ctx.deliver(Cause.EnvironmentCallFromU, 0, pc);
      return 'reflect-syscall';
    }
    const pv = this.paravirt;
    if (pv !== null && ((this.ctx.hart.x[A7] as number) >>> 0) === PV_FUNCTION_EXT) return pv.serve();
    serveSbi(this.ctx);
    return 'sbi';
  }

  instructionAt(pc: number): number | undefined {
    const at = this.shadow.translate(Access.Fetch, pc);
    return 'gpa' in at ? this.ctx.mem.read32(at.gpa) : undefined;
  }

  lastHypercall(): number {
    return this.paravirt?.lastHypercall() ?? -1;
  }
}

/** The hardware walks the shadow tables on TLB misses (the guest's own memory time), but
 *  takes no trap for the guest: every one exits, and the hypervisor charges its delivery. */
function hartTiming(preset: CostPreset): MachineTiming {
  return { trapEntry: 0, trapReturn: 0, pteRead: preset.pteRead };
}

export const TRAP_EMULATE: PolicyFactory = { timing: hartTiming, create: (ctx) => new TrapEmulation(ctx, false) };
export const PARAVIRT: PolicyFactory = { timing: hartTiming, create: (ctx) => new TrapEmulation(ctx, true) };
