/**
 * The device side of a split virtqueue (virtio 1.x §2.7 "Split Virtqueues").
 *
 * Three areas of guest memory, located by the driver through the transport:
 *
 *   Descriptor Area: `num` descriptors of 16 bytes, 16-byte aligned
 *     +0  le64 addr    guest-physical buffer address
 *     +8  le32 len
 *     +12 le16 flags   NEXT (1): chain continues at `next`; WRITE (2): device-writable;
 *                      INDIRECT (4): addr/len is a table of further descriptors
 *     +14 le16 next
 *
 *   Driver Area ("available ring"), 2-byte aligned
 *     +0  le16 flags   NO_INTERRUPT (1): the driver does not want used-buffer notifications
 *     +2  le16 idx     where the driver will put its next entry (free-running, wraps at 2^16)
 *     +4  le16 ring[num]   heads of the chains made available
 *
 *   Device Area ("used ring"), 4-byte aligned
 *     +0  le16 flags
 *     +2  le16 idx     where the device will put its next entry
 *     +4  struct { le32 id; le32 len; } ring[num]   id = chain head, len = bytes written
 *
 * Every guest-memory access goes through the DmaPort, which refuses anything outside RAM.
 * Whatever the driver wrote is checked before it is trusted — head and next indices against the
 * table size, chain length against the table size (a loop can never be longer), indirect tables
 * against their rules, the avail index against the queue size — and a violation throws a
 * VirtqueueError, on which the transport marks the device DEVICE_NEEDS_RESET. The host never
 * loops, never indexes outside a table, and never touches memory that is not guest RAM.
 */
import type { DmaPort } from '../device.js';

/** Descriptor flags. */
export const VIRTQ_DESC_F = {
  NEXT: 1,
  WRITE: 2,
  INDIRECT: 4,
} as const;

/** Available ring flag: the driver asks for no used-buffer notifications. */
export const VIRTQ_AVAIL_F_NO_INTERRUPT = 1;

/** Largest queue size the split layout allows (§2.7: "The maximum Queue Size value is 32768"). */
export const VIRTQ_MAX_SIZE = 32768;

/** Byte layout of the three areas. */
export const VIRTQ_LAYOUT = {
  DESC_SIZE: 16,
  DESC_ADDR: 0,
  DESC_LEN: 8,
  DESC_FLAGS: 12,
  DESC_NEXT: 14,
  AVAIL_FLAGS: 0,
  AVAIL_IDX: 2,
  AVAIL_RING: 4,
  AVAIL_ELEM_SIZE: 2,
  USED_FLAGS: 0,
  USED_IDX: 2,
  USED_RING: 4,
  USED_ELEM_SIZE: 8,
  USED_ELEM_ID: 0,
  USED_ELEM_LEN: 4,
} as const;

const RING_INDEX_MASK = 0xffff;
const LE16_BYTES = 2;
const LE32_BYTES = 4;
const TWO_POW_32 = 0x1_0000_0000;
const HIGH_WORD = 4;

/** The driver broke a rule of the virtqueue; the device cannot go on and needs a reset. */
export class VirtqueueError extends Error {
  override readonly name = 'VirtqueueError';
}

/** One guest buffer: a physical address below 4 GiB and a length. */
export interface BufferSegment {
  readonly addr: number;
  readonly len: number;
}

/** A request as the device sees it: the chain's device-readable buffers, then its
 *  device-writable ones, in chain order. */
export interface DescriptorChain {
  readonly head: number;
  readonly readable: readonly BufferSegment[];
  readonly writable: readonly BufferSegment[];
  readonly readableLength: number;
  readonly writableLength: number;
}

export class SplitVirtqueue {
  /** Queue size the driver chose (QueueNum). */
  num = 0;
  ready = false;
  /** Guest-physical addresses of the three areas (64-bit values as the driver wrote them). */
  descAddr = 0;
  driverAddr = 0;
  deviceAddr = 0;
  /** Next avail ring index the device will consume. */
  lastAvailIdx = 0;
  /** Next used ring index the device will fill. */
  usedIdx = 0;

