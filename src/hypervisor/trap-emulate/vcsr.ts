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

/**
 * The virtual CSRs by a dense slot, looked up once by number (SLOT_OF). The exit path reads and
 * writes one of them at every trapped CSR access: a switch over the slot has literal cases,
 * which V8 turns into a jump table, where one over `CSR.name` compares against a property
 * load of an imported object, case after case.
 */
const enum Slot { None, Sstatus, Sie, Sip, Stvec, Sscratch, Sepc, Scause, Stval, Satp, Scounteren, Senvcfg }

/** CSR numbers are 12 bits (inst[31:20]). */
const CSR_NUMBERS = 1 << 12;
const SLOT_OF: Uint8Array = (() => {
  const table = new Uint8Array(CSR_NUMBERS);
  const slots: [number, Slot][] = [
    [CSR.sstatus, Slot.Sstatus], [CSR.sie, Slot.Sie], [CSR.sip, Slot.Sip], [CSR.stvec, Slot.Stvec],
    [CSR.sscratch, Slot.Sscratch], [CSR.sepc, Slot.Sepc], [CSR.scause, Slot.Scause], [CSR.stval, Slot.Stval],
    [CSR.satp, Slot.Satp], [CSR.scounteren, Slot.Scounteren], [CSR.senvcfg, Slot.Senvcfg],
  ];
  for (const [csr, slot] of slots) table[csr] = slot;
  return table;
})();

/** S_INTERRUPTS as a module-level copy: sip is read at every entry (see SLOT_OF on imports). */
const S_LINES = S_INTERRUPTS;

function slotOf(csr: number): Slot {
  return csr >= 0 && csr < CSR_NUMBERS ? (SLOT_OF[csr] as Slot) : Slot.None;
}

function missing(csr: number): never {
  throw new Error(`virtual CSR 0x${csr.toString(16)} does not exist`);
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
    return (this.sipSoftware | this.sipHardware) & S_LINES;
  }

  /** The supervisor CSRs a guest kernel may touch; everything else is illegal for it (M-level
   *  CSRs, counters beyond the shadows the hardware serves, unknown numbers). */
  exists(csr: number): boolean {
    return slotOf(csr) !== Slot.None;
  }

  read(csr: number): number {
    switch (slotOf(csr)) {
      case Slot.Sstatus: return this.sstatus >>> 0;
      case Slot.Sie: return this.sie >>> 0;
      case Slot.Sip: return this.sip >>> 0;
      case Slot.Stvec: return this.stvec >>> 0;
      case Slot.Sscratch: return this.sscratch >>> 0;
      case Slot.Sepc: return this.sepc >>> 0;
      case Slot.Scause: return this.scause >>> 0;
      case Slot.Stval: return this.stval >>> 0;
      case Slot.Satp: return this.satp >>> 0;
      case Slot.Scounteren: return this.scounteren >>> 0;
      case Slot.Senvcfg: return this.senvcfg >>> 0;
      case Slot.None: return missing(csr);
    }
  }

  write(csr: number, value: number): CsrEffect {
    const v = value >>> 0;
    switch (slotOf(csr)) {
      case Slot.Sstatus: {
        const old = this.sstatus;
        this.sstatus = v & VSSTATUS_WRITABLE;
        const changed = old ^ this.sstatus;
        return ((changed & (SSTATUS.SUM | SSTATUS.MXR)) !== 0 ? CsrEffect.ViewChanged : 0) |
          ((changed & SSTATUS.SIE) !== 0 ? CsrEffect.Interrupts : 0);
      }
      case Slot.Sie:
        this.sie = v & S_INTERRUPTS;
        return CsrEffect.Interrupts;
      case Slot.Sip:
        // Only SSIP is writable through sip; STIP and SEIP follow the timer and the PLIC.
        this.sipSoftware = v & MIP.SSIP;
        return CsrEffect.Interrupts;
      case Slot.Stvec: {
        const mode = v & TVEC.MODE;
        this.stvec = mode === TVEC.MODE_DIRECT || mode === TVEC.MODE_VECTORED ? v : (v & ~TVEC.MODE) | (this.stvec & TVEC.MODE);
        return CsrEffect.None;
      }
      case Slot.Sscratch: this.sscratch = v; return CsrEffect.None;
      case Slot.Sepc: this.sepc = (v & ~3) >>> 0; return CsrEffect.None;
      case Slot.Scause: this.scause = v; return CsrEffect.None;
      case Slot.Stval: this.stval = v; return CsrEffect.None;
      case Slot.Satp: {
        // Sv32's ASID field is WARL; we keep all 9 bits (as the hart does).
        const changed = v !== this.satp;
        this.satp = v;
        return changed ? CsrEffect.FlushShadow : CsrEffect.None;
      }
      case Slot.Scounteren: this.scounteren = v & (COUNTEREN.CY | COUNTEREN.TM | COUNTEREN.IR); return CsrEffect.None;
      case Slot.Senvcfg: this.senvcfg = 0; return CsrEffect.None;
      case Slot.None: return missing(csr);
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
