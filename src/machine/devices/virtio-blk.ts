/**
 * virtio-blk device model (virtio 1.x §5.2 "Block Device"), served through VirtioMmio.
 *
 * One request queue. A request is a descriptor chain:
 *
 *   device-readable   struct virtio_blk_req header (16 bytes)
 *                       +0 le32 type      IN 0, OUT 1, FLUSH 4, GET_ID 8, ...
 *                       +4 le32 reserved
 *                       +8 le64 sector    in 512-byte units, whatever blk_size says
 *   data              device-readable for OUT, device-writable for IN and GET_ID
 *   device-writable   u8 status           OK 0, IOERR 1, UNSUPP 2 (the chain's last byte)
 *
 * IN/OUT transfer a multiple of 512 bytes wholly within the disk, otherwise IOERR (as QEMU);
 * OUT on a read-only disk is IOERR; FLUSH syncs the backend; GET_ID returns the 20-byte
 * serial, NUL-padded when shorter; other types are UNSUPP. A backend failure is IOERR for
 * that request, not a crash. A chain without a full header or a status byte is malformed: the
 * transport marks the device DEVICE_NEEDS_RESET.
 *
 * Configuration space (struct virtio_blk_config), little-endian:
 *   0x00 le64 capacity (512-byte sectors)  0x08 le32 size_max  0x0c le32 seg_max
 *   0x10 geometry (le16 cylinders, u8 heads, u8 sectors)       0x14 le32 blk_size
 *   0x18 topology (u8 physical_block_exp, u8 alignment_offset, le16 min_io_size,
 *        le32 opt_io_size)  0x20 u8 writeback  0x22 le16 num_queues
 * Offered: SEG_MAX, BLK_SIZE, FLUSH, and RO for a read-only backend. Config writes are ignored
 * (writeback is only writable with CONFIG_WCE, which is not offered).
 */
import type { AccessWidth, DmaPort } from '../device.js';
import type { DiskBackend } from './disk.js';
import { featureBit, type VirtioDeviceModel } from './virtio-mmio.js';
import { gather, scatter, VIRTQ_MAX_SIZE, VirtqueueError, type DescriptorChain } from './virtqueue.js';

/** Virtio device ID of a block device (§5). */
export const VIRTIO_ID_BLOCK = 2;

/** Feature bits (§5.2.3), as bit numbers. */
export const VIRTIO_BLK_F = {
  SIZE_MAX: 1,
  SEG_MAX: 2,
  GEOMETRY: 4,
  RO: 5,
  BLK_SIZE: 6,
  FLUSH: 9,
  TOPOLOGY: 10,
  CONFIG_WCE: 11,
  MQ: 12,
  DISCARD: 13,
  WRITE_ZEROES: 14,
} as const;

/** Request types (§5.2.6). */
export const VIRTIO_BLK_T = {
  IN: 0,
  OUT: 1,
  FLUSH: 4,
  GET_ID: 8,
  GET_LIFETIME: 10,
  DISCARD: 11,
  WRITE_ZEROES: 13,
  SECURE_ERASE: 14,
} as const;

/** Request status values. */
export const VIRTIO_BLK_S = {
  OK: 0,
  IOERR: 1,
  UNSUPP: 2,
} as const;

/** Offsets in struct virtio_blk_config. */
export const VIRTIO_BLK_CONFIG = {
  capacity: 0x00,
  size_max: 0x08,
  seg_max: 0x0c,
  geometry: 0x10,
  blk_size: 0x14,
  topology: 0x18,
  writeback: 0x20,
  num_queues: 0x22,
  /** Bytes of the structure as implemented (through num_queues). */
  SIZE: 0x24,
} as const;

/** The unit of `sector` and of capacity. */
export const VIRTIO_BLK_SECTOR_SIZE = 512;
/** Length of the GET_ID string (VIRTIO_BLK_ID_BYTES). */
export const VIRTIO_BLK_ID_BYTES = 20;
/** Header bytes of every request. */
export const VIRTIO_BLK_REQ_HEADER_SIZE = 16;
const REQ_TYPE = 0;
const REQ_SECTOR = 8;
/** Offset of the high word of a le64. */
const HIGH_WORD = 4;
const STATUS_BYTES = 1;
const TWO_POW_32 = 0x1_0000_0000;
/** Request queue size offered (QEMU's default for virtio-blk). */
export const VIRTIO_BLK_DEFAULT_QUEUE_SIZE = 256;
/** Segments per request beyond the header and status descriptors (QEMU: queue size - 2). */
const NON_DATA_SEGMENTS = 2;
const REQUEST_QUEUE_COUNT = 1;

export interface VirtioBlkOptions {
  readonly backend: DiskBackend;
  /** Simulated cycles from notify to completion (default 0: completes at the next
   *  instruction boundary). */
  readonly latencyCycles?: number;
  /** GET_ID string, at most 20 bytes used. */
  readonly serial?: string;
  readonly queueSize?: number;
}

export class VirtioBlk implements VirtioDeviceModel {
  readonly deviceId = VIRTIO_ID_BLOCK;
  readonly features: bigint;
  readonly queueCount = REQUEST_QUEUE_COUNT;
  readonly queueNumMax: number;
  readonly latencyCycles: number;
  readonly backend: DiskBackend;
  /** Disk size in 512-byte sectors (a partial last sector is not addressable). */
  readonly capacity: number;
  private readonly config = new Uint8Array(VIRTIO_BLK_CONFIG.SIZE);
  private readonly id = new Uint8Array(VIRTIO_BLK_ID_BYTES);

