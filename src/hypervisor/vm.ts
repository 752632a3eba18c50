/**
 * A virtual machine: created from a config, powered on, paused, resumed, reset, powered off —
 * or shut down by its guest. It owns its guest-physical memory, its device models (the same
 * classes as the bare board's, instantiated per VM and reached only by emulation), its device
 * tree, its clock (the vCPU's cycle counter: the VM's own time, overheads included) and its
 * accounting. State and counters can be read at any time.
 *
 * Under a hypervisor there is no firmware: the hypervisor is the SBI (sbi.ts), so the image's
 * kernel and workload are loaded and the kernel entered directly in virtual S-mode with
 * a0 = hart id and a1 = the device tree, as the firmware would have.
 */
import { Bus } from '../machine/bus.js';
import { HostDisk } from './host-disk.js';
import { Clint, MemoryDisk, Plic, SifiveTest, Uart16550, VirtioBlk, VirtioMmio, type DiskBackend } from '../machine/devices/index.js';
import { EventQueue } from '../machine/events.js';
import { placeFdt, virtBoardFdt } from '../machine/fdt.js';
import { VIRT } from '../machine/memory-map.js';
import { DEFAULT_DISK_BYTES, DEFAULT_RAM_BYTES } from '../machine/board.js';
import { MIP } from '../isa/csr.js';
import { GUEST_LAYOUT } from '../abi/user-abi.js';
import { CONSOLE_KEEP_BYTES, ConsoleLog } from '../util/console-log.js';
import type { GuestBuild } from '../abi/guest-builds.js';
import { VmAccounting } from './accounting.js';
import type { CostPreset } from './cost-model.js';
import { GuestMemory } from './guest-memory.js';
import { HardwareAssist, HW_ASSIST, HW_ASSIST_SHADOW } from './hw/hw-assist.js';
import type { PolicyFactory } from './technique-policy.js';
import { buildRefusal, isVmTechnique, VM_TECHNIQUES, type ShadowPagingMode, type VmTechnique } from './techniques.js';
import { PARAVIRT, TRAP_EMULATE, TrapEmulation } from './trap-emulate/trap-emulate.js';
import { Vcpu, VM_CLOCK_LIMIT } from './vcpu.js';
import type { ExitObserver, StuckGuard, VmHost } from './vm-host.js';

/** What a VM boots: the kernel and workload parts of a guest image, each loaded at its
 *  guest-physical address (a firmware part, if any, is not loaded: the hypervisor is the SBI).
 *  src/guest builds these; a VM only receives one. */
export interface VmImage {
  readonly parts: readonly { readonly name: string; readonly addr: number; readonly bytes: Uint8Array }[];
}

export interface VmConfig<I extends VmImage = VmImage> {
  name: string;
  /** Only 1 is supported for now. */
  vcpus?: number;
  ramBytes?: number;
  /** Disk behind virtio slot 0: a backend, raw bytes, or false for none (default 4 MiB of zeros). */
  disk?: DiskBackend | Uint8Array | false;
  /** The guest build the image holds (checked against the technique). */
  build: GuestBuild;
  image: I;
  /** How the hypervisor runs the guest (default trap-emulate). */
  technique?: VmTechnique;
  /** How shadow paging follows guest page-table changes (default: the preset's). */
  shadowPaging?: ShadowPagingMode;
  preset: CostPreset;
  /** Receives the guest's console output as it is written. */
  consoleOut?: (byte: number) => void;
  /** Console bytes kept for `Vm.console` (default CONSOLE_KEEP_BYTES, 1 MiB): the first and
   *  the latest half, with a marker between when more was written. consoleOut sees it all. */
  consoleKeepBytes?: number;
  /** Observer of handled exits (traces). */
  onExit?: ExitObserver;
}

/** Each technique as a policy over the one vCPU core. */
const POLICIES: Readonly<Record<VmTechnique, PolicyFactory>> = {
  'trap-emulate': TRAP_EMULATE,
  'paravirt': PARAVIRT,
  'hw-assist': HW_ASSIST,
  'hw-assist-shadow': HW_ASSIST_SHADOW,
};

export type VmState = 'created' | 'running' | 'paused' | 'stopped';

