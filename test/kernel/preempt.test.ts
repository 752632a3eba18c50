/**
 * Preemption (guests/user/ktest_preempt.S): two processes that never yield both make progress,
 * interleaved by the timer; the letters they print alternate in runs.
 */
import { describe, expect, it } from 'vitest';
import { MIB, runKernel } from './harness.js';
import { reportObject } from './helpers.js';

describe('preemption', () => {
  it('two processes that never yield take turns', () => {
    const rounds = 8;
    const r = runKernel({ workload: 'ktest_preempt', ramBytes: 32 * MIB, params: { rounds, spin: 200_000 } });
    const letters = /^[pc]+$/m.exec(r.userConsole)?.[0] ?? '';
    expect(letters.length, r.explain()).toBe(2 * rounds);
    // Without preemption: pppppppp then cccccccc (one switch). With it, many runs.
    const switches = [...letters].filter((c, i) => i > 0 && c !== letters[i - 1]).length;
    expect(switches, letters).toBeGreaterThanOrEqual(4);
    expect(letters.indexOf('c')).toBeLessThan(letters.lastIndexOf('p'));
    expect(reportObject(r.console)).toEqual({ 'child-status': 3 });
    expect(r.kernelWord('timer_ticks')).toBeGreaterThanOrEqual(4);
    expect(r.stop).toEqual({ kind: 'power-off', code: 0 });
  });

  it('a run is deterministic: the same interleaving every time', () => {
    const run = () => runKernel({ workload: 'ktest_preempt', ramBytes: 32 * MIB, params: { rounds: 4, spin: 150_000 } });
    const a = run();
    const b = run();
    expect(b.console).toBe(a.console);
    expect(b.board.hart.cycle).toBe(a.board.hart.cycle);
  });
});
