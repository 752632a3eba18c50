import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  featureBit, FileDisk, MemoryDisk, VirtioBlk, VIRTIO_BLK_F, VIRTIO_BLK_ID_BYTES, VIRTIO_BLK_S, VIRTIO_BLK_T,
  VIRTIO_F, VIRTIO_MMIO, VIRTIO_MMIO_INT, VIRTIO_MMIO_MAGIC, VIRTIO_STATUS, VIRTIO_VENDOR_QEMU,
  VIRTQ_AVAIL_F_NO_INTERRUPT, VIRTQ_DESC_F, VIRTQ_LAYOUT, type DiskBackend,
} from '../../src/machine/devices/index.js';
import { AVAIL, DESC, QUEUE_SIZE, TestDriver } from './virtio-driver.js';

const SECTOR = 512;
const VERSION_1 = featureBit(VIRTIO_F.VERSION_1);

function pattern(len: number, seed: number): Uint8Array {
  return new Uint8Array(len).map((_, i) => (i * 7 + seed) & 0xff);
}

function diskOf(sectors: number): MemoryDisk {
  return new MemoryDisk(pattern(sectors * SECTOR, 3));
}

describe('virtio-mmio transport', () => {
  it('identifies as a version 2 block device from QEMU', () => {
    const d = TestDriver.forDisk(diskOf(8));
    expect(d.r(VIRTIO_MMIO.MagicValue)).toBe(VIRTIO_MMIO_MAGIC);
    expect(d.r(VIRTIO_MMIO.Version)).toBe(2);
    expect(d.r(VIRTIO_MMIO.DeviceID)).toBe(2);
    expect(d.r(VIRTIO_MMIO.VendorID)).toBe(VIRTIO_VENDOR_QEMU);
    expect(d.dev.size).toBe(0x200);
  });

  it('an empty slot reads as magic and version with DeviceID 0 and ignores writes', () => {
    const d = new TestDriver();
    expect(d.r(VIRTIO_MMIO.MagicValue)).toBe(0x7472_6976);
    expect(d.r(VIRTIO_MMIO.Version)).toBe(2);
    expect(d.r(VIRTIO_MMIO.DeviceID)).toBe(0);
    expect(d.r(VIRTIO_MMIO.VendorID)).toBe(VIRTIO_VENDOR_QEMU);
    d.w(VIRTIO_MMIO.Status, VIRTIO_STATUS.ACKNOWLEDGE);
    expect(d.status).toBe(0);
    expect(d.r(VIRTIO_MMIO.QueueNumMax)).toBe(0);
    expect(d.dev.read(VIRTIO_MMIO.Config, 4)).toBe(0);
  });

  it('offers VERSION_1 (bit 32), INDIRECT_DESC and the block features', () => {
    const d = TestDriver.forDisk(diskOf(8));
    const f = d.deviceFeatures();
    for (const bit of [VIRTIO_F.VERSION_1, VIRTIO_F.INDIRECT_DESC, VIRTIO_BLK_F.FLUSH, VIRTIO_BLK_F.BLK_SIZE, VIRTIO_BLK_F.SEG_MAX]) {
      expect(f & featureBit(bit)).not.toBe(0n);
    }
    expect(f & featureBit(VIRTIO_BLK_F.RO)).toBe(0n);
    d.w(VIRTIO_MMIO.DeviceFeaturesSel, 2);
    expect(d.r(VIRTIO_MMIO.DeviceFeatures)).toBe(0);
  });

  it('FEATURES_OK is refused without VERSION_1 or with features not offered', () => {
    const d = TestDriver.forDisk(diskOf(8));
    expect(d.negotiate(0n)).toBe(false);
    expect(d.negotiate(VERSION_1 | featureBit(VIRTIO_F.EVENT_IDX))).toBe(false);
    expect(d.negotiate(VERSION_1 | featureBit(VIRTIO_BLK_F.FLUSH))).toBe(true);
  });

  it('driver features are frozen after FEATURES_OK; writing 0 to Status resets everything', () => {
    const d = TestDriver.forDisk(diskOf(8));
    d.init();
    d.w(VIRTIO_MMIO.DriverFeaturesSel, 0);
    d.w(VIRTIO_MMIO.DriverFeatures, 0xffff_ffff); // ignored
    expect(d.status).toBe(VIRTIO_STATUS.ACKNOWLEDGE | VIRTIO_STATUS.DRIVER | VIRTIO_STATUS.FEATURES_OK | VIRTIO_STATUS.DRIVER_OK);
    expect(d.r(VIRTIO_MMIO.QueueReady)).toBe(1);
    d.w(VIRTIO_MMIO.Status, 0);
    expect(d.status).toBe(0);
    expect(d.r(VIRTIO_MMIO.QueueReady)).toBe(0);
    expect(d.r(VIRTIO_MMIO.InterruptStatus)).toBe(0);
  });

  it('QueueNumMax is the device maximum for queue 0 and 0 for queues that do not exist', () => {
    const d = TestDriver.forDisk(diskOf(8));
    d.w(VIRTIO_MMIO.QueueSel, 0);
    expect(d.r(VIRTIO_MMIO.QueueNumMax)).toBe(256);
    d.w(VIRTIO_MMIO.QueueSel, 1);
    expect(d.r(VIRTIO_MMIO.QueueNumMax)).toBe(0);
  });

  it('control registers answer 32-bit accesses only; config space any width', () => {
    const d = TestDriver.forDisk(diskOf(8));
    expect(d.dev.read(VIRTIO_MMIO.MagicValue, 1)).toBe(0);
    expect(d.dev.read(VIRTIO_MMIO.Config, 1)).toBe(8); // capacity, low byte
    expect(d.dev.read(VIRTIO_MMIO.Config, 2)).toBe(8);
  });

  it('ignores notifications before DRIVER_OK', () => {
    const d = TestDriver.forDisk(diskOf(8));
    d.negotiate(VERSION_1);
    d.w(VIRTIO_MMIO.QueueNum, QUEUE_SIZE);
    d.w(VIRTIO_MMIO.QueueDescLow, DESC >>> 0);
    d.w(VIRTIO_MMIO.QueueReady, 1);
    d.submit([{ addr: d.alloc(16), len: 16 }, { addr: d.alloc(1), len: 1, write: true }]);
    d.notify();
    d.clock.advance(1000);
    expect(d.usedIdx()).toBe(0);
  });
});

