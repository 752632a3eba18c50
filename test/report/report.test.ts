import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defineSuite } from '../../src/harness/suite.js';
import { runSuite } from '../../src/harness/runner.js';
import { isPng } from '../../src/report/charts/index.js';
import { ReportError, readResults, writeReport, writeReportTo } from '../../src/report/report.js';
import { CSV_COLUMNS, batchingRows, slowdownRows, tableRows, throughputRows } from '../../src/report/report-data.js';

const tmp = mkdtempSync(join(tmpdir(), 'pvlab-report-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const suite = defineSuite({
  name: 'report-test', description: 'a few small cells',
  workloads: ['null-syscall', 'mmap'], techniques: ['native', 'trap-emulate', 'paravirt'],
  params: { mmap: { pages: 4, pv_mmu_batch: [1, 16] } },
  operations: { 'null-syscall': 10, mmap: 4 },
  charts: ['slowdown', 'exits', 'breakdown', 'batching', 'sensitivity', 'host-ns'],
});
const mixedSuite = defineSuite({
  name: 'report-mixed', description: 'two VMs',
  mixed: [{ name: 'pair', vms: [{ workload: 'null-syscall', technique: 'trap-emulate' }, { workload: 'null-syscall', technique: 'paravirt' }] }],
  operations: 10,
});

describe('writeReport', async () => {
  const results = await runSuite(suite, { jobs: 1, now: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)) });
  const dir = writeReport(results, tmp);

  it('writes reports/<suite>/<run-id>/ with every file, and no partial directory', () => {
    expect(dir).toBe(join(tmp, 'report-test', '20260102-030405-report-test'));
    const charts = ['batching', 'breakdown', 'breakdown-totals', 'exits', 'exits-totals', 'sensitivity', 'slowdown'].flatMap((c) => [`${c}.png`, `${c}.svg`]);
    expect(readdirSync(dir).sort()).toEqual([...charts, 'config.json', 'index.html', 'report.md', 'results.csv', 'results.json'].sort());
    expect(readdirSync(join(tmp, 'report-test'))).toEqual(['20260102-030405-report-test']);
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.png'))) expect(isPng(readFileSync(join(dir, f)))).toBe(true);
  });

  it('config.json holds the resolved suite, every cell and every preset', () => {
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(cfg.suite.name).toBe('report-test');
    expect(cfg.cells).toHaveLength(results.cells.length);
    expect(cfg.presets.map((p: { name: string }) => p.name)).toEqual(['modern-kvm']);
    expect(cfg.presets[0].vmExitEntry).toBeGreaterThan(0);
  });

  it('results.json reads back as the results', () => {
    expect(readResults(join(dir, 'results.json'))).toEqual(JSON.parse(JSON.stringify(results)));
  });

  it('results.csv has one row per cell with the documented columns, numbers matching results', () => {
    const lines = readFileSync(join(dir, 'results.csv'), 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(results.cells.length + 1);
    const te = tableRows(results).find((r) => r['id'] === 'null-syscall/trap-emulate/unmodified/modern-kvm/r0');
    const rec = results.cells.find((c) => c.id === te?.['id']);
    expect(te?.['slowdown']).toBe(rec?.slowdown);
    expect(te?.['cycles_per_op']).toBe(rec?.result?.kind === 'matrix' ? rec.result.perOp.cycles : NaN);
    expect(lines.some((l) => l.startsWith('mmap/paravirt/paravirt/modern-kvm/pages=4/pv_mmu_batch=16/r0,'))).toBe(true);
  });

  it('report.md and index.html have the tables, the charts and labelled host time', () => {
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    expect(md).toContain('![');
    expect(md).toContain('(slowdown.png)');
    expect(md).toMatch(/Per-operation results \(simulated\)/);
    expect(md).toMatch(/HOST time of each cell \(not simulated\)/);
    for (const png of ['slowdown.png', 'exits.png', 'breakdown.png', 'batching.png', 'sensitivity.png']) expect(html).toContain(`<img src="${png}"`);
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).not.toMatch(/https?:\/\//); // opens offline
    expect(html).toContain('null-syscall/trap-emulate/unmodified/modern-kvm/r0');
    expect(html).not.toContain('host-ns.png'); // no host-bench data
  });

  it('chart rows come from the results', () => {
    const s = slowdownRows(results);
    expect(s.find((r) => r.workload === 'null-syscall' && r.technique === 'native')?.slowdown).toBe(1);
    expect(s.find((r) => r.workload === 'null-syscall' && r.technique === 'trap-emulate')?.slowdown)
      .toBe(results.cells.find((c) => c.id === 'null-syscall/trap-emulate/unmodified/modern-kvm/r0')?.slowdown);
    expect(batchingRows(results).map((r) => r.batchSize)).toEqual([1, 16]);
  });

  it('re-renders in place (replacing the directory) and draws host-ns when host-bench data is present', () => {
    const withHost = { ...results, hostBench: [{ operation: 'csrr sstatus', kind: 'trapped' as const, ns: 120 }, { operation: 'add', kind: 'native' as const, ns: 3 }] };
    writeReportTo(withHost, dir);
    expect(existsSync(join(dir, 'host-ns.png'))).toBe(true);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toMatch(/HOST time: micro-benchmarks/);
    expect(existsSync(`${dir}.partial`) || existsSync(`${dir}.old`)).toBe(false);
  });

  it('a chart that cannot be drawn is reported missing; the rest of the report is written', () => {
    const bad = { ...results, suiteConfig: { ...results.suiteConfig, charts: ['slowdown'] as const }, cells: results.cells.map((c) => ({ ...c, slowdown: c.slowdown === undefined ? undefined : -1 })) };
    const target = join(tmp, 'broken');
    const warnings: string[] = [];
    writeReportTo(bad as never, target, { onWarning: (m) => warnings.push(m) });
    expect(warnings).toEqual([expect.stringMatching(/^chart slowdown not drawn: slowdown chart: row \d+ .*slowdown is -1/)]);
    expect(readdirSync(target)).toContain('results.json');
    expect(readFileSync(join(target, 'report.md'), 'utf8')).toMatch(/_Not drawn: slowdown chart: row/);
  });

  it('leaves no directory when writing fails', () => {
    writeFileSync(join(tmp, 'a-file'), '');
    const target = join(tmp, 'a-file', 'report');
    expect(() => writeReportTo(results, target)).toThrow(/a-file is a file, not a directory/);
    expect(existsSync(`${target}.partial`)).toBe(false);
  });

  it('readResults refuses files that are not results', () => {
    const f = join(tmp, 'x.json');
    writeFileSync(f, '{"a":1}');
    expect(() => readResults(f)).toThrow(ReportError);
    expect(() => readResults(join(tmp, 'missing.json'))).toThrow(/cannot read/);
  });
});

