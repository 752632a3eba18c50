/** Small but non-trivial parameters for each workload (every loop runs more than once). */
import type { WorkloadParams } from '../../src/guest/workloads.js';

export const SMALL: Readonly<Record<string, WorkloadParams>> = {
  'null-syscall': { iterations: 7 },
  'context-switch': { iterations: 5 },
  'page-fault': { iterations: 9 },
  mmap: { iterations: 3, pages: 3 },
  fork: { iterations: 4 },
  console: { iterations: 3, bytes: 70 },
  'block-io': { iterations: 3, sectors: 5 },
  compute: { iterations: 5000 },
  timer: { iterations: 3, chunk: 1000 },
  'tlb-walk': { iterations: 3, pages: 520 },
};

/** For runs that take real timer interrupts (the bare machine, QEMU): timer chunks long enough
 *  to span several ticks. */
export const NATIVE: Readonly<Record<string, WorkloadParams>> = { ...SMALL, timer: { iterations: 3, chunk: 200_000 } };
