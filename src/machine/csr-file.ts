/**
 * The machine-, hypervisor- and supervisor-level CSRs of one hart: their storage, WARL masks,
 * views (sstatus of mstatus, sip/sie of mip/mie, hip/hie and vsip/vsie of the VS bits of
 * mip/mie) and access rules — including the H extension's: with V=1 the supervisor CSRs are
 * substituted by their VS counterparts (the hart does that by number, VS_SUBSTITUTED), and
 * an access V=1 may not make but HS-mode could raises a virtual-instruction exception.
 *
 * Each CSR's legal values are enforced on write, so every reader sees a legal value and no
 * caller has to re-mask. Side effects that reach beyond the CSR file (flushing the TLB on a
 * satp write, re-evaluating interrupts after mie changes) are reported to the hart through
 * `CsrHost`, which keeps this file free of the interpreter's internals.
 */
import {
  ALL_INTERRUPTS, COUNTEREN, CSR, CSR_PRIV_HYPERVISOR, HGATP, HSTATUS, HSTATUS_WRITABLE, MENVCFG,
  MIP, MISA, MSTATUS, MSTATUSH, MSTATUS_WRITABLE, Priv, S_INTERRUPTS, SATP, SSTATUS, SSTATUS_MASK,
  TVEC, VS_INTERRUPTS, csrIsReadOnly, csrMinPrivilege, type PrivLevel,
} from '../isa/csr.js';
import { Cause } from '../isa/causes.js';

/** What the CSR file needs from the hart it belongs to. */
export interface CsrHost {
  readonly priv: PrivLevel;
  /** The H extension's virtualization mode: V=1 is VS/VU-mode. */
  readonly virt: boolean;
  /** Committed simulated cycle count. */
  cycles(): number;
  instret(): number;
  mtime(): number;
  /** satp, SUM, MXR, MPRV or MPP changed: cached translations are stale. */
  translationChanged(): void;
  /** An interrupt enable or pending bit changed. */
  interruptsChanged(): void;
  /** stimecmp or its enable changed (Sstc). */
  stimecmpChanged(): void;
}

/** Exceptions a trapping CSR instruction raises (mcause values). */
export const CSR_OK = -1;

/** Exceptions a hypervisor may pass on to VS-mode (hedeleg's writable bits): the ones a guest
 *  kernel handles itself. Ecalls from VS/HS/M, the guest-page faults and virtual-instruction
 *  exceptions are HS-mode's own (read-only zero in hedeleg). */
const HEDELEG_WRITABLE =
  (1 << Cause.InstructionAddressMisaligned) | (1 << Cause.InstructionAccessFault) |
  (1 << Cause.IllegalInstruction) | (1 << Cause.Breakpoint) |
  (1 << Cause.LoadAddressMisaligned) | (1 << Cause.LoadAccessFault) |
  (1 << Cause.StoreAddressMisaligned) | (1 << Cause.StoreAccessFault) |
  (1 << Cause.EnvironmentCallFromU) |
  (1 << Cause.InstructionPageFault) | (1 << Cause.LoadPageFault) | (1 << Cause.StorePageFault);

/** medeleg bits that can be set: every exception except ecall from M (bit 11) and the
 *  reserved ones — with the H extension also ecall from VS, the guest-page faults and the
 *  virtual-instruction exception, which a firmware delegates to the hypervisor in HS-mode. */
const MEDELEG_WRITABLE =
  HEDELEG_WRITABLE | (1 << Cause.EnvironmentCallFromS) | (1 << Cause.EnvironmentCallFromVS) |
  (1 << Cause.InstructionGuestPageFault) | (1 << Cause.LoadGuestPageFault) |
  (1 << Cause.VirtualInstruction) | (1 << Cause.StoreGuestPageFault);

/** Only supervisor interrupts can be delegated; the VS interrupts always are (read-only one
 *  in mideleg: they exist to reach HS or VS). */
const MIDELEG_WRITABLE = S_INTERRUPTS;

/** HS-mode's privilege number: the lowest that reaches the hypervisor and VS CSRs. */
const CSR_PRIV_S = Priv.S;

// Module-level copies of imported constants for checkAccess(), on the path of every trapped CSR
// access: an imported binding is a cell load with a hole check at every use, and an imported
// object's field one more load, which V8 does not fold into a constant (a trapped CSR write
// spent more time on them than on the rest of the check).
const ILLEGAL_INSTRUCTION = Cause.IllegalInstruction;
const PRIV_HYPERVISOR = CSR_PRIV_HYPERVISOR;
const minPrivilege = csrMinPrivilege;

