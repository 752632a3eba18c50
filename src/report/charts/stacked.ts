/**
 * Stacked bars, one stack per workload × technique: the shared shape of the exits-by-reason and
 * cycle-breakdown charts. Either absolute (vertical stacks on a linear axis, where segment sizes
 * read true) or, with `shares`, each bar as 100 % of its total: horizontal bars, one row per
 * workload × technique, readable however many there are; the totals go in a totals chart
 * (totals.ts) drawn beside it with the same rows.
 */
import type { ChartConfiguration, Plugin, Scale } from 'chart.js';
import { TECHNIQUE_LABELS, TECHNIQUE_SHORT, type ChartTechnique } from '../colors.js';
import {
  ChartDataError, MAX_BAR_THICKNESS, FONT_FAMILY, baseOptions, overlayPlugin, orderTechniques, categoryScale, chooseLogScale, requireName, requireRows, requireTechnique,
  requireValue, valueScale, whiteBackgroundPlugin, type CommonChartOptions, type ScaleChoice,
} from './common.js';

/** More stacks than this get one-line, rotated labels. */
export const COMPACT_LABELS_AFTER = 12;

/** The default width for `n` stacks: 1000 px, wider when there are many, so bars stay legible. */
export function stackedDefaultWidth(n: number): number {
  return Math.min(4000, Math.max(1000, 260 + 30 * n));
}

export interface StackedRow {
  workload: string;
  technique: string;
  parts: Readonly<Record<string, number>>;
}

export interface StackedChartOptions extends CommonChartOptions {
  /** 'auto' (default) is linear: on a log axis the total's height reads true but the segments'
   *  relative heights do not. 'log' draws it anyway. Not used with `shares`. */
  scale?: ScaleChoice;
  /** Draw each bar as the shares (%) of its total, horizontally, one row per workload × technique. */
  shares?: boolean;
}

export const SHARES_DEFAULT_WIDTH = 920;

/** The size a stacked chart of `n` rows is drawn at unless the options say otherwise. */
export function stackedSize(n: number, opts: StackedChartOptions): { width: number; height: number | undefined } {
  // Narrower than a page so its totals chart (totals.ts) fits beside it.
  if (opts.shares) return { width: opts.width ?? SHARES_DEFAULT_WIDTH, height: opts.height ?? rowsChartHeight(n) };
  return { width: opts.width ?? stackedDefaultWidth(n), height: opts.height };
}

/** The default height of a horizontal chart of `n` rows: 26 px a row plus titles and axis. */
export function rowsChartHeight(n: number): number {
  return Math.min(10_000, Math.max(420, 190 + 26 * n));
}

/** "workload · technique": the row label of the horizontal charts (technique as the CLI names it). */
export const rowLabel = (r: { workload: string; technique: string }): string => `${r.workload} · ${r.technique}`;

export interface StackedSpec<K extends string> {
  chart: string;
  field: string;
  keys: readonly K[];
  colors: Readonly<Record<K, string>>;
  labels: Readonly<Record<K, string>>;
  title: string;
  yTitle: string;
  /** What a row with a zero total has none of, e.g. "exits" (default: the field name). */
  noneLabel?: string;
  /** Draw a segment key even when it is zero everywhere (else keys that never occur are left out
   *  of the legend). */
  keepEmpty?: boolean;
}

