/**
 * Values a hostile guest would try: addresses at every edge of its world (its RAM and just past
 * it, its devices' registers, the hypervisor's shadow pool, nothing, above 4 GiB through a
 * page-table entry), misaligned ones, and numbers at the edges of every range.
 */
import { CLINT } from '../../machine/devices/clint.js';
import { FINISHER } from '../../machine/devices/test-device.js';
import { PLIC } from '../../machine/devices/plic.js';
import { VIRTIO_MMIO } from '../../machine/devices/virtio-mmio.js';
import { VIRT } from '../../machine/memory-map.js';
import { PAGE_SIZE } from '../../isa/csr.js';
import { SHADOW_POOL_BASE } from '../../hypervisor/guest-memory.js';
import { KERNEL_BASE } from '../../guest/image.js';
import type { Rng } from './rng.js';

const UINT32 = 0x1_0000_0000;

/** A register of one of the VM's devices (the same map as the board's). */
export function deviceAddress(rng: Rng): number {
  switch (rng.below(6)) {
    case 0: return VIRT.TEST_BASE + rng.below(8) * 4;
    case 1: return VIRT.CLINT_BASE + rng.pick([CLINT.MSIP, CLINT.MTIMECMP, CLINT.MTIMECMP + 4, CLINT.MTIME, CLINT.MTIME + 4, rng.below(CLINT.SIZE)]);
    case 2: return VIRT.PLIC_BASE + rng.pick([PLIC.PRIORITY_BASE + 4 * rng.below(VIRT.PLIC_SOURCES), PLIC.PENDING_BASE, PLIC.ENABLE_BASE + PLIC.ENABLE_STRIDE * rng.below(2),
      PLIC.CONTEXT_BASE + PLIC.CONTEXT_STRIDE * rng.below(2) + rng.pick([PLIC.THRESHOLD, PLIC.CLAIM_COMPLETE]), rng.below(VIRT.PLIC_SIZE)]);
    case 3: return VIRT.UART0_BASE + rng.below(8);
    case 4: return VIRT.VIRTIO_BASE + VIRT.VIRTIO_STRIDE * rng.below(VIRT.VIRTIO_COUNT) + rng.pick(Object.values(VIRTIO_MMIO));
    default: return VIRT.VIRTIO_BASE + VIRT.VIRTIO_STRIDE * rng.below(VIRT.VIRTIO_COUNT + 2) + rng.below(VIRT.VIRTIO_STRIDE);
  }
}

/** Somewhere in the guest's RAM, clear of its own code (the first 64 KiB of the kernel). */
export function ramAddress(rng: Rng, ramBytes: number): number {
  const lo = KERNEL_BASE + 0x1_0000;
  const hi = VIRT.DRAM_BASE + ramBytes;
  return lo + rng.below(Math.max(1, hi - lo));
}

/** Any address a hostile guest would aim at, aligned for `width` bytes most of the time. */
export function wildAddress(rng: Rng, ramBytes: number, width = 4): number {
  const ramEnd = VIRT.DRAM_BASE + ramBytes;
  let a: number;
  switch (rng.below(10)) {
    case 0: case 1: a = deviceAddress(rng); break;
    case 2: a = SHADOW_POOL_BASE + rng.below(ramBytes / 32 + 2 * PAGE_SIZE); break;
    case 3: a = ramEnd - 8 + rng.below(16); break;
    case 4: a = ramAddress(rng, ramBytes); break;
    case 5: a = KERNEL_BASE + rng.below(0x1_0000); break;
    case 6: a = rng.pick([0, 4, 0xffff_fffc, 0xffff_ffff, VIRT.DRAM_BASE - 4, VIRT.DRAM_BASE]); break;
    case 7: a = ramEnd + rng.below(UINT32 - ramEnd); break;
    default: a = rng.word();
  }
  if (rng.chance(0.85)) a -= a % width;
  return a >>> 0;
}

/** A data value: zero, ones, small, one bit, or anything. */
export function wildValue(rng: Rng): number {
  switch (rng.below(6)) {
    case 0: return 0;
    case 1: return 0xffff_ffff;
    case 2: return rng.below(64);
    case 3: return (1 << rng.below(32)) >>> 0;
    // The test device's commands (a VM may power itself off), and the sign edges.
    case 4: return rng.pick([FINISHER.PASS, FINISHER.FAIL, FINISHER.RESET, 0x8000_0000, 0x7fff_ffff]);
    default: return rng.word();
  }
}

/** A 64-bit time value as [lo, hi]: now-ish, near, far, at the edges of 2^53, or never. */
export function wildTime(rng: Rng): [number, number] {
  const t = rng.pick([0, 1, 1000, 100_000, 2 ** 30, 2 ** 40, 2 ** 46, 2 ** 50, 2 ** 52 - 1, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, 2 ** 62, -1]);
  if (t < 0) return [0xffff_ffff, 0xffff_ffff];
  return [t % UINT32, Math.floor(t / UINT32)];
}
