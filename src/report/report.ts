/**
 * Reports: a run's directory `reports/<suite>/<run-id>/` with config.json, results.json,
 * results.csv, the PNG charts the suite asks for, report.md and index.html (docs/reports.md).
 *
 * Every file is written atomically, and the directory is first built as `<run-id>.partial` and
 * renamed into place at the end, so an interrupted run leaves no half-written report.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../fs/write-atomic.js';
import { makeDirs } from '../fs/make-dirs.js';
import { OutputError, reasonOf } from '../fs/output-error.js';
import { RESULTS_FORMAT, type SuiteResults } from '../harness/runner.js';
import { renderChartPng, renderChartSvg, writeChartPng } from './charts/index.js';
import { chartsToDraw, toCsv } from './report-data.js';
import { chartDrawings, type Drawing } from './report-charts.js';

export { CHART_FILES, chartDrawings } from './report-charts.js';
import { renderHtml, renderMarkdown, type ChartFile } from './report-docs.js';

export { ReportError, readResults } from './results-check.js';

/** config.json: the suite fully resolved, every cell's configuration, every cost preset used. */
export function configOf(results: SuiteResults): unknown {
  const presets = new Map<string, unknown>();
  for (const c of results.cells) presets.set(c.config.preset.name, c.config.preset);
  return {
    format: RESULTS_FORMAT, suite: results.suiteConfig, runId: results.runId, startedAt: results.startedAt,
    ...(results.provenance ? { provenance: results.provenance } : {}),
    selection: results.selection, jobs: results.jobs,
    presets: [...presets.values()], cells: results.cells.map((c) => c.config),
  };
}

const json = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;

/** Options of writing a report. */
export interface WriteReportOptions {
  /** Told about each chart that could not be drawn (the report says so too; the rest stands). */
  onWarning?: (message: string) => void;
  /** Told after each file is in place in the partial directory (progress; tests). */
  onFile?: () => void;
}

/** The report was interrupted (SIGINT) before it was complete: nothing was left behind. */
export class ReportInterrupted extends Error {}

/** Render a drawing as `<name>.png` and `<name>.svg` in `dir`. */
function writeDrawing(dir: string, d: Drawing): { png: string; svg: string } {
  const png = `${d.name}.png`;
  const svg = `${d.name}.svg`;
  writeChartPng(join(dir, png), renderChartPng(d.config, d.size));
  writeFileAtomic(join(dir, svg), renderChartSvg(d.config, d.size));
  return { png, svg };
}

/** Draw each chart (sensitivity: one per preset) into `dir`. A chart that cannot be drawn never
 *  costs the run: it is listed with the reason, and the report says it is missing. */
function* drawCharts(results: SuiteResults, dir: string, charts: ChartFile[], warn: (m: string) => void): Generator<void> {
  for (const chart of chartsToDraw(results)) {
    const presets = results.suiteConfig.presets;
    // Sensitivity: one chart per preset, each preset's exit cost scaled (presets differ in more
    // than the exit cost, so one line across presets would zigzag).
    const parts = chart === 'sensitivity' && presets.length > 1
      ? presets.map((p) => ({ part: { ...results, cells: results.cells.filter((c) => c.config.presetName === p) }, note: `preset ${p}`, name: `sensitivity-${p}` }))
      : [{ part: results, note: undefined, name: undefined }];
    for (const { part, note, name } of parts) {
      const caption = note !== undefined ? { caption: note } : {};
      try {
        const images = chartDrawings(part, chart, note, name).map((d) => writeDrawing(dir, d));
        charts.push({ chart, images, ...caption });
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        warn(`chart ${name ?? chart} not drawn: ${error}`);
        charts.push({ chart, images: [], error, ...caption });
      }
      yield;
    }
  }
}

/** Every file of the report, written one at a time into `dir`; yields after each. The data
 *  (config, results, CSV) come first, so whatever happens to a chart the measurements are kept. */
function* reportFiles(results: SuiteResults, dir: string, warn: (m: string) => void): Generator<void> {
  writeFileAtomic(join(dir, 'config.json'), json(configOf(results)));
  yield;
  writeFileAtomic(join(dir, 'results.json'), json(results));
  yield;
  writeFileAtomic(join(dir, 'results.csv'), toCsv(results));
  yield;
  const charts: ChartFile[] = [];
  yield* drawCharts(results, dir, charts, warn);
  writeFileAtomic(join(dir, 'report.md'), renderMarkdown(results, charts));
  yield;
  writeFileAtomic(join(dir, 'index.html'), renderHtml(results, charts));
}

