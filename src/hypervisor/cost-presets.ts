/**
 * The named cost presets: what each event costs, in simulated cycles of the modeled core
 * (one cycle per retired instruction; see docs/machine.md). Published figures are cycle
 * counts measured on real processors and are carried over as cycle counts; each preset names
 * its machine's clock (`coreHz`), which the guest's timebase follows, so a Pentium 4's
 * 4340-cycle VM round trip is 4340 cycles here and 1.1 µs of that machine's 3.8 GHz.
 *
 * Every number below has a comment saying where it comes from:
 *   - "published" — a figure printed in the cited source, used as is;
 *   - "derived"   — arithmetic on published figures, shown in the comment;
 *   - "estimate"  — no published figure exists; the comment says what it rests on.
 * Full citations, the derivations and the verification status of each source are in
 * docs/cost-model.md. Source keys used in the comments:
 *   [AA06]  Adams & Agesen, "A Comparison of Software and Hardware Techniques for x86
 *           Virtualization", ASPLOS 2006 — Pentium 4 672 (Prescott, 3.8 GHz) and Core 2.
 *   [DLL16] Dall, Li, Lim, Nieh & Koloventzos, "ARM Virtualization: Performance and
 *           Architectural Implications", ISCA 2016 — microbenchmark table, x86 KVM column.
 *   [BDF03] Barham et al., "Xen and the Art of Virtualization", SOSP 2003 — lmbench tables.
 *   [AT05]  AnandTech, Pentium 4 6xx review (2005): measured P4 cache latencies.
 *   [XBL07] X-bit labs, Core 2 Extreme QX9650 review (2007): measured Core 2 L2 latency.
 *   [7CPU]  7-cpu.com, Intel Haswell: measured cache latencies.
 *   [LKML20] linux-kernel, Dec 2020, KVM/SVM host-state patch thread: KVM_RUN path timings.
 *   [ITJ06] Intel Technology Journal 10(3), 2006, "Intel Virtualization Technology": VPIDs
 *           "eliminate the need for TLB flushes on every VM entry and VM exit" (not yet shipped).
 *   [XE3v3] Intel Xeon E3-1200 v3 datasheet vol. 1 (2013): VPID "avoids flushes on VM transitions".
 *   [LINUX-TPM] Linux, native_io_delay: an outb to port 0x80, "Approximately 1 us".
 *   [CLM23] Chen et al., "Security and Performance in the Delegated User-level Virtualization"
 *           (DuVisor), OSDI 2023, Figure 7 microbenchmarks; figures from the authors' artifact
 *           data (IPADS-DuVisor/ae-firesim-scripts@6c29a16, micro.csv / 100000 iterations).
 */
import { didYouMean } from '../util/suggest.js';
import type { CostPreset } from './cost-model.js';

/** An unknown preset name or a bad scaling factor. */
export class CostPresetError extends Error {}

/** The fields charged for exits (world switch and handler work): what `scalePreset` scales. */
export const EXIT_COST_FIELDS = [
  'vmExitEntry',
  'emulateInstruction',
  'emulateStore',
  'shadowFill',
  'gstageFill',
  'shadowFlush',
  'pvPteUpdate',
  'deviceEmulation',
  'hostedDeviceExtra',
  'sbiCall',
  'reflect',
  'hypercall',
] as const satisfies readonly (keyof CostPreset)[];

/** The bare machine's own costs, paid natively and under every technique alike. */
export const BARE_MACHINE_FIELDS = ['trapEntry', 'trapReturn', 'pteRead', 'nativeDeviceAccess'] as const satisfies readonly (keyof CostPreset)[];

/** Every numeric field of a preset. */
export const COST_FIELDS = [...BARE_MACHINE_FIELDS, ...EXIT_COST_FIELDS] as const;

export type ExitCostField = (typeof EXIT_COST_FIELDS)[number];
export type CostField = (typeof COST_FIELDS)[number];

// ---- published figures ---------------------------------------------------------------------

/** [AA06] Pentium 4 672: VM entry, cycles. */
const AA06_P4_VM_ENTRY = 2409;
/** [AA06] Pentium 4 672: page-fault VM exit, cycles. */
const AA06_P4_PF_EXIT = 1931;
/** [AA06] Core 2: VM entry, cycles. */
const AA06_CORE2_VM_ENTRY = 937;
/** [AA06] Core 2: page-fault VM exit, cycles. */
const AA06_CORE2_PF_EXIT = 1186;
/** [AA06] nanobenchmark syscall: the software VMM needs "approximately 2000 more cycles than a
 *  native system call" — the cost of passing a guest system call through VMM code. */
