/**
 * The `pvlab` command. Each subcommand lives in commands/; this file only wires them into
 * yargs and turns user errors into one clean line on stderr and a non-zero exit status.
 * `main` returns the exit status instead of exiting, so tests can drive the CLI in-process;
 * bin.ts is the executable.
 */
import yargs, { type Argv } from 'yargs';
import { asmBuilder, runAsm, type AsmArgs } from './commands/asm.js';
import { bootBuilder, runBoot, type BootArgs } from './commands/boot.js';
import { imageBuilder, runImage, type ImageArgs } from './commands/image.js';
import { traceBuilder, runTrace, type TraceArgs } from './commands/trace.js';
import { demoBuilder, runDemo } from './commands/demo.js';
import { disasmBuilder, runDisasm, type DisasmArgs } from './commands/disasm.js';
import { execBuilder, runExec, type ExecArgs } from './commands/exec.js';
import { runBuilder, runRun, type RunArgs } from './commands/run.js';
import { listBuilder, runList, type ListArgs } from './commands/list.js';
import { compareBuilder, runCompare, type CompareArgs } from './commands/compare.js';
import { reportBuilder, runReport, type ReportArgs } from './commands/report.js';
import { mergeBuilder, runMerge, type MergeArgs } from './commands/merge.js';
import { assignmentBuilder, runAssignment, type AssignmentArgs } from './commands/assignment.js';
import { EXIT, UserError } from './errors.js';
import { userFailure } from './failure.js';
import { explainChoices, refuseRepeatedOptions } from './option-checks.js';
import { gitCheckout, pvlabVersion, versionLine } from '../harness/provenance.js';

export async function main(argv: string[]): Promise<number> {
  if (argv.includes('--version')) {
    process.stdout.write(`${versionLine({ ...gitCheckout(), pvlab: pvlabVersion(), node: process.version })}\n`);
    return 0;
  }
  let status = 0;
  const done = (code: number): void => {
    status = code;
  };
  const cli: Argv = yargs(argv)
    .scriptName('pvlab')
    .usage('$0 <command> [options]\n\nA paravirtualization comparison testbed on a simulated RISC-V virt board.')
    .command('asm <source>', 'assemble GNU-as syntax into an ELF32 executable or flat binary',
      asmBuilder, (a) => done(runAsm(a as unknown as AsmArgs)))
    .command('disasm <file>', 'disassemble a program (objdump style)',
      disasmBuilder, (a) => done(runDisasm(a as unknown as DisasmArgs)))
    .command('exec <program>', 'run a bare-metal program on the virt board from RAM in M-mode (QEMU exit convention)',
      execBuilder, (a) => done(runExec(a as unknown as ExecArgs)))
    .command('boot', 'boot firmware + kernel + a workload, stream the console, summarize the run',
      bootBuilder, (a) => done(runBoot(a as unknown as BootArgs)))
    .command('image', 'write a bootable ELF of firmware + kernel + a workload (for QEMU)',
      imageBuilder, (a) => done(runImage(a as unknown as ImageArgs)))
    .command('trace', 'show the first VM exits of a run: pc, privilege, instruction, handler result',
      traceBuilder, (a) => done(runTrace(a as unknown as TraceArgs)))
    .command('demo', 'a short tour: the bare-metal hello world, then a few workloads\' cost per operation under each technique',
      demoBuilder, () => done(runDemo()))
    .command('run <suite>', 'run an experiment suite and write its report (reports/<suite>/<run-id>/)',
      runBuilder, async (a) => done(await runRun(a as unknown as RunArgs)))
    .command('list', 'list suites, workloads, techniques, guest builds and cost presets',
      listBuilder, (a) => done(runList(a as unknown as ListArgs)))
    .command('compare', 'one workload under several techniques, side by side (simulated cycles per operation)',
      compareBuilder, async (a) => done(await runCompare(a as unknown as CompareArgs)))
    .command('report <results>', 're-render a report (charts, report.md, index.html) from its results.json',
      reportBuilder, async (a) => done(await runReport(a as unknown as ReportArgs)))
    .command('merge <results..>', 'combine the results of shards of one suite into one report',
      mergeBuilder, async (a) => done(await runMerge(a as unknown as MergeArgs)))
    .command('assignment <action> [name] [dir]', 'course assignments: list, export a starter tree, grade a tree (docs/assignments.md)',
      assignmentBuilder, async (a) => done(await runAssignment(a as unknown as AssignmentArgs)))
    .middleware(refuseRepeatedOptions as never, true)
    .demandCommand(1, 'name a command (see --help)')
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    // --version is answered before parsing (below), so git is asked only when it is wanted.
    .version(false)
    .option('version', { type: 'boolean', describe: 'show pvlab\'s version, git commit and Node version' })
    .exitProcess(false)
    .wrap(Math.min(100, process.stdout.columns || 100))
    .fail((msg, err) => {
      if (err) throw err;
      throw new UserError(`${explainChoices(msg)}\nRun "pvlab --help" for usage.`, EXIT.USAGE);
    });
  try {
    await cli.parseAsync();
    return status;
  } catch (e) {
    const failure = userFailure(e);
    if (!failure) throw e;
    process.stderr.write(`${failure.message}\n`);
    return failure.status;
  }
}
