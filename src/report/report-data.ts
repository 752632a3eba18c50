/**
 * From results to the report's rows: chart rows, the CSV table and the labels that group cells.
 * Pure functions of SuiteResults (no files), so the same results always give the same report.
 */
import { CYCLE_CATEGORIES, EXIT_KINDS } from '../hypervisor/accounting.js';
import { chartTechnique } from './colors.js';
import { KERNEL_PARAM_NAMES, type ChartName, type Suite } from '../harness/suite.js';
import type { CellRecord, SuiteResults } from '../harness/runner.js';
import type { MatrixCell } from '../harness/matrix.js';
import type { CellResult, MixedCellResult } from '../harness/suite-run.js';
import { fidelityRows, figureById, unitOf, type Comparison } from '../harness/literature.js';
import type {
  BatchingRow, BreakdownRow, ExitsRow, PaperRow, SensitivityRow, SlowdownRow, ThroughputRow, WalksRow,
} from './charts/index.js';
import { ChartDataError } from './charts/index.js';

type MatrixRecord = CellRecord & { config: MatrixCell; result: CellResult };
type MixedRecord = CellRecord & { result: MixedCellResult };

export function okMatrix(results: SuiteResults): MatrixRecord[] {
  return results.cells.filter((c): c is MatrixRecord => c.status === 'ok' && c.config.kind === 'matrix' && c.result?.kind === 'matrix');
}
export function okMixed(results: SuiteResults): MixedRecord[] {
  return results.cells.filter((c): c is MixedRecord => c.status === 'ok' && c.result?.kind === 'mixed');
}

const presetTag = (c: { presetName: string; scale: number }): string => (c.scale === 1 ? c.presetName : `${c.presetName}*${c.scale}`);

/** The swept workload parameters of a cell (not kernel parameters), `k=v`. */
export function workloadParamTags(suite: Suite, cell: MatrixCell): string[] {
  const given = suite.params[cell.workload] ?? {};
  return Object.keys(cell.params).filter((k) => given[k] !== undefined && !KERNEL_PARAM_NAMES.includes(k)).map((k) => `${k}=${cell.params[k]}`);
}

/** The kernel parameters the suite sweeps or sets for this cell, `k=v`. */
export function kernelParamTags(suite: Suite, cell: MatrixCell): string[] {
  const given = { ...suite.kernelParams, ...(suite.params[cell.workload] ?? {}) };
  return Object.keys(cell.kernelParams).filter((k) => given[k] !== undefined).map((k) => `${k}=${cell.kernelParams[k]}`);
}

/** The label a cell is drawn under: workload, preset when the suite has several, swept parameters. */
export function groupLabel(suite: Suite, cell: MatrixCell, withKernel = false): string {
  const parts = [cell.workload];
  if (suite.presets.length > 1) parts.push(cell.presetName);
  parts.push(...workloadParamTags(suite, cell));
  if (withKernel) parts.push(...kernelParamTags(suite, cell));
  return parts.join(' ');
}

