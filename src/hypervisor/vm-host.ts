/**
 * What a vCPU needs from its VM, whichever technique runs it: the cost preset and accounting,
 * the VM's devices (reached only by emulation), console, timer and disk, and somewhere to say
 * that the guest stopped. The VM (vm.ts) is the one implementation; tests and the host
 * micro-benchmarks build small ones.
 */
import type { PrivLevel } from '../isa/csr.js';
import type { Hart } from '../machine/hart.js';
import type { DiskBackend } from '../machine/devices/disk.js';
import type { VmAccounting } from './accounting.js';
import type { CostPreset } from './cost-model.js';
import type { Exit, ExitKind } from './exits.js';
import type { ShadowPagingMode } from './techniques.js';

export interface VmHost {
  readonly preset: CostPreset;
  readonly accounting: VmAccounting;
  /** How shadow paging follows guest page-table changes in this VM (the preset's era unless
   *  the run says otherwise). */
  readonly shadowPaging: ShadowPagingMode;
  /** The VM's disk (behind virtio, and the paravirtual block back-end), if any. */
  readonly disk?: DiskBackend | undefined;
  /** Device register access at a guest-physical address (undefined/false: nothing there). */
  mmioRead(gpa: number, width: 1 | 2 | 4): number | undefined;
  mmioWrite(gpa: number, width: 1 | 2 | 4, value: number): boolean;
  isDevice(gpa: number): boolean;
  consolePut(byte: number): void;
  /** The next input byte, or -1. */
  consoleGet(): number;
  /** Arm the VM's supervisor timer for when its time reaches `mtime` (clears a pending one). */
  setTimer(mtime: number): void;
  /** The guest asked to shut down (exit code) or reboot. */
  systemReset(kind: 'shutdown' | 'reboot', code: number): void;
  /** The guest can never make progress — `guard` says which guard saw it: stop the VM with
   *  this reason. */
  guestStuck(guard: StuckGuard, message: string): void;
  /** Observer for traces (pvlab trace): called after each exit is handled. */
  readonly onExit?: ExitObserver | undefined;
}

/** The vCPU's guards against guests that can never progress: a trap delivered onto the
 *  handler's own first instruction over and over (vcpu.ts), or exit after exit at one pc
 *  with nothing completed (progress-guard.ts). */
export type StuckGuard = 'trap-loop' | 'no-progress';

/** What an exit observer may look at of the vCPU that took the exit. */
export interface VcpuView {
  readonly hart: Hart;
  /** The guest's privilege now: its virtual one under trap-and-emulate, VS/VU as S/U. */
  guestLevel(): PrivLevel;
  /** The instruction word at guest-virtual `pc`, read through the guest's translation. */
  instructionAt(pc: number): number | undefined;
  /** The function number of the last hypercall served, or -1. */
  lastHypercall(): number;
}

/** Sees each exit once it is handled: `from` is the guest's privilege at the exit. */
export type ExitObserver = (exit: Exit, kind: ExitKind, vcpu: VcpuView, from: PrivLevel) => void;
