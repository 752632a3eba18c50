/**
 * The physical address space: devices registered by address range, looked up by binary
 * search — no chains of address comparisons anywhere else. The hart goes through the bus only
 * for MMIO and for the first touch of a RAM page; RAM hits are served by its TLB.
 */
import { BusError, type AccessWidth, type Device, type DmaPort } from './device.js';
import type { Ram } from './ram.js';

export interface Mapping {
  readonly base: number;
  readonly device: Device;
}

export class Bus implements DmaPort {
  private readonly maps: Mapping[] = [];
  private ramMap: { base: number; ram: Ram } | undefined;
  /** Called at each read or write that reaches a device rather than RAM (the hart's timing of
   *  an uncached access). DMA is not a processor access and does not call it. */
  onDeviceAccess: (() => void) | null = null;

  /** Map `device` at physical address `base`. Ranges may not overlap. */
  map(base: number, device: Device): void {
    const end = base + device.size;
    for (const m of this.maps) {
      if (base < m.base + m.device.size && m.base < end) {
        throw new Error(`${device.name} at 0x${base.toString(16)} overlaps ${m.device.name} at 0x${m.base.toString(16)}`);
      }
    }
    this.maps.push({ base, device });
    this.maps.sort((a, b) => a.base - b.base);
  }

  /** Map main memory; the hart's fast paths reach it directly through `ram`. */
  mapRam(base: number, ram: Ram): void {
    this.map(base, ram);
    this.ramMap = { base, ram };
  }

  get ram(): Ram {
    if (!this.ramMap) throw new Error('no RAM mapped');
    return this.ramMap.ram;
  }

  get ramBase(): number {
    return this.ramMap?.base ?? 0;
  }

  get mappings(): readonly Mapping[] {
    return this.maps;
  }

  /** The mapping containing physical address `addr` (unsigned), or undefined. */
  find(addr: number): Mapping | undefined {
    const a = addr >>> 0;
    let lo = 0;
    let hi = this.maps.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const m = this.maps[mid] as Mapping;
      if (a < m.base) hi = mid - 1;
      else if (a >= m.base + m.device.size) lo = mid + 1;
      else return m;
    }
    return undefined;
  }

  /** Offset of `addr` in RAM if [addr, addr+len) lies wholly in RAM, else -1. */
  ramOffset(addr: number, len: number): number {
    const r = this.ramMap;
    if (!r) return -1;
    const off = (addr >>> 0) - r.base;
    return off >= 0 && off + len <= r.ram.size ? off : -1;
  }

  /** The aligned 32-bit word at physical `addr` when it is in RAM, else undefined: a walk's
   *  page-table read, without the search of `read` (tables are almost always in RAM). */
  readRamWord(addr: number): number | undefined {
    const r = this.ramMap;
    if (r === undefined) return undefined;
    const off = addr - r.base;
    return off >= 0 && off + 4 <= r.ram.size && (off & 3) === 0 ? (r.ram.i32[off >>> 2] as number) >>> 0 : undefined;
  }

  /** A physical read; returns undefined where nothing is mapped (an access fault). */
  read(addr: number, width: AccessWidth): number | undefined {
    const m = this.find(addr);
    if (!m || (addr >>> 0) + width > m.base + m.device.size) return undefined;
    if (this.onDeviceAccess !== null && m.device !== this.ramMap?.ram) this.onDeviceAccess();
    return m.device.read((addr >>> 0) - m.base, width);
  }

  /** A physical write; returns false where nothing is mapped (an access fault). */
  write(addr: number, width: AccessWidth, value: number): boolean {
    const m = this.find(addr);
    if (!m || (addr >>> 0) + width > m.base + m.device.size) return false;
    if (this.onDeviceAccess !== null && m.device !== this.ramMap?.ram) this.onDeviceAccess();
    m.device.write((addr >>> 0) - m.base, width, value);
    return true;
  }

  // ---- DmaPort: RAM only ------------------------------------------------------------------

  private dmaOffset(addr: number, len: number): number {
    const off = this.ramOffset(addr, len);
    if (off < 0) throw new BusError(addr, `DMA of ${len} bytes outside RAM`);
    return off;
  }

  readBytes(addr: number, len: number): Uint8Array {
    const off = this.dmaOffset(addr, len);
    return this.bus8().slice(off, off + len);
  }

  writeBytes(addr: number, data: Uint8Array): void {
    const off = this.dmaOffset(addr, data.length);
    this.ram.noteWrite(off, data.length);
    this.bus8().set(data, off);
  }

  read16(addr: number): number {
    const u8 = this.bus8();
    const o = this.dmaOffset(addr, 2);
    return (u8[o] as number) | ((u8[o + 1] as number) << 8);
  }

  read32(addr: number): number {
    const u8 = this.bus8();
    const o = this.dmaOffset(addr, 4);
    return ((u8[o] as number) | ((u8[o + 1] as number) << 8) | ((u8[o + 2] as number) << 16) |
      ((u8[o + 3] as number) << 24)) >>> 0;
  }

  write16(addr: number, value: number): void {
    const u8 = this.bus8();
    const o = this.dmaOffset(addr, 2);
    this.ram.noteWrite(o, 2);
    u8[o] = value;
    u8[o + 1] = value >>> 8;
  }

  write32(addr: number, value: number): void {
    const u8 = this.bus8();
    const o = this.dmaOffset(addr, 4);
    this.ram.noteWrite(o, 4);
    u8[o] = value;
    u8[o + 1] = value >>> 8;
    u8[o + 2] = value >>> 16;
    u8[o + 3] = value >>> 24;
  }

  private bus8(): Uint8Array {
    return this.ram.u8;
  }
}
