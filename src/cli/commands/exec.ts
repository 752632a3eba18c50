/**
 * `pvlab exec`: run a bare-metal program on the virt board the way
 * `qemu-system-riscv32 -M virt -bios none -kernel prog` would — from its entry point in
 * M-mode, UART on stdout, and the SiFive test device's exit code as ours.
 */
import type { Argv } from 'yargs';
import { causeName } from '../../isa/causes.js';
import { VirtBoard, DEFAULT_RAM_BYTES } from '../../machine/board.js';
import { openDisk } from '../guest-options.js';
import { CountingProbe } from '../../machine/probe.js';
import type { HartStop } from '../../machine/hart.js';
import { EXIT, UserError } from '../errors.js';
import { loadProgram, type Program } from '../program.js';
import { countOption, parseCount, parseRamSize } from '../sizes.js';
import { TraceRing } from '../trace.js';
import { ConsoleStream } from '../console.js';
import { ConsoleLog } from '../../util/console-log.js';

export interface ExecArgs {
  program: string;
  'max-insns': string | number;
  trace?: number | string | boolean | undefined;
  ram: string;
  disk?: string | undefined;
  stats: boolean;
  json: boolean;
}

export const DEFAULT_MAX_INSNS = 10_000_000_000;

export function execBuilder(y: Argv): Argv<ExecArgs> {
  return y
    .positional('program', { type: 'string', demandOption: true, describe: 'program.S, program.elf or program.bin' })
    .option('max-insns', countOption('stop after this many instructions', DEFAULT_MAX_INSNS))
    // No yargs type: `--trace` alone means 100, `--trace N` a count (parseCount names a bad one).
    .option('trace', { describe: 'print the last N instructions and traps before the stop (N: a count, default 100)' })
    .option('ram', { type: 'string', default: `${DEFAULT_RAM_BYTES / 1024 / 1024}M`, describe: 'guest RAM size (4K pages, at most 2G)' })
    .option('disk', { type: 'string', describe: 'disk image file for virtio-blk (slot 0)' })
    .option('stats', { type: 'boolean', default: false, describe: 'print counters to stderr at the end' })
    .option('json', { type: 'boolean', default: false, describe: 'print one JSON object (console, stop, counters) instead' }) as unknown as Argv<ExecArgs>;
}

export interface ExecOutcome {
  stop: HartStop;
  exitCode: number;
  message: string | null;
}

/** What a stop means for the exit status and the message on stderr. */
export function describeStop(stop: HartStop): ExecOutcome {
  const hex = (v: number): string => `0x${(v >>> 0).toString(16).padStart(8, '0')}`;
  switch (stop.kind) {
    case 'power-off':
      return { stop, exitCode: stop.code, message: null };
    case 'reset':
      return { stop, exitCode: 0, message: 'guest requested a reset; pvlab exec stops there' };
    case 'insn-limit':
      return { stop, exitCode: EXIT.DID_NOT_FINISH, message: `stopped at the instruction limit, pc=${hex(stop.pc)} (use --max-insns to allow more)` };
    case 'idle':
      return { stop, exitCode: EXIT.DID_NOT_FINISH, message: `hart is waiting (wfi) at pc=${hex(stop.pc)} with no interrupt that could ever wake it` };
    case 'trap-loop':
      return { stop, exitCode: EXIT.TRAP_LOOP, message: `trap loop: ${causeName(stop.cause)} at pc=${hex(stop.pc)}, taken ${stop.count} times in a row — is a trap handler installed (mtvec)?` };
    case 'trap':
      return { stop, exitCode: EXIT.TRAP_LOOP, message: `unhandled ${causeName(stop.cause)} at pc=${hex(stop.pc)} left the guest (no host handler)` };
    case 'budget':
      return { stop, exitCode: EXIT.DID_NOT_FINISH, message: 'stopped at the cycle budget' };
    default: {
      const never: never = stop;
      throw new Error(`unhandled stop ${JSON.stringify(never)}`);
    }
  }
}

/** --trace: absent → no trace; given alone → 100 records; else a count ≥ 1. */
function traceCount(v: ExecArgs['trace']): number | undefined {
  if (v === undefined || v === false) return undefined;
  if (v === true || v === '') return 100;
  const n = parseCount('trace', v);
  if (n < 1) throw new UserError(`--trace ${v}: the trace needs at least 1 record`);
  return n;
}

export function runExec(args: ExecArgs): number {
  const maxInsns = parseCount('max-insns', args['max-insns']);
  const ramBytes = parseRamSize('ram', args.ram);
  const program: Program = loadProgram(args.program);
  const consoleLog = new ConsoleLog();
  const stream = args.json ? null : new ConsoleStream();
  const out = stream ? stream.put : (b: number) => { consoleLog.push(b); };
  let board: VirtBoard;
  try {
    board = new VirtBoard({
      ramBytes,
      consoleOut: out,
      ...(args.disk !== undefined ? { disk: openDisk(args.disk) } : {}),
    });
  } catch (e) {
    throw new UserError(e instanceof Error ? e.message : String(e));
  }
  for (const seg of program.segments) {
    try {
      board.loadPhysical(seg.addr, seg.bytes);
    } catch (e) {
      throw new UserError(`${args.program}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  board.hart.pc = program.entry | 0;
  const counts = new CountingProbe();
  let ring: TraceRing | null = null;
  const traceLength = traceCount(args.trace);
  if (traceLength !== undefined) {
    const n = traceLength;
    ring = new TraceRing(n, counts);
    ring.attach(board.hart);
  } else {
    board.hart.probe = counts;
  }

  let stop: HartStop;
  try {
    stop = board.run(maxInsns);
  } finally {
    stream?.flush();
  }
  const outcome = describeStop(stop);
  const hart = board.hart;
  const counters = {
    instructions: hart.retired,
    instructionsByPrivilege: { M: hart.retiredByPriv[3], S: hart.retiredByPriv[1], U: hart.retiredByPriv[0] },
    cycles: hart.cycle,
    idleCycles: hart.idleCycles,
    traps: Object.fromEntries(counts.sorted()),
    tlbMisses: hart.tlb.misses,
    blocksTranslated: hart.blocks.translations,
  };
  if (args.json) {
    process.stdout.write(JSON.stringify({
      program: args.program,
      console: consoleLog.text(),
      stop,
      exitCode: outcome.exitCode,
      message: outcome.message,
      counters,
    }, null, 2) + '\n');
  } else {
    if (ring) process.stderr.write(`--- trace: last ${ring.records().length} of ${ring.total} records ---\n${ring.format(program).join('\n')}\n`);
    if (outcome.message) process.stderr.write(`pvlab exec: ${outcome.message}\n`);
    if (args.stats) {
      process.stderr.write(
        `instructions ${counters.instructions} (M ${counters.instructionsByPrivilege.M}, S ${counters.instructionsByPrivilege.S}, U ${counters.instructionsByPrivilege.U})\n` +
        `simulated cycles ${counters.cycles} (idle ${counters.idleCycles})\n` +
        `traps ${counts.total}${counts.total ? ': ' + counts.sorted().map(([k, v]) => `${k} ${v}`).join(', ') : ''}\n`);
    }
  }
  return outcome.exitCode;
}
