/**
 * VM exits: what the hart hands the hypervisor when the guest traps, classified into a closed
 * union that the vCPU dispatches with an exhaustiveness check (the style of KVM_RUN's exit
 * reasons, and of kvmtool's / Firecracker's run loops: one verb per case).
 */
import { Cause, CAUSE_INTERRUPT } from '../isa/causes.js';
import { Access } from '../machine/mmu.js';
import type { HartStop } from '../machine/hart.js';

export type Exit =
  /** An instruction the guest may not execute in real U-mode: a privileged instruction of the
   *  guest kernel to emulate, or one that is illegal for the guest as well. tval = the word. */
  | { reason: 'illegal-instruction'; pc: number; insn: number }
  /** ecall: an SBI call from the guest kernel, or a system call from guest user mode. */
  | { reason: 'ecall'; pc: number }
  /** A page fault on the shadow page tables: hidden (fill), device (emulate) or the guest's. */
  | { reason: 'page-fault'; pc: number; access: Access; va: number }
  /** Any other exception, which belongs to the guest (misaligned, breakpoint, access fault). */
  | { reason: 'exception'; pc: number; cause: number; tval: number }
  /** The vCPU gave control back so a virtual interrupt or a time slice can be handled. */
  | { reason: 'interrupt' };

const PAGE_FAULT_ACCESS: Partial<Record<number, Access>> = {
  [Cause.InstructionPageFault]: Access.Fetch,
  [Cause.LoadPageFault]: Access.Load,
  [Cause.StorePageFault]: Access.Store,
};

/** Turn a hart trap (exitToHost) into an Exit. */
export function classifyTrap(stop: Extract<HartStop, { kind: 'trap' }>): Exit {
  const { cause, tval, pc } = stop;
  if ((cause & CAUSE_INTERRUPT) !== 0) return { reason: 'interrupt' };
  if (cause === Cause.IllegalInstruction) return { reason: 'illegal-instruction', pc, insn: tval };
  if (cause === Cause.EnvironmentCallFromU) return { reason: 'ecall', pc };
  const access = PAGE_FAULT_ACCESS[cause];
  if (access !== undefined) return { reason: 'page-fault', pc, access, va: tval };
  return { reason: 'exception', pc, cause, tval };
}
