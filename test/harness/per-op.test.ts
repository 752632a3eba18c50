import { describe, expect, it } from 'vitest';
import { runNative } from '../../src/guest/native.js';
import { measurePerOperation } from '../../src/harness/per-op.js';
import type { RunCounters } from '../../src/guest/counters.js';

function native(workload: string, params: Record<string, number> = {}) {
  return (iterations: number): RunCounters => {
    const r = runNative({ build: 'unmodified', workload, params: { ...params, iterations }, ramBytes: 32 * 1024 * 1024 });
    if (r.stop.kind !== 'power-off' || r.stop.code !== 0) throw new Error(`${workload} stopped: ${JSON.stringify(r.stop)}\n${r.console}`);
    return r.counters;
  };
}

describe('per-operation cost by difference', () => {
  it('null-syscall: exactly one system call per operation, no page faults, constant cost', () => {
    const a = measurePerOperation(native('null-syscall'), 100);
    expect(a.perOp.traps['EnvironmentCallFromU']).toBe(1);
    expect(a.perOp.traps['StorePageFault'] ?? 0).toBe(0);
    expect(a.perOp.instructions.firmware).toBe(0);
    expect(a.perOp.instructions.kernel).toBeGreaterThan(10);
    // A different N gives nearly the same figure: what differs is what does not scale with the
    // operations (printing N's digits; timer ticks once runs are long), spread over N.
    const b = measurePerOperation(native('null-syscall'), 37);
    expect(Math.abs(b.perOp.cycles - a.perOp.cycles) / a.perOp.cycles).toBeLessThan(0.01);
  });

  it('page-fault: one store page fault per operation', () => {
    const r = measurePerOperation(native('page-fault'), 20);
    expect(r.perOp.traps['StorePageFault']).toBe(1);
  });

  it('compute: no kernel involvement at all', () => {
    const r = measurePerOperation(native('compute'), 5);
    expect(r.perOp.instructions.kernel).toBe(0);
    expect(r.perOp.instructions.firmware).toBe(0);
    expect(Object.values(r.perOp.traps).every((v) => v === 0)).toBe(true);
    expect(r.perOp.instructions.user).toBeGreaterThan(0);
  });

  it('the two runs themselves are reproducible bit for bit', () => {
    const run = native('fork');
    expect(run(3)).toEqual(run(3));
  });

  it('refuses a non-positive operation count', () => {
    expect(() => measurePerOperation(native('null-syscall'), 0)).toThrow(/positive whole number/);
  });
});
