/**
 * The builds of the one teaching kernel (docs/pv-ops.md): which side of the guest–hypervisor
 * interface each one speaks. They differ only in the pv-ops layer (guests/kernel/pvops.S).
 *
 *   unmodified  real privileged instructions, SBI ecalls and MMIO devices: runs on the bare
 *               machine (and QEMU) and under every hypervisor technique
 *   paravirt    the whole PV interface (src/abi/hypercalls.ts): CPU, MMU and devices by hypercall
 *   pvio        the unmodified CPU and MMU with the paravirtual device drivers only
 */
export const GUEST_BUILDS = ['unmodified', 'paravirt', 'pvio'] as const;
export type GuestBuild = (typeof GUEST_BUILDS)[number];
