/**
 * Several VMs of different builds on one core at once: an unmodified guest under
 * trap-and-emulate beside a paravirtualized one, each running its own workload; per-VM
 * throughput from each VM's own clock.
 */
import { defineSuite } from '../src/harness/suite.js';

export default defineSuite({
  name: 'mixed',
  description: 'Two or three VMs of different builds at once on one hypervisor: per-VM cost per operation and throughput',
  mixed: [
    {
      name: 'syscalls',
      vms: [
        { workload: 'null-syscall', technique: 'trap-emulate' },
        { workload: 'null-syscall', technique: 'paravirt' },
      ],
    },
    {
      name: 'memory',
      vms: [
        { workload: 'fork', technique: 'trap-emulate' },
        { workload: 'fork', technique: 'paravirt' },
        { workload: 'compute', technique: 'paravirt', build: 'unmodified' },
      ],
    },
    {
      name: 'io',
      vms: [
        { workload: 'console', technique: 'trap-emulate' },
        { workload: 'block-io', technique: 'paravirt' },
      ],
    },
  ],
  presets: ['modern-kvm', 'p4-vtx'],
  charts: ['mixed', 'exits'],
});
