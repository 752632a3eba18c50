/**
 * The tables of report.md and index.html, as plain text cells: the summary (geometric-mean
 * slowdown per technique), the per-operation table (simulated), failures and the host-time
 * tables. One number format per column, so a column reads down: cycles with thousands
 * separators and one decimal, slowdowns as 1.00×, exits with two decimals.
 */
import type { SuiteResults } from '../harness/runner.js';
import { versionLine } from '../harness/provenance.js';
import { chartTechnique } from './colors.js';
import { kernelParamTags, okMatrix, tableRows, workloadParamTags } from './report-data.js';

export interface Table {
  headers: string[];
  rows: string[][];
  /** Columns whose cells are text (left-aligned); the rest are numbers (right-aligned). */
  text: number[];
}

const number = (digits: number) => (v: unknown): string =>
  (typeof v === 'number' && Number.isFinite(v)
    ? v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : '');
const cycles = number(1);
const exits = number(2);
const ratio = (v: unknown): string => (typeof v === 'number' && Number.isFinite(v) ? `${number(2)(v)}×` : '');
const text = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

/** The geometric mean of positive numbers (slowdowns multiply, so they average geometrically). */
export function geometricMean(values: readonly number[]): number {
  return Math.exp(values.reduce((s, v) => s + Math.log(v), 0) / values.length);
}

/** Per technique (and preset, when the suite has several): the geometric mean, least and most
 *  slowdown over the workloads, first repetition, unscaled presets. */
export function summaryTable(results: SuiteResults): Table {
  const several = results.suiteConfig.presets.length > 1;
  const groups = new Map<string, { technique: string; preset: string; slowdowns: number[] }>();
  for (const r of okMatrix(results)) {
    if (r.config.scale !== 1 || r.config.rep !== 0) continue;
    const slowdown = r.config.technique === 'native' ? 1 : r.slowdown;
    if (slowdown === undefined) continue;
    const technique = chartTechnique(r.config.technique, r.config.build, r.config.shadowPaging);
    const key = `${technique}\u0000${several ? r.config.presetName : ''}`;
    const g = groups.get(key) ?? { technique, preset: r.config.presetName, slowdowns: [] };
    g.slowdowns.push(slowdown);
    groups.set(key, g);
  }
  return {
    headers: ['technique', ...(several ? ['preset'] : []), 'cells', 'geometric mean slowdown', 'least', 'most'],
    rows: [...groups.values()].map((g) => [g.technique, ...(several ? [g.preset] : []), String(g.slowdowns.length),
      ratio(geometricMean(g.slowdowns)), ratio(Math.min(...g.slowdowns)), ratio(Math.max(...g.slowdowns))]),
    text: several ? [0, 1] : [0],
  };
}

/** What distinguishes cells beyond workload, technique, build and preset: swept parameters, the
 *  repetition when there are several, the VM of a mixed cell. */
function settingOf(results: SuiteResults, id: string, vm: unknown): string {
  const c = results.cells.find((x) => x.id === id)?.config;
  if (!c) return '';
  const tags = c.kind === 'matrix' ? [...workloadParamTags(results.suiteConfig, c), ...kernelParamTags(results.suiteConfig, c)] : [c.group, text(vm)];
  // The technique column says `+fence` for a fence-mode cell; a swept tracing cell says so here.
  if (c.kind === 'matrix' && c.shadowPaging === 'trace' && (results.suiteConfig.shadowPaging?.length ?? 0) > 1) tags.push('shadow paging by trace');
  if (c.scale !== 1) tags.push(`scale ${c.scale}`);
  if (results.suiteConfig.repetitions > 1) tags.push(`rep ${c.rep}`);
  return tags.join(' ');
}

/** A matrix cell's technique as the charts name it (`trap-emulate+fence`…). */
function techniqueOf(results: SuiteResults, id: string, technique: string): string {
  const c = results.cells.find((x) => x.id === id)?.config;
  return c?.kind === 'matrix' ? chartTechnique(c.technique, c.build, c.shadowPaging) : technique;
}

