/**
 * `pvlab report <results.json>`: re-render a report's charts and documents from its results
 * (in place by default, or into --out).
 */
import type { Argv } from 'yargs';
import { dirname, resolve } from 'node:path';
import { ReportError, readResults, writeReportTo } from '../../report/report.js';
import { UserError } from '../errors.js';

export interface ReportArgs {
  results: string;
  out?: string | undefined;
}

export function reportBuilder(y: Argv): Argv<ReportArgs> {
  return y
    .positional('results', { type: 'string', describe: 'a results.json written by pvlab run or pvlab merge' })
    .option('out', { type: 'string', describe: 'directory to write the report into (default: the results file\'s directory, replaced)' }) as unknown as Argv<ReportArgs>;
}

export function runReport(args: ReportArgs): number {
  let results;
  try {
    results = readResults(args.results);
  } catch (e) {
    if (e instanceof ReportError) throw new UserError(e.message);
    throw e;
  }
  const dir = writeReportTo(results, resolve(args.out ?? dirname(args.results)));
  process.stdout.write(`${dir}\n`);
  return 0;
}
