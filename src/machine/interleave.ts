/**
 * Several harts on one board, run one at a time in a fixed order, each for a quantum of
 * simulated cycles: deterministic (the same state gives the same interleaving, and so the same
 * counters), and consistent with one mtime.
 *
 * Rounds. Let c be the lowest cycle count of any hart and D the first multiple of the quantum
 * above it. In hart order, every hart below D runs until its cycle count reaches D (or
 * something stops it). So each hart's clock stays within a quantum (plus the cost of its last
 * instruction: a trap entry, a device access) of every other's, and the schedule depends only
 * on the harts' cycle counts: a run() cut short by an instruction limit and resumed continues
 * exactly where it was.
 *
 * Time. Each hart keeps its own cycle counter (its `cycle` and `mcycle`); the devices' clock —
 * mtime, the CLINT's comparators, device latencies — is the cycle counter of the hart running
 * now. Events (timer deadlines, disk completions) fire when the running hart reaches them. An
 * interrupt raised for another hart is seen by it at the start of its next turn: a hart asleep
 * in WFI first sleeps up to the cycle at which the line rose (pins()), so it wakes when the IPI
 * was sent or its deadline passed; a hart that is running sees it up to a quantum early or late
 * in its own time. Harts switch at instruction boundaries only, so every instruction, AMOs
 * included, is atomic; an lr.w/sc.w pair is not, and reservations across harts are
 * reservations.ts's business.
 *
 * Waiting. A hart in WFI leaps to the end of the round (Hart.run does the leap when an event is
 * due before; when nothing is scheduled at all, here). When every hart waits, the round ends at
 * the next event instead (every hart sleeps up to it; the next round fires it), so a machine
 * whose harts all sleep costs no host time per quantum, and the hart an event wakes wakes at
 * the event's own cycle. When every hart waits and nothing is scheduled, no hart can wake
 * another: `idle`. A hart that its firmware keeps stopped (in WFI until an SBI HSM
 * hart_start) thus takes no time.
 */
import type { Clock, InterruptPins } from './device.js';
import type { Hart, HartStop } from './hart.js';

/**
 * Cycles each hart runs before the next one's turn: 1 µs at the default 1 GHz clock, ten ticks
 * of the 10 MHz timebase. Short enough that an IPI, a lock hand-over or a remote fence waits at
 * most about a microsecond (the order of an IPI's latency on real RISC-V parts) and a
 * spin-waiting hart wastes at most that much per round; long enough that switching harts (a
 * call of Hart.run each) costs little host time beside the ~1,000 instructions in between.
 */
export const HART_QUANTUM_CYCLES = 1000;

const BUDGET_STOP: HartStop = Object.freeze({ kind: 'budget' });

export class Interleaver implements Clock {
  /** Index of the hart running now (or last). */
  current = 0;
  /** By hart: the earliest cycle (of the hart running then) at which a device or another hart
   *  raised one of its interrupt lines while it waited in WFI; Infinity when none. */
  private readonly raisedAt: Float64Array;

  constructor(readonly harts: readonly Hart[], readonly quantum = HART_QUANTUM_CYCLES) {
    if (harts.length < 1) throw new RangeError('an interleaver needs at least one hart');
    if (!Number.isInteger(quantum) || quantum < 1) throw new RangeError(`quantum ${quantum} must be a positive integer`);
    this.raisedAt = new Float64Array(harts.length).fill(Infinity);
  }

  /**
   * Hart `h`'s interrupt inputs as the devices (CLINT, PLIC) drive them. A line raised while
   * the hart waits and another hart runs is noted with the running hart's cycle: the waiting
   * hart then sleeps until that cycle before its turn, so it wakes when the IPI was sent or the
   * deadline passed, not earlier in its own time.
   */
  pins(h: number): InterruptPins {
    const hart = this.harts[h] as Hart;
    return {
      setPending: (mipBit, level) => {
        if (level && h !== this.current && hart.waiting) {
          this.raisedAt[h] = Math.min(this.raisedAt[h] as number, this.running().cycle);
        }
        hart.setPending(mipBit, level);
      },
    };
  }

  /** The hart running now: it owns the clock, device-access charges and stop requests. */
  running(): Hart {
    return this.harts[this.current] as Hart;
  }

  // ---- Clock: the running hart's ----------------------------------------------------------

  cycles(): number {
    return this.running().cycle;
  }

  mtime(): number {
    return this.running().mtime();
  }

  cycleOfMtime(ticks: number): number {
    return this.running().cycleOfMtime(ticks);
  }

  /** Instructions retired by all harts. */
  retired(): number {
    let n = 0;
    for (const h of this.harts) n += h.retired;
    return n;
  }

  /**
   * Run the harts in rounds until `maxInsns` instructions have retired in all (counted
   * together), every hart's cycle count reaches `untilCycle`, or a hart stops for a reason
   * other than its turn ending (power-off, reset, a trap loop…), which is returned.
   */
  run(maxInsns: number, untilCycle = Infinity): HartStop {
    const start = this.retired();
    for (;;) {
      let low = Infinity;
      let allWaiting = true;
      for (const h of this.harts) {
        low = Math.min(low, h.cycle);
        if (!h.waiting || h.csr.pendingEnabled() !== 0) allWaiting = false;
      }
      if (low >= untilCycle) return BUDGET_STOP;
      const events = this.running().events;
      if (allWaiting && events.nextAt === Infinity) return { kind: 'idle', pc: this.running().pc >>> 0 };
      let end = (Math.floor(low / this.quantum) + 1) * this.quantum;
      // Everyone asleep: this round ends at the next event, so that every hart has slept up to
      // it before the hart whose turn comes first fires it (and wakes whichever hart it is
      // for, at that hart's same cycle); the next round is on the quantum's grid again.
      if (allWaiting) end = Math.max(end, events.nextAt);
      end = Math.min(end, untilCycle);

      const before = this.retired();
      let idle = 0;
      for (let i = 0; i < this.harts.length; i++) {
        const hart = this.harts[i] as Hart;
        if (hart.cycle >= end) continue;
        const left = maxInsns - (this.retired() - start);
        if (left <= 0) return { kind: 'insn-limit', pc: hart.pc >>> 0 };
        const raised = this.raisedAt[i] as number;
        this.raisedAt[i] = Infinity;
        if (hart.waiting && raised > hart.cycle && raised !== Infinity) {
          // Asleep until another hart or a device raised its line (see pins()).
          const until = Math.min(raised, end);
          hart.idleCycles += until - hart.cycle;
          hart.cycle = until;
        }
        this.current = i;
        const stop = hart.run(left, end);
        switch (stop.kind) {
          case 'budget': break;
          case 'idle':
            // Waiting with nothing scheduled: another hart may still wake it. Its turn is over.
            hart.idleCycles += end - hart.cycle;
            hart.cycle = end;
            idle++;
            break;
          default: return stop;
        }
      }
      // Every hart waited the whole round and none ran an instruction that could have woken
      // another: nothing ever will.
      if (idle === this.harts.length && this.retired() === before) {
        return { kind: 'idle', pc: this.running().pc >>> 0 };
      }
    }
  }
}
