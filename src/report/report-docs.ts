/**
 * report.md and index.html: the same sections — the run, the per-operation table (simulated),
 * failures, the charts, host time (clearly labelled: not simulated) — as Markdown and as a
 * self-contained HTML page that opens offline (charts are the PNGs beside it).
 */
import type { ChartName } from '../harness/suite.js';
import type { SuiteResults } from '../harness/runner.js';
import { tableRows } from './report-data.js';
import { HOST_COST_LABEL } from '../harness/host-bench.js';
import { versionLine } from '../harness/provenance.js';

export interface ChartFile {
  chart: ChartName;
  /** The PNG's file name, or undefined when the results held nothing to draw. */
  file: string | undefined;
  /** Which part of the results, when a chart is drawn once per part (sensitivity per preset). */
  caption?: string;
  /** Why the chart could not be drawn (bad data); the rest of the report stands. */
  error?: string;
}

/** What stands in a report for a chart that has no file. */
const missingChart = (c: ChartFile): string =>
  (c.error !== undefined ? `Not drawn: ${c.error}` : 'No data for this chart in these results.');

const chartHeading = (c: ChartFile): string => `${CHART_TITLES[c.chart]}${c.caption ? ` — ${c.caption}` : ''}`;

export const CHART_TITLES: Readonly<Record<ChartName, string>> = {
  slowdown: 'Slowdown relative to native (simulated cycles per operation)',
  exits: 'VM exits per operation by reason (simulated)',
  breakdown: 'Cycle breakdown per operation by category (simulated)',
  sensitivity: 'Sensitivity of overhead to the VM exit cost (simulated)',
  batching: 'Paravirtual batch size vs cost per item (simulated)',
  mixed: 'Per-VM throughput in mixed runs (simulated)',
  'host-ns': 'HOST time per operation of this implementation (tinybench, ns — not simulated)',
  walks: 'Page-table entries read per operation (simulated)',
};

interface Table {
  headers: string[];
  rows: string[][];
}

const fmt = (v: string | number | undefined, digits = 1): string => {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return '';
  return Number.isInteger(v) ? String(v) : v.toFixed(digits);
};

function perOpTable(results: SuiteResults): Table {
  const rows = tableRows(results).filter((r) => r['status'] === 'ok');
  return {
    headers: ['cell', 'workload', 'technique', 'build', 'preset', 'cycles/op', 'slowdown ×', 'exits/op', 'instructions/op', 'unit', 'cycles/unit'],
    rows: rows.map((r) => [
      r['vm'] ? `${r['id']} ${r['vm']}` : String(r['id']), fmt(r['workload']), fmt(r['technique']), fmt(r['build']), fmt(r['preset']),
      fmt(r['cycles_per_op']), fmt(r['slowdown'], 2), fmt(r['exits_per_op'], 2), fmt(r['instructions_per_op']), fmt(r['unit']), fmt(r['cycles_per_unit']),
    ]),
  };
}

function hostTable(results: SuiteResults): Table {
  return {
    headers: ['operation', 'kind', 'host ns per operation', '± ns (95 %)', 'note'],
    rows: (results.hostBench ?? []).map((r) => [r.operation, r.kind, fmt(r.ns), fmt(r.spread),
      r.ns <= 0 ? 'noise: the difference is not a measurement' : r.noisy ? 'noisy: within its spread of 0' : '']),
  };
}

function hostMsTable(results: SuiteResults): Table {
  return {
    headers: ['cell', 'host ms (N run + 0 run)'],
    rows: results.cells.filter((c) => c.result).map((c) => [c.id, fmt(c.result?.hostMs, 0)]),
  };
}

function failures(results: SuiteResults): Table {
  return { headers: ['cell', 'error'], rows: results.cells.filter((c) => c.status === 'error').map((c) => [c.id, c.error ?? '']) };
}

function summary(results: SuiteResults): string[] {
  const ok = results.cells.filter((c) => c.status === 'ok').length;
  const s = results.selection;
  return [
    `Suite **${results.suite}**: ${results.suiteConfig.description}`,
    `Run ${results.runId} (started ${results.startedAt}); ${results.cells.length} of ${s.totalCells} cells` +
      `${s.filter ? `, filter \`${s.filter}\`` : ''}${s.shards ? `, shard ${s.shards.join(' + ')}` : ''}; ${ok} ok, ${results.cells.length - ok} failed; ` +
      `${results.jobs} thread${results.jobs === 1 ? '' : 's'}, ${(results.hostMs / 1000).toFixed(1)} s host time.`,
    ...provenanceLines(results),
    'Figures are **simulated** cycles (deterministic: a rerun gives the same numbers) unless labelled **host** time ' +
      '(the wall time of this TypeScript implementation on this machine, which varies run to run).',
  ];
}

/** A shell word as a user would type it (quoted when it holds anything but plain characters). */
const shellWord = (w: string): string => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`);

/** Who produced the figures: pvlab version and commit, Node, the command, the host. */
function provenanceLines(results: SuiteResults): string[] {
  const p = results.provenance;
  if (!p) return ['Provenance: not recorded (results written by an older pvlab).'];
  const gib = (p.host.memoryBytes / 1024 ** 3).toFixed(0);
  return [`Produced by ${versionLine(p)} with \`${['pvlab', ...p.command].map(shellWord).join(' ').replace(/`/g, "'")}\` ` +
    `on ${p.host.cpu} (${p.host.cores} cores, ${gib} GiB, ${p.host.platform} ${p.host.arch}).`];
}

