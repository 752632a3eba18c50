/**
 * The virtualization techniques, and which guest build each one runs — defined here once, for
 * the VM, the harness's suites and the CLI alike (docs/hypervisor.md).
 *
 *   native            no hypervisor: firmware + kernel on the bare machine (the baseline)
 *   trap-emulate      the unmodified kernel deprivileged to U-mode, trapped and emulated
 *   paravirt          the same vCPU offering the paravirtual interface (hypercalls)
 *   hw-assist         the unmodified kernel in VS-mode on the H extension, nested paging
 *   hw-assist-shadow  the same with shadow paging instead of the G-stage
 */
import { GUEST_BUILDS, type GuestBuild } from '../abi/guest-builds.js';

export const TECHNIQUES = ['native', 'trap-emulate', 'paravirt', 'hw-assist', 'hw-assist-shadow'] as const;
export type Technique = (typeof TECHNIQUES)[number];

/** The techniques that run a guest in a VM on the hypervisor (all but native). */
export const VM_TECHNIQUES = ['trap-emulate', 'paravirt', 'hw-assist', 'hw-assist-shadow'] as const satisfies readonly Technique[];
export type VmTechnique = (typeof VM_TECHNIQUES)[number];

/** The techniques that can run each build: a paravirtual build needs the hypervisor that
 *  serves its hypercalls. */
export const BUILD_TECHNIQUES: Readonly<Record<GuestBuild, readonly Technique[]>> = Object.freeze({
  unmodified: TECHNIQUES,
  paravirt: ['paravirt'],
  // The unmodified CPU and MMU with the paravirtual drivers: hardware assist only (under the
  // paravirt technique the shared page would be taken for the paravirt build's CPU state).
  pvio: ['hw-assist', 'hw-assist-shadow'],
});

/** The build each technique runs unless told otherwise. */
export const IMPLIED_BUILD: Readonly<Record<Technique, GuestBuild>> = Object.freeze({
  'native': 'unmodified',
  'trap-emulate': 'unmodified',
  'paravirt': 'paravirt',
  'hw-assist': 'unmodified',
  'hw-assist-shadow': 'unmodified',
});

/**
 * How shadow paging learns that the guest changed its page tables (docs/shadow-paging.md), for
 * the techniques that keep shadow tables (trap-emulate, hw-assist-shadow):
 *   fence  the guest's sfence.vma says so (RISC-V requires the fence): shadows are dropped then,
 *          and a satp change drops everything
 *   trace  the pages its shadows were built from are write-protected; each guest write to one
 *          exits, is performed by the hypervisor and drops the stale shadow entries (what x86
 *          VMMs had to do); shadows then stay valid across satp changes and fences
 * The paravirt technique needs neither: its page tables change only by validated hypercall.
 */
export const SHADOW_PAGING_MODES = ['fence', 'trace'] as const;
/** The techniques whose shadow tables follow the guest's by one of those modes. */
export const TRACING_TECHNIQUES = ['trap-emulate', 'hw-assist-shadow'] as const satisfies readonly Technique[];
export type ShadowPagingMode = (typeof SHADOW_PAGING_MODES)[number];

/** Why `technique` cannot run `build` (one line for the user), or null when it can. */
export function buildRefusal(technique: Technique, build: GuestBuild): string | null {
  const can = BUILD_TECHNIQUES[build];
  if (can.includes(technique)) return null;
  const why = build === 'pvio'
    ? 'the pvio build drives its console and disk by hypercall (PV I/O under hardware assist)'
    : 'the paravirt build makes hypercalls for its CPU, MMU and devices';
  return `${why}: it runs only under ${can.join(' or ')}, not ${technique}`;
}

export function isTechnique(name: string): name is Technique {
  return (TECHNIQUES as readonly string[]).includes(name);
}

export function isVmTechnique(name: string): name is VmTechnique {
  return (VM_TECHNIQUES as readonly string[]).includes(name);
}

export function isGuestBuild(name: string): name is GuestBuild {
  return (GUEST_BUILDS as readonly string[]).includes(name);
}
