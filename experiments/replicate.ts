/**
 * The cells that stand for the published figures pvlab cites (src/harness/literature.ts):
 * Adams & Agesen's nanobenchmarks and forkwait on the Pentium 4 VT-x costs, Dall et al.'s x86
 * KVM exit on modern-kvm, Barham et al.'s lmbench page fault on xen-pv, and — once the preset
 * exists — KVM on a RISC-V core with the H extension (DuVisor's microbenchmarks) on riscv-kvm.
 * docs/fidelity.md puts each beside the paper's figure, generated from a run of this suite:
 *
 *   ./pvlab run replicate
 *   node dist/src/harness/literature.js reports/replicate/<run-id>/results.json --update docs/fidelity.md
 *
 * N is raised where an operation is cheap, so that the by-difference measurement's fixed
 * errors (issue 13 item 1) are divided by a large count.
 */
import { defineSuite } from '../src/harness/suite.js';
import { presetNames } from '../src/hypervisor/cost-presets.js';

/** Presets of the comparisons; riscv-kvm only once cost-presets.ts has it (PRESET-PROPOSAL.md). */
export const REPLICATE_PRESETS: readonly string[] = ['p4-vtx', 'modern-kvm', 'xen-pv', 'riscv-kvm'].filter((p) => presetNames().includes(p));

export default defineSuite({
  name: 'replicate',
  description: 'pvlab beside the published figures it cites (docs/fidelity.md): AA06 nanobenchmarks and forkwait (p4-vtx), DLL16 x86 KVM (modern-kvm), BDF03 lmbench (xen-pv), KVM RISC-V (riscv-kvm, when present)',
  workloads: ['null-syscall', 'page-fault', 'mmap', 'console', 'fork', 'compute', 'timer'],
  techniques: ['native', 'trap-emulate', 'paravirt', 'hw-assist-shadow', 'hw-assist'],
  params: {
    mmap: { pages: 1 },
    console: { bytes: 1 },
  },
  operations: { 'null-syscall': 1000, 'compute': 100_000, 'console': 100, 'page-fault': 100, 'timer': 10 },
  presets: REPLICATE_PRESETS,
  charts: ['slowdown', 'exits', 'breakdown', 'paper'],
});
