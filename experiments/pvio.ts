/**
 * Hardware assist + PV I/O: the combination modern hypervisors actually use (KVM with virtio,
 * Xen PVH). The `pvio` guest build is the unmodified kernel — its CPU and MMU run on the H
 * extension with no hypercall — with the paravirtual console, block ring and events of
 * pvdrivers.S behind its device ops. Under hw-assist the unmodified build still exits for every
 * device register access (≈ 2 UART accesses per console byte; a virtqueue's notify and
 * interrupt acknowledgement per block request); the pvio build makes one hypercall per console
 * write and one BLK_NOTIFY per batch of block requests. null-syscall, which touches no device,
 * is the control: the same under both builds.
 */
import { defineSuite } from '../src/harness/suite.js';

export default defineSuite({
  name: 'pvio',
  description: 'Hardware assist + PV I/O (the pvio build: the unmodified kernel with paravirtual drivers) vs the unmodified build\'s emulated devices, with native, trap-and-emulate and paravirt for reference: console, block I/O, null syscall as the control',
  workloads: ['console', 'block-io', 'null-syscall'],
  pairs: [
    { technique: 'native', build: 'unmodified' },
    { technique: 'trap-emulate', build: 'unmodified' },
    { technique: 'paravirt', build: 'paravirt' },
    { technique: 'hw-assist', build: 'unmodified' },
    { technique: 'hw-assist', build: 'pvio' },
  ],
  params: {
    console: { bytes: 64 },
  },
  presets: ['modern-kvm'],
  charts: ['slowdown', 'exits', 'breakdown'],
});