  constructor(private readonly dma: DmaPort, readonly numMax: number) {
    if (numMax < 1 || numMax > VIRTQ_MAX_SIZE || (numMax & (numMax - 1)) !== 0) {
      throw new RangeError(`virtqueue maximum size ${numMax} is not a power of 2 in 1..${VIRTQ_MAX_SIZE}`);
    }
  }

  reset(): void {
    this.num = 0;
    this.ready = false;
    this.descAddr = this.driverAddr = this.deviceAddr = 0;
    this.lastAvailIdx = this.usedIdx = 0;
  }

  /** Check what the driver configured before using it. */
  validate(): void {
    const n = this.num;
    if (n < 1 || n > this.numMax || (n & (n - 1)) !== 0) {
      throw new VirtqueueError(`queue size ${n} is not a power of 2 in 1..${this.numMax}`);
    }
  }

  /** The driver's avail idx. */
  availIdx(): number {
    return this.dma.read16(this.guest(this.driverAddr + VIRTQ_LAYOUT.AVAIL_IDX, LE16_BYTES));
  }

  /** Whether the driver has asked not to be notified of used buffers. */
  interruptSuppressed(): boolean {
    const flags = this.dma.read16(this.guest(this.driverAddr + VIRTQ_LAYOUT.AVAIL_FLAGS, LE16_BYTES));
    return (flags & VIRTQ_AVAIL_F_NO_INTERRUPT) !== 0;
  }

  /** Chains available and not yet consumed, up to avail index `upTo`; a driver cannot have more
   *  outstanding than the queue holds. */
  outstanding(upTo: number): number {
    const count = (upTo - this.lastAvailIdx) & RING_INDEX_MASK;
    if (count > this.num) {
      throw new VirtqueueError(`avail idx ${upTo} is ${count} entries ahead of the device, more than the queue size ${this.num}`);
    }
    return count;
  }

  /** Take the next available chain and walk it. `indirect`: VIRTIO_F_INDIRECT_DESC negotiated. */
  pop(indirect: boolean): DescriptorChain {
    const slot = this.lastAvailIdx % this.num;
    const head = this.dma.read16(this.guest(this.driverAddr + VIRTQ_LAYOUT.AVAIL_RING + slot * VIRTQ_LAYOUT.AVAIL_ELEM_SIZE, LE16_BYTES));
    const chain = this.walk(head, indirect);
    this.lastAvailIdx = (this.lastAvailIdx + 1) & RING_INDEX_MASK;
    return chain;
  }

  /** Return chain `head` to the driver with `len` bytes written into its buffers. */
  pushUsed(head: number, len: number): void {
    const slot = this.usedIdx % this.num;
    const elem = this.deviceAddr + VIRTQ_LAYOUT.USED_RING + slot * VIRTQ_LAYOUT.USED_ELEM_SIZE;
    this.dma.write32(this.guest(elem + VIRTQ_LAYOUT.USED_ELEM_ID, LE32_BYTES), head);
    this.dma.write32(this.guest(elem + VIRTQ_LAYOUT.USED_ELEM_LEN, LE32_BYTES), len);
    // The element is complete before idx exposes it.
    this.usedIdx = (this.usedIdx + 1) & RING_INDEX_MASK;
    this.dma.write16(this.guest(this.deviceAddr + VIRTQ_LAYOUT.USED_IDX, LE16_BYTES), this.usedIdx);
  }

