import { describe, expect, it } from 'vitest';
import { MIP } from '../../src/isa/csr.js';
import { Clint, CLINT } from '../../src/machine/devices/index.js';
import type { Clock } from '../../src/machine/device.js';
import { EventQueue } from '../../src/machine/events.js';
import { FakeClock, FakePins } from './fakes.js';

const MTIMECMP_LO = CLINT.MTIMECMP;
const MTIMECMP_HI = CLINT.MTIMECMP + 4;
const MTIME_LO = CLINT.MTIME;
const MTIME_HI = CLINT.MTIME + 4;

function board(harts = 1): { clint: Clint; clock: FakeClock; pins: FakePins[] } {
  const clock = new FakeClock(10);
  const pins = Array.from({ length: harts }, () => new FakePins(clock));
  const clint = new Clint({ clock, events: clock.events, harts: pins });
  return { clint, clock, pins };
}

/** Set mtimecmp of hart 0 the way RV32 Linux/OpenSBI do: high to all ones, low, then high,
 *  so no intermediate value is in the past. */
function setMtimecmp(clint: Clint, ticks: number, hart = 0): void {
  const base = CLINT.MTIMECMP + hart * CLINT.MTIMECMP_STRIDE;
  clint.write(base + 4, 4, 0xffff_ffff);
  clint.write(base, 4, ticks >>> 0);
  clint.write(base + 4, 4, Math.floor(ticks / 0x1_0000_0000));
}