const AA06_SYSCALL_EXTRA = 2000;
/** [AA06] nanobenchmark divzero, native: fault delivery, a minimal handler, iret. */
const AA06_NATIVE_DIVZERO = 889;
/** [AA06] nanobenchmark pgfault, native: a true page fault handled by the (FrobOS) kernel. */
const AA06_NATIVE_PGFAULT = 1093;
/** [AA06] nanobenchmark pgfault, hardware VMM: the same fault under VT-x and shadow paging. */
const AA06_HW_PGFAULT = 11242;
/** [AA06] nanobenchmark ptemod, hardware VMM: one traced guest PTE write. */
const AA06_HW_PTEMOD = 12733;
/** [AA06] nanobenchmark in (port 0x80), hardware VMM: exit plus the VMM's virtual chipset. */
const AA06_HW_IN = 15826;

/** [DLL16] x86 KVM: Hypercall (VM → hypervisor → VM doing no work), cycles. */
const DLL16_KVM_HYPERCALL = 1300;
/** [DLL16] x86 KVM: Interrupt Controller Trap (to the in-kernel interrupt controller model
 *  and back), cycles. */
const DLL16_KVM_IRQCHIP_TRAP = 2384;

/** [BDF03] lmbench on a 2.4 GHz Xeon, microseconds: native Linux (UP) and XenoLinux. */
const BDF03_CLOCK_MHZ = 2400;
const BDF03_PROT_FAULT_NATIVE_US = 1.06;
const BDF03_PROT_FAULT_XEN_US = 1.4;
const BDF03_PAGE_FAULT_NATIVE_US = 1.42;
const BDF03_PAGE_FAULT_XEN_US = 2.73;

/** [AA06] nanobenchmark in (port 0x80), native: one uncached port access on the Pentium 4. */
const AA06_P4_NATIVE_IN = 3209;
/** [LINUX-TPM] Linux's native_io_delay, an outb to port 0x80, "Approximately 1 us". */
const PORT_ACCESS_US = 1;
const P4_CLOCK_HZ = 3_800_000_000;
const CORE2_CLOCK_HZ = 2_400_000_000;
const HASWELL_CLOCK_HZ = 3_700_000_000;
/** Cycles of about one microsecond's device access at a clock (derived from [LINUX-TPM]). */
const microsecondAt = (hz: number): number => Math.round(PORT_ACCESS_US * hz / 1_000_000);
const CORE2_DEVICE_ACCESS = microsecondAt(CORE2_CLOCK_HZ);
const HASWELL_DEVICE_ACCESS = microsecondAt(HASWELL_CLOCK_HZ);
const XEN_DEVICE_ACCESS = microsecondAt(2_400_000_000);

/** [LKML20] KVM_RUN on SVM: ioctl entry to VMRUN, and VM exit back to the ioctl's return. */
const LKML20_RUN_ENTRY_PATH = 576;
const LKML20_RUN_EXIT_PATH = 576;

/** [CLM23] vanilla KVM RISC-V on a FireSim Rocket core with the H extension (Figure 7), from
 *  the artifact's micro.csv totals over 100 000 iterations. */
const CLM23_HYPERCALL_EXIT = 215; // trap VS→HS and KVM saving guest state
const CLM23_HYPERCALL_HANDLING = 18; // KVM's SBI dispatch with nothing to do
const CLM23_HYPERCALL_ENTRY = 412; // restoring guest state and sret into VS
const CLM23_S2PF_METADATA = 363; // stage-2 fault: looking up the memory slot
const CLM23_S2PF_GETPAGE = 3777; // stage-2 fault: allocating and zeroing a host page
const CLM23_S2PF_MAPPING = 294; // stage-2 fault: installing the entry
const CLM23_S2PF_OTHER = 818; // stage-2 fault: the rest of the handler
const CLM23_MMIO_DECODE = 35; // MMIO: the in-kernel decode of the faulting load/store
const CLM23_MMIO_TRANSFER = 5548; // MMIO: out of KVM_RUN to kvmtool's device model and back
/** [CLM23] DuVisor's own hypercall path on the same core: a hardware trap to a user-level
 *  handler with the minimum of state saved (56), and the return (50) — bounds on a bare trap. */
