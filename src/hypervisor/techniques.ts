/**
 * Running a guest with a technique, uniformly: what the harness and the CLI call. `native`
 * boots firmware + kernel on the bare board; the others run the kernel in a VM on the
 * hypervisor core. Every run reports the same counters, so techniques compare directly.
 */
import type { RunCounters } from '../guest/counters.js';
import type { GuestBuild } from '../guest/image.js';
import { runNative, DEFAULT_MAX_INSNS } from '../guest/native.js';
import type { DiskBackend } from '../machine/devices/disk.js';
import type { HartStop } from '../machine/hart.js';
import { causeName } from '../isa/causes.js';
import type { CostPreset } from './cost-model.js';
import type { CycleCategory, ExitKind } from './accounting.js';
import { Hypervisor } from './hypervisor.js';
import type { ExitObserver } from './vcpu.js';
import { VmConfigError, pvioRefusal, type VmStopReason } from './vm.js';

export const TECHNIQUES = ['native', 'trap-emulate', 'paravirt', 'hw-assist', 'hw-assist-shadow'] as const;
export type Technique = (typeof TECHNIQUES)[number];

export interface GuestRunOptions {
  technique: Technique;
  build: GuestBuild;
  workload: string;
  params?: Readonly<Record<string, number>>;
  /** Kernel parameters by symbol (the paravirt build's pv_mmu_batch, pv_blk_batch). */
  kernelParams?: Readonly<Record<string, number>>;
  preset: CostPreset;
  ramBytes?: number;
  disk?: DiskBackend | Uint8Array | false;
  consoleOut?: (byte: number) => void;
  maxInsns?: number;
  onExit?: ExitObserver;
}

export interface GuestRunResult {
  technique: Technique;
  stop: VmStopReason;
  /** 0 for a clean shutdown; the guest's code; or non-zero for any other stop. */
  exitCode: number;
  console: string;
  counters: RunCounters;
  /** Hypervisor techniques: cycles by category and exits by kind. */
  breakdown?: Record<CycleCategory, number>;
  exits?: Record<ExitKind, number>;
  /** Paravirt: hypercalls performed, by name (inner multicall calls included). */
  hypercalls?: Record<string, number>;
}

/** Exit status for stops that are not a guest shutdown. */
const NOT_FINISHED = 124;

function nativeStop(s: HartStop): VmStopReason {
  switch (s.kind) {
    case 'power-off': return { kind: 'shutdown', code: s.code };
    case 'reset': return { kind: 'reboot' };
    case 'insn-limit': return { kind: 'insn-limit', pc: s.pc };
    case 'idle': return { kind: 'waiting-forever', pc: s.pc };
    case 'trap-loop': return { kind: 'error', message: `trap loop: ${causeName(s.cause)} at pc 0x${s.pc.toString(16)}` };
    case 'budget': case 'trap': return { kind: 'error', message: `unexpected stop ${s.kind}` };
    default: {
      const never: never = s;
      throw new Error(`unhandled stop ${JSON.stringify(never)}`);
    }
  }
}

export function exitCodeOf(stop: VmStopReason): number {
  return stop.kind === 'shutdown' ? stop.code : NOT_FINISHED;
}

export function runGuest(opts: GuestRunOptions): GuestRunResult {
  const maxInsns = opts.maxInsns ?? DEFAULT_MAX_INSNS;
  switch (opts.technique) {
    case 'native': {
      if (opts.build === 'pvio') throw new VmConfigError(pvioRefusal('native'));
      const p = opts.preset;
      const r = runNative({
        build: opts.build, workload: opts.workload, maxInsns,
        timing: { trapEntry: p.trapEntry, trapReturn: p.trapReturn, pteRead: p.pteRead },
        ...(opts.params ? { params: opts.params } : {}),
        ...(opts.kernelParams ? { kernelParams: opts.kernelParams } : {}),
        ...(opts.ramBytes !== undefined ? { ramBytes: opts.ramBytes } : {}),
        ...(opts.disk !== undefined ? { disk: opts.disk } : {}),
        ...(opts.consoleOut ? { consoleOut: opts.consoleOut } : {}),
      });
      const stop = nativeStop(r.stop);
      return { technique: 'native', stop, exitCode: exitCodeOf(stop), console: r.console, counters: r.counters };
    }
    case 'trap-emulate': case 'paravirt': case 'hw-assist': case 'hw-assist-shadow': {
      const technique = opts.technique;
      const hv = new Hypervisor();
      const vm = hv.createVm({
        name: opts.workload, build: opts.build, workload: opts.workload, preset: opts.preset, technique,
        ...(opts.params ? { params: opts.params } : {}),
        ...(opts.kernelParams ? { kernelParams: opts.kernelParams } : {}),
        ...(opts.ramBytes !== undefined ? { ramBytes: opts.ramBytes } : {}),
        ...(opts.disk !== undefined ? { disk: opts.disk } : {}),
        ...(opts.consoleOut ? { consoleOut: opts.consoleOut } : {}),
        ...(opts.onExit ? { onExit: opts.onExit } : {}),
      });
      vm.powerOn();
      hv.run({ maxInsnsPerVm: maxInsns });
      const stop = vm.stopReason ?? { kind: 'error', message: 'VM did not stop' };
      const acc = vm.accounting;
      const hart = vm.cpu.hart;
      const traps = { ...acc.guestTraps };
      return {
        technique, stop, exitCode: exitCodeOf(stop), console: vm.console,
        counters: {
          instructions: { total: hart.retired, firmware: 0, kernel: acc.instructions.kernel, user: acc.instructions.user },
          cycles: hart.cycle, idleCycles: hart.idleCycles, traps,
          tlbMisses: hart.tlb.misses, pteReads: hart.walkStats.pteReads, exits: acc.totalExits(),
        },
        breakdown: { ...acc.cycles }, exits: { ...acc.exits },
        // The paravirt technique's hypercalls, and hw-assist's PV I/O ones (the pvio build).
        ...(technique === 'paravirt' || Object.keys(acc.hypercalls).length > 0 ? { hypercalls: { ...acc.hypercalls } } : {}),
      };
    }
    default: {
      const never: never = opts.technique;
      throw new Error(`unknown technique ${String(never)}`);
    }
  }
}
