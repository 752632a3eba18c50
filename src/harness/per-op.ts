/**
 * Per-operation cost by difference: run a workload with N operations and with 0, subtract,
 * divide by N. Setup, boot and shutdown cancel out exactly, because simulated time is
 * deterministic — no repetitions or statistics are needed to remove noise.
 */
import { scaleCounters, subtractCounters, type RunCounters } from '../guest/counters.js';

export interface PerOperation {
  /** The operation count of the measured run. */
  n: number;
  /** Counters of the N run and the 0 run, as measured. */
  withN: RunCounters;
  withZero: RunCounters;
  /** (withN − withZero) / n. */
  perOp: RunCounters;
}

/**
 * `run(k)` performs the workload with k operations and returns its counters (and must be
 * deterministic). Throws if n is not a positive whole number.
 */
export function measurePerOperation(run: (operations: number) => RunCounters, n: number): PerOperation {
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`operation count ${n} must be a positive whole number`);
  const withZero = run(0);
  const withN = run(n);
  return { n, withN, withZero, perOp: scaleCounters(subtractCounters(withN, withZero), n) };
}
