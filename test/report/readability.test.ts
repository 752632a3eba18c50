/**
 * The report read at the size it is shown (issue 14): the breakdown and exits as shares of each
 * row beside its totals (not stacked on a log axis), one number format per column, native at
 * 1.00×, a geometric-mean summary, every chart also as SVG, and the colours of techniques kept
 * apart from those of categories and exit kinds.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defineSuite } from '../../src/harness/suite.js';
import { runSuite } from '../../src/harness/runner.js';
import { writeReport } from '../../src/report/report.js';
import { geometricMean, perOpTable, summaryTable } from '../../src/report/report-tables.js';
import { buildBreakdownChart, buildTotalsChart, pngSize, sharesOf } from '../../src/report/charts/index.js';
import { CYCLE_CATEGORY_COLORS, EXIT_KIND_COLORS, TECHNIQUE_COLORS } from '../../src/report/colors.js';

const tmp = mkdtempSync(join(tmpdir(), 'pvlab-readable-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const suite = defineSuite({
  name: 'readable', description: 'console and compute', workloads: ['console', 'compute'], techniques: ['native', 'trap-emulate', 'paravirt'],
  operations: { console: 4, compute: 50 }, charts: ['slowdown', 'exits', 'breakdown'],
});
const results = await runSuite(suite, { jobs: 1 });
type AnyConfig = { data: { datasets: { label: string; data: number[] }[] }; options: { indexAxis?: string; scales: Record<string, { type: string; max?: number }> } };

describe('the breakdown as shares beside totals', () => {
  const rows = [{ workload: 'console', technique: 'trap-emulate', cyclesPerOp: { guestKernel: 580, worldSwitch: 5000, devices: 4200, emulation: 220 } }];
  it('each row is 100 %, horizontal, on a linear axis: 42 % devices reads as 42 %', () => {
    const c = buildBreakdownChart(rows, { shares: true }) as unknown as AnyConfig;
    expect(c.options.indexAxis).toBe('y');
    expect(c.options.scales['x']).toMatchObject({ type: 'linear', max: 100 });
    expect(c.data.datasets.find((d) => d.label === 'devices')?.data).toEqual([42]);
    expect(sharesOf({ a: 1, b: 3 }, ['a', 'b'])).toEqual([25, 75]);
    expect(sharesOf({}, ['a'])).toEqual([0]);
  });

  it('the legend is on top, so the row labels keep the width (a legend at the right halves it and clips them)', () => {
    const c = buildBreakdownChart(rows, { shares: true }) as unknown as { options: { plugins: { legend: { position: string } } } };
    expect(c.options.plugins.legend.position).toBe('top');
  });

  it('the totals chart holds the totals, log when they span more than 100×', () => {
    const c = buildTotalsChart([{ workload: 'a', technique: 'native', total: 10 }, { workload: 'b', technique: 'paravirt', total: 5000 }],
      { axisTitle: 'simulated cycles per operation' }) as unknown as AnyConfig;
    expect(c.options.scales['x']?.type).toBe('logarithmic');
    expect(c.data.datasets.map((d) => d.data)).toEqual([[10, null], [null, 5000]]);
  });

  it('the report writes shares and totals at the same height, each as PNG and SVG', () => {
    const dir = writeReport(results, tmp);
    const files = readdirSync(dir);
    for (const name of ['slowdown', 'exits', 'exits-totals', 'breakdown', 'breakdown-totals']) {
      expect(files).toContain(`${name}.png`);
      const svg = readFileSync(join(dir, `${name}.svg`), 'utf8');
      expect(svg).toMatch(/^<\?xml[^]*<svg /);
      // Vectors that scale for papers and slides, not one raster picture of the chart (cairo
      // falls back to that for an operator SVG lacks, such as 'destination-over').
      expect(svg, `${name}.svg embeds a raster image`).not.toContain('<image');
      expect(svg).toMatch(/<path /);
    }
    const shares = pngSize(readFileSync(join(dir, 'breakdown.png')));
    const totals = pngSize(readFileSync(join(dir, 'breakdown-totals.png')));
    expect(shares.height).toBe(totals.height);
    // Side by side within a 1680-px page, each at its own size.
    expect(shares.width + totals.width).toBeLessThanOrEqual(1600);
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    expect(html).toMatch(/<div class="charts"><figure><img src="breakdown\.png"[^]*?<figure><img src="breakdown-totals\.png"/);
    expect(html).toContain('img{display:block;max-width:none');
  });
});

describe('the tables', () => {
  const table = perOpTable(results);
  const col = (name: string): string[] => table.rows.map((r) => r[table.headers.indexOf(name)] as string);

  it('no cell-id column repeating the others; native at 1.00×', () => {
    expect(table.headers).toEqual(['workload', 'technique', 'build', 'preset', 'cycles/op', 'slowdown', 'exits/op', 'instructions/op', 'unit', 'cycles/unit']);
    table.rows.filter((r) => r[1] === 'native').forEach((r) => expect(r[5]).toBe('1.00×'));
  });

  it('one format per column', () => {
    for (const c of col('cycles/op')) expect(c).toMatch(/^\d{1,3}(,\d{3})*\.\d$/);
    for (const c of col('slowdown')) expect(c).toMatch(/^\d+\.\d\d×$/);
    for (const c of col('exits/op')) expect(c).toMatch(/^\d+\.\d\d$/);
  });

  it('the summary is the geometric mean of the slowdowns per technique', () => {
    const s = summaryTable(results);
    const te = results.cells.filter((c) => c.config.kind === 'matrix' && c.config.technique === 'trap-emulate').map((c) => c.slowdown as number);
    expect(s.rows.find((r) => r[0] === 'trap-emulate')).toEqual(['trap-emulate', '2', `${geometricMean(te).toFixed(2)}×`,
      `${Math.min(...te).toFixed(2)}×`, `${Math.max(...te).toFixed(2)}×`]);
    expect(s.rows.find((r) => r[0] === 'native')?.[2]).toBe('1.00×');
    expect(geometricMean([2, 8])).toBeCloseTo(4, 12);
  });
});

/** CIE76 ΔE between two sRGB colours. */
function deltaE(a: string, b: string): number {
  const lab = (hex: string): number[] => {
    const lin = [0, 2, 4].map((i) => parseInt(hex.slice(1 + i, 3 + i), 16) / 255).map((c) => (c > 0.04045 ? ((c + 0.055) / 1.055) ** 2.4 : c / 12.92));
    const [r, g, bl] = lin as [number, number, number];
    const f = (t: number): number => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
    const x = f((0.4124 * r + 0.3576 * g + 0.1805 * bl) / 0.95047);
    const y = f(0.2126 * r + 0.7152 * g + 0.0722 * bl);
    const z = f((0.0193 * r + 0.1192 * g + 0.9505 * bl) / 1.08883);
    return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
  };
  const [p, q] = [lab(a), lab(b)];
  return Math.hypot(...p.map((v, i) => v - (q[i] as number)));
}

describe('palettes', () => {
  it('no category or exit-kind colour is near a technique colour (ΔE ≥ 24)', () => {
    for (const t of Object.values(TECHNIQUE_COLORS)) {
      for (const c of [...Object.values(CYCLE_CATEGORY_COLORS), ...Object.values(EXIT_KIND_COLORS)]) expect(deltaE(t, c)).toBeGreaterThanOrEqual(24);
    }
  });

  it('categories differ from each other, and so do exit kinds', () => {
    for (const colors of [Object.values(CYCLE_CATEGORY_COLORS), Object.values(EXIT_KIND_COLORS)]) {
      expect(new Set(colors).size).toBe(colors.length);
      colors.forEach((a, i) => colors.slice(i + 1).forEach((b) => expect(deltaE(a, b)).toBeGreaterThan(20)));
    }
  });
});
