import { describe, expect, it } from 'vitest';
import {
  HOST_TIME_AXIS_TITLE, HOST_TIME_KIND_COLORS, WHITE_BACKGROUND_PLUGIN_ID,
  buildBatchingChart, buildBreakdownChart, buildExitsChart, buildHostTimeChart, buildSensitivityChart, buildSlowdownChart,
  buildThroughputChart, pngSize, renderBatchingChart, renderBreakdownChart, renderChartPng, renderExitsChart,
  renderHostTimeChart, renderSensitivityChart, renderSlowdownChart, renderThroughputChart,
} from '../../src/report/charts/index.js';
import { TECHNIQUE_COLORS, TECHNIQUE_LABELS, TECHNIQUE_ORDER } from '../../src/report/colors.js';
import { BATCHING, BREAKDOWN, EXITS, HOST_TIME, SENSITIVITY, SLOWDOWN, THROUGHPUT } from './fixtures.js';

type AnyConfig = { options: any; data: { datasets: any[]; labels?: any[] }; plugins?: { id: string }[] };

/** Every chart: its name, its built configuration and a renderer taking size options. */
const CHARTS: { name: string; build: () => AnyConfig; render: (o?: { width?: number; height?: number }) => Buffer }[] = [
  { name: 'slowdown', build: () => buildSlowdownChart(SLOWDOWN) as AnyConfig, render: (o) => renderSlowdownChart(SLOWDOWN, o) },
  { name: 'exits', build: () => buildExitsChart(EXITS) as AnyConfig, render: (o) => renderExitsChart(EXITS, o) },
  { name: 'breakdown', build: () => buildBreakdownChart(BREAKDOWN) as AnyConfig, render: (o) => renderBreakdownChart(BREAKDOWN, o) },
  { name: 'sensitivity', build: () => buildSensitivityChart(SENSITIVITY) as AnyConfig, render: (o) => renderSensitivityChart(SENSITIVITY, o) },
  { name: 'batching', build: () => buildBatchingChart(BATCHING) as AnyConfig, render: (o) => renderBatchingChart(BATCHING, o) },
  { name: 'throughput', build: () => buildThroughputChart(THROUGHPUT) as AnyConfig, render: (o) => renderThroughputChart(THROUGHPUT, o) },
  { name: 'host time', build: () => buildHostTimeChart(HOST_TIME) as AnyConfig, render: (o) => renderHostTimeChart(HOST_TIME, o) },
];

describe.each(CHARTS)('$name chart', ({ build, render }) => {
  it('renders a 1000×600 PNG by default, and the size asked for', () => {
    const png = render();
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.toString('latin1', 12, 16)).toBe('IHDR');
    expect(pngSize(png)).toEqual({ width: 1000, height: 600 });
    expect(pngSize(render({ width: 640, height: 400 }))).toEqual({ width: 640, height: 400 });
  });

  it('is deterministic: the same data gives the same bytes', () => {
    expect(render().equals(render())).toBe(true);
    const config = build();
    const a = renderChartPng(config as never);
    const b = renderChartPng(config as never);
    expect(a.equals(b)).toBe(true);
    expect(a.equals(render())).toBe(true);
  });

  it('has a title, axis titles, a legend, a white background and no animation', () => {
    const c = build();
    expect(typeof c.options.plugins.title.text).toBe('string');
    expect(c.options.plugins.title.display).toBe(true);
    expect(c.options.plugins.legend.display).toBe(true);
    expect(c.options.animation).toBe(false);
    expect(c.options.devicePixelRatio).toBe(1);
    expect(c.options.responsive).toBe(false);
    for (const axis of ['x', 'y']) {
      expect(c.options.scales[axis].title.display).toBe(true);
      expect(c.options.scales[axis].title.text.length).toBeGreaterThan(3);
    }
    expect(c.plugins?.map((p) => p.id)).toContain(WHITE_BACKGROUND_PLUGIN_ID);
    expect(c.data.datasets.length).toBeGreaterThan(0);
  });
});

