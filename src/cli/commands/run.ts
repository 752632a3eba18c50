/**
 * `pvlab run <suite>`: run a shipped suite (experiments/) and write its report under
 * `<out>/<suite>/<run-id>/` (docs/reports.md). A progress bar goes to stderr on a terminal;
 * nothing but the report path (or, with --json, the results) goes to stdout.
 */
import type { Argv } from 'yargs';
import { SUITES, suiteNames } from '../../../experiments/index.js';
import { defaultJobs, runSuite, selectCells, type SuiteResults } from '../../harness/runner.js';
import { parseShard } from '../../harness/matrix.js';
import { SuiteError, suggest, type Suite } from '../../harness/suite.js';
import { writeReportAsync } from '../../report/report.js';
import { ensureWritableDir } from '../../fs/make-dirs.js';
import { UserError, EXIT } from '../errors.js';
import { countOption } from '../sizes.js';
import { interruptible } from '../interrupt.js';

export interface RunArgs {
  suite: string;
  filter?: string | undefined;
  shard?: string | undefined;
  jobs?: string | number | undefined;
  repeat?: string | number | undefined;
  out: string;
  json: boolean;
  'host-bench': boolean;
  'host-bench-ms': string | number;
}

export function runBuilder(y: Argv): Argv<RunArgs> {
  return y
    .positional('suite', { type: 'string', describe: `suite name: ${suiteNames().join(', ')}` })
    .option('filter', { type: 'string', describe: 'run only matching cells: key=value terms (workload, technique, build, preset, scale, rep, group, kind, any parameter; key=a|b, key!=v), bare words match the cell id' })
    .option('shard', { type: 'string', describe: 'run shard i of n (e.g. 1/4) of the (filtered) cells; combine with pvlab merge' })
    .option('jobs', countOption(`worker threads (default: every core, here ${defaultJobs()})`))
    .option('repeat', countOption('repetitions per configuration (overrides the suite\'s)'))
    .option('out', { type: 'string', default: 'reports', describe: 'reports root directory' })
    .option('json', { type: 'boolean', default: false, describe: 'print the results as JSON on stdout (no progress bar)' })
    .option('host-bench', { type: 'boolean', default: true, describe: 'when the suite charts host-ns, measure host ns per native op, trapped op and hypercall (tinybench; --no-host-bench skips)' })
    .option('host-bench-ms', countOption('time budget of the host micro-benchmarks, ms', 1500))
    .example('$0 run default', 'every workload natively, under trap-and-emulate, paravirtualized and hardware-assisted')
    .example('$0 run sensitivity --filter "workload=null-syscall" --jobs 2', 'part of a suite') as unknown as Argv<RunArgs>;
}

/** A shipped suite by name; UserError with a suggestion otherwise. */
export function suiteByName(name: string): Suite {
  const s = SUITES.find((x) => x.name === name);
  if (!s) throw new UserError(`unknown suite '${name}'${suggest(name, suiteNames())}; suites: ${suiteNames().join(', ')}`, EXIT.USAGE);
  return s;
}

/** A whole number >= 1 from an option, or undefined. */
export function positiveInt(option: string, value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  if (!/^\s*\d+\s*$/.test(text) || Number(text) < 1) throw new UserError(`--${option} ${JSON.stringify(text)}: expected a whole number >= 1`, EXIT.USAGE);
  return Number(text);
}

/** A one-line progress bar on stderr, redrawn in place. */
export function progressBar(stream: NodeJS.WriteStream): { update(done: number, total: number, id: string): void; end(): void } {
  const t0 = Date.now();
  let drawn = false;
  return {
    update(done, total, id) {
      const width = 30;
      const fill = Math.round((done / total) * width);
      const secs = ((Date.now() - t0) / 1000).toFixed(1);
      const cols = stream.columns || 100;
      const line = `[${'#'.repeat(fill)}${'-'.repeat(width - fill)}] ${done}/${total} ${secs}s ${id}`;
      stream.write(`\r${line.slice(0, cols - 1).padEnd(Math.min(cols - 1, line.length + 10))}`);
      drawn = true;
    },
    end() {
      if (drawn) stream.write('\n');
    },
  };
}

/** Wrap harness errors (bad filter, shard, repeat) as user errors. */
export async function asUserError<T>(f: () => Promise<T> | T): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof SuiteError) throw new UserError(e.message, EXIT.USAGE);
    throw e;
  }
}

export async function runRun(args: RunArgs): Promise<number> {
  const suite = suiteByName(args.suite);
  const jobs = positiveInt('jobs', args.jobs);
  const repeat = positiveInt('repeat', args.repeat);
  const shard = args.shard === undefined ? undefined : await asUserError(() => parseShard(args.shard as string));
  const hostMs = positiveInt('host-bench-ms', args['host-bench-ms']);
  // Refuse a bad selection, then an output root that cannot be written, before spending the run.
  await asUserError(() => selectCells(suite, { ...(args.filter !== undefined ? { filter: args.filter } : {}), ...(shard ? { shard } : {}) }));
  ensureWritableDir(args.out);
  const tty = !args.json && process.stderr.isTTY === true;
  const bar = tty ? progressBar(process.stderr) : undefined;
  let results: SuiteResults;
  try {
    results = await asUserError(() => runSuite(suite, {
      ...(args.filter !== undefined ? { filter: args.filter } : {}),
      ...(shard ? { shard } : {}),
      ...(jobs !== undefined ? { jobs } : {}),
      ...(repeat !== undefined ? { repeat } : {}),
      ...(args['host-bench'] ? { hostBench: hostMs === undefined ? {} : { timeMs: hostMs } } : {}),
      ...(bar ? { onProgress: (d: number, t: number, id: string) => bar.update(d, t, id) } : {}),
    }));
  } finally {
    bar?.end();
  }
  const dir = await interruptible((signal) => writeReportAsync(results, args.out, {
    signal, onWarning: (m) => process.stderr.write(`pvlab: ${m}\n`),
  }));
  const failed = results.cells.filter((c) => c.status === 'error');
  if (args.json) {
    process.stdout.write(`${JSON.stringify(results)}\n`);
  } else {
    process.stdout.write(`${dir}\n`);
    if (tty) {
      process.stderr.write(`${results.cells.length} cells in ${(results.hostMs / 1000).toFixed(1)} s (host time), ${failed.length} failed; open ${dir}/index.html\n`);
    }
  }
  for (const f of failed) process.stderr.write(`pvlab: cell ${f.id} failed: ${(f.error ?? '').split('\n')[0]}\n`);
  if (results.hostBenchError !== undefined) {
    process.stderr.write(`pvlab: host micro-benchmarks not measured: ${results.hostBenchError.split('\n')[0]}\n`);
  }
  return failed.length > 0 || results.hostBenchError !== undefined ? 1 : 0;
}
