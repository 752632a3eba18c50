/**
 * Experiment suites: typed, validated descriptions of a measurement matrix (DESIGN §6). A file
 * under experiments/ exports one default suite:
 *
 *   export default defineSuite({
 *     name: 'microbench',
 *     description: 'cycles per operation by technique',
 *     workloads: ['null-syscall', 'page-fault'],
 *     presets: ['p4-vtx', 'modern-kvm'],
 *     charts: ['slowdown', 'exits'],
 *   });
 *
 * `defineSuite` validates everything at once (the suite file fails to import otherwise) and
 * returns the normalized suite: every list filled in, every default applied. Errors are
 * `SuiteError`s naming the suite, the key path and the value, with a suggestion for near misses:
 *
 *   suite microbench: workloads[2]: unknown workload 'nul-syscall' (did you mean 'null-syscall'?)
 *
 * expandMatrix (matrix.ts) turns a suite into cells; runCell (suite-run.ts) measures one.
 * docs/suites.md is the user guide.
 */
import { didYouMean } from '../util/suggest.js';
import { GUEST_BUILDS, type GuestBuild } from '../guest/image.js';
import { WORKLOADS, WORKLOAD_NAMES, type Workload } from '../guest/workloads.js';
import { COST_PRESETS, DEFAULT_PRESET_NAME, presetNames } from '../hypervisor/cost-presets.js';
import { BUILD_TECHNIQUES, IMPLIED_BUILD, isVmTechnique, SHADOW_PAGING_MODES, TECHNIQUES, VM_TECHNIQUES, type ShadowPagingMode, type Technique } from '../hypervisor/techniques.js';

export { IMPLIED_BUILD } from '../hypervisor/techniques.js';
import { DEFAULT_RAM_BYTES } from '../machine/board.js';

/** The charts a suite can ask for (drawn by the report renderer). */
export const CHARTS = ['slowdown', 'exits', 'breakdown', 'sensitivity', 'batching', 'mixed', 'host-ns', 'walks', 'paper'] as const;
export type ChartName = (typeof CHARTS)[number];

/** A value, or a list of values to sweep (one cell per value). */
export type Sweep = number | readonly number[];

/** The kernel parameter words experiments may patch (by symbol), and the builds that have them. */
export interface KernelParam {
  readonly name: string;
  readonly builds: readonly GuestBuild[];
  readonly default: number;
  readonly min: number;
  readonly max: number;
  readonly doc: string;
}

export const KERNEL_PARAMS: readonly KernelParam[] = Object.freeze([
  {
    name: 'pv_mmu_batch', builds: ['paravirt'], default: 16, min: 1, max: 128,
    doc: 'page-table updates gathered before one MMU_UPDATE / MULTICALL (guests/kernel/pv.S)',
  },
  {
    name: 'pv_blk_batch', builds: ['paravirt', 'pvio'], default: 32, min: 1, max: 32,
    doc: 'block requests queued in the ring per HC_BLK_NOTIFY (guests/kernel/pvdrivers.S)',
  },
]);
export const KERNEL_PARAM_NAMES: readonly string[] = KERNEL_PARAMS.map((k) => k.name);

/**
 * Operation count N of the per-operation measurement when a suite names none: small enough that
 * a cell (a run with N operations and one with 0) takes well under a second.
 */
export const DEFAULT_OPERATIONS: Readonly<Record<string, number>> = Object.freeze({
  'null-syscall': 100,
  'context-switch': 200,
  'page-fault': 50,
  'mmap': 20,
  'fork': 10,
  'console': 20,
  'block-io': 8,
  'compute': 20_000,
  // ≈ 36 M instructions: about ten 1 ms ticks of a 3.7 GHz preset (a chunk is ≈ 0.9 M).
  'timer': 40,
  'tlb-walk': 20,
});

/** One technique with the guest build it runs. */
export interface TechniqueBuild {
  readonly technique: Technique;
  readonly build: GuestBuild;
}

