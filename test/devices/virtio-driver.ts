/**
 * A minimal guest-side virtio-mmio driver for tests: it performs the handshake through the
 * transport's registers and builds split-virtqueue requests in guest RAM through the Bus,
 * the way a kernel driver would.
 */
import { Bus } from '../../src/machine/bus.js';
import {
  featureBit, VirtioBlk, VirtioMmio, VIRTIO_BLK_REQ_HEADER_SIZE, VIRTIO_F, VIRTIO_MMIO, VIRTIO_STATUS,
  VIRTQ_DESC_F, VIRTQ_LAYOUT, type DiskBackend,
} from '../../src/machine/devices/index.js';
import { Ram } from '../../src/machine/ram.js';
import { FakeClock, FakeIrq } from './fakes.js';

export const RAM_BASE = 0x8000_0000;
export const RAM_SIZE = 0x10_0000;
export const DESC = RAM_BASE + 0x1000;
export const AVAIL = RAM_BASE + 0x2000;
export const USED = RAM_BASE + 0x3000;
const HEAP = RAM_BASE + 0x1_0000;
export const QUEUE_SIZE = 8;

export interface Segment {
  addr: number;
  len: number;
  write?: boolean;
  /** Extra flags (e.g. INDIRECT), and an explicit next index to build broken chains. */
  flags?: number;
  next?: number;
}

export class TestDriver {
  readonly bus = new Bus();
  readonly ram = new Ram(RAM_SIZE);
  readonly clock = new FakeClock(10);
  readonly irq = new FakeIrq();
  readonly dev: VirtioMmio;
  private heap = HEAP;
  private nextDesc = 0;
  availIdx = 0;

  constructor(readonly model?: VirtioBlk) {
    this.bus.mapRam(RAM_BASE, this.ram);
    this.dev = new VirtioMmio({
      device: model, dma: this.bus, irq: this.irq, clock: this.clock, events: this.clock.events, name: 'virtio0',
    });
  }

  static forDisk(backend: DiskBackend, latencyCycles = 0): TestDriver {
    return new TestDriver(new VirtioBlk({ backend, latencyCycles }));
  }

  r(reg: number): number {
    return this.dev.read(reg, 4);
  }

  w(reg: number, value: number): void {
    this.dev.write(reg, 4, value);
  }

  get status(): number {
    return this.r(VIRTIO_MMIO.Status);
  }

  /** Device features as one bigint. */
  deviceFeatures(): bigint {
    this.w(VIRTIO_MMIO.DeviceFeaturesSel, 0);
    const lo = BigInt(this.r(VIRTIO_MMIO.DeviceFeatures));
    this.w(VIRTIO_MMIO.DeviceFeaturesSel, 1);
    return (BigInt(this.r(VIRTIO_MMIO.DeviceFeatures)) << 32n) | lo;
  }

  /** §3.1.1 driver initialization up to FEATURES_OK; returns whether the device accepted. */
  negotiate(features: bigint): boolean {
    this.w(VIRTIO_MMIO.Status, 0);
    this.w(VIRTIO_MMIO.Status, VIRTIO_STATUS.ACKNOWLEDGE);
    this.w(VIRTIO_MMIO.Status, VIRTIO_STATUS.ACKNOWLEDGE | VIRTIO_STATUS.DRIVER);
    this.w(VIRTIO_MMIO.DriverFeaturesSel, 0);
    this.w(VIRTIO_MMIO.DriverFeatures, Number(features & 0xffff_ffffn));
    this.w(VIRTIO_MMIO.DriverFeaturesSel, 1);
    this.w(VIRTIO_MMIO.DriverFeatures, Number(features >> 32n));
    this.w(VIRTIO_MMIO.Status, this.status | VIRTIO_STATUS.FEATURES_OK);
    return (this.status & VIRTIO_STATUS.FEATURES_OK) !== 0;
  }

  /** Full handshake: features, queue 0 at DESC/AVAIL/USED, DRIVER_OK. */
  init(features = featureBit(VIRTIO_F.VERSION_1), queueSize = QUEUE_SIZE): void {
    if (!this.negotiate(features)) throw new Error('features refused');
    this.w(VIRTIO_MMIO.QueueSel, 0);
    this.w(VIRTIO_MMIO.QueueNum, queueSize);
    this.w(VIRTIO_MMIO.QueueDescLow, DESC >>> 0);
    this.w(VIRTIO_MMIO.QueueDescHigh, 0);
    this.w(VIRTIO_MMIO.QueueDriverLow, AVAIL >>> 0);
    this.w(VIRTIO_MMIO.QueueDriverHigh, 0);
    this.w(VIRTIO_MMIO.QueueDeviceLow, USED >>> 0);
    this.w(VIRTIO_MMIO.QueueDeviceHigh, 0);
    this.w(VIRTIO_MMIO.QueueReady, 1);
    this.w(VIRTIO_MMIO.Status, this.status | VIRTIO_STATUS.DRIVER_OK);
  }