describe('CLINT', () => {
  it('resets mtimecmp to all ones with MTIP and MSIP low', () => {
    const { clint, pins } = board();
    expect(clint.read(MTIMECMP_LO, 4)).toBe(0xffff_ffff);
    expect(clint.read(MTIMECMP_HI, 4)).toBe(0xffff_ffff);
    expect(clint.read(CLINT.MSIP, 4)).toBe(0);
    expect(pins[0]!.mip).toBe(0);
  });

  it('reads mtime from the clock, both halves, and ignores writes to it', () => {
    const { clint, clock } = board();
    clock.now = (0x1_2345_6789 * 10) + 3; // mtime = 0x1_2345_6789
    expect(clint.read(MTIME_LO, 4)).toBe(0x2345_6789);
    expect(clint.read(MTIME_HI, 4)).toBe(1);
    expect(clint.read(MTIME_LO, 2)).toBe(0x6789);
    expect(clint.read(MTIME_LO + 1, 1)).toBe(0x67);
    clint.write(MTIME_LO, 4, 0);
    expect(clint.read(MTIME_LO, 4)).toBe(0x2345_6789);
  });

  it('msip drives MSIP; only bit 0 is implemented', () => {
    const { clint, pins } = board();
    clint.write(CLINT.MSIP, 4, 0xffff_ffff);
    expect(clint.read(CLINT.MSIP, 4)).toBe(1);
    expect(pins[0]!.has(MIP.MSIP)).toBe(true);
    clint.write(CLINT.MSIP, 4, 0);
    expect(pins[0]!.has(MIP.MSIP)).toBe(false);
  });

  it('indexes msip and mtimecmp by hart id up to the configured count', () => {
    const { clint, clock, pins } = board(2);
    clint.write(CLINT.MSIP + CLINT.MSIP_STRIDE, 4, 1);
    expect(pins[1]!.has(MIP.MSIP)).toBe(true);
    expect(pins[0]!.has(MIP.MSIP)).toBe(false);
    // Hart 2 does not exist: reads 0, writes go nowhere.
    clint.write(CLINT.MSIP + 2 * CLINT.MSIP_STRIDE, 4, 1);
    expect(clint.read(CLINT.MSIP + 2 * CLINT.MSIP_STRIDE, 4)).toBe(0);
    setMtimecmp(clint, 5, 1);
    clock.runTo(49);
    expect(pins[1]!.has(MIP.MTIP)).toBe(false);
    clock.runTo(50);
    expect(pins[1]!.has(MIP.MTIP)).toBe(true);
    expect(pins[0]!.has(MIP.MTIP)).toBe(false);
  });

  it('raises MTIP at exactly the cycle mtime reaches mtimecmp', () => {
    const { clint, clock, pins } = board();
    setMtimecmp(clint, 100); // tick 100 = cycle 1000
    clock.runTo(999);
    expect(pins[0]!.has(MIP.MTIP)).toBe(false);
    clock.runTo(5000);
    expect(pins[0]!.has(MIP.MTIP)).toBe(true);
    const rises = pins[0]!.log.filter((e) => e.bit === MIP.MTIP && e.level);
    expect(rises.map((e) => e.cycle)).toEqual([1000]);
  });

  it('the three-write update sequence never glitches MTIP', () => {
    const { clint, clock, pins } = board();
    clock.now = 500; // mtime 50
    setMtimecmp(clint, 60);
    expect(pins[0]!.log.some((e) => e.bit === MIP.MTIP && e.level)).toBe(false);
  });

  it('re-arms: moving mtimecmp into the future lowers MTIP until the new deadline', () => {
    const { clint, clock, pins } = board();
    setMtimecmp(clint, 10);
    clock.runTo(100);
    expect(pins[0]!.has(MIP.MTIP)).toBe(true);
    setMtimecmp(clint, 30); // cycle 300
    expect(pins[0]!.has(MIP.MTIP)).toBe(false);
    clock.runTo(299);
    expect(pins[0]!.has(MIP.MTIP)).toBe(false);
    clock.runTo(300);
    expect(pins[0]!.has(MIP.MTIP)).toBe(true);
  });

  it('replaces a pending deadline instead of firing the old one', () => {
    const { clint, clock, pins } = board();
    setMtimecmp(clint, 10);
    setMtimecmp(clint, 50);
    clock.runTo(499);
    expect(pins[0]!.has(MIP.MTIP)).toBe(false);
    clock.runTo(500);
    expect(pins[0]!.has(MIP.MTIP)).toBe(true);
  });

  it('raises MTIP at once for a deadline already past, and all-ones disarms', () => {
    const { clint, clock, pins } = board();
    clock.now = 1000;
    clint.write(MTIMECMP_HI, 4, 0);
    clint.write(MTIMECMP_LO, 4, 5);
    expect(pins[0]!.has(MIP.MTIP)).toBe(true);
    clint.write(MTIMECMP_HI, 4, 0xffff_ffff);
    expect(pins[0]!.has(MIP.MTIP)).toBe(false);
    expect(clock.events.nextAt).toBe(Infinity);
  });

  it('narrow writes update the bytes of mtimecmp', () => {
    const { clint } = board();
    clint.write(MTIMECMP_LO, 1, 0x12);
    clint.write(MTIMECMP_LO + 2, 2, 0xabcd);
    expect(clint.read(MTIMECMP_LO, 4)).toBe(0xabcd_ff12);
  });

  it('reset() lowers the pins and disarms the timer', () => {
    const { clint, clock, pins } = board();
    clint.write(CLINT.MSIP, 4, 1);
    setMtimecmp(clint, 10);
    clint.reset();
    clock.runTo(10_000);
    expect(pins[0]!.mip).toBe(0);
  });

  it('survives a clock whose cycleOfMtime rounds early (no event storm)', () => {
    const events = new EventQueue();
    let now = 0;
    const clock: Clock = {
      cycles: () => now,
      mtime: () => Math.floor(now / 3),
      cycleOfMtime: (t) => t * 3 - 1, // one cycle too early
    };
    const pins = new FakePins();
    const clint = new Clint({ clock, events, harts: [pins] });
    clint.write(MTIMECMP_HI, 4, 0);
    clint.write(MTIMECMP_LO, 4, 10);
    for (now = 0; now <= 30; now++) if (events.nextAt <= now) events.runDue(now);
    expect(pins.has(MIP.MTIP)).toBe(true);
  });

  it('rejects an impossible hart count', () => {
    const clock = new FakeClock();
    expect(() => new Clint({ clock, events: clock.events, harts: [] })).toThrow(RangeError);
  });
});