/** Put the finished `<dir>.partial` in place of `dir` (an existing `dir` is replaced). */
function commit(partial: string, dir: string): void {
  if (!existsSync(dir)) {
    renameSync(partial, dir);
    return;
  }
  const old = `${dir}.old`;
  rmSync(old, { recursive: true, force: true });
  renameSync(dir, old);
  renameSync(partial, dir);
  rmSync(old, { recursive: true, force: true });
}

/** Only a report replaces a report: a file, or a directory of other things (`--out ~`), is
 *  refused rather than deleted. An empty directory is fine. */
function refuseForeignTarget(dir: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new OutputError(dir, 'it is a file, not a report directory');
  const entries = readdirSync(dir);
  if (entries.length > 0 && !entries.includes('results.json')) {
    throw new OutputError(dir, 'it is a directory that holds no pvlab report (no results.json); give a new or empty directory');
  }
}

function startPartial(dir: string): string {
  refuseForeignTarget(dir);
  const partial = `${dir}.partial`;
  makeDirs(dirname(dir));
  rmSync(partial, { recursive: true, force: true });
  try {
    mkdirSync(partial);
  } catch (e) {
    throw new OutputError(dir, reasonOf(e));
  }
  return partial;
}

/** Write every file of the report into `dir` (built as `<dir>.partial`, then renamed; an
 *  existing `dir` is replaced). Returns `dir`. */
export function writeReportTo(results: SuiteResults, dir: string, opts: WriteReportOptions = {}): string {
  const partial = startPartial(dir);
  try {
    for (const _ of reportFiles(results, partial, opts.onWarning ?? (() => {}))) { /* synchronous: no pause between files */ }
    commit(partial, dir);
  } catch (e) {
    rmSync(partial, { recursive: true, force: true });
    throw e;
  }
  return dir;
}

/**
 * writeReportTo that gives the event loop a turn between files, so a signal (SIGINT) can stop it:
 * when `signal` is aborted the half-built `<dir>.partial` is removed and ReportInterrupted thrown.
 * Each file is written whole (temporary file, then rename) within one turn.
 */
export async function writeReportToAsync(results: SuiteResults, dir: string, opts: WriteReportOptions & { signal?: AbortSignal } = {}): Promise<string> {
  const partial = startPartial(dir);
  const stop = (): void => {
    if (opts.signal?.aborted) throw new ReportInterrupted(`interrupted while writing the report; ${dir} was not written`);
  };
  try {
    for (const _ of reportFiles(results, partial, opts.onWarning ?? (() => {}))) {
      opts.onFile?.();
      await new Promise((r) => setImmediate(r));
      stop();
    }
    commit(partial, dir);
  } catch (e) {
    rmSync(partial, { recursive: true, force: true });
    throw e;
  }
  return dir;
}

/** Where a run's report goes under `root`: `<root>/<suite>/<run-id>/`, or `<run-id>-2`… when a
 *  run started in the same second already has the name (the results are renamed to match). */
export function reportPlace(results: SuiteResults, root: string): { dir: string; results: SuiteResults } {
  const base = join(root, results.suite, results.runId);
  makeDirs(dirname(base));
  let dir = base;
  for (let k = 2; existsSync(dir) || existsSync(`${dir}.partial`); k++) dir = `${base}-${k}`;
  return { dir, results: dir === base ? results : { ...results, runId: `${results.runId}-${dir.slice(base.length + 1)}` } };
}

/** Write the report under `root` (reportPlace). Returns that directory. */
export function writeReport(results: SuiteResults, root: string, opts: WriteReportOptions = {}): string {
  const place = reportPlace(results, root);
  return writeReportTo(place.results, place.dir, opts);
}

/** writeReport, stoppable by `signal` (writeReportToAsync). */
export async function writeReportAsync(results: SuiteResults, root: string, opts: WriteReportOptions & { signal?: AbortSignal } = {}): Promise<string> {
  const place = reportPlace(results, root);
  return writeReportToAsync(place.results, place.dir, opts);
}
