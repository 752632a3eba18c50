/**
 * Processes (guests/user/ktest_procs.S): fork, exit and wait with several children; a child's
 * memory is a copy; orphans go to init; a full process table makes fork fail with ENOMEM.
 */
import { describe, expect, it } from 'vitest';
import { MIB, runKernel } from './harness.js';
import { ECHILD, ENOMEM, reportObject } from './helpers.js';

const NPROC = 16;

describe('processes', () => {
  it('fork, exit and wait', () => {
    const r = runKernel({ workload: 'ktest_procs', ramBytes: 32 * MIB });
    expect(reportObject(r.console), r.explain()).toEqual({
      'pid-sums-differ': 0, // wait returned exactly the pids fork did
      'status-sum': 10 + 11 + 12 + 13, // each child's own status
      'wait-after-all': ECHILD,
      'child-saw': 0x1111 >> 4, // the child found the parent's value in its copy...
      'parent-still-has': 0x1111, // ...and its store did not reach the parent
      'first-wait-is-middle': 0,
      'middle-status': 1,
      'grandchild-pid-offset': 1, // the orphaned grandchild, reaped by init
      'grandchild-status': 5,
      'fork-when-full': ENOMEM,
      'forks-until-full': NPROC - 1,
      'wait-when-empty': ECHILD,
      'reaped': NPROC - 1,
      'fork-after-reaping-fails': 0,
      'init-pid': 1,
    });
    expect(r.stop).toEqual({ kind: 'power-off', code: 0 });
  });
});
