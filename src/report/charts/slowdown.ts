/**
 * Chart 1: slowdown relative to native, per workload and technique — grouped bars in the style of
 * Barham et al. (Xen, SOSP 2003) Figure 3, where native = 1.0 and a dashed line marks it.
 */
import type { ChartConfiguration } from 'chart.js';
import { TECHNIQUE_COLORS, TECHNIQUE_LABELS, type ChartTechnique } from '../colors.js';
import {
  ChartDataError, MAX_BAR_THICKNESS, baseOptions, categoryScale, chooseLogScale, distinct, orderTechniques, referenceLinePlugin,
  requireName, requireRows, requireTechnique, requireValue, valueScale, whiteBackgroundPlugin,
  type CommonChartOptions, type ScaleChoice,
} from './common.js';
import { renderChartPng } from './render.js';

export interface SlowdownRow {
  workload: string;
  technique: string;
  /** Simulated cycles per operation divided by native's for the same workload (native = 1.0). */
  slowdown: number;
}

export interface SlowdownChartOptions extends CommonChartOptions {
  scale?: ScaleChoice;
}

const CHART = 'slowdown chart';

export function buildSlowdownChart(rows: readonly SlowdownRow[], opts: SlowdownChartOptions = {}): ChartConfiguration<'bar', (number | null)[], string> {
  requireRows(CHART, rows);
  const cells = new Map<string, number>();
  const techniques: ChartTechnique[] = [];
  rows.forEach((r, i) => {
    const where = `row ${i}`;
    const workload = requireName(CHART, where, 'workload', r?.workload);
    const technique = requireTechnique(CHART, `${where} (workload "${workload}")`, r.technique);
    const v = requireValue(CHART, `${where} (workload "${workload}", technique "${technique}")`, 'slowdown', r.slowdown, true);
    const key = `${workload}\u0000${technique}`;
    if (cells.has(key)) throw new ChartDataError(`${CHART}: ${where}: a second row for workload "${workload}", technique "${technique}"`);
    cells.set(key, v);
    techniques.push(technique);
  });
  const workloads = distinct(rows.map((r) => r.workload));
  const order = orderTechniques(techniques);
  const log = chooseLogScale(CHART, 'y', rows.map((r, i) => ({ value: r.slowdown, where: `row ${i} slowdown` })), opts.scale);
  const options = baseOptions<'bar'>(opts.title ?? 'Slowdown relative to native (native = 1.0)',
    opts.subtitle ?? 'simulated cycles per operation ÷ native; dashed line: native = 1.0; lower is better');
  options.scales = {
    x: categoryScale('workload'),
    y: valueScale('× native simulated cycles per op', log, log ? { min: 0.5 * Math.min(1, ...rows.map((r) => r.slowdown)) } : {}),
  } as never;
  return {
    type: 'bar',
    data: {
      labels: workloads,
      datasets: order.map((t) => ({
        label: TECHNIQUE_LABELS[t],
        data: workloads.map((w) => cells.get(`${w}\u0000${t}`) ?? null),
        backgroundColor: TECHNIQUE_COLORS[t],
        borderColor: TECHNIQUE_COLORS[t],
        borderWidth: 0,
        categoryPercentage: 0.8,
        barPercentage: 0.9,
        maxBarThickness: MAX_BAR_THICKNESS,
      })),
    },
    options,
    plugins: [whiteBackgroundPlugin, referenceLinePlugin(1)],
  };
}

export function renderSlowdownChart(rows: readonly SlowdownRow[], opts: SlowdownChartOptions = {}): Buffer {
  return renderChartPng(buildSlowdownChart(rows, opts) as never, opts);
}
