/** The default suite: every workload under native, trap-and-emulate, paravirt and hardware
 *  assist (nested paging), one preset. */
import { WORKLOAD_NAMES } from '../src/guest/workloads.js';
import { defineSuite } from '../src/harness/suite.js';

export default defineSuite({
  name: 'default',
  description: 'Every workload under native, trap-and-emulate, paravirtualization and hardware assist (modern-kvm costs): slowdown, exits and cycle breakdown per operation',
  workloads: WORKLOAD_NAMES,
  techniques: ['native', 'trap-emulate', 'paravirt', 'hw-assist'],
  presets: ['modern-kvm'],
  charts: ['slowdown', 'exits', 'breakdown', 'host-ns'],
});
