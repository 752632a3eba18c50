/**
 * What an exit handler may use of the vCPU that took the exit: the hart, the guest's memory,
 * the VM, the one way to charge cycles (the cost table) and the one way to hand the guest a
 * trap. Handlers (device emulation, SBI, shadow faults, the paravirtual back-ends, the
 * techniques' policies) take this narrow interface, never the vCPU class, so no handler
 * depends on the loop that calls it.
 */
import type { Hart } from '../machine/hart.js';
import type { CostItem } from './cost-table.js';
import type { GuestMemory } from './guest-memory.js';
import type { VmHost } from './vm-host.js';

export interface ExitContext {
  readonly hart: Hart;
  readonly mem: GuestMemory;
  readonly host: VmHost;
  /** Charge `count` times the cost of `item` (cost-table.ts) to the VM's clock and breakdown. */
  charge(item: CostItem, count?: number): void;
  /** Deliver an exception to the guest kernel, the technique's way (Vcpu.deliver). */
  deliver(cause: number, tval: number, epc: number): void;
  /** The guest gave up the rest of its time slice: the run loop returns at the next exit. */
  requestYield(): void;
  /** Something the guest must see now changed (a virtual interrupt may be deliverable): if the
   *  guest is running, give control back to the loop (KVM's vcpu kick). */
  kick(): void;
  /** The VM stopped (shutdown, error). */
  readonly stopped: boolean;
}
