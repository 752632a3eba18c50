/**
 * virtio-mmio transport, version 2 (virtio 1.x §4.2 "Virtio Over MMIO").
 *
 *   0x000 MagicValue         R   0x74726976 ("virt")
 *   0x004 Version            R   2
 *   0x008 DeviceID           R   device type (2 = block); 0 = empty slot
 *   0x00c VendorID           R   0x554d4551 ("QEMU")
 *   0x010 DeviceFeatures     R   32 feature bits, selected by DeviceFeaturesSel
 *   0x014 DeviceFeaturesSel  W
 *   0x020 DriverFeatures     W   32 feature bits, selected by DriverFeaturesSel
 *   0x024 DriverFeaturesSel  W
 *   0x030 QueueSel           W
 *   0x034 QueueNumMax        R   0 if the selected queue does not exist
 *   0x038 QueueNum           W
 *   0x044 QueueReady         RW
 *   0x050 QueueNotify        W   queue index
 *   0x060 InterruptStatus    R   bit 0 used buffer, bit 1 configuration change
 *   0x064 InterruptACK       W
 *   0x070 Status             RW  writing 0 resets the device
 *   0x080 QueueDescLow/High        W (0x084)
 *   0x090 QueueDriverLow/High      W (0x094)
 *   0x0a0 QueueDeviceLow/High      W (0x0a4)
 *   0x0fc ConfigGeneration   R
 *   0x100 Config             RW  device-specific, any access width
 *
 * Control registers take 32-bit accesses only (§4.2.2.2); narrower ones read 0 and are
 * ignored, as on QEMU. Legacy (version 1) registers are not implemented.
 *
 * Requests complete in simulated time: a QueueNotify takes a snapshot of the avail index and
 * the chains up to it are served `latencyCycles` cycles later, in an EventQueue event — the
 * device model reads and writes guest memory, the used ring is filled, InterruptStatus bit 0
 * is set and the IRQ line raised. Nothing depends on host time.
 *
 * Anything a driver gets wrong in guest memory — a wild address, a looping chain, an index out
 * of range, a malformed request — stops the device: Status gets DEVICE_NEEDS_RESET, a
 * configuration-change interrupt is sent if the driver was running (§2.1.2), and the device
 * ignores notifications until the driver resets it. `error` says what went wrong.
 *
 * A slot with no device model behaves like QEMU's empty virtio-mmio slots: it reads as magic
 * and version with DeviceID 0 (drivers skip it), every other register reads 0, writes are ignored.
 */
import { BusError, type AccessWidth, type Clock, type Device, type DmaPort, type IrqLine } from '../device.js';
import type { EventQueue } from '../events.js';
import { SplitVirtqueue, VirtqueueError, type DescriptorChain } from './virtqueue.js';

/** Register offsets, by the spec's names. */
export const VIRTIO_MMIO = {
  MagicValue: 0x000,
  Version: 0x004,
  DeviceID: 0x008,
  VendorID: 0x00c,
  DeviceFeatures: 0x010,
  DeviceFeaturesSel: 0x014,
  DriverFeatures: 0x020,
  DriverFeaturesSel: 0x024,
  QueueSel: 0x030,
  QueueNumMax: 0x034,
  QueueNum: 0x038,
  QueueReady: 0x044,
  QueueNotify: 0x050,
  InterruptStatus: 0x060,
  InterruptACK: 0x064,
  Status: 0x070,
  QueueDescLow: 0x080,
  QueueDescHigh: 0x084,
  QueueDriverLow: 0x090,
  QueueDriverHigh: 0x094,
  QueueDeviceLow: 0x0a0,
  QueueDeviceHigh: 0x0a4,
  ConfigGeneration: 0x0fc,
  Config: 0x100,
} as const;

export const VIRTIO_MMIO_MAGIC = 0x7472_6976; // "virt", little-endian
export const VIRTIO_MMIO_VERSION = 2;
export const VIRTIO_VENDOR_QEMU = 0x554d_4551; // "QEMU", little-endian
/** Bytes each transport decodes (QEMU virt: 0x200 per slot, slots 0x1000 apart). */
export const VIRTIO_MMIO_SIZE = 0x200;

/** Device status bits (§2.1). */
export const VIRTIO_STATUS = {
  ACKNOWLEDGE: 1,
  DRIVER: 2,
  DRIVER_OK: 4,
  FEATURES_OK: 8,
  DEVICE_NEEDS_RESET: 64,
  FAILED: 128,
} as const;

