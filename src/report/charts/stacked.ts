/**
 * Stacked bars, one stack per workload × technique: the shared shape of the exits-by-reason and
 * cycle-breakdown charts.
 */
import type { ChartConfiguration } from 'chart.js';
import { TECHNIQUE_LABELS, TECHNIQUE_SHORT, type ChartTechnique } from '../colors.js';
import {
  ChartDataError, MAX_BAR_THICKNESS, FONT_FAMILY, baseOptions, orderTechniques, categoryScale, chooseLogScale, requireName, requireRows, requireTechnique,
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
  /** 'auto' (default) goes logarithmic when the stack totals span more than 100×. On a log axis
   *  the total's height reads true; the segments' relative heights do not. */
  scale?: ScaleChoice;
}

export interface StackedSpec<K extends string> {
  chart: string;
  field: string;
  keys: readonly K[];
  colors: Readonly<Record<K, string>>;
  labels: Readonly<Record<K, string>>;
  title: string;
  yTitle: string;
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
  const log = chooseLogScale(chart, 'y', totals, opts.scale);
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
