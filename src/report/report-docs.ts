/**
 * report.md and index.html: the same sections — the run and its provenance, the summary, the
 * per-operation table (simulated), failures, the charts, host time (clearly labelled: not
 * simulated) — as Markdown and as a self-contained HTML page that opens offline (the charts are
 * the PNGs beside it, each with its SVG linked). The page shows every chart at its own size, so
 * no label is shrunk; a shares chart and its totals stand side by side.
 */
import type { ChartName } from '../harness/suite.js';
import type { SuiteResults } from '../harness/runner.js';
import { HOST_COST_LABEL } from '../harness/host-bench.js';
import { failuresTable, hostMsTable, hostTable, perOpTable, summaryLines, summaryTable, type Table } from './report-tables.js';

export interface ChartFile {
  chart: ChartName;
  /** The images drawn (PNG for the page, SVG beside it), none when the results held nothing to
   *  draw; two for shares beside totals. */
  images: readonly { png: string; svg: string }[];
  /** Which part of the results, when a chart is drawn once per part (sensitivity per preset). */
  caption?: string;
  /** Why the chart could not be drawn (bad data); the rest of the report stands. */
  error?: string;
}

/** What stands in a report for a chart that has no image. */
const missingChart = (c: ChartFile): string =>
  (c.error !== undefined ? `Not drawn: ${c.error}` : 'No data for this chart in these results.');

const chartHeading = (c: ChartFile): string => `${CHART_TITLES[c.chart]}${c.caption ? ` — ${c.caption}` : ''}`;

export const CHART_TITLES: Readonly<Record<ChartName, string>> = {
  slowdown: 'Slowdown relative to native (simulated cycles per operation)',
  exits: 'VM exits per operation by reason: shares and totals (simulated)',
  breakdown: 'Cycle breakdown per operation by category: shares and totals (simulated)',
  sensitivity: 'Sensitivity of overhead to the VM exit cost (simulated)',
  batching: 'Paravirtual batch size vs cost per item (simulated)',
  mixed: 'Per-VM throughput in mixed runs (simulated)',
  'host-ns': 'HOST time per operation of this implementation (tinybench, ns — not simulated)',
  walks: 'Page-table entries read per operation (simulated)',
  paper: 'pvlab vs published figures (simulated cycles per operation): paper and pvlab side by side, one panel per unit',
};

const SUMMARY_NOTE = 'Geometric mean of the slowdown vs native over the workloads (first repetition, unscaled presets); native is 1.00× by definition.';
const HOST_BENCH_TITLE = 'HOST time: micro-benchmarks of this implementation (not simulated)';

// ---- Markdown -------------------------------------------------------------------------------

const mdCell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
function mdTable(t: Table): string {
  if (t.rows.length === 0) return '_(none)_\n';
  const align = t.headers.map((_, i) => (t.text.includes(i) ? ' --- ' : ' ---: '));
  return [`| ${t.headers.join(' | ')} |`, `|${align.join('|')}|`, ...t.rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`)].join('\n') + '\n';
}

function mdChart(c: ChartFile): string[] {
  if (c.images.length === 0) return [`_${missingChart(c).replace(/[_*]/g, '\\$&')}_`, ''];
  return [c.images.map((im) => `![${chartHeading(c)}](${im.png})`).join(' '), '',
    `SVG: ${c.images.map((im) => `[${im.svg}](${im.svg})`).join(', ')}`, ''];
}

export function renderMarkdown(results: SuiteResults, charts: readonly ChartFile[]): string {
  const out: string[] = [`# pvlab report: ${results.suite}`, '', ...summaryLines(results).flatMap((l) => [l, '']),
    'Files: [config.json](config.json) (fully resolved configuration), [results.json](results.json), [results.csv](results.csv). See docs/reports.md.', ''];
  const summary = summaryTable(results);
  if (summary.rows.length) out.push('## Summary (simulated)', '', SUMMARY_NOTE, '', mdTable(summary));
  out.push('## Per-operation results (simulated)', '', mdTable(perOpTable(results)));
  const f = failuresTable(results);
  if (f.rows.length) out.push('## Failed cells', '', mdTable(f));
  out.push('## Charts', '');
  for (const c of charts) out.push(`### ${chartHeading(c)}`, '', ...mdChart(c));
  if (results.hostBench?.length) out.push(`## ${HOST_BENCH_TITLE}`, '', `${HOST_COST_LABEL}.`, '', mdTable(hostTable(results)));
  if (results.hostBenchError !== undefined) out.push(`## ${HOST_BENCH_TITLE}`, '', `Not measured: ${results.hostBenchError}`, '');
  out.push('## HOST time of each cell (not simulated)', '', mdTable(hostMsTable(results)));
  return `${out.join('\n').trimEnd()}\n`;
}

