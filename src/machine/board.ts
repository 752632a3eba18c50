/**
 * The board: QEMU virt's memory map populated with one hart, RAM and the devices, wired
 * together (CLINT and PLIC to the hart's interrupt pins, UART and virtio slots to PLIC
 * sources). This is the one place that knows where each device lives.
 */
import { Bus } from './bus.js';
import {
  Clint, Plic, SifiveTest, Uart16550, VirtioBlk, VirtioMmio, type DiskBackend, type PowerOffEvent,
} from './devices/index.js';
import { EventQueue } from './events.js';
import { Hart, type HartStop, type MachineTiming } from './hart.js';
import { VIRT } from './memory-map.js';
import { Ram } from './ram.js';

export const MIB = 1024 * 1024;

export interface BoardOptions {
  /** Bytes of RAM at DRAM_BASE (default 128 MiB, QEMU virt's default). */
  ramBytes?: number;
  /** Modeled core clock; with the 10 MHz timebase this fixes cycles per mtime tick. */
  coreHz?: number;
  timing?: MachineTiming;
  /** Receives every byte the guest writes to the UART. */
  consoleOut?: (byte: number) => void;
  /** Disk behind virtio-mmio slot 0 (none: every slot is empty). */
  disk?: DiskBackend;
  /** Simulated cycles from virtio notify to completion. */
  diskLatencyCycles?: number;
}

/** The modeled core clock: 1 GHz, i.e. 100 cycles per 10 MHz timebase tick. */
export const DEFAULT_CORE_HZ = 1_000_000_000;
export const DEFAULT_RAM_BYTES = 128 * MIB;
/** The disk behind virtio slot 0 when none is given: 4 MiB of zeros. */
export const DEFAULT_DISK_BYTES = 4 * MIB;

export class VirtBoard {
  readonly bus = new Bus();
  readonly events = new EventQueue();
  readonly ram: Ram;
  readonly hart: Hart;
  readonly clint: Clint;
  readonly plic: Plic;
  readonly uart: Uart16550;
  readonly test: SifiveTest;
  readonly virtio: VirtioMmio[] = [];
  /** Set when the guest wrote the test device. */
  powerOff: PowerOffEvent | null = null;

  constructor(opts: BoardOptions = {}) {
    const ramBytes = opts.ramBytes ?? DEFAULT_RAM_BYTES;
    const coreHz = opts.coreHz ?? DEFAULT_CORE_HZ;
    if (coreHz % VIRT.TIMEBASE_HZ !== 0) {
      throw new Error(`core clock ${coreHz} Hz must be a multiple of the ${VIRT.TIMEBASE_HZ} Hz timebase`);
    }
    this.ram = new Ram(ramBytes);
    this.bus.mapRam(VIRT.DRAM_BASE, this.ram);
    const hart = new Hart(this.bus, this.events, {
      hartId: 0,
      cyclesPerTick: coreHz / VIRT.TIMEBASE_HZ,
      ...(opts.timing ? { timing: opts.timing } : {}),
    });
    this.hart = hart;

    this.test = new SifiveTest({
      onPowerOff: (e) => {
        this.powerOff = e;
        hart.requestStop(e.kind === 'reset' ? { kind: 'reset' } : { kind: 'power-off', code: e.code });
      },
    });
    this.clint = new Clint({ clock: hart, events: this.events, harts: [hart] });
    this.plic = new Plic({ harts: [hart] });
    const out = opts.consoleOut ?? (() => {});
    this.uart = new Uart16550({ irq: this.plic.irqLine(VIRT.UART0_IRQ), sink: out });

    this.bus.map(VIRT.TEST_BASE, this.test);
    this.bus.map(VIRT.CLINT_BASE, this.clint);
    this.bus.map(VIRT.PLIC_BASE, this.plic);
    this.bus.map(VIRT.UART0_BASE, this.uart);
    for (let slot = 0; slot < VIRT.VIRTIO_COUNT; slot++) {
      const device = slot === 0 && opts.disk
        ? new VirtioBlk({ backend: opts.disk, latencyCycles: opts.diskLatencyCycles ?? 0 })
        : undefined;
      const mmio = new VirtioMmio({
        ...(device ? { device } : {}),
        dma: this.bus,
        irq: this.plic.irqLine(VIRT.VIRTIO_IRQ + slot),
        clock: hart,
        events: this.events,
        name: `virtio${slot}`,
      });
      this.virtio.push(mmio);
      this.bus.map(VIRT.VIRTIO_BASE + slot * VIRT.VIRTIO_STRIDE, mmio);
    }
    hart.reset(VIRT.DRAM_BASE);
  }

  /** Copy `bytes` into physical memory at `addr` (must lie in RAM). */
  loadPhysical(addr: number, bytes: Uint8Array): void {
    const off = this.bus.ramOffset(addr, bytes.length);
    if (off < 0) {
      throw new RangeError(`${bytes.length} bytes at 0x${(addr >>> 0).toString(16)} do not fit in RAM ` +
        `0x${VIRT.DRAM_BASE.toString(16)}..0x${(VIRT.DRAM_BASE + this.ram.size).toString(16)}`);
    }
    this.ram.load(off, bytes);
  }

  run(maxInsns: number, untilCycle?: number): HartStop {
    return this.hart.run(maxInsns, untilCycle);
  }
}