/** One VM of a mixed group. */
export interface MixedVmSpec {
  readonly workload: string;
  readonly technique: Technique;
  /** Default: the build the technique implies. */
  readonly build?: GuestBuild;
  /** Single values only (no sweeps): workload parameters, and kernel parameters by name. */
  readonly params?: Readonly<Record<string, number>>;
}

/** Several VMs run at once on one hypervisor. */
export interface MixedGroupSpec {
  /** Default: the VMs' `workload@technique` joined with '+'. */
  readonly name?: string;
  readonly vms: readonly MixedVmSpec[];
}

/** What a suite file writes (the argument of defineSuite). */
export interface SuiteSpec {
  readonly name: string;
  readonly description: string;
  /** Catalog workloads (src/guest/workloads.ts). Required unless `mixed` is given. */
  readonly workloads?: readonly string[];
  /** Default: every technique, each with the build it implies. */
  readonly techniques?: readonly Technique[];
  /** Explicit technique/build pairs, instead of `techniques`. */
  readonly pairs?: readonly TechniqueBuild[];
  /** Per workload: its parameters (not `iterations`: see `operations`) and kernel parameters,
   *  each a value or a list to sweep. */
  readonly params?: Readonly<Record<string, Readonly<Record<string, Sweep>>>>;
  /** Cost preset names (src/hypervisor/cost-presets.ts). Default: [DEFAULT_PRESET_NAME]. */
  readonly presets?: readonly string[];
  /** scalePreset factors applied to every preset (sensitivity). Default: [1] (unscaled). */
  readonly scale?: readonly number[];
  /** Kernel parameters for every workload, each a value or a list to sweep. */
  readonly kernelParams?: Readonly<Record<string, Sweep>>;
  /** Cells per configuration (simulated figures repeat exactly; host time does not). Default 1. */
  readonly repetitions?: number;
  /** N of the per-operation measurement: one for all workloads, or per workload. */
  readonly operations?: number | Readonly<Record<string, number>>;
  /** Guest RAM in bytes. Default: the board's (128 MiB). */
  readonly ramBytes?: number;
  /** Shadow paging's modes to sweep for the techniques that keep shadow tables (trap-emulate,
   *  hw-assist-shadow). Default: each preset's own (cost-presets.ts `shadowPaging`). */
  readonly shadowPaging?: readonly ShadowPagingMode[];
  /** Default: ['slowdown', 'exits', 'breakdown'], or ['mixed'] for a mixed suite. */
  readonly charts?: readonly ChartName[];
  /** A mixed suite: groups of VMs run at once, instead of workloads × techniques. */
  readonly mixed?: readonly MixedGroupSpec[];
}

/** A resolved VM of a mixed group. */
export interface MixedVm {
  readonly workload: string;
  readonly technique: Technique;
  readonly build: GuestBuild;
  /** Every parameter of the workload except `iterations`, defaults applied. */
  readonly params: Readonly<Record<string, number>>;
  /** The kernel parameters of its build, defaults applied. */
  readonly kernelParams: Readonly<Record<string, number>>;
  readonly operations: number;
}

export interface MixedGroup {
  readonly name: string;
  readonly vms: readonly MixedVm[];
}

/** A validated suite with every default applied. */
export interface Suite {
  readonly name: string;
  readonly description: string;
  readonly kind: 'matrix' | 'mixed';
  readonly workloads: readonly string[];
  readonly pairs: readonly TechniqueBuild[];
  /** Per workload, per parameter (workload and kernel), the values to sweep; only what the
   *  suite set. */
  readonly params: Readonly<Record<string, Readonly<Record<string, readonly number[]>>>>;
  readonly presets: readonly string[];
  readonly scale: readonly number[];
  readonly kernelParams: Readonly<Record<string, readonly number[]>>;
  readonly repetitions: number;
  /** N for every workload of the suite (mixed: of every VM's workload). */
  readonly operations: Readonly<Record<string, number>>;
  readonly ramBytes: number;
  /** The shadow-paging modes the suite sweeps, or null: each preset's own. */
  readonly shadowPaging: readonly ShadowPagingMode[] | null;
  readonly charts: readonly ChartName[];
  readonly mixed: readonly MixedGroup[];
  /** The spec as written. */
  readonly spec: SuiteSpec;
}

