/**
 * QEMU as a referee: the tests that run the same program on `qemu-system-riscv32 -M virt` and
 * on pvlab start QEMU through here, so every one of them runs QEMU the same deterministic way.
 *
 * QEMU's timer normally follows the host's wall clock, so a program that reads `time` or waits
 * for a timer interrupt sees different values on a busy host than on an idle one. With
 * `-icount shift=0` QEMU's virtual clock advances 2^0 = 1 ns per executed instruction (the rate
 * of pvlab's 1 GHz hart) while a hart runs, so what a program measures between two reads of
 * `time` depends only on the program. `sleep=on`: a hart that waits (wfi) sleeps in host time
 * until its next event. (`sleep=off` would jump to the next timer deadline instead, but QEMU 7.2
 * then never completes a virtio-blk request made before a wfi with no timer armed — the kernel's
 * tick runs only on demand — and hangs, deaf to SIGTERM.)
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';

export const QEMU = 'qemu-system-riscv32';

/** QEMU's clock driven by the instructions it executes, not by the host (see above). */
export const QEMU_ICOUNT = ['-icount', 'shift=0,sleep=on'] as const;

/** Whether a command runs at all (`cmd --version` succeeds). */
export function have(cmd: string): boolean {
  const r = spawnSync(cmd, ['--version'], { stdio: 'ignore' });
  return r.error === undefined && r.status === 0;
}

export const haveQemu = have(QEMU);

/** Host time a referee run may take before it counts as hung (generous: a busy host is slow). */
export const QEMU_TIMEOUT_MS = 60_000;

export interface QemuOptions {
  /** Where the console goes: captured as text (default), or a file descriptor. */
  stdout?: 'pipe' | number;
  /** Bytes typed on the console (default none: stdin at end of file). */
  input?: string;
}

/**
 * `qemu-system-riscv32 -M virt <args>` with the deterministic clock; the result of spawnSync
 * (console in stdout as latin1 text when captured).
 */
export function runQemuVirt(args: readonly string[], opts: QemuOptions = {}): SpawnSyncReturns<string> {
  const stdout = opts.stdout ?? 'pipe';
  const r = spawnSync(QEMU, ['-M', 'virt', ...QEMU_ICOUNT, ...args], {
    encoding: 'latin1', timeout: QEMU_TIMEOUT_MS, killSignal: 'SIGKILL', input: opts.input ?? '', stdio: ['pipe', stdout, 'pipe'],
  });
  if (r.error) throw r.error;
  return r;
}

/** The disk arguments for a raw image file behind a virtio-blk device in the slot QEMU picks. */
export function qemuDisk(file: string): string[] {
  // QEMU 7.2 offers the legacy (version 1) virtio-mmio transport unless told otherwise; pvlab
  // and the kernel speak version 2.
  return ['-global', 'virtio-mmio.force-legacy=false',
    '-drive', `file=${file},if=none,format=raw,id=hd0`, '-device', 'virtio-blk-device,drive=hd0'];
}
