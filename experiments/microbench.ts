/**
 * Adams & Agesen (ASPLOS 2006)-style nanobenchmarks: the cost in cycles of one privileged
 * operation by technique, on the three hardware generations they and Dall et al. measured.
 * Their "hardware VMM" (first-generation VT-x, no EPT) is hw-assist-shadow here; hw-assist
 * adds the nested paging that came after.
 * syscall → null-syscall; pgfault → page-fault; ptemod → mmap of one page; in (an I/O exit) →
 * a one-byte console write; a context switch; and pure compute as the no-overhead control.
 */
import { defineSuite } from '../src/harness/suite.js';

export default defineSuite({
  name: 'microbench',
  description: 'Adams & Agesen-style operations (syscall, pgfault, ptemod, I/O exit, context switch, compute): cycles per operation by technique and hardware generation',
  workloads: ['null-syscall', 'page-fault', 'mmap', 'console', 'context-switch', 'compute'],
  techniques: ['native', 'trap-emulate', 'paravirt', 'hw-assist-shadow', 'hw-assist'],
  params: {
    mmap: { pages: 1 },
    console: { bytes: 1 },
  },
  presets: ['p4-vtx', 'core2-vtx', 'modern-kvm'],
  charts: ['slowdown', 'exits', 'breakdown'],
});
