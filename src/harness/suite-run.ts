/**
 * Measuring one cell: the workload run with N operations and with 0, the difference divided by
 * N (per-op.ts). Synchronous and free of files and threads: the runner decides where cells run
 * and where results go. Each run is checked: the guest must shut down cleanly having printed
 * exactly the result line the workload catalog computes, or the cell fails with a CellError.
 *
 * Simulated figures (cycles, instructions, exits…) are deterministic; `hostMs` is the host time
 * this implementation took for the two runs, and is labelled as such everywhere.
 */
import { findResultLine, workloadByName } from '../guest/workloads.js';
import type { RunCounters } from '../guest/counters.js';
import { CYCLE_CATEGORIES, EXIT_KINDS, type CycleCategory, type ExitKind } from '../hypervisor/accounting.js';
import { Hypervisor } from '../hypervisor/hypervisor.js';
import type { Technique, VmTechnique } from '../hypervisor/techniques.js';
import { createGuestVm, exitCodeOf, runGuest, runLimits, type GuestRunResult } from './run-guest.js';
import type { Vm, VmStopReason } from '../hypervisor/vm.js';
import type { GuestBuild } from '../guest/image.js';
import { DEFAULT_MAX_INSNS } from '../guest/native.js';
import { measurePerOperation } from './per-op.js';
import { consoleOutside, EventLog, loopOnlyDifference } from './loop-check.js';
import { causeName } from '../isa/causes.js';
import type { MatrixCell, MixedCell } from './matrix.js';

/** A run that did not finish as the workload should. */
export class CellError extends Error {}


/** Per-operation figures of one workload under one technique. */
export interface Measurement {
  workload: string;
  technique: Technique;
  build: GuestBuild;
  /** N of the measured run. */
  operations: number;
  /** (counters with N − counters with 0) / N: simulated, deterministic. */
  perOp: RunCounters;
  /** The two runs' counters as measured. */
  withN: RunCounters;
  withZero: RunCounters;
  /** Hypervisor techniques: exits per operation by kind, cycles per operation by category. */
  exitsPerOp?: Record<ExitKind, number>;
  breakdownPerOp?: Record<CycleCategory, number>;
  /** Paravirt: hypercalls per operation by name (calls inside a MULTICALL counted). */
  hypercallsPerOp?: Record<string, number>;
  /** The workload's smaller unit (e.g. 'context switch') and how many one operation holds. */
  unit: { name: string; perOperation: number };
}

export interface CellResult extends Measurement {
  kind: 'matrix';
  cellId: string;
  /** Host milliseconds for both runs (not simulated: varies run to run). */
  hostMs: number;
}

export interface MixedVmResult extends Measurement {
  /** The VM's name on the hypervisor: `vm<index>-<workload>`. */
  name: string;
  /** Operations per simulated second of the VM's own clock (its busy and idle time). */
  opsPerSecond: number;
}

export interface MixedCellResult {
  kind: 'mixed';
  cellId: string;
  group: string;
  vms: MixedVmResult[];
  /** Host cycles the hypervisor ran VMs for (busy cycles summed over VMs), N run − 0 run. */
  hostCyclesDelta: number;
  hostMs: number;
}

function diffRecord<K extends string>(keys: readonly K[], a: Record<K, number>, b: Record<K, number>, n: number): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const k of keys) out[k] = (a[k] - b[k]) / n;
  return out;
}

function diffOpen(a: Record<string, number>, b: Record<string, number>, n: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) out[k] = ((a[k] ?? 0) - (b[k] ?? 0)) / n;
  return out;
}

function checkRun(what: string, workload: string, params: Record<string, number>, stop: VmStopReason, console: string): void {
  const code = exitCodeOf(stop);
  const expected = workloadByName(workload).expected(params);
  const got = findResultLine(console, workload);
  if (code !== 0 || got !== expected) {
    const tail = console.split('\n').slice(-6).join('\n');
    throw new CellError(`${what}: ${workload} with ${JSON.stringify(params)} stopped with ${JSON.stringify(stop)}; ` +
      `expected line ${JSON.stringify(expected)}, got ${JSON.stringify(got ?? null)}\nconsole tail:\n${tail}`);
  }
}

