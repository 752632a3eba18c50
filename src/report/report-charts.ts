/**
 * The charts of a report, as drawings: for each chart the suite asks for, the chart.js
 * configuration(s) built from the results' rows and the size to draw them at. The writer renders
 * each drawing as PNG (for the page) and SVG (for papers and slides). The stacked charts are two
 * drawings read side by side: the shares of each row's total by category or reason, and the
 * totals (issue 14: shares on a log axis read wrong).
 */
import type { ChartConfiguration } from 'chart.js';
import type { ChartName } from '../harness/suite.js';
import type { SuiteResults } from '../harness/runner.js';
import {
  buildBatchingChart, buildBreakdownChart, buildExitsChart, buildHostTimeChart, buildSensitivityChart, buildSlowdownChart,
  buildPaperChart, buildThroughputChart, buildTotalsChart, buildWalksChart, paperSize, paperUnits, stackedSize, totalsSize, type TotalsRow,
} from './charts/index.js';
import { batchingRows, breakdownRows, exitsRows, paperRows, sensitivityRows, slowdownRows, throughputRows, walksRows } from './report-data.js';

/** One image: its file name without extension, what to draw and at what size. */
export interface Drawing {
  name: string;
  config: ChartConfiguration;
  size: { width?: number; height?: number | undefined };
}

/** Each chart's file; a chart of several drawings names the others after it (exits-totals.png),
 *  and `paper` draws one per unit, paper-cycles.png and paper-ratio.png. */
export const CHART_FILES: Readonly<Record<ChartName, string>> = {
  slowdown: 'slowdown.png', exits: 'exits.png', breakdown: 'breakdown.png', sensitivity: 'sensitivity.png',
  batching: 'batching.png', mixed: 'mixed.png', 'host-ns': 'host-ns.png', walks: 'walks.png', paper: 'paper.png',
};

const base = (chart: ChartName): string => CHART_FILES[chart].replace(/\.png$/, '');
const one = (name: string, config: unknown): Drawing[] => [{ name, config: config as ChartConfiguration, size: {} }];
const total = (parts: Readonly<Record<string, number | undefined>>): number => Object.values(parts).reduce<number>((n, v) => n + (v ?? 0), 0);

/** Shares beside totals, in the same rows. */
function sharesAndTotals(name: string, shares: unknown, rows: TotalsRow[], axisTitle: string, title: string, subtitle: string): Drawing[] {
  return [
    { name, config: shares as ChartConfiguration, size: stackedSize(rows.length, { shares: true }) },
    { name: `${name}-totals`, config: buildTotalsChart(rows, { axisTitle, title, subtitle }) as never, size: totalsSize(rows.length) },
  ];
}

const PANEL_NOTES = {
  cycles: 'cycles per operation',
  ratio: 'ratios',
} as const;

/** pvlab vs the published figures, one drawing per unit (`<name>-cycles`, `<name>-ratio`);
 *  none when the results hold no cell of any comparison (not a replicate run). */
function paperDrawings(results: SuiteResults, name: string, note: string | undefined): Drawing[] {
  const rows = paperRows(results);
  if (!rows.some((r) => r.pvlab !== undefined)) return [];
  return paperUnits(rows).map((unit) => ({
    name: `${name}-${unit}`,
    config: buildPaperChart(rows, {
      unit,
      subtitle: `run ${results.runId} · suite ${results.suite}${note ? ` · ${note}` : ''} · ${PANEL_NOTES[unit]}; hatched: circular; outline: paper figure unconfirmed or second-hand`,
    }) as never,
    size: paperSize(rows, unit),
  }));
}

/** The drawings of one chart of the results; [] when the results hold nothing to draw for it.
 *  `name` overrides the file name (sensitivity per preset). */
export function chartDrawings(results: SuiteResults, chart: ChartName, note?: string, name = base(chart)): Drawing[] {
  const subtitle = (s: string): string => `suite ${results.suite}${note ? ` · ${note}` : ''} · ${s}`;
  switch (chart) {
    case 'slowdown': {
      const rows = slowdownRows(results);
      return rows.length ? one(name, buildSlowdownChart(rows, { subtitle: subtitle('simulated cycles per operation ÷ native; dashed line: native = 1.0; lower is better') })) : [];
    }
    case 'exits': {
      const rows = exitsRows(results);
      return rows.length ? sharesAndTotals(name, buildExitsChart(rows, { shares: true, subtitle: subtitle('each row\'s VM exits per operation by reason, as % of its total (beside it)') }),
        rows.map((r) => ({ workload: r.workload, technique: r.technique, total: total(r.exitsPerOp) })),
        'VM exits per operation (count)', 'VM exits per operation', subtitle('simulated; the same rows as the shares')) : [];
    }
    case 'breakdown': {
      const rows = breakdownRows(results);
      return rows.length ? sharesAndTotals(name, buildBreakdownChart(rows, { shares: true, subtitle: subtitle('each row\'s simulated cycles per operation by category, as % of its total (beside it)') }),
        rows.map((r) => ({ workload: r.workload, technique: r.technique, total: total(r.cyclesPerOp) })),
        'simulated cycles per operation', 'Cycles per operation', subtitle('simulated; the same rows as the shares')) : [];
    }
    case 'sensitivity': {
      const rows = sensitivityRows(results);
      return rows.length ? one(name, buildSensitivityChart(rows, { subtitle: subtitle('slowdown vs native as the VM exit/entry cost varies (simulated)') })) : [];
    }
    case 'batching': {
      const rows = batchingRows(results);
      return rows.length ? one(name, buildBatchingChart(rows, { subtitle: subtitle('simulated cycles per item as the batch size grows') })) : [];
    }
    case 'mixed': {
      const rows = throughputRows(results);
      return rows.length ? one(name, buildThroughputChart(rows, { subtitle: subtitle('per-VM throughput from each VM\'s own simulated clock') })) : [];
    }
    case 'host-ns': {
      const rows = results.hostBench ?? [];
      return rows.length ? one(name, buildHostTimeChart(rows, { subtitle: subtitle('HOST time of this TypeScript implementation (tinybench, 95 % interval), not simulated') })) : [];
    }
    case 'walks': {
      const rows = walksRows(results);
      return rows.length ? one(name, buildWalksChart(rows, { subtitle: subtitle('page-table entries read per operation (simulated); above each bar: reads per TLB miss') })) : [];
    }
    case 'paper':
      return paperDrawings(results, name, note);
  }
}
