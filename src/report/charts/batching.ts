/** Chart 5: paravirtual batching — cost per page / per request as the batch grows. Lines. */
import type { ChartConfiguration } from 'chart.js';
import { buildLineChart, type LineChartOptions } from './lines.js';
import { renderChartPng } from './render.js';

export interface BatchingRow {
  /** What is being batched, e.g. "page-table updates (per page)", "block I/O (per request)". */
  series: string;
  /** Default 'paravirt' (batching is a paravirtual interface). */
  technique?: string;
  /** Items per hypercall (≥ 1). */
  batchSize: number;
  /** Simulated cycles per item (page or request) at that batch size. */
  costPerItem: number;
}

export interface BatchingChartOptions extends LineChartOptions {
  /** x axis title; default "batch size (items per hypercall)". */
  xTitle?: string;
  /** y axis title; default "simulated cycles per item (page or request)". */
  yTitle?: string;
}

export function buildBatchingChart(rows: readonly BatchingRow[], opts: BatchingChartOptions = {}): ChartConfiguration<'scatter', { x: number; y: number }[]> {
  return buildLineChart({
    chart: 'batching chart',
    seriesField: 'series',
    xField: 'batchSize',
    yField: 'costPerItem',
    title: 'Paravirtual batching: cost per item vs batch size',
    xTitle: opts.xTitle ?? 'batch size (items per hypercall)',
    yTitle: opts.yTitle ?? 'simulated cycles per item (page or request)',
    xPositive: true,
  }, (rows ?? []).map((r) => ({ series: r?.series, technique: r?.technique ?? 'paravirt', x: r?.batchSize, y: r?.costPerItem })), opts);
}

export function renderBatchingChart(rows: readonly BatchingRow[], opts: BatchingChartOptions = {}): Buffer {
  return renderChartPng(buildBatchingChart(rows, opts) as never, opts);
}
