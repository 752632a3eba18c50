/**
 * Physical memory: everything a process allocates comes back (guests/user/ktest_leak.S run
 * with different round counts ends with the same number of pages in use).
 */
import { describe, expect, it } from 'vitest';
import { MIB, runKernel } from './harness.js';

describe('page allocator', () => {
  it('fork, exit, wait, sbrk, mmap and munmap leak no pages', () => {
    const inUse = (rounds: number): number => {
      const r = runKernel({ workload: 'ktest_leak', ramBytes: 32 * MIB, params: { rounds } });
      expect(r.userConsole, r.explain()).toContain('done');
      expect(r.stop).toEqual({ kind: 'power-off', code: 0 });
      return r.kernelWord('kmem_pages_in_use');
    };
    const one = inUse(1);
    expect(one).toBeGreaterThan(0);
    expect(inUse(5)).toBe(one);
  });
});
