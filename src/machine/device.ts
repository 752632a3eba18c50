/**
 * The one small interface every memory-mapped device implements, and the wiring types devices
 * use to reach the rest of the board (interrupt lines, DMA, simulated time).
 *
 * The bus maps a device at a base address; the device sees only offsets within its own range.
 * Accesses are 1, 2 or 4 bytes, naturally aligned (the bus rejects the rest before they arrive).
 */

export type AccessWidth = 1 | 2 | 4;

export interface Device {
  /** Short name for traces and errors ("uart0", "plic"). */
  readonly name: string;
  /** Bytes of address space the device decodes. */
  readonly size: number;
  /** Value of a `width`-byte read at `offset` (zero-extended, as an unsigned number). */
  read(offset: number, width: AccessWidth): number;
  write(offset: number, width: AccessWidth, value: number): void;
}

/** A level-sensitive interrupt line into an interrupt controller. */
export interface IrqLine {
  set(level: boolean): void;
}

/** Physical-memory access for bus-mastering devices (virtio). Throws BusError when the range
 *  is not RAM, so a guest that hands a device a wild pointer cannot reach host memory. */
export interface DmaPort {
  readBytes(addr: number, len: number): Uint8Array;
  writeBytes(addr: number, data: Uint8Array): void;
  read16(addr: number): number;
  read32(addr: number): number;
  write16(addr: number, value: number): void;
  write32(addr: number, value: number): void;
}

export class BusError extends Error {
  constructor(readonly addr: number, readonly what: string) {
    super(`${what} at physical address 0x${(addr >>> 0).toString(16).padStart(8, '0')}`);
  }
}

/** Simulated time as devices see it. */
export interface Clock {
  /** Current simulated cycle count. */
  cycles(): number;
  /** The mtime counter (derived from cycles at the board's fixed timebase). */
  mtime(): number;
  /** Cycle at which mtime first reaches `ticks`. */
  cycleOfMtime(ticks: number): number;
}

/** The hart's interrupt inputs: a device drives one bit of mip (MSIP, MTIP, MEIP, SEIP). */
export interface InterruptPins {
  setPending(mipBit: number, level: boolean): void;
}