  alloc(len: number, fill?: Uint8Array): number {
    const addr = this.heap;
    this.heap += (len + 15) & ~15;
    if (fill) this.bus.writeBytes(addr, fill);
    return addr;
  }

  /** Write one descriptor at `index` of the table at `table`. */
  writeDesc(table: number, index: number, seg: Segment, hasNext: boolean, next: number): void {
    const d = table + index * VIRTQ_LAYOUT.DESC_SIZE;
    const flags = (seg.flags ?? 0) | (seg.write ? VIRTQ_DESC_F.WRITE : 0) | (hasNext ? VIRTQ_DESC_F.NEXT : 0);
    this.bus.write32(d + VIRTQ_LAYOUT.DESC_ADDR, seg.addr >>> 0);
    this.bus.write32(d + VIRTQ_LAYOUT.DESC_ADDR + 4, Math.floor(seg.addr / 0x1_0000_0000));
    this.bus.write32(d + VIRTQ_LAYOUT.DESC_LEN, seg.len);
    this.bus.write16(d + VIRTQ_LAYOUT.DESC_FLAGS, flags);
    this.bus.write16(d + VIRTQ_LAYOUT.DESC_NEXT, seg.next ?? next);
  }

  /** Put a chain in the descriptor table and make it available; returns its head. */
  submit(segments: Segment[]): number {
    const head = this.nextDesc % QUEUE_SIZE;
    segments.forEach((seg, i) => {
      const index = (this.nextDesc + i) % QUEUE_SIZE;
      const hasNext = i < segments.length - 1 || seg.next !== undefined;
      this.writeDesc(DESC, index, seg, hasNext, (index + 1) % QUEUE_SIZE);
    });
    this.nextDesc += segments.length;
    this.makeAvailable(head);
    return head;
  }

  makeAvailable(head: number): void {
    this.bus.write16(AVAIL + VIRTQ_LAYOUT.AVAIL_RING + (this.availIdx % QUEUE_SIZE) * 2, head);
    this.availIdx = (this.availIdx + 1) & 0xffff;
    this.bus.write16(AVAIL + VIRTQ_LAYOUT.AVAIL_IDX, this.availIdx);
  }

  notify(queue = 0): void {
    this.w(VIRTIO_MMIO.QueueNotify, queue);
  }

  usedIdx(): number {
    return this.bus.read16(USED + VIRTQ_LAYOUT.USED_IDX);
  }

  usedElem(i: number): { id: number; len: number } {
    const e = USED + VIRTQ_LAYOUT.USED_RING + (i % QUEUE_SIZE) * VIRTQ_LAYOUT.USED_ELEM_SIZE;
    return { id: this.bus.read32(e), len: this.bus.read32(e + 4) };
  }

  /** Submit a block request (header, optional data, status), notify, and run the clock until
   *  it completes. Returns the status byte, the used length, and the data buffer's address. */
  blk(type: number, sector: number, data?: { len: number; write: boolean; fill?: Uint8Array }):
    { status: number; len: number; dataAddr: number } {
    const header = new Uint8Array(VIRTIO_BLK_REQ_HEADER_SIZE);
    const view = new DataView(header.buffer);
    view.setUint32(0, type, true);
    view.setBigUint64(8, BigInt(sector), true);
    const h = this.alloc(header.length, header);
    const segs: Segment[] = [{ addr: h, len: header.length }];
    let dataAddr = 0;
    if (data) {
      dataAddr = this.alloc(data.len, data.fill);
      segs.push({ addr: dataAddr, len: data.len, write: data.write });
    }
    const s = this.alloc(1, Uint8Array.of(0xff));
    segs.push({ addr: s, len: 1, write: true });
    const before = this.usedIdx();
    this.submit(segs);
    this.notify();
    this.clock.runTo(this.clock.now + 1_000_000);
    if (this.usedIdx() === before) throw new Error(`request not completed; status 0x${this.status.toString(16)} ${this.dev.error ?? ''}`);
    const elem = this.usedElem(before);
    return { status: this.bus.read32(s) & 0xff, len: elem.len, dataAddr };
  }
}