  constructor(options: VirtioBlkOptions) {
    this.backend = options.backend;
    this.latencyCycles = options.latencyCycles ?? 0;
    this.queueNumMax = options.queueSize ?? VIRTIO_BLK_DEFAULT_QUEUE_SIZE;
    const q = this.queueNumMax;
    if (q <= NON_DATA_SEGMENTS || q > VIRTQ_MAX_SIZE || (q & (q - 1)) !== 0) {
      throw new RangeError(`virtio-blk queue size ${q} must be a power of 2 in 4..${VIRTQ_MAX_SIZE}`);
    }
    if (!(this.latencyCycles >= 0)) throw new RangeError(`virtio-blk latency ${this.latencyCycles} must be ≥ 0 cycles`);
    this.capacity = Math.floor(this.backend.size / VIRTIO_BLK_SECTOR_SIZE);
    this.features = featureBit(VIRTIO_BLK_F.SEG_MAX) | featureBit(VIRTIO_BLK_F.BLK_SIZE) |
      featureBit(VIRTIO_BLK_F.FLUSH) | (this.backend.readOnly ? featureBit(VIRTIO_BLK_F.RO) : 0n);
    this.id.set(new TextEncoder().encode(options.serial ?? 'pvlab-virtio-blk').subarray(0, VIRTIO_BLK_ID_BYTES));

    const view = new DataView(this.config.buffer);
    view.setBigUint64(VIRTIO_BLK_CONFIG.capacity, BigInt(this.capacity), true);
    view.setUint32(VIRTIO_BLK_CONFIG.seg_max, q - NON_DATA_SEGMENTS, true);
    view.setUint32(VIRTIO_BLK_CONFIG.blk_size, VIRTIO_BLK_SECTOR_SIZE, true);
    view.setUint16(VIRTIO_BLK_CONFIG.num_queues, REQUEST_QUEUE_COUNT, true);
  }

  readConfig(offset: number, width: AccessWidth): number {
    if (offset + width > this.config.length) return 0;
    let value = 0;
    for (let i = width - 1; i >= 0; i--) value = value * 0x100 + (this.config[offset + i] as number);
    return value;
  }

  writeConfig(_offset: number, _width: AccessWidth, _value: number): void {
    // Nothing in the configuration is driver-writable without CONFIG_WCE.
  }

  reset(): void {
    // No device state outlives a request.
  }

  handle(_queue: number, chain: DescriptorChain, dma: DmaPort): number {
    if (chain.readableLength < VIRTIO_BLK_REQ_HEADER_SIZE || chain.writableLength < STATUS_BYTES) {
      throw new VirtqueueError(`virtio-blk request ${chain.head} lacks its ${VIRTIO_BLK_REQ_HEADER_SIZE}-byte header or status byte`);
    }
    const header = new DataView(gather(dma, chain.readable, 0, VIRTIO_BLK_REQ_HEADER_SIZE).buffer);
    const type = header.getUint32(REQ_TYPE, true);
    const sector = header.getUint32(REQ_SECTOR + HIGH_WORD, true) * TWO_POW_32 + header.getUint32(REQ_SECTOR, true);
    const dataIn = chain.writableLength - STATUS_BYTES;

    let status: number = VIRTIO_BLK_S.OK;
    let written = 0;
    switch (type) {
      case VIRTIO_BLK_T.IN: {
        status = this.checkRange(sector, dataIn);
        if (status !== VIRTIO_BLK_S.OK) break;
        const data = new Uint8Array(dataIn);
        status = this.io(() => this.backend.read(sector * VIRTIO_BLK_SECTOR_SIZE, data));
        if (status !== VIRTIO_BLK_S.OK) break;
        scatter(dma, chain.writable, 0, data);
        written = dataIn;
        break;
      }
      case VIRTIO_BLK_T.OUT: {
        const dataOut = chain.readableLength - VIRTIO_BLK_REQ_HEADER_SIZE;
        status = this.backend.readOnly ? VIRTIO_BLK_S.IOERR : this.checkRange(sector, dataOut);
        if (status !== VIRTIO_BLK_S.OK) break;
        const data = gather(dma, chain.readable, VIRTIO_BLK_REQ_HEADER_SIZE, dataOut);
        status = this.io(() => this.backend.write(sector * VIRTIO_BLK_SECTOR_SIZE, data));
        break;
      }
      case VIRTIO_BLK_T.FLUSH:
        status = this.io(() => this.backend.flush());
        break;
      case VIRTIO_BLK_T.GET_ID: {
        const n = Math.min(VIRTIO_BLK_ID_BYTES, dataIn);
        scatter(dma, chain.writable, 0, this.id.subarray(0, n));
        written = n;
        break;
      }
      default:
        status = VIRTIO_BLK_S.UNSUPP;
        break;
    }
    scatter(dma, chain.writable, dataIn, Uint8Array.of(status));
    return written + STATUS_BYTES;
  }

  /** OK if `bytes` from `sector` is whole sectors wholly within the disk, else IOERR. */
  private checkRange(sector: number, bytes: number): number {
    if (bytes % VIRTIO_BLK_SECTOR_SIZE !== 0) return VIRTIO_BLK_S.IOERR;
    return sector + bytes / VIRTIO_BLK_SECTOR_SIZE <= this.capacity ? VIRTIO_BLK_S.OK : VIRTIO_BLK_S.IOERR;
  }

  /** Run a backend operation; a host I/O failure fails the request, not the host. */
  private io(op: () => void): number {
    try {
      op();
      return VIRTIO_BLK_S.OK;
    } catch {
      return VIRTIO_BLK_S.IOERR;
    }
  }
}
