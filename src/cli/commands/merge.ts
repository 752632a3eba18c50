/**
 * `pvlab merge <results.json...> --out <dir>`: combine the shards of one suite (pvlab run
 * --shard i/n on several machines) into one report. The shards must come from the same suite
 * with the same resolved configuration and hold no cell twice; cells go back into matrix order
 * and slowdowns are recomputed across shards.
 */
import type { Argv } from 'yargs';
import { resolve } from 'node:path';
import { expandMatrix } from '../../harness/matrix.js';
import { computeSlowdowns, type SuiteResults } from '../../harness/runner.js';
import { ReportError, readResults, writeReportToAsync } from '../../report/report.js';
import { EXIT, UserError } from '../errors.js';
import { interruptible } from '../interrupt.js';

export interface MergeArgs {
  results: string[];
  out: string;
}

export function mergeBuilder(y: Argv): Argv<MergeArgs> {
  return y
    .positional('results', { type: 'string', array: true, describe: 'results.json files of shards of one suite' })
    .option('out', { type: 'string', demandOption: true, describe: 'directory to write the merged report into' }) as unknown as Argv<MergeArgs>;
}

/** Merge shard results; throws UserError on mismatched suites or duplicate cells. */
export function mergeResults(parts: readonly { path: string; results: SuiteResults }[]): SuiteResults {
  const first = parts[0];
  if (!first) throw new UserError('merge: no results files given', EXIT.USAGE);
  const config = JSON.stringify(first.results.suiteConfig);
  const seen = new Map<string, string>();
  for (const p of parts) {
    if (p.results.suite !== first.results.suite) {
      throw new UserError(`merge: ${p.path} is from suite '${p.results.suite}', ${first.path} from '${first.results.suite}'`);
    }
    if (JSON.stringify(p.results.suiteConfig) !== config) {
      throw new UserError(`merge: ${p.path} ran suite '${p.results.suite}' with a different configuration than ${first.path}`);
    }
    for (const c of p.results.cells) {
      const other = seen.get(c.id);
      if (other !== undefined) throw new UserError(`merge: cell ${c.id} is in both ${other} and ${p.path}`);
      seen.set(c.id, p.path);
    }
  }
  refuseMissingShards(parts);
  let order: Map<string, number>;
  try {
    order = new Map(expandMatrix(first.results.suiteConfig).map((c, i) => [c.id, i]));
  } catch {
    order = new Map();
  }
  const cells = parts.flatMap((p) => p.results.cells.map((c) => ({ ...c })));
  const rank = (id: string): number => order.get(id) ?? Number.MAX_SAFE_INTEGER;
  cells.sort((a, b) => rank(a.id) - rank(b.id));
  computeSlowdowns(cells);
  const filters = [...new Set(parts.map((p) => p.results.selection.filter).filter((f): f is string => f !== undefined))];
  const shards = parts.flatMap((p) => p.results.selection.shards ?? []);
  const hostBench = parts.find((p) => p.results.hostBench?.length)?.results.hostBench;
  return {
    ...first.results,
    runId: `${first.results.runId}-merged`,
    selection: {
      totalCells: first.results.selection.totalCells,
      ...(filters.length ? { filter: filters.join(' + ') } : {}),
      ...(shards.length ? { shards } : {}),
      ...(first.results.selection.repeat !== undefined ? { repeat: first.results.selection.repeat } : {}),
    },
    jobs: Math.max(...parts.map((p) => p.results.jobs)),
    hostMs: parts.reduce((s, p) => s + p.results.hostMs, 0),
    cells,
    ...(hostBench ? { hostBench } : {}),
  };
}

/** Shards i/n must all be there: merging 1/2 alone would pass half a suite off as all of it. */
function refuseMissingShards(parts: readonly { path: string; results: SuiteResults }[]): void {
  const given = parts.flatMap((p) => (p.results.selection.shards ?? []).map((s) => ({ s, path: p.path })));
  if (given.length === 0) return;
  const counts = new Set(given.map((g) => g.s.split('/')[1]));
  if (counts.size > 1 || given.length !== parts.length) {
    throw new UserError(`merge: the results are not shards of one split (${given.map((g) => `${g.path}: ${g.s}`).join(', ')})`);
  }
  const n = Number([...counts][0]);
  const have = new Set(given.map((g) => Number(g.s.split('/')[0])));
  const missing = Array.from({ length: n }, (_, i) => i + 1).filter((i) => !have.has(i));
  if (missing.length) throw new UserError(`merge: shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${n}`).join(', ')} missing; give every shard of the run`);
}

export async function runMerge(args: MergeArgs): Promise<number> {
  const parts = args.results.map((path) => {
    try {
      return { path, results: readResults(path) };
    } catch (e) {
      if (e instanceof ReportError) throw new UserError(e.message);
      throw e;
    }
  });
  const merged = mergeResults(parts);
  const dir = await interruptible((signal) => writeReportToAsync(merged, resolve(args.out), { signal, onWarning: warn }));
  process.stdout.write(`${dir}\n`);
  return 0;
}

const warn = (m: string): void => { process.stderr.write(`pvlab: ${m}\n`); };
