/**
 * Assignment batching, hidden tests: the cost curve over batch sizes, the buffer limit, and
 * correctness of everything that changes page tables at the extremes.
 */
import { describe, expect, it } from 'vitest';
import { perOperation, runToResult } from '../../../src/course/testing.js';

const at = (batch: number, pages = 32) =>
  perOperation({ technique: 'paravirt', workload: 'mmap', params: { pages }, kernelParams: { pv_mmu_batch: batch } }, 4);

describe('batching (hidden): the cost curve', () => {
  it('exits and cycles per mmap never rise as the batch grows (1, 2, 4, 8, 16, 32), and fall overall', () => {
    const sizes = [1, 2, 4, 8, 16, 32];
    const ms = sizes.map((b) => at(b));
    for (let i = 1; i < ms.length; i++) {
      const [a, b] = [ms[i - 1]!, ms[i]!];
      expect(b.perOp.exits, `exits per mmap: ${a.perOp.exits} at batch ${sizes[i - 1]}, ${b.perOp.exits} at batch ${sizes[i]}`).toBeLessThanOrEqual(a.perOp.exits);
      expect(b.perOp.cycles, `cycles per mmap at batch ${sizes[i]} vs ${sizes[i - 1]}`).toBeLessThanOrEqual(a.perOp.cycles);
    }
    expect(ms[5]!.perOp.cycles, 'cycles per mmap at batch 32 vs batch 1').toBeLessThan(ms[0]!.perOp.cycles * 0.8);
  });

  it('batch sizes beyond the buffer (PV_MMU_BATCH_MAX = 128) behave as 128; 0 behaves as 1', () => {
    expect(at(1000, 64).perOp.exits).toBe(at(128, 64).perOp.exits);
    expect(at(0, 8).perOp.exits).toBe(at(1, 8).perOp.exits);
  });

  it.each([1, 128])('fork, page-fault and context-switch stay correct at pv_mmu_batch=%i', (b) => {
    for (const [workload, params] of [['fork', { iterations: 2 }], ['page-fault', { iterations: 4 }], ['context-switch', { iterations: 4 }]] as const) {
      runToResult({ technique: 'paravirt', workload, params, kernelParams: { pv_mmu_batch: b } });
    }
  });
});
