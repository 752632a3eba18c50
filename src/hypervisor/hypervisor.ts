/**
 * The hypervisor core: the VMs it hosts and the scheduler that runs them on one core,
 * round-robin in quanta of simulated cycles. Each VM's clock is its own vCPU's cycle counter,
 * so a VM's behaviour does not depend on who else runs (a deterministic, documented
 * simplification: no steal time). A waiting VM yields: its clock jumps to its next event while
 * it consumes no host cycles — in one step, however far away the event is.
 *
 * The bound (docs/hypervisor.md, "Bounds"): run() returns once every VM has stopped, and the
 * caller's limits stop each VM after so many instructions, exits or cycles of its clock,
 * whichever comes first, whatever its guest does. Host work per instruction, per exit and per
 * event is bounded, and a waiting VM costs one step per event, so those limits bound the host
 * work of a run.
 */
import { Vm, VmConfigError, type VmConfig, type VmImage, type VmTurnBounds } from './vm.js';

/** Default quantum: 1 ms of the modeled 1 GHz core. */
export const DEFAULT_QUANTUM_CYCLES = 1_000_000;

export interface HypervisorOptions {
  quantumCycles?: number;
}

export interface HypervisorRunLimits {
  /** Stop each VM that has run this many guest instructions (runaway guard): insn-limit. */
  maxInsnsPerVm?: number;
  /** Stop each VM that has taken this many exits (a guest whose every instruction traps
   *  retires none): exit-limit. */
  maxExitsPerVm?: number;
  /** Stop each VM whose clock has reached this many cycles: time-limit. (Every VM stops at
   *  VM_CLOCK_LIMIT anyway, the last cycle its clock counts exactly.) */
  maxCyclesPerVm?: number;
}

export class Hypervisor {
  readonly vms: Vm[] = [];
  readonly quantumCycles: number;
  /** Host cycles spent running VMs (busy cycles, summed over VMs). */
  hostCycles = 0;

  constructor(opts: HypervisorOptions = {}) {
    this.quantumCycles = opts.quantumCycles ?? DEFAULT_QUANTUM_CYCLES;
    if (!(this.quantumCycles >= 1)) throw new VmConfigError(`quantum ${this.quantumCycles} must be at least 1 cycle`);
  }

  createVm<I extends VmImage>(config: VmConfig<I>): Vm<I> {
    if (this.vms.some((v) => v.name === config.name)) throw new VmConfigError(`a VM named ${config.name} already exists`);
    const vm = new Vm<I>(config);
    this.vms.push(vm);
    return vm;
  }

  /** Run every running VM, a quantum at a time in turn, until none is left running. */
  run(limits: HypervisorRunLimits = {}): void {
    // ASSIGNMENT scheduler BEGIN the round-robin scheduler
    for (;;) {
      const running = this.vms.filter((v) => v.state === 'running');
      if (running.length === 0) return;
      for (const vm of running) {
        const busyBefore = vm.cycles - vm.accounting.cycles.idle;
        const left = limits.maxInsnsPerVm === undefined ? undefined
          : limits.maxInsnsPerVm - vm.cpu.hart.retired;
        vm.runFor(this.quantumCycles, left, turnBounds(vm, limits));
        this.hostCycles += vm.cycles - vm.accounting.cycles.idle - busyBefore;
      }
    }
    // ASSIGNMENT scheduler END
  }
}

/** What is left to a VM of the run's exit and clock limits, for its next turn; and leap over
 *  the quanta a waiting VM sleeps through. */
export function turnBounds(vm: Vm, limits: HypervisorRunLimits): VmTurnBounds {
  return {
    ...(limits.maxExitsPerVm !== undefined ? { maxExits: limits.maxExitsPerVm - vm.cpu.exits } : {}),
    ...(limits.maxCyclesPerVm !== undefined ? { clockLimit: limits.maxCyclesPerVm } : {}),
    leap: true,
  };
}
