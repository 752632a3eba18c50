/**
 * Running a guest with a technique, uniformly: what the harness, the CLI and the tests call.
 * `native` boots firmware + kernel on the bare board; the others build the guest image and run
 * its kernel in a VM on the hypervisor core (which only ever receives an image). Every run
 * reports the same counters, so techniques compare directly.
 */
import type { RunCounters } from '../guest/counters.js';
import { buildImage, type GuestBuild, type GuestImage } from '../guest/image.js';
import { runNative, DEFAULT_MAX_INSNS } from '../guest/native.js';
import { causeName } from '../isa/causes.js';
import type { DiskBackend } from '../machine/devices/disk.js';
import type { HartStop } from '../machine/hart.js';
import type { CycleCategory, ExitKind } from '../hypervisor/accounting.js';
import type { CostPreset } from '../hypervisor/cost-model.js';
import { Hypervisor, type HypervisorRunLimits } from '../hypervisor/hypervisor.js';
import { buildRefusal, type ShadowPagingMode, type Technique, type VmTechnique } from '../hypervisor/techniques.js';
import { VmConfigError, type Vm, type VmConfig, type VmStopReason } from '../hypervisor/vm.js';
import type { ExitObserver } from '../hypervisor/vm-host.js';

/** A VM's configuration with its guest named by build and workload instead of an image. */
export interface GuestVmConfig extends Omit<VmConfig, 'image'> {
  workload: string;
  params?: Readonly<Record<string, number>>;
  /** Kernel parameters by symbol (the paravirt build's pv_mmu_batch, pv_blk_batch). */
  kernelParams?: Readonly<Record<string, number>>;
}

/** Build the guest's image and create its VM on `hv`. */
export function createGuestVm(hv: Hypervisor, config: GuestVmConfig): Vm<GuestImage> {
  const { workload, params, kernelParams, ...vm } = config;
  // Refuse a mismatched build before assembling anything.
  const refusal = buildRefusal(vm.technique ?? 'trap-emulate', vm.build);
  if (refusal !== null) throw new VmConfigError(`VM ${vm.name}: ${refusal}`);
  const image = buildImage({
    build: vm.build, workload,
    ...(params ? { params } : {}),
    ...(kernelParams ? { kernelParams } : {}),
  });
  return hv.createVm({ ...vm, image });
}

export interface GuestRunOptions {
  technique: Technique;
  build: GuestBuild;
  workload: string;
  params?: Readonly<Record<string, number>>;
  /** Kernel parameters by symbol (the paravirt build's pv_mmu_batch, pv_blk_batch). */
  kernelParams?: Readonly<Record<string, number>>;
  preset: CostPreset;
  /** Shadow paging's mode (default: the preset's); ignored where there are no shadow tables. */
  shadowPaging?: ShadowPagingMode;
  ramBytes?: number;
  disk?: DiskBackend | Uint8Array | false;
  consoleOut?: (byte: number) => void;
  maxInsns?: number;
  /** Sees every VM exit (hypervisor techniques). */
  onExit?: ExitObserver;
  /** Sees every trap the bare machine takes (native). */
  onTrap?: (cause: number, epc: number) => void;
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
    case 'trap-loop': return { kind: 'stuck', guard: 'trap-loop', message: `trap loop: ${causeName(s.cause)} at pc 0x${s.pc.toString(16)}` };
    case 'budget': case 'trap': return { kind: 'error', message: `unexpected stop ${s.kind}` };
    default: {
      const never: never = s;
      throw new Error(`unhandled stop ${JSON.stringify(never)}`);
    }
  }
}

/** The bounds a harness run gives each VM: `maxInsns` instructions, and as many exits (a
 *  guest whose every instruction traps retires none, yet must stop too). */
export function runLimits(maxInsns: number): HypervisorRunLimits {
  return { maxInsnsPerVm: maxInsns, maxExitsPerVm: maxInsns };
}

export function exitCodeOf(stop: VmStopReason): number {
  return stop.kind === 'shutdown' ? stop.code : NOT_FINISHED;
}

/** The options every run passes on, whichever way it runs. */
function guestParts(opts: GuestRunOptions) {
  return {
    ...(opts.params ? { params: opts.params } : {}),
    ...(opts.kernelParams ? { kernelParams: opts.kernelParams } : {}),
    ...(opts.ramBytes !== undefined ? { ramBytes: opts.ramBytes } : {}),
    ...(opts.disk !== undefined ? { disk: opts.disk } : {}),
    ...(opts.consoleOut ? { consoleOut: opts.consoleOut } : {}),
  };
}

function runBare(opts: GuestRunOptions, maxInsns: number): GuestRunResult {
  const p = opts.preset;
  const r = runNative({
    build: opts.build, workload: opts.workload, maxInsns,
    timing: { trapEntry: p.trapEntry, trapReturn: p.trapReturn, pteRead: p.pteRead, deviceAccess: p.nativeDeviceAccess },
    coreHz: p.coreHz,
    ...guestParts(opts),
    ...(opts.onTrap ? { onTrap: opts.onTrap } : {}),
  });
  const stop = nativeStop(r.stop);
  return { technique: 'native', stop, exitCode: exitCodeOf(stop), console: r.console, counters: r.counters };
}

function runInVm(opts: GuestRunOptions, technique: VmTechnique, maxInsns: number): GuestRunResult {
  const hv = new Hypervisor();
  const vm = createGuestVm(hv, {
    name: opts.workload, build: opts.build, workload: opts.workload, preset: opts.preset, technique,
    ...guestParts(opts),
    ...(opts.onExit ? { onExit: opts.onExit } : {}),
    ...(opts.shadowPaging ? { shadowPaging: opts.shadowPaging } : {}),
  });
  vm.powerOn();
  hv.run(runLimits(maxInsns));
  const result = vmResult(vm, technique);
  // The figures are read: the VM's memory goes to the next run's VM (Ram.release).
  vm.release();
  return result;
}

function vmResult(vm: Vm<GuestImage>, technique: VmTechnique): GuestRunResult {
  const stop = vm.stopReason ?? { kind: 'error', message: 'VM did not stop' };
  const acc = vm.accounting;
  const hart = vm.cpu.hart;
  return {
    technique, stop, exitCode: exitCodeOf(stop), console: vm.console,
    counters: {
      instructions: { total: hart.retired, firmware: 0, kernel: acc.instructions.kernel, user: acc.instructions.user },
      cycles: hart.cycle, idleCycles: hart.idleCycles, traps: { ...acc.guestTraps },
      tlbMisses: hart.tlb.misses, pteReads: hart.walkStats.pteReads, exits: acc.totalExits(),
    },
    breakdown: { ...acc.cycles }, exits: { ...acc.exits },
    // The paravirt technique's hypercalls, and hw-assist's PV I/O ones (the pvio build).
    ...(technique === 'paravirt' || Object.keys(acc.hypercalls).length > 0 ? { hypercalls: { ...acc.hypercalls } } : {}),
  };
}

export function runGuest(opts: GuestRunOptions): GuestRunResult {
  const maxInsns = opts.maxInsns ?? DEFAULT_MAX_INSNS;
  const refusal = buildRefusal(opts.technique, opts.build);
  if (refusal !== null) throw new VmConfigError(refusal);
  switch (opts.technique) {
    case 'native': return runBare(opts, maxInsns);
    case 'trap-emulate': case 'paravirt': case 'hw-assist': case 'hw-assist-shadow':
      return runInVm(opts, opts.technique, maxInsns);
    default: {
      const never: never = opts.technique;
      throw new Error(`unknown technique ${String(never)}`);
    }
  }
}