/** mip bits software may write: SSIP, STIP and SEIP from M-mode (the machine-level pending
 *  bits are wired to the CLINT and PLIC). */
const MIP_WRITABLE = MIP.SSIP | MIP.STIP | MIP.SEIP;

const COUNTEREN_WRITABLE = COUNTEREN.CY | COUNTEREN.TM | COUNTEREN.IR;

export const MISA_VALUE =
  MISA.MXL_32 | MISA.ext('I') | MISA.ext('M') | MISA.ext('A') | MISA.ext('S') | MISA.ext('U') |
  MISA.ext('H');

/** vsstatus bits this hart implements: sstatus's, without F/V state or big-endian data. */
const VSSTATUS_WRITABLE = SSTATUS.SIE | SSTATUS.SPIE | SSTATUS.SPP | SSTATUS.SUM | SSTATUS.MXR;
/** The bits of hip (and mip) that are writable aliases of hvip: only VSSIP. */
const HIP_WRITABLE = MIP.VSSIP;
/** hie's bits: the VS interrupts (SGEIE reads zero: no guest external interrupt files). */
const HIE_BITS = VS_INTERRUPTS;

const UINT32 = 0x1_0000_0000;

export class CsrFile {
  mstatus = 0;
  medeleg = 0;
  mideleg = 0;
  mie = 0;
  /** Software-writable mip bits (SSIP, STIP, SEIP as written by software). */
  mipSoftware = 0;
  /** Bits of mip driven by devices (MSIP/MTIP from the CLINT, MEIP/SEIP from the PLIC) and
   *  by Sstc (STIP). */
  mipHardware = 0;
  mtvec = 0;
  stvec = 0;
  mcounteren = 0;
  scounteren = 0;
  menvcfg = 0;
  menvcfgh = 0;
  senvcfg = 0;
  mscratch = 0;
  sscratch = 0;
  mepc = 0;
  sepc = 0;
  mcause = 0;
  scause = 0;
  mtval = 0;
  stval = 0;
  satp = 0;

  // -- H extension: hypervisor (HS) and virtual-supervisor (VS) registers --------------------
  hstatus = 0;
  hedeleg = 0;
  hideleg = 0;
  /** Interrupts the hypervisor injects into VS-mode (VSSIP, VSTIP, VSEIP). */
  hvip = 0;
  hcounteren = 0;
  henvcfg = 0;
  /** Guest-physical address >> 2 of the last guest-page fault taken into HS / M. */
  htval = 0;
  htinst = 0;
  mtval2 = 0;
  mtinst = 0;
  hgatp = 0;
  /** VS-mode's time = time + htimedelta (64-bit, two halves). */
  htimedelta = 0;
  htimedeltah = 0;
  /** mstatush: MPV and GVA. */
  mstatush = 0;
  vsstatus = 0;
  vstvec = 0;
  vsscratch = 0;
  vsepc = 0;
  vscause = 0;
  vstval = 0;
  vsatp = 0;

  /** Sstc's 64-bit supervisor timer compare, as two 32-bit halves. */
  stimecmp = 0xffff_ffff;
  stimecmph = 0xffff_ffff;
  /** mcycle = cycles + cycleOffset; a write to mcycle moves the offset. */
  cycleOffset = 0;
  instretOffset = 0;

  constructor(private readonly host: CsrHost, readonly hartId: number) {}

  /** The architectural mip value. STIP is the software bit unless Sstc drives it. */
  get mip(): number {
    const stipFromSstc = this.sstcEnabled();
    const sw = stipFromSstc ? this.mipSoftware & ~MIP.STIP : this.mipSoftware;
    return (sw | this.mipHardware | this.hvip) >>> 0;
  }

  sstcEnabled(): boolean {
    return (this.menvcfgh & MENVCFG.STCE_H) !== 0;
  }

  /** Interrupts pending and enabled (before the global MIE/SIE and privilege rules). */
  pendingEnabled(): number {
    // Checked before every slice: with nothing enabled (a vCPU's hart, whose interrupts the
    // hypervisor delivers) mip need not be put together.
    const mie = this.mie;
    return mie === 0 ? 0 : this.mip & mie;
  }

