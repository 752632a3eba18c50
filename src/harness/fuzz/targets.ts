/**
 * What the fuzzer runs guests under: every VM technique, shadow paging in both its modes where
 * there are shadow tables, and a few cost presets (the ideal one included: exits that cost no
 * time are a livelock's best friend).
 */
import { SHADOW_PAGING_MODES, TRACING_TECHNIQUES, VM_TECHNIQUES, type ShadowPagingMode, type VmTechnique } from '../../hypervisor/techniques.js';

export interface FuzzTarget {
  readonly technique: VmTechnique;
  /** Shadow paging's mode, for the techniques with shadow tables. */
  readonly shadowPaging?: ShadowPagingMode;
}

export const FUZZ_TARGETS: readonly FuzzTarget[] = VM_TECHNIQUES.flatMap((technique): FuzzTarget[] =>
  (TRACING_TECHNIQUES as readonly string[]).includes(technique)
    ? SHADOW_PAGING_MODES.map((shadowPaging) => ({ technique, shadowPaging }))
    : [{ technique }]);

export const FUZZ_PRESETS = ['modern-kvm', 'p4-vtx', 'riscv-kvm', 'ideal'] as const;

/** `trap-emulate/trace`, `paravirt`, … */
export function targetName(t: FuzzTarget): string {
  return t.shadowPaging ? `${t.technique}/${t.shadowPaging}` : t.technique;
}

export function targetByName(name: string): FuzzTarget {
  const t = FUZZ_TARGETS.find((x) => targetName(x) === name);
  if (!t) throw new Error(`no fuzz target '${name}' (there are ${FUZZ_TARGETS.map(targetName).join(', ')})`);
  return t;
}