describe('virtio-blk', () => {
  it('exposes capacity, blk_size and seg_max in its configuration space', () => {
    const d = TestDriver.forDisk(diskOf(3000));
    const cfg = (off: number) => d.dev.read(VIRTIO_MMIO.Config + off, 4);
    expect(cfg(0x00)).toBe(3000);
    expect(cfg(0x04)).toBe(0);
    expect(cfg(0x0c)).toBe(254);
    expect(cfg(0x14)).toBe(SECTOR);
    expect(d.r(VIRTIO_MMIO.ConfigGeneration)).toBe(0);
  });

  it('reads sectors into guest memory and reports the bytes written', () => {
    const disk = diskOf(16);
    const d = TestDriver.forDisk(disk);
    d.init();
    const r = d.blk(VIRTIO_BLK_T.IN, 2, { len: 2 * SECTOR, write: true });
    expect(r.status).toBe(VIRTIO_BLK_S.OK);
    expect(r.len).toBe(2 * SECTOR + 1);
    expect(d.bus.readBytes(r.dataAddr, 2 * SECTOR)).toEqual(disk.bytes.slice(2 * SECTOR, 4 * SECTOR));
  });

  it('writes sectors from guest memory to the disk', () => {
    const disk = diskOf(16);
    const d = TestDriver.forDisk(disk);
    d.init();
    const data = pattern(3 * SECTOR, 99);
    const r = d.blk(VIRTIO_BLK_T.OUT, 5, { len: data.length, write: false, fill: data });
    expect(r.status).toBe(VIRTIO_BLK_S.OK);
    expect(r.len).toBe(1);
    expect(disk.bytes.slice(5 * SECTOR, 8 * SECTOR)).toEqual(data);
  });

  it('handles requests scattered over many descriptors, header split included', () => {
    const disk = diskOf(16);
    const d = TestDriver.forDisk(disk);
    d.init();
    const header = new Uint8Array(16);
    new DataView(header.buffer).setUint32(0, VIRTIO_BLK_T.IN, true);
    new DataView(header.buffer).setUint32(8, 1, true);
    const h = d.alloc(16, header);
    const a = d.alloc(100);
    const b = d.alloc(SECTOR - 100);
    const s = d.alloc(1);
    d.submit([{ addr: h, len: 5 }, { addr: h + 5, len: 11 }, { addr: a, len: 100, write: true },
      { addr: b, len: SECTOR - 100, write: true }, { addr: s, len: 1, write: true }]);
    d.notify();
    d.clock.advance(1);
    expect(d.bus.read32(s) & 0xff).toBe(VIRTIO_BLK_S.OK);
    const got = new Uint8Array([...d.bus.readBytes(a, 100), ...d.bus.readBytes(b, SECTOR - 100)]);
    expect(got).toEqual(disk.bytes.slice(SECTOR, 2 * SECTOR));
  });

  it('flushes the backend', () => {
    let flushes = 0;
    const mem = diskOf(4);
    const backend: DiskBackend = {
      size: mem.size, readOnly: false, read: (o, i) => mem.read(o, i), write: (o, x) => mem.write(o, x),
      flush: () => { flushes++; }, close: () => {},
    };
    const d = TestDriver.forDisk(backend);
    d.init();
    expect(d.blk(VIRTIO_BLK_T.FLUSH, 0).status).toBe(VIRTIO_BLK_S.OK);
    expect(flushes).toBe(1);
  });

  it('GET_ID returns the 20-byte serial, NUL-padded', () => {
    const d = new TestDriver(new VirtioBlk({ backend: diskOf(4), serial: 'disk-7' }));
    d.init();
    const r = d.blk(VIRTIO_BLK_T.GET_ID, 0, { len: VIRTIO_BLK_ID_BYTES, write: true });
    expect(r.status).toBe(VIRTIO_BLK_S.OK);
    expect(r.len).toBe(VIRTIO_BLK_ID_BYTES + 1);
    const id = d.bus.readBytes(r.dataAddr, VIRTIO_BLK_ID_BYTES);
    expect(new TextDecoder().decode(id.subarray(0, 6))).toBe('disk-7');
    expect([...id.subarray(6)].every((b) => b === 0)).toBe(true);
  });

  it('IOERR for transfers beyond capacity or not whole sectors; UNSUPP for unknown types', () => {
    const disk = diskOf(8);
    const before = disk.bytes.slice();
    const d = TestDriver.forDisk(disk);
    d.init();
    expect(d.blk(VIRTIO_BLK_T.IN, 7, { len: 2 * SECTOR, write: true }).status).toBe(VIRTIO_BLK_S.IOERR);
    expect(d.blk(VIRTIO_BLK_T.IN, 8, { len: SECTOR, write: true }).status).toBe(VIRTIO_BLK_S.IOERR);
    expect(d.blk(VIRTIO_BLK_T.OUT, 2 ** 40, { len: SECTOR, write: false }).status).toBe(VIRTIO_BLK_S.IOERR);
    expect(d.blk(VIRTIO_BLK_T.OUT, 0, { len: 100, write: false }).status).toBe(VIRTIO_BLK_S.IOERR);
    expect(d.blk(VIRTIO_BLK_T.IN, 7, { len: SECTOR, write: true }).status).toBe(VIRTIO_BLK_S.OK);
    expect(d.blk(VIRTIO_BLK_T.DISCARD, 0, { len: 16, write: false }).status).toBe(VIRTIO_BLK_S.UNSUPP);
    expect(disk.bytes).toEqual(before);
    expect(d.status & VIRTIO_STATUS.DEVICE_NEEDS_RESET).toBe(0);
  });

  it('a read-only disk offers RO and fails writes with IOERR', () => {
    const disk = new MemoryDisk(new Uint8Array(4 * SECTOR), { readOnly: true });
    const d = TestDriver.forDisk(disk);
    expect(d.deviceFeatures() & featureBit(VIRTIO_BLK_F.RO)).not.toBe(0n);
    d.init();
    expect(d.blk(VIRTIO_BLK_T.OUT, 0, { len: SECTOR, write: false, fill: pattern(SECTOR, 1) }).status).toBe(VIRTIO_BLK_S.IOERR);
    expect(disk.bytes.every((b) => b === 0)).toBe(true);
  });

  it('a failing backend fails the request, not the host', () => {
    const backend: DiskBackend = {
      size: 4 * SECTOR, readOnly: false, close: () => {},
      read: () => { throw new Error('EIO'); }, write: () => { throw new Error('EIO'); }, flush: () => { throw new Error('EIO'); },
    };
    const d = TestDriver.forDisk(backend);
    d.init();
    expect(d.blk(VIRTIO_BLK_T.IN, 0, { len: SECTOR, write: true }).status).toBe(VIRTIO_BLK_S.IOERR);
    expect(d.blk(VIRTIO_BLK_T.FLUSH, 0).status).toBe(VIRTIO_BLK_S.IOERR);
  });

  it('raises InterruptStatus bit 0 and the IRQ line on completion; InterruptACK lowers them', () => {
    const d = TestDriver.forDisk(diskOf(8));
    d.init();
    d.blk(VIRTIO_BLK_T.IN, 0, { len: SECTOR, write: true });
    expect(d.r(VIRTIO_MMIO.InterruptStatus)).toBe(VIRTIO_MMIO_INT.VRING);
    expect(d.irq.level).toBe(true);
    d.w(VIRTIO_MMIO.InterruptACK, VIRTIO_MMIO_INT.VRING);
    expect(d.r(VIRTIO_MMIO.InterruptStatus)).toBe(0);
    expect(d.irq.level).toBe(false);
  });

  it('completes after exactly the modeled latency, in simulated cycles', () => {
    const d = TestDriver.forDisk(diskOf(8), 500);
    d.init();
    d.clock.now = 1000;
    const s = d.alloc(1);
    const h = d.alloc(16, new Uint8Array(16)); // T_IN of sector 0 ...
    const buf = d.alloc(SECTOR);
    d.submit([{ addr: h, len: 16 }, { addr: buf, len: SECTOR, write: true }, { addr: s, len: 1, write: true }]);
    d.notify();
    d.clock.runTo(1499);
    expect(d.usedIdx()).toBe(0);
    expect(d.irq.level).toBe(false);
    d.clock.runTo(1500);
    expect(d.usedIdx()).toBe(1);
    expect(d.irq.level).toBe(true);
  });

  it('each notify completes its own batch at its own time', () => {
    const d = TestDriver.forDisk(diskOf(8), 100);
    d.init();
    const req = () => {
      const h = d.alloc(16, new Uint8Array(16));
      d.submit([{ addr: h, len: 16 }, { addr: d.alloc(SECTOR), len: SECTOR, write: true }, { addr: d.alloc(1), len: 1, write: true }]);
    };
    req();
    d.notify();
    d.clock.runTo(50);
    req();
    d.notify();
    d.clock.runTo(100);
    expect(d.usedIdx()).toBe(1);
    d.clock.runTo(149);
    expect(d.usedIdx()).toBe(1);
    d.clock.runTo(150);
    expect(d.usedIdx()).toBe(2);
  });

  it('honours VIRTQ_AVAIL_F_NO_INTERRUPT', () => {
    const d = TestDriver.forDisk(diskOf(8));
    d.init();
    d.bus.write16(AVAIL + VIRTQ_LAYOUT.AVAIL_FLAGS, VIRTQ_AVAIL_F_NO_INTERRUPT);
    d.blk(VIRTIO_BLK_T.IN, 0, { len: SECTOR, write: true });
    expect(d.irq.level).toBe(false);
    expect(d.r(VIRTIO_MMIO.InterruptStatus)).toBe(0);
  });

  it('follows indirect descriptor tables when INDIRECT_DESC is negotiated', () => {
    const disk = diskOf(8);
    const d = TestDriver.forDisk(disk);
    d.init(VERSION_1 | featureBit(VIRTIO_F.INDIRECT_DESC));
    const header = new Uint8Array(16);
    new DataView(header.buffer).setUint32(8, 3, true); // T_IN sector 3
    const h = d.alloc(16, header);
    const buf = d.alloc(SECTOR);
    const s = d.alloc(1);
    const table = d.alloc(3 * VIRTQ_LAYOUT.DESC_SIZE);
    d.writeDesc(table, 0, { addr: h, len: 16 }, true, 1);
    d.writeDesc(table, 1, { addr: buf, len: SECTOR, write: true }, true, 2);
    d.writeDesc(table, 2, { addr: s, len: 1, write: true }, false, 0);
    d.submit([{ addr: table, len: 3 * VIRTQ_LAYOUT.DESC_SIZE, flags: VIRTQ_DESC_F.INDIRECT }]);
    d.notify();
    d.clock.advance(1);
    expect(d.bus.read32(s) & 0xff).toBe(VIRTIO_BLK_S.OK);
    expect(d.bus.readBytes(buf, SECTOR)).toEqual(disk.bytes.slice(3 * SECTOR, 4 * SECTOR));
  });
});

