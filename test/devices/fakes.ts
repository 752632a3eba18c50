/**
 * Stand-ins for the board around a device under test: a settable simulated clock that runs the
 * EventQueue at exact cycles, interrupt pins and lines that record what was driven.
 */
import type { Clock, InterruptPins, IrqLine } from '../../src/machine/device.js';
import { EventQueue } from '../../src/machine/events.js';

/** A clock at `cyclesPerTick` cycles per mtime tick, advanced by the test. */
export class FakeClock implements Clock {
  now = 0;
  constructor(readonly cyclesPerTick = 10, readonly events = new EventQueue()) {}

  cycles(): number {
    return this.now;
  }

  mtime(): number {
    return Math.floor(this.now / this.cyclesPerTick);
  }

  cycleOfMtime(ticks: number): number {
    return ticks * this.cyclesPerTick;
  }

  /** Move to cycle `target`, firing each due event at exactly its cycle, as the hart does. */
  runTo(target: number): void {
    for (let guard = 0; this.events.nextAt <= target; guard++) {
      if (guard > 10_000) throw new Error('event storm: an event keeps re-scheduling itself');
      this.now = Math.max(this.now, this.events.nextAt);
      this.events.runDue(this.now);
    }
    this.now = Math.max(this.now, target);
  }

  advance(cycles: number): void {
    this.runTo(this.now + cycles);
  }
}

/** A hart's mip inputs; remembers the cycle of every change. */
export class FakePins implements InterruptPins {
  mip = 0;
  readonly log: { bit: number; level: boolean; cycle: number }[] = [];
  constructor(private readonly clock?: Clock) {}

  setPending(mipBit: number, level: boolean): void {
    this.mip = level ? this.mip | mipBit : this.mip & ~mipBit;
    this.log.push({ bit: mipBit, level, cycle: this.clock?.cycles() ?? 0 });
  }

  has(mipBit: number): boolean {
    return (this.mip & mipBit) !== 0;
  }
}

/** An interrupt line; counts rising edges. */
export class FakeIrq implements IrqLine {
  level = false;
  rises = 0;
  set(level: boolean): void {
    if (level && !this.level) this.rises++;
    this.level = level;
  }
}