const CLM23_DUVISOR_EXIT = 56;
const CLM23_DUVISOR_ENTRY = 50;
/** The part of a stage-2 fault that looks up and installs one entry, without allocating. */
const CLM23_LOOKUP_AND_INSTALL = CLM23_S2PF_METADATA + CLM23_S2PF_MAPPING; // 657

/** [CLM23] What share of a minimal exit's round trip KVM spends serving it (the one measured
 *  breakdown): dispatching an SBI call 18 / 627, and decoding plus dispatching an instruction
 *  (35 + 18) / 627. Used as an estimate of the same work on the x86 presets, whose round trips
 *  are measured but whose handlers are not: the handler of an exit whose operands the hardware
 *  reports (VT-x's exit qualification, RISC-V's tval) does a dispatch and a register update. */
const DISPATCH_SHARE = CLM23_HYPERCALL_HANDLING / (CLM23_HYPERCALL_EXIT + CLM23_HYPERCALL_ENTRY);
const EMULATE_SHARE = (CLM23_MMIO_DECODE + CLM23_HYPERCALL_HANDLING) / (CLM23_HYPERCALL_EXIT + CLM23_HYPERCALL_ENTRY);
const dispatchOf = (roundTrip: number): number => Math.round(roundTrip * DISPATCH_SHARE);
const emulateOf = (roundTrip: number): number => Math.round(roundTrip * EMULATE_SHARE);

/** Measured L2 hit latencies, cycles: [AT05] Prescott 2M and Northwood, [XBL07] Core 2,
 *  [7CPU] Haswell. A page-walk reference is assumed to hit in L2. */
const L2_PRESCOTT_2M = 27;
const L2_NORTHWOOD = 16;
const L2_CORE2 = 14;
const L2_HASWELL = 12;

/** Pipeline depths (stages): Prescott 31, Northwood 20, Core 2 14. Used only to scale the
 *  trap-cost estimates, a trap being mostly a pipeline flush and refill. */
const PIPE_PRESCOTT = 31;
const PIPE_NORTHWOOD = 20;
const PIPE_CORE2 = 14;

// ---- Pentium 4 with first-generation VT-x ---------------------------------------------------

/** estimate: of [AA06]'s native divzero (889), 39 taken as the minimal handler's instructions
 *  and the remaining 850 as the trap itself, split 550 entry / 300 return. Neither the handler's
 *  share nor the split is published. */
const P4_TRAP_HANDLER = 39;
const P4_TRAP_ENTRY = 550;
const P4_TRAP_RETURN = AA06_NATIVE_DIVZERO - P4_TRAP_HANDLER - P4_TRAP_ENTRY; // 300
/** published [AA06]: VM entry + page-fault VM exit = 4340. */
const P4_ROUND_TRIP = AA06_P4_VM_ENTRY + AA06_P4_PF_EXIT;
/** derived [AA06] pgfault: 11242 − round trip 4340 − reflection 2000 − the guest's own native
 *  handling 1093 = 3809, the VMM's walk of the guest page table. */
const P4_WALK = AA06_HW_PGFAULT - P4_ROUND_TRIP - AA06_SYSCALL_EXTRA - AA06_NATIVE_PGFAULT;
/** derived [AA06] ptemod: 12733 − round trip 4340 − the shadow update (P4_WALK) 3809 = 4584,
 *  decoding and emulating the trapped store. */
const P4_EMULATE = AA06_HW_PTEMOD - P4_ROUND_TRIP - P4_WALK;
/** derived [AA06] in: 15826 − round trip 4340 = 11486, decoding the I/O exit and running the
 *  VMM's virtual chipset. */
const P4_DEVICE = AA06_HW_IN - P4_ROUND_TRIP;

/**
 * Pentium 4 672 ("Prescott 2M", 3.8 GHz), first-generation VT-x, as measured by [AA06]. The
 * handler costs are what [AA06]'s nanobenchmarks on this part leave once the VM round trip is
 * taken off (docs/cost-model.md, "Deriving the Pentium 4 handler costs").
 */