  mcycle(): number {
    return this.host.cycles() + this.cycleOffset;
  }

  minstret(): number {
    return this.host.instret() + this.instretOffset;
  }

  /**
   * Whether `priv` may access `csr` at all: the privilege encoded in the number, plus the
   * counter-enable and TVM rules. Returns CSR_OK or the exception cause.
   */
  checkAccess(csr: number, write: boolean): number {
    if (this.host.virt) return this.checkVirtualAccess(csr, write);
    const priv = this.host.priv;
    const min = minPrivilege(csr);
    // Hypervisor and VS CSRs belong to HS-mode, which is S-mode with V=0.
    if ((min === PRIV_HYPERVISOR ? CSR_PRIV_S : min) > priv) return ILLEGAL_INSTRUCTION;
    return this.checkPermittedAccess(csr, write, priv);
  }

  /** checkAccess() once the privilege suffices: writes, TVM, Sstc, the counter enables. */
  private checkPermittedAccess(csr: number, write: boolean, priv: PrivLevel): number {
    if (write && csrIsReadOnly(csr)) return Cause.IllegalInstruction;
    if ((csr === CSR.satp || csr === CSR.hgatp) && priv === Priv.S && (this.mstatus & MSTATUS.TVM) !== 0) {
      return Cause.IllegalInstruction;
    }
    if ((csr === CSR.stimecmp || csr === CSR.stimecmph) && priv < Priv.M) {
      if (!this.sstcEnabled() || (this.mcounteren & COUNTEREN.TM) === 0) return Cause.IllegalInstruction;
    }
    if ((csr >= CSR.cycle && csr <= CSR.cycle + 0x1f) || (csr >= CSR.cycleh && csr <= CSR.cycleh + 0x1f)) {
      const bit = 1 << (csr & 0x1f);
      if (priv < Priv.M && (this.mcounteren & bit) === 0) return Cause.IllegalInstruction;
      if (priv < Priv.S && (this.scounteren & bit) === 0) return Cause.IllegalInstruction;
    }
    if (!this.exists(csr)) return Cause.IllegalInstruction;
    return CSR_OK;
  }

  /**
   * The rules for V=1 (H extension, "Virtual-Instruction Exceptions"): what no HS-mode could
   * do either is illegal; what HS-mode could do but VS/VU may not is a virtual instruction,
   * so the hypervisor can emulate it.
   */
  private checkVirtualAccess(csr: number, write: boolean): number {
    const priv = this.host.priv;
    if (!this.exists(csr)) return Cause.IllegalInstruction;
    if (write && csrIsReadOnly(csr)) return Cause.IllegalInstruction;
    const min = csrMinPrivilege(csr);
    if (min === Priv.M) return Cause.IllegalInstruction;
    if (min === CSR_PRIV_HYPERVISOR) return Cause.VirtualInstruction;
    // stimecmp without menvcfg.STCE and mcounteren.TM is illegal in HS-mode too, so from VU
    // as from VS it is an illegal instruction (§8.6.1: virtual only "when the same access
    // would be allowed in HS-mode"); check it before the VU rule below.
    if (csr === CSR.stimecmp || csr === CSR.stimecmph) {
      if (!this.sstcEnabled() || (this.mcounteren & COUNTEREN.TM) === 0) return Cause.IllegalInstruction;
      // henvcfg.STCE is read-only zero here (no vstimecmp): VS's timer is the hypervisor's.
      return Cause.VirtualInstruction;
    }
    if (min === Priv.S && priv === Priv.U) return Cause.VirtualInstruction;
    if (csr === CSR.satp && (this.hstatus & HSTATUS.VTVM) !== 0) return Cause.VirtualInstruction;
    if ((csr >= CSR.cycle && csr <= CSR.cycle + 0x1f) || (csr >= CSR.cycleh && csr <= CSR.cycleh + 0x1f)) {
      const bit = 1 << (csr & 0x1f);
      if ((this.mcounteren & bit) === 0) return Cause.IllegalInstruction;
      if ((this.hcounteren & bit) === 0) return Cause.VirtualInstruction;
      if (priv === Priv.U && (this.scounteren & bit) === 0) return Cause.VirtualInstruction;
    }
    return CSR_OK;
  }

