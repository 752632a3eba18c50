/**
 * The virtio-blk driver (guests/user/ktest_block.S): a write and read back through requests
 * split into several, landing on the disk at the right sectors; bad arguments; no disk.
 */
import { describe, expect, it } from 'vitest';
import { MIB, runKernel, SECTOR } from './harness.js';
import { EINVAL, EIO, reportObject } from './helpers.js';

const SEED = 0x9e3779b9;

describe('block device', () => {
  it('writes and reads sectors, through a buffer that straddles pages, into untouched heap pages', () => {
    const capacity = 64;
    const first = 3;
    const count = 20;
    const disk = new Uint8Array(capacity * SECTOR);
    const r = runKernel({ workload: 'ktest_block', ramBytes: 32 * MIB, disk, params: { first, count, capacity } });
    expect(reportObject(r.console), r.explain()).toEqual({
      'blkwrite': count,
      'blkread': count,
      'words-differ': 0,
      'blkread-kernel-buffer': EINVAL,
      'blkread-past-end': EINVAL,
      'blkwrite-last': 1,
      'blkwrite-none': 0,
    });
    const words = new DataView(disk.buffer);
    for (let i = 0; i < (count * SECTOR) / 4; i++) {
      expect(words.getUint32(first * SECTOR + 4 * i, true)).toBe(Math.imul(i, SEED) >>> 0);
    }
    expect(disk.subarray(0, first * SECTOR).every((b) => b === 0)).toBe(true);
    // Requests of at most one page each, one completion interrupt per request.
    expect(r.stop).toEqual({ kind: 'power-off', code: 0 });
  });

  it('without a disk, blkread and blkwrite fail with EIO', () => {
    const r = runKernel({ workload: 'ktest_block', ramBytes: 32 * MIB });
    expect(r.console).toContain('[kernel] disk: none\n');
    const rep = reportObject(r.console);
    expect(rep['blkwrite'], r.explain()).toBe(EIO);
    expect(rep['blkread']).toBe(EIO);
    expect(rep['blkwrite-none']).toBe(0);
  });
});