const P4_VTX: CostPreset = {
  name: 'p4-vtx',
  description: 'Pentium 4 (Prescott) with first-generation VT-x, no nested paging',
  source: 'Adams & Agesen, ASPLOS 2006 (VM entry/exit table and nanobenchmarks); see docs/cost-model.md',
  trapEntry: P4_TRAP_ENTRY, // 550, estimate (see P4_TRAP_ENTRY)
  trapReturn: P4_TRAP_RETURN, // 300, estimate (see P4_TRAP_ENTRY)
  pteRead: L2_PRESCOTT_2M, // 27, published [AT05]
  nativeDeviceAccess: AA06_P4_NATIVE_IN, // 3209, published [AA06] native `in` from port 0x80: an LPC/chipset cycle, the bus class of a PC UART
  coreHz: P4_CLOCK_HZ, // 3.8 GHz, the Pentium 4 672
  tlbFlushOnWorldSwitch: true, // published [ITJ06]: no VPID before 2008; every VM entry and exit flushed the TLB
  vmExitEntry: P4_ROUND_TRIP, // 4340, published [AA06]
  emulateInstruction: emulateOf(P4_ROUND_TRIP), // 367, estimate: a CSR access or xRET on virtual state, [CLM23]'s decode + dispatch share of the round trip
  emulateStore: P4_EMULATE, // 4584, derived [AA06] ptemod: decode and emulate the trapped store
  shadowFill: P4_WALK, // 3809, derived [AA06] pgfault
  gstageFill: P4_WALK, // estimate: a G-stage (stage-2) fault's handling taken as one shadow fill's — a software walk and one leaf installed; not yet measured separately
  shadowFlush: P4_WALK, // 3809, estimate: no per-flush figure; one walk's worth of work
  pvPteUpdate: P4_WALK, // estimate: as shadowFill — validate one guest entry, install one
  deviceEmulation: P4_DEVICE, // 11486, derived [AA06] in
  hostedDeviceExtra: 0, // [AA06]'s port-0x80 model ran in the VMM, not out in the host
  sbiCall: dispatchOf(P4_ROUND_TRIP), // 125, estimate: [CLM23]'s dispatch share of the round trip
  reflect: AA06_SYSCALL_EXTRA, // 2000, published (approximate) [AA06] syscall
  hypercall: dispatchOf(P4_ROUND_TRIP), // 125, estimate: dispatch only, as sbiCall
  hosted: false,
  shadowPaging: 'trace', // x86: guests may change a PTE without telling the VMM, so shadows were kept by tracing writes
};

// ---- Core 2 ---------------------------------------------------------------------------------

/** published [AA06]: VM entry + page-fault VM exit = 2123. */
const CORE2_ROUND_TRIP = AA06_CORE2_VM_ENTRY + AA06_CORE2_PF_EXIT;
/** Core 2 over Pentium 4 round trip, 2123 / 4340 = 0.489: scales the P4 handler costs. */
const CORE2_OVER_P4 = CORE2_ROUND_TRIP / P4_ROUND_TRIP;
const core2 = (p4Cycles: number): number => Math.round(p4Cycles * CORE2_OVER_P4);
/** estimate: the P4 trap split scaled by pipeline depth 14/31. */
const CORE2_TRAP_ENTRY = Math.round((P4_TRAP_ENTRY * PIPE_CORE2) / PIPE_PRESCOTT); // 248
const CORE2_TRAP_RETURN = Math.round((P4_TRAP_RETURN * PIPE_CORE2) / PIPE_PRESCOTT); // 135

/**
 * Core 2 with VT-x, from [AA06]'s table of VM entry/exit costs. [AA06] published no
 * nanobenchmarks on this part, so its handler costs are the Pentium 4 ones scaled by the ratio of
 * the two round trips (0.489) — an estimate that assumes handler software sped up as much as the
 * hardware transition did.
 */
const CORE2_VTX: CostPreset = {
  name: 'core2-vtx',
  description: 'Core 2 with VT-x, no nested paging',
  source: 'Adams & Agesen, ASPLOS 2006 (VM entry/exit table); handler costs scaled from p4-vtx; see docs/cost-model.md',
  trapEntry: CORE2_TRAP_ENTRY, // 248, estimate
  trapReturn: CORE2_TRAP_RETURN, // 135, estimate
  pteRead: L2_CORE2, // 14, published [XBL07]
  nativeDeviceAccess: CORE2_DEVICE_ACCESS, // 2400, derived: about 1 µs per port access [LINUX-TPM] × 2.4 GHz
  coreHz: CORE2_CLOCK_HZ, // 2.4 GHz, estimate: [AA06]'s Core 2 part is not confirmed (2006 parts ran 1.86–2.93 GHz)
  tlbFlushOnWorldSwitch: true, // published [ITJ06]: VPID came with the next generation
  vmExitEntry: CORE2_ROUND_TRIP, // 2123, published [AA06]
  emulateInstruction: emulateOf(CORE2_ROUND_TRIP), // 180, estimate: as p4-vtx
  emulateStore: core2(P4_EMULATE), // 2242, estimate: p4-vtx x 0.489
  shadowFill: core2(P4_WALK), // 1863, estimate: p4-vtx x 0.489
  gstageFill: core2(P4_WALK), // estimate: a G-stage (stage-2) fault's handling taken as one shadow fill's — a software walk and one leaf installed; not yet measured separately
  shadowFlush: core2(P4_WALK), // 1863, estimate: p4-vtx x 0.489
  pvPteUpdate: core2(P4_WALK), // estimate: as shadowFill — validate one guest entry, install one
  deviceEmulation: core2(P4_DEVICE), // 5619, estimate: p4-vtx x 0.489
  hostedDeviceExtra: 0, // type-1 style, as p4-vtx
  sbiCall: dispatchOf(CORE2_ROUND_TRIP), // 61, estimate: as p4-vtx
  reflect: core2(AA06_SYSCALL_EXTRA), // 978, estimate: p4-vtx x 0.489
  hypercall: dispatchOf(CORE2_ROUND_TRIP), // 61, estimate: as p4-vtx
  hosted: false,
  shadowPaging: 'trace', // x86: guests may change a PTE without telling the VMM, so shadows were kept by tracing writes
};

