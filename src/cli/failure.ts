/**
 * Which errors are the user's (bad input, an unwritable output, a file that is not what it should
 * be) and how each is told: one line on stderr and an exit status. Anything else is a bug in
 * pvlab and keeps its stack trace.
 */
import { AsmError } from '../asm/index.js';
import { ElfError } from '../asm/elf.js';
import { OutputError } from '../fs/output-error.js';
import { ImageError } from '../guest/image.js';
import { WorkloadError } from '../guest/workloads.js';
import { SuiteError } from '../harness/suite.js';
import { CostPresetError } from '../hypervisor/cost-presets.js';
import { VmConfigError } from '../hypervisor/vm.js';
import { ReportError } from '../report/report.js';
import { EXIT, UserError } from './errors.js';

export interface Failure {
  message: string;
  status: number;
}

export function userFailure(e: unknown): Failure | undefined {
  // The assembler's messages already start with file:line:column.
  if (e instanceof AsmError) return { message: e.message, status: 1 };
  if (e instanceof UserError) return { message: `pvlab: ${e.message}`, status: e.exitCode };
  if (e instanceof SuiteError) return { message: `pvlab: ${e.message}`, status: EXIT.USAGE };
  if (e instanceof ImageError || e instanceof ElfError || e instanceof WorkloadError || e instanceof CostPresetError ||
    e instanceof VmConfigError || e instanceof OutputError || e instanceof ReportError) {
    return { message: `pvlab: ${e.message}`, status: 1 };
  }
  return undefined;
}
