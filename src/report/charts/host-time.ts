/**
 * Chart 7: host time of this TypeScript implementation — ns per native operation, per trapped-
 * and-emulated operation and per hypercall, measured with tinybench. Wall-clock time on the host,
 * NOT simulated cycles: the two must never share an axis.
 */
import type { ChartConfiguration } from 'chart.js';
import { NATIVE_COLOR, PARAVIRT_COLOR, TRAP_EMULATE_COLOR } from '../colors.js';
import {
  ChartDataError, MAX_BAR_THICKNESS, baseOptions, categoryScale, chooseLogScale, requireName, requireRows, requireValue, valueScale,
  whiteBackgroundPlugin, type CommonChartOptions, type ScaleChoice,
} from './common.js';
import { renderChartPng } from './render.js';

/** What was timed: an operation run natively, the same operation trapped and emulated, a
 *  hypercall. Coloured as native, trap-emulate and paravirt. */
export const HOST_TIME_KINDS = ['native', 'trapped', 'hypercall'] as const;
export type HostTimeKind = (typeof HOST_TIME_KINDS)[number];

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

export interface HostTimeRow {
  /** The benchmark, e.g. "csrr sstatus", "sfence.vma", "HC_MMU_UPDATE". */
  operation: string;
  kind: HostTimeKind;
  /** Mean host time per operation, in nanoseconds. */
  ns: number;
}

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
    requireValue(CHART, at, 'ns', r.ns);
    if (seen.has(op)) throw new ChartDataError(`${CHART}: row ${i}: a second row for operation "${op}"`);
    seen.add(op);
  });
  const log = chooseLogScale(CHART, 'y', rows.map((r, i) => ({ value: r.ns, where: `row ${i} ns` })), opts.scale);
  const options = baseOptions<'bar'>(opts.title ?? 'Host time per operation in this implementation (ns, not simulated cycles)',
    opts.subtitle ?? 'wall-clock time of the TypeScript hypervisor on this host (tinybench); varies between machines and runs');
  options.scales = {
    x: categoryScale('operation'),
    y: valueScale(HOST_TIME_AXIS_TITLE, log),
  } as never;
  const kinds = HOST_TIME_KINDS.filter((k) => rows.some((r) => r.kind === k));
  return {
    type: 'bar',
    data: {
      labels: rows.map((r) => r.operation),
      datasets: kinds.map((k) => ({
        label: HOST_TIME_KIND_LABELS[k],
        data: rows.map((r) => (r.kind === k ? r.ns : null)),
        backgroundColor: HOST_TIME_KIND_COLORS[k],
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

export function renderHostTimeChart(rows: readonly HostTimeRow[], opts: HostTimeChartOptions = {}): Buffer {
  return renderChartPng(buildHostTimeChart(rows, opts) as never, opts);
}
