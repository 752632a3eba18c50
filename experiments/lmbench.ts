/**
 * Xen-paper (Barham et al., SOSP 2003, Table 4)-style lmbench latencies: process creation,
 * context switches, page faults, mmap, the null system call — native vs trap-and-emulate vs
 * paravirtualized, with Xen's own costs and a modern KVM's.
 */
import { defineSuite } from '../src/harness/suite.js';

export default defineSuite({
  name: 'lmbench',
  description: 'lmbench-style process, context-switch and memory latencies (null call, ctxsw, fork, page fault, mmap) under xen-pv and modern-kvm costs',
  workloads: ['null-syscall', 'context-switch', 'fork', 'page-fault', 'mmap'],
  techniques: ['native', 'trap-emulate', 'paravirt'],
  params: {
    mmap: { pages: 16 },
  },
  presets: ['xen-pv', 'modern-kvm'],
  charts: ['slowdown', 'breakdown', 'exits'],
});
