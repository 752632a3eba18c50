/**
 * One fuzz case: a hypervisor with a well-behaved neighbour and a few hostile guests, all run
 * to their end within the case's bounds, then judged:
 *
 *   host-exception    a VM stopped because the hypervisor threw (state stopped, reason error),
 *                     or an exception escaped Hypervisor.run()
 *   livelock          the detector (livelock.ts) saw a VM make no progress for too long, or
 *                     the hypervisor's no-progress guard had to stop one (a loop of its own)
 *   bound-exceeded    a VM ran more instructions or exits than the run allowed, or was left
 *                     running when run() returned
 *   neighbour-effect  the neighbour's snapshot differs from its snapshot alone (then each
 *                     guest is run beside it by itself, to name the one that did it)
 *   nondeterministic  (with recheck) a second run of the same case differs
 *
 * Everything is a function of the run's seed and the case's index (caseSpec).
 */
import { presetByName } from '../../hypervisor/cost-presets.js';
import { Hypervisor, type HypervisorRunLimits } from '../../hypervisor/hypervisor.js';
import { IMPLIED_BUILD } from '../../hypervisor/techniques.js';
import type { Vm, VmStopReason } from '../../hypervisor/vm.js';
import { GENERATORS } from './generators/index.js';
import { guestImage } from './guest-frame.js';
import { guestKernelSource, type GuestSpec } from './guest-spec.js';
import { LivelockDetector } from './livelock.js';
import { AloneRuns, createNeighbour, randomNeighbour, type NeighbourSpec } from './neighbour.js';
import { mixSeed, Rng } from './rng.js';
import { differences, snapshot, type VmSnapshot } from './snapshot.js';
import { FUZZ_PRESETS, FUZZ_TARGETS, targetName, type FuzzTarget } from './targets.js';

export interface FuzzConfig {
  /** Hostile guests per case, each beside the same neighbour. */
  readonly guestsPerCase: number;
  /** Every VM's bounds: instructions, exits and cycles. */
  readonly limits: Required<HypervisorRunLimits>;
  /** Run every case twice and compare every VM's snapshot. */
  readonly recheck: boolean;
  /** Only these generators / targets (all when empty). */
  readonly generators: readonly string[];
  readonly targets: readonly FuzzTarget[];
}

export const DEFAULT_FUZZ_CONFIG: FuzzConfig = {
  guestsPerCase: 4,
  limits: { maxInsnsPerVm: 600_000, maxExitsPerVm: 50_000, maxCyclesPerVm: 2 ** 40 },
  recheck: false,
  generators: [],
  targets: [],
};

/** RAM sizes of hostile guests (MiB multiples, not only powers of two; enough that the
 *  device tree, 2 MiB aligned below the end of RAM, clears the kernel at +2 MiB). */
/** Scheduling quanta: from fine interleaving of the VMs to coarse. */
const QUANTUM_CHOICES = [10_000, 100_000, 1_000_000];
const GUEST_RAM_CHOICES = [6, 8, 12, 16].map((m) => m * 1024 * 1024);
const GUEST_DISK_BYTES = 64 * 1024;
const GUEST_CONSOLE_KEEP = 4096;

export interface CaseSpec {
  readonly runSeed: number;
  readonly index: number;
  readonly preset: string;
  readonly quantumCycles: number;
  readonly neighbour: NeighbourSpec;
  /** Where the neighbour comes in the VMs' order (the scheduler's round). */
  readonly neighbourAt: number;
  readonly guests: readonly GuestSpec[];
}

/** untracked-write: guest RAM holds data no write the RAM tracks put there, so a recycled buffer
 *  (Ram.release) would not be zeroed where it must. */
export type Verdict = 'host-exception' | 'livelock' | 'bound-exceeded' | 'neighbour-effect' | 'nondeterministic' | 'hang' | 'untracked-write';

