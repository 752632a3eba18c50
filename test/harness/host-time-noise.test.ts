/**
 * Host-time figures are differences of two noisy means (issue 14): a small or negative one is a
 * measurement to report with its spread, never a reason to fail a run or lose its report.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { perOperationRow } from '../../src/harness/host-bench.js';
import { defineSuite } from '../../src/harness/suite.js';
import { runSuite } from '../../src/harness/runner.js';
import { writeReport } from '../../src/report/report.js';
import { buildHostTimeChart, isPng, renderHostTimeChart, spreadLabel } from '../../src/report/charts/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'pvlab-hostnoise-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const op = { operation: 'CSR write, trapped', kind: 'trapped' as const };

describe('perOperationRow', () => {
  it('(mean N − mean 0) / N in ns, with the 95 % margins combined', () => {
    const r = perOperationRow(op, { mean: 2.0, moe: 0.03 }, { mean: 1.0, moe: 0.04 }, 1000);
    expect(r.ns).toBeCloseTo(1000, 9); // 1 ms over 1000 operations
    expect(r.spread).toBeCloseTo(50, 9); // hypot(0.03, 0.04) ms / 1000
    expect(r.noisy).toBe(false);
  });

  it('a negative difference is kept and marked noisy', () => {
    const r = perOperationRow(op, { mean: 1.0, moe: 0.5 }, { mean: 3.47008, moe: 0.5 }, 1000);
    expect(r.ns).toBeCloseTo(-2470.08, 6);
    expect(r.noisy).toBe(true);
  });

  it('a positive difference within its spread is noisy too', () => {
    expect(perOperationRow(op, { mean: 1.1, moe: 0.2 }, { mean: 1.0, moe: 0.2 }, 100).noisy).toBe(true);
  });
});

describe('the host-time chart', () => {
  const rows = [
    { operation: 'native', kind: 'native' as const, ns: 40, spread: 5, noisy: false },
    { operation: 'trapped', kind: 'trapped' as const, ns: -2470.08, spread: 900, noisy: true },
    { operation: 'hypercall', kind: 'hypercall' as const, ns: 800, spread: 30, noisy: false },
  ];
  it('draws a negative difference at 0 and says it is noise', () => {
    const cfg = buildHostTimeChart(rows);
    const trapped = cfg.data.datasets.find((d) => d.label === 'trapped and emulated');
    expect(trapped?.data).toEqual([null, 0, null]);
    expect(spreadLabel(rows[1] as never)).toBe('-2470 ± 900 ns: noise');
    expect(spreadLabel(rows[2] as never)).toBe('800 ± 30 ns');
    expect(isPng(renderHostTimeChart(rows))).toBe(true);
  });
});

describe('a run whose host micro-benchmarks came out negative', () => {
  it('writes its report, with the figure, its spread and the word noise', async () => {
    const suite = defineSuite({ name: 'hostnoise', description: 'd', workloads: ['null-syscall'], techniques: ['native'], operations: 5, charts: ['slowdown', 'host-ns'] });
    const r = { ...(await runSuite(suite, { jobs: 1 })), hostBench: [
      { operation: 'CSR write (csrw sscratch), native', kind: 'native' as const, ns: 12, spread: 3, noisy: false },
      { operation: 'CSR write (csrw sscratch), trapped and emulated', kind: 'trapped' as const, ns: -2470.08, spread: 3000, noisy: true },
    ] };
    const dir = writeReport(r, tmp);
    expect(isPng(readFileSync(join(dir, 'host-ns.png')))).toBe(true);
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(md).toMatch(/\| CSR write \(csrw sscratch\), trapped and emulated \| trapped \| -2,470\.1 \| 3,000\.0 \| noise: the difference is not a measurement \|/);
  });
});