describe('virtio-blk with a misbehaving driver', () => {
  /** Submit `segments` as one chain and expect the device to stop with DEVICE_NEEDS_RESET. */
  function expectNeedsReset(d: TestDriver, why: RegExp): void {
    d.notify();
    d.clock.advance(10);
    expect(d.status & VIRTIO_STATUS.DEVICE_NEEDS_RESET).toBe(VIRTIO_STATUS.DEVICE_NEEDS_RESET);
    expect(d.dev.error).toMatch(why);
    // A configuration-change interrupt tells the running driver.
    expect(d.r(VIRTIO_MMIO.InterruptStatus) & VIRTIO_MMIO_INT.CONFIG).toBe(VIRTIO_MMIO_INT.CONFIG);
    expect(d.irq.level).toBe(true);
  }

  function ready(): TestDriver {
    const d = TestDriver.forDisk(diskOf(8));
    d.init();
    return d;
  }

  it('a buffer outside RAM: NEEDS_RESET, then ignores notifies until reset', () => {
    const d = ready();
    const h = d.alloc(16, new Uint8Array(16));
    d.submit([{ addr: h, len: 16 }, { addr: 0x1000_0000, len: SECTOR, write: true }, { addr: d.alloc(1), len: 1, write: true }]);
    expectNeedsReset(d, /outside RAM/);
    // Driver writes to Status cannot clear the bit.
    d.w(VIRTIO_MMIO.Status, d.status & ~VIRTIO_STATUS.DEVICE_NEEDS_RESET);
    expect(d.status & VIRTIO_STATUS.DEVICE_NEEDS_RESET).not.toBe(0);
    // Recovery: reset and initialize again; the device works.
    d.w(VIRTIO_MMIO.Status, 0);
    expect(d.dev.error).toBeUndefined();
    expect(d.irq.level).toBe(false);
    d.bus.writeBytes(AVAIL, new Uint8Array(4));
    d.availIdx = 0;
    d.init();
    expect(d.blk(VIRTIO_BLK_T.IN, 0, { len: SECTOR, write: true }).status).toBe(VIRTIO_BLK_S.OK);
  });

  it('a descriptor table outside RAM', () => {
    const d = ready();
    d.w(VIRTIO_MMIO.Status, 0);
    d.negotiate(VERSION_1);
    d.w(VIRTIO_MMIO.QueueNum, QUEUE_SIZE);
    d.w(VIRTIO_MMIO.QueueDescLow, 0x100);
    d.w(VIRTIO_MMIO.QueueDriverLow, AVAIL >>> 0);
    d.w(VIRTIO_MMIO.QueueDeviceLow, 0xffff_fff0);
    d.w(VIRTIO_MMIO.QueueReady, 1);
    d.w(VIRTIO_MMIO.Status, d.status | VIRTIO_STATUS.DRIVER_OK);
    d.makeAvailable(0);
    expectNeedsReset(d, /outside RAM/);
  });

  it('an address above 4 GiB is not wrapped into RAM', () => {
    const d = ready();
    const h = d.alloc(16, new Uint8Array(16));
    d.submit([{ addr: 0x1_0000_0000 + h, len: 16 }, { addr: d.alloc(1), len: 1, write: true }]);
    expectNeedsReset(d, /32-bit physical address space/);
  });

  it('a loop in a descriptor chain', () => {
    const d = ready();
    const h = d.alloc(16, new Uint8Array(16));
    d.submit([{ addr: h, len: 16 }, { addr: h, len: 16, next: 0 }]); // 1 -> 0 -> 1 -> ...
    expectNeedsReset(d, /loops/);
  });

  it('a head index out of range', () => {
    const d = ready();
    d.makeAvailable(QUEUE_SIZE + 3);
    expectNeedsReset(d, /descriptor index 11 out of range/);
  });

  it('a next index out of range', () => {
    const d = ready();
    d.submit([{ addr: d.alloc(16, new Uint8Array(16)), len: 16, next: 0x7fff }]);
    expectNeedsReset(d, /descriptor index 32767 out of range/);
  });

  it('an avail index further ahead than the queue holds', () => {
    const d = ready();
    d.bus.write16(AVAIL + VIRTQ_LAYOUT.AVAIL_IDX, QUEUE_SIZE + 1);
    expectNeedsReset(d, /more than the queue size/);
  });

  it('a request without a header or without a status byte', () => {
    const d = ready();
    d.submit([{ addr: d.alloc(8), len: 8 }, { addr: d.alloc(1), len: 1, write: true }]);
    expectNeedsReset(d, /header or status/);
    const e = ready();
    e.submit([{ addr: e.alloc(16, new Uint8Array(16)), len: 16 }]);
    expectNeedsReset(e, /header or status/);
  });

  it('a device-readable descriptor after a device-writable one', () => {
    const d = ready();
    d.submit([{ addr: d.alloc(16, new Uint8Array(16)), len: 16 }, { addr: d.alloc(1), len: 1, write: true },
      { addr: d.alloc(16), len: 16 }]);
    expectNeedsReset(d, /device-readable descriptor .* after a device-writable/);
  });

  it('an indirect descriptor that was not negotiated', () => {
    const d = ready();
    d.submit([{ addr: d.alloc(32), len: 32, flags: VIRTQ_DESC_F.INDIRECT }]);
    expectNeedsReset(d, /INDIRECT_DESC/);
  });

  it('a queue size that is not a power of 2 or exceeds QueueNumMax', () => {
    const d = TestDriver.forDisk(diskOf(8));
    d.init(VERSION_1, 6);
    d.submit([{ addr: d.alloc(16, new Uint8Array(16)), len: 16 }, { addr: d.alloc(1), len: 1, write: true }]);
    expectNeedsReset(d, /not a power of 2/);
  });

  it('a notify for a queue that does not exist is ignored', () => {
    const d = ready();
    d.notify(5);
    d.notify(0xffff_ffff);
    d.clock.advance(10);
    expect(d.status & VIRTIO_STATUS.DEVICE_NEEDS_RESET).toBe(0);
  });
});

