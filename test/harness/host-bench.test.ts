/**
 * Host micro-benchmarks (src/harness/host-bench.ts): the shape of the result only — the values
 * are host time of this machine, so nothing here asserts on speed.
 */
import { describe, expect, it } from 'vitest';
import {
  HOST_COST_LABEL, HOST_OPERATIONS, exitsPerOperation, measureHostCosts,
} from '../../src/harness/host-bench.js';

describe('measureHostCosts', () => {
  // Host time on a busy machine can make a difference tiny or negative: the row says so (noisy)
  // rather than the test depending on the host's speed.
  it('returns native, trapped CSR write, reflected syscall and hypercall rows with finite ns and their spread', async () => {
    const rows = await measureHostCosts({ timeMs: 40, operations: 500 });
    expect(rows.map((r) => r.kind)).toEqual(['native', 'trapped', 'trapped', 'hypercall']);
    expect(rows.map((r) => r.operation)).toEqual(HOST_OPERATIONS.map((o) => o.operation));
    for (const r of rows) {
      expect(Number.isFinite(r.ns), `${r.operation}: ${r.ns}`).toBe(true);
      expect(r.spread, r.operation).toBeGreaterThanOrEqual(0);
      expect(r.noisy, r.operation).toBe(!(r.ns > (r.spread as number)));
      expect(Object.keys(r).sort()).toEqual(['kind', 'noisy', 'ns', 'operation', 'spread']);
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
