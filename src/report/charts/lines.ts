/**
 * Lines over a numeric x axis: the shared shape of the sensitivity and batching charts. A line's
 * colour is its technique's (the same on every chart); lines of one technique are told apart by
 * marker shape and dash pattern, one per series (workload or operation).
 */
import type { ChartConfiguration } from 'chart.js';
import { DASH_PATTERNS, POINT_STYLES, TECHNIQUE_COLORS, TECHNIQUE_LABELS, TECHNIQUE_ORDER, type ChartTechnique } from '../colors.js';
import {
  ChartDataError, baseOptions, chooseLogScale, distinct, requireName, requireRows, requireTechnique, requireValue,
  valueScale, whiteBackgroundPlugin, type CommonChartOptions, type ScaleChoice,
} from './common.js';

export interface LinePoint {
  series: string;
  technique: string;
  x: number;
  y: number;
}

export interface LineChartOptions extends CommonChartOptions {
  xScale?: ScaleChoice;
  yScale?: ScaleChoice;
}

export interface LineSpec {
  chart: string;
  seriesField: string;
  xField: string;
  yField: string;
  title: string;
  xTitle: string;
  yTitle: string;
  /** y must be > 0 (slowdown) rather than ≥ 0. */
  yPositive?: boolean;
  /** x must be > 0. */
  xPositive?: boolean;
}

type XY = { x: number; y: number };

export function buildLineChart(spec: LineSpec, points: readonly LinePoint[], opts: LineChartOptions): ChartConfiguration<'scatter', XY[]> {
  const { chart } = spec;
  requireRows(chart, points);
  const lines = new Map<string, { series: string; technique: ChartTechnique; points: XY[] }>();
  points.forEach((p, i) => {
    const where = `row ${i}`;
    const series = requireName(chart, where, spec.seriesField, p.series);
    const technique = requireTechnique(chart, `${where} (${spec.seriesField} "${series}")`, p.technique);
    const at = `${where} (${spec.seriesField} "${series}", technique "${technique}")`;
    const x = requireValue(chart, at, spec.xField, p.x, spec.xPositive);
    const y = requireValue(chart, at, spec.yField, p.y, spec.yPositive);
    const key = `${series}\u0000${technique}`;
    let line = lines.get(key);
    if (!line) lines.set(key, line = { series, technique, points: [] });
    if (line.points.some((q) => q.x === x)) throw new ChartDataError(`${chart}: ${at}: a second point at ${spec.xField} = ${x}`);
    line.points.push({ x, y });
  });
  const xLog = chooseLogScale(chart, 'x', points.map((p, i) => ({ value: p.x, where: `row ${i} ${spec.xField}` })), opts.xScale);
  const yLog = chooseLogScale(chart, 'y', points.map((p, i) => ({ value: p.y, where: `row ${i} ${spec.yField}` })), opts.yScale);
  const seriesNames = distinct(points.map((p) => p.series));
  const techniques = distinct([...lines.values()].map((l) => l.technique));
  const ordered = [...lines.values()].sort((a, b) =>
    seriesNames.indexOf(a.series) - seriesNames.indexOf(b.series) || TECHNIQUE_ORDER.indexOf(a.technique) - TECHNIQUE_ORDER.indexOf(b.technique));
  const options = baseOptions<'scatter'>(opts.title ?? spec.title, opts.subtitle);
  options.scales = {
    x: valueScale(spec.xTitle, xLog, xLog ? {} : { beginAtZero: false }),
    y: valueScale(spec.yTitle, yLog),
  } as never;
  options.plugins!.legend!.labels = { ...options.plugins!.legend!.labels, usePointStyle: true, boxHeight: 9 } as never;
  return {
    type: 'scatter',
    data: {
      datasets: ordered.map((l) => {
        const s = seriesNames.indexOf(l.series);
        const color = TECHNIQUE_COLORS[l.technique];
        return {
          label: techniques.length > 1 ? `${l.series} (${TECHNIQUE_LABELS[l.technique]})` : l.series,
          data: [...l.points].sort((a, b) => a.x - b.x),
          showLine: true,
          borderColor: color,
          backgroundColor: color,
          borderWidth: 2,
          borderDash: [...DASH_PATTERNS[s % DASH_PATTERNS.length]!],
          pointStyle: POINT_STYLES[s % POINT_STYLES.length],
          pointRadius: 5,
          tension: 0,
        };
      }),
    },
    options,
    plugins: [whiteBackgroundPlugin],
  };
}