/** Why a VM stopped. */
export type VmStopReason =
  | { kind: 'shutdown'; code: number }
  | { kind: 'reboot' }
  | { kind: 'powered-off' }
  | { kind: 'waiting-forever'; pc: number }
  | { kind: 'insn-limit'; pc: number }
  /** The caller's bound on exits (HypervisorRunLimits.maxExitsPerVm) was reached. */
  | { kind: 'exit-limit'; pc: number }
  /** The VM's clock reached the caller's bound (maxCyclesPerVm), or the last cycle it can
   *  count (VM_CLOCK_LIMIT). */
  | { kind: 'time-limit'; pc: number }
  /** The guest can never make progress: a trap loop, or exit after exit at one instruction. */
  | { kind: 'stuck'; guard: StuckGuard; message: string }
  /** The hypervisor failed (an exception in a handler): a bug, stopping this VM only. */
  | { kind: 'error'; message: string };

/** Bounds on one Vm.runFor() call beyond its instructions. */
export interface VmTurnBounds {
  /** Exits the call may take. */
  maxExits?: number;
  /** The cycle at which the VM's clock stops (time-limit). */
  clockLimit?: number;
  /** Sleep through whole turns at once while waiting (the scheduler's leap; VcpuBounds). */
  leap?: boolean;
}

export class VmConfigError extends Error {}

const VTIMER_KEY = 'vtimer';

export class Vm<I extends VmImage = VmImage> implements VmHost {
  readonly name: string;
  readonly preset: CostPreset;
  readonly accounting = new VmAccounting();
  readonly mem: GuestMemory;
  readonly events = new EventQueue();
  /** The VM's one vCPU, whichever technique runs it. */
  readonly cpu: Vcpu;
  readonly image: I;
  readonly ramBytes: number;
  readonly onExit: ExitObserver | undefined;
  readonly technique: VmTechnique;
  readonly shadowPaging: ShadowPagingMode;
  /** The VM's disk (behind virtio slot 0, and the paravirtual block back-end), if any, as the
   *  host serves it: each request charged to this VM (host-disk.ts). */
  readonly disk: DiskBackend | undefined;
  state: VmState = 'created';
  stopReason: VmStopReason | null = null;
  fdtAddr = 0;
  private readonly consoleLog: ConsoleLog;
  /** The blank disk the VM made itself when given none (released with the VM). */
  private readonly blankDisk: MemoryDisk | undefined;
  private readonly devices = new Bus();
  private readonly uart: Uart16550;
  private readonly consoleSink: ((b: number) => void) | undefined;

  constructor(readonly config: VmConfig<I>) {
    this.name = config.name;
    if ((config.vcpus ?? 1) !== 1) throw new VmConfigError(`VM ${config.name}: vcpus=${config.vcpus}: only 1 vCPU per VM is supported`);
    this.ramBytes = config.ramBytes ?? DEFAULT_RAM_BYTES;
    this.preset = config.preset;
    this.onExit = config.onExit;
    this.consoleSink = config.consoleOut;
    this.consoleLog = new ConsoleLog(config.consoleKeepBytes ?? CONSOLE_KEEP_BYTES);
    const technique = config.technique ?? 'trap-emulate';
    if (!isVmTechnique(technique)) {
      throw new VmConfigError(`VM ${config.name}: technique '${String(technique)}' is not one of ${VM_TECHNIQUES.join(', ')}`);
    }
    this.technique = technique;
    const refusal = buildRefusal(technique, config.build);
    if (refusal !== null) throw new VmConfigError(`VM ${config.name}: ${refusal}`);
    this.image = config.image;
    this.shadowPaging = config.shadowPaging ?? config.preset.shadowPaging;
    this.blankDisk = config.disk === undefined ? new MemoryDisk(DEFAULT_DISK_BYTES) : undefined;
    const disk = config.disk === false ? undefined
      : config.disk instanceof Uint8Array ? new MemoryDisk(config.disk)
      : config.disk ?? this.blankDisk;
    // Both the emulated device and the PV back-end reach the disk through the host, which pays
    // its own device's costs for each request (host-disk.ts).
    this.disk = disk && new HostDisk(disk, () => this.cpu.charge('host-blk-request'));
    this.mem = new GuestMemory(this.ramBytes, GuestMemory.defaultPoolBytes(this.ramBytes));
    // The guest's timebase follows the preset's machine: a tick of the 10 MHz timebase is
    // coreHz / 10 MHz of its cycles, so a millisecond is a millisecond of that machine.
    const cyclesPerTick = config.preset.coreHz / VIRT.TIMEBASE_HZ;
    if (!Number.isInteger(cyclesPerTick) || cyclesPerTick < 1) {
      throw new VmConfigError(`VM ${config.name}: preset ${config.preset.name}'s core clock ${config.preset.coreHz} Hz is not a whole multiple of the ${VIRT.TIMEBASE_HZ} Hz timebase`);
    }
    this.cpu = new Vcpu(this.mem, this.events, cyclesPerTick, this, POLICIES[technique]);

    // The VM's devices: the board's own models, wired to the vCPU's virtual interrupt pins and
    // to the VM's memory for DMA, at the guest-physical addresses of the virt board.
    const pins = this.cpu;
    const clock = this.cpu.hart;
    const plic = new Plic({ harts: [pins] });
    this.uart = new Uart16550({ irq: plic.irqLine(VIRT.UART0_IRQ), sink: (b) => this.consolePut(b) });
    this.devices.map(VIRT.TEST_BASE, new SifiveTest({
      onPowerOff: (e) => this.stop(e.kind === 'reset' ? { kind: 'reboot' } : { kind: 'shutdown', code: e.code }),
    }));
    this.devices.map(VIRT.CLINT_BASE, new Clint({ clock, events: this.events, harts: [pins] }));
    this.devices.map(VIRT.PLIC_BASE, plic);
    this.devices.map(VIRT.UART0_BASE, this.uart);
    for (let slot = 0; slot < VIRT.VIRTIO_COUNT; slot++) {
      const device = slot === 0 && this.disk ? new VirtioBlk({ backend: this.disk }) : undefined;
      this.devices.map(VIRT.VIRTIO_BASE + slot * VIRT.VIRTIO_STRIDE, new VirtioMmio({
        ...(device ? { device } : {}), dma: this.mem.bus, irq: plic.irqLine(VIRT.VIRTIO_IRQ + slot),
        clock, events: this.events, name: `virtio${slot}`,
      }));
    }
  }

