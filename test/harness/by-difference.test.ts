/**
 * Issue 13: a per-operation figure must not depend on N. Every workload's N-run and 0-run differ
 * only in the measured loop (fixed-width result lines, warm-ups, the tick on demand), so for a
 * workload with one process the figure is the same at N = 1, 10, 100 and 10⁴ to within 1 %, under
 * every technique, on the preset that is hardest to keep exact (p4-vtx: shadow paging by tracing,
 * a TLB flushed at every world switch).
 *
 * Workloads with two processes (context-switch, fork) and timer keep the scheduler's tick running
 * while they do; a tick lands in the loop or not, and at small N one tick moves the figure by its
 * cost ÷ N. Their figures agree once the loop spans several ticks' worth of operations
 * (docs/workloads.md, "How a workload is measured").
 */
import { describe, expect, it } from 'vitest';
import { validateSuite } from '../../src/harness/suite.js';
import { expandMatrix, type MatrixCell } from '../../src/harness/matrix.js';
import { runCell, type ZeroRun } from '../../src/harness/suite-run.js';
import { TECHNIQUES } from '../../src/hypervisor/techniques.js';

const PRESET = 'p4-vtx';
/** Every N of a sweep is measured against the same run with 0 operations: run it once. */
const zeroRuns = new Map<string, ZeroRun>();

function perOpCycles(workload: string, n: number, params: Record<string, number> = {}): Map<string, number> {
  const suite = validateSuite({
    name: 'by-difference', description: 'N sweep', workloads: [workload], techniques: [...TECHNIQUES],
    presets: [PRESET], operations: n, params: { [workload]: params },
  });
  const out = new Map<string, number>();
  for (const cell of expandMatrix(suite) as MatrixCell[]) out.set(`${cell.technique}/${cell.build}`, runCell(cell, { zeroRuns }).perOp.cycles);
  return out;
}

function expectSameFigures(workload: string, ns: readonly number[], params: Record<string, number> = {}): void {
  const reference = perOpCycles(workload, ns[ns.length - 1]!, params);
  for (const n of ns.slice(0, -1)) {
    for (const [cell, cycles] of perOpCycles(workload, n, params)) {
      const ref = reference.get(cell)!;
      expect(Math.abs(cycles - ref) / ref, `${workload} ${cell}: N=${n} gives ${cycles} cycles/op, N=${ns[ns.length - 1]} gives ${ref}`).toBeLessThan(0.01);
    }
  }
}

describe('per-operation figures do not depend on N (issue 13)', () => {
  describe('one process: N = 1, 10, 100, 10⁴ (10³ where an operation is dear)', () => {
    it.each([
      ['null-syscall', {}, [1, 10, 100, 10_000]],
      ['compute', {}, [1, 10, 100, 10_000]],
      ['mmap', { pages: 1 }, [1, 10, 100, 1_000]],
      ['console', { bytes: 1 }, [1, 10, 100, 1_000]],
      ['page-fault', {}, [1, 10, 100, 1_000]],
      ['block-io', {}, [1, 10, 100]],
      ['tlb-walk', {}, [1, 10, 100]],
      ['tlb-walk', { pages: 128 }, [1, 10, 100]],
    ] as const)('%s %j', (workload, params, ns) => expectSameFigures(workload, ns, params));
  });

  describe('two processes or the timer: once the loop is long against the tick', () => {
    it.each([
      ['context-switch', [100, 1_000]],
      ['fork', [20, 100]],
      ['timer', [10, 100]],
    ] as const)('%s', (workload, ns) => expectSameFigures(workload, ns));
  });
});

describe('a sweep of N shares its run with 0 operations', () => {
  it('runCell with zeroRuns measures what it measures without, and runs the 0-run once per configuration', () => {
    const suite = (n: number) => validateSuite({
      name: 'zero-runs', description: 'N sweep', workloads: ['null-syscall'], techniques: ['trap-emulate'], presets: [PRESET], operations: n,
    });
    const kept = new Map<string, ZeroRun>();
    for (const n of [3, 7]) {
      const cell = expandMatrix(suite(n))[0] as MatrixCell;
      const { hostMs: _a, ...plain } = runCell(cell);
      const { hostMs: _b, ...shared } = runCell(cell, { zeroRuns: kept });
      expect(shared).toEqual(plain);
    }
    expect(kept.size).toBe(1);
  });
});

