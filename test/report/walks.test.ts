/**
 * The `walks` chart: page-table entries read per operation (and reads per TLB miss) by workload ×
 * technique — the chart as a library, and its rows from a real run's results.json.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSuite } from '../../src/harness/runner.js';
import { CHARTS as CHART_NAMES, defineSuite } from '../../src/harness/suite.js';
import {
  ChartDataError, PER_MISS_LABEL_PLUGIN_ID, WHITE_BACKGROUND_PLUGIN_ID, buildWalksChart, isPng, pngSize, readsPerMiss,
  renderChartPng, renderWalksChart, type WalksRow,
} from '../../src/report/charts/index.js';
import { TECHNIQUE_COLORS, TECHNIQUE_LABELS, TECHNIQUE_ORDER } from '../../src/report/colors.js';
import { CHART_FILES, readResults, writeReport } from '../../src/report/report.js';
import { walksRows } from '../../src/report/report-data.js';
import paging from '../../experiments/paging.js';

type AnyConfig = { options: any; data: { datasets: any[]; labels?: any[] }; plugins?: { id: string }[] };

const WALKS: WalksRow[] = [
  { workload: 'page-fault', technique: 'native', pteReadsPerOp: 21, tlbMissesPerOp: 17 },
  { workload: 'page-fault', technique: 'hw-assist', pteReadsPerOp: 101, tlbMissesPerOp: 18 },
  { workload: 'page-fault', technique: 'hw-assist-shadow', pteReadsPerOp: 12, tlbMissesPerOp: 6 },
  { workload: 'tlb-walk pages=1024', technique: 'native', pteReadsPerOp: 2048, tlbMissesPerOp: 1024 },
  { workload: 'tlb-walk pages=1024', technique: 'hw-assist', pteReadsPerOp: 8192, tlbMissesPerOp: 1024 },
  { workload: 'tlb-walk pages=1024', technique: 'hw-assist-shadow', pteReadsPerOp: 2048, tlbMissesPerOp: 1024 },
  { workload: 'tlb-walk pages=1024', technique: 'trap-emulate', pteReadsPerOp: 2048, tlbMissesPerOp: 1024 },
];

describe('the walks chart', () => {
  it('renders a deterministic 1000×600 PNG by default, and the size asked for', () => {
    const png = renderWalksChart(WALKS);
    expect(isPng(png)).toBe(true);
    expect(pngSize(png)).toEqual({ width: 1000, height: 600 });
    expect(pngSize(renderWalksChart(WALKS, { width: 640, height: 400 }))).toEqual({ width: 640, height: 400 });
    expect(png.equals(renderWalksChart(WALKS))).toBe(true);
    expect(renderChartPng(buildWalksChart(WALKS) as never).equals(png)).toBe(true);
  });

  it('has a title, axis titles naming the unit, a legend, a white background and no animation', () => {
    const c = buildWalksChart(WALKS) as AnyConfig;
    expect(c.options.plugins.title.text).toMatch(/page-table entries read per operation/i);
    expect(c.options.plugins.legend.display).toBe(true);
    expect(c.options.animation).toBe(false);
    expect(c.options.scales.x.title.text).toBe('workload');
    expect(c.options.scales.y.title.text).toMatch(/^page-table entries read per operation/);
    expect(c.plugins?.map((p) => p.id)).toEqual([WHITE_BACKGROUND_PLUGIN_ID, PER_MISS_LABEL_PLUGIN_ID]);
    expect(c.options.plugins.subtitle.text).toMatch(/reads per TLB miss/);
  });

  it('writes a bar\'s reads per miss upright when it fits the bar, standing on end when it does not', () => {
    const c = buildWalksChart(WALKS) as unknown as { plugins: { id: string; afterDatasetsDraw(chart: unknown): void }[] };
    const plugin = c.plugins.find((p) => p.id === PER_MISS_LABEL_PLUGIN_ID);
    const drawn = (barWidth: number): { text: string; rotated: boolean }[] => {
      const out: { text: string; rotated: boolean }[] = [];
      let rotated = false;
      const ctx = {
        save: () => {}, restore: () => { rotated = false; }, translate: () => {}, rotate: () => { rotated = true; },
        measureText: (t: string) => ({ width: 6 * t.length }), fillText: (text: string) => { out.push({ text, rotated }); },
      };
      const bar = { x: 10, y: 100, width: barWidth };
      plugin?.afterDatasetsDraw({ ctx, chartArea: { top: 0 }, getDatasetMeta: () => ({ data: [bar, bar] }) });
      return out;
    };
    // "1.2" is 18 px wide here: a bar of 20 px holds it upright, one of 12 px does not.
    expect(drawn(20).every((d) => !d.rotated)).toBe(true);
    expect(drawn(12).length).toBeGreaterThan(0);
    expect(drawn(12).every((d) => d.rotated)).toBe(true);
  });

  it('groups by workload in row order, one dataset per technique in canonical order with its colour, gaps as null', () => {
    const c = buildWalksChart(WALKS) as AnyConfig;
    expect(c.data.labels).toEqual(['page-fault', 'tlb-walk pages=1024']);
    const order = TECHNIQUE_ORDER.filter((t) => WALKS.some((r) => r.technique === t));
    expect(c.data.datasets.map((d) => d.label)).toEqual(order.map((t) => TECHNIQUE_LABELS[t]));
    for (const [i, t] of order.entries()) expect(c.data.datasets[i].backgroundColor).toBe(TECHNIQUE_COLORS[t]);
    expect(c.data.datasets.map((d) => d.data)).toEqual([[21, 2048], [null, 2048], [101, 8192], [12, 2048]]);
    expect(readsPerMiss(WALKS[4]!)).toBe(8);
    expect(readsPerMiss({ pteReadsPerOp: 3 })).toBeNull();
    expect(readsPerMiss({ pteReadsPerOp: 3, tlbMissesPerOp: 0 })).toBeNull();
  });

  it('goes logarithmic past 100×, linear with a 0 or when asked; no per-miss labels without misses', () => {
    expect((buildWalksChart(WALKS) as AnyConfig).options.scales.y.type).toBe('logarithmic');
    expect((buildWalksChart(WALKS, { scale: 'linear' }) as AnyConfig).options.scales.y.type).toBe('linear');
    const plain = buildWalksChart([{ workload: 'a', technique: 'native', pteReadsPerOp: 0 }, { workload: 'a', technique: 'hw-assist', pteReadsPerOp: 500 }]) as AnyConfig;
    expect(plain.options.scales.y.type).toBe('linear');
    expect(plain.plugins?.map((p) => p.id)).toEqual([WHITE_BACKGROUND_PLUGIN_ID]);
  });

  it('refuses bad rows with a message naming the row and field', () => {
    expect(() => buildWalksChart([])).toThrow(ChartDataError);
    expect(() => buildWalksChart([{ workload: 'a', technique: 'native', pteReadsPerOp: Number.NaN }])).toThrow(/walks chart: row 0 .*pteReadsPerOp is NaN/);
    expect(() => buildWalksChart([{ workload: 'a', technique: 'native', pteReadsPerOp: 1, tlbMissesPerOp: -1 }])).toThrow(/tlbMissesPerOp is -1/);
    expect(() => buildWalksChart([{ workload: 'a', technique: 'warp-drive', pteReadsPerOp: 1 }])).toThrow(ChartDataError);
    expect(() => buildWalksChart([{ workload: 'a', technique: 'native', pteReadsPerOp: 1 }, { workload: 'a', technique: 'native', pteReadsPerOp: 2 }])).toThrow(/second row/);
  });

  it('is a chart a suite can ask for, and the paging suite does', () => {
    expect(CHART_NAMES).toContain('walks');
    expect(CHART_FILES.walks).toBe('walks.png');
    expect(paging.charts).toContain('walks');
  });
});

describe('walks rows from a run\'s results', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'pvlab-walks-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const suite = defineSuite({
    name: 'walks-test', description: 'TLB walks under native and hardware assist',
    workloads: ['tlb-walk', 'mmap'], techniques: ['native', 'hw-assist', 'hw-assist-shadow'],
    params: { 'tlb-walk': { pages: [64, 600] } },
    operations: { 'tlb-walk': 1, mmap: 3 },
    charts: ['walks'],
  });
  const results = await runSuite(suite, { jobs: 1, now: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)) });
  const dir = writeReport(results, tmp);

  it('one row per cell, with exactly results.json\'s perOp.pteReads and perOp.tlbMisses', () => {
    const json = readResults(join(dir, 'results.json'));
    const rows = walksRows(json);
    const cells = json.cells.filter((c) => c.status === 'ok' && c.result?.kind === 'matrix');
    expect(cells).toHaveLength(9);
    expect(rows).toHaveLength(cells.length);
    for (const c of cells) {
      if (c.result?.kind !== 'matrix' || c.config.kind !== 'matrix') throw new Error('not a matrix cell');
      const cfg = c.config;
      const label = cfg.workload === 'tlb-walk' ? `tlb-walk pages=${cfg.params['pages']}` : 'mmap';
      const row = rows.find((r) => r.workload === label && r.technique === cfg.technique);
      expect(row?.pteReadsPerOp).toBe(Math.max(0, c.result.perOp.pteReads));
      expect(row?.tlbMissesPerOp).toBe(Math.max(0, c.result.perOp.tlbMisses));
    }
    // The built chart draws those same numbers.
    const chart = buildWalksChart(rows) as AnyConfig;
    for (const d of chart.data.datasets) {
      const t = TECHNIQUE_ORDER.find((x) => TECHNIQUE_LABELS[x] === d.label);
      expect(d.data).toEqual(chart.data.labels?.map((w: string) => rows.find((r) => r.workload === w && r.technique === t)?.pteReadsPerOp ?? null));
    }
  });

  it('shows nested paging\'s 2-D walk: about 4× native\'s reads where every access misses', () => {
    const rows = walksRows(results);
    const at = (t: string) => rows.find((r) => r.workload === 'tlb-walk pages=600' && r.technique === t)!;
    expect(at('hw-assist').pteReadsPerOp / at('native').pteReadsPerOp).toBeGreaterThan(3.5);
    expect(readsPerMiss(at('hw-assist'))).toBeGreaterThan(7);
    expect(readsPerMiss(at('native'))).toBeCloseTo(2, 0);
    expect(at('hw-assist-shadow').pteReadsPerOp / at('native').pteReadsPerOp).toBeCloseTo(1, 1);
  });

  it('the report holds walks.png and mentions it', () => {
    expect(isPng(readFileSync(join(dir, 'walks.png')))).toBe(true);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain('(walks.png)');
  });
});