  /** The trap-and-emulate technique's state — virtual CSRs, shadow MMU, PV interface (tests,
   *  traces). An error for a VM that another technique runs. */
  get trapEmulation(): TrapEmulation {
    const p = this.cpu.policy;
    if (!(p instanceof TrapEmulation)) throw new VmConfigError(`VM ${this.name} runs ${this.technique}, which has no trap-and-emulate vCPU`);
    return p;
  }

  /** The hardware-assist technique's state — G-stage or shadow tables, PV I/O (tests). */
  get hardwareAssist(): HardwareAssist {
    const p = this.cpu.policy;
    if (!(p instanceof HardwareAssist)) throw new VmConfigError(`VM ${this.name} runs ${this.technique}, which is not hardware-assisted`);
    return p;
  }

  // ---- lifecycle -------------------------------------------------------------------------

  powerOn(): void {
    if (this.state !== 'created' && this.state !== 'stopped') throw new VmConfigError(`VM ${this.name} is ${this.state}; power it off first`);
    const { bytes: fdt } = virtBoardFdt({
      ramBase: VIRT.DRAM_BASE, ramBytes: this.ramBytes, harts: 1, timebaseHz: VIRT.TIMEBASE_HZ,
      virtioSlots: VIRT.VIRTIO_COUNT,
    });
    this.fdtAddr = placeFdt(VIRT.DRAM_BASE, this.ramBytes, fdt.length);
    const parts = this.image.parts.filter((p) => p.name !== 'firmware');
    // In too little RAM the device tree lands on the image (QEMU's placement: 2 MiB aligned,
    // below the end of RAM), and the guest would start in it.
    const under = parts.find((p) => p.addr < this.fdtAddr + fdt.length && this.fdtAddr < p.addr + p.bytes.length);
    if (under) throw new VmConfigError(`VM ${this.name}: with ${this.ramBytes} bytes of RAM the device tree goes to 0x${this.fdtAddr.toString(16)}, over the ${under.name} image; give the VM more RAM`);
    for (const part of parts) this.mem.load(part.addr, part.bytes);
    this.mem.load(this.fdtAddr, fdt);
    this.cpu.reset(GUEST_LAYOUT.KERNEL_BASE, 0, this.fdtAddr);
    this.stopReason = null;
    this.state = 'running';
  }

  pause(): void {
    if (this.state === 'running') this.state = 'paused';
  }

  resume(): void {
    if (this.state === 'paused') this.state = 'running';
  }

