/**
 * `pvlab trace`: the first N VM exits of a run — where the guest was (pc, virtual privilege),
 * the instruction that trapped (disassembled), why it exited, and what the handler made of it.
 */
import type { Argv } from 'yargs';
import { Priv } from '../../isa/csr.js';
import { disassemble } from '../../isa/disasm.js';
import { Access } from '../../machine/mmu.js';
import { COST_PRESETS, DEFAULT_PRESET_NAME, presetByName } from '../../hypervisor/cost-presets.js';
import { Hypervisor } from '../../hypervisor/hypervisor.js';
import type { Exit, ExitKind } from '../../hypervisor/exits.js';
import type { VcpuView } from '../../hypervisor/vm-host.js';
import { guestOptions, resolveGuest, type GuestArgs } from '../guest-options.js';
import { parseCount, parseSize } from '../sizes.js';
import { DEFAULT_RAM_BYTES } from '../../machine/board.js';
import { VM_TECHNIQUES, type VmTechnique } from '../../hypervisor/techniques.js';
import { createGuestVm } from '../../harness/run-guest.js';
import { GUEST_BUILDS } from '../../guest/image.js';
import { HYPERCALL_BY_NUMBER } from '../../abi/hypercalls.js';
import { defaultBuild } from './boot.js';
import type { PrivLevel } from '../../isa/csr.js';

export const TRACE_TECHNIQUES = VM_TECHNIQUES;

export interface TraceArgs extends Omit<GuestArgs, 'guest'> {
  guest?: string | undefined;
  technique: string;
  preset: string;
  exits: string;
  ram: string;
  json: boolean;
}

export function traceBuilder(y: Argv): Argv<TraceArgs> {
  return guestOptions(y)
    .option('guest', { type: 'string', default: undefined, choices: GUEST_BUILDS as unknown as string[], describe: 'guest kernel build (default: paravirt for --technique paravirt, else unmodified)' })
    .option('technique', { type: 'string', default: 'trap-emulate', choices: TRACE_TECHNIQUES as unknown as string[], describe: 'a technique with VM exits' })
    .option('preset', { type: 'string', default: DEFAULT_PRESET_NAME, describe: `cost preset: ${COST_PRESETS.map((p) => p.name).join(', ')}` })
    .option('exits', { type: 'string', default: '40', describe: 'how many exits to show' })
    .option('ram', { type: 'string', default: `${DEFAULT_RAM_BYTES / 1024 / 1024}M`, describe: 'guest RAM size' })
    .option('json', { type: 'boolean', default: false, describe: 'one JSON object per exit, one per line' }) as unknown as Argv<TraceArgs>;
}

interface TraceRecord {
  n: number;
  cycle: number;
  pc: number;
  priv: 'U' | 'S';
  reason: Exit['reason'];
  detail: string;
  instruction: string;
  result: ExitKind;
  next: string;
}

const ACCESS_NAME = { [Access.Fetch]: 'fetch', [Access.Load]: 'load', [Access.Store]: 'store' } as const;
const hex = (v: number): string => (v >>> 0).toString(16).padStart(8, '0');
const privName = (p: PrivLevel): 'U' | 'S' => (p === Priv.U ? 'U' : 'S');

/** What the exit was about, beyond its reason. */
function detailOf(exit: Exit, kind: ExitKind, v: VcpuView): string {
  switch (exit.reason) {
    case 'page-fault': return `${ACCESS_NAME[exit.access]} va=${hex(exit.va)}`;
    case 'guest-page-fault': return `${ACCESS_NAME[exit.access]} va=${hex(exit.va)} gpa=${hex(exit.gpa)}`;
    case 'exception': return `cause ${exit.cause} tval=${hex(exit.tval)}`;
    // A hypercall: its name, as the back-end saw it in a6 (TRAP_RETURN changes a6 itself).
    case 'ecall': {
      if (kind !== 'hypercall') return '';
      const fn = v.lastHypercall() >>> 0;
      return HYPERCALL_BY_NUMBER.get(fn)?.name ?? `#${fn}`;
    }
    case 'illegal-instruction': case 'virtual-instruction': case 'interrupt': return '';
    default: {
      const never: never = exit;
      throw new Error(`unhandled exit ${JSON.stringify(never)}`);
    }
  }
}

/** The trapping instruction's word: carried by the exit, or read through the guest's view. */
function wordOf(exit: Exit, v: VcpuView): number | undefined {
  switch (exit.reason) {
    case 'illegal-instruction': case 'virtual-instruction': return exit.insn;
    case 'interrupt': return undefined;
    default: return v.instructionAt(exit.pc);
  }
}

export function runTrace(args: TraceArgs): number {
  const guest = resolveGuest({ ...args, guest: args.guest ?? defaultBuild(args.technique) });
  const limit = parseCount('exits', args.exits);
  const ramBytes = parseSize('ram', args.ram);
  const records: TraceRecord[] = [];
  const hv = new Hypervisor();
  const vm = createGuestVm(hv, {
    name: guest.workload.name, build: guest.build, workload: guest.workload.name, params: guest.params,
    preset: presetByName(args.preset), ramBytes, technique: args.technique as VmTechnique,
    onExit: (exit, kind, vcpu, from) => {
      if (records.length >= limit) return;
      const pc = 'pc' in exit ? exit.pc : vcpu.hart.pc;
      const word = wordOf(exit, vcpu);
      records.push({
        n: records.length + 1, cycle: vcpu.hart.cycle, pc: pc >>> 0, priv: privName(from), reason: exit.reason,
        detail: detailOf(exit, kind, vcpu), instruction: word === undefined ? '' : disassemble(word, pc).replace('\t', ' '),
        result: kind, next: `${privName(vcpu.guestLevel())} @ ${hex(vcpu.hart.pc)}`,
      });
      if (records.length >= limit) vm.powerOff();
    },
  });
  vm.powerOn();
  hv.run();
  if (args.json) {
    for (const r of records) process.stdout.write(JSON.stringify(r) + '\n');
    return 0;
  }
  process.stdout.write(`${'#'.padStart(4)}  ${'vm cycle'.padStart(12)}  pc        priv  exit                         instruction                      handled as          → next\n`);
  for (const r of records) {
    const exit = `${r.reason}${r.detail ? ` ${r.detail}` : ''}`;
    process.stdout.write(`${String(r.n).padStart(4)}  ${String(r.cycle).padStart(12)}  ${hex(r.pc)}  ${r.priv}     ${exit.padEnd(28)} ${r.instruction.padEnd(32)} ${r.result.padEnd(19)} ${r.next}\n`);
  }
  if (records.length < limit) process.stdout.write(`(the VM stopped after ${records.length} exits: ${JSON.stringify(vm.stopReason)})\n`);
  return 0;
}