export function perOpTable(results: SuiteResults): Table {
  const rows = tableRows(results).filter((r) => r['status'] === 'ok');
  const settings = rows.map((r) => settingOf(results, String(r['id']), r['vm']));
  const techniques = rows.map((r) => techniqueOf(results, String(r['id']), text(r['technique'])));
  const withSetting = settings.some((s) => s !== '');
  return {
    headers: ['workload', 'technique', 'build', 'preset', ...(withSetting ? ['setting'] : []),
      'cycles/op', 'slowdown', 'exits/op', 'instructions/op', 'unit', 'cycles/unit'],
    rows: rows.map((r, i) => [
      text(r['workload']), techniques[i] as string, text(r['build']), text(r['preset']), ...(withSetting ? [settings[i] as string] : []),
      // A native cell is its own baseline: 1.00×, as `pvlab compare` prints it.
      cycles(r['cycles_per_op']), ratio(r['technique'] === 'native' ? 1 : r['slowdown']), exits(r['exits_per_op']),
      cycles(r['instructions_per_op']), text(r['unit']), cycles(r['cycles_per_unit']),
    ]),
    text: withSetting ? [0, 1, 2, 3, 4, 9] : [0, 1, 2, 3, 8],
  };
}

export function hostTable(results: SuiteResults): Table {
  return {
    headers: ['operation', 'kind', 'host ns per operation', '± ns (95 %)', 'note'],
    rows: (results.hostBench ?? []).map((r) => [r.operation, r.kind, cycles(r.ns), cycles(r.spread),
      r.ns <= 0 ? 'noise: the difference is not a measurement' : r.noisy ? 'noisy: within its spread of 0' : '']),
    text: [0, 1, 4],
  };
}

export function hostMsTable(results: SuiteResults): Table {
  return {
    headers: ['cell', 'host ms (N run + 0 run)'],
    rows: results.cells.filter((c) => c.result).map((c) => [c.id, number(0)(c.result?.hostMs)]),
    text: [0],
  };
}

export function failuresTable(results: SuiteResults): Table {
  return { headers: ['cell', 'error'], rows: results.cells.filter((c) => c.status === 'error').map((c) => [c.id, c.error ?? '']), text: [0, 1] };
}

/** A shell word as a user would type it (quoted when it holds anything but plain characters). */
const shellWord = (w: string): string => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`);

/** Who produced the figures: pvlab version and commit, Node, the command, the host. */
function provenanceLine(results: SuiteResults): string {
  const p = results.provenance;
  if (!p) return 'Provenance: not recorded (results written by an older pvlab).';
  const gib = (p.host.memoryBytes / 1024 ** 3).toFixed(0);
  return `Produced by ${versionLine(p)} with \`${['pvlab', ...p.command].map(shellWord).join(' ').replace(/`/g, "'")}\` ` +
    `on ${p.host.cpu} (${p.host.cores} cores, ${gib} GiB, ${p.host.platform} ${p.host.arch}).`;
}

/** The report's opening lines (Markdown inline: **bold**, `code`). */
export function summaryLines(results: SuiteResults): string[] {
  const ok = results.cells.filter((c) => c.status === 'ok').length;
  const s = results.selection;
  return [
    `Suite **${results.suite}**: ${results.suiteConfig.description}`,
    `Run ${results.runId} (started ${results.startedAt}); ${results.cells.length} of ${s.totalCells} cells` +
      `${s.filter ? `, filter \`${s.filter}\`` : ''}${s.shards ? `, shard ${s.shards.join(' + ')}` : ''}; ${ok} ok, ${results.cells.length - ok} failed; ` +
      `${results.jobs} thread${results.jobs === 1 ? '' : 's'}, ${(results.hostMs / 1000).toFixed(1)} s host time.`,
    provenanceLine(results),
    'Figures are **simulated** cycles (deterministic: a rerun gives the same numbers) unless labelled **host** time ' +
      '(the wall time of this TypeScript implementation on this machine, which varies run to run).',
  ];
}
