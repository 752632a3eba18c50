/**
 * The no-progress guard of the vCPU core: a guest that takes exit after exit and comes back
 * each time to the same instruction without having completed anything — no instruction
 * retired, no time spent waiting for an event — can never make progress: a shadow or G-stage
 * fill that does not take, a hypercall that returns onto itself, a handler that faults on its
 * own first instruction. The vCPU stops such a VM with a reason instead of spinning forever
 * (and instead of relying on the caller's exit or time bound to end it).
 *
 * Every legitimate exit either completes the instruction (emulation, a hypercall: the pc moves
 * on), lets the guest's handler run (a delivery: its instructions retire), or is one of the few
 * fills one instruction needs (its fetch, its data, their page tables): a handful in a row at
 * one pc, never hundreds. An instruction the hypervisor completes does not retire on the hart,
 * so the guard is told of it: a guest looping through one emulated instruction and a trap of
 * its own that the hardware delivers without an exit (hw-assist: `h: sfence.vma; ebreak` with
 * stvec = h) resumes at the same pc after every exit, retires nothing, and still progresses —
 * its loop is the guest's, for the caller's exit and time bounds to end.
 */
import type { ExitKind } from './exits.js';

/** Exits in a row at one pc without an instruction retired or a cycle spent waiting that
 *  count as a guest that can never make progress (far above the few fills one instruction
 *  needs). */
export const GUEST_STUCK_EXITS = 1024;

export class ProgressGuard {
  private pc = -1;
  private retired = -1;
  private idle = -1;
  private repeats = 0;

  reset(): void {
    this.pc = this.retired = this.idle = -1;
    this.repeats = 0;
  }

  /** After an exit the guest resumes from at `pc`, with the hart's retired instructions and
   *  idle cycles as given, the exit's handler having `completed` the guest's instruction or
   *  not (completesInstruction): whether that makes GUEST_STUCK_EXITS exits without progress. */
  stuck(pc: number, retired: number, idle: number, completed = false): boolean {
    if (!completed && pc === this.pc && retired === this.retired && idle === this.idle) return ++this.repeats >= GUEST_STUCK_EXITS;
    this.pc = pc;
    this.retired = retired;
    this.idle = idle;
    this.repeats = 1;
    return false;
  }
}

/**
 * Whether an exit of this kind completes the guest's instruction when its handler moves the pc
 * off it: emulation, SBI calls and hypercalls do; deliveries (the guest's handler runs next),
 * fills (the instruction runs again) and interrupts do not.
 */
export function completesInstruction(kind: ExitKind): boolean {
  switch (kind) {
    case 'csr': case 'sret': case 'sfence': case 'wfi': case 'sbi': case 'hypercall': case 'pte-write': case 'mmio':
      return true;
    case 'shadow-fill': case 'gstage-fill': case 'reflect-syscall': case 'reflect-page-fault': case 'reflect-exception': case 'interrupt':
      return false;
    default: {
      const never: never = kind;
      throw new Error(`unknown exit kind ${String(never)}`);
    }
  }
}

/** The message of a VM stopped by the guard. */
export function stuckMessage(kind: ExitKind, pc: number): string {
  return `the guest takes exit after exit (${kind}) at pc 0x${(pc >>> 0).toString(16).padStart(8, '0')} ` +
    `without completing an instruction, ${GUEST_STUCK_EXITS} times in a row`;
}
