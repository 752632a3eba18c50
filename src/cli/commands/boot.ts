/**
 * `pvlab boot`: boot firmware + kernel + a workload, stream the guest console, and summarize
 * what ran: instructions by level (user / kernel / firmware), traps by cause, simulated cycles.
 */
import type { Argv } from 'yargs';
import { DEFAULT_RAM_BYTES } from '../../machine/board.js';
import { FileDisk } from '../../machine/devices/disk.js';
import { runNative, DEFAULT_MAX_INSNS } from '../../guest/native.js';
import { findResultLine } from '../../guest/workloads.js';
import { ConsoleStream } from '../console.js';
import { guestOptions, resolveGuest, type GuestArgs } from '../guest-options.js';
import { UserError } from '../errors.js';
import { parseCount, parseSize } from '../sizes.js';
import { describeStop } from './exec.js';

/** Techniques this build of pvlab implements. */
export const TECHNIQUES = ['native'] as const;

export interface BootArgs extends GuestArgs {
  technique: string;
  ram: string;
  'max-insns': string;
  disk?: string | undefined;
  json: boolean;
}

export function bootBuilder(y: Argv): Argv<BootArgs> {
  return guestOptions(y)
    .option('technique', { type: 'string', default: 'native', choices: TECHNIQUES as unknown as string[], describe: 'how the guest runs' })
    .option('ram', { type: 'string', default: `${DEFAULT_RAM_BYTES / 1024 / 1024}M`, describe: 'guest RAM size' })
    .option('max-insns', { type: 'string', default: String(DEFAULT_MAX_INSNS), describe: 'stop after this many instructions' })
    .option('disk', { type: 'string', describe: 'disk image file (default: 4 MiB of zeros in memory)' })
    .option('json', { type: 'boolean', default: false, describe: 'print one JSON object (console, stop, counters) instead' }) as unknown as Argv<BootArgs>;
}

export function runBoot(args: BootArgs): number {
  const guest = resolveGuest(args);
  const ramBytes = parseSize('ram', args.ram);
  const maxInsns = parseCount('max-insns', args['max-insns']);
  const stream = args.json ? null : new ConsoleStream();
  let result;
  try {
    result = runNative({
      build: guest.build, workload: guest.workload.name, params: guest.params, ramBytes, maxInsns,
      ...(stream ? { consoleOut: stream.put } : {}),
      ...(args.disk !== undefined ? { disk: new FileDisk(args.disk) } : {}),
    });
  } finally {
    stream?.flush();
  }
  const outcome = describeStop(result.stop);
  const c = result.counters;
  if (args.json) {
    process.stdout.write(JSON.stringify({
      guest: guest.build, technique: args.technique, workload: guest.workload.name, params: guest.params,
      ramBytes, stop: result.stop, exitCode: outcome.exitCode, message: outcome.message,
      result: findResultLine(result.console, guest.workload.name) ?? null,
      console: result.console, counters: c,
    }, null, 2) + '\n');
    return outcome.exitCode;
  }
  if (outcome.message) process.stderr.write(`pvlab boot: ${outcome.message}\n`);
  const traps = Object.entries(c.traps).sort((a, b) => b[1] - a[1]);
  const w = (n: number): string => n.toLocaleString('en-US');
  process.stderr.write([
    '',
    `── ${guest.workload.name} · ${guest.build} guest · ${args.technique} ──`,
    `instructions   ${w(c.instructions.total)}  (user ${w(c.instructions.user)}, kernel ${w(c.instructions.kernel)}, firmware ${w(c.instructions.firmware)})`,
    `sim. cycles    ${w(c.cycles)}  (idle ${w(c.idleCycles)})`,
    `traps          ${traps.length ? traps.map(([k, v]) => `${k} ${w(v)}`).join(', ') : 'none'}`,
    `TLB misses     ${w(c.tlbMisses)}  (${w(c.pteReads)} PTE reads)`,
    `exit           ${result.stop.kind === 'power-off' ? `status ${result.stop.code}` : result.stop.kind}`,
    '',
  ].join('\n'));
  if (result.stop.kind !== 'power-off' && outcome.exitCode === 0) throw new UserError(`guest stopped unexpectedly: ${result.stop.kind}`);
  return outcome.exitCode;
}
