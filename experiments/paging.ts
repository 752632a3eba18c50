/**
 * Shadow paging against nested paging, both under hardware assist (the H extension): the
 * comparison of Bhargava et al. (ASPLOS 2008) and of VMware's RVI/EPT studies. Shadow paging
 * (hw-assist-shadow, first-generation VT-x without EPT) pays exits for page-table updates and
 * address-space switches — page faults, mmap, fork, context switches; nested paging
 * (hw-assist) pays nothing there but a dearer TLB miss: a two-stage walk reads up to 8
 * page-table entries instead of 2, which tlb-walk (one TLB miss per access) exposes. tlb-walk
 * runs at 1024 pages (every access misses) and at 128 (everything fits in the TLB: the
 * control). Trap-and-emulate is shown for reference. Both ways shadow paging can follow the
 * guest's tables are run — tracing page-table writes (x86's way: the era's default) and the
 * guest's fences (RISC-V's) — on the Pentium 4 of Adams & Agesen and a modern KVM host.
 */
import { defineSuite } from '../src/harness/suite.js';

export default defineSuite({
  name: 'paging',
  description: 'Shadow vs nested paging under hardware assist: page-table-update workloads (page fault, mmap, fork, context switch) vs TLB-miss-heavy compute (tlb-walk)',
  workloads: ['page-fault', 'mmap', 'fork', 'context-switch', 'tlb-walk'],
  techniques: ['native', 'trap-emulate', 'hw-assist-shadow', 'hw-assist'],
  params: {
    'mmap': { pages: 4 },
    'tlb-walk': { pages: [128, 1024] },
  },
  presets: ['p4-vtx', 'modern-kvm'],
  shadowPaging: ['trace', 'fence'],
  charts: ['slowdown', 'exits', 'breakdown', 'walks'],
});
