/** Chart 2: VM exits per operation by reason — stacked bars, one stack per workload × technique. */
import type { ChartConfiguration } from 'chart.js';
import { EXIT_KINDS, EXIT_KIND_COLORS, EXIT_KIND_LABELS, type ExitKind } from '../colors.js';
import { buildStackedChart, stackedSize, type StackedChartOptions } from './stacked.js';
import { renderChartPng } from './render.js';

export interface ExitsRow {
  workload: string;
  technique: string;
  /** Exits per operation by kind (src/hypervisor/accounting.ts EXIT_KINDS); missing kinds are 0. */
  exitsPerOp: Partial<Record<ExitKind, number>>;
}

export type ExitsChartOptions = StackedChartOptions;

export function buildExitsChart(rows: readonly ExitsRow[], opts: ExitsChartOptions = {}): ChartConfiguration<'bar', number[], string[]> {
  return buildStackedChart({
    chart: 'exits chart',
    noneLabel: 'exits',
    field: 'exitsPerOp',
    keys: EXIT_KINDS,
    colors: EXIT_KIND_COLORS,
    labels: EXIT_KIND_LABELS,
    title: 'VM exits per operation, by reason',
    yTitle: 'VM exits per operation (count)',
  }, (rows ?? []).map((r) => ({ workload: r?.workload, technique: r?.technique, parts: r?.exitsPerOp as Record<string, number> })), opts);
}

export function renderExitsChart(rows: readonly ExitsRow[], opts: ExitsChartOptions = {}): Buffer {
  return renderChartPng(buildExitsChart(rows, opts) as never, stackedSize(rows.length, opts));
}
