/**
 * VM exits, one vocabulary for every technique: what the hart hands the hypervisor when the
 * guest traps (`Exit`, a closed union the vCPU dispatches with an exhaustiveness check, in the
 * style of KVM_RUN's exit reasons and kvmtool's / Firecracker's run loops), and what a handled
 * exit turned out to be (`ExitKind`, the counters every report shows).
 *
 * The causes that reach the hypervisor differ by technique but never collide, so one classifier
 * serves all: trap-and-emulate (the guest in real U-mode) sees illegal instructions, ecalls and
 * shadow page faults; hardware assist (the guest in VS/VU-mode) sees virtual instructions,
 * ecalls from VS and guest-page faults, plus shadow page faults when it uses shadow paging.
 */
import { Cause, CAUSE_INTERRUPT } from '../isa/causes.js';
import { Access } from '../machine/mmu.js';
import type { TrapStop } from '../machine/hart.js';

export type Exit =
  /** An instruction the guest may not execute in real U-mode (trap-and-emulate): a privileged
   *  instruction of the guest kernel to emulate, or one illegal for the guest too. insn = tval. */
  | { reason: 'illegal-instruction'; pc: number; insn: number }
  /** Something HS-mode could do that the guest in VS/VU may not (hardware assist: hstatus.VTW,
   *  VTVM, the H CSRs). insn = tval. */
  | { reason: 'virtual-instruction'; pc: number; insn: number }
  /** ecall that reached the hypervisor: an SBI call or hypercall from the guest kernel, or
   *  (trap-and-emulate) a system call from guest user mode. */
  | { reason: 'ecall'; pc: number }
  /** A page fault on shadow page tables: hidden (fill), a device (emulate) or the guest's own. */
  | { reason: 'page-fault'; pc: number; access: Access; va: number }
  /** The G-stage refused guest-physical `gpa` (nested paging): unmapped RAM, a device, or
   *  nothing. tinst is htinst: the transformed load/store, a walk's pseudoinstruction, or 0. */
  | { reason: 'guest-page-fault'; pc: number; access: Access; va: number; gpa: number; tinst: number }
  /** Any other exception, which belongs to the guest (misaligned, breakpoint, access fault). */
  | { reason: 'exception'; pc: number; cause: number; tval: number }
  /** The vCPU gave control back so a virtual interrupt or a time slice can be handled. */
  | { reason: 'interrupt' };

export type ExitReason = Exit['reason'];

/** What an exit turned out to be, once handled. A closed set: every handler returns one. */
export const EXIT_KINDS = [
  /** A trapped csrr/csrw/csrs/csrc (or immediate form) emulated on the virtual CSRs. */
  'csr',
  /** sret emulated: back to the guest's virtual U or S mode. */
  'sret',
  /** sfence.vma emulated: shadow page tables flushed. */
  'sfence',
  /** wfi emulated: the vCPU waits for a virtual interrupt. */
  'wfi',
  /** An SBI call served by the hypervisor (ecall from the guest kernel). */
  'sbi',
  /** A hypercall (paravirtual guests, and the pvio build's drivers). */
  'hypercall',
  /** A hidden page fault: a shadow page-table entry filled, the instruction re-executed. */
  'shadow-fill',
  /** A guest-page fault on guest RAM (hw-assist): a G-stage entry filled, re-executed. */
  'gstage-fill',
  /** Shadow paging in trace mode: a guest store to one of its page tables, performed by the
   *  hypervisor, the stale shadow entries dropped. */
  'pte-write',
  /** A device register access decoded and emulated. */
  'mmio',
  /** A system call from guest user mode, reflected to the guest kernel. */
  'reflect-syscall',
  /** A page fault that is the guest's own, reflected to the guest kernel. */
  'reflect-page-fault',
  /** Any other guest exception reflected (illegal instruction, misaligned, breakpoint…). */
  'reflect-exception',
  /** The vCPU stopped to deliver a virtual interrupt (timer, device). */
  'interrupt',
] as const;
export type ExitKind = (typeof EXIT_KINDS)[number];

const PAGE_FAULT_ACCESS: Partial<Record<number, Access>> = {
  [Cause.InstructionPageFault]: Access.Fetch,
  [Cause.LoadPageFault]: Access.Load,
  [Cause.StorePageFault]: Access.Store,
};
const GUEST_PAGE_FAULT_ACCESS: Partial<Record<number, Access>> = {
  [Cause.InstructionGuestPageFault]: Access.Fetch,
  [Cause.LoadGuestPageFault]: Access.Load,
  [Cause.StoreGuestPageFault]: Access.Store,
};