// ---- Markdown -------------------------------------------------------------------------------

const mdCell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
function mdTable(t: Table): string {
  if (t.rows.length === 0) return '_(none)_\n';
  return [`| ${t.headers.join(' | ')} |`, `|${t.headers.map(() => ' --- ').join('|')}|`, ...t.rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`)].join('\n') + '\n';
}

export function renderMarkdown(results: SuiteResults, charts: readonly ChartFile[]): string {
  const out: string[] = [`# pvlab report: ${results.suite}`, '', ...summary(results).flatMap((l) => [l, '']),
    'Files: [config.json](config.json) (fully resolved configuration), [results.json](results.json), [results.csv](results.csv). See docs/reports.md.', ''];
  out.push('## Per-operation results (simulated)', '', mdTable(perOpTable(results)));
  const f = failures(results);
  if (f.rows.length) out.push('## Failed cells', '', mdTable(f));
  out.push('## Charts', '');
  for (const c of charts) {
    out.push(`### ${chartHeading(c)}`, '', c.file ? `![${chartHeading(c)}](${c.file})` : `_${missingChart(c).replace(/[_*]/g, '\\$&')}_`, '');
  }
  if (results.hostBench?.length) out.push('## HOST time: micro-benchmarks of this implementation (not simulated)', '', `${HOST_COST_LABEL}.`, '', mdTable(hostTable(results)));
  if (results.hostBenchError !== undefined) out.push('## HOST time: micro-benchmarks of this implementation (not simulated)', '', `Not measured: ${results.hostBenchError}`, '');
  out.push('## HOST time of each cell (not simulated)', '', mdTable(hostMsTable(results)));
  return `${out.join('\n').trimEnd()}\n`;
}

// ---- HTML -----------------------------------------------------------------------------------

export const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const inline = (s: string): string => escapeHtml(s).replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>').replace(/`(.+?)`/g, '<code>$1</code>');

function htmlTable(t: Table): string {
  if (t.rows.length === 0) return '<p><em>(none)</em></p>';
  return `<table>\n<thead><tr>${t.headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>\n<tbody>\n` +
    t.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n') + '\n</tbody>\n</table>';
}

/** Marks the body with how many images loaded (`data-images="<loaded>/<total>"`): what the
 *  headless-browser test reads. Inline, no network. */
const IMAGE_CHECK = '<script>window.addEventListener("load",function(){var a=Array.prototype.slice.call(document.images);' +
  'document.body.setAttribute("data-images",a.filter(function(i){return i.complete&&i.naturalWidth>0;}).length+"/"+a.length);});</script>';

export function renderHtml(results: SuiteResults, charts: readonly ChartFile[]): string {
  const parts: string[] = [
    '<!DOCTYPE html>', '<html lang="en">', '<head>', '<meta charset="utf-8">',
    `<title>pvlab report: ${escapeHtml(results.suite)} ${escapeHtml(results.runId)}</title>`,
    '<style>body{font-family:"DejaVu Sans",sans-serif;margin:2em;max-width:1200px;color:#222}table{border-collapse:collapse;font-size:13px;margin-bottom:1em}' +
      'th,td{border:1px solid #ccc;padding:3px 6px;text-align:right}th{background:#f0f0f0}td:first-child,th:first-child{text-align:left}' +
      'img{max-width:100%;border:1px solid #ddd}.host{background:#fff6e0;padding:0.5em 1em;border-left:4px solid #E69F00}</style>',
    '</head>', '<body>', `<h1>pvlab report: ${escapeHtml(results.suite)}</h1>`,
    ...summary(results).map((l) => `<p>${inline(l)}</p>`),
    '<p>Files: <a href="config.json">config.json</a> (fully resolved configuration), <a href="results.json">results.json</a>, <a href="results.csv">results.csv</a>.</p>',
    '<h2>Per-operation results (simulated)</h2>', htmlTable(perOpTable(results)),
  ];
  const f = failures(results);
  if (f.rows.length) parts.push('<h2>Failed cells</h2>', htmlTable(f));
  parts.push('<h2>Charts</h2>');
  for (const c of charts) {
    parts.push(`<h3>${escapeHtml(chartHeading(c))}</h3>`,
      c.file ? `<p><img src="${escapeHtml(c.file)}" alt="${escapeHtml(chartHeading(c))}"></p>` : `<p><em>${escapeHtml(missingChart(c))}</em></p>`);
  }
  parts.push('<div class="host">');
  if (results.hostBench?.length) parts.push('<h2>HOST time: micro-benchmarks of this implementation (not simulated)</h2>', `<p>${escapeHtml(HOST_COST_LABEL)}.</p>`, htmlTable(hostTable(results)));
  parts.push('<h2>HOST time of each cell (not simulated)</h2>', htmlTable(hostMsTable(results)), '</div>', IMAGE_CHECK, '</body>', '</html>');
  return `${parts.join('\n')}\n`;
}
