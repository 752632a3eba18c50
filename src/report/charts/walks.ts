/**
 * Chart 8: page-table entries read per operation, per workload and technique — grouped bars like
 * the slowdown chart. This is where nested paging pays: a TLB miss under a two-stage (G-stage)
 * translation reads up to 8 page-table entries instead of 2 (Bhargava et al., ASPLOS 2008), while
 * shadow paging walks 1-D tables as natively does. When the rows give TLB misses per operation,
 * each bar is labelled with its page-table reads per TLB miss.
 */
import type { ChartConfiguration, Plugin } from 'chart.js';
import { TECHNIQUE_COLORS, TECHNIQUE_LABELS, type ChartTechnique } from '../colors.js';
import {
  ChartDataError, FONT_FAMILY, MAX_BAR_THICKNESS, baseOptions, categoryScale, chooseLogScale, distinct, orderTechniques,
  requireName, requireRows, requireTechnique, requireValue, valueScale, whiteBackgroundPlugin,
  type CommonChartOptions, type ScaleChoice,
} from './common.js';
import { renderChartPng } from './render.js';

export interface WalksRow {
  workload: string;
  technique: string;
  /** Page-table entries the hardware read per operation (counters.pteReads per op). */
  pteReadsPerOp: number;
  /** TLB misses per operation; when given, bars are labelled with reads per miss. */
  tlbMissesPerOp?: number;
}

export interface WalksChartOptions extends CommonChartOptions {
  scale?: ScaleChoice;
}

const CHART = 'walks chart';
export const PER_MISS_LABEL_PLUGIN_ID = 'pvlabReadsPerMiss';

/** Reads per TLB miss for a bar, or null when there are no misses to divide by. */
export function readsPerMiss(row: Pick<WalksRow, 'pteReadsPerOp' | 'tlbMissesPerOp'>): number | null {
  const m = row.tlbMissesPerOp;
  return m !== undefined && m > 0 ? row.pteReadsPerOp / m : null;
}

/** Writes each bar's reads-per-miss figure above it (dataset i, bar j → labels[i][j]). */
function perMissLabelPlugin(labels: readonly (readonly (string | null)[])[]): Plugin {
  return {
    id: PER_MISS_LABEL_PLUGIN_ID,
    afterDatasetsDraw(chart) {
      const ctx = chart.ctx;
      ctx.save();
      ctx.font = `11px ${FONT_FAMILY}`;
      ctx.fillStyle = '#222222';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'bottom';
      labels.forEach((row, i) => {
        const meta = chart.getDatasetMeta(i);
        row.forEach((text, j) => {
          const bar = meta.data[j] as unknown as { x: number; y: number; width: number } | undefined;
          if (text === null || !bar || !Number.isFinite(bar.y)) return;
          const y = Math.max(chart.chartArea.top + 10, bar.y - 2);
          // Six techniques in a dozen workloads leave bars narrower than "2.0": upright, the
          // labels of neighbouring bars would run into each other, so they stand on end.
          if (ctx.measureText(text).width <= bar.width) {
            ctx.fillText(text, bar.x, y);
            return;
          }
          ctx.save();
          ctx.translate(bar.x, y);
          ctx.rotate(-Math.PI / 2);
          ctx.textAlign = 'left';
          ctx.textBaseline = 'middle';
          ctx.fillText(text, 0, 0);
          ctx.restore();
        });
      });
      ctx.restore();
    },
  };
}

export function buildWalksChart(rows: readonly WalksRow[], opts: WalksChartOptions = {}): ChartConfiguration<'bar', (number | null)[], string> {
  requireRows(CHART, rows);
  const cells = new Map<string, WalksRow>();
  const techniques: ChartTechnique[] = [];
  rows.forEach((r, i) => {
    const where = `row ${i}`;
    const workload = requireName(CHART, where, 'workload', r?.workload);
    const technique = requireTechnique(CHART, `${where} (workload "${workload}")`, r.technique);
    const at = `${where} (workload "${workload}", technique "${technique}")`;
    requireValue(CHART, at, 'pteReadsPerOp', r.pteReadsPerOp);
    if (r.tlbMissesPerOp !== undefined) requireValue(CHART, at, 'tlbMissesPerOp', r.tlbMissesPerOp);
    const key = `${workload}\u0000${technique}`;
    if (cells.has(key)) throw new ChartDataError(`${CHART}: ${where}: a second row for workload "${workload}", technique "${technique}"`);
    cells.set(key, r);
    techniques.push(technique);
  });
  const workloads = distinct(rows.map((r) => r.workload));
  const order = orderTechniques(techniques);
  const log = chooseLogScale(CHART, 'y', rows.map((r, i) => ({ value: r.pteReadsPerOp, where: `row ${i} pteReadsPerOp` })), opts.scale);
  const withMisses = rows.some((r) => r.tlbMissesPerOp !== undefined);
  const options = baseOptions<'bar'>(opts.title ?? 'Page-table entries read per operation',
    opts.subtitle ?? `hardware page-walk reads per operation (simulated)${withMisses ? '; above each bar: reads per TLB miss' : ''}; lower is better`);
  options.scales = {
    x: categoryScale('workload'),
    // Headroom above the tallest bar for its reads-per-miss label.
    y: valueScale('page-table entries read per operation', log, withMisses ? { suggestedMax: Math.max(...rows.map((r) => r.pteReadsPerOp)) * (log ? 1.6 : 1.12) } : {}),
  } as never;
  const labels = order.map((t) => workloads.map((w) => {
    const r = cells.get(`${w}\u0000${t}`);
    const per = r ? readsPerMiss(r) : null;
    return per === null ? null : per.toFixed(1);
  }));
  return {
    type: 'bar',
    data: {
      labels: workloads,
      datasets: order.map((t) => ({
        label: TECHNIQUE_LABELS[t],
        data: workloads.map((w) => cells.get(`${w}\u0000${t}`)?.pteReadsPerOp ?? null),
        backgroundColor: TECHNIQUE_COLORS[t],
        borderColor: TECHNIQUE_COLORS[t],
        borderWidth: 0,
        categoryPercentage: 0.8,
        barPercentage: 0.9,
        maxBarThickness: MAX_BAR_THICKNESS,
      })),
    },
    options,
    plugins: [whiteBackgroundPlugin, ...(withMisses ? [perMissLabelPlugin(labels)] : [])],
  };
}

export function renderWalksChart(rows: readonly WalksRow[], opts: WalksChartOptions = {}): Buffer {
  return renderChartPng(buildWalksChart(rows, opts) as never, opts);
}