export function buildStackedChart<K extends string>(spec: StackedSpec<K>, rows: readonly StackedRow[], opts: StackedChartOptions): ChartConfiguration<'bar', number[], string[]> {
  const { chart } = spec;
  requireRows(chart, rows);
  const seen = new Set<string>();
  const totals: { value: number; where: string }[] = [];
  rows.forEach((r, i) => {
    const where = `row ${i}`;
    const workload = requireName(chart, where, 'workload', r?.workload);
    const technique = requireTechnique(chart, `${where} (workload "${workload}")`, r.technique);
    const at = `${where} (workload "${workload}", technique "${technique}")`;
    const key = `${workload}\u0000${technique}`;
    if (seen.has(key)) throw new ChartDataError(`${chart}: ${where}: a second row for workload "${workload}", technique "${technique}"`);
    seen.add(key);
    if (r.parts === null || typeof r.parts !== 'object') throw new ChartDataError(`${chart}: ${at}: ${spec.field} must be an object of numbers`);
    let total = 0;
    for (const [k, v] of Object.entries(r.parts)) {
      if (!(spec.keys as readonly string[]).includes(k)) {
        throw new ChartDataError(`${chart}: ${at}: unknown ${spec.field} key "${k}" (known: ${spec.keys.join(', ')})`);
      }
      total += requireValue(chart, at, `${spec.field}.${k}`, v);
    }
    totals.push({ value: total, where: `${at} total ${spec.field}` });
  });
  if (opts.shares) return sharesChart(spec, rows, opts);
  const log = chooseLogScale(chart, 'y', totals, opts.scale === undefined || opts.scale === 'auto' ? 'linear' : opts.scale);
  const used = spec.keys.filter((k) => spec.keepEmpty || rows.some((r) => (r.parts[k] ?? 0) > 0));
  const compact = rows.length > COMPACT_LABELS_AFTER;
  const options = baseOptions<'bar'>(opts.title ?? spec.title, opts.subtitle);
  options.scales = {
    x: compact
      ? categoryScale(`workload · technique (${orderTechniques(rows.map((r) => r.technique as ChartTechnique)).map((t) => `${TECHNIQUE_SHORT[t]} = ${TECHNIQUE_LABELS[t]}`).join(', ')})`,
        { stacked: true, ticks: { font: { family: FONT_FAMILY, size: 11 }, color: '#222222', autoSkip: false, maxRotation: 90, minRotation: 60 } })
      : categoryScale('workload / technique', { stacked: true }),
    y: valueScale(spec.yTitle, log, { stacked: true }),
  } as never;
  options.plugins!.legend!.position = 'right';
  return {
    type: 'bar',
    data: {
      // Two-line labels while they fit; past COMPACT_LABELS_AFTER stacks one rotated line with the
      // technique abbreviated (the axis title spells the abbreviations out).
      labels: rows.map((r) => compact
        ? [`${r.workload} · ${TECHNIQUE_SHORT[r.technique as ChartTechnique]}`]
        : [r.workload, TECHNIQUE_LABELS[r.technique as ChartTechnique]]),
      datasets: used.map((k) => ({
        label: spec.labels[k],
        data: rows.map((r) => r.parts[k] ?? 0),
        backgroundColor: spec.colors[k],
        borderColor: '#FFFFFF',
        borderWidth: 1,
        categoryPercentage: 0.85,
        barPercentage: 0.9,
        maxBarThickness: MAX_BAR_THICKNESS,
      })),
    },
    options,
    plugins: [whiteBackgroundPlugin],
  };
}

/** Each row's parts as percentages of its total (all 0 for a zero total). */
export function sharesOf(parts: Readonly<Record<string, number>>, keys: readonly string[]): number[] {
  const total = keys.reduce((n, k) => n + (parts[k] ?? 0), 0);
  return keys.map((k) => (total > 0 ? ((parts[k] ?? 0) / total) * 100 : 0));
}

export const NO_PARTS_PLUGIN_ID = 'pvlabNoParts';

/** Writes "none" in a row whose total is 0 (a bar of no width would look like missing data). */
function noPartsPlugin(empty: readonly boolean[], what: string): Plugin {
  return overlayPlugin(NO_PARTS_PLUGIN_ID, 'italic 11px', (ctx, chart) => {
    const y = chart.scales['y'] as Scale | undefined;
    if (!y) return;
    ctx.textBaseline = 'middle';
    empty.forEach((e, i) => { if (e) ctx.fillText(`no ${what}`, chart.chartArea.left + 4, y.getPixelForValue(i)); });
  });
}

function sharesChart<K extends string>(spec: StackedSpec<K>, rows: readonly StackedRow[], opts: StackedChartOptions): ChartConfiguration<'bar', number[], string[]> {
  const used = spec.keys.filter((k) => spec.keepEmpty || rows.some((r) => (r.parts[k] ?? 0) > 0));
  const shares = rows.map((r) => sharesOf(r.parts, used));
  const options = baseOptions<'bar'>(opts.title ?? `${spec.title}: shares`, opts.subtitle);
  options.indexAxis = 'y';
  options.scales = {
    x: { ...valueScale(`share of ${spec.yTitle} (%)`, false, { stacked: true, min: 0, max: 100 }),
      ticks: { callback: (v: number | string) => `${v}%`, font: { family: FONT_FAMILY, size: 12 }, color: '#333333' } },
    y: categoryScale('workload · technique', { stacked: true, ticks: { font: { family: FONT_FAMILY, size: 12 }, color: '#222222', autoSkip: false } }),
  } as never;
  // The legend stays on top (baseOptions): Chart.js gives each box at a side at most half the
  // width over the number of side boxes, so a legend on the right would halve what the row
  // labels ("null-syscall p4-vtx · hw-assist-shadow") may take, and clip them.
  return {
    type: 'bar',
    data: {
      labels: rows.map((r) => [rowLabel(r)]),
      datasets: used.map((k, j) => ({
        label: spec.labels[k],
        data: shares.map((row) => row[j] as number),
        backgroundColor: spec.colors[k],
        borderColor: '#FFFFFF',
        borderWidth: 1,
        categoryPercentage: 0.85,
        barPercentage: 0.9,
      })),
    },
    options,
    plugins: [whiteBackgroundPlugin, noPartsPlugin(rows.map((r) => used.every((k) => !((r.parts[k] ?? 0) > 0))), spec.noneLabel ?? spec.field)],
  };
}
