/**
 * `pvlab demo`: a short tour in the terminal (`npm start` runs the default suite instead). It
 * assembles and runs the bare-metal hello world, then boots the teaching kernel with a few workloads natively, under
 * trap-and-emulate (unmodified build) and paravirtualized (paravirt build), and prints what one
 * operation of each costs — the testbed's whole point in one table. Figures are simulated
 * cycles (deterministic), preset modern-kvm.
 */
import type { Argv } from 'yargs';
import { relative } from 'node:path';
import { guestPath } from '../../guest/paths.js';
import { measurePerOperation } from '../../harness/per-op.js';
import { presetByName, DEFAULT_PRESET_NAME } from '../../hypervisor/cost-presets.js';
import type { Technique } from '../../hypervisor/techniques.js';
import { runGuest } from '../../harness/run-guest.js';
import { UserError } from '../errors.js';
import { runExec } from './exec.js';

export function demoBuilder(y: Argv): Argv {
  return y;
}

/** Workloads of the tour and how many operations each measurement runs. */
const TOUR: readonly [string, number][] = [
  ['null-syscall', 200], ['page-fault', 50], ['fork', 10], ['console', 20], ['block-io', 10], ['compute', 20_000],
];
const RAM_BYTES = 32 * 1024 * 1024;

export function runDemo(): number {
  const program = relative(process.cwd(), guestPath('baremetal', 'hello.S')) || guestPath('baremetal', 'hello.S');
  process.stdout.write(`pvlab demo — 1. a bare-metal program: pvlab exec ${program} --stats\n\n`);
  const status = runExec({ program, 'max-insns': '1000000', ram: '128M', stats: true, json: false, trace: undefined, disk: undefined });
  if (status !== 0) return status;

  const preset = presetByName(DEFAULT_PRESET_NAME);
  process.stdout.write(`\npvlab demo — 2. the teaching kernel: native, trap-and-emulate, paravirtualized, hardware-assisted (preset ${preset.name})\n`);
  process.stdout.write('   simulated cycles (and VM exits) per operation, by difference of an N-operation and a 0-operation run\n\n');
  const header = `   ${'workload'.padEnd(14)} ${'native'.padStart(9)} ${'trap-emulate'.padStart(21)} ${'paravirt'.padStart(21)} ${'hw-assist'.padStart(21)}`;
  process.stdout.write(`${header}\n   ${'─'.repeat(header.length - 3)}\n`);
  for (const [workload, n] of TOUR) {
    const perOp = (technique: Technique) => measurePerOperation((k) => {
      const build = technique === 'paravirt' ? 'paravirt' : 'unmodified';
      const r = runGuest({ technique, build, workload, params: { iterations: k }, preset, ramBytes: RAM_BYTES });
      if (r.exitCode !== 0) throw new UserError(`${workload} under ${technique} failed: ${JSON.stringify(r.stop)}`);
      return r.counters;
    }, n).perOp;
    const native = perOp('native');
    const cell = (c: { cycles: number; exits: number }): string =>
      `${c.cycles.toFixed(0)} (${c.exits.toFixed(1)}) ${(c.cycles / native.cycles).toFixed(1)}×`.padStart(21);
    process.stdout.write(`   ${workload.padEnd(14)} ${native.cycles.toFixed(0).padStart(9)} ${cell(perOp('trap-emulate'))} ${cell(perOp('paravirt'))} ${cell(perOp('hw-assist'))}\n`);
  }
  process.stdout.write('\n   More: ./pvlab boot --help, ./pvlab trace --workload fork, docs/ (README.md lists them).\n');
  return 0;
}
