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
import type { HartStop } from '../machine/hart.js';

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

/** Turn a hart trap handed to the host (Hart.exitToHost) into an Exit. */
export function classifyTrap(stop: Extract<HartStop, { kind: 'trap' }>): Exit {
  const { cause, tval, pc } = stop;
  if ((cause & CAUSE_INTERRUPT) !== 0) return { reason: 'interrupt' };
  switch (cause) {
    case Cause.IllegalInstruction: return { reason: 'illegal-instruction', pc, insn: tval };
    case Cause.VirtualInstruction: return { reason: 'virtual-instruction', pc, insn: tval };
    case Cause.EnvironmentCallFromU: case Cause.EnvironmentCallFromVS: return { reason: 'ecall', pc };
    default: break;
  }
  const gAccess = GUEST_PAGE_FAULT_ACCESS[cause];
  // htval holds the guest-physical address >> 2; the low bits equal the virtual address's
  // (a page offset is the same at both stages).
  if (gAccess !== undefined) return { reason: 'guest-page-fault', pc, access: gAccess, va: tval, gpa: stop.tval2 * 4 + (tval & 3), tinst: stop.tinst };
  const access = PAGE_FAULT_ACCESS[cause];
  if (access !== undefined) return { reason: 'page-fault', pc, access, va: tval };
  return { reason: 'exception', pc, cause, tval };
}
