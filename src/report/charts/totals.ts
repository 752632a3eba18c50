/**
 * The totals beside a shares chart: one horizontal bar per workload × technique, in the same rows
 * as the shares chart it accompanies (so the two read across), coloured by technique, with its
 * value written at the end. The breakdown's shares say where the cycles go; this says how many
 * there are. No legend: each row's label names its technique, and a legend beside the plot
 * would take the room the labels need. Logarithmic when the totals span more than 100× (a single bar per row reads true on
 * a log axis, unlike stacked segments).
 */
import type { ChartConfiguration, Plugin } from 'chart.js';
import { TECHNIQUE_COLORS, TECHNIQUE_LABELS, type ChartTechnique } from '../colors.js';
import {
  FONT_FAMILY, baseOptions, categoryScale, overlayPlugin, chooseLogScale, formatNumber, linearTick, orderTechniques, requireName, requireRows,
  requireTechnique, requireValue, valueScale, whiteBackgroundPlugin, type CommonChartOptions, type ScaleChoice,
} from './common.js';
import { renderChartPng } from './render.js';
import { rowLabel, rowsChartHeight } from './stacked.js';

export interface TotalsRow {
  workload: string;
  technique: string;
  total: number;
}

export interface TotalsChartOptions extends CommonChartOptions {
  scale?: ScaleChoice;
  /** The quantity and its unit, e.g. "simulated cycles per operation". */
  axisTitle: string;
}

const CHART = 'totals chart';
export const TOTALS_LABEL_PLUGIN_ID = 'pvlabTotalsLabel';
export const TOTALS_DEFAULT_WIDTH = 600;

/** Writes each bar's value just past its end. */
function valueLabelPlugin(rows: readonly TotalsRow[], datasetOf: readonly number[]): Plugin {
  return overlayPlugin(TOTALS_LABEL_PLUGIN_ID, '11px', (ctx, chart) => {
    ctx.textBaseline = 'middle';
    rows.forEach((r, i) => {
      const bar = chart.getDatasetMeta(datasetOf[i] as number).data[i] as unknown as { x: number; y: number } | undefined;
      if (!bar) return;
      const text = formatNumber(r.total);
      const end = Math.max(bar.x, chart.chartArea.left);
      // Inside the bar, in white, when it would run off the plot.
      const inside = end + ctx.measureText(text).width + 6 > chart.chartArea.right;
      ctx.textAlign = inside ? 'right' : 'left';
      ctx.fillStyle = inside ? '#FFFFFF' : '#222222';
      ctx.fillText(text, inside ? end - 4 : end + 4, bar.y);
    });
  });
}

function powerOfTenTick(value: number | string): string {
  const v = Number(value);
  return v > 0 && Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9 ? formatNumber(v) : '';
}

export function buildTotalsChart(rows: readonly TotalsRow[], opts: TotalsChartOptions): ChartConfiguration<'bar', (number | null)[], string[]> {
  requireRows(CHART, rows);
  const techniques: ChartTechnique[] = rows.map((r, i) => {
    const workload = requireName(CHART, `row ${i}`, 'workload', r?.workload);
    const technique = requireTechnique(CHART, `row ${i} (workload "${workload}")`, r.technique);
    requireValue(CHART, `row ${i} (workload "${workload}", technique "${technique}")`, 'total', r.total);
    return technique;
  });
  const order = orderTechniques(techniques);
  const log = chooseLogScale(CHART, 'x', rows.map((r, i) => ({ value: r.total, where: `row ${i} total` })), opts.scale);
  const options = baseOptions<'bar'>(opts.title ?? 'Totals', opts.subtitle);
  options.indexAxis = 'y';
  options.scales = {
    // Room past the longest bar for its value.
    x: valueScale(opts.axisTitle, log, {
      suggestedMax: Math.max(...rows.map((r) => r.total)) * (log ? 4 : 1.15),
      // Upright tick labels, so the axis is as tall as the shares chart's and the rows line up;
      // on a log axis only the powers of ten are labelled.
      ticks: { callback: log ? powerOfTenTick : linearTick, font: { family: FONT_FAMILY, size: 12 }, color: '#333333', autoSkip: !log, maxRotation: 0, minRotation: 0 },
    }),
    y: categoryScale('workload · technique', { ticks: { font: { family: FONT_FAMILY, size: 12 }, color: '#222222', autoSkip: false } }),
  } as never;
  options.plugins!.legend!.display = false;
  return {
    type: 'bar',
    data: {
      labels: rows.map((r) => [rowLabel(r)]),
      datasets: order.map((t) => ({
        label: TECHNIQUE_LABELS[t],
        data: rows.map((r, i) => (techniques[i] === t ? r.total : null)),
        backgroundColor: TECHNIQUE_COLORS[t],
        borderWidth: 0,
        skipNull: true,
        categoryPercentage: 0.85,
        barPercentage: 0.9,
      })),
    },
    options,
    plugins: [whiteBackgroundPlugin, valueLabelPlugin(rows, techniques.map((t) => order.indexOf(t)))],
  };
}

/** Width and height a totals chart of `n` rows is drawn at: as tall as its shares chart. */
export function totalsSize(n: number, opts: Pick<CommonChartOptions, 'width' | 'height'> = {}): { width: number; height: number } {
  return { width: opts.width ?? TOTALS_DEFAULT_WIDTH, height: opts.height ?? rowsChartHeight(n) };
}

export function renderTotalsChart(rows: readonly TotalsRow[], opts: TotalsChartOptions): Buffer {
  return renderChartPng(buildTotalsChart(rows, opts) as never, totalsSize(rows.length, opts));
}
