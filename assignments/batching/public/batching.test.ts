/**
 * Assignment batching, public tests: the paravirt kernel's MMU queue honours pv_mmu_batch.
 * Run: npx vitest run assignments/batching/public
 */
import { describe, expect, it } from 'vitest';
import { perOperation, runToResult } from '../../../src/course/testing.js';

const exitsAt = (batch: number, pages = 32) =>
  perOperation({ technique: 'paravirt', workload: 'mmap', params: { pages }, kernelParams: { pv_mmu_batch: batch } }, 4);

describe('batching: pv_mmu_batch', () => {
  it('mmap runs correctly under paravirt at batch sizes 1, 16 and 128', () => {
    for (const b of [1, 16, 128]) {
      const r = runToResult({ technique: 'paravirt', workload: 'mmap', params: { iterations: 3, pages: 32 }, kernelParams: { pv_mmu_batch: b } });
      expect(r.exitCode).toBe(0);
    }
  });

  it('batching 16 updates per MMU_UPDATE cuts the hypercall exits of mmap(32 pages) at least fourfold vs batch size 1', () => {
    const one = exitsAt(1);
    const sixteen = exitsAt(16);
    const h1 = one.exits.hypercall ?? 0;
    const h16 = sixteen.exits.hypercall ?? 0;
    expect(h16 * 4, `hypercall exits per mmap of 32 pages: ${h1} at pv_mmu_batch=1, ${h16} at pv_mmu_batch=16 — ` +
      (h16 === h1 ? 'pv_mmu_batch has no effect: pv_set_pte (guests/kernel/pv.S) submits every update on its own' : 'not batched enough')).toBeLessThanOrEqual(h1);
  });

  it('each MMU_UPDATE carries up to pv_mmu_batch updates: at batch 16, at most 5 MMU_UPDATE calls per mmap of 32 pages (64 updates: its 32 maps and 32 unmaps)', () => {
    const m = exitsAt(16);
    const calls = m.hypercalls.MMU_UPDATE ?? 0;
    expect(calls, `MMU_UPDATE calls per mmap of 32 pages at pv_mmu_batch=16: ${calls}`).toBeLessThanOrEqual(5);
  });
});