export interface Finding {
  readonly verdict: Verdict;
  readonly runSeed: number;
  readonly caseIndex: number;
  /** The guest it concerns, or null for the case as a whole. */
  readonly guest: GuestSpec | null;
  readonly detail: string;
}

export interface CaseResult {
  readonly spec: CaseSpec;
  /** Each guest's stop, in spec order. */
  readonly stops: readonly (VmStopReason | null)[];
  readonly findings: readonly Finding[];
}

/** Case `index` of the run with seed `runSeed`. */
export function caseSpec(runSeed: number, index: number, config: FuzzConfig = DEFAULT_FUZZ_CONFIG): CaseSpec {
  const rng = new Rng(mixSeed(runSeed, index));
  const generators = config.generators.length > 0 ? config.generators : GENERATORS.map((g) => g.name);
  const targets = config.targets.length > 0 ? config.targets : FUZZ_TARGETS;
  const preset = rng.pick(FUZZ_PRESETS);
  const quantumCycles = rng.pick(QUANTUM_CHOICES);
  const neighbour = randomNeighbour(rng, rng.pick(FUZZ_TARGETS), preset, quantumCycles);
  const guests = Array.from({ length: config.guestsPerCase }, (_, i): GuestSpec => ({
    index: i, seed: rng.word(), generator: rng.pick(generators), target: rng.pick(targets), ramBytes: rng.pick(GUEST_RAM_CHOICES),
  }));
  return { runSeed, index, preset, quantumCycles, neighbour, neighbourAt: rng.below(guests.length + 1), guests };
}

interface Ran {
  neighbour: VmSnapshot;
  guests: { spec: GuestSpec; vm: Vm; detector: LivelockDetector }[];
  escaped: string | null;
}

function createGuest(hv: Hypervisor, spec: GuestSpec, preset: string): { vm: Vm; detector: LivelockDetector } {
  const detector = new LivelockDetector();
  const { technique, shadowPaging } = spec.target;
  const vm = hv.createVm({
    name: `guest${spec.index}-${spec.generator}`, build: IMPLIED_BUILD[technique], technique,
    ...(shadowPaging ? { shadowPaging } : {}), image: guestImage(guestKernelSource(spec)),
    preset: presetByName(preset), ramBytes: spec.ramBytes, disk: new Uint8Array(GUEST_DISK_BYTES),
    consoleKeepBytes: GUEST_CONSOLE_KEEP, onExit: detector.observe,
  });
  vm.powerOn();
  return { vm, detector };
}

/** Run the neighbour and `guests` on one hypervisor. */
function runTogether(spec: CaseSpec, guests: readonly GuestSpec[], config: FuzzConfig): Ran {
  const hv = new Hypervisor({ quantumCycles: spec.quantumCycles });
  const created: Ran['guests'] = [];
  let neighbour: Vm | null = null;
  guests.forEach((g, i) => {
    if (i === spec.neighbourAt) neighbour = createNeighbour(hv, spec.neighbour);
    created.push({ spec: g, ...createGuest(hv, g, spec.preset) });
  });
  neighbour ??= createNeighbour(hv, spec.neighbour);
  let escaped: string | null = null;
  try {
    hv.run(config.limits);
  } catch (e) {
    escaped = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
  }
  return { neighbour: snapshot(neighbour), guests: created, escaped };
}