/** One row per (label, technique): the first repetition wins (simulated figures repeat exactly). */
function firstPer<T extends { workload: string; technique: string }>(rows: T[]): T[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    const k = `${r.workload}\u0000${r.technique}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function slowdownRows(results: SuiteResults): SlowdownRow[] {
  const suite = results.suiteConfig;
  const recs = okMatrix(results).filter((r) => r.config.scale === 1);
  const labelled = new Set(recs.filter((r) => r.slowdown !== undefined).map((r) => groupLabel(suite, r.config)));
  return firstPer(recs.flatMap((r): SlowdownRow[] => {
    const workload = groupLabel(suite, r.config);
    if (r.config.technique === 'native') return labelled.has(workload) ? [{ workload, technique: 'native', slowdown: 1 }] : [];
    return r.slowdown === undefined ? [] : [{ workload, technique: chartTechnique(r.config.technique, r.config.build, r.config.shadowPaging), slowdown: r.slowdown }];
  }));
}

export function exitsRows(results: SuiteResults): ExitsRow[] {
  const suite = results.suiteConfig;
  const m = okMatrix(results).filter((r) => r.result.exitsPerOp && r.config.scale === 1)
    .map((r): ExitsRow => ({ workload: groupLabel(suite, r.config, true), technique: chartTechnique(r.config.technique, r.config.build, r.config.shadowPaging), exitsPerOp: r.result.exitsPerOp ?? {} }));
  const x = okMixed(results).flatMap((r) => r.result.vms.filter((v) => v.exitsPerOp)
    .map((v): ExitsRow => ({ workload: `${r.result.group} ${presetTag(r.config)} ${v.name}`, technique: v.technique, exitsPerOp: v.exitsPerOp ?? {} })));
  return firstPer([...m, ...x]);
}

export function breakdownRows(results: SuiteResults): BreakdownRow[] {
  const suite = results.suiteConfig;
  const m = okMatrix(results).filter((r) => r.result.breakdownPerOp && r.config.scale === 1)
    .map((r): BreakdownRow => ({ workload: groupLabel(suite, r.config, true), technique: chartTechnique(r.config.technique, r.config.build, r.config.shadowPaging), cyclesPerOp: settled(r.result.breakdownPerOp ?? {}) }));
  const x = okMixed(results).flatMap((r) => r.result.vms.filter((v) => v.breakdownPerOp)
    .map((v): BreakdownRow => ({ workload: `${r.result.group} ${presetTag(r.config)} ${v.name}`, technique: v.technique, cyclesPerOp: settled(v.breakdownPerOp ?? {}) })));
  return firstPer([...m, ...x]);
}

/** The share of a row's total below which a negative category is drawn as 0. */
const NEGLIGIBLE_SHARE = 0.001;

/**
 * A cycle category per operation is a difference of two runs: one whose two runs ended in a
 * slightly different state (a TLB left warmer, a shadow cache fuller) can come out a hair below
 * zero. Under a thousandth of the row's total it is drawn as 0; anything larger stays, and the
 * chart refuses it.
 */
function settled(perOp: Readonly<Record<string, number>>): Record<string, number> {
  const total = Object.values(perOp).reduce((a, v) => a + Math.max(v, 0), 0);
  return Object.fromEntries(Object.entries(perOp).map(([k, v]) => [k, v < 0 && -v <= NEGLIGIBLE_SHARE * total ? 0 : v]));
}

/** Page-table reads and TLB misses per operation (perOp.pteReads, perOp.tlbMisses), one row per
 *  label × technique. A per-op figure is a difference of two runs: a tiny negative one (a timer
 *  tick falling differently) is drawn as 0. */
export function walksRows(results: SuiteResults): WalksRow[] {
  const suite = results.suiteConfig;
  return firstPer(okMatrix(results).filter((r) => r.config.scale === 1).map((r): WalksRow => ({
    workload: groupLabel(suite, r.config, true), technique: chartTechnique(r.config.technique, r.config.build, r.config.shadowPaging),
    pteReadsPerOp: Math.max(0, r.result.perOp.pteReads), tlbMissesPerOp: Math.max(0, r.result.perOp.tlbMisses),
  })));
}

/** The source a comparison cites: its (first) paper figure's. */
function sourceOf(c: Comparison): string {
  const p = c.paper;
  const first = p.kind === 'value' ? p.figure : p.kind === 'sum' ? (p.figures[0] as string) : p.a;
  return figureById(first).source;
}

/** pvlab beside the published figures: one row per comparison of src/harness/literature.ts, in
 *  its order (fidelityRows), with pvlab's figure when the results hold its cell. */
export function paperRows(results: SuiteResults): PaperRow[] {
  return fidelityRows(results).map((f): PaperRow => {
    const c = f.comparison;
    const u = unitOf(c);
    if (u !== 'cycles' && u !== '×') throw new ChartDataError(`paper chart: comparison "${c.id}" is in ${u}; the chart draws cycles and ratios only`);
    return {
      id: c.id, source: sourceOf(c), unit: u === '×' ? 'ratio' : 'cycles', paper: f.paper, verification: f.verification,
      technique: c.pvlab.technique, ...(f.pvlab !== undefined ? { pvlab: f.pvlab } : {}), ...(c.circular ? { circular: true } : {}),
    };
  });
}

export function sensitivityRows(results: SuiteResults): SensitivityRow[] {
  const suite = results.suiteConfig;
  const seen = new Set<string>();
  return okMatrix(results).flatMap((r): SensitivityRow[] => {
    if (r.slowdown === undefined) return [];
    const workload = [r.config.workload, ...workloadParamTags(suite, r.config), ...kernelParamTags(suite, r.config)].join(' ');
    const key = `${workload}\u0000${chartTechnique(r.config.technique, r.config.build, r.config.shadowPaging)}\u0000${r.config.preset.vmExitEntry}`;
    if (seen.has(key)) return [];
    seen.add(key);
    return [{ workload, technique: chartTechnique(r.config.technique, r.config.build, r.config.shadowPaging), exitCycles: r.config.preset.vmExitEntry, slowdown: r.slowdown }];
  });
}

export function batchingRows(results: SuiteResults): BatchingRow[] {
  const suite = results.suiteConfig;
  const seen = new Set<string>();
  return okMatrix(results).flatMap((r): BatchingRow[] => {
    const given = { ...suite.kernelParams, ...(suite.params[r.config.workload] ?? {}) };
    const swept = Object.keys(r.config.kernelParams).find((k) => (given[k]?.length ?? 0) > 1);
    if (!swept || r.config.scale !== 1) return [];
    const series = [r.config.workload, ...workloadParamTags(suite, r.config), suite.presets.length > 1 ? r.config.presetName : '',
      `(${swept}, per ${r.result.unit.name})`].filter((s) => s !== '').join(' ');
    const batchSize = r.config.kernelParams[swept] as number;
    const key = `${series}\u0000${batchSize}`;
    if (seen.has(key) || r.result.unit.perOperation <= 0) return [];
    seen.add(key);
    return [{ series, technique: chartTechnique(r.config.technique, r.config.build, r.config.shadowPaging), batchSize, costPerItem: r.result.perOp.cycles / r.result.unit.perOperation }];
  });
}

/** Operations per million simulated cycles (= per simulated ms at 1 GHz). */
export function throughputRows(results: SuiteResults): ThroughputRow[] {
  return okMixed(results).filter((r) => r.config.rep === 0).flatMap((r) => r.result.vms.map((v): ThroughputRow => ({
    run: `${r.result.group} ${presetTag(r.config)}`, vm: v.name, technique: v.technique,
    throughput: v.perOp.cycles > 0 ? 1e6 / v.perOp.cycles : 0,
  })));
}

// ---- the CSV table --------------------------------------------------------------------------

export const EXIT_COLUMNS = EXIT_KINDS.map((k) => `exits_${k}_per_op`);
export const BREAKDOWN_COLUMNS = CYCLE_CATEGORIES.map((k) => `cycles_${k}_per_op`);
export const CSV_COLUMNS = [
  'id', 'kind', 'status', 'group', 'vm', 'workload', 'technique', 'build', 'preset', 'scale', 'rep', 'params', 'kernel_params',
  'operations', 'unit', 'unit_per_op', 'cycles_per_op', 'cycles_per_unit', 'instructions_per_op', 'kernel_instructions_per_op',
  'user_instructions_per_op', 'guest_instructions_total', 'exits_per_op', 'tlb_misses_per_op', 'slowdown', 'baseline',
  'ops_per_sim_second', ...EXIT_COLUMNS, ...BREAKDOWN_COLUMNS, 'host_ms', 'error',
] as const;

type Row = Record<string, string | number | undefined>;
const kvs = (o: Readonly<Record<string, number>>): string => Object.entries(o).map(([k, v]) => `${k}=${v}`).join(';');

function measurementColumns(m: CellResult | MixedCellResult['vms'][number]): Row {
  const row: Row = {
    workload: m.workload, technique: m.technique, build: m.build, operations: m.operations, unit: m.unit.name, unit_per_op: m.unit.perOperation,
    cycles_per_op: m.perOp.cycles, cycles_per_unit: m.unit.perOperation > 0 ? m.perOp.cycles / m.unit.perOperation : undefined,
    instructions_per_op: m.perOp.instructions.total, kernel_instructions_per_op: m.perOp.instructions.kernel,
    user_instructions_per_op: m.perOp.instructions.user, guest_instructions_total: m.withN.instructions.total,
    exits_per_op: m.perOp.exits, tlb_misses_per_op: m.perOp.tlbMisses,
  };
  EXIT_KINDS.forEach((k, i) => { row[EXIT_COLUMNS[i] as string] = m.exitsPerOp?.[k]; });
  CYCLE_CATEGORIES.forEach((k, i) => { row[BREAKDOWN_COLUMNS[i] as string] = m.breakdownPerOp?.[k]; });
  return row;
}

/** One row per matrix cell; one per VM of a mixed cell (same id, `vm` set). */
export function tableRows(results: SuiteResults): Row[] {
  return results.cells.flatMap((c): Row[] => {
    const cfg = c.config;
    const base: Row = { id: c.id, kind: cfg.kind, status: c.status, preset: presetTag(cfg), scale: cfg.scale, rep: cfg.rep, error: c.error };
    if (cfg.kind === 'matrix') {
      const row: Row = { ...base, workload: cfg.workload, technique: cfg.technique, build: cfg.build, params: kvs(cfg.params), kernel_params: kvs(cfg.kernelParams), operations: cfg.operations };
      if (c.result?.kind === 'matrix') Object.assign(row, measurementColumns(c.result), { slowdown: c.slowdown, baseline: c.baseline, host_ms: c.result.hostMs });
      return [row];
    }
    if (c.result?.kind !== 'mixed') return [{ ...base, group: cfg.group }];
    const r = c.result;
    return r.vms.map((v, i) => ({
      ...base, group: r.group, vm: v.name, params: kvs(cfg.vms[i]?.params ?? {}), kernel_params: kvs(cfg.vms[i]?.kernelParams ?? {}),
      ...measurementColumns(v), ops_per_sim_second: v.opsPerSecond, host_ms: r.hostMs,
    }));
  });
}

function csvField(v: string | number | undefined): string {
  if (v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(results: SuiteResults): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of tableRows(results)) lines.push(CSV_COLUMNS.map((k) => csvField(r[k])).join(','));
  return `${lines.join('\n')}\n`;
}

/** The charts a report draws: those the suite asks for (host-ns only with host-bench data). */
export function chartsToDraw(results: SuiteResults): ChartName[] {
  return results.suiteConfig.charts.filter((c) => c !== 'host-ns' || (results.hostBench?.length ?? 0) > 0);
}
