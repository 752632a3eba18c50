/**
 * The guest's virtual supervisor CSRs under trap-and-emulate, in one structure with get/set
 * owning masks and side effects (the pattern of RVirt's virtual CSR file). The guest kernel runs
 * in real U-mode, so every access it makes to these registers traps and lands here.
 *
 * Side effects are reported, not performed: a write returns which of the hypervisor's caches it
 * invalidated (shadow page tables) or whether interrupt state changed, and the vCPU acts on that.
 */
import { CSR, COUNTEREN, MIP, SATP, SSTATUS, S_INTERRUPTS, TVEC } from '../../isa/csr.js';

/** sstatus bits a guest kernel can change: no F/V/X state, little-endian only. */
export const VSSTATUS_WRITABLE = SSTATUS.SIE | SSTATUS.SPIE | SSTATUS.SPP | SSTATUS.SUM | SSTATUS.MXR;

export const enum CsrEffect {
  None = 0,
  /** satp changed: shadow page tables for the old address space are stale. */
  FlushShadow = 1,
  /** SUM or MXR changed: the kernel view's permissions changed. */
  ViewChanged = 2,
  /** An interrupt enable or pending bit changed: something may now be deliverable. */
  Interrupts = 4,
}

export class VirtualCsrs {
  sstatus = 0;
  sie = 0;
  /** Pending bits the guest itself can set (SSIP). */
  sipSoftware = 0;
  /** Pending bits driven by the hypervisor: the virtual timer (STIP) and the VM's PLIC (SEIP). */
  sipHardware = 0;
  stvec = 0;
  sscratch = 0;
  sepc = 0;
  scause = 0;
  stval = 0;
  satp = 0;
  scounteren = 0;
  senvcfg = 0;

  get sip(): number {
    return (this.sipSoftware | this.sipHardware) & S_INTERRUPTS;
  }

  /** The supervisor CSRs a guest kernel may touch; everything else is illegal for it (M-level
   *  CSRs, counters beyond the shadows the hardware serves, unknown numbers). */
  exists(csr: number): boolean {
    switch (csr) {
      case CSR.sstatus: case CSR.sie: case CSR.sip: case CSR.stvec: case CSR.sscratch:
      case CSR.sepc: case CSR.scause: case CSR.stval: case CSR.satp: case CSR.scounteren:
      case CSR.senvcfg:
        return true;
      default:
        return false;
    }
  }

  read(csr: number): number {
    switch (csr) {
      case CSR.sstatus: return this.sstatus >>> 0;
      case CSR.sie: return this.sie >>> 0;
      case CSR.sip: return this.sip >>> 0;
      case CSR.stvec: return this.stvec >>> 0;
      case CSR.sscratch: return this.sscratch >>> 0;
      case CSR.sepc: return this.sepc >>> 0;
      case CSR.scause: return this.scause >>> 0;
      case CSR.stval: return this.stval >>> 0;
      case CSR.satp: return this.satp >>> 0;
      case CSR.scounteren: return this.scounteren >>> 0;
      case CSR.senvcfg: return this.senvcfg >>> 0;
      default: throw new Error(`virtual CSR 0x${csr.toString(16)} does not exist`);
    }
  }

  write(csr: number, value: number): CsrEffect {
    const v = value >>> 0;
    switch (csr) {
      case CSR.sstatus: {
        const old = this.sstatus;
        this.sstatus = v & VSSTATUS_WRITABLE;
        const changed = old ^ this.sstatus;
        return ((changed & (SSTATUS.SUM | SSTATUS.MXR)) !== 0 ? CsrEffect.ViewChanged : 0) |
          ((changed & SSTATUS.SIE) !== 0 ? CsrEffect.Interrupts : 0);
      }
      case CSR.sie:
        this.sie = v & S_INTERRUPTS;
        return CsrEffect.Interrupts;
      case CSR.sip:
        // Only SSIP is writable through sip; STIP and SEIP follow the timer and the PLIC.
        this.sipSoftware = v & MIP.SSIP;
        return CsrEffect.Interrupts;
      case CSR.stvec: {
        const mode = v & TVEC.MODE;
        this.stvec = mode === TVEC.MODE_DIRECT || mode === TVEC.MODE_VECTORED ? v : (v & ~TVEC.MODE) | (this.stvec & TVEC.MODE);
        return CsrEffect.None;
      }
      case CSR.sscratch: this.sscratch = v; return CsrEffect.None;
      case CSR.sepc: this.sepc = (v & ~3) >>> 0; return CsrEffect.None;
      case CSR.scause: this.scause = v; return CsrEffect.None;
      case CSR.stval: this.stval = v; return CsrEffect.None;
      case CSR.satp: {
        // Sv32's ASID field is WARL; we keep all 9 bits (as the hart does).
        const changed = v !== this.satp;
        this.satp = v;
        return changed ? CsrEffect.FlushShadow : CsrEffect.None;
      }
      case CSR.scounteren: this.scounteren = v & (COUNTEREN.CY | COUNTEREN.TM | COUNTEREN.IR); return CsrEffect.None;
      case CSR.senvcfg: this.senvcfg = 0; return CsrEffect.None;
      default: throw new Error(`virtual CSR 0x${csr.toString(16)} does not exist`);
    }
  }

  pagingOn(): boolean {
    return (this.satp >>> 31) === SATP.MODE_SV32;
  }

  reset(): void {
    this.sstatus = this.sie = this.sipSoftware = this.sipHardware = 0;
    this.stvec = this.sscratch = this.sepc = this.scause = this.stval = this.satp = 0;
    this.scounteren = this.senvcfg = 0;
  }
}
