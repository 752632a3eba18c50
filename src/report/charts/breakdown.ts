/** Chart 3: where the simulated cycles of one operation go, by category — stacked bars. */
import type { ChartConfiguration } from 'chart.js';
import { CYCLE_CATEGORIES, CYCLE_CATEGORY_COLORS, CYCLE_CATEGORY_LABELS, type CycleCategory } from '../colors.js';
import { buildStackedChart, stackedSize, type StackedChartOptions } from './stacked.js';
import { renderChartPng } from './render.js';

export interface BreakdownRow {
  workload: string;
  technique: string;
  /** Simulated cycles per operation by category (CYCLE_CATEGORIES); missing categories are 0. */
  cyclesPerOp: Partial<Record<CycleCategory, number>>;
}

export type BreakdownChartOptions = StackedChartOptions;

export function buildBreakdownChart(rows: readonly BreakdownRow[], opts: BreakdownChartOptions = {}): ChartConfiguration<'bar', number[], string[]> {
  return buildStackedChart({
    chart: 'cycle breakdown chart',
    noneLabel: 'cycles',
    field: 'cyclesPerOp',
    keys: CYCLE_CATEGORIES,
    colors: CYCLE_CATEGORY_COLORS,
    labels: CYCLE_CATEGORY_LABELS,
    title: 'Cycle breakdown per operation',
    yTitle: 'simulated cycles per operation',
  }, (rows ?? []).map((r) => ({ workload: r?.workload, technique: r?.technique, parts: r?.cyclesPerOp as Record<string, number> })), opts);
}

export function renderBreakdownChart(rows: readonly BreakdownRow[], opts: BreakdownChartOptions = {}): Buffer {
  return renderChartPng(buildBreakdownChart(rows, opts) as never, stackedSize(rows.length, opts));
}
