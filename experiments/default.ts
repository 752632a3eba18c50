/** The default suite: every workload under native, trap-and-emulate and paravirt, one preset. */
import { WORKLOAD_NAMES } from '../src/guest/workloads.js';
import { defineSuite } from '../src/harness/suite.js';

export default defineSuite({
  name: 'default',
  description: 'Every workload under native, trap-and-emulate and paravirtualization (modern-kvm costs): slowdown, exits and cycle breakdown per operation',
  workloads: WORKLOAD_NAMES,
  techniques: ['native', 'trap-emulate', 'paravirt'],
  presets: ['modern-kvm'],
  charts: ['slowdown', 'exits', 'breakdown', 'host-ns'],
});
