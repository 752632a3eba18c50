/**
 * Host micro-benchmarks (src/harness/host-bench.ts): the shape of the result only — the values
 * are host time of this machine, so nothing here asserts on speed.
 */
import { describe, expect, it } from 'vitest';
import {
  HOST_COST_LABEL, HOST_OPERATIONS, exitsPerOperation, measureHostCosts,
} from '../../src/harness/host-bench.js';

describe('measureHostCosts', () => {
  // A difference of two noisy host timings can come out at any sign on a busy machine: only
  // that every row is there, and is a number, is this machine-independent.
  it('returns native, trapped CSR write, reflected syscall and hypercall rows with finite ns', async () => {
    const rows = await measureHostCosts({ timeMs: 40, operations: 500 });
    expect(rows.map((r) => r.kind)).toEqual(['native', 'trapped', 'trapped', 'hypercall']);
    expect(rows.map((r) => r.operation)).toEqual(HOST_OPERATIONS.map((o) => o.operation));
    for (const r of rows) {
      expect(Number.isFinite(r.ns), `${r.operation}: ${r.ns}`).toBe(true);
      expect(Object.keys(r)).toEqual(expect.arrayContaining(['kind', 'ns', 'operation']));
    }
  }, 30_000);

  it('measures what it says: exits per operation of each guest', () => {
    expect(HOST_OPERATIONS.map((o) => [o.id, exitsPerOperation(o.id, 100)])).toEqual([
      ['csr-native', 0], ['csr-trapped', 1], ['syscall-reflected', 4], ['hypercall', 1],
    ]);
  });

  it('refuses a bad budget or operation count', async () => {
    await expect(measureHostCosts({ timeMs: 0 })).rejects.toThrow(/timeMs/);
    await expect(measureHostCosts({ operations: 1.5 })).rejects.toThrow(/operations/);
  });

  it('labels its figures as host time of this implementation', () => {
    expect(HOST_COST_LABEL).toMatch(/host time of this implementation/i);
    expect(HOST_COST_LABEL).toMatch(/not simulated cycles/);
  });
});