  /** VS-mode's view of time, as [low, high] halves: the host's plus htimedelta, modulo 2^64
   *  (H §8.2.9: htimedelta is a 64-bit two's-complement delta — a negative one is all ones in
   *  htimedeltah — so the sum must wrap, which a double past 2^53 cannot do exactly). */
  private vsTime(): [number, number] {
    const t = this.host.mtime();
    const lo = (t % UINT32) + (this.htimedelta >>> 0);
    const carry = lo >= UINT32 ? 1 : 0;
    const hi = (Math.floor(t / UINT32) + (this.htimedeltah >>> 0) + carry) % UINT32;
    return [lo % UINT32, hi];
  }

  private exists(csr: number): boolean {
    return this.readRaw(csr) !== undefined;
  }

  /** Read a CSR; undefined when it does not exist. Access rules are checked by checkAccess. */
  read(csr: number): number | undefined {
    return this.readRaw(csr);
  }

  /**
   * The value a CSRRS/CSRRC read-modify-write starts from. It is the CSR's value except for
   * mip/sip, where only the software-writable SEIP bit takes part (privileged spec §3.1.9), not
   * the PLIC's signal that a read ORs in — else a `csrs mip, ...` while the PLIC asserts SEIP
   * would latch SEIP in software for ever.
   */
  readForRmw(csr: number): number {
    if (csr === CSR.mip || csr === CSR.sip) {
      const v = this.read(csr) as number;
      const hwOnly = this.mipHardware & ~this.mipSoftware & MIP.SEIP;
      return (v & ~hwOnly) >>> 0;
    }
    return this.read(csr) ?? 0;
  }

  private readRaw(csr: number): number | undefined {
    switch (csr) {
      case CSR.cycle: case CSR.mcycle: return this.mcycle() % UINT32;
      case CSR.cycleh: case CSR.mcycleh: return Math.floor(this.mcycle() / UINT32) >>> 0;
      case CSR.instret: case CSR.minstret: return this.minstret() % UINT32;
      case CSR.instreth: case CSR.minstreth: return Math.floor(this.minstret() / UINT32) >>> 0;
      case CSR.time: return this.host.virt ? this.vsTime()[0] : this.host.mtime() % UINT32;
      case CSR.timeh: return this.host.virt ? this.vsTime()[1] : Math.floor(this.host.mtime() / UINT32) >>> 0;

      case CSR.sstatus: return (this.mstatus & SSTATUS_MASK) >>> 0;
      case CSR.sie: return (this.mie & this.mideleg & S_INTERRUPTS) >>> 0;
      case CSR.sip: return (this.mip & this.mideleg & S_INTERRUPTS) >>> 0;
      case CSR.stvec: return this.stvec >>> 0;
      case CSR.scounteren: return this.scounteren;
      case CSR.senvcfg: return this.senvcfg;
      case CSR.sscratch: return this.sscratch >>> 0;
      case CSR.sepc: return this.sepc >>> 0;
      case CSR.scause: return this.scause >>> 0;
      case CSR.stval: return this.stval >>> 0;
      case CSR.satp: return this.satp >>> 0;
      case CSR.stimecmp: return this.stimecmp >>> 0;
      case CSR.stimecmph: return this.stimecmph >>> 0;

      case CSR.vsstatus: return this.vsstatus >>> 0;
      // vsip/vsie show the VS interrupts the hypervisor delegated, at their S positions.
      case CSR.vsie: return ((this.mie & this.hideleg & VS_INTERRUPTS) >>> 1) >>> 0;
      case CSR.vsip: return ((this.mip & this.hideleg & VS_INTERRUPTS) >>> 1) >>> 0;
      case CSR.vstvec: return this.vstvec >>> 0;
      case CSR.vsscratch: return this.vsscratch >>> 0;
      case CSR.vsepc: return this.vsepc >>> 0;
      case CSR.vscause: return this.vscause >>> 0;
      case CSR.vstval: return this.vstval >>> 0;
      case CSR.vsatp: return this.vsatp >>> 0;

      case CSR.hstatus: return this.hstatus >>> 0;
      case CSR.hedeleg: return this.hedeleg >>> 0;
      case CSR.hideleg: return this.hideleg >>> 0;
      case CSR.hie: return (this.mie & HIE_BITS) >>> 0;
      case CSR.hip: return (this.mip & (VS_INTERRUPTS | MIP.SGEIP)) >>> 0;
      case CSR.hvip: return this.hvip >>> 0;
      case CSR.hcounteren: return this.hcounteren;
      case CSR.hgeie: case CSR.hgeip: return 0;
      case CSR.henvcfg: return this.henvcfg;
      case CSR.henvcfgh: return 0;
      case CSR.htval: return this.htval >>> 0;
      case CSR.htinst: return this.htinst >>> 0;
      case CSR.hgatp: return this.hgatp >>> 0;
      case CSR.htimedelta: return this.htimedelta >>> 0;
      case CSR.htimedeltah: return this.htimedeltah >>> 0;
      case CSR.mtval2: return this.mtval2 >>> 0;
      case CSR.mtinst: return this.mtinst >>> 0;

      case CSR.mvendorid: case CSR.marchid: case CSR.mimpid: case CSR.mconfigptr: return 0;
      case CSR.mhartid: return this.hartId;
      case CSR.mstatus: return this.mstatus >>> 0;
      case CSR.mstatush: return this.mstatush >>> 0;
      case CSR.misa: return MISA_VALUE >>> 0;
      case CSR.medeleg: return this.medeleg >>> 0;
      case CSR.mideleg: return (this.mideleg | VS_INTERRUPTS) >>> 0;
      case CSR.mie: return this.mie >>> 0;
      case CSR.mtvec: return this.mtvec >>> 0;
      case CSR.mcounteren: return this.mcounteren;
      case CSR.menvcfg: return this.menvcfg;
      case CSR.menvcfgh: return this.menvcfgh >>> 0;
      case CSR.mcountinhibit: return 0;
      case CSR.mscratch: return this.mscratch >>> 0;
      case CSR.mepc: return this.mepc >>> 0;
      case CSR.mcause: return this.mcause >>> 0;
      case CSR.mtval: return this.mtval >>> 0;
      case CSR.mip: return this.mip;
      default:
        // PMP, the hardware performance counters and their event selectors exist as
        // read-only-zero registers (all WARL fields legal at zero), as the spec permits.
        if (csr >= CSR.pmpcfg0 && csr <= CSR.pmpaddr15) return 0;
        if ((csr >= CSR.cycle + 3 && csr <= CSR.cycle + 0x1f) ||
          (csr >= CSR.cycleh + 3 && csr <= CSR.cycleh + 0x1f) ||
          (csr >= CSR.mcycle + 3 && csr <= CSR.mcycle + 0x1f) ||
          (csr >= CSR.mcycleh + 3 && csr <= CSR.mcycleh + 0x1f) ||
          (csr >= CSR.mcountinhibit + 3 && csr <= CSR.mcountinhibit + 0x1f)) return 0;
        return undefined;
    }
  }