// ---- modern KVM -----------------------------------------------------------------------------

/** derived [DLL16]: Interrupt Controller Trap 2384 − Hypercall 1300 = 1084, KVM's in-kernel
 *  decoding and device-model work for one emulated access. */
const KVM_DEVICE = DLL16_KVM_IRQCHIP_TRAP - DLL16_KVM_HYPERCALL;
/** KVM over Pentium 4 device work, 1084 / 11486 = 0.094: scales the other P4 handler costs. */
const MODERN_OVER_P4 = KVM_DEVICE / P4_DEVICE;
const modern = (p4Cycles: number): number => Math.round(p4Cycles * MODERN_OVER_P4);

/**
 * A modern KVM on a Haswell-class Xeon, from [DLL16]'s x86 KVM measurements, with its device
 * models in the kernel (exits never go out to user space; `modern-kvm-hosted` adds QEMU).
 * Handler costs without a published figure are the Pentium 4 ones scaled by the ratio of the two
 * device-emulation costs (0.094) — an estimate.
 */
const MODERN_KVM: CostPreset = {
  name: 'modern-kvm',
  description: 'KVM on a Haswell-class Xeon with VT-x, in-kernel device models',
  source: 'Dall et al., ISCA 2016 (x86 KVM microbenchmarks); other handlers scaled from p4-vtx; see docs/cost-model.md',
  trapEntry: CORE2_TRAP_ENTRY, // 248, estimate: same pipeline-depth class as Core 2 (14-19)
  trapReturn: CORE2_TRAP_RETURN, // 135, estimate: as trapEntry
  pteRead: L2_HASWELL, // 12, published [7CPU]
  nativeDeviceAccess: HASWELL_DEVICE_ACCESS, // 3700, derived: about 1 µs [LINUX-TPM] × 3.7 GHz
  coreHz: HASWELL_CLOCK_HZ, // 3.7 GHz, the Xeon E3-1281 v3's base clock (its use by [DLL16] not confirmed)
  tlbFlushOnWorldSwitch: false, // published [XE3v3]: VPID tags the TLB, no flush on VM transitions
  vmExitEntry: DLL16_KVM_HYPERCALL, // 1300, published [DLL16] Hypercall
  emulateInstruction: emulateOf(DLL16_KVM_HYPERCALL), // 110, estimate: as p4-vtx
  emulateStore: modern(P4_EMULATE), // 433, estimate: p4-vtx x 0.094
  shadowFill: modern(P4_WALK), // 359, estimate: p4-vtx x 0.094
  gstageFill: modern(P4_WALK), // estimate: a G-stage (stage-2) fault's handling taken as one shadow fill's — a software walk and one leaf installed; not yet measured separately
  shadowFlush: modern(P4_WALK), // 359, estimate: p4-vtx x 0.094
  pvPteUpdate: modern(P4_WALK), // estimate: as shadowFill — validate one guest entry, install one
  deviceEmulation: KVM_DEVICE, // 1084, derived [DLL16]
  hostedDeviceExtra: 0, // in-kernel device models: no trip to user space
  sbiCall: dispatchOf(DLL16_KVM_HYPERCALL), // 37, estimate: as p4-vtx ([DLL16]'s Hypercall includes it)
  reflect: modern(AA06_SYSCALL_EXTRA), // 189, estimate: p4-vtx x 0.094
  hypercall: dispatchOf(DLL16_KVM_HYPERCALL), // 37, estimate: as sbiCall
  hosted: false,
  shadowPaging: 'trace', // x86: guests may change a PTE without telling the VMM, so shadows were kept by tracing writes
};