function judgeGuest(spec: CaseSpec, g: Ran['guests'][number], config: FuzzConfig): Finding[] {
  const found = (verdict: Verdict, detail: string): Finding => ({ verdict, runSeed: spec.runSeed, caseIndex: spec.index, guest: g.spec, detail });
  const out: Finding[] = [];
  const stop = g.vm.stopReason;
  if (stop?.kind === 'error') out.push(found('host-exception', stop.message));
  if (g.detector.found) out.push(found('livelock', `no progress for ${g.detector.found.kind} exits at pc 0x${g.detector.found.pc.toString(16)} (stopped: ${JSON.stringify(stop)})`));
  // The hypervisor's no-progress guard caught a loop of its own making (a fill that does not
  // take…): the host is safe, but the guest was livelocked all the same.
  else if (stop?.kind === 'stuck' && stop.guard === 'no-progress') out.push(found('livelock', `stopped by the no-progress guard: ${stop.message}`));
  const hart = g.vm.cpu.hart;
  if (g.vm.state === 'running') out.push(found('bound-exceeded', 'still running after Hypervisor.run() returned'));
  if (hart.retired > config.limits.maxInsnsPerVm) out.push(found('bound-exceeded', `${hart.retired} instructions retired, bound ${config.limits.maxInsnsPerVm}`));
  if (g.vm.cpu.exits > config.limits.maxExitsPerVm) out.push(found('bound-exceeded', `${g.vm.cpu.exits} exits, bound ${config.limits.maxExitsPerVm}`));
  const untracked = g.vm.mem.ram.untrackedPages();
  if (untracked.length > 0) out.push(found('untracked-write', `${untracked.length} RAM pages written unseen, the first at offset 0x${((untracked[0] as number) * 4096).toString(16)}`));
  return out;
}

/** The guests that change the neighbour when each runs beside it by itself. */
function blame(spec: CaseSpec, alone: VmSnapshot, config: FuzzConfig): Finding[] {
  const out: Finding[] = [];
  for (const g of spec.guests) {
    const one = { ...spec, neighbourAt: Math.min(spec.neighbourAt, 1) };
    const diff = differences(alone, runTogether(one, [g], config).neighbour);
    if (diff.length > 0) out.push({ verdict: 'neighbour-effect', runSeed: spec.runSeed, caseIndex: spec.index, guest: g, detail: diff.join('; ') });
  }
  return out;
}

/** Run a case and judge it; `alone` holds the neighbours' solo snapshots. */
export function runCase(spec: CaseSpec, config: FuzzConfig, alone: AloneRuns): CaseResult {
  const solo = alone.get(spec.neighbour);
  if (solo.stop?.kind !== 'shutdown' || solo.stop.code !== 0) {
    throw new Error(`the neighbour ${spec.neighbour.workload} under ${targetName(spec.neighbour.target)} does not finish alone: ${JSON.stringify(solo.stop)}`);
  }
  const ran = runTogether(spec, spec.guests, config);
  const findings: Finding[] = ran.guests.flatMap((g) => judgeGuest(spec, g, config));
  const caseFinding = (verdict: Verdict, detail: string): Finding => ({ verdict, runSeed: spec.runSeed, caseIndex: spec.index, guest: null, detail });
  if (ran.escaped !== null) findings.push(caseFinding('host-exception', `escaped Hypervisor.run(): ${ran.escaped}`));
  const diff = differences(solo, ran.neighbour);
  if (diff.length > 0) {
    const named = blame(spec, solo, config);
    findings.push(...(named.length > 0 ? named : [caseFinding('neighbour-effect', diff.join('; '))]));
  }
  if (config.recheck) findings.push(...recheck(spec, ran, config));
  return { spec, stops: ran.guests.map((g) => g.vm.stopReason), findings };
}

/** Run the case again: every VM must come out the same. */
function recheck(spec: CaseSpec, first: Ran, config: FuzzConfig): Finding[] {
  const again = runTogether(spec, spec.guests, config);
  const out: Finding[] = [];
  first.guests.forEach((g, i) => {
    const diff = differences(snapshot(g.vm), snapshot((again.guests[i] as Ran['guests'][number]).vm));
    if (diff.length > 0) out.push({ verdict: 'nondeterministic', runSeed: spec.runSeed, caseIndex: spec.index, guest: g.spec, detail: diff.join('; ') });
  });
  const diff = differences(first.neighbour, again.neighbour);
  if (diff.length > 0) out.push({ verdict: 'nondeterministic', runSeed: spec.runSeed, caseIndex: spec.index, guest: null, detail: `neighbour: ${diff.join('; ')}` });
  return out;
}
