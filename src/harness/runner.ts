/**
 * The runner: expands a suite, applies --filter / --shard / --repeat, measures every cell —
 * on worker threads when jobs > 1 and the compiled worker exists, in-process otherwise — and
 * returns the results in the matrix's order whatever order cells finish in. A failing cell is
 * recorded with its error; the run goes on. Slowdowns are computed against findBaseline's native
 * cell (when that cell ran too).
 *
 * Simulated figures are deterministic; host times (hostMs) and wall-clock timestamps are not and
 * are labelled as such. The wall clock only names the run (runId), never enters a result.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { expandMatrix, filterCells, findBaseline, shardCells, type Cell } from './matrix.js';
import { runCell, runMixedCell, type CellResult, type MixedCellResult } from './suite-run.js';
import { SuiteError, validateSuite, type Suite } from './suite.js';
import type { HostTimeRow } from './host-time-row.js';
import { measureHostCosts } from './host-bench.js';
import { collectProvenance, type Provenance } from './provenance.js';

export const RESULTS_FORMAT = 'pvlab-results/1';

/** One cell of a run: its fully resolved configuration and its result or error. */
export interface CellRecord {
  id: string;
  /** The cell as expanded: every parameter, the resolved cost preset. */
  config: Cell;
  status: 'ok' | 'error';
  result?: CellResult | MixedCellResult;
  /** The error message of a failed cell. */
  error?: string;
  /** Simulated cycles per op / the native baseline's (matrix hypervisor cells whose baseline ran). */
  slowdown?: number;
  /** Id of the native cell the slowdown is against. */
  baseline?: string;
}

export interface SuiteResults {
  format: typeof RESULTS_FORMAT;
  suite: string;
  /** The run's name: `YYYYMMDD-HHMMSS-<suite>` of the wall-clock start (naming only), `-shard<i>of<n>` when sharded. */
  runId: string;
  /** Wall-clock start, ISO 8601 (not a result). */
  startedAt: string;
  /** The suite fully resolved (every default applied), as run (with --repeat applied). */
  suiteConfig: Suite;
  /** How the cells were selected: the whole matrix's size, filter and shard(s). */
  selection: { totalCells: number; filter?: string; shards?: string[]; repeat?: number };
  /** Threads used (1 = in-process). */
  jobs: number;
  /** Host wall time of the whole run, ms (not simulated). */
  hostMs: number;
  /** Which pvlab, Node, command line and host produced these results (absent in results
   *  written before pvlab recorded it). */
  provenance?: Provenance;
  cells: CellRecord[];
  /** Host micro-benchmarks (tinybench), when run: ns per operation of this implementation. */
  hostBench?: HostTimeRow[];
  /** Why the host micro-benchmarks could not be measured (a broken hypervisor, e.g. an
   *  assignment's starter code): the simulated results stand without them. */
  hostBenchError?: string;
}

export interface RunOptions {
  filter?: string;
  /** `i/n` already parsed, 1-based. */
  shard?: [number, number];
  jobs?: number;
  /** Repetitions per configuration, overriding the suite's. */
  repeat?: number;
  onProgress?: (done: number, total: number, cellId: string) => void;
  /** Instruction limit per guest run (tests). */
  maxInsns?: number;
  /** Start time (default: now) — only names the run. */
  now?: Date;
  /** Run the host micro-benchmarks (host-bench.ts) when the suite charts 'host-ns'; timeMs is
   *  their budget. Off unless given. */
  hostBench?: { timeMs?: number };
  /** The command line to record as provenance (default: this process's arguments). */
  command?: readonly string[];
}

export interface WorkerRequest {
  index: number;
  cell: Cell;
  maxInsns?: number;
}
export type Measured = { ok: true; result: CellResult | MixedCellResult } | { ok: false; error: string };
export type WorkerReply = { index: number } & Measured;

