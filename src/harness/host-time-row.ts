/**
 * One host micro-benchmark figure as the harness measures it and results.json stores it: host
 * nanoseconds per operation of this implementation (not simulated cycles). The report draws
 * these rows; it takes the type from here, not the other way round.
 */

/** What was timed: an operation run natively, the same operation trapped and emulated, a hypercall. */
export const HOST_TIME_KINDS = ['native', 'trapped', 'hypercall'] as const;
export type HostTimeKind = (typeof HOST_TIME_KINDS)[number];

export interface HostTimeRow {
  /** What was measured, e.g. "CSR write (csrw sscratch), trapped and emulated". */
  operation: string;
  kind: HostTimeKind;
  /** Host ns per operation: the mean of an N-operation run minus the mean of a 0-operation run,
   *  divided by N. On a busy host noise can make it small or even negative; see `spread`. */
  ns: number;
  /** Half-width of the 95 % confidence interval of `ns` (the two runs' margins of error
   *  combined), ns. Absent in results written before it was measured. */
  spread?: number;
  /** The difference cannot be told from noise: its confidence interval reaches 0 (ns ≤ spread). */
  noisy?: boolean;
}