/** estimate: the two user/kernel crossings, QEMU's address-space dispatch and the device
 *  callback, which [LKML20] does not measure. Chosen to round the total to 4000. */
const QEMU_DISPATCH = 2848;
/** estimate: the KVM_RUN path out of and back into the kernel, 576 + 576 = 1152 measured
 *  [LKML20], plus QEMU_DISPATCH 2848 = 4000. */
const QEMU_DEVICE_EXIT = LKML20_RUN_EXIT_PATH + LKML20_RUN_ENTRY_PATH + QEMU_DISPATCH;

/**
 * `modern-kvm` with its device models in a user-space VMM (KVM + QEMU): a type-2 arrangement in
 * which every device exit also returns from KVM_RUN to QEMU and comes back.
 */
const MODERN_KVM_HOSTED: CostPreset = {
  ...MODERN_KVM,
  name: 'modern-kvm-hosted',
  description: 'KVM + QEMU on a Haswell-class Xeon: device exits go out to the user-space device model',
  source: 'modern-kvm, plus an estimated user-space device exit anchored on KVM_RUN path timings (LKML 2020); see docs/cost-model.md',
  hostedDeviceExtra: QEMU_DEVICE_EXIT, // 4000, estimate (floor 1152 measured [LKML20])
  hosted: true,
};

// ---- KVM RISC-V (the H extension) ----------------------------------------------------------


/**
 * KVM RISC-V with kvmtool on a Rocket in-order core with the H extension, in FireSim [CLM23]:
 * the only measured H-extension hypervisor with a per-mechanism breakdown found. Device models
 * run in user space (hosted). KVM RISC-V emulates no CSR and keeps no shadow tables, so those
 * fields serve only the counterfactual techniques (trap-emulate, hw-assist-shadow) and are
 * estimates. docs/cost-model.md gives every field's derivation.
 */
const RISCV_KVM: CostPreset = {
  name: 'riscv-kvm',
  description: 'KVM RISC-V on a Rocket core with the H extension (FireSim), device models in user space (kvmtool)',
  source: 'Chen et al., OSDI 2023 (DuVisor), Figure 7 microbenchmarks of vanilla KVM, from the artifact data; see docs/cost-model.md',
  trapEntry: CLM23_DUVISOR_EXIT, // 56, derived (upper bound)
  trapReturn: CLM23_DUVISOR_ENTRY, // 50, derived (upper bound)
  pteRead: 20, // estimate: an L2-hit class reference; no Rocket walk latency found
  nativeDeviceAccess: 50, // estimate: an uncached TileLink read of a peripheral register; no measurement found
  coreHz: 3_200_000_000, // estimate: FireSim's nominal modelled clock, not stated in the artifact
  tlbFlushOnWorldSwitch: false, // derived: the H extension keeps VS translations apart (V bit, VMID)
  vmExitEntry: CLM23_HYPERCALL_EXIT + CLM23_HYPERCALL_ENTRY, // 627, artifact [CLM23]
  emulateInstruction: CLM23_MMIO_DECODE + CLM23_HYPERCALL_HANDLING, // 53, estimate: one decode + one dispatch
  emulateStore: CLM23_MMIO_DECODE + CLM23_HYPERCALL_HANDLING, // 53, estimate: as emulateInstruction
  shadowFill: CLM23_LOOKUP_AND_INSTALL, // 657, estimate: a stage-2 fault's lookup and install, no allocation
  gstageFill: CLM23_S2PF_METADATA + CLM23_S2PF_GETPAGE + CLM23_S2PF_MAPPING + CLM23_S2PF_OTHER, // 5252, artifact [CLM23]
  shadowFlush: CLM23_LOOKUP_AND_INSTALL, // 657, estimate: as shadowFill, as on every other preset
  pvPteUpdate: CLM23_LOOKUP_AND_INSTALL, // estimate: as shadowFill — validate one guest entry, install one
  deviceEmulation: CLM23_MMIO_DECODE, // 35, artifact [CLM23]
  hostedDeviceExtra: CLM23_MMIO_TRANSFER, // 5548, artifact [CLM23]
  sbiCall: CLM23_HYPERCALL_HANDLING, // 18, artifact [CLM23]
  reflect: CLM23_HYPERCALL_HANDLING, // 18, estimate: a trap redirect is a handful of CSR writes, like the SBI handling
  hypercall: CLM23_HYPERCALL_HANDLING, // 18, estimate: dispatched through the same ecall handler as an SBI call
  hosted: true,
  shadowPaging: 'fence', // RISC-V: the guest's sfence.vma says when its tables changed
};

