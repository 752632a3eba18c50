/**
 * The unmodified kernel is real software for the virt board: the same image (firmware, kernel,
 * test program) prints the same console on QEMU as on pvlab. Skipped without
 * qemu-system-riscv32. (Programs whose output depends on timing — preemption — or on the C
 * extension QEMU's CPU has — a jump to a 2-byte boundary — are left out.)
 */
import { describe, expect, it } from 'vitest';
import { haveQemu, MIB, runKernel, runOnQemu, SECTOR, type KernelBootOptions } from './harness.js';

const CASES: Record<string, KernelBootOptions> = {
  syscalls: { workload: 'ktest_syscalls', ramBytes: 32 * MIB, disk: new Uint8Array(16 * SECTOR) },
  procs: { workload: 'ktest_procs', ramBytes: 32 * MIB },
  mmap: { workload: 'ktest_mmap', ramBytes: 16 * MIB },
  block: { workload: 'ktest_block', ramBytes: 32 * MIB, disk: new Uint8Array(64 * SECTOR), params: { first: 3, count: 20, capacity: 64 } },
  leak: { workload: 'ktest_leak', ramBytes: 32 * MIB, params: { rounds: 3 } },
};

describe.skipIf(!haveQemu)('on QEMU', () => {
  it.each(Object.keys(CASES))('%s: the same console as on pvlab', (name) => {
    const opts = CASES[name] as KernelBootOptions;
    const ours = runKernel(opts, 100_000_000);
    const qemu = runOnQemu(opts);
    expect(qemu.console).toBe(ours.console);
    const code = ours.stop?.kind === 'power-off' ? ours.stop.code : -1;
    expect(qemu.status).toBe(code);
  });
});
