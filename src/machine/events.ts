/**
 * A queue of future events in simulated cycles (timer deadlines, device completions).
 *
 * The hart compares its cycle counter with `nextAt` once per instruction; everything else
 * about time happens here, off the hot path. Events are identified by a key so that re-arming
 * a deadline (a new mtimecmp) replaces the old one instead of piling up.
 */

export class EventQueue {
  /** Cycle of the earliest pending event (Infinity when none). */
  nextAt = Infinity;
  private readonly events = new Map<string, { at: number; fire: () => void }>();

  /** Arrange for `fire` to run once the cycle counter reaches `at`. Replaces the event `key`. */
  schedule(key: string, at: number, fire: () => void): void {
    this.events.set(key, { at, fire });
    if (at < this.nextAt) this.nextAt = at;
  }

  cancel(key: string): void {
    if (this.events.delete(key)) this.recompute();
  }

  /** Request attention at the next instruction boundary (e.g. an interrupt line changed). */
  poke(): void {
    this.nextAt = 0;
  }

  /** Fire every event due at `now`, in order of due cycle then key (deterministic). */
  runDue(now: number): void {
    for (;;) {
      let due: [string, { at: number; fire: () => void }] | undefined;
      for (const e of this.events) {
        if (e[1].at <= now && (due === undefined || e[1].at < due[1].at ||
          (e[1].at === due[1].at && e[0] < due[0]))) due = e;
      }
      if (due === undefined) break;
      this.events.delete(due[0]);
      due[1].fire();
    }
    this.recompute();
  }

  private recompute(): void {
    let next = Infinity;
    for (const e of this.events.values()) if (e.at < next) next = e.at;
    this.nextAt = next;
  }
}
