/**
 * Exit traces (`pvlab trace`): the VM exits of a run, one record each — where the guest was,
 * the instruction that trapped, why it exited, what the handler made of it, where it goes on.
 *
 * A trace can start at boot, or where the workload's measured loop starts. The loop is found
 * the way per-operation costs are measured, by difference: the same workload run with 0
 * operations takes exactly the same exits as the real run until the real run does its first
 * operation (simulated time is deterministic), so the trace starts at the first exit in which
 * the two runs differ — with no marker in the guest and whatever the workload.
 */
import { HYPERCALL_BY_NUMBER } from '../abi/hypercalls.js';
import type { GuestBuild } from '../abi/guest-builds.js';
import { Priv, type PrivLevel } from '../isa/csr.js';
import { disassemble } from '../isa/disasm.js';
import { Access } from '../machine/mmu.js';
import type { CostPreset } from '../hypervisor/cost-model.js';
import { EXIT_KINDS, type Exit, type ExitKind } from '../hypervisor/exits.js';
import { Hypervisor } from '../hypervisor/hypervisor.js';
import type { VmTechnique } from '../hypervisor/techniques.js';
import type { VmStopReason } from '../hypervisor/vm.js';
import type { ExitObserver, VcpuView } from '../hypervisor/vm-host.js';
import { createGuestVm } from './run-guest.js';

export const EXIT_REASONS = ['illegal-instruction', 'virtual-instruction', 'ecall', 'page-fault', 'guest-page-fault', 'exception', 'interrupt'] as const satisfies readonly Exit['reason'][];

export interface ExitRecord {
  /** 1-based index among all exits of the run. */
  n: number;
  /** The VM's clock at the end of the exit (simulated cycles). */
  cycle: number;
  pc: number;
  /** The guest's privilege at the exit. */
  priv: 'U' | 'S';
  reason: Exit['reason'];
  detail: string;
  /** The trapping instruction, disassembled ('' when there is none). */
  instruction: string;
  result: ExitKind;
  /** Where the guest continues. */
  next: string;
}

export interface ExitTraceOptions {
  technique: VmTechnique;
  build: GuestBuild;
  workload: string;
  params: Readonly<Record<string, number>>;
  preset: CostPreset;
  ramBytes: number;
  /** How many exits to record (after the start and the filter). */
  limit: number;
  /** Start at the first exit of the run, or at the measured loop's (see above). */
  from: 'boot' | 'loop';
  /** Record only exits with one of these reasons or kinds (empty: all). */
  only?: ReadonlySet<string>;
}

export interface ExitTrace {
  records: ExitRecord[];
  /** Exits before the trace started (boot and setup, with --from loop). */
  skipped: number;
  /** Why the VM stopped (powered off once the trace was full). */
  stop: VmStopReason | null;
}

export class TraceError extends Error {}

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

/** An exit as two runs can compare it: what, where, when, and what it became. */
function signature(exit: Exit, kind: ExitKind, v: VcpuView): string {
  return `${exit.reason}@${'pc' in exit ? exit.pc : -1}:${kind}:${v.hart.cycle}`;
}

/** Run the workload under the technique, calling `observe` for every exit until it says stop. */
function runObserved(opts: ExitTraceOptions, params: Readonly<Record<string, number>>, observe: (...a: Parameters<ExitObserver>) => boolean): VmStopReason | null {
  const hv = new Hypervisor();
  const vm = createGuestVm(hv, {
    name: opts.workload, build: opts.build, workload: opts.workload, params, preset: opts.preset,
    ramBytes: opts.ramBytes, technique: opts.technique,
    onExit: (exit, kind, vcpu, from) => { if (!observe(exit, kind, vcpu, from)) vm.powerOff(); },
  });
  vm.powerOn();
  hv.run();
  return vm.stopReason;
}

/** The exits of the workload run with 0 operations, as signatures. */
function zeroRunSignatures(opts: ExitTraceOptions): string[] {
  const out: string[] = [];
  runObserved(opts, { ...opts.params, iterations: 0 }, (exit, kind, vcpu) => { out.push(signature(exit, kind, vcpu)); return true; });
  return out;
}

export function traceExits(opts: ExitTraceOptions): ExitTrace {
  if (opts.from === 'loop' && (opts.params['iterations'] ?? 0) === 0) {
    throw new TraceError('iterations=0: the workload has no measured loop to start at (use --from boot)');
  }
  const common = opts.from === 'loop' ? zeroRunSignatures(opts) : [];
  const records: ExitRecord[] = [];
  let n = 0;
  let started = opts.from === 'boot';
  let skipped = 0;
  const stop = runObserved(opts, opts.params, (exit, kind, vcpu, from) => {
    n++;
    if (!started && signature(exit, kind, vcpu) === common[n - 1]) {
      skipped++;
      return true;
    }
    started = true;
    const only = opts.only;
    if (only && only.size > 0 && !only.has(kind) && !only.has(exit.reason)) return true;
    const pc = 'pc' in exit ? exit.pc : vcpu.hart.pc;
    const word = wordOf(exit, vcpu);
    records.push({
      n, cycle: vcpu.hart.cycle, pc: pc >>> 0, priv: privName(from), reason: exit.reason,
      detail: detailOf(exit, kind, vcpu), instruction: word === undefined ? '' : disassemble(word, pc).replace('\t', ' '),
      result: kind, next: `${privName(vcpu.guestLevel())} @ ${hex(vcpu.hart.pc)}`,
    });
    return records.length < opts.limit;
  });
  return { records, skipped, stop };
}

/** Names `--only` accepts: exit reasons and exit kinds. */
export const TRACE_FILTERS: readonly string[] = [...new Set<string>([...EXIT_REASONS, ...EXIT_KINDS])];