  /** Write a CSR (access already checked). Applies WARL masks and side effects. */
  write(csr: number, value: number): void {
    const v = value >>> 0;
    switch (csr) {
      case CSR.sstatus:
        this.writeMstatus((this.mstatus & ~SSTATUS_MASK) | (v & SSTATUS_MASK));
        return;
      case CSR.sie: {
        const bits = this.mideleg & S_INTERRUPTS;
        this.mie = (this.mie & ~bits) | (v & bits);
        this.host.interruptsChanged();
        return;
      }
      case CSR.sip:
        // Of the supervisor pending bits only SSIP is writable through sip.
        this.mipSoftware = (this.mipSoftware & ~(this.mideleg & MIP.SSIP)) | (v & this.mideleg & MIP.SSIP);
        this.host.interruptsChanged();
        return;
      case CSR.stvec: this.stvec = legalTvec(v, this.stvec); return;
      case CSR.scounteren: this.scounteren = v & COUNTEREN_WRITABLE; return;
      case CSR.senvcfg: this.senvcfg = v & MENVCFG.FIOM; return;
      case CSR.sscratch: this.sscratch = v; return;
      case CSR.sepc: this.sepc = legalEpc(v); return;
      case CSR.scause: this.scause = v; return;
      case CSR.stval: this.stval = v; return;
      case CSR.satp:
        this.satp = v;
        this.host.translationChanged();
        return;
      case CSR.stimecmp: this.stimecmp = v; this.host.stimecmpChanged(); return;
      case CSR.stimecmph: this.stimecmph = v; this.host.stimecmpChanged(); return;

      case CSR.vsstatus: {
        const old = this.vsstatus;
        this.vsstatus = v & VSSTATUS_WRITABLE;
        if (((old ^ this.vsstatus) & (SSTATUS.SUM | SSTATUS.MXR)) !== 0) this.host.translationChanged();
        if (((old ^ this.vsstatus) & SSTATUS.SIE) !== 0) this.host.interruptsChanged();
        return;
      }
      case CSR.vsie: {
        const bits = this.hideleg & VS_INTERRUPTS;
        this.mie = (this.mie & ~bits) | ((v << 1) & bits);
        this.host.interruptsChanged();
        return;
      }
      case CSR.vsip:
        // Of VS-mode's pending bits only SSIP (hvip.VSSIP underneath) is writable.
        if ((this.hideleg & MIP.VSSIP) !== 0) this.setHvip((this.hvip & ~MIP.VSSIP) | ((v << 1) & MIP.VSSIP));
        return;
      case CSR.vstvec: this.vstvec = legalTvec(v, this.vstvec); return;
      case CSR.vsscratch: this.vsscratch = v; return;
      case CSR.vsepc: this.vsepc = legalEpc(v); return;
      case CSR.vscause: this.vscause = v; return;
      case CSR.vstval: this.vstval = v; return;
      case CSR.vsatp:
        this.vsatp = v;
        this.host.translationChanged();
        return;

      case CSR.hstatus: this.hstatus = v & HSTATUS_WRITABLE; return;
      case CSR.hedeleg: this.hedeleg = v & HEDELEG_WRITABLE; return;
      case CSR.hideleg:
        this.hideleg = v & VS_INTERRUPTS;
        this.host.interruptsChanged();
        return;
      case CSR.hie:
        this.mie = (this.mie & ~HIE_BITS) | (v & HIE_BITS);
        this.host.interruptsChanged();
        return;
      case CSR.hip: this.setHvip((this.hvip & ~HIP_WRITABLE) | (v & HIP_WRITABLE)); return;
      case CSR.hvip: this.setHvip(v & VS_INTERRUPTS); return;
      case CSR.hcounteren: this.hcounteren = v & COUNTEREN_WRITABLE; return;
      case CSR.henvcfg: this.henvcfg = v & MENVCFG.FIOM; return;
      case CSR.htval: this.htval = v; return;
      case CSR.htinst: this.htinst = v; return;
      case CSR.hgatp: {
        // WARL: MODE is Bare or Sv32x4 (one bit on RV32, both legal); VMIDLEN = 0; the 16 KiB
        // root makes PPN[1:0] zero.
        const ppn = v & HGATP.PPN & ~(HGATP.ROOT_ALIGN_PAGES - 1);
        this.hgatp = ((v & HGATP.MODE) | ppn) >>> 0;
        this.host.translationChanged();
        return;
      }
      case CSR.htimedelta: this.htimedelta = v; return;
      case CSR.htimedeltah: this.htimedeltah = v; return;
      case CSR.mtval2: this.mtval2 = v; return;
      case CSR.mtinst: this.mtinst = v; return;
      case CSR.mstatush: {
        const old = this.mstatush;
        this.mstatush = v & (MSTATUSH.MPV | MSTATUSH.GVA);
        if (((old ^ this.mstatush) & MSTATUSH.MPV) !== 0) this.host.translationChanged();
        return;
      }

      case CSR.mstatus: this.writeMstatus(v); return;
      case CSR.medeleg: this.medeleg = v & MEDELEG_WRITABLE; return;
      case CSR.mideleg:
        this.mideleg = v & MIDELEG_WRITABLE;
        this.host.interruptsChanged();
        return;
      case CSR.mie:
        this.mie = v & ALL_INTERRUPTS;
        this.host.interruptsChanged();
        return;
      case CSR.mtvec: this.mtvec = legalTvec(v, this.mtvec); return;
      case CSR.mcounteren: this.mcounteren = v & COUNTEREN_WRITABLE; return;
      case CSR.menvcfg: this.menvcfg = v & MENVCFG.FIOM; return;
      case CSR.menvcfgh:
        this.menvcfgh = v & MENVCFG.STCE_H;
        this.host.stimecmpChanged();
        return;
      case CSR.mscratch: this.mscratch = v; return;
      case CSR.mepc: this.mepc = legalEpc(v); return;
      case CSR.mcause: this.mcause = v; return;
      case CSR.mtval: this.mtval = v; return;
      case CSR.mip: {
        // With Sstc enabled STIP is read-only: it follows stimecmp.
        const writable = this.sstcEnabled() ? MIP_WRITABLE & ~MIP.STIP : MIP_WRITABLE;
        this.mipSoftware = (this.mipSoftware & ~writable) | (v & writable);
        this.setHvip((this.hvip & ~HIP_WRITABLE) | (v & HIP_WRITABLE));
        this.host.interruptsChanged();
        return;
      }
      case CSR.mcycle:
        this.cycleOffset += v - this.mcycle() % UINT32;
        return;
      case CSR.mcycleh:
        this.cycleOffset += (v - Math.floor(this.mcycle() / UINT32)) * UINT32;
        return;
      case CSR.minstret:
        this.instretOffset += v - this.minstret() % UINT32;
        return;
      case CSR.minstreth:
        this.instretOffset += (v - Math.floor(this.minstret() / UINT32)) * UINT32;
        return;
      default:
        // Read-only-zero WARL registers (PMP, hpm counters, mcountinhibit, mstatush):
        // writes are legal and have no effect.
        return;
    }
  }

