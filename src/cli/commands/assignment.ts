/**
 * `pvlab assignment list|export|grade|check`: the course kit (docs/assignments.md). The work is
 * in src/course/; this file only parses the command line and prints.
 */
import type { Argv } from 'yargs';
import { AssignmentError, loadAssignments } from '../../course/assignments.js';
import { checkMarkers, exportAssignment } from '../../course/export.js';
import { gradeAssignment, summary, writeResults } from '../../course/grade.js';
import { buildAutograder } from '../../course/autograder.js';
import { assignmentByName } from '../../course/assignments.js';
import { EXIT, UserError } from '../errors.js';

export const ASSIGNMENT_ACTIONS = ['list', 'export', 'grade', 'check', 'autograder'] as const;

export interface AssignmentArgs {
  action: (typeof ASSIGNMENT_ACTIONS)[number];
  name?: string | undefined;
  dir?: string | undefined;
  force: boolean;
  out: string;
  json: boolean;
}

export function assignmentBuilder(y: Argv): Argv<AssignmentArgs> {
  return y
    .positional('action', { type: 'string', choices: ASSIGNMENT_ACTIONS, describe: 'list the assignments; export a starter tree; grade a tree; check the markers; write a Gradescope autograder zip' })
    .positional('name', { type: 'string', describe: 'the assignment (see `pvlab assignment list`)' })
    .positional('dir', { type: 'string', describe: 'export: the directory to write the starter tree to; grade (also as --dir): the tree to grade (default: this checkout, the reference solution); autograder: the zip file to write' })
    .option('force', { type: 'boolean', default: false, describe: 'export: replace a non-empty directory' })
    .option('out', { type: 'string', default: 'results.json', describe: 'grade: where to write Gradescope\'s results.json' })
    .option('json', { type: 'boolean', default: false, describe: 'list/grade: print JSON instead of text' })
    .example('$0 assignment list', 'the assignments and what each teaches')
    .example('$0 assignment export trap-emulate /tmp/te-starter', 'a starter tree for students')
    .example('$0 assignment grade trap-emulate --dir /tmp/te-starter --out results.json', 'grade a student\'s tree')
    .example('$0 assignment autograder trap-emulate te-autograder.zip', 'a Gradescope autograder (setup.sh, run_autograder)') as unknown as Argv<AssignmentArgs>;
}

function need(v: string | undefined, what: string): string {
  if (v === undefined || v === '') throw new UserError(`assignment: name ${what} (see pvlab assignment --help)`, EXIT.USAGE);
  return v;
}

export async function runAssignment(args: AssignmentArgs): Promise<number> {
  try {
    return await dispatch(args);
  } catch (e) {
    if (e instanceof AssignmentError) throw new UserError(e.message, 1);
    throw e;
  }
}

/** list and check take no name or directory: an extra word is a mistake, not something to ignore. */
function refuseExtra(args: AssignmentArgs): void {
  if (args.action !== 'list' && args.action !== 'check') return;
  const extra = [args.name, args.dir].filter((v) => v !== undefined);
  if (extra.length) throw new UserError(`assignment ${args.action} takes no name or directory (got ${extra.map((v) => JSON.stringify(v)).join(' ')})`, EXIT.USAGE);
}

async function dispatch(args: AssignmentArgs): Promise<number> {
  refuseExtra(args);
  switch (args.action) {
    case 'list': {
      const all = loadAssignments();
      if (args.json) {
        process.stdout.write(`${JSON.stringify(all.map((a) => ({
          name: a.name, arc: a.arc, title: a.title, teaches: a.teaches, sources: a.sources,
          points: a.tests.reduce((s, t) => s + t.points, 0),
        })), null, 2)}\n`);
        return 0;
      }
      for (const a of all) {
        const pts = a.tests.reduce((s, t) => s + t.points, 0);
        process.stdout.write(`${a.arc ? `(${a.arc}) ` : ''}${a.name} — ${a.title} [${pts} points]\n    ${a.teaches}\n    solution in: ${a.sources.join(', ')}\n`);
      }
      return 0;
    }
    case 'export': {
      const name = need(args.name, 'the assignment to export');
      const dir = need(args.dir, 'the directory to export to');
      const r = exportAssignment(name, dir, { force: args.force });
      const regions = Object.entries(r.stubbed).map(([f, n]) => `${f} (${n})`).join(', ');
      process.stdout.write(`exported ${r.assignment.name} to ${r.dir}: ${r.files} files; TODO stubs in ${regions}\n` +
        `next: cd ${r.dir} && bash scripts/setup.sh && npm test\n`);
      return 0;
    }
    case 'grade': {
      const name = need(args.name, 'the assignment to grade');
      const r = await gradeAssignment(name, args.dir !== undefined ? { dir: args.dir } : {});
      writeResults(args.out, r);
      if (args.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      else process.stdout.write(`${summary(assignmentByName(name), r)}\nwrote ${args.out}\n`);
      return 0;
    }
    case 'autograder': {
      const name = need(args.name, 'the assignment');
      const r = buildAutograder(name, need(args.dir, 'the zip file to write'));
      process.stdout.write(`wrote ${r.zip}: the ${r.assignment.name} autograder for Gradescope, ${r.files} files, ${(r.bytes / 1024).toFixed(0)} KiB (docs/assignments.md)\n`);
      return 0;
    }
    case 'check': {
      const problems = checkMarkers();
      for (const p of problems) process.stderr.write(`${p}\n`);
      if (problems.length === 0) process.stdout.write(`markers, tests and handouts of ${loadAssignments().length} assignments: fine\n`);
      return problems.length === 0 ? 0 : 1;
    }
    default: {
      const never: never = args.action;
      throw new UserError(`unknown action ${String(never)}`, EXIT.USAGE);
    }
  }
}