/** InterruptStatus / InterruptACK bits. */
export const VIRTIO_MMIO_INT = {
  /** Used Buffer Notification. */
  VRING: 1,
  /** Configuration Change Notification. */
  CONFIG: 2,
} as const;

/** Device-independent feature bits (§6 "Reserved Feature Bits"), as bit numbers. */
export const VIRTIO_F = {
  INDIRECT_DESC: 28,
  EVENT_IDX: 29,
  VERSION_1: 32,
} as const;

/** A feature bit number as a mask. */
export function featureBit(bit: number): bigint {
  return 1n << BigInt(bit);
}

const FEATURE_WORD_BITS = 32n;
const FEATURE_WORD_MASK = 0xffff_ffffn;
const TWO_POW_32 = 0x1_0000_0000;
const WORD_BYTES = 4;
/** QueueReady: bit 0 is the ready bit. */
const QUEUE_READY = 1;
/** Features this transport and its virtqueues implement, offered on top of the device's. */
const TRANSPORT_FEATURES = featureBit(VIRTIO_F.VERSION_1) | featureBit(VIRTIO_F.INDIRECT_DESC);

/** What a virtio device type (block, console, ...) supplies to the transport. */
export interface VirtioDeviceModel {
  /** Virtio device ID (§5). */
  readonly deviceId: number;
  /** Device-specific feature bits offered; the transport adds VERSION_1 and INDIRECT_DESC. */
  readonly features: bigint;
  readonly queueCount: number;
  /** Largest queue size the device accepts, a power of 2 (QueueNumMax). */
  readonly queueNumMax: number;
  /** Simulated cycles from a notify to the completion of the requests it submitted. */
  readonly latencyCycles: number;
  /** Device configuration space; offsets past its end read 0. */
  readConfig(offset: number, width: AccessWidth): number;
  writeConfig(offset: number, width: AccessWidth, value: number): void;
  /** Serve one request from queue `queue`; returns the bytes written into its device-writable
   *  buffers. Throws VirtqueueError (or BusError from the DmaPort) for a malformed request. */
  handle(queue: number, chain: DescriptorChain, dma: DmaPort): number;
  /** The driver reset the device (Status = 0). */
  reset(): void;
}

export interface VirtioMmioOptions {
  /** The device behind this slot; omitted for an empty slot. */
  readonly device?: VirtioDeviceModel;
  /** Guest memory as the device's DMA sees it (the Bus). */
  readonly dma: DmaPort;
  /** PLIC input (source VIRTIO_IRQ + slot on virt). */
  readonly irq: IrqLine;
  readonly clock: Clock;
  readonly events: EventQueue;
  /** Also the EventQueue key prefix, so it must be unique on the board ("virtio0"...). */
  readonly name?: string;
  readonly size?: number;
}

/** Requests submitted by one notify, completing together. */
interface Batch {
  readonly queue: number;
  readonly upTo: number;
  readonly at: number;
}

export class VirtioMmio implements Device {
  readonly name: string;
  readonly size: number;
  private readonly device: VirtioDeviceModel | undefined;
  private readonly dma: DmaPort;
  private readonly irq: IrqLine;
  private readonly clock: Clock;
  private readonly events: EventQueue;
  private readonly queues: SplitVirtqueue[];
  private readonly eventKey: string;

  private status = 0;
  private deviceFeaturesSel = 0;
  private driverFeaturesSel = 0;
  private driverFeatures = 0n;
  private queueSel = 0;
  private interruptStatus = 0;
  private irqLevel = false;
  private batches: Batch[] = [];
  private lastError: string | undefined;

  constructor(options: VirtioMmioOptions) {
    this.name = options.name ?? 'virtio';
    this.size = options.size ?? VIRTIO_MMIO_SIZE;
    this.device = options.device;
    this.dma = options.dma;
    this.irq = options.irq;
    this.clock = options.clock;
    this.events = options.events;
    this.eventKey = `${this.name}.complete`;
    const d = this.device;
    this.queues = [];
    for (let q = 0; d && q < d.queueCount; q++) this.queues.push(new SplitVirtqueue(this.dma, d.queueNumMax));
  }

  /** Why the device set DEVICE_NEEDS_RESET, if it did (cleared by a reset). */
  get error(): string | undefined {
    return this.lastError;
  }

  /** All feature bits offered to the driver. */
  get deviceFeatures(): bigint {
    return this.device ? this.device.features | TRANSPORT_FEATURES : 0n;
  }