/** Measure one cell, turning any failure into an error record. */
export function measureCell(cell: Cell, maxInsns?: number): Measured {
  try {
    const opts = maxInsns === undefined ? {} : { maxInsns };
    return { ok: true, result: cell.kind === 'matrix' ? runCell(cell, opts) : runMixedCell(cell, opts) };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** `YYYYMMDD-HHMMSS-<suite>` in UTC. */
export function makeRunId(suite: string, when: Date): string {
  return `${when.getUTCFullYear()}${pad(when.getUTCMonth() + 1)}${pad(when.getUTCDate())}-` +
    `${pad(when.getUTCHours())}${pad(when.getUTCMinutes())}${pad(when.getUTCSeconds())}-${suite}`;
}

/** The compiled worker beside this module, or undefined when running from TS sources. */
function workerFile(): string | undefined {
  if (!import.meta.url.endsWith('.js')) return undefined;
  return fileURLToPath(new URL('./runner-worker.js', import.meta.url));
}

/** Default thread count: every core. */
export function defaultJobs(): number {
  return Math.max(1, availableParallelism());
}

/** Fill in `slowdown` and `baseline` of every ok matrix cell whose native baseline is present and ok. */
export function computeSlowdowns(records: CellRecord[]): void {
  const configs = records.map((r) => r.config);
  const byId = new Map(records.map((r) => [r.id, r]));
  for (const r of records) {
    delete r.slowdown;
    delete r.baseline;
    if (r.status !== 'ok' || r.result?.kind !== 'matrix') continue;
    const base = findBaseline(configs, r.config);
    const b = base && byId.get(base.id);
    if (!b || b.status !== 'ok' || b.result?.kind !== 'matrix' || !(b.result.perOp.cycles > 0)) continue;
    r.slowdown = r.result.perOp.cycles / b.result.perOp.cycles;
    r.baseline = b.id;
  }
}

/** The cells a run would measure, in order. */
export function selectCells(suite: Suite, opts: Pick<RunOptions, 'filter' | 'shard'>): { all: Cell[]; cells: Cell[] } {
  const all = expandMatrix(suite);
  let cells = opts.filter ? filterCells(all, opts.filter) : all;
  if (opts.shard) cells = shardCells(cells, opts.shard[0], opts.shard[1]);
  return { all, cells };
}

async function runInWorkers(cells: readonly Cell[], jobs: number, file: string, maxInsns: number | undefined,
  progress: (index: number, m: Measured) => void): Promise<void> {
  let next = 0;
  const one = (): Promise<void> => new Promise((resolve, reject) => {
    const w = new Worker(file);
    let current = -1;
    const feed = (): void => {
      if (next >= cells.length) {
        void w.terminate().then(() => resolve(), reject);
        return;
      }
      current = next++;
      const req: WorkerRequest = { index: current, cell: cells[current] as Cell, ...(maxInsns === undefined ? {} : { maxInsns }) };
      w.postMessage(req);
    };
    w.on('message', (reply: WorkerReply) => {
      const { index, ...m } = reply;
      progress(index, m as Measured);
      feed();
    });
    w.on('error', (e) => {
      if (current >= 0) progress(current, { ok: false, error: `worker crashed: ${e.message}` });
      current = -1;
      reject(e);
    });
    feed();
  });
  await Promise.all(Array.from({ length: Math.min(jobs, cells.length) }, one));
}

/** Run a suite (or the part of it the options select). */
export async function runSuite(input: Suite, opts: RunOptions = {}): Promise<SuiteResults> {
  const t0 = performance.now();
  const started = opts.now ?? new Date();
  if (opts.repeat !== undefined && (!Number.isInteger(opts.repeat) || opts.repeat < 1)) {
    throw new SuiteError(`--repeat ${opts.repeat}: must be a whole number >= 1`);
  }
  if (opts.jobs !== undefined && (!Number.isInteger(opts.jobs) || opts.jobs < 1)) {
    throw new SuiteError(`--jobs ${opts.jobs}: must be a whole number >= 1`);
  }
  const suite = opts.repeat === undefined ? input : validateSuite({ ...input.spec, repetitions: opts.repeat });
  const { all, cells } = selectCells(suite, opts);
  if (cells.length === 0) throw new SuiteError(`suite ${suite.name}: no cells match${opts.filter ? ` filter ${JSON.stringify(opts.filter)}` : ''}`);
  const measured: (Measured | undefined)[] = new Array(cells.length);
  let done = 0;
  const record = (index: number, m: Measured): void => {
    if (measured[index]) return;
    measured[index] = m;
    done++;
    opts.onProgress?.(done, cells.length, (cells[index] as Cell).id);
  };
  const file = workerFile();
  const jobs = Math.min(opts.jobs ?? defaultJobs(), cells.length);
  let used = 1;
  if (jobs > 1 && file) {
    used = jobs;
    await runInWorkers(cells, jobs, file, opts.maxInsns, record);
  } else {
    for (let i = 0; i < cells.length; i++) {
      record(i, measureCell(cells[i] as Cell, opts.maxInsns));
      await new Promise((r) => setImmediate(r));
    }
  }
  const records: CellRecord[] = cells.map((cell, i) => {
    const m = measured[i] ?? { ok: false, error: 'not run' };
    return m.ok ? { id: cell.id, config: cell, status: 'ok', result: m.result } : { id: cell.id, config: cell, status: 'error', error: m.error };
  });
  computeSlowdowns(records);
  let hostBench: HostTimeRow[] | undefined;
  let hostBenchError: string | undefined;
  if (opts.hostBench && suite.charts.includes('host-ns')) {
    try {
      hostBench = await measureHostCosts(opts.hostBench.timeMs === undefined ? {} : { timeMs: opts.hostBench.timeMs });
    } catch (e) {
      hostBenchError = e instanceof Error ? e.message : String(e);
    }
  }
  return {
    format: RESULTS_FORMAT, suite: suite.name, runId: makeRunId(suite.name, started) + (opts.shard ? `-shard${opts.shard[0]}of${opts.shard[1]}` : ''), startedAt: started.toISOString(),
    suiteConfig: suite,
    selection: {
      totalCells: all.length,
      ...(opts.filter ? { filter: opts.filter } : {}),
      ...(opts.shard ? { shards: [`${opts.shard[0]}/${opts.shard[1]}`] } : {}),
      ...(opts.repeat !== undefined ? { repeat: opts.repeat } : {}),
    },
    jobs: used, hostMs: performance.now() - t0, provenance: collectProvenance(opts.command), cells: records,
    ...(hostBench ? { hostBench } : {}),
    ...(hostBenchError !== undefined ? { hostBenchError } : {}),
  };
}
