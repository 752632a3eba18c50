/**
 * `pvlab report <results.json>`: re-render a report's charts and documents from its results
 * (in place by default, or into --out).
 */
import type { Argv } from 'yargs';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ReportError, readResults, writeReportToAsync } from '../../report/report.js';
import { UserError } from '../errors.js';
import { interruptible } from '../interrupt.js';

export interface ReportArgs {
  results: string;
  out?: string | undefined;
}

export function reportBuilder(y: Argv): Argv<ReportArgs> {
  return y
    .positional('results', { type: 'string', describe: 'a results.json written by pvlab run or pvlab merge, or the report directory holding it' })
    .option('out', { type: 'string', describe: 'directory to write the report into (default: the results file\'s directory, replaced)' }) as unknown as Argv<ReportArgs>;
}

export async function runReport(args: ReportArgs): Promise<number> {
  const file = resultsFile(args.results);
  let results;
  try {
    results = readResults(file);
  } catch (e) {
    if (e instanceof ReportError) throw new UserError(e.message);
    throw e;
  }
  const dir = await interruptible((signal) => writeReportToAsync(results, resolve(args.out ?? dirname(file)), { signal, onWarning: warn }));
  process.stdout.write(`${dir}\n`);
  return 0;
}

/** A report directory stands for its results.json (what `pvlab run` printed is the directory). */
function resultsFile(path: string): string {
  const inside = join(path, 'results.json');
  return existsSync(path) && statSync(path).isDirectory() && existsSync(inside) ? inside : path;
}

const warn = (m: string): void => { process.stderr.write(`pvlab: ${m}\n`); };
