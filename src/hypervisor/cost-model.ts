/**
 * The cost model: what each kind of event costs in simulated cycles, as named presets
 * calibrated on published measurements (sources in docs/cost-model.md). Simulated cycles are
 * what experiments chart; they are deterministic, unlike the host time of this implementation.
 *
 * Every run records the fully resolved preset beside its results, so a figure can be
 * reproduced even after presets are recalibrated.
 */
import type { ShadowPagingMode } from './techniques.js';

export interface CostPreset {
  /** Name used on the command line and in suites ("p4-vtx", "core2-vtx", "modern-kvm"…). */
  readonly name: string;
  /** One line for listings. */
  readonly description: string;
  /** Where the numbers come from (full citations in docs/cost-model.md). */
  readonly source: string;

  // -- the bare machine ----------------------------------------------------------------------
  /** Hardware trap entry into a handler (pipeline flush, vectoring), native and guest alike. */
  readonly trapEntry: number;
  /** xRET back to the interrupted code. */
  readonly trapReturn: number;
  /** One memory reference of a page-table walk on a TLB miss. */
  readonly pteRead: number;
  /** One uncached access to a device register (port I/O, MMIO) on the bare machine. Under a
   *  hypervisor the guest's devices are emulated instead (`deviceEmulation`); the hypervisor
   *  pays it once per byte it puts out on the host's console for a guest. */
  readonly nativeDeviceAccess: number;
  /** The clock of the machine the preset describes, Hz: the guest's timebase follows it, so a
   *  millisecond tick is a millisecond of that machine (a multiple of the 10 MHz timebase). */
  readonly coreHz: number;
  /** The hardware flushes the TLB at every VM exit and entry (VT-x before VPID): the guest's
   *  refill is then charged by the misses that follow, at the walk cost. */
  readonly tlbFlushOnWorldSwitch: boolean;

  // -- a VM exit -------------------------------------------------------------------------------
  /** VM exit + VM entry round trip (world switch), paid by every exit. */
  readonly vmExitEntry: number;
  /** Hypervisor work to decode and emulate one trapped privileged instruction. */
  readonly emulateInstruction: number;
  /** Hypervisor work to decode a trapped store to a write-protected guest page table and
   *  perform it (shadow paging in trace mode; the shadow update is `shadowFill`). */
  readonly emulateStore: number;
  /** Hypervisor work to fill one shadow page-table entry on a hidden page fault. */
  readonly shadowFill: number;
  /** Hypervisor work to fill one G-stage (stage-2) entry on a guest-page fault on guest RAM
   *  (hardware assist with nested paging: KVM's stage-2 fault path). */
  readonly gstageFill: number;
  /** Hypervisor work to validate and install one guest page-table entry asked for by a PV
   *  MMU_UPDATE (Xen's mmu_update, per entry). */
  readonly pvPteUpdate: number;
  /** Hypervisor work to flush shadow state (satp write, sfence.vma), per flush. */
  readonly shadowFlush: number;
  /** Hypervisor work to decode a faulting load/store and run the device model, per access. */
  readonly deviceEmulation: number;
  /** Extra cost of a device access in a hosted (type-2) hypervisor: the trip out to the
   *  user-space device model and back. Charged only when `hosted` is true. */
  readonly hostedDeviceExtra: number;
  /** Hypervisor work to serve an SBI call. */
  readonly sbiCall: number;
  /** Hypervisor work to reflect a trap or interrupt into the guest kernel. */
  readonly reflect: number;
  /** Hypervisor work to dispatch one hypercall (paravirt) — excluding what the call does. */
  readonly hypercall: number;
  /** Type-2 (hosted, e.g. KVM + QEMU, VMware Workstation) rather than type-1 (Xen, ESX). */
  readonly hosted: boolean;
  /** How the era's shadow paging learnt of guest page-table changes, the default of a run
   *  (techniques.ts): `trace` on x86, whose guests may change a PTE without a fence;
   *  `fence` on RISC-V, whose guests must execute sfence.vma. */
  readonly shadowPaging: ShadowPagingMode;
}
