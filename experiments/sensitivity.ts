/**
 * How overhead depends on the exit cost: every hardware preset, each with its exit costs (world
 * switch and handler work) scaled from a quarter to four times. Native runs do not depend on
 * exit costs and appear once per preset.
 */
import { defineSuite } from '../src/harness/suite.js';

export default defineSuite({
  name: 'sensitivity',
  description: 'Overhead as the exit cost sweeps: five hardware presets x exit costs scaled 0.25..4, for a system call, a page fault and console output',
  workloads: ['null-syscall', 'page-fault', 'console'],
  techniques: ['native', 'trap-emulate', 'paravirt'],
  presets: ['p4-vtx', 'core2-vtx', 'modern-kvm', 'modern-kvm-hosted', 'xen-pv'],
  scale: [0.25, 0.5, 1, 2, 4],
  charts: ['sensitivity', 'slowdown'],
});
