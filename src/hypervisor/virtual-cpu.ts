/**
 * What a VM needs of its vCPU, whichever technique runs it: the trap-and-emulate / paravirtual
 * vCPU (vcpu.ts) or the hardware-assisted one (hw/hv-vcpu.ts). The VM's devices and timer
 * drive its interrupt pins; the scheduler runs it for a quantum.
 */
import type { InterruptPins } from '../machine/device.js';
import type { Hart } from '../machine/hart.js';

/** Why runFor() returned. */
export type VcpuStop =
  | { kind: 'quantum' }
  | { kind: 'stopped' }
  | { kind: 'waiting-forever'; pc: number }
  | { kind: 'insn-limit'; pc: number };

export interface VirtualCpu extends InterruptPins {
  readonly hart: Hart;
  /** Set by the VM when it stops (shutdown, error): the loop returns at the next exit. */
  stopped: boolean;
  /** Power-on state: the guest kernel's first instruction in (virtual) S-mode, paging off,
   *  a0 = hart id, a1 = the device tree. */
  reset(entry: number, a0: number, a1: number): void;
  /** Run the guest until the VM's clock reaches `untilCycle`, it stops, or `maxInsns` guest
   *  instructions have run in this call. */
  runFor(untilCycle: number, maxInsns?: number): VcpuStop;
}
