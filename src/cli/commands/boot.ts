/**
 * `pvlab boot`: boot firmware + kernel + a workload, stream the guest console, and summarize
 * what ran: instructions by level (user / kernel / firmware), traps by cause, simulated cycles.
 */
import type { Argv } from 'yargs';
import { DEFAULT_RAM_BYTES } from '../../machine/board.js';
import { DEFAULT_MAX_INSNS } from '../../guest/native.js';
import { TECHNIQUES, type Technique } from '../../hypervisor/techniques.js';
import { runGuest } from '../../harness/run-guest.js';
import { COST_PRESETS, DEFAULT_PRESET_NAME, presetByName } from '../../hypervisor/cost-presets.js';
import { findResultLine } from '../../guest/workloads.js';
import { ConsoleStream } from '../console.js';
import { defaultBuild, guestOptions, openDisk, refuseBuildMismatch, refuseRamTooSmall, resolveGuest, type GuestArgs } from '../guest-options.js';
import { countOption, parseCount, parseRamSize } from '../sizes.js';
import type { VmStopReason } from '../../hypervisor/vm.js';

export interface BootArgs extends Omit<GuestArgs, 'guest'> {
  guest?: string | undefined;
  technique: string;
  preset: string;
  ram: string;
  'max-insns': string | number;
  disk?: string | undefined;
  json: boolean;
}

export function bootBuilder(y: Argv): Argv<BootArgs> {
  return guestOptions(y, { byTechnique: true })
    .option('technique', { type: 'string', default: 'native', choices: TECHNIQUES as unknown as string[], describe: 'how the guest runs' })
    .option('preset', { type: 'string', default: DEFAULT_PRESET_NAME, describe: `cost preset: ${COST_PRESETS.map((p) => p.name).join(', ')}` })
    .option('ram', { type: 'string', default: `${DEFAULT_RAM_BYTES / 1024 / 1024}M`, describe: 'guest RAM size (4K pages, at most 2G)' })
    .option('max-insns', countOption('stop after this many instructions', DEFAULT_MAX_INSNS))
    .option('disk', { type: 'string', describe: 'disk image file (default: 4 MiB of zeros in memory)' })
    .option('json', { type: 'boolean', default: false, describe: 'print one JSON object (console, stop, counters) instead' }) as unknown as Argv<BootArgs>;
}

export function runBoot(args: BootArgs): number {
  const guest = resolveGuest({ ...args, guest: args.guest ?? defaultBuild(args.technique) });
  refuseBuildMismatch(args.technique, guest.build);
  const ramBytes = parseRamSize('ram', args.ram);
  refuseRamTooSmall(ramBytes, guest, args.ram);
  const maxInsns = parseCount('max-insns', args['max-insns']);
  const preset = presetByName(args.preset);
  const disk = args.disk !== undefined ? openDisk(args.disk) : undefined;
  const stream = args.json ? null : new ConsoleStream();
  let result;
  try {
    result = runGuest({
      technique: args.technique as Technique, preset,
      build: guest.build, workload: guest.workload.name, params: guest.params, ramBytes, maxInsns,
      ...(stream ? { consoleOut: stream.put } : {}),
      ...(disk ? { disk } : {}),
    });
  } finally {
    stream?.flush();
  }
  const message = stopMessage(result.stop);
  const c = result.counters;
  if (args.json) {
    process.stdout.write(JSON.stringify({
      guest: guest.build, technique: args.technique, workload: guest.workload.name, params: guest.params,
      preset, ramBytes, stop: result.stop, exitCode: result.exitCode, message,
      result: findResultLine(result.console, guest.workload.name) ?? null,
      console: result.console, counters: c,
      ...(result.breakdown ? { breakdown: result.breakdown, exits: result.exits } : {}),
      ...(result.hypercalls ? { hypercalls: result.hypercalls } : {}),
    }, null, 2) + '\n');
    return result.exitCode;
  }
  if (message) process.stderr.write(`pvlab boot: ${message}\n`);
  const traps = Object.entries(c.traps).sort((a, b) => b[1] - a[1]);
  const w = (n: number): string => n.toLocaleString('en-US');
  process.stderr.write([
    '',
    `── ${guest.workload.name} · ${guest.build} guest · ${args.technique} · preset ${preset.name} ──`,
    `instructions   ${w(c.instructions.total)}  (user ${w(c.instructions.user)}, kernel ${w(c.instructions.kernel)}, firmware ${w(c.instructions.firmware)})`,
    `sim. cycles    ${w(c.cycles)}  (idle ${w(c.idleCycles)})`,
    `traps          ${traps.length ? traps.map(([k, v]) => `${k} ${w(v)}`).join(', ') : 'none'}`,
    ...(result.exits ? [`exits          ${exitSummary(result.exits, w)}`] : []),
    ...(result.hypercalls ? [`hypercalls     ${exitSummary(result.hypercalls, w)}`] : []),
    ...(result.breakdown ? [`cycles by      ${Object.entries(result.breakdown).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${w(v)}`).join(', ')}`] : []),
    `TLB misses     ${w(c.tlbMisses)}  (${w(c.pteReads)} PTE reads)`,
    `exit           ${result.stop.kind === 'shutdown' ? `status ${result.stop.code}` : result.stop.kind}`,
    '',
  ].join('\n'));
  return result.exitCode;
}

function exitSummary(exits: Record<string, number>, w: (n: number) => string): string {
  const list = Object.entries(exits).filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]);
  const total = list.reduce((n, [, v]) => n + v, 0);
  return list.length ? `${w(total)}: ${list.map(([k, v]) => `${k} ${w(v)}`).join(', ')}` : 'none';
}

/** What to tell the user about a stop that is not a clean shutdown. */
export function stopMessage(stop: VmStopReason): string | null {
  switch (stop.kind) {
    case 'shutdown': return null;
    case 'reboot': return 'the guest asked for a reboot; pvlab stops there';
    case 'powered-off': return 'the VM was powered off';
    case 'waiting-forever': return `the guest waits (wfi) at pc=0x${stop.pc.toString(16).padStart(8, '0')} for an interrupt that can never come`;
    case 'insn-limit': return `stopped at the instruction limit, pc=0x${stop.pc.toString(16).padStart(8, '0')} (use --max-insns to allow more)`;
    case 'exit-limit': return `stopped at the exit limit, pc=0x${stop.pc.toString(16).padStart(8, '0')} (the guest traps on nearly everything; use --max-insns to allow more)`;
    case 'time-limit': return `stopped at the time limit, pc=0x${stop.pc.toString(16).padStart(8, '0')}`;
    case 'stuck': return `the guest can never make progress: ${stop.message}`;
    case 'error': return `the VM stopped: ${stop.message}`;
    default: {
      const never: never = stop;
      throw new Error(`unhandled stop ${JSON.stringify(never)}`);
    }
  }
}