/** A bad suite: the message names the suite, the key path and the value. */
export class SuiteError extends Error {}

const TOP_KEYS = [
  'name', 'description', 'workloads', 'techniques', 'pairs', 'params', 'presets', 'scale', 'kernelParams',
  'repetitions', 'operations', 'ramBytes', 'shadowPaging', 'charts', 'mixed',
] as const;
const MATRIX_ONLY_KEYS = ['workloads', 'techniques', 'pairs', 'params'] as const;
const PAIR_KEYS = ['technique', 'build'] as const;
const GROUP_KEYS = ['name', 'vms'] as const;
const VM_KEYS = ['workload', 'technique', 'build', 'params'] as const;

const PAGE_BYTES = 4096;
const MIN_RAM_BYTES = 4 * 1024 * 1024;
const MAX_RAM_BYTES = 1024 * 1024 * 1024;
/** At most this many operations per measured run (a guard against a typo adding zeros). */
const MAX_OPERATIONS = 10_000_000;
const MAX_REPETITIONS = 1000;

/** `value` for an error message: strings quoted, the rest as JSON. */
export function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  try {
    const s = JSON.stringify(value);
    return s.length > 60 ? `${s.slice(0, 57)}...` : s;
  } catch {
    return String(value);
  }
}

/** What a wrong-typed value is, for 'expected X, got …'. */
function got(value: unknown): string {
  return value === undefined ? 'nothing (the key is missing)' : `${typeName(value)} ${show(value)}`;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** `a` with two neighbouring letters swapped is `b`. */
function transposed(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const diff = [...a].flatMap((ch, i) => (ch === b[i] ? [] : [i]));
  return diff.length === 2 && diff[1] === (diff[0] as number) + 1 && a[diff[0] as number] === b[diff[1] as number] && a[diff[1] as number] === b[diff[0] as number];
}

/** Edit distance first, then a swap of two neighbouring letters, then a unique candidate
 *  containing the word (squashed). */
export function suggest(word: string, candidates: readonly string[]): string {
  const byDistance = didYouMean(word.toLowerCase(), candidates);
  if (byDistance !== '') return byDistance;
  const swapped = candidates.find((c) => transposed(word.toLowerCase(), c));
  if (swapped !== undefined) return ` (did you mean '${swapped}'?)`;
  const squashed = word.toLowerCase().replace(/[^a-z0-9]/g, '');
  const containing = candidates.filter((c) => squashed.length >= 3 && c.replace(/[^a-z0-9]/g, '').includes(squashed));
  return containing.length === 1 ? ` (did you mean '${containing[0]}'?)` : '';
}

/** Validation state: the suite's name for messages. */
class Checker {
  constructor(readonly suite: string) {}

  fail(path: string, message: string): never {
    throw new SuiteError(`suite ${this.suite}: ${path}: ${message}`);
  }

  object(path: string, value: unknown): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail(path, `expected an object, got ${got(value)}`);
    }
    return value as Record<string, unknown>;
  }

  keys(path: string, obj: Record<string, unknown>, known: readonly string[]): void {
    for (const k of Object.keys(obj)) {
      if (!known.includes(k)) {
        this.fail(path === '' ? k : `${path}.${k}`, `unknown key '${k}'${suggest(k, known)}; known keys: ${known.join(', ')}`);
      }
    }
  }

  list(path: string, value: unknown): unknown[] {
    if (!Array.isArray(value)) this.fail(path, `expected a list, got ${got(value)}`);
    if (value.length === 0) this.fail(path, 'empty list: the matrix would have no cells');
    return value;
  }

  string(path: string, value: unknown): string {
    if (typeof value !== 'string') this.fail(path, `expected a string, got ${got(value)}`);
    return value;
  }

  name(path: string, value: unknown, known: readonly string[], what: string): string {
    const s = this.string(path, value);
    if (!known.includes(s)) this.fail(path, `unknown ${what} ${show(s)}${suggest(s, known)}; known: ${known.join(', ')}`);
    return s;
  }

  integer(path: string, value: unknown, min: number, max: number): number {
    if (typeof value !== 'number') this.fail(path, `expected a number, got ${got(value)}`);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.fail(path, `${show(value)} must be a whole number in ${min}..${max}`);
    }
    return value;
  }

  unique<T>(path: string, values: readonly T[], key: (v: T) => unknown = (v) => v): void {
    const seen = new Set<string>();
    values.forEach((v, i) => {
      const k = key(v);
      if (seen.has(JSON.stringify(k))) this.fail(`${path}[${i}]`, `${show(k)} is listed twice`);
      seen.add(JSON.stringify(k));
    });
  }
}

