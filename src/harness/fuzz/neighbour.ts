/**
 * The well-behaved neighbour: a real guest kernel running a workload on the same hypervisor as
 * the hostile guests. Its snapshot (snapshot.ts) beside them must equal its snapshot alone,
 * which is taken once per kind of neighbour and kept (AloneRuns).
 */
import { BUILD_TECHNIQUES } from '../../hypervisor/techniques.js';
import { GUEST_BUILDS, type GuestBuild } from '../../abi/guest-builds.js';
import { presetByName } from '../../hypervisor/cost-presets.js';
import { Hypervisor, type HypervisorRunLimits } from '../../hypervisor/hypervisor.js';
import type { Vm } from '../../hypervisor/vm.js';
import { resolveParams, workloadByName } from '../../guest/workloads.js';
import { createGuestVm } from '../run-guest.js';
import { snapshot, type VmSnapshot } from './snapshot.js';
import { targetName, type FuzzTarget } from './targets.js';
import type { Rng } from './rng.js';

/** Workloads that touch every part of the machine between them: address spaces and page
 *  tables, the disk, console output, page faults, timer interrupts. Small, to keep a case short. */
export const NEIGHBOUR_WORKLOADS: readonly { workload: string; params: Readonly<Record<string, number>> }[] = [
  { workload: 'fork', params: { iterations: 1 } },
  { workload: 'block-io', params: { iterations: 1 } },
  { workload: 'console', params: { iterations: 2 } },
  { workload: 'page-fault', params: { iterations: 4 } },
  { workload: 'timer', params: { iterations: 1, chunk: 2000 } },
];

export const NEIGHBOUR_RAM_BYTES = 8 * 1024 * 1024;
/** The disk of a neighbour whose workload needs none: a small one all the same. */
const NEIGHBOUR_DISK_BYTES = 64 * 1024;

export interface NeighbourSpec {
  readonly workload: string;
  readonly params: Readonly<Record<string, number>>;
  readonly target: FuzzTarget;
  /** Any build the technique runs (hardware assist: the unmodified one or pvio's drivers). */
  readonly build: GuestBuild;
  readonly preset: string;
  /** The hypervisor's quantum (a VM's counters are the same whoever shares the core, for a
   *  given quantum). */
  readonly quantumCycles: number;
}

export function randomNeighbour(rng: Rng, target: FuzzTarget, preset: string, quantumCycles: number): NeighbourSpec {
  const builds = GUEST_BUILDS.filter((b) => BUILD_TECHNIQUES[b].includes(target.technique));
  return { ...rng.pick(NEIGHBOUR_WORKLOADS), target, build: rng.pick(builds), preset, quantumCycles };
}

export function createNeighbour(hv: Hypervisor, spec: NeighbourSpec): Vm {
  const { technique, shadowPaging } = spec.target;
  const workload = workloadByName(spec.workload);
  const disk = workload.disk?.bytes(resolveParams(workload, spec.params)) ?? NEIGHBOUR_DISK_BYTES;
  const vm = createGuestVm(hv, {
    name: 'neighbour', build: spec.build, technique, ...(shadowPaging ? { shadowPaging } : {}),
    workload: spec.workload, params: spec.params, preset: presetByName(spec.preset), ramBytes: NEIGHBOUR_RAM_BYTES,
    disk: new Uint8Array(disk),
  });
  vm.powerOn();
  return vm;
}

/** Each kind of neighbour's snapshot when it runs alone, taken on first use. */
export class AloneRuns {
  private readonly runs = new Map<string, VmSnapshot>();

  constructor(private readonly limits: HypervisorRunLimits) {}

  get(spec: NeighbourSpec): VmSnapshot {
    const key = `${spec.workload} ${JSON.stringify(spec.params)} ${targetName(spec.target)} ${spec.build} ${spec.preset} ${spec.quantumCycles}`;
    let s = this.runs.get(key);
    if (s === undefined) {
      const hv = new Hypervisor({ quantumCycles: spec.quantumCycles });
      const vm = createNeighbour(hv, spec);
      hv.run(this.limits);
      s = snapshot(vm);
      this.runs.set(key, s);
    }
    return s;
  }
}