  /**
   * Done with the VM for good (its figures read): its RAM and the blank disk it made go to the
   * next VM of their sizes (Ram.release). The VM must not run or be read afterwards.
   */
  release(): void {
    this.state = 'stopped';
    this.mem.release();
    this.blankDisk?.release();
  }

  /** Power off and on again: fresh memory contents, devices and vCPU state. */
  reset(): void {
    this.mem.ram.u8.fill(0);
    this.events.cancel(VTIMER_KEY);
    this.state = 'stopped';
    this.powerOn();
  }

  powerOff(): void {
    this.stop({ kind: 'powered-off' });
  }

  private stop(reason: VmStopReason): void {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.stopReason = reason;
    this.cpu.stopped = true;
    // If the guest is running (a device write from inside the hart), make run() return.
    this.cpu.hart.requestStop({ kind: 'budget' });
  }

  /**
   * Run this VM until its clock has advanced by `cycles` (a scheduling quantum; with
   * `bounds.leap`, or by the whole quanta it sleeps through), it stops, it waits with nothing
   * that could wake it, or it reaches a bound: `maxInsns` instructions, or `bounds`. Host
   * errors in a handler stop this VM only.
   */
  runFor(cycles: number, maxInsns?: number, bounds: VmTurnBounds = {}): void {
    if (this.state !== 'running') return;
    try {
      const r = this.cpu.runFor(this.cpu.hart.cycle + cycles, {
        ...(maxInsns !== undefined ? { maxInsns } : {}),
        ...(bounds.maxExits !== undefined ? { maxExits: bounds.maxExits } : {}),
        ...(bounds.clockLimit !== undefined ? { clockLimit: bounds.clockLimit } : {}),
        ...(bounds.leap ? { leapTurn: cycles } : {}),
      });
      switch (r.kind) {
        case 'quantum': case 'stopped': break;
        case 'waiting-forever': case 'insn-limit': case 'exit-limit': case 'time-limit':
          this.stop({ kind: r.kind, pc: r.pc });
          break;
        default: {
          const never: never = r;
          throw new Error(`unhandled vCPU stop ${JSON.stringify(never)}`);
        }
      }
    } catch (e) {
      this.stop({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  }

  /** The VM's clock: simulated cycles it has run, including hypervisor overhead and idle time. */
  get cycles(): number {
    return this.cpu.hart.cycle;
  }

  /** The console output kept (ConsoleLog: bounded, with a marker where bytes were dropped). */
  get console(): string {
    return this.consoleLog.text();
  }

  /** Console bytes the guest has written, kept or not. */
  get consoleBytesWritten(): number {
    return this.consoleLog.written;
  }

  // ---- VmHost ------------------------------------------------------------------------------

  mmioRead(gpa: number, width: 1 | 2 | 4): number | undefined {
    return this.devices.read(gpa, width);
  }

  mmioWrite(gpa: number, width: 1 | 2 | 4, value: number): boolean {
    return this.devices.write(gpa, width, value);
  }

  isDevice(gpa: number): boolean {
    return this.devices.find(gpa) !== undefined;
  }

  consolePut(byte: number): void {
    // The hypervisor puts every guest byte out on the host's console: one device access of the
    // host's, charged to the VM whose byte it is.
    this.cpu.charge('host-console-byte');
    this.consoleLog.push(byte);
    this.consoleSink?.(byte);
  }

  consoleGet(): number {
    return -1;
  }

  setTimer(mtime: number): void {
    const hart = this.cpu.hart;
    this.cpu.setPending(MIP.STIP, false);
    if (hart.mtime() >= mtime) {
      this.events.cancel(VTIMER_KEY);
      this.cpu.setPending(MIP.STIP, true);
    } else if (hart.cycleOfMtime(mtime) > VM_CLOCK_LIMIT) {
      // Beyond the last cycle the VM's clock counts (all ones means "never", as for the
      // hart's stimecmp): nothing to schedule, so a guest waiting for it waits forever.
      this.events.cancel(VTIMER_KEY);
    } else {
      this.events.schedule(VTIMER_KEY, hart.cycleOfMtime(mtime), () => this.cpu.setPending(MIP.STIP, true));
    }
  }

  guestStuck(guard: StuckGuard, message: string): void {
    this.stop({ kind: 'stuck', guard, message });
  }

  systemReset(kind: 'shutdown' | 'reboot', code: number): void {
    this.stop(kind === 'shutdown' ? { kind: 'shutdown', code } : { kind: 'reboot' });
  }
}
