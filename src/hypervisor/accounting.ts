/**
 * Per-VM accounting: where a VM's simulated cycles went, and how many exits of each kind it
 * took. The categories are the cycle breakdown every report charts.
 */
import { HYPERCALL_BY_NUMBER } from '../abi/hypercalls.js';
import { CAUSE_INTERRUPT, causeName } from '../isa/causes.js';
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
  private readonly traps = new CountsByName(2 * CAUSE_CODES, trapName);
  private readonly calls = new CountsByName(HYPERCALL_NUMBERS + 1, hypercallName);

  /** Traps the guest saw, by cause name — the same events a native run counts as traps
   *  (reflected exceptions and interrupts, and SBI calls as ecalls from S). */
  get guestTraps(): Record<string, number> {
    return this.traps.record();
  }

  /** Hypercalls performed, by name (src/abi/hypercalls.ts; 'unknown' for a number not in the
   *  table): each direct call once and each call inside a MULTICALL once, so the `hypercall`
   *  exits are fewer than these when the guest batches. */
  get hypercalls(): Record<string, number> {
    return this.calls.record();
  }

  /** The guest saw a trap of this cause (mcause encoding: interrupts have the top bit set). */
  countGuestTrap(cause: number): void {
    const code = cause & ~INTERRUPT_BIT;
    if (code >= CAUSE_CODES) throw new RangeError(`no trap cause has code ${code}`);
    this.traps.add((cause & INTERRUPT_BIT) !== 0 ? CAUSE_CODES + code : code);
  }

  /** The guest made hypercall number `fn` (any number: one the ABI table lacks is 'unknown'). */
  countHypercall(fn: number): void {
    this.calls.add(fn >= 0 && fn < HYPERCALL_NUMBERS && KNOWN_HYPERCALL[fn] === 1 ? fn : HYPERCALL_NUMBERS);
  }

  totalExits(): number {
    return EXIT_KINDS.reduce((n, k) => n + this.exits[k], 0);
  }

  snapshot(): { cycles: Record<CycleCategory, number>; exits: Record<ExitKind, number>; instructions: { user: number; kernel: number } } {
    return { cycles: { ...this.cycles }, exits: { ...this.exits }, instructions: { ...this.instructions } };
  }

}

/** Exception and interrupt codes (below 64 in every RISC-V cause encoding). */
const CAUSE_CODES = 64;

// Module-level copies of imported constants and functions used at every exit: an imported
// binding is a cell load with a hole check at each use, and an imported object's field one more
// load, which V8 does not fold into a constant (see Hart's copies).
const INTERRUPT_BIT = CAUSE_INTERRUPT;
/** One more than the highest hypercall number of the ABI table; slot HYPERCALL_NUMBERS is 'unknown'. */
const HYPERCALL_NUMBERS = Math.max(...HYPERCALL_BY_NUMBER.keys()) + 1;

const KNOWN_HYPERCALL = new Uint8Array(HYPERCALL_NUMBERS);
for (const n of HYPERCALL_BY_NUMBER.keys()) KNOWN_HYPERCALL[n] = 1;

const trapName = (slot: number): string => causeName(slot >= CAUSE_CODES ? (CAUSE_INTERRUPT | (slot - CAUSE_CODES)) >>> 0 : slot);
const hypercallName = (slot: number): string => HYPERCALL_BY_NUMBER.get(slot)?.name ?? 'unknown';

/**
 * Counters by a small slot number, named only when read, in the order they were first counted:
 * what a record keyed by name gives, without `record[name]++` on the exit path — a keyed store
 * whose name varies, megamorphic in V8 and dearer than the rest of an exit's bookkeeping.
 */
class CountsByName {
  private readonly counts: Float64Array;
  private readonly order: number[] = [];

  constructor(slots: number, private readonly nameOf: (slot: number) => string) {
    this.counts = new Float64Array(slots);
  }

  add(slot: number): void {
    const n = this.counts[slot] as number;
    if (n === 0) this.order.push(slot);
    this.counts[slot] = n + 1;
  }

  record(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const slot of this.order) out[this.nameOf(slot)] = this.counts[slot] as number;
    return out;
  }
}
