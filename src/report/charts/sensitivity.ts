/** Chart 4: how the slowdown grows with the cost of a VM exit — lines per workload (and technique). */
import type { ChartConfiguration } from 'chart.js';
import { buildLineChart, type LineChartOptions } from './lines.js';
import { renderChartPng } from './render.js';

export interface SensitivityRow {
  workload: string;
  technique: string;
  /** The modeled VM exit/entry round trip, in simulated cycles. */
  exitCycles: number;
  /** Slowdown vs native at that exit cost (native = 1.0). */
  slowdown: number;
}

export type SensitivityChartOptions = LineChartOptions;

export function buildSensitivityChart(rows: readonly SensitivityRow[], opts: SensitivityChartOptions = {}): ChartConfiguration<'scatter', { x: number; y: number }[]> {
  return buildLineChart({
    chart: 'sensitivity chart',
    seriesField: 'workload',
    xField: 'exitCycles',
    yField: 'slowdown',
    title: 'Sensitivity of overhead to the VM exit cost',
    xTitle: 'VM exit round trip (simulated cycles)',
    yTitle: 'slowdown vs native (×, native = 1.0)',
    yPositive: true,
  }, (rows ?? []).map((r) => ({ series: r?.workload, technique: r?.technique, x: r?.exitCycles, y: r?.slowdown })), opts);
}

export function renderSensitivityChart(rows: readonly SensitivityRow[], opts: SensitivityChartOptions = {}): Buffer {
  return renderChartPng(buildSensitivityChart(rows, opts) as never, opts);
}
