/**
 * The board's devices, each implementing the Device interface of ../device.ts. The board
 * creates them, maps them on the Bus at QEMU virt's addresses (../memory-map.ts) and wires
 * their interrupt outputs; see docs/devices.md.
 */
export * from './test-device.js';
export * from './clint.js';
export * from './plic.js';
export * from './uart16550.js';
export * from './virtqueue.js';
export * from './virtio-mmio.js';
export * from './virtio-blk.js';
export * from './disk.js';
