/**
 * mmap and munmap (guests/user/ktest_mmap.S): zeroed pages, no double mapping, unmapped pages
 * fault, ENOMEM undoes a partial mapping.
 */
import { describe, expect, it } from 'vitest';
import { MIB, runKernel } from './harness.js';
import { EINVAL, ENOMEM, reportObject } from './helpers.js';

describe('mmap and munmap', () => {
  it('map, use, unmap, map again; too much fails cleanly', () => {
    const r = runKernel({ workload: 'ktest_mmap', ramBytes: 16 * MIB }, 100_000_000);
    expect(reportObject(r.console), r.explain()).toEqual({
      'mmap-returns-addr': 0,
      'mmap-zeroed': 0,
      'mmap-keeps': 0x600df00d,
      'mmap-overlap': EINVAL,
      'munmap': 0,
      'touch-after-munmap': -1,
      'remap': 0x1000,
      'remap-zeroed': 0,
      'munmap-all': 0,
      'mmap-too-much': ENOMEM,
      'mmap-after-enomem': 0,
    });
    expect(r.console).toMatch(/\[kernel\] pid 2 killed: load page fault at pc 0x[0-9a-f]{8}, tval 0x40001000\n/);
    expect(r.stop).toEqual({ kind: 'power-off', code: 0 });
  });
});