interface Extras {
  exits?: Record<ExitKind, number>;
  breakdown?: Record<CycleCategory, number>;
  hypercalls?: Record<string, number>;
}

function measurement(
  workload: string, technique: Technique, build: GuestBuild, params: Record<string, number>, n: number,
  run: (k: number) => { counters: RunCounters; extras: Extras },
): Measurement {
  const extras = new Map<number, Extras>();
  const per = measurePerOperation((k) => {
    const r = run(k);
    extras.set(k, r.extras);
    return r.counters;
  }, n);
  const a = extras.get(n) as Extras;
  const b = extras.get(0) as Extras;
  const w = workloadByName(workload);
  return {
    workload, technique, build, operations: n, perOp: per.perOp, withN: per.withN, withZero: per.withZero,
    ...(a.exits && b.exits ? { exitsPerOp: diffRecord(EXIT_KINDS, a.exits, b.exits, n) } : {}),
    ...(a.breakdown && b.breakdown ? { breakdownPerOp: diffRecord(CYCLE_CATEGORIES, a.breakdown, b.breakdown, n) } : {}),
    ...(a.hypercalls && b.hypercalls ? { hypercallsPerOp: diffOpen(a.hypercalls, b.hypercalls, n) } : {}),
    unit: { name: w.unit.name, perOperation: w.unit.perOperation({ ...params, iterations: n }) },
  };
}

/** A cell's run with 0 operations: its counters and extras, and what the loop check compares. */
export interface ZeroRun {
  readonly result: { counters: RunCounters; extras: Extras };
  readonly log: { events: EventLog; outside: string };
}

export interface RunCellOptions {
  maxInsns?: number;
  /** Runs with 0 operations by the cell's configuration other than N. A run is a function of
   *  its inputs, so cells that differ only in N (a sweep of N) can share one. */
  zeroRuns?: Map<string, ZeroRun>;
}

/** Measure one matrix cell. Throws CellError when a run does not finish as the workload should,
 *  or when the two runs differ outside the measured loop (loop-check.ts). */
export function runCell(cell: MatrixCell, opts: RunCellOptions = {}): CellResult {
  const t0 = performance.now();
  const logs = new Map<number, { events: EventLog; outside: string }>();
  const zeroKey = opts.zeroRuns && JSON.stringify({ ...cell, id: null, operations: null });
  const m = measurement(cell.workload, cell.technique, cell.build, { ...cell.params }, cell.operations, (k) => {
    const kept = k === 0 && zeroKey !== undefined ? opts.zeroRuns?.get(zeroKey) : undefined;
    if (kept) {
      logs.set(0, kept.log);
      return kept.result;
    }
    const params = { ...cell.params, iterations: k };
    const events = new EventLog();
    const r: GuestRunResult = runGuest({
      technique: cell.technique, build: cell.build, workload: cell.workload, params,
      kernelParams: cell.kernelParams, preset: cell.preset, ramBytes: cell.ramBytes,
      maxInsns: opts.maxInsns ?? DEFAULT_MAX_INSNS,
      ...(cell.shadowPaging !== null ? { shadowPaging: cell.shadowPaging } : {}),
      onExit: (exit, kind) => events.add(kind, 'pc' in exit ? exit.pc : -1),
      onTrap: (cause, epc) => events.add(causeName(cause), epc),
    });
    checkRun(`cell ${cell.id} (iterations=${k})`, cell.workload, params, r.stop, r.console);
    const log = { events, outside: consoleOutside(cell.workload, params, r.console) };
    logs.set(k, log);
    const result = {
      counters: r.counters,
      extras: {
        ...(r.exits ? { exits: r.exits } : {}),
        ...(r.breakdown ? { breakdown: r.breakdown } : {}),
        ...(r.hypercalls ? { hypercalls: r.hypercalls } : {}),
      },
    };
    if (k === 0 && zeroKey !== undefined) opts.zeroRuns?.set(zeroKey, { result, log });
    return result;
  });
  checkLoopOnly(`cell ${cell.id}`, logs.get(cell.operations), logs.get(0));
  return { kind: 'matrix', cellId: cell.id, ...m, hostMs: performance.now() - t0 };
}

