/**
 * The board: QEMU virt's memory map populated with its harts (one by default; N as QEMU's
 * `-smp N`), RAM and the devices, wired together (the CLINT's msip/mtimecmp and the PLIC's
 * M and S contexts to each hart's interrupt pins, UART and virtio slots to PLIC sources).
 * This is the one place that knows where each device lives.
 *
 * With several harts they share the bus and RAM, run in turn for a quantum of cycles each
 * (interleave.ts), and one hart's stores break the others' LR reservations (reservations.ts).
 * With one hart neither is in the loop: the board runs its hart directly, exactly as before
 * there were several.
 */
import { Bus } from './bus.js';
import {
  Clint, Plic, SifiveTest, Uart16550, VirtioBlk, VirtioMmio, type DiskBackend, type PowerOffEvent,
} from './devices/index.js';
import { EventQueue } from './events.js';
import { Hart, type HartStop, type MachineTiming } from './hart.js';
import { Interleaver } from './interleave.js';
import { VIRT } from './memory-map.js';
import { Ram } from './ram.js';
import { Reservations } from './reservations.js';
import { CLINT_MAX_HARTS } from './devices/clint.js';
import { PLIC, PLIC_CONTEXTS_PER_HART } from './devices/plic.js';
import type { Clock } from './device.js';
import { XREG } from '../isa/registers.js';

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
  /** Number of harts, ids 0..harts-1 (default 1), as QEMU's `-smp harts`. */
  harts?: number;
  /** Cycles each hart runs before the next one's turn (several harts only; interleave.ts). */
  quantumCycles?: number;
}

/** The modeled core clock: 1 GHz, i.e. 100 cycles per 10 MHz timebase tick. */
export const DEFAULT_CORE_HZ = 1_000_000_000;
export const DEFAULT_RAM_BYTES = 128 * MIB;
/** The most harts the board's CLINT and PLIC have registers for (512: the PLIC's contexts). */
export const VIRT_MAX_HARTS = Math.min(CLINT_MAX_HARTS,
  (VIRT.PLIC_SIZE - PLIC.CONTEXT_BASE) / PLIC.CONTEXT_STRIDE / PLIC_CONTEXTS_PER_HART);
/** The disk behind virtio slot 0 when none is given: 4 MiB of zeros. */
export const DEFAULT_DISK_BYTES = 4 * MIB;

export class VirtBoard {
  readonly bus = new Bus();
  readonly events = new EventQueue();
  readonly ram: Ram;
  /** Hart 0: the only one unless `harts` was given. */
  readonly hart: Hart;
  /** Every hart, by hart id. */
  readonly harts: readonly Hart[];
  /** Several harts: who runs when (null with one hart, which the board runs directly). */
  readonly interleaver: Interleaver | null;
  /** Several harts: LR reservations other harts' stores break (null with one hart). */
  readonly reservations: Reservations | null;
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
    const count = opts.harts ?? 1;
    if (!Number.isInteger(count) || count < 1 || count > VIRT_MAX_HARTS) {
      throw new RangeError(`harts must be an integer from 1 to ${VIRT_MAX_HARTS}, not ${count}`);
    }
    this.ram = new Ram(ramBytes);
    this.bus.mapRam(VIRT.DRAM_BASE, this.ram);
    this.harts = Array.from({ length: count }, (_, hartId) => new Hart(this.bus, this.events, {
      hartId,
      cyclesPerTick: coreHz / VIRT.TIMEBASE_HZ,
      ...(opts.timing ? { timing: opts.timing } : {}),
    }));
    const hart = this.harts[0] as Hart;
    this.hart = hart;
    let clock: Clock = hart;
    if (count === 1) {
      this.interleaver = null;
      this.reservations = null;
    } else {
      const interleaver = new Interleaver(this.harts, opts.quantumCycles);
      this.interleaver = interleaver;
      clock = interleaver;
      this.reservations = new Reservations(this.ram, VIRT.DRAM_BASE, this.harts, () => interleaver.current);
      // Each hart's constructor pointed the bus's device-access charge at itself; the access
      // stalls whichever hart is running.
      const deviceAccess = opts.timing?.deviceAccess ?? 0;
      if (deviceAccess > 0) this.bus.onDeviceAccess = () => { interleaver.running().cycle += deviceAccess; };
    }

    this.test = new SifiveTest({
      onPowerOff: (e) => {
        this.powerOff = e;
        this.runningHart().requestStop(e.kind === 'reset' ? { kind: 'reset' } : { kind: 'power-off', code: e.code });
      },
    });
    // Several harts: each hart's lines go through the interleaver, which notes when a line of a
    // sleeping hart rises (interleave.ts).
    const pins = this.interleaver === null ? this.harts : this.harts.map((_, h) => (this.interleaver as Interleaver).pins(h));
    this.clint = new Clint({ clock, events: this.events, harts: pins });
    this.plic = new Plic({ harts: pins });
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
        clock,
        events: this.events,
        name: `virtio${slot}`,
      });
      this.virtio.push(mmio);
      this.bus.map(VIRT.VIRTIO_BASE + slot * VIRT.VIRTIO_STRIDE, mmio);
    }
    for (const h of this.harts) h.reset(VIRT.DRAM_BASE);
  }

  /** The hart executing now (hart 0 on a board of one). */
  runningHart(): Hart {
    return this.interleaver?.running() ?? this.hart;
  }

  /**
   * Start every hart at `entry` in M-mode with a0 = its hart id and a1 = `fdtAddr`, as QEMU
   * virt's reset code does for each hart of `-smp N` (the firmware then keeps all but one
   * stopped until an SBI HSM hart_start).
   */
  startAll(entry: number, fdtAddr: number): void {
    for (const h of this.harts) {
      h.pc = entry | 0;
      h.x[XREG.a0] = h.csr.hartId;
      h.x[XREG.a1] = fdtAddr | 0;
    }
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

  /** Run until `maxInsns` instructions have retired (on all harts together), the cycle count
   *  reaches `untilCycle`, or a hart stops the machine. */
  run(maxInsns: number, untilCycle?: number): HartStop {
    if (this.interleaver !== null) return this.interleaver.run(maxInsns, untilCycle);
    return this.hart.run(maxInsns, untilCycle);
  }
}