describe('units on the value axis', () => {
  const yTitle = (c: AnyConfig) => c.options.scales.y.title.text as string;
  it('simulated-cycle charts say so; the host-time chart says host time in ns and never "simulated"', () => {
    expect(yTitle(buildSlowdownChart(SLOWDOWN) as AnyConfig)).toMatch(/× native simulated cycles/);
    expect(yTitle(buildBreakdownChart(BREAKDOWN) as AnyConfig)).toMatch(/^simulated cycles per operation/);
    expect(yTitle(buildExitsChart(EXITS) as AnyConfig)).toMatch(/exits per operation \(count\)/);
    expect(yTitle(buildBatchingChart(BATCHING) as AnyConfig)).toMatch(/simulated cycles per item/);
    expect((buildSensitivityChart(SENSITIVITY) as AnyConfig).options.scales.x.title.text).toBe('VM exit round trip (simulated cycles)');
    expect(yTitle(buildThroughputChart(THROUGHPUT) as AnyConfig)).toMatch(/simulated cycles\)$/);
    expect(yTitle(buildThroughputChart(THROUGHPUT, { unit: 'requests per simulated ms' }) as AnyConfig)).toBe('throughput (requests per simulated ms)');
    const host = buildHostTimeChart(HOST_TIME) as AnyConfig;
    expect(yTitle(host)).toContain(HOST_TIME_AXIS_TITLE);
    expect(HOST_TIME_AXIS_TITLE).toMatch(/^host time of this implementation \(ns/);
    expect(yTitle(host)).not.toMatch(/simulated/);
    expect(host.options.plugins.title.text).toMatch(/not simulated cycles/);
  });

  it('a log axis says so in its title', () => {
    expect((buildSlowdownChart(SLOWDOWN) as AnyConfig).options.scales.y.title.text).toMatch(/log scale$/);
    expect((buildSlowdownChart(SLOWDOWN, { scale: 'linear' }) as AnyConfig).options.scales.y.title.text).not.toMatch(/log/);
  });

  it('titles and subtitles can be overridden', () => {
    const c = buildExitsChart(EXITS, { title: 'T', subtitle: 'preset: core2' }) as AnyConfig;
    expect(c.options.plugins.title.text).toBe('T');
    expect(c.options.plugins.subtitle).toMatchObject({ display: true, text: 'preset: core2' });
  });
});

describe('data layout', () => {
  it('slowdown: one group per workload in order, one dataset per technique in canonical order, gaps as null', () => {
    const c = buildSlowdownChart([
      { workload: 'b', technique: 'paravirt', slowdown: 2 },
      { workload: 'a', technique: 'native', slowdown: 1 },
      { workload: 'a', technique: 'trap-emulate', slowdown: 5 },
    ]) as AnyConfig;
    expect(c.data.labels).toEqual(['b', 'a']);
    expect(c.data.datasets.map((d) => d.label)).toEqual(['native', 'trap-and-emulate', 'paravirtualized']);
    expect(c.data.datasets.map((d) => d.data)).toEqual([[null, 1], [null, 5], [2, null]]);
    expect(c.plugins?.map((p) => p.id)).toContain('pvlabReferenceLine');
  });

  it('stacked charts: one stack per row, segments only for kinds that occur, in EXIT_KINDS order', () => {
    const c = buildExitsChart(EXITS) as AnyConfig;
    expect(c.options.scales.x.stacked).toBe(true);
    expect(c.options.scales.y.stacked).toBe(true);
    expect(c.data.labels).toHaveLength(EXITS.length);
    expect(c.data.labels![1]).toEqual(['getpid', 'trap-and-emulate']);
    const labels = c.data.datasets.map((d) => d.label);
    expect(labels.slice(0, 3)).toEqual(['CSR access', 'sret', 'sfence.vma']);
    expect(labels).not.toContain('reflected exception');
    const csr = c.data.datasets.find((d) => d.label === 'CSR access');
    expect(csr!.data).toEqual([0, 6, 0, 40, 0, 4, 0]);
  });

  it('stacked charts with many stacks: one-line rotated labels with abbreviations spelled out, and a wider default PNG', () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({ workload: `w${i}`, technique: i % 2 ? 'paravirt' : 'native', exitsPerOp: { hypercall: i } }));
    const c = buildExitsChart(rows) as AnyConfig;
    expect(c.data.labels![1]).toEqual(['w1 · PV']);
    expect(c.options.scales.x.title.text).toBe('workload · technique (N = native, PV = paravirtualized)');
    expect(pngSize(renderExitsChart(rows))).toEqual({ width: 1460, height: 600 });
    expect(pngSize(renderExitsChart(rows.slice(0, 3)))).toEqual({ width: 1000, height: 600 });
    expect(pngSize(renderExitsChart(rows, { width: 700 }))).toEqual({ width: 700, height: 600 });
  });

  it('lines: sorted by x, one line per workload × technique', () => {
    const c = buildSensitivityChart([
      { workload: 'w', technique: 'trap-emulate', exitCycles: 2000, slowdown: 9 },
      { workload: 'w', technique: 'trap-emulate', exitCycles: 500, slowdown: 3 },
    ]) as AnyConfig;
    expect(c.data.datasets).toHaveLength(1);
    expect(c.data.datasets[0].data).toEqual([{ x: 500, y: 3 }, { x: 2000, y: 9 }]);
    expect(c.data.datasets[0].showLine).toBe(true);
    expect(c.data.datasets[0].label).toBe('w');
    expect(buildSensitivityChart(SENSITIVITY).data.datasets).toHaveLength(6);
  });

  it('throughput: bars grouped by run', () => {
    const c = buildThroughputChart([
      { run: 'r1', vm: 'a', technique: 'paravirt', throughput: 1 },
      { run: 'r2', vm: 'a', technique: 'paravirt', throughput: 2 },
      { run: 'r1', vm: 'b', technique: 'trap-emulate', throughput: 3 },
    ]) as AnyConfig;
    expect(c.data.labels).toEqual([['a', '(r1)'], ['b', '(r1)'], ['a', '(r2)']]);
    expect(c.data.datasets.map((d) => d.data)).toEqual([[null, 3, null], [1, null, 2]]);
  });
});

