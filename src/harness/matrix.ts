/**
 * A suite's matrix, expanded: one cell per configuration to measure, every value resolved, in
 * a deterministic order with a stable id; and the runner's `--filter` and `--shard i/n`.
 *
 * Order (outermost first): workload (as listed) → workload-parameter combination (parameters in
 * catalog order, values as listed) → technique/build pair (as listed) → preset (as listed) →
 * scale factor (as listed) → kernel-parameter combination → repetition. A mixed suite: group →
 * preset → scale → repetition.
 *
 * Cells that could not differ are not duplicated: a native cell does not depend on exit costs,
 * so it exists once per preset (scale 1) whatever `scale` sweeps; and a build without a kernel
 * parameter (the unmodified build has no pv_mmu_batch) is not swept over it.
 */
import type { GuestBuild } from '../guest/image.js';
import { workloadByName } from '../guest/workloads.js';
import type { CostPreset } from '../hypervisor/cost-model.js';
import { presetByName, scalePreset } from '../hypervisor/cost-presets.js';
import { TRACING_TECHNIQUES, type ShadowPagingMode, type Technique } from '../hypervisor/techniques.js';
import {
  KERNEL_PARAM_NAMES, KERNEL_PARAMS, SuiteError, kernelDefaults, suggest, workloadDefaults, type MixedVm, type Suite,
} from './suite.js';

interface CellCommon {
  /** Stable, unique within the suite: the same configuration always has the same id. */
  readonly id: string;
  readonly suite: string;
  /** The preset's name as the suite gives it, the scale factor, and the resolved preset
   *  (scaled when the factor is not 1; then its name is `<name>*<factor>`). */
  readonly presetName: string;
  readonly scale: number;
  readonly preset: CostPreset;
  /** Repetition index, 0-based. */
  readonly rep: number;
  readonly ramBytes: number;
}

/** One workload under one technique and build. */
export interface MatrixCell extends CellCommon {
  readonly kind: 'matrix';
  readonly workload: string;
  readonly technique: Technique;
  readonly build: GuestBuild;
  /** Every workload parameter but `iterations`, defaults applied. */
  readonly params: Readonly<Record<string, number>>;
  /** Every kernel parameter the build declares, defaults applied. */
  readonly kernelParams: Readonly<Record<string, number>>;
  /** N: the measured run has `iterations` = N, the reference run 0. */
  readonly operations: number;
  /** How shadow paging followed guest page-table changes: the suite's sweep or the preset's
   *  mode; null where the technique keeps no shadow tables or does not trace (native, paravirt,
   *  hw-assist with nested paging). */
  readonly shadowPaging: ShadowPagingMode | null;
}

/** Several VMs run at once on one hypervisor. */
export interface MixedCell extends CellCommon {
  readonly kind: 'mixed';
  readonly group: string;
  readonly vms: readonly MixedVm[];
}

export type Cell = MatrixCell | MixedCell;

/** Every combination of the given value lists, keys in the given order, last key fastest. */
function combinations(keys: readonly string[], values: Readonly<Record<string, readonly number[]>>): Record<string, number>[] {
  let out: Record<string, number>[] = [{}];
  for (const k of keys) {
    const next: Record<string, number>[] = [];
    for (const partial of out) for (const v of values[k] ?? []) next.push({ ...partial, [k]: v });
    out = next;
  }
  return out;
}

function resolvePreset(name: string, factor: number): CostPreset {
  const base = presetByName(name);
  return factor === 1 ? base : scalePreset(base, factor);
}

const kv = (o: Readonly<Record<string, number>>, keys: readonly string[]): string[] => keys.map((k) => `${k}=${o[k]}`);

/** The shadow-paging modes a technique's cells run in: the suite's sweep or the preset's own
 *  for a technique that traces or fences shadow tables, none for the others. */
function shadowModes(suite: Suite, technique: Technique, preset: CostPreset): readonly (ShadowPagingMode | null)[] {
  if (!(TRACING_TECHNIQUES as readonly string[]).includes(technique)) return [null];
  return suite.shadowPaging ?? [preset.shadowPaging];
}