describe('mixed report', async () => {
  const results = await runSuite(mixedSuite, { jobs: 1 });
  it('has one CSV row per VM and a throughput chart', () => {
    const dir = writeReport(results, tmp);
    expect(readdirSync(dir)).toContain('mixed.png');
    expect(tableRows(results).map((r) => r['vm'])).toEqual(['vm0-null-syscall', 'vm1-null-syscall']);
    const t = throughputRows(results);
    expect(t[0]?.throughput).toBeCloseTo(1e6 / (results.cells[0]?.result?.kind === 'mixed' ? results.cells[0].result.vms[0]?.perOp.cycles ?? 1 : 1), 9);
  });
});

describe('run directories', () => {
  it('a second run started in the same second gets its own directory', async () => {
    const small = defineSuite({ name: 'report-same', description: 'one cell', workloads: ['null-syscall'], techniques: ['native'], operations: 5 });
    const now = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
    const a = writeReport(await runSuite(small, { jobs: 1, now }), tmp);
    const b = writeReport(await runSuite(small, { jobs: 1, now }), tmp);
    expect(a).toBe(join(tmp, 'report-same', '20260102-030405-report-same'));
    expect(b).toBe(`${a}-2`);
    expect(JSON.parse(readFileSync(join(b, 'results.json'), 'utf8')).runId).toBe('20260102-030405-report-same-2');
  });
});

describe('sensitivity across presets', () => {
  it('draws one sensitivity chart per preset', async () => {
    const s = defineSuite({
      name: 'report-sens', description: 'two presets, scaled', workloads: ['null-syscall'], techniques: ['native', 'trap-emulate'],
      presets: ['p4-vtx', 'modern-kvm'], scale: [0.5, 1, 2], operations: 5, charts: ['sensitivity'],
    });
    const dir = writeReport(await runSuite(s, { jobs: 1 }), tmp);
    expect(readdirSync(dir).filter((f) => f.endsWith('.png')).sort()).toEqual(['sensitivity-modern-kvm.png', 'sensitivity-p4-vtx.png']);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain('— preset p4-vtx');
  });
});