// ---- Xen (paravirtualized, before VT-x) -----------------------------------------------------

/** derived [BDF03]: (1.40 − 1.06) µs at 2.4 GHz = 816, what a fault costs extra when it goes
 *  through Xen and is bounced to the guest. */
const XEN_PROT_FAULT_EXTRA = Math.round((BDF03_PROT_FAULT_XEN_US - BDF03_PROT_FAULT_NATIVE_US) * BDF03_CLOCK_MHZ);
/** derived [BDF03]: (2.73 − 1.42) µs at 2.4 GHz = 3144: the bounce plus a second transition
 *  into Xen to install the new PTE by hypercall. */
const XEN_PAGE_FAULT_EXTRA = Math.round((BDF03_PAGE_FAULT_XEN_US - BDF03_PAGE_FAULT_NATIVE_US) * BDF03_CLOCK_MHZ);
/** estimate: the P4 trap split scaled by pipeline depth 20/31 (Northwood-class NetBurst). */
const XEN_TRAP_ENTRY = Math.round((P4_TRAP_ENTRY * PIPE_NORTHWOOD) / PIPE_PRESCOTT); // 355
const XEN_TRAP_RETURN = Math.round((P4_TRAP_RETURN * PIPE_NORTHWOOD) / PIPE_PRESCOTT); // 194
/** estimate: a paravirtualized guest enters Xen by a hardware trap (or int 0x82) and leaves by
 *  iret — a ring transition, no VMX — so trapEntry + trapReturn = 549. */
const XEN_RING_ROUND_TRIP = XEN_TRAP_ENTRY + XEN_TRAP_RETURN;
/** derived: page-fault extra 3144 − the bounce 816 − the hypercall's ring round trip 549 = 1779,
 *  Xen's handling of one mmu_update hypercall that validates and installs one PTE. */
const XEN_HYPERCALL = XEN_PAGE_FAULT_EXTRA - XEN_PROT_FAULT_EXTRA - XEN_RING_ROUND_TRIP;
/** estimate: the dispatch part of it ([CLM23]'s share of a round trip)… */
const XEN_DISPATCH = dispatchOf(XEN_RING_ROUND_TRIP);
/** …and the rest, derived: validating and installing the one PTE (1763). */
const XEN_PTE_UPDATE = XEN_HYPERCALL - XEN_DISPATCH;

/**
 * Xen 1.0 with a paravirtualized guest on a 2.4 GHz (NetBurst) Xeon, from [BDF03]'s lmbench
 * fault latencies converted to cycles at 2.4 GHz. There is no VMX: the "world switch" is a ring
 * transition into Xen and back, which is why it is cheaper than any VT-x round trip.
 */
const XEN_PV: CostPreset = {
  name: 'xen-pv',
  description: 'Xen 1.0, paravirtualized guest on a 2.4 GHz NetBurst Xeon (no VT-x): ring-transition exits',
  source: 'Barham et al., SOSP 2003 (lmbench fault latencies); ring transition estimated; see docs/cost-model.md',
  trapEntry: XEN_TRAP_ENTRY, // 355, estimate
  trapReturn: XEN_TRAP_RETURN, // 194, estimate
  pteRead: L2_NORTHWOOD, // 16, published [AT05]
  nativeDeviceAccess: XEN_DEVICE_ACCESS, // 2400, derived: about 1 µs [LINUX-TPM] × 2.4 GHz
  coreHz: BDF03_CLOCK_MHZ * 1_000_000, // 2.4 GHz, published [BDF03]
  tlbFlushOnWorldSwitch: false, // derived: no VMX, and Xen is mapped in every address space, so entering it switches none
  vmExitEntry: XEN_RING_ROUND_TRIP, // 549, estimate
  emulateInstruction: emulateOf(XEN_RING_ROUND_TRIP), // 46, estimate: as p4-vtx, on the ring round trip
  emulateStore: XEN_HYPERCALL, // 1779, estimate: as validating and installing a PTE (below)
  shadowFill: XEN_HYPERCALL, // 1779, estimate: Xen used direct paging; validating and installing a PTE is the analogue
  gstageFill: XEN_HYPERCALL, // estimate: a G-stage (stage-2) fault's handling taken as one shadow fill's — a software walk and one leaf installed; not yet measured separately
  shadowFlush: XEN_HYPERCALL, // 1779, estimate: as shadowFill
  pvPteUpdate: XEN_PTE_UPDATE, // 1763, derived [BDF03]: the mmu_update's work beyond its dispatch
  deviceEmulation: XEN_HYPERCALL, // 1779, estimate: Xen PV has no emulated devices (split drivers, rings)
  hostedDeviceExtra: 0, // type 1
  sbiCall: XEN_DISPATCH, // 16, estimate: an SBI call is dispatched as a hypercall
  reflect: XEN_PROT_FAULT_EXTRA - XEN_RING_ROUND_TRIP, // 267, derived [BDF03]: 816 − 549
  hypercall: XEN_DISPATCH, // 16, estimate: dispatch only ([CLM23]'s share of the ring round trip); the mmu_update's own work is pvPteUpdate
  hosted: false,
  shadowPaging: 'trace', // x86: guests may change a PTE without telling the VMM, so shadows were kept by tracing writes
};