  /** Power-on / Status=0 reset (§4.2.2.1: InterruptStatus and every QueueReady cleared). */
  reset(): void {
    this.status = 0;
    this.deviceFeaturesSel = this.driverFeaturesSel = 0;
    this.driverFeatures = 0n;
    this.queueSel = 0;
    this.interruptStatus = 0;
    this.batches = [];
    this.events.cancel(this.eventKey);
    this.lastError = undefined;
    for (const q of this.queues) q.reset();
    this.device?.reset();
    this.updateIrq();
  }

  read(offset: number, width: AccessWidth): number {
    if (offset >= VIRTIO_MMIO.Config) {
      return this.device ? this.device.readConfig(offset - VIRTIO_MMIO.Config, width) : 0;
    }
    if (width !== WORD_BYTES) return 0;
    switch (offset) {
      case VIRTIO_MMIO.MagicValue: return VIRTIO_MMIO_MAGIC;
      case VIRTIO_MMIO.Version: return VIRTIO_MMIO_VERSION;
      case VIRTIO_MMIO.VendorID: return VIRTIO_VENDOR_QEMU;
      default: break;
    }
    if (!this.device) return 0;
    switch (offset) {
      case VIRTIO_MMIO.DeviceID: return this.device.deviceId;
      case VIRTIO_MMIO.DeviceFeatures:
        return Number((this.deviceFeatures >> (BigInt(this.deviceFeaturesSel) * FEATURE_WORD_BITS)) & FEATURE_WORD_MASK);
      case VIRTIO_MMIO.QueueNumMax: return this.selectedQueue()?.numMax ?? 0;
      case VIRTIO_MMIO.QueueReady: return this.selectedQueue()?.ready ? 1 : 0;
      case VIRTIO_MMIO.InterruptStatus: return this.interruptStatus;
      case VIRTIO_MMIO.Status: return this.status;
      case VIRTIO_MMIO.ConfigGeneration: return 0; // the configuration never changes at run time
      default: return 0; // write-only and reserved registers
    }
  }

  write(offset: number, width: AccessWidth, value: number): void {
    if (!this.device) return;
    if (offset >= VIRTIO_MMIO.Config) {
      this.device.writeConfig(offset - VIRTIO_MMIO.Config, width, value);
      return;
    }
    if (width !== WORD_BYTES) return;
    const v = value >>> 0;
    const q = this.selectedQueue();
    switch (offset) {
      case VIRTIO_MMIO.DeviceFeaturesSel: this.deviceFeaturesSel = v; break;
      case VIRTIO_MMIO.DriverFeaturesSel: this.driverFeaturesSel = v; break;
      case VIRTIO_MMIO.DriverFeatures: this.writeDriverFeatures(v); break;
      case VIRTIO_MMIO.QueueSel: this.queueSel = v; break;
      case VIRTIO_MMIO.QueueNum: if (q) q.num = v; break;
      case VIRTIO_MMIO.QueueReady: if (q) q.ready = (v & QUEUE_READY) !== 0; break;
      case VIRTIO_MMIO.QueueDescLow: if (q) q.descAddr = setLow(q.descAddr, v); break;
      case VIRTIO_MMIO.QueueDescHigh: if (q) q.descAddr = setHigh(q.descAddr, v); break;
      case VIRTIO_MMIO.QueueDriverLow: if (q) q.driverAddr = setLow(q.driverAddr, v); break;
      case VIRTIO_MMIO.QueueDriverHigh: if (q) q.driverAddr = setHigh(q.driverAddr, v); break;
      case VIRTIO_MMIO.QueueDeviceLow: if (q) q.deviceAddr = setLow(q.deviceAddr, v); break;
      case VIRTIO_MMIO.QueueDeviceHigh: if (q) q.deviceAddr = setHigh(q.deviceAddr, v); break;
      case VIRTIO_MMIO.QueueNotify: this.notify(v); break;
      case VIRTIO_MMIO.InterruptACK:
        this.interruptStatus &= ~v;
        this.updateIrq();
        break;
      case VIRTIO_MMIO.Status: this.writeStatus(v); break;
      default: break; // read-only and reserved registers
    }
  }

  // ---- initialization -----------------------------------------------------------------------

  private selectedQueue(): SplitVirtqueue | undefined {
    return this.queues[this.queueSel];
  }

  private writeDriverFeatures(v: number): void {
    // Features are fixed once FEATURES_OK has been accepted (§3.1.1).
    if (this.status & VIRTIO_STATUS.FEATURES_OK) return;
    const shift = BigInt(this.driverFeaturesSel) * FEATURE_WORD_BITS;
    this.driverFeatures = (this.driverFeatures & ~(FEATURE_WORD_MASK << shift)) | (BigInt(v) << shift);
  }

