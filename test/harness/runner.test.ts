import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defineSuite } from '../../src/harness/suite.js';
import { expandMatrix } from '../../src/harness/matrix.js';
import { makeRunId, runSuite } from '../../src/harness/runner.js';

const suite = defineSuite({
  name: 'runner-test', description: 'a few small cells',
  workloads: ['null-syscall', 'console'],
  techniques: ['native', 'trap-emulate', 'paravirt'],
  operations: { 'null-syscall': 10, console: 4 },
});

describe('runSuite (in-process)', async () => {
  const progress: [number, number, string][] = [];
  const r = await runSuite(suite, { jobs: 1, onProgress: (d, t, id) => progress.push([d, t, id]), now: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)) });

  it('runs every cell in matrix order and records each resolved config', () => {
    expect(r.cells.map((c) => c.id)).toEqual(expandMatrix(suite).map((c) => c.id));
    expect(r.cells.every((c) => c.status === 'ok')).toBe(true);
    expect(r.cells[0]?.config).toMatchObject({ workload: 'null-syscall', technique: 'native', preset: { name: 'modern-kvm' } });
    expect(r.selection.totalCells).toBe(6);
    expect(r.jobs).toBe(1);
    expect(r.runId).toBe('20260102-030405-runner-test');
    expect(r.suiteConfig.name).toBe('runner-test');
  });

  it('reports progress once per cell', () => {
    expect(progress.map((p) => p[0])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(progress.every((p) => p[1] === 6)).toBe(true);
  });

  it('computes slowdown against the native cell', () => {
    const native = r.cells.find((c) => c.id === 'null-syscall/native/unmodified/modern-kvm/r0');
    const te = r.cells.find((c) => c.id === 'null-syscall/trap-emulate/unmodified/modern-kvm/r0');
    expect(native?.slowdown).toBeUndefined();
    expect(te?.baseline).toBe(native?.id);
    const cyc = (x: typeof te) => (x?.result?.kind === 'matrix' ? x.result.perOp.cycles : NaN);
    expect(te?.slowdown).toBeCloseTo(cyc(te) / cyc(native), 12);
    expect(te?.slowdown).toBeGreaterThan(1);
  });

  it('gives identical simulated figures when run again', async () => {
    const again = await runSuite(suite, { jobs: 1 });
    const sim = (x: typeof r) => x.cells.map((c) => [c.id, c.result?.kind === 'matrix' ? c.result.perOp : null, c.slowdown]);
    expect(sim(again)).toEqual(sim(r));
  });
});

describe('runSuite options', () => {
  it('filters, shards and repeats', async () => {
    const f = await runSuite(suite, { jobs: 1, filter: 'workload=console' });
    expect(f.cells.map((c) => c.id)).toEqual(['console/native/unmodified/modern-kvm/r0', 'console/trap-emulate/unmodified/modern-kvm/r0', 'console/paravirt/paravirt/modern-kvm/r0']);
    expect(f.selection).toMatchObject({ filter: 'workload=console', totalCells: 6 });
    const s = await runSuite(suite, { jobs: 1, filter: 'workload=console', shard: [2, 2] });
    expect(s.cells.map((c) => c.id)).toEqual(['console/trap-emulate/unmodified/modern-kvm/r0']);
    expect(s.cells[0]?.slowdown).toBeUndefined(); // its baseline is in the other shard
    const rep = await runSuite(suite, { jobs: 1, filter: 'workload=console technique=native', repeat: 2 });
    expect(rep.cells.map((c) => c.id)).toEqual(['console/native/unmodified/modern-kvm/r0', 'console/native/unmodified/modern-kvm/r1']);
    expect(rep.suiteConfig.repetitions).toBe(2);
  });

  it('records a failing cell with its error and goes on', async () => {
    const r = await runSuite(suite, { jobs: 1, filter: 'workload=console', maxInsns: 1000 });
    expect(r.cells).toHaveLength(3);
    expect(r.cells.every((c) => c.status === 'error' && /console/.test(c.error ?? ''))).toBe(true);
  });

  it('rejects bad options and empty selections', async () => {
    await expect(runSuite(suite, { filter: 'workload=nope' })).rejects.toThrow(/no cells match/);
    await expect(runSuite(suite, { repeat: 0 })).rejects.toThrow(/--repeat/);
    await expect(runSuite(suite, { jobs: 1.5 })).rejects.toThrow(/--jobs/);
  });

  it('names runs by UTC start time and suite', () => {
    expect(makeRunId('default', new Date(Date.UTC(2026, 10, 25, 14, 5, 9)))).toBe('20261125-140509-default');
  });
});

// The worker-thread path runs from compiled JS only; checked against dist/ when it is built.
const dist = 'dist/src/harness/runner.js';
describe.skipIf(!existsSync(dist) || !existsSync('dist/src/harness/runner-worker.js'))('runSuite on worker threads (dist/)', () => {
  it('gives the same cells in the same order as in-process', async () => {
    const script = `
      const { runSuite } = await import(${JSON.stringify(pathToFileURL(resolve(dist)).href)});
      const { defineSuite } = await import(${JSON.stringify(pathToFileURL(resolve('dist/src/harness/suite.js')).href)});
      const s = defineSuite(${JSON.stringify(suite.spec)});
      const r = await runSuite(s, { jobs: 2 });
      console.log(JSON.stringify({ jobs: r.jobs, cells: r.cells.map((c) => [c.id, c.status, c.result.perOp.cycles, c.slowdown ?? null]) }));`;
    const dir = mkdtempSync(join(tmpdir(), 'pvlab-runner-'));
    const file = join(dir, 'run.mjs');
    writeFileSync(file, script);
    let text: string;
    try {
      text = execFileSync(process.execPath, [file], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const out = JSON.parse(text) as { jobs: number; cells: unknown[] };
    const local = await runSuite(suite, { jobs: 1 });
    expect(out.jobs).toBe(2);
    expect(out.cells).toEqual(local.cells.map((c) => [c.id, c.status, c.result?.kind === 'matrix' ? c.result.perOp.cycles : null, c.slowdown ?? null]));
  }, 60_000);
});