/** Turn a hart trap handed to the host (Hart.exitToHost) into a new Exit. */
export function classifyTrap(stop: TrapStop): Exit {
  return new ExitRecords().classify(stop);
}

type ExitOf<R extends ExitReason> = Extract<Exit, { reason: R }>;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Which record classify() fills, by exception cause: a table load and a switch with literal
 *  cases (a jump table), where a switch over `Cause.name` compares against a load of an
 *  imported object, case after case, at every exit. */
const enum ExitRecord { Exception, Illegal, Virtual, Ecall, GuestPageFault, PageFault }
/** Exception cause codes are below this (the trap-cause counters' bound too). */
const CAUSE_CODES = 64;
const RECORD_OF: Uint8Array = (() => {
  const table = new Uint8Array(CAUSE_CODES).fill(ExitRecord.Exception);
  table[Cause.IllegalInstruction] = ExitRecord.Illegal;
  table[Cause.VirtualInstruction] = ExitRecord.Virtual;
  table[Cause.EnvironmentCallFromU] = table[Cause.EnvironmentCallFromVS] = ExitRecord.Ecall;
  for (const c of Object.keys(GUEST_PAGE_FAULT_ACCESS)) table[Number(c)] = ExitRecord.GuestPageFault;
  for (const c of Object.keys(PAGE_FAULT_ACCESS)) table[Number(c)] = ExitRecord.PageFault;
  return table;
})();
const INTERRUPT_BIT = CAUSE_INTERRUPT;

/** The exit of a hart stopped to give a virtual interrupt or a time slice its turn. */
export const INTERRUPT_EXIT: Exit = Object.freeze({ reason: 'interrupt' });

/**
 * One Exit of each reason, refilled exit after exit, so that the exit path allocates nothing
 * (a vCPU owns one). An Exit it returns is valid until the next classify(): a handler or an
 * observer that keeps one keeps a copy.
 */
export class ExitRecords {
  private readonly illegal: Mutable<ExitOf<'illegal-instruction'>> = { reason: 'illegal-instruction', pc: 0, insn: 0 };
  private readonly virtual: Mutable<ExitOf<'virtual-instruction'>> = { reason: 'virtual-instruction', pc: 0, insn: 0 };
  private readonly ecall: Mutable<ExitOf<'ecall'>> = { reason: 'ecall', pc: 0 };
  private readonly pageFault: Mutable<ExitOf<'page-fault'>> = { reason: 'page-fault', pc: 0, access: Access.Fetch, va: 0 };
  private readonly guestPageFault: Mutable<ExitOf<'guest-page-fault'>> = {
    reason: 'guest-page-fault', pc: 0, access: Access.Fetch, va: 0, gpa: 0, tinst: 0,
  };
  private readonly exception: Mutable<ExitOf<'exception'>> = { reason: 'exception', pc: 0, cause: 0, tval: 0 };

  classify(stop: TrapStop): Exit {
    const { cause, tval, pc } = stop;
    if ((cause & INTERRUPT_BIT) !== 0) return INTERRUPT_EXIT;
    switch (cause < CAUSE_CODES ? RECORD_OF[cause] as ExitRecord : ExitRecord.Exception) {
      case ExitRecord.Illegal: {
        const e = this.illegal;
        e.pc = pc;
        e.insn = tval;
        return e;
      }
      case ExitRecord.Virtual: {
        const e = this.virtual;
        e.pc = pc;
        e.insn = tval;
        return e;
      }
      case ExitRecord.Ecall: {
        const e = this.ecall;
        e.pc = pc;
        return e;
      }
      case ExitRecord.GuestPageFault: {
        const e = this.guestPageFault;
        e.pc = pc;
        e.access = GUEST_PAGE_FAULT_ACCESS[cause] as Access;
        e.va = tval;
        // htval holds the guest-physical address >> 2; the low bits equal the virtual address's
        // (a page offset is the same at both stages).
        e.gpa = stop.tval2 * 4 + (tval & 3);
        e.tinst = stop.tinst;
        return e;
      }
      case ExitRecord.PageFault: {
        const e = this.pageFault;
        e.pc = pc;
        e.access = PAGE_FAULT_ACCESS[cause] as Access;
        e.va = tval;
        return e;
      }
      case ExitRecord.Exception: {
        const e = this.exception;
        e.pc = pc;
        e.cause = cause;
        e.tval = tval;
        return e;
      }
    }
  }
}