// ---- ideal ----------------------------------------------------------------------------------

/** No overheads at all: only retired instructions count. A baseline for teaching and tests. */
const IDEAL: CostPreset = {
  name: 'ideal',
  description: 'no modeled overheads: every trap, exit and walk is free',
  source: 'none (a baseline by definition)',
  trapEntry: 0,
  trapReturn: 0,
  pteRead: 0,
  nativeDeviceAccess: 0,
  coreHz: 1_000_000_000, // 1 GHz: one cycle a nanosecond
  tlbFlushOnWorldSwitch: false,
  vmExitEntry: 0,
  emulateInstruction: 0,
  emulateStore: 0,
  shadowFill: 0,
  gstageFill: 0,
  shadowFlush: 0,
  pvPteUpdate: 0,
  deviceEmulation: 0,
  hostedDeviceExtra: 0,
  sbiCall: 0,
  reflect: 0,
  hypercall: 0,
  hosted: false,
  shadowPaging: 'fence', // no era: RISC-V's rule, the guest's sfence.vma says when its tables changed
};

/** Every preset, oldest hardware first; names are unique. */
export const COST_PRESETS: readonly CostPreset[] = Object.freeze(
  [P4_VTX, CORE2_VTX, MODERN_KVM, MODERN_KVM_HOSTED, RISCV_KVM, XEN_PV, IDEAL].map((p) => Object.freeze(p)),
);

/** The preset used when none is named. */
export const DEFAULT_PRESET_NAME = 'modern-kvm';

/** The names of every preset, in `COST_PRESETS` order. */
export function presetNames(): string[] {
  return COST_PRESETS.map((p) => p.name);
}

/** The preset called `name` (case-insensitive); throws CostPresetError naming the known ones. */
export function presetByName(name: string): CostPreset {
  const wanted = name.trim().toLowerCase();
  const found = COST_PRESETS.find((p) => p.name === wanted);
  if (found) return found;
  const names = presetNames();
  let hint = didYouMean(wanted, names);
  if (hint === '' && wanted !== '') {
    const prefixed = names.filter((n) => n.startsWith(wanted));
    if (prefixed.length === 1) hint = ` (did you mean '${prefixed[0]}'?)`;
  }
  throw new CostPresetError(`unknown cost preset '${name}'${hint}; known presets: ${names.join(', ')}`);
}

/**
 * `p` with every exit-related cost (EXIT_COST_FIELDS: the world switch and all handler work)
 * multiplied by `factor` and rounded to whole cycles, for sensitivity sweeps. The bare
 * machine's costs (trap entry and return, page-walk references) are unchanged, so native runs
 * are unaffected. The result is named `name`, or `<p.name>*<factor>`.
 */
export function scalePreset(p: CostPreset, factor: number, name?: string): CostPreset {
  if (!Number.isFinite(factor) || factor < 0) {
    throw new CostPresetError(`cost scaling factor must be a finite number >= 0, not ${factor}`);
  }
  const scaled: Record<ExitCostField, number> = {} as Record<ExitCostField, number>;
  for (const f of EXIT_COST_FIELDS) scaled[f] = Math.round(p[f] * factor);
  return Object.freeze({
    ...p,
    ...scaled,
    name: name ?? `${p.name}*${factor}`,
    description: `${p.description} (exit costs x${factor})`,
    source: `${p.source}; exit costs scaled by ${factor}`,
  });
}
