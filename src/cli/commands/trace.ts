/**
 * `pvlab trace`: VM exits of a run — from where the workload's measured loop starts (default)
 * or from boot, optionally only some kinds — with where the guest was (pc, privilege), the
 * instruction that trapped (disassembled), why it exited, and what the handler made of it.
 * The recording is the harness's (src/harness/exit-trace.ts); this is the command line.
 */
import type { Argv } from 'yargs';
import { COST_PRESETS, DEFAULT_PRESET_NAME, presetByName } from '../../hypervisor/cost-presets.js';
import { VM_TECHNIQUES, type VmTechnique } from '../../hypervisor/techniques.js';
import { TRACE_FILTERS, TraceError, traceExits, type ExitRecord } from '../../harness/exit-trace.js';
import { DEFAULT_RAM_BYTES } from '../../machine/board.js';
import { suggest } from '../../harness/suite.js';
import { UserError, EXIT } from '../errors.js';
import { defaultBuild, guestOptions, refuseBuildMismatch, refuseRamTooSmall, resolveGuest, type GuestArgs } from '../guest-options.js';
import { countOption, parseCount, parseRamSize } from '../sizes.js';

export const TRACE_TECHNIQUES = VM_TECHNIQUES;
const TRACE_FROM = ['loop', 'boot'] as const;

export interface TraceArgs extends Omit<GuestArgs, 'guest'> {
  guest?: string | undefined;
  technique: string;
  preset: string;
  exits: string | number;
  from: string;
  only?: string[] | undefined;
  ram: string;
  json: boolean;
}

export function traceBuilder(y: Argv): Argv<TraceArgs> {
  return guestOptions(y, { byTechnique: true })
    .option('technique', { type: 'string', default: 'trap-emulate', choices: TRACE_TECHNIQUES as unknown as string[], describe: 'a technique with VM exits' })
    .option('preset', { type: 'string', default: DEFAULT_PRESET_NAME, describe: `cost preset: ${COST_PRESETS.map((p) => p.name).join(', ')}` })
    .option('exits', countOption('how many exits to show', 40))
    .option('from', { type: 'string', default: 'loop', choices: TRACE_FROM as unknown as string[], describe: 'start where the measured loop starts (the first exit a run with 0 operations does not take), or at boot' })
    .option('only', { type: 'string', array: true, describe: `show only these exit reasons or kinds (comma-separated or repeated): ${TRACE_FILTERS.join(', ')}` })
    .option('ram', { type: 'string', default: `${DEFAULT_RAM_BYTES / 1024 / 1024}M`, describe: 'guest RAM size (4K pages, at most 2G)' })
    .option('json', { type: 'boolean', default: false, describe: 'one JSON object per exit, one per line' })
    .example('$0 trace --workload null-syscall --exits 12', 'the exits of the first system calls under trap-and-emulate')
    .example('$0 trace --workload fork --only shadow-fill,sfence', 'where fork fills and flushes shadow page tables')
    .example('$0 trace --workload console --technique paravirt --from boot', 'boot, with every hypercall named') as unknown as Argv<TraceArgs>;
}

/** The --only names, split on commas and checked. */
function filters(only: readonly string[] | undefined): Set<string> {
  const names = (only ?? []).flatMap((o) => o.split(',')).map((o) => o.trim()).filter((o) => o !== '');
  for (const name of names) {
    if (!TRACE_FILTERS.includes(name)) throw new UserError(`--only ${name}: not an exit reason or kind${suggest(name, TRACE_FILTERS)}; known: ${TRACE_FILTERS.join(', ')}`, EXIT.USAGE);
  }
  return new Set(names);
}

const hex = (v: number): string => (v >>> 0).toString(16).padStart(8, '0');

function printTable(records: readonly ExitRecord[]): void {
  const exits = records.map((r) => `${r.reason}${r.detail ? ` ${r.detail}` : ''}`);
  const width = Math.max(28, ...exits.map((e) => e.length));
  process.stdout.write(`${'#'.padStart(5)}  ${'vm cycle'.padStart(12)}  pc        priv  ${'exit'.padEnd(width)} ${'instruction'.padEnd(32)} handled as          → next\n`);
  records.forEach((r, i) => {
    process.stdout.write(`${String(r.n).padStart(5)}  ${String(r.cycle).padStart(12)}  ${hex(r.pc)}  ${r.priv}     ${(exits[i] as string).padEnd(width)} ${r.instruction.padEnd(32)} ${r.result.padEnd(19)} ${r.next}\n`);
  });
}

export function runTrace(args: TraceArgs): number {
  const guest = resolveGuest({ ...args, guest: args.guest ?? defaultBuild(args.technique) });
  refuseBuildMismatch(args.technique, guest.build);
  const limit = parseCount('exits', args.exits);
  const ramBytes = parseRamSize('ram', args.ram);
  refuseRamTooSmall(ramBytes, guest, args.ram);
  let trace;
  try {
    trace = traceExits({
      technique: args.technique as VmTechnique, build: guest.build, workload: guest.workload.name, params: guest.params,
      preset: presetByName(args.preset), ramBytes, limit,
      from: args.from as (typeof TRACE_FROM)[number], only: filters(args.only),
    });
  } catch (e) {
    if (e instanceof TraceError) throw new UserError(e.message, EXIT.USAGE);
    throw e;
  }
  if (args.json) {
    for (const r of trace.records) process.stdout.write(JSON.stringify(r) + '\n');
    return 0;
  }
  if (args.from === 'loop') process.stdout.write(`(${trace.skipped} exits of boot and setup before the measured loop not shown; --from boot shows them)\n`);
  printTable(trace.records);
  if (trace.records.length < limit) process.stdout.write(`(the VM stopped after ${trace.records.length} exits shown: ${JSON.stringify(trace.stop)})\n`);
  return 0;
}