/** Expand a validated suite into its cells. */
export function expandMatrix(suite: Suite): Cell[] {
  const cells: Cell[] = [];
  const presetTag = (name: string, factor: number): string => (factor === 1 ? name : `${name}*${factor}`);
  if (suite.kind === 'mixed') {
    for (const g of suite.mixed) {
      for (const presetName of suite.presets) {
        for (const scale of suite.scale) {
          for (let rep = 0; rep < suite.repetitions; rep++) {
            cells.push({
              kind: 'mixed', id: `mixed/${g.name}/${presetTag(presetName, scale)}/r${rep}`, suite: suite.name,
              group: g.name, vms: g.vms, presetName, scale, preset: resolvePreset(presetName, scale), rep, ramBytes: suite.ramBytes,
            });
          }
        }
      }
    }
    return cells;
  }
  for (const workload of suite.workloads) {
    const w = workloadByName(workload);
    const given = suite.params[workload] ?? {};
    // Workload parameters swept or set by the suite, in catalog order; they name the cell.
    const wkeys = w.params.map((q) => q.name).filter((k) => given[k] !== undefined);
    // Kernel parameters: the workload's own override the suite-wide ones.
    const kernelValues: Record<string, readonly number[]> = { ...suite.kernelParams };
    for (const k of KERNEL_PARAM_NAMES) if (given[k] !== undefined) kernelValues[k] = given[k];
    for (const wp of combinations(wkeys, given)) {
      const params = workloadDefaults(w, wp);
      for (const { technique, build } of suite.pairs) {
        const kkeys = KERNEL_PARAMS.filter((k) => k.builds.includes(build) && kernelValues[k.name] !== undefined).map((k) => k.name);
        const scales = technique === 'native' ? [1] : suite.scale;
        for (const presetName of suite.presets) {
          for (const scale of scales) {
            const preset = resolvePreset(presetName, scale);
            for (const kp of combinations(kkeys, kernelValues)) {
              for (const shadowPaging of shadowModes(suite, technique, preset)) {
                for (let rep = 0; rep < suite.repetitions; rep++) {
                  const shadowTag = suite.shadowPaging !== null && shadowPaging !== null ? [`shadow=${shadowPaging}`] : [];
                  const id = [workload, technique, build, presetTag(presetName, scale), ...kv(params, wkeys), ...kv(kp, kkeys), ...shadowTag, `r${rep}`].join('/');
                  cells.push({
                    kind: 'matrix', id, suite: suite.name, workload, technique, build, params,
                    kernelParams: kernelDefaults(build, kp), operations: suite.operations[workload] as number,
                    presetName, scale, preset, rep, ramBytes: suite.ramBytes, shadowPaging,
                  });
                }
              }
            }
          }
        }
      }
    }
  }
  if (cells.length === 0) throw new SuiteError(`suite ${suite.name}: the matrix has no cells`);
  return cells;
}

/**
 * The native cell a hypervisor cell's slowdown is measured against: same workload, workload
 * parameters, preset (unscaled) and repetition, technique native. Undefined for a native or
 * mixed cell, or when the suite has no such cell.
 */
export function findBaseline(cells: readonly Cell[], cell: Cell): MatrixCell | undefined {
  if (cell.kind !== 'matrix' || cell.technique === 'native') return undefined;
  return cells.find((c): c is MatrixCell =>
    c.kind === 'matrix' && c.technique === 'native' && c.workload === cell.workload && c.presetName === cell.presetName &&
    c.rep === cell.rep && sameParams(c.params, cell.params));
}