function kernelParamsOf(build: GuestBuild): readonly KernelParam[] {
  return KERNEL_PARAMS.filter((k) => k.builds.includes(build));
}

/** A sweep: one value or a non-empty list, each checked by `one`; distinct values. */
function sweep(c: Checker, path: string, value: unknown, one: (p: string, v: unknown) => number): number[] {
  if (Array.isArray(value)) {
    const out = c.list(path, value).map((v, i) => one(`${path}[${i}]`, v));
    c.unique(path, out);
    return out;
  }
  return [one(path, value)];
}

function kernelSweep(c: Checker, path: string, obj: Record<string, unknown>, into: Record<string, number[]>): void {
  for (const [k, v] of Object.entries(obj)) {
    const kp = KERNEL_PARAMS.find((x) => x.name === k);
    if (!kp) c.fail(`${path}.${k}`, `unknown kernel parameter '${k}'${suggest(k, KERNEL_PARAM_NAMES)}; known: ${KERNEL_PARAM_NAMES.join(', ')}`);
    into[k] = sweep(c, `${path}.${k}`, v, (p, x) => c.integer(p, x, kp.min, kp.max));
  }
}

function workloadParamCheck(c: Checker, w: Workload, path: string, name: string, value: unknown): number[] {
  if (name === w.iterationParam) {
    c.fail(path, `'${name}' is set by the measurement (N operations, then 0): use the suite's 'operations' instead`);
  }
  const q = w.params.find((x) => x.name === name);
  if (!q) {
    const known = [...w.params.filter((x) => x.name !== w.iterationParam).map((x) => x.name), ...KERNEL_PARAM_NAMES];
    c.fail(path, `workload ${w.name} has no parameter '${name}'${suggest(name, known)}; its parameters: ${known.join(', ') || '(none)'}`);
  }
  return sweep(c, path, value, (p, x) => c.integer(p, x, q.min, q.max));
}

/** Every parameter of `w` but `iterations`, from the defaults overridden by `given`. */
export function workloadDefaults(w: Workload, given: Readonly<Record<string, number>> = {}): Record<string, number> {
  const out: Record<string, number> = {};
  for (const q of w.params) if (q.name !== w.iterationParam) out[q.name] = given[q.name] ?? q.default;
  return out;
}

/** The kernel parameters `build` declares, from the defaults overridden by `given` (others dropped). */
export function kernelDefaults(build: GuestBuild, given: Readonly<Record<string, number>> = {}): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of kernelParamsOf(build)) out[k.name] = given[k.name] ?? k.default;
  return out;
}

function workloadOf(name: string): Workload {
  return WORKLOADS.find((w) => w.name === name) as Workload;
}

function pairFor(c: Checker, path: string, technique: Technique, build: GuestBuild): TechniqueBuild {
  if (!BUILD_TECHNIQUES[build].includes(technique)) {
    c.fail(path, `technique '${technique}' cannot run the ${build} build (it needs ${BUILD_TECHNIQUES[build].join(' or ')})`);
  }
  return { technique, build };
}

/**
 * Validate `input` (anything: a suite file's default export) and return the normalized suite.
 * Throws SuiteError for the first problem found.
 */