describe('colours are the technique\'s on every chart', () => {
  const byLabel = Object.fromEntries(TECHNIQUE_ORDER.map((t) => [TECHNIQUE_LABELS[t], TECHNIQUE_COLORS[t]]));

  it('bar charts: each technique dataset has the technique colour', () => {
    for (const c of [buildSlowdownChart(SLOWDOWN), buildThroughputChart(THROUGHPUT)] as AnyConfig[]) {
      for (const d of c.data.datasets) expect(d.backgroundColor).toBe(byLabel[d.label]);
    }
  });

  it('line charts: each line has its technique colour', () => {
    const c = buildSensitivityChart(SENSITIVITY) as AnyConfig;
    for (const d of c.data.datasets) {
      const technique = TECHNIQUE_ORDER.find((t) => (d.label as string).endsWith(`(${TECHNIQUE_LABELS[t]})`))!;
      expect(d.borderColor).toBe(TECHNIQUE_COLORS[technique]);
    }
    for (const d of (buildBatchingChart(BATCHING) as AnyConfig).data.datasets) expect(d.borderColor).toBe(TECHNIQUE_COLORS.paravirt);
    const hw = buildBatchingChart([{ series: 's', technique: 'hw-assist', batchSize: 1, costPerItem: 5 }]) as AnyConfig;
    expect(hw.data.datasets[0].borderColor).toBe(TECHNIQUE_COLORS['hw-assist']);
  });

  it('host time: native op, trapped op and hypercall take native, trap-emulate and paravirt colours', () => {
    expect(HOST_TIME_KIND_COLORS).toEqual({ native: TECHNIQUE_COLORS.native, trapped: TECHNIQUE_COLORS['trap-emulate'], hypercall: TECHNIQUE_COLORS.paravirt });
    const c = buildHostTimeChart(HOST_TIME) as AnyConfig;
    expect(c.data.datasets.map((d) => d.backgroundColor)).toEqual([TECHNIQUE_COLORS.native, TECHNIQUE_COLORS['trap-emulate'], TECHNIQUE_COLORS.paravirt]);
  });

  it('lines of one technique differ by marker and dash', () => {
    const ds = (buildSensitivityChart(SENSITIVITY) as AnyConfig).data.datasets.filter((d) => d.borderColor === TECHNIQUE_COLORS.paravirt);
    expect(new Set(ds.map((d) => d.pointStyle)).size).toBe(ds.length);
    expect(new Set(ds.map((d) => JSON.stringify(d.borderDash))).size).toBe(ds.length);
  });
});

describe('log scale', () => {
  const yType = (c: AnyConfig) => c.options.scales.y.type;
  it('is chosen automatically when the values span more than 100×', () => {
    expect(yType(buildSlowdownChart(SLOWDOWN) as AnyConfig)).toBe('logarithmic'); // 1 … 180
    expect(yType(buildSlowdownChart(SLOWDOWN.filter((r) => r.workload !== 'page-touch')) as AnyConfig)).toBe('linear'); // 1 … 31
    expect(yType(buildBreakdownChart(BREAKDOWN) as AnyConfig)).toBe('linear'); // stacked: never log unless asked (segments would read wrong)
    expect(yType(buildBreakdownChart(BREAKDOWN, { scale: 'log' }) as AnyConfig)).toBe('logarithmic');
    expect(yType(buildExitsChart(EXITS) as AnyConfig)).toBe('linear'); // native's total is 0
    expect(yType(buildHostTimeChart(HOST_TIME) as AnyConfig)).toBe('logarithmic');
    expect(yType(buildThroughputChart(THROUGHPUT) as AnyConfig)).toBe('linear');
    const b = buildBatchingChart(BATCHING) as AnyConfig;
    expect(b.options.scales.x.type).toBe('logarithmic'); // 1 … 256
    expect(b.options.scales.y.type).toBe('linear');
  });

  it('can be forced either way', () => {
    expect(yType(buildSlowdownChart(SLOWDOWN, { scale: 'linear' }) as AnyConfig)).toBe('linear');
    expect(yType(buildThroughputChart(THROUGHPUT, { scale: 'log' }) as AnyConfig)).toBe('logarithmic');
    expect((buildBatchingChart(BATCHING, { xScale: 'linear' }) as AnyConfig).options.scales.x.type).toBe('linear');
  });

  it('a log slowdown axis starts below 1 so native bars show', () => {
    expect((buildSlowdownChart(SLOWDOWN) as AnyConfig).options.scales.y.min).toBe(0.5);
  });
});