function sameParams(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

// ---- --filter -------------------------------------------------------------------------------

/** The keys a filter term can name (besides any workload or kernel parameter name). */
export const FILTER_KEYS = ['id', 'workload', 'technique', 'build', 'preset', 'scale', 'rep', 'group', 'kind'] as const;

/** The values of `key` in a cell (a mixed cell has one per VM for workload/technique/build). */
function valuesOf(cell: Cell, key: string): string[] {
  switch (key) {
    case 'id': return [cell.id];
    case 'kind': return [cell.kind];
    case 'preset': return [cell.presetName, cell.preset.name];
    case 'scale': return [String(cell.scale)];
    case 'rep': return [String(cell.rep)];
    case 'group': return cell.kind === 'mixed' ? [cell.group] : [];
    default: break;
  }
  if (cell.kind === 'mixed') {
    switch (key) {
      case 'workload': return cell.vms.map((v) => v.workload);
      case 'technique': return cell.vms.map((v) => v.technique);
      case 'build': return cell.vms.map((v) => v.build);
      default: return cell.vms.flatMap((v) => {
        const x = v.params[key] ?? v.kernelParams[key];
        return x === undefined ? [] : [String(x)];
      });
    }
  }
  switch (key) {
    case 'workload': return [cell.workload];
    case 'technique': return [cell.technique];
    case 'build': return [cell.build];
    default: {
      const x = cell.params[key] ?? cell.kernelParams[key];
      return x === undefined ? [] : [String(x)];
    }
  }
}

/**
 * The cells matching `expr`: terms separated by spaces or commas, all of which must match.
 * A term `key=value` (or `key=a|b` for either) compares a key's value exactly; `key!=value`
 * excludes; a bare word matches as a substring of the id. Keys: FILTER_KEYS and the parameter
 * names of the cells. An unknown key is a SuiteError (with a suggestion).
 */
export function filterCells<C extends Cell>(cells: readonly C[], expr: string): C[] {
  const terms = expr.split(/[\s,]+/).filter((t) => t !== '');
  const paramKeys = new Set<string>();
  for (const c of cells) {
    const sets = c.kind === 'matrix' ? [c.params, c.kernelParams] : c.vms.flatMap((v) => [v.params, v.kernelParams]);
    for (const s of sets) for (const k of Object.keys(s)) paramKeys.add(k);
  }
  const known = [...FILTER_KEYS, ...paramKeys];
  const tests = terms.map((term): ((c: Cell) => boolean) => {
    const m = /^([A-Za-z_][\w-]*)(!?=)(.*)$/.exec(term);
    if (!m) return (c) => c.id.includes(term);
    const [, key, op, rhs] = m as unknown as [string, string, string, string];
    if (!known.includes(key)) {
      throw new SuiteError(`filter ${JSON.stringify(expr)}: unknown key '${key}'${suggest(key, known)}; known keys: ${known.join(', ')}`);
    }
    if (rhs === '') throw new SuiteError(`filter ${JSON.stringify(expr)}: '${term}' gives no value`);
    const wanted = rhs.split('|');
    const hit = (c: Cell): boolean => valuesOf(c, key).some((v) => wanted.includes(v));
    return op === '=' ? hit : (c) => !hit(c);
  });
  return cells.filter((c) => tests.every((t) => t(c)));
}

// ---- --shard i/n ----------------------------------------------------------------------------

/** Parse `i/n` (1-based i, as the CLI takes it) into [i, n]. */
export function parseShard(text: string): [number, number] {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new SuiteError(`shard '${text}': expected i/n, e.g. 1/4`);
  const i = Number(m[1]);
  const n = Number(m[2]);
  checkShard(i, n);
  return [i, n];
}

function checkShard(i: number, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new SuiteError(`shard ${i}/${n}: the shard count must be a whole number >= 1`);
  if (!Number.isInteger(i) || i < 1 || i > n) throw new SuiteError(`shard ${i}/${n}: the shard index must be a whole number in 1..${n}`);
}

/** Shard i of n (1-based): cells i-1, i-1+n, i-1+2n… Shards 1..n are disjoint and cover all. */
export function shardCells<C>(cells: readonly C[], i: number, n: number): C[] {
  checkShard(i, n);
  return cells.filter((_, k) => k % n === i - 1);
}
