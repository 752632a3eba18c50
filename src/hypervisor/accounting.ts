/**
 * Per-VM accounting: where a VM's simulated cycles went, and how many exits of each kind it
 * took. The categories are the cycle breakdown every report charts.
 */
import { EXIT_KINDS, type ExitKind } from './exits.js';

export const CYCLE_CATEGORIES = [
  'guestUser', 'guestKernel', 'worldSwitch', 'emulation', 'shadowPaging', 'nestedPaging', 'devices', 'sbi', 'hypercalls', 'idle',
] as const;
export type CycleCategory = (typeof CYCLE_CATEGORIES)[number];

export { EXIT_KINDS, type ExitKind } from './exits.js';

export class VmAccounting {
  readonly cycles: Record<CycleCategory, number> = Object.fromEntries(CYCLE_CATEGORIES.map((c) => [c, 0])) as Record<CycleCategory, number>;
  readonly exits: Record<ExitKind, number> = Object.fromEntries(EXIT_KINDS.map((k) => [k, 0])) as Record<ExitKind, number>;
  /** Guest instructions by the guest's virtual privilege. */
  instructions = { user: 0, kernel: 0 };
  /** Traps the guest saw, by cause name — the same events a native run counts as traps
   *  (reflected exceptions and interrupts, and SBI calls as ecalls from S). */
  readonly guestTraps: Record<string, number> = {};
  /** Hypercalls performed, by name (src/abi/hypercalls.ts; 'unknown' for a number not in the
   *  table): each direct call once and each call inside a MULTICALL once, so the `hypercall`
   *  exits are fewer than these when the guest batches. */
  readonly hypercalls: Record<string, number> = {};

  countGuestTrap(name: string): void {
    this.guestTraps[name] = (this.guestTraps[name] ?? 0) + 1;
  }

  countHypercall(name: string): void {
    this.hypercalls[name] = (this.hypercalls[name] ?? 0) + 1;
  }

  totalExits(): number {
    return EXIT_KINDS.reduce((n, k) => n + this.exits[k], 0);
  }

  snapshot(): { cycles: Record<CycleCategory, number>; exits: Record<ExitKind, number>; instructions: { user: number; kernel: number } } {
    return { cycles: { ...this.cycles }, exits: { ...this.exits }, instructions: { ...this.instructions } };
  }

}
