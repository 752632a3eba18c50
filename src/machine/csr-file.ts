/**
 * The machine- and supervisor-level CSRs of one hart: their storage, WARL masks, views
 * (sstatus of mstatus, sip/sie of mip/mie) and access rules.
 *
 * Each CSR's legal values are enforced on write, so every reader sees a legal value and no
 * caller has to re-mask. Side effects that reach beyond the CSR file (flushing the TLB on a
 * satp write, re-evaluating interrupts after mie changes) are reported to the hart through
 * `CsrHost`, which keeps this file free of the interpreter's internals.
 */
import {
  ALL_INTERRUPTS, COUNTEREN, CSR, MENVCFG, MIP, MISA, MSTATUS, MSTATUS_WRITABLE, Priv,
  S_INTERRUPTS, SATP, SSTATUS_MASK, TVEC, csrIsReadOnly, csrMinPrivilege, type PrivLevel,
} from '../isa/csr.js';
import { Cause } from '../isa/causes.js';

/** What the CSR file needs from the hart it belongs to. */
export interface CsrHost {
  readonly priv: PrivLevel;
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

/** medeleg bits that can be set: every exception except ecall from M (bit 11), and the
 *  reserved causes 10 and 14. */
const MEDELEG_WRITABLE =
  (1 << Cause.InstructionAddressMisaligned) | (1 << Cause.InstructionAccessFault) |
  (1 << Cause.IllegalInstruction) | (1 << Cause.Breakpoint) |
  (1 << Cause.LoadAddressMisaligned) | (1 << Cause.LoadAccessFault) |
  (1 << Cause.StoreAddressMisaligned) | (1 << Cause.StoreAccessFault) |
  (1 << Cause.EnvironmentCallFromU) | (1 << Cause.EnvironmentCallFromS) |
  (1 << Cause.InstructionPageFault) | (1 << Cause.LoadPageFault) | (1 << Cause.StorePageFault);

/** Only supervisor interrupts can be delegated. */
const MIDELEG_WRITABLE = S_INTERRUPTS;

/** mip bits software may write: SSIP, STIP and SEIP from M-mode (the machine-level pending
 *  bits are wired to the CLINT and PLIC). */
const MIP_WRITABLE = MIP.SSIP | MIP.STIP | MIP.SEIP;

const COUNTEREN_WRITABLE = COUNTEREN.CY | COUNTEREN.TM | COUNTEREN.IR;

export const MISA_VALUE =
  MISA.MXL_32 | MISA.ext('I') | MISA.ext('M') | MISA.ext('A') | MISA.ext('S') | MISA.ext('U');

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
    return (sw | this.mipHardware) >>> 0;
  }

  sstcEnabled(): boolean {
    return (this.menvcfgh & MENVCFG.STCE_H) !== 0;
  }

  /** Interrupts pending and enabled (before the global MIE/SIE and privilege rules). */
  pendingEnabled(): number {
    return this.mip & this.mie;
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
    const priv = this.host.priv;
    if (csrMinPrivilege(csr) > priv) return Cause.IllegalInstruction;
    if (write && csrIsReadOnly(csr)) return Cause.IllegalInstruction;
    if (csr === CSR.satp && priv === Priv.S && (this.mstatus & MSTATUS.TVM) !== 0) {
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
      case CSR.time: return this.host.mtime() % UINT32;
      case CSR.timeh: return Math.floor(this.host.mtime() / UINT32) >>> 0;

      case CSR.sstatus: return (this.mstatus & SSTATUS_MASK) >>> 0;
      case CSR.sie: return (this.mie & this.mideleg) >>> 0;
      case CSR.sip: return (this.mip & this.mideleg) >>> 0;
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

      case CSR.mvendorid: case CSR.marchid: case CSR.mimpid: case CSR.mconfigptr: return 0;
      case CSR.mhartid: return this.hartId;
      case CSR.mstatus: return this.mstatus >>> 0;
      case CSR.mstatush: return 0;
      case CSR.misa: return MISA_VALUE >>> 0;
      case CSR.medeleg: return this.medeleg >>> 0;
      case CSR.mideleg: return this.mideleg >>> 0;
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
      case CSR.sie:
        this.mie = (this.mie & ~this.mideleg) | (v & this.mideleg);
        this.host.interruptsChanged();
        return;
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
