/**
 * A VM's guest-physical address space as the hypervisor owns it.
 *
 * Each VM gets its own RAM, and its vCPU's hart gets its own bus: on that bus the VM's RAM sits
 * at the guest-physical RAM base (so guest-physical = host-physical for RAM within the vCPU's
 * bus — the hypervisor's map is the identity on that range), and the hypervisor's private pool
 * of shadow page-table pages sits at SHADOW_POOL_BASE, which no shadow page table ever maps.
 * No device is on that bus at all: every device access the guest makes faults and is emulated.
 * A VM therefore reaches exactly its own RAM, and nothing of another VM or of the host.
 */
import { Bus } from '../machine/bus.js';
import { VIRT } from '../machine/memory-map.js';
import { Ram } from '../machine/ram.js';
import { PAGE_SIZE } from '../isa/csr.js';

/** Host-physical base of the shadow page-table pool on each vCPU's bus: a hole in the virt map
 *  (QEMU's PCIe high-MMIO window, which pvlab's board does not have). */
export const SHADOW_POOL_BASE = 0x4000_0000;

export class GuestMemory {
  readonly ram: Ram;
  readonly ramBase = VIRT.DRAM_BASE;
  /** The vCPU's physical bus: guest RAM + the shadow pool. Also the DMA port of the VM's
   *  devices (DMA is confined to RAM by the bus). */
  readonly bus = new Bus();
  readonly shadowPool: Ram;

  constructor(readonly ramBytes: number, shadowPoolBytes: number) {
    this.ram = new Ram(ramBytes);
    // The shadow and G-stage tables write the pool through their own views, unseen by the
    // Ram's write tracking: a release zeroes it whole.
    this.shadowPool = new Ram(shadowPoolBytes, { writesTracked: false });
    this.bus.mapRam(this.ramBase, this.ram);
    this.bus.map(SHADOW_POOL_BASE, this.shadowPool);
  }

  /** The VM is gone: both RAMs' buffers go to the next VM (Ram.release). */
  release(): void {
    this.ram.release();
    this.shadowPool.release();
  }

  /** Whether [gpa, gpa+len) lies in guest RAM. */
  isRam(gpa: number, len = 1): boolean {
    return this.bus.ramOffset(gpa, len) >= 0;
  }

  /** The index in ram.i32 of the aligned word at `gpa`, or -1 outside RAM or unaligned. */
  ramWord(gpa: number): number {
    const off = this.bus.ramOffset(gpa, 4);
    return off < 0 || (off & 3) !== 0 ? -1 : off >>> 2;
  }

  /** 32-bit little-endian read of guest RAM, or undefined outside it. */
  read32(gpa: number): number | undefined {
    const off = this.bus.ramOffset(gpa, 4);
    if (off < 0 || (off & 3) !== 0) return undefined;
    return (this.ram.i32[off >>> 2] as number) >>> 0;
  }

  /** 32-bit write to guest RAM (reported to the code cache like any other write). */
  write32(gpa: number, value: number): boolean {
    const off = this.bus.ramOffset(gpa, 4);
    if (off < 0 || (off & 3) !== 0) return false;
    this.ram.write(off, 4, value);
    return true;
  }

  /** Copy bytes into guest RAM (loaders). */
  load(gpa: number, bytes: Uint8Array): void {
    const off = this.bus.ramOffset(gpa, bytes.length);
    if (off < 0) throw new RangeError(`${bytes.length} bytes at guest-physical 0x${(gpa >>> 0).toString(16)} are not in the VM's RAM`);
    this.ram.load(off, bytes);
  }

  /** Default shadow pool: 1/64 of guest RAM, at least 256 KiB. */
  static defaultPoolBytes(ramBytes: number): number {
    return Math.max(256 * 1024, Math.ceil(ramBytes / 64 / PAGE_SIZE) * PAGE_SIZE);
  }
}