describe('disk backends', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  function tempImage(bytes: Uint8Array): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pvlab-disk-'));
    dirs.push(dir);
    const file = path.join(dir, 'disk.img');
    fs.writeFileSync(file, bytes);
    return file;
  }

  it('a file-backed disk serves reads and persists writes', () => {
    const file = tempImage(pattern(8 * SECTOR, 5));
    const disk = new FileDisk(file);
    try {
      const d = TestDriver.forDisk(disk);
      d.init();
      const r = d.blk(VIRTIO_BLK_T.IN, 1, { len: SECTOR, write: true });
      expect(d.bus.readBytes(r.dataAddr, SECTOR)).toEqual(pattern(8 * SECTOR, 5).slice(SECTOR, 2 * SECTOR));
      const data = pattern(2 * SECTOR, 77);
      expect(d.blk(VIRTIO_BLK_T.OUT, 6, { len: data.length, write: false, fill: data }).status).toBe(VIRTIO_BLK_S.OK);
      expect(d.blk(VIRTIO_BLK_T.FLUSH, 0).status).toBe(VIRTIO_BLK_S.OK);
    } finally {
      disk.close();
    }
    const onDisk = fs.readFileSync(file);
    expect(new Uint8Array(onDisk.subarray(6 * SECTOR, 8 * SECTOR))).toEqual(pattern(2 * SECTOR, 77));
    expect(onDisk.length).toBe(8 * SECTOR);
  });

  it('a read-only file disk refuses writes and the file is untouched', () => {
    const file = tempImage(new Uint8Array(2 * SECTOR));
    const disk = new FileDisk(file, { readOnly: true });
    expect(disk.readOnly).toBe(true);
    expect(() => disk.write(0, new Uint8Array(SECTOR))).toThrow(/read-only/);
    disk.close();
    expect(fs.readFileSync(file).every((b) => b === 0)).toBe(true);
  });

  it('names the file when an image cannot be opened', () => {
    expect(() => new FileDisk('/nonexistent/pvlab.img')).toThrow(/cannot open disk image '\/nonexistent\/pvlab.img'/);
  });

  it('capacity ignores a partial last sector', () => {
    expect(new VirtioBlk({ backend: new MemoryDisk(SECTOR * 3 + 100) }).capacity).toBe(3);
  });
});