export function validateSuite(input: unknown): Suite {
  const rawName = typeof input === 'object' && input !== null && typeof (input as { name?: unknown }).name === 'string'
    ? (input as { name: string }).name : '<unnamed>';
  const c: Checker = new Checker(rawName);
  const top = c.object('suite', input);
  c.keys('', top, TOP_KEYS);

  const name = c.string('name', top['name']);
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(name)) {
    c.fail('name', `${show(name)} must be lower case letters, digits, '.', '_' or '-' (it names the report directory)`);
  }
  const description = c.string('description', top['description']);
  if (description.trim() === '') c.fail('description', 'must not be empty');

  // Presets and scale factors.
  const presets = top['presets'] === undefined ? [DEFAULT_PRESET_NAME]
    : c.list('presets', top['presets']).map((v, i) => c.name(`presets[${i}]`, v, presetNames(), 'cost preset'));
  c.unique('presets', presets);
  const scale = top['scale'] === undefined ? [1] : c.list('scale', top['scale']).map((v, i) => {
    const p = `scale[${i}]`;
    if (typeof v !== 'number') c.fail(p, `expected a number, got ${got(v)}`);
    if (!Number.isFinite(v) || v < 0 || v > 1000) c.fail(p, `${show(v)} must be a scaling factor in 0..1000`);
    return v;
  });
  c.unique('scale', scale);

  // Kernel parameters for every workload.
  const kernelParams: Record<string, number[]> = {};
  if (top['kernelParams'] !== undefined) {
    const obj = c.object('kernelParams', top['kernelParams']);
    for (const k of Object.keys(obj)) {
      if (!KERNEL_PARAM_NAMES.includes(k)) {
        c.fail(`kernelParams.${k}`, `unknown kernel parameter '${k}'${suggest(k, KERNEL_PARAM_NAMES)}; known: ${KERNEL_PARAM_NAMES.join(', ')}`);
      }
    }
    kernelSweep(c, 'kernelParams', obj, kernelParams);
  }

  const repetitions = top['repetitions'] === undefined ? 1 : c.integer('repetitions', top['repetitions'], 1, MAX_REPETITIONS);
  const ramBytes = top['ramBytes'] === undefined ? DEFAULT_RAM_BYTES : c.integer('ramBytes', top['ramBytes'], MIN_RAM_BYTES, MAX_RAM_BYTES);
  if (ramBytes % PAGE_BYTES !== 0) c.fail('ramBytes', `${ramBytes} must be a whole number of ${PAGE_BYTES}-byte pages`);

  const isMixed = top['mixed'] !== undefined;
  const charts = top['charts'] === undefined ? (isMixed ? ['mixed' as const] : ['slowdown' as const, 'exits' as const, 'breakdown' as const])
    : c.list('charts', top['charts']).map((v, i) => c.name(`charts[${i}]`, v, CHARTS, 'chart') as ChartName);
  c.unique('charts', charts);

  // Operations: checked against the workloads once they are known.
  const opsRaw = top['operations'];
  const opsFor = (workload: string): number => {
    if (opsRaw === undefined) return DEFAULT_OPERATIONS[workload] ?? 100;
    if (typeof opsRaw === 'number') return opsRaw;
    return (opsRaw as Record<string, number>)[workload] ?? DEFAULT_OPERATIONS[workload] ?? 100;
  };
  let opsWorkloads: readonly string[] = WORKLOAD_NAMES;
  if (opsRaw !== undefined && typeof opsRaw !== 'number') {
    const obj = c.object('operations', opsRaw);
    for (const [k, v] of Object.entries(obj)) {
      c.name(`operations.${k}`, k, WORKLOAD_NAMES, 'workload');
      c.integer(`operations.${k}`, v, 1, MAX_OPERATIONS);
    }
    opsWorkloads = Object.keys(obj);
  } else if (opsRaw !== undefined) {
    c.integer('operations', opsRaw, 1, MAX_OPERATIONS);
  }

  let workloads: string[] = [];
  let pairs: TechniqueBuild[] = [];
  const params: Record<string, Record<string, number[]>> = {};
  const mixed: MixedGroup[] = [];

  if (isMixed) {
    for (const k of MATRIX_ONLY_KEYS) {
      if (top[k] !== undefined) c.fail(k, `a mixed suite does not use '${k}': give each VM of 'mixed' its own`);
    }
    const groups = c.list('mixed', top['mixed']);
    groups.forEach((g, gi) => {
      const gp = `mixed[${gi}]`;
      const go = c.object(gp, g);
      c.keys(gp, go, GROUP_KEYS);
      const vms = c.list(`${gp}.vms`, go['vms']);
      if (vms.length < 2) c.fail(`${gp}.vms`, `a mixed group runs two or more VMs at once, not ${vms.length}`);
      const resolved = vms.map((v, vi): MixedVm => {
        const vp = `${gp}.vms[${vi}]`;
        const vo = c.object(vp, v);
        c.keys(vp, vo, VM_KEYS);
        const workload = c.name(`${vp}.workload`, vo['workload'], WORKLOAD_NAMES, 'workload');
        const technique = c.name(`${vp}.technique`, vo['technique'], TECHNIQUES, 'technique') as Technique;
        if (!isVmTechnique(technique)) {
          c.fail(`${vp}.technique`, `'${technique}' is not a VM technique (a mixed group runs VMs: ${VM_TECHNIQUES.join(' or ')})`);
        }
        const build = vo['build'] === undefined ? IMPLIED_BUILD[technique]
          : c.name(`${vp}.build`, vo['build'], GUEST_BUILDS, 'guest build') as GuestBuild;
        pairFor(c, vp, technique, build);
        const w = workloadOf(workload);
        const given: Record<string, number> = {};
        const kgiven: Record<string, number> = {};
        if (vo['params'] !== undefined) {
          const po = c.object(`${vp}.params`, vo['params']);
          for (const [k, val] of Object.entries(po)) {
            const pp = `${vp}.params.${k}`;
            if (Array.isArray(val)) c.fail(pp, `a mixed VM takes single values, not a sweep ${show(val)}`);
            if (KERNEL_PARAM_NAMES.includes(k)) {
              const kp = KERNEL_PARAMS.find((x) => x.name === k) as KernelParam;
              if (!kp.builds.includes(build)) c.fail(pp, `the ${build} build has no kernel parameter '${k}'`);
              kgiven[k] = c.integer(pp, val, kp.min, kp.max);
            } else {
              given[k] = workloadParamCheck(c, w, pp, k, val)[0] as number;
            }
          }
        }
        const kernel: Record<string, number> = {};
        for (const [k, vals] of Object.entries(kernelParams)) kernel[k] = vals[0] as number;
        if (Object.values(kernelParams).some((v) => v.length > 1)) {
          c.fail('kernelParams', 'a mixed suite takes single kernel parameter values, not sweeps');
        }
        return {
          workload, technique, build, params: workloadDefaults(w, given),
          kernelParams: kernelDefaults(build, { ...kernel, ...kgiven }), operations: opsFor(workload),
        };
      });
      const gname = go['name'] === undefined ? resolved.map((v) => `${v.workload}@${v.technique}`).join('+')
        : c.string(`${gp}.name`, go['name']);
      if (!/^[A-Za-z0-9][A-Za-z0-9@+._-]*$/.test(gname)) c.fail(`${gp}.name`, `${show(gname)} must be letters, digits and @+._-`);
      mixed.push({ name: gname, vms: resolved });
    });
    c.unique('mixed', mixed, (g) => g.name);
    workloads = [...new Set(mixed.flatMap((g) => g.vms.map((v) => v.workload)))];
  } else {
    if (top['workloads'] === undefined) c.fail('workloads', "missing: list the workloads to measure (or give 'mixed')");
    workloads = c.list('workloads', top['workloads']).map((v, i) => c.name(`workloads[${i}]`, v, WORKLOAD_NAMES, 'workload'));
    c.unique('workloads', workloads);

    if (top['pairs'] !== undefined) {
      if (top['techniques'] !== undefined) c.fail('pairs', "give either 'techniques' or 'pairs', not both");
      pairs = c.list('pairs', top['pairs']).map((v, i) => {
        const p = `pairs[${i}]`;
        const o = c.object(p, v);
        c.keys(p, o, PAIR_KEYS);
        const technique = c.name(`${p}.technique`, o['technique'], TECHNIQUES, 'technique') as Technique;
        const build = c.name(`${p}.build`, o['build'], GUEST_BUILDS, 'guest build') as GuestBuild;
        return pairFor(c, p, technique, build);
      });
      c.unique('pairs', pairs, (p) => `${p.technique}/${p.build}`);
    } else {
      const techniques = top['techniques'] === undefined ? [...TECHNIQUES]
        : c.list('techniques', top['techniques']).map((v, i) => c.name(`techniques[${i}]`, v, TECHNIQUES, 'technique') as Technique);
      c.unique('techniques', techniques);
      pairs = techniques.map((t) => ({ technique: t, build: IMPLIED_BUILD[t] }));
    }

    if (top['params'] !== undefined) {
      const po = c.object('params', top['params']);
      for (const [wname, wparams] of Object.entries(po)) {
        const wp = `params.${wname}`;
        c.name(wp, wname, WORKLOAD_NAMES, 'workload');
        if (!workloads.includes(wname)) c.fail(wp, `workload '${wname}' is not in this suite's workloads (${workloads.join(', ')})`);
        const wo = c.object(wp, wparams);
        const w = workloadOf(wname);
        const out: Record<string, number[]> = {};
        const kernelPart: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(wo)) {
          if (KERNEL_PARAM_NAMES.includes(k)) kernelPart[k] = v;
          else out[k] = workloadParamCheck(c, w, `${wp}.${k}`, k, v);
        }
        kernelSweep(c, wp, kernelPart, out);
        params[wname] = out;
      }
    }
  }

  // Kernel parameters must reach at least one build the suite runs.
  const builds = new Set(isMixed ? mixed.flatMap((g) => g.vms.map((v) => v.build)) : pairs.map((p) => p.build));
  const usedKernel = [...Object.keys(kernelParams), ...Object.values(params).flatMap((o) => Object.keys(o).filter((k) => KERNEL_PARAM_NAMES.includes(k)))];
  for (const k of usedKernel) {
    const kp = KERNEL_PARAMS.find((x) => x.name === k) as KernelParam;
    if (!kp.builds.some((b) => builds.has(b))) {
      c.fail(`kernelParams.${k}`, `only the ${kp.builds.join(', ')} build has it, and this suite runs none (builds: ${[...builds].join(', ')})`);
    }
  }

  for (const w of opsWorkloads) {
    if (opsRaw !== undefined && typeof opsRaw !== 'number' && !workloads.includes(w)) {
      c.fail(`operations.${w}`, `workload '${w}' is not in this suite`);
    }
  }
  const operations: Record<string, number> = {};
  for (const w of workloads) operations[w] = opsFor(w);

  const shadowPaging = top['shadowPaging'] === undefined ? null
    : c.list('shadowPaging', top['shadowPaging']).map((v, i) => c.name(`shadowPaging[${i}]`, v, SHADOW_PAGING_MODES, 'shadow-paging mode') as ShadowPagingMode);
  if (shadowPaging !== null) c.unique('shadowPaging', shadowPaging);

  const suite: Suite = {
    name, description, kind: isMixed ? 'mixed' : 'matrix', workloads, pairs, params, presets, scale, kernelParams,
    repetitions, operations, ramBytes, shadowPaging, charts, mixed, spec: input as SuiteSpec,
  };
  // Everything but the spec as written (the caller's object) is frozen.
  for (const v of Object.values(suite)) if (v !== suite.spec) deepFreeze(v);
  return Object.freeze(suite);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}

/** Define a suite (the default export of an experiments/*.ts file): validated and normalized. */
export function defineSuite(spec: SuiteSpec): Suite {
  return validateSuite(spec);
}

/** The cost presets a suite may name, for listings. */
export function knownPresets(): readonly string[] {
  return COST_PRESETS.map((p) => p.name);
}
