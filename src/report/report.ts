/**
 * Reports: a run's directory `reports/<suite>/<run-id>/` with config.json, results.json,
 * results.csv, the PNG charts the suite asks for, report.md and index.html (docs/reports.md).
 *
 * Every file is written atomically, and the directory is first built as `<run-id>.partial` and
 * renamed into place at the end, so an interrupted run leaves no half-written report.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-file.js';
import type { ChartName } from '../harness/suite.js';
import { RESULTS_FORMAT, type SuiteResults } from '../harness/runner.js';
import {
  renderBatchingChart, renderBreakdownChart, renderExitsChart, renderHostTimeChart, renderSensitivityChart,
  renderSlowdownChart, renderThroughputChart, renderWalksChart, writeChartPng,
} from './charts/index.js';
import {
  batchingRows, breakdownRows, chartsToDraw, exitsRows, sensitivityRows, slowdownRows, throughputRows, toCsv, walksRows,
} from './report-data.js';
import { renderHtml, renderMarkdown, type ChartFile } from './report-docs.js';

/** A results.json that cannot be read as pvlab results. */
export class ReportError extends Error {}

export const CHART_FILES: Readonly<Record<ChartName, string>> = {
  slowdown: 'slowdown.png', exits: 'exits.png', breakdown: 'breakdown.png', sensitivity: 'sensitivity.png',
  batching: 'batching.png', mixed: 'mixed.png', 'host-ns': 'host-ns.png', walks: 'walks.png',
};

/** Render one chart of the results; undefined when the results hold nothing to draw for it. */
export function renderChart(results: SuiteResults, chart: ChartName, note?: string): Buffer | undefined {
  const subtitle = (s: string): string => `suite ${results.suite}${note ? ` · ${note}` : ''} · ${s}`;
  switch (chart) {
    case 'slowdown': {
      const rows = slowdownRows(results);
      return rows.length ? renderSlowdownChart(rows, { subtitle: subtitle('simulated cycles per operation ÷ native; dashed line: native = 1.0; lower is better') }) : undefined;
    }
    case 'exits': {
      const rows = exitsRows(results);
      return rows.length ? renderExitsChart(rows, { subtitle: subtitle('VM exits per operation by reason (simulated)') }) : undefined;
    }
    case 'breakdown': {
      const rows = breakdownRows(results);
      return rows.length ? renderBreakdownChart(rows, { subtitle: subtitle('simulated cycles per operation by category') }) : undefined;
    }
    case 'sensitivity': {
      const rows = sensitivityRows(results);
      return rows.length ? renderSensitivityChart(rows, { subtitle: subtitle('slowdown vs native as the VM exit/entry cost varies (simulated)') }) : undefined;
    }
    case 'batching': {
      const rows = batchingRows(results);
      return rows.length ? renderBatchingChart(rows, { subtitle: subtitle('simulated cycles per item as the batch size grows') }) : undefined;
    }
    case 'mixed': {
      const rows = throughputRows(results);
      return rows.length ? renderThroughputChart(rows, { subtitle: subtitle('per-VM throughput from each VM\'s own simulated clock') }) : undefined;
    }
    case 'host-ns': {
      const rows = results.hostBench ?? [];
      return rows.length ? renderHostTimeChart(rows, { subtitle: subtitle('HOST time of this TypeScript implementation (tinybench), not simulated') }) : undefined;
    }
    case 'walks': {
      const rows = walksRows(results);
      return rows.length ? renderWalksChart(rows, { subtitle: subtitle('page-table entries read per operation (simulated); above each bar: reads per TLB miss') }) : undefined;
    }
  }
}

/** config.json: the suite fully resolved, every cell's configuration, every cost preset used. */
export function configOf(results: SuiteResults): unknown {
  const presets = new Map<string, unknown>();
  for (const c of results.cells) presets.set(c.config.preset.name, c.config.preset);
  return {
    format: RESULTS_FORMAT, suite: results.suiteConfig, runId: results.runId, startedAt: results.startedAt,
    selection: results.selection, jobs: results.jobs,
    presets: [...presets.values()], cells: results.cells.map((c) => c.config),
  };
}

const json = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;

/** Write every file of the report into `dir` (built as `<dir>.partial`, then renamed; an
 *  existing `dir` is replaced). Returns `dir`. */
export function writeReportTo(results: SuiteResults, dir: string): string {
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  try {
    writeFileAtomic(join(partial, 'config.json'), json(configOf(results)));
    writeFileAtomic(join(partial, 'results.json'), json(results));
    writeFileAtomic(join(partial, 'results.csv'), toCsv(results));
    const charts: ChartFile[] = [];
    for (const chart of chartsToDraw(results)) {
      const presets = results.suiteConfig.presets;
      if (chart === 'sensitivity' && presets.length > 1) {
        // One chart per preset: each preset's exit cost scaled (presets differ in more than the
        // exit cost, so one line across presets would zigzag).
        for (const preset of presets) {
          const part = { ...results, cells: results.cells.filter((c) => c.config.presetName === preset) };
          const png = renderChart(part, chart, `preset ${preset}`);
          const file = `sensitivity-${preset}.png`;
          if (png) writeChartPng(join(partial, file), png);
          charts.push({ chart, file: png ? file : undefined, caption: `preset ${preset}` });
        }
        continue;
      }
      const png = renderChart(results, chart);
      if (!png) {
        charts.push({ chart, file: undefined });
        continue;
      }
      writeChartPng(join(partial, CHART_FILES[chart]), png);
      charts.push({ chart, file: CHART_FILES[chart] });
    }
    writeFileAtomic(join(partial, 'report.md'), renderMarkdown(results, charts));
    writeFileAtomic(join(partial, 'index.html'), renderHtml(results, charts));
    if (existsSync(dir)) {
      const old = `${dir}.old`;
      rmSync(old, { recursive: true, force: true });
      renameSync(dir, old);
      renameSync(partial, dir);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(partial, dir);
    }
  } catch (e) {
    rmSync(partial, { recursive: true, force: true });
    throw e;
  }
  return dir;
}

/** Write the report under `root`: `<root>/<suite>/<run-id>/` (`<run-id>-2`… when taken). Returns that directory. */
export function writeReport(results: SuiteResults, root: string): string {
  const base = join(root, results.suite, results.runId);
  mkdirSync(dirname(base), { recursive: true });
  // Two runs started in the same second never share a directory: the later one gets -2, -3…
  let dir = base;
  for (let k = 2; existsSync(dir) || existsSync(`${dir}.partial`); k++) dir = `${base}-${k}`;
  return writeReportTo(dir === base ? results : { ...results, runId: `${results.runId}-${dir.slice(base.length + 1)}` }, dir);
}

/** Read a results.json written by a run (or by merge). */
export function readResults(path: string): SuiteResults {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ReportError(`cannot read ${path}: ${(e as Error).message}`);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new ReportError(`${path}: not JSON: ${(e as Error).message}`);
  }
  const r = v as Partial<SuiteResults>;
  if (typeof v !== 'object' || v === null || r.format !== RESULTS_FORMAT || !Array.isArray(r.cells) || typeof r.suite !== 'string' || !r.suiteConfig) {
    throw new ReportError(`${path}: not a pvlab results file (expected "format": "${RESULTS_FORMAT}" with suite, suiteConfig and cells)`);
  }
  return r as SuiteResults;
}
