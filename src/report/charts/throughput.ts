/**
 * Chart 6: per-VM throughput in mixed runs (several VMs of different builds sharing one core) —
 * one bar per VM, coloured by the VM's technique, grouped by run.
 */
import type { ChartConfiguration } from 'chart.js';
import { TECHNIQUE_COLORS, TECHNIQUE_LABELS, type ChartTechnique } from '../colors.js';
import {
  ChartDataError, MAX_BAR_THICKNESS, baseOptions, categoryScale, chooseLogScale, orderTechniques, requireName, requireRows,
  requireTechnique, requireValue, valueScale, whiteBackgroundPlugin, type CommonChartOptions, type ScaleChoice,
} from './common.js';
import { renderChartPng } from './render.js';

export interface ThroughputRow {
  /** The mixed run (scenario) the VM took part in. */
  run: string;
  /** The VM's name within the run. */
  vm: string;
  technique: string;
  /** Work done per unit of simulated time (see `unit`). */
  throughput: number;
}

export interface ThroughputChartOptions extends CommonChartOptions {
  /** The throughput unit; default "ops per 10⁶ simulated cycles" (short enough for the axis title to fit the plot's height). */
  unit?: string;
  scale?: ScaleChoice;
}

const CHART = 'throughput chart';

export function buildThroughputChart(rows: readonly ThroughputRow[], opts: ThroughputChartOptions = {}): ChartConfiguration<'bar', (number | null)[], string[]> {
  requireRows(CHART, rows);
  const seen = new Set<string>();
  const techniques: ChartTechnique[] = [];
  rows.forEach((r, i) => {
    const where = `row ${i}`;
    const run = requireName(CHART, where, 'run', r?.run);
    const vm = requireName(CHART, `${where} (run "${run}")`, 'vm', r.vm);
    const at = `${where} (run "${run}", vm "${vm}")`;
    techniques.push(requireTechnique(CHART, at, r.technique));
    requireValue(CHART, at, 'throughput', r.throughput);
    const key = `${run}\u0000${vm}`;
    if (seen.has(key)) throw new ChartDataError(`${CHART}: ${where}: a second row for run "${run}", vm "${vm}"`);
    seen.add(key);
  });
  // Bars grouped by run: rows of one run next to each other, runs in order of first appearance.
  const runs = [...new Set(rows.map((r) => r.run))];
  const ordered = runs.flatMap((run) => rows.filter((r) => r.run === run));
  const log = chooseLogScale(CHART, 'y', rows.map((r, i) => ({ value: r.throughput, where: `row ${i} throughput` })), opts.scale);
  const unit = opts.unit ?? 'ops per 10⁶ simulated cycles';
  const options = baseOptions<'bar'>(opts.title ?? 'Per-VM throughput in mixed runs', opts.subtitle);
  options.scales = {
    x: categoryScale('VM / run'),
    y: valueScale(`throughput (${unit})`, log),
  } as never;
  return {
    type: 'bar',
    data: {
      labels: ordered.map((r) => [r.vm, `(${r.run})`]),
      datasets: orderTechniques(techniques).map((t) => ({
        label: TECHNIQUE_LABELS[t],
        data: ordered.map((r) => (r.technique === t ? r.throughput : null)),
        backgroundColor: TECHNIQUE_COLORS[t],
        borderWidth: 0,
        skipNull: true,
        categoryPercentage: 0.8,
        barPercentage: 0.9,
        maxBarThickness: MAX_BAR_THICKNESS,
      })),
    },
    options,
    plugins: [whiteBackgroundPlugin],
  };
}

export function renderThroughputChart(rows: readonly ThroughputRow[], opts: ThroughputChartOptions = {}): Buffer {
  return renderChartPng(buildThroughputChart(rows, opts) as never, opts);
}
