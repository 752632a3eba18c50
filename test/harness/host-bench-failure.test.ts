/**
 * A hypervisor that cannot run the host micro-benchmarks' guests (an assignment's starter code,
 * a regression) must not take the suite down: the simulated results and the report stand, and
 * the failure is recorded and reported instead of escaping as a stack trace.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

vi.mock('../../src/harness/host-bench.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/harness/host-bench.js')>()),
  measureHostCosts: async () => { throw new Error('guests/bench/hv-exits.S: the guest kernel takes InstructionAccessFault at its own trap handler over and over'); },
}));

const { defineSuite } = await import('../../src/harness/suite.js');
const { runSuite } = await import('../../src/harness/runner.js');
const { writeReport } = await import('../../src/report/report.js');

const out = mkdtempSync(join(tmpdir(), 'pvlab-hostbench-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('host micro-benchmarks that fail', () => {
  it('leave the cells and the report intact and say why they are missing', async () => {
    const suite = defineSuite({
      name: 'hb', description: 'd', workloads: ['null-syscall'], techniques: ['native'],
      operations: 5, charts: ['slowdown', 'host-ns'],
    });
    const r = await runSuite(suite, { jobs: 1, hostBench: { timeMs: 10 } });
    expect(r.cells.every((c) => c.status === 'ok')).toBe(true);
    expect(r.hostBench).toBeUndefined();
    expect(r.hostBenchError).toMatch(/hv-exits\.S: .*over and over/);
    const dir = writeReport(r, out);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toMatch(/Not measured: guests\/bench\/hv-exits\.S/);
  });
});
