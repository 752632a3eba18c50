/**
 * `pvlab demo` (what `npm start` runs): assemble the bare-metal hello world, boot it on the
 * virt board, and show what happened — the console, and the counters every pvlab run reports.
 */
import type { Argv } from 'yargs';
import { relative } from 'node:path';
import { guestPath } from '../../guest/paths.js';
import { runExec } from './exec.js';

export function demoBuilder(y: Argv): Argv {
  return y;
}

export function runDemo(): number {
  const program = relative(process.cwd(), guestPath('baremetal', 'hello.S')) || guestPath('baremetal', 'hello.S');
  process.stdout.write(`pvlab demo: pvlab exec ${program} --stats\n\n`);
  return runExec({ program, 'max-insns': '1000000', ram: '128M', stats: true, json: false, trace: undefined, disk: undefined });
}
