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
 * one pc, never hundreds.
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
   *  idle cycles as given: whether that makes GUEST_STUCK_EXITS exits without progress. */
  stuck(pc: number, retired: number, idle: number): boolean {
    if (pc === this.pc && retired === this.retired && idle === this.idle) return ++this.repeats >= GUEST_STUCK_EXITS;
    this.pc = pc;
    this.retired = retired;
    this.idle = idle;
    this.repeats = 1;
    return false;
  }
}

/** The message of a VM stopped by the guard. */
export function stuckMessage(kind: ExitKind, pc: number): string {
  return `the guest takes exit after exit (${kind}) at pc 0x${(pc >>> 0).toString(16).padStart(8, '0')} ` +
    `without completing an instruction, ${GUEST_STUCK_EXITS} times in a row`;
}