/** The N-run and the 0-run differ only in the measured loop, or the cell fails. */
function checkLoopOnly(what: string, withN?: { events: EventLog; outside: string }, withZero?: { events: EventLog; outside: string }): void {
  if (!withN || !withZero) return;
  if (withN.outside !== withZero.outside) {
    throw new CellError(`${what}: the runs with N operations and with none print different consoles outside the workload's own output, so their difference is not the operations' alone`);
  }
  const why = loopOnlyDifference(withN.events, withZero.events);
  if (why !== null) throw new CellError(`${what}: the runs differ outside the measured loop — ${why}`);
}

/** The counters of a VM, as runGuest reports them for one. */
function vmCounters(vm: Vm): RunCounters {
  const acc = vm.accounting;
  const hart = vm.cpu.hart;
  return {
    instructions: { total: hart.retired, firmware: 0, kernel: acc.instructions.kernel, user: acc.instructions.user },
    cycles: hart.cycle, idleCycles: hart.idleCycles, traps: { ...acc.guestTraps },
    tlbMisses: hart.tlb.misses, pteReads: hart.walkStats.pteReads, exits: acc.totalExits(),
  };
}

/**
 * Measure a mixed cell: all its VMs on one hypervisor at once, every VM with its own N, then
 * again with 0 operations each. Each VM's figures come from its own clock and accounting.
 */
export function runMixedCell(cell: MixedCell, opts: { maxInsns?: number } = {}): MixedCellResult {
  const t0 = performance.now();
  const names = cell.vms.map((v, i) => `vm${i}-${v.workload}`);
  const runs = new Map<number, { vms: Vm[]; hostCycles: number }>();
  // One hypervisor run per scale ("all at N" and "all at 0"), done once and shared by the VMs.
  const runAll = (zero: boolean): { vms: Vm[]; hostCycles: number } => {
    const key = zero ? 0 : 1;
    const done = runs.get(key);
    if (done) return done;
    const hv = new Hypervisor();
    const vms = cell.vms.map((v, i) => createGuestVm(hv, {
      name: names[i] as string, build: v.build, workload: v.workload, technique: v.technique as VmTechnique,
      params: { ...v.params, iterations: zero ? 0 : v.operations }, kernelParams: v.kernelParams,
      preset: cell.preset, ramBytes: cell.ramBytes,
    }));
    for (const vm of vms) vm.powerOn();
    hv.run(runLimits(opts.maxInsns ?? DEFAULT_MAX_INSNS));
    vms.forEach((vm, i) => {
      const v = cell.vms[i] as MixedCell['vms'][number];
      checkRun(`cell ${cell.id} VM ${vm.name}${zero ? ' (iterations=0)' : ''}`, v.workload,
        { ...v.params, iterations: zero ? 0 : v.operations }, vm.stopReason ?? { kind: 'error', message: 'VM did not stop' }, vm.console);
    });
    const r = { vms, hostCycles: hv.hostCycles };
    runs.set(key, r);
    return r;
  };
  const results = cell.vms.map((v, i): MixedVmResult => {
    const m = measurement(v.workload, v.technique, v.build, { ...v.params }, v.operations, (k) => {
      const vm = runAll(k === 0).vms[i] as Vm;
      const acc = vm.accounting;
      return {
        counters: vmCounters(vm),
        extras: { exits: { ...acc.exits }, breakdown: { ...acc.cycles }, ...(v.technique === 'paravirt' ? { hypercalls: { ...acc.hypercalls } } : {}) },
      };
    });
    // Seconds of the preset's machine: its clock is the one the cycles are counted in.
    return { name: names[i] as string, ...m, opsPerSecond: m.perOp.cycles > 0 ? cell.preset.coreHz / m.perOp.cycles : 0 };
  });
  const hostCyclesDelta = runAll(false).hostCycles - runAll(true).hostCycles;
  return { kind: 'mixed', cellId: cell.id, group: cell.group, vms: results, hostCyclesDelta, hostMs: performance.now() - t0 };
}
