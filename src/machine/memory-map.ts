/**
 * QEMU virt board's physical memory map (hw/riscv/virt.c), so software written for that board
 * runs here and ours runs there. IRQ numbers are the PLIC sources QEMU wires them to.
 */
export const VIRT = {
  TEST_BASE: 0x0010_0000,
  TEST_SIZE: 0x1000,
  CLINT_BASE: 0x0200_0000,
  CLINT_SIZE: 0x1_0000,
  PLIC_BASE: 0x0c00_0000,
  PLIC_SIZE: 0x60_0000,
  UART0_BASE: 0x1000_0000,
  UART0_SIZE: 0x100,
  UART0_IRQ: 10,
  VIRTIO_BASE: 0x1000_1000,
  VIRTIO_STRIDE: 0x1000,
  VIRTIO_COUNT: 8,
  /** virtio-mmio slot i raises PLIC source VIRTIO_IRQ + i. */
  VIRTIO_IRQ: 1,
  DRAM_BASE: 0x8000_0000,
  /** QEMU virt's timebase-frequency (10 MHz). */
  TIMEBASE_HZ: 10_000_000,
  /** PLIC sources on virt (1..95; 0 means "no interrupt"). */
  PLIC_SOURCES: 96,
} as const;