  private writeStatus(v: number): void {
    if (v === 0) {
      this.reset();
      return;
    }
    // DEVICE_NEEDS_RESET is the device's to set and only a reset clears it.
    let next = (v & ~VIRTIO_STATUS.DEVICE_NEEDS_RESET) | (this.status & VIRTIO_STATUS.DEVICE_NEEDS_RESET);
    // §2.2.2: the device refuses FEATURES_OK for features it did not offer, and a version 2
    // transport requires VIRTIO_F_VERSION_1.
    if (next & VIRTIO_STATUS.FEATURES_OK && !(this.status & VIRTIO_STATUS.FEATURES_OK) && !this.featuresAcceptable()) {
      next &= ~VIRTIO_STATUS.FEATURES_OK;
    }
    this.status = next;
  }

  private featuresAcceptable(): boolean {
    const f = this.driverFeatures;
    return (f & ~this.deviceFeatures) === 0n && (f & featureBit(VIRTIO_F.VERSION_1)) !== 0n;
  }

  private get running(): boolean {
    const needed = VIRTIO_STATUS.DRIVER_OK | VIRTIO_STATUS.FEATURES_OK;
    return (this.status & needed) === needed && !(this.status & (VIRTIO_STATUS.DEVICE_NEEDS_RESET | VIRTIO_STATUS.FAILED));
  }

  // ---- requests -----------------------------------------------------------------------------

  private notify(queueIndex: number): void {
    const q = this.queues[queueIndex];
    // A notify for a queue that does not exist or is not live is ignored, as QEMU does; the
    // device must not touch a queue before DRIVER_OK or while QueueReady is 0 (§4.2.2.1).
    const device = this.device;
    if (!q || !q.ready || !this.running || !device) return;
    this.guarded(() => {
      q.validate();
      const upTo = q.availIdx();
      q.outstanding(upTo);
      this.batches.push({ queue: queueIndex, upTo, at: this.clock.cycles() + device.latencyCycles });
      this.scheduleNext();
    });
  }

  private scheduleNext(): void {
    const first = this.batches[0];
    if (first) this.events.schedule(this.eventKey, first.at, () => this.complete());
  }

  /** The completion event: serve every batch that is due, then notify the driver once. */
  private complete(): void {
    const device = this.device;
    if (!device) return;
    const now = this.clock.cycles();
    const indirect = (this.driverFeatures & featureBit(VIRTIO_F.INDIRECT_DESC)) !== 0n;
    let notifyDriver = false;
    this.guarded(() => {
      while (this.batches.length > 0 && (this.batches[0] as Batch).at <= now) {
        const batch = this.batches.shift() as Batch;
        const q = this.queues[batch.queue] as SplitVirtqueue;
        if (!q.ready) continue; // the driver took the queue down meanwhile
        const count = q.outstanding(batch.upTo);
        for (let n = 0; n < count; n++) {
          const chain = q.pop(indirect);
          q.pushUsed(chain.head, device.handle(batch.queue, chain, this.dma));
        }
        if (count > 0 && !q.interruptSuppressed()) notifyDriver = true;
      }
    });
    if (notifyDriver && this.running) {
      this.interruptStatus |= VIRTIO_MMIO_INT.VRING;
      this.updateIrq();
    }
    this.scheduleNext();
  }

  /** Run `work`; a driver error in guest memory stops the device instead of the host. */
  private guarded(work: () => void): void {
    try {
      work();
    } catch (e) {
      if (!(e instanceof VirtqueueError || e instanceof BusError)) throw e;
      this.needsReset(e.message);
    }
  }

  private needsReset(reason: string): void {
    this.lastError = reason;
    const wasRunning = (this.status & VIRTIO_STATUS.DRIVER_OK) !== 0;
    this.status |= VIRTIO_STATUS.DEVICE_NEEDS_RESET;
    this.batches = [];
    this.events.cancel(this.eventKey);
    if (wasRunning) {
      this.interruptStatus |= VIRTIO_MMIO_INT.CONFIG;
      this.updateIrq();
    }
  }

  private updateIrq(): void {
    const level = this.interruptStatus !== 0;
    if (level === this.irqLevel) return;
    this.irqLevel = level;
    this.irq.set(level);
  }
}

function setLow(addr: number, low: number): number {
  return Math.floor(addr / TWO_POW_32) * TWO_POW_32 + low;
}

function setHigh(addr: number, high: number): number {
  return high * TWO_POW_32 + (addr % TWO_POW_32);
}