  /** hvip: the interrupts the hypervisor injects into VS-mode. */
  setHvip(v: number): void {
    const next = (v & VS_INTERRUPTS) >>> 0;
    if (next === this.hvip) return;
    this.hvip = next;
    this.host.interruptsChanged();
  }

  /** VS-mode's status register with the trap-stacking fields legal (used by trap delivery). */
  writeVsstatus(v: number): void {
    this.write(CSR.vsstatus, v);
  }

  /** mstatus with its WARL rules: MPP holds only M, S or U (an illegal value keeps the old
   *  one), FS/VS/XS/SD stay zero (no F, D or V). */
  writeMstatus(value: number): void {
    let v = (value & MSTATUS_WRITABLE) >>> 0;
    const mpp = (v & MSTATUS.MPP) >>> MSTATUS.MPP_SHIFT;
    if (mpp !== Priv.M && mpp !== Priv.S && mpp !== Priv.U) {
      v = (v & ~MSTATUS.MPP) | (this.mstatus & MSTATUS.MPP);
    }
    const old = this.mstatus;
    this.mstatus = v >>> 0;
    const translationBits = MSTATUS.MPRV | MSTATUS.SUM | MSTATUS.MXR | MSTATUS.MPP;
    if (((old ^ v) & translationBits) !== 0) this.host.translationChanged();
    if (((old ^ v) & (MSTATUS.MIE | MSTATUS.SIE)) !== 0) this.host.interruptsChanged();
  }