  private walk(head: number, indirectAllowed: boolean): DescriptorChain {
    const readable: BufferSegment[] = [];
    const writable: BufferSegment[] = [];
    let readableLength = 0;
    let writableLength = 0;
    let table = this.descAddr;
    let tableSize = this.num;
    let inIndirect = false;
    let index = head;
    let seen = 0;
    for (;;) {
      if (index >= tableSize) {
        throw new VirtqueueError(`descriptor index ${index} out of range (${inIndirect ? 'indirect table' : 'queue'} size ${tableSize})`);
      }
      // A chain visits each descriptor at most once, so a longer one must loop.
      if (++seen > tableSize) throw new VirtqueueError(`descriptor chain from head ${head} loops`);
      const d = this.guest(table + index * VIRTQ_LAYOUT.DESC_SIZE, VIRTQ_LAYOUT.DESC_SIZE);
      const addrLo = this.dma.read32(d + VIRTQ_LAYOUT.DESC_ADDR);
      const addrHi = this.dma.read32(d + VIRTQ_LAYOUT.DESC_ADDR + HIGH_WORD);
      const len = this.dma.read32(d + VIRTQ_LAYOUT.DESC_LEN);
      const flags = this.dma.read16(d + VIRTQ_LAYOUT.DESC_FLAGS);
      const next = this.dma.read16(d + VIRTQ_LAYOUT.DESC_NEXT);
      const addr = this.guest(addrHi * TWO_POW_32 + addrLo, len);

      if (flags & VIRTQ_DESC_F.INDIRECT) {
        if (!indirectAllowed) throw new VirtqueueError('indirect descriptor without VIRTIO_F_INDIRECT_DESC');
        if (inIndirect) throw new VirtqueueError('indirect descriptor inside an indirect table');
        if (flags & VIRTQ_DESC_F.NEXT) throw new VirtqueueError('indirect descriptor with NEXT set');
        if (len === 0 || len % VIRTQ_LAYOUT.DESC_SIZE !== 0) {
          throw new VirtqueueError(`indirect table length ${len} is not a positive multiple of ${VIRTQ_LAYOUT.DESC_SIZE}`);
        }
        table = addr;
        tableSize = len / VIRTQ_LAYOUT.DESC_SIZE;
        inIndirect = true;
        index = 0;
        seen = 0;
        continue;
      }

      if (flags & VIRTQ_DESC_F.WRITE) {
        writable.push({ addr, len });
        writableLength += len;
      } else {
        // §2.7.4: device-readable buffers come before device-writable ones.
        if (writable.length > 0) throw new VirtqueueError(`device-readable descriptor ${index} after a device-writable one`);
        readable.push({ addr, len });
        readableLength += len;
      }
      if (!(flags & VIRTQ_DESC_F.NEXT)) break;
      index = next;
    }
    return { head, readable, writable, readableLength, writableLength };
  }

  /** A guest-physical address that must, with `len` bytes after it, lie below 4 GiB; what
   *  the board cannot address is the driver's error, not a wrapped-around address. */
  private guest(addr: number, len: number): number {
    if (addr + len > TWO_POW_32) {
      throw new VirtqueueError(`buffer at 0x${addr.toString(16)} (+${len}) is beyond the 32-bit physical address space`);
    }
    return addr;
  }
}

// ---- moving bytes in and out of a chain's buffers ------------------------------------------

/** `len` bytes starting `offset` bytes into the concatenation of `segments`. */
export function gather(dma: DmaPort, segments: readonly BufferSegment[], offset: number, len: number): Uint8Array {
  const out = new Uint8Array(len);
  let skip = offset;
  let filled = 0;
  for (const seg of segments) {
    if (filled === len) break;
    if (skip >= seg.len) {
      skip -= seg.len;
      continue;
    }
    const n = Math.min(seg.len - skip, len - filled);
    out.set(dma.readBytes(seg.addr + skip, n), filled);
    filled += n;
    skip = 0;
  }
  if (filled < len) throw new VirtqueueError(`buffers hold ${offset + filled} bytes, ${offset + len} needed`);
  return out;
}

/** Write `data` starting `offset` bytes into the concatenation of `segments`. */
export function scatter(dma: DmaPort, segments: readonly BufferSegment[], offset: number, data: Uint8Array): void {
  let skip = offset;
  let done = 0;
  for (const seg of segments) {
    if (done === data.length) break;
    if (skip >= seg.len) {
      skip -= seg.len;
      continue;
    }
    const n = Math.min(seg.len - skip, data.length - done);
    dma.writeBytes(seg.addr + skip, data.subarray(done, done + n));
    done += n;
    skip = 0;
  }
  if (done < data.length) throw new VirtqueueError(`buffers hold ${offset + done} bytes, ${offset + data.length} needed`);
}
