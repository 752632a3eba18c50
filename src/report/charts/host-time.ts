/**
 * Chart 7: host time of this TypeScript implementation — ns per native operation, per trapped-
 * and-emulated operation and per hypercall, measured with tinybench. Wall-clock time on the host,
 * NOT simulated cycles: the two must never share an axis.
 */
import type { ChartConfiguration, Plugin, Scale } from 'chart.js';
import { HOST_TIME_KINDS, type HostTimeKind, type HostTimeRow } from '../../harness/host-time-row.js';
import { NATIVE_COLOR, PARAVIRT_COLOR, TRAP_EMULATE_COLOR } from '../colors.js';
import {
  ChartDataError, MAX_BAR_THICKNESS, baseOptions, overlayPlugin, categoryScale, chooseLogScale, formatNumber, requireFinite, requireName, requireRows,
  requireValue, valueScale, whiteBackgroundPlugin, type CommonChartOptions, type ScaleChoice,
} from './common.js';
import { renderChartPng } from './render.js';

export { HOST_TIME_KINDS, type HostTimeKind, type HostTimeRow };

export const HOST_TIME_KIND_COLORS: Readonly<Record<HostTimeKind, string>> = {
  native: NATIVE_COLOR,
  trapped: TRAP_EMULATE_COLOR,
  hypercall: PARAVIRT_COLOR,
};
export const HOST_TIME_KIND_LABELS: Readonly<Record<HostTimeKind, string>> = {
  native: 'native operation',
  trapped: 'trapped and emulated',
  hypercall: 'hypercall',
};

export interface HostTimeChartOptions extends CommonChartOptions {
  scale?: ScaleChoice;
}

const CHART = 'host time chart';
export const HOST_TIME_AXIS_TITLE = 'host time of this implementation (ns per operation)';

export function buildHostTimeChart(rows: readonly HostTimeRow[], opts: HostTimeChartOptions = {}): ChartConfiguration<'bar', (number | null)[], string> {
  requireRows(CHART, rows);
  const seen = new Set<string>();
  rows.forEach((r, i) => {
    const op = requireName(CHART, `row ${i}`, 'operation', r?.operation);
    const at = `row ${i} (operation "${op}")`;
    if (!(HOST_TIME_KINDS as readonly string[]).includes(r.kind)) {
      throw new ChartDataError(`${CHART}: ${at}: unknown kind ${JSON.stringify(r.kind)} (known: ${HOST_TIME_KINDS.join(', ')})`);
    }
    // A difference of two noisy means may be ≤ 0: drawn at 0 and marked, never refused.
    requireFinite(CHART, at, 'ns', r.ns);
    if (r.spread !== undefined) requireValue(CHART, at, 'spread', r.spread);
    if (seen.has(op)) throw new ChartDataError(`${CHART}: row ${i}: a second row for operation "${op}"`);
    seen.add(op);
  });
  const log = chooseLogScale(CHART, 'y', rows.map((r, i) => ({ value: r.ns, where: `row ${i} ns` })), opts.scale);
  const tallest = Math.max(...rows.map((r) => r.ns + (r.spread ?? 0)));
  const options = baseOptions<'bar'>(opts.title ?? 'Host time per operation in this implementation (ns, not simulated cycles)',
    opts.subtitle ?? 'wall-clock time of the TypeScript hypervisor on this host (tinybench); varies between machines and runs');
  options.scales = {
    x: categoryScale('operation'),
    // Headroom above the tallest whisker for its label.
    y: valueScale(HOST_TIME_AXIS_TITLE, log, { suggestedMax: tallest > 0 ? tallest * (log ? 1.6 : 1.1) : 1 }),
  } as never;
  const kinds = HOST_TIME_KINDS.filter((k) => rows.some((r) => r.kind === k));
  return {
    type: 'bar',
    data: {
      labels: rows.map((r) => r.operation),
      datasets: kinds.map((k) => ({
        label: HOST_TIME_KIND_LABELS[k],
        data: rows.map((r) => (r.kind === k ? Math.max(0, r.ns) : null)),
        backgroundColor: HOST_TIME_KIND_COLORS[k],
        borderWidth: 0,
        skipNull: true,
        categoryPercentage: 0.8,
        barPercentage: 0.9,
        maxBarThickness: MAX_BAR_THICKNESS,
      })),
    },
    options,
    plugins: [whiteBackgroundPlugin, spreadPlugin(rows, kinds)],
  };
}

export const SPREAD_PLUGIN_ID = 'pvlabHostSpread';

/** The label above a bar: its value ± spread, or why the bar is not a measurement. */
export function spreadLabel(r: HostTimeRow): string {
  const pm = r.spread !== undefined ? ` ± ${formatNumber(r.spread)}` : '';
  if (r.ns <= 0) return `${formatNumber(r.ns)}${pm} ns: noise`;
  return `${formatNumber(r.ns)}${pm} ns${r.noisy ? ' (noisy)' : ''}`;
}

/** Draws each bar's 95 % interval as a whisker and writes its value ± spread above it. */
function spreadPlugin(rows: readonly HostTimeRow[], kinds: readonly HostTimeKind[]): Plugin {
  return overlayPlugin(SPREAD_PLUGIN_ID, '12px', (ctx, chart) => {
    const y = chart.scales['y'] as Scale | undefined;
    if (!y) return;
    const area = chart.chartArea;
    const clamp = (v: number): number => Math.min(area.bottom, Math.max(area.top, v));
    ctx.textAlign = 'center';
    ctx.textBaseline = 'bottom';
    rows.forEach((r, j) => {
      const bar = chart.getDatasetMeta(kinds.indexOf(r.kind)).data[j] as unknown as { x: number } | undefined;
      if (!bar) return;
      const top = clamp(y.getPixelForValue(Math.max(r.ns + (r.spread ?? 0), 0)));
      if (r.spread !== undefined && r.spread > 0) {
        const low = clamp(y.getPixelForValue(Math.max(r.ns - r.spread, y.min)));
        ctx.beginPath();
        for (const [x0, y0, x1, y1] of [[bar.x, low, bar.x, top], [bar.x - 6, top, bar.x + 6, top], [bar.x - 6, low, bar.x + 6, low]] as const) {
          ctx.moveTo(x0, y0);
          ctx.lineTo(x1, y1);
        }
        ctx.stroke();
      }
      ctx.fillText(spreadLabel(r), bar.x, Math.max(area.top + 12, top - 3));
    });
  });
}

export function renderHostTimeChart(rows: readonly HostTimeRow[], opts: HostTimeChartOptions = {}): Buffer {
  return renderChartPng(buildHostTimeChart(rows, opts) as never, opts);
}
