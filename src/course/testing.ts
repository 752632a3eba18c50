/**
 * Helpers for the assignments' tests (assignments/<name>/{public,hidden}/*.test.ts): run a guest
 * under a technique and, when it does not finish as it should, fail with a message that says
 * what is missing rather than only what differs. Simulated counters only — never host time —
 * so a test gives the same verdict on every machine.
 */
import { findFailure, findResultLine, workloadByName } from '../guest/workloads.js';
import type { GuestBuild } from '../guest/image.js';
import type { RunCounters } from '../guest/counters.js';
import { measurePerOperation } from '../harness/per-op.js';
import { runSuite } from '../harness/runner.js';
import { validateSuite } from '../harness/suite.js';
import { presetByName, DEFAULT_PRESET_NAME } from '../hypervisor/cost-presets.js';
import type { Technique } from '../hypervisor/techniques.js';
import { runGuest, type GuestRunResult } from '../harness/run-guest.js';

export const COURSE_RAM = 32 * 1024 * 1024;
export const COURSE_PRESET = DEFAULT_PRESET_NAME;

export interface CourseRun {
  technique: Technique;
  workload: string;
  params?: Record<string, number>;
  kernelParams?: Record<string, number>;
  build?: GuestBuild;
  preset?: string;
  maxInsns?: number;
}

/** The build a technique runs by default: the paravirt build under paravirt, else unmodified. */
export function buildFor(technique: Technique): GuestBuild {
  return technique === 'paravirt' ? 'paravirt' : 'unmodified';
}

export function run(opts: CourseRun): GuestRunResult {
  return runGuest({
    technique: opts.technique, build: opts.build ?? buildFor(opts.technique), workload: opts.workload,
    preset: presetByName(opts.preset ?? COURSE_PRESET), ramBytes: COURSE_RAM,
    ...(opts.params ? { params: opts.params } : {}),
    ...(opts.kernelParams ? { kernelParams: opts.kernelParams } : {}),
    maxInsns: opts.maxInsns ?? 200_000_000,
  });
}

/** Exits by kind that happened, largest first: "csr 120, sret 12". */
export function exitSummary(r: GuestRunResult): string {
  const e: Record<string, number> = r.exits ?? {};
  const parts = Object.entries(e).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

function tail(text: string, lines = 6): string {
  return text.trimEnd().split('\n').slice(-lines).map((l) => `    | ${l}`).join('\n');
}

/**
 * Run and require the workload's result line. On failure: how the run stopped, the end of the
 * console, the exits by kind, and `hint(r)` — the assignment's own reading of the symptoms.
 */
export function runToResult(opts: CourseRun, hint?: (r: GuestRunResult) => string | undefined): GuestRunResult {
  const r = run(opts);
  const w = workloadByName(opts.workload);
  const expected = w.expected(opts.params ?? {});
  const got = findResultLine(r.console, opts.workload);
  if (r.exitCode === 0 && got === expected) return r;
  const what = `${opts.workload} ${JSON.stringify(opts.params ?? {})} under ${opts.technique}`;
  const failure = findFailure(r.console, opts.workload);
  const lines = [
    `${what} did not finish correctly: stopped with ${JSON.stringify(r.stop)}`,
    ...(hint ? [hint(r)].filter((h): h is string => h !== undefined) : []),
    `expected the line: ${expected}`,
    got !== undefined ? `got the line:      ${got}` : failure !== undefined ? `the guest failed: ${failure}` : 'the guest printed no result line',
    `exits by kind: ${exitSummary(r)}`,
    'the console ends with:',
    tail(r.console),
  ];
  throw new Error(lines.join('\n'));
}

/** Per-operation counters and exits/breakdown, by difference (as `pvlab compare` measures). */
export interface PerOp {
  perOp: RunCounters;
  exits: Record<string, number>;
  breakdown: Record<string, number>;
  hypercalls: Record<string, number>;
}

function diff(a: Record<string, number> | undefined, b: Record<string, number> | undefined, n: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})])) out[k] = ((a?.[k] ?? 0) - (b?.[k] ?? 0)) / n;
  return out;
}

export function perOperation(opts: CourseRun, n: number, hint?: (r: GuestRunResult) => string | undefined): PerOp {
  const runs: GuestRunResult[] = [];
  const m = measurePerOperation((k) => {
    const r = runToResult({ ...opts, params: { ...(opts.params ?? {}), iterations: k } }, hint);
    runs.push(r);
    return r.counters;
  }, n);
  const [zero, withN] = runs as [GuestRunResult, GuestRunResult];
  return {
    perOp: m.perOp, exits: diff(withN.exits, zero.exits, n), breakdown: diff(withN.breakdown, zero.breakdown, n),
    hypercalls: diff(withN.hypercalls, zero.hypercalls, n),
  };
}

/** The key with the largest value. */
export function largest(rec: Record<string, number>): string {
  return Object.entries(rec).sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
}

/** |got − want| ≤ tol·|want| (relative) — for students' numeric answers read off a report. */
export function close(got: number, want: number, tol = 0.02): boolean {
  return Math.abs(got - want) <= tol * Math.abs(want) + 1e-9;
}

/** One technique's row of `pvlab compare`: the same suite run the command makes, in-process. */
export interface CompareRow {
  technique: string;
  cyclesPerOp: number;
  slowdown: number;
  exitsPerOp: number;
  exitsByKind: Record<string, number>;
  breakdownPerOp: Record<string, number>;
}

/**
 * The figures `pvlab compare --workload <w> [--param k=v]` prints (default preset and
 * operation count), by technique — what the measure-and-explain answers are checked against.
 */
export async function compareFigures(workload: string, techniques: readonly Technique[], params: Record<string, number> = {}): Promise<Record<string, CompareRow>> {
  const suite = validateSuite({
    name: 'compare', description: `compare ${workload}`, workloads: [workload], techniques: [...techniques], presets: [COURSE_PRESET],
    ...(Object.keys(params).length ? { params: { [workload]: params } } : {}),
  });
  const results = await runSuite(suite, { jobs: 1 });
  const out: Record<string, CompareRow> = {};
  for (const c of results.cells) {
    const r = c.result?.kind === 'matrix' ? c.result : undefined;
    if (!r || c.config.kind !== 'matrix') throw new Error(`compare ${workload}: cell ${c.id} did not run (${c.error ?? c.status})`);
    out[c.config.technique] = {
      technique: c.config.technique, cyclesPerOp: r.perOp.cycles,
      slowdown: c.config.technique === 'native' ? 1 : (c.slowdown ?? Number.NaN),
      exitsPerOp: r.perOp.exits, exitsByKind: { ...(r.exitsPerOp ?? {}) }, breakdownPerOp: { ...(r.breakdownPerOp ?? {}) },
    };
  }
  return out;
}
