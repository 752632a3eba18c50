/**
 * The `native` technique: firmware + kernel + workload on the bare virt board, no hypervisor —
 * the baseline every other technique is measured against. Boots the way QEMU's
 * `-M virt -bios none -kernel image.elf` does: the device tree at the top of RAM, the hart at
 * the firmware's entry in M-mode with a0 = hart id and a1 = the device tree's address.
 */
import { XREG } from '../isa/registers.js';
import { causeName } from '../isa/causes.js';
import { Priv } from '../isa/csr.js';
import { VirtBoard, DEFAULT_RAM_BYTES } from '../machine/board.js';
import { MemoryDisk, type DiskBackend } from '../machine/devices/disk.js';
import { placeFdt, virtBoardFdt } from '../machine/fdt.js';
import type { Hart, HartStop, MachineTiming } from '../machine/hart.js';
import { VIRT } from '../machine/memory-map.js';
import type { Probe } from '../machine/probe.js';
import type { PrivLevel } from '../isa/csr.js';
import type { RunCounters } from './counters.js';
import { buildImage, type GuestImage, type ImageOptions } from './image.js';
import { ConsoleLog } from '../util/console-log.js';

/** Default disk: 4 MiB of zeros, enough for the block-I/O workload. */
export { DEFAULT_DISK_BYTES } from '../machine/board.js';
import { DEFAULT_DISK_BYTES } from '../machine/board.js';
/** Default guard against a guest that never finishes. */
export const DEFAULT_MAX_INSNS = 2_000_000_000;

export interface NativeOptions extends ImageOptions {
  ramBytes?: number;
  /** Receives console bytes as the guest writes them (the result also has the whole console). */
  consoleOut?: (byte: number) => void;
  /** Disk behind virtio slot 0: a backend, raw bytes, or false for none (default: 4 MiB of zeros). */
  disk?: DiskBackend | Uint8Array | false;
  maxInsns?: number;
  /** Kernel command line in /chosen/bootargs. */
  bootargs?: string;
  /** Modeled costs of the bare machine (trap entry/return, page-walk references). */
  timing?: MachineTiming;
  /** The machine's clock (default 1 GHz): the timebase follows it. */
  coreHz?: number;
  /** Sees every trap the hart takes: its cause and the pc it was taken at. */
  onTrap?: (cause: number, epc: number) => void;
}

export interface NativeResult {
  stop: HartStop;
  console: string;
  counters: RunCounters;
  image: GuestImage;
  fdtAddr: number;
}

/** Counts traps by cause name. */
class TrapCounter implements Probe {
  readonly counts: Record<string, number> = {};
  constructor(private readonly observe?: (cause: number, epc: number) => void) {}
  trap(cause: number, _tval: number, epc: number, _from: PrivLevel, _to: PrivLevel): void {
    const name = causeName(cause);
    this.counts[name] = (this.counts[name] ?? 0) + 1;
    this.observe?.(cause, epc);
  }
}

export function runNative(opts: NativeOptions): NativeResult {
  const image = buildImage(opts);
  const ramBytes = opts.ramBytes ?? DEFAULT_RAM_BYTES;
  const consoleLog = new ConsoleLog();
  const sink = opts.consoleOut;
  const blankDisk = opts.disk === undefined ? new MemoryDisk(DEFAULT_DISK_BYTES) : undefined;
  const disk = opts.disk === false ? undefined
    : opts.disk instanceof Uint8Array ? new MemoryDisk(opts.disk)
    : opts.disk ?? blankDisk;
  const board = new VirtBoard({
    ramBytes,
    consoleOut: (b) => {
      consoleLog.push(b);
      sink?.(b);
    },
    ...(disk ? { disk } : {}),
    ...(opts.timing ? { timing: opts.timing } : {}),
    ...(opts.coreHz !== undefined ? { coreHz: opts.coreHz } : {}),
  });
  for (const part of image.parts) board.loadPhysical(part.addr, part.bytes);

  const { bytes: fdt } = virtBoardFdt({
    ramBase: VIRT.DRAM_BASE, ramBytes, harts: 1, timebaseHz: VIRT.TIMEBASE_HZ,
    virtioSlots: VIRT.VIRTIO_COUNT, hasDisk: disk !== undefined,
    ...(opts.bootargs !== undefined ? { bootargs: opts.bootargs } : {}),
  });
  const fdtAddr = placeFdt(VIRT.DRAM_BASE, ramBytes, fdt.length);
  board.loadPhysical(fdtAddr, fdt);

  const hart = board.hart;
  const traps = new TrapCounter(opts.onTrap);
  hart.probe = traps;
  hart.x[XREG.a0] = 0; // the hart id
  hart.x[XREG.a1] = fdtAddr | 0; // the device tree
  hart.pc = image.entry | 0;
  const stop = board.run(opts.maxInsns ?? DEFAULT_MAX_INSNS);
  const result = nativeResult(stop, consoleLog, hart, traps, image, fdtAddr);
  // The figures are read: the board's RAM and blank disk go to the next run (Ram.release).
  board.ram.release();
  blankDisk?.release();
  return result;
}

function nativeResult(stop: HartStop, consoleLog: ConsoleLog, hart: Hart, traps: TrapCounter, image: GuestImage, fdtAddr: number): NativeResult {
  return {
    stop,
    console: consoleLog.text(),
    counters: {
      instructions: {
        total: hart.retired,
        firmware: hart.retiredByPriv[Priv.M] as number,
        kernel: hart.retiredByPriv[Priv.S] as number,
        user: hart.retiredByPriv[Priv.U] as number,
      },
      cycles: hart.cycle,
      idleCycles: hart.idleCycles,
      traps: traps.counts,
      tlbMisses: hart.tlb.misses,
      pteReads: hart.walkStats.pteReads,
      exits: 0,
    },
    image,
    fdtAddr,
  };
}