  /** Reset values (privileged spec §3.4: mstatus.MIE = 0, MPRV = 0; the rest are ours). */
  reset(): void {
    this.mstatus = 0;
    this.medeleg = this.mideleg = this.mie = this.mipSoftware = 0;
    this.mtvec = this.stvec = 0;
    this.mcounteren = this.scounteren = 0;
    this.menvcfg = this.menvcfgh = this.senvcfg = 0;
    this.mscratch = this.sscratch = this.mepc = this.sepc = 0;
    this.mcause = this.scause = this.mtval = this.stval = 0;
    this.satp = 0;
    this.hstatus = this.hedeleg = this.hideleg = this.hvip = this.hcounteren = this.henvcfg = 0;
    this.htval = this.htinst = this.mtval2 = this.mtinst = this.hgatp = 0;
    this.htimedelta = this.htimedeltah = this.mstatush = 0;
    this.vsstatus = this.vstvec = this.vsscratch = this.vsepc = this.vscause = this.vstval = this.vsatp = 0;
    this.stimecmp = this.stimecmph = 0xffff_ffff;
    this.cycleOffset = this.instretOffset = 0;
  }

  satpMode(): number {
    return (this.satp >>> 31) === SATP.MODE_SV32 ? SATP.MODE_SV32 : SATP.MODE_BARE;
  }
}

/** xtvec: MODE values 2 and 3 are reserved; writing one keeps the previous mode. */
function legalTvec(v: number, old: number): number {
  const mode = v & TVEC.MODE;
  if (mode === TVEC.MODE_DIRECT || mode === TVEC.MODE_VECTORED) return v >>> 0;
  return ((v & ~TVEC.MODE) | (old & TVEC.MODE)) >>> 0;
}

/** xepc: with IALIGN = 32 (no C extension) bits 1:0 are always zero. */
function legalEpc(v: number): number {
  return (v & ~3) >>> 0;
}
