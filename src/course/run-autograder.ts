/**
 * The program Gradescope's run_autograder starts for every submission (autograder.ts):
 *
 *   node dist/src/course/run-autograder.js <assignment> [<autograder dir, default /autograder>]
 *
 * It grades <dir>/submission with the pvlab tree it belongs to (<dir>/source/pvlab) and writes
 * <dir>/results/results.json. Exit status 0 when graded, 1 when the submission could not be
 * graded (results.json then says why).
 */
import { join } from 'node:path';
import { packageRoot } from '../guest/paths.js';
import { gradeSubmission } from './autograder.js';

const GRADESCOPE_DIR = '/autograder';

async function main(argv: string[]): Promise<number> {
  const [name, dir = GRADESCOPE_DIR] = argv;
  if (name === undefined) {
    process.stderr.write('usage: node run-autograder.js <assignment> [<autograder dir>]\n');
    return 2;
  }
  try {
    await gradeSubmission({ name, submission: join(dir, 'submission'), results: join(dir, 'results', 'results.json'), root: packageRoot() });
    return 0;
  } catch (e) {
    process.stderr.write(`run_autograder: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