// ---- HTML -----------------------------------------------------------------------------------

export const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const inline = (s: string): string => escapeHtml(s).replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>').replace(/`(.+?)`/g, '<code>$1</code>');

function htmlTable(t: Table): string {
  if (t.rows.length === 0) return '<p><em>(none)</em></p>';
  const cls = (i: number): string => (t.text.includes(i) ? ' class="t"' : '');
  return `<table>\n<thead><tr>${t.headers.map((h, i) => `<th${cls(i)}>${escapeHtml(h)}</th>`).join('')}</tr></thead>\n<tbody>\n` +
    t.rows.map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n') + '\n</tbody>\n</table>';
}

function htmlChart(c: ChartFile): string {
  if (c.images.length === 0) return `<p><em>${escapeHtml(missingChart(c))}</em></p>`;
  const figures = c.images.map((im) => `<figure><img src="${escapeHtml(im.png)}" alt="${escapeHtml(chartHeading(c))}">` +
    `<figcaption><a href="${escapeHtml(im.svg)}">${escapeHtml(im.svg)}</a></figcaption></figure>`);
  return `<div class="charts">${figures.join('')}</div>`;
}

/** Marks the body with how many images loaded (`data-images="<loaded>/<total>"`): what the
 *  headless-browser test reads. Inline, no network. */
const IMAGE_CHECK = '<script>window.addEventListener("load",function(){var a=Array.prototype.slice.call(document.images);' +
  'document.body.setAttribute("data-images",a.filter(function(i){return i.complete&&i.naturalWidth>0;}).length+"/"+a.length);});</script>';

/** Images at their own pixel size (a wide chart scrolls sideways rather than shrinking its
 *  labels); a shares chart and its totals side by side when the window is wide enough. */
const STYLE = '<style>body{font-family:"DejaVu Sans",sans-serif;margin:2em;color:#222}main{max-width:1680px}' +
  'p{max-width:1100px}table{border-collapse:collapse;font-size:13px;margin-bottom:1em}' +
  'th,td{border:1px solid #ccc;padding:3px 8px;text-align:right;font-variant-numeric:tabular-nums}th{background:#f0f0f0}.t{text-align:left}' +
  '.charts{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start;overflow-x:auto}figure{margin:0}' +
  'img{display:block;max-width:none;border:1px solid #ddd}figcaption{font-size:12px;color:#555}' +
  '.host{background:#fff6e0;padding:0.5em 1em;border-left:4px solid #E69F00}</style>';

export function renderHtml(results: SuiteResults, charts: readonly ChartFile[]): string {
  const parts: string[] = [
    '<!DOCTYPE html>', '<html lang="en">', '<head>', '<meta charset="utf-8">',
    `<title>pvlab report: ${escapeHtml(results.suite)} ${escapeHtml(results.runId)}</title>`, STYLE,
    '</head>', '<body>', '<main>', `<h1>pvlab report: ${escapeHtml(results.suite)}</h1>`,
    ...summaryLines(results).map((l) => `<p>${inline(l)}</p>`),
    '<p>Files: <a href="config.json">config.json</a> (fully resolved configuration), <a href="results.json">results.json</a>, <a href="results.csv">results.csv</a>.</p>',
  ];
  const summary = summaryTable(results);
  if (summary.rows.length) parts.push('<h2>Summary (simulated)</h2>', `<p>${escapeHtml(SUMMARY_NOTE)}</p>`, htmlTable(summary));
  parts.push('<h2>Per-operation results (simulated)</h2>', htmlTable(perOpTable(results)));
  const f = failuresTable(results);
  if (f.rows.length) parts.push('<h2>Failed cells</h2>', htmlTable(f));
  parts.push('<h2>Charts</h2>');
  for (const c of charts) parts.push(`<h3>${escapeHtml(chartHeading(c))}</h3>`, htmlChart(c));
  parts.push('<div class="host">');
  if (results.hostBench?.length) parts.push(`<h2>${HOST_BENCH_TITLE}</h2>`, `<p>${escapeHtml(HOST_COST_LABEL)}.</p>`, htmlTable(hostTable(results)));
  if (results.hostBenchError !== undefined) parts.push(`<h2>${HOST_BENCH_TITLE}</h2>`, `<p>Not measured: ${escapeHtml(results.hostBenchError)}</p>`);
  parts.push('<h2>HOST time of each cell (not simulated)</h2>', htmlTable(hostMsTable(results)), '</div>', '</main>', IMAGE_CHECK, '</body>', '</html>');
  return `${parts.join('\n')}\n`;
}
