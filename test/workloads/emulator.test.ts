/**
 * Every workload on the user-ABI emulator (user-emulator.ts: real U-mode and Sv32 on the hart,
 * the system calls in TypeScript): it prints exactly the catalog's expected output with N
 * operations and with 0, whatever the scheduling; the N and 0 runs differ by exactly the
 * operations the catalog says one iteration is; and a failed self-check prints why and exits 1.
 * This checks the programs' user-level logic without the guest kernel (see native.test.ts for
 * the real thing).
 */
import { describe, expect, it } from 'vitest';
import { resolveParams, WORKLOADS, workloadByName, type WorkloadParams } from '../../src/guest/workloads.js';
import { SMALL } from './params.js';
import { runOnEmulator, type EmuOptions, type EmuResult } from './user-emulator.js';


function run(name: string, params: WorkloadParams, extra: Partial<EmuOptions> = {}): EmuResult {
  const w = workloadByName(name);
  const diskBytes = w.disk?.bytes(resolveParams(w, params)) ?? 0;
  return runOnEmulator({ workload: name, params, diskBytes, ...extra });
}

function expectSuccess(name: string, params: WorkloadParams, r: EmuResult): void {
  expect(r.error).toBeNull();
  expect(r.console).toBe(workloadByName(name).expectedOutput(params));
  expect(r.exitCode).toBe(0);
}

const names = WORKLOADS.map((w) => w.name);

describe('workloads on the user-ABI emulator', () => {
  it.each(names)('%s prints the expected result with N operations and with 0', (name) => {
    const params = SMALL[name] as WorkloadParams;
    expectSuccess(name, params, run(name, params));
    const zero = { ...params, iterations: 0 };
    expectSuccess(name, zero, run(name, zero));
  });

  it.each(names)('%s prints the same under preemption every 37 instructions, child first after fork', (name) => {
    const params = SMALL[name] as WorkloadParams;
    expectSuccess(name, params, run(name, params, { timeslice: 37, childFirst: true }));
  });

  it.each(names)('%s copes with a page-aligned initial break', (name) => {
    const params = SMALL[name] as WorkloadParams;
    // Program images end at an arbitrary address; slack makes the break land elsewhere.
    for (const breakSlack of [1, 4096, 3000]) expectSuccess(name, params, run(name, params, { breakSlack }));
  });
});

describe('N operations cost exactly N operations more than 0', () => {
  /** What the emulator counted in the N run beyond the 0 run. */
  function difference(name: string, extra: Partial<EmuOptions> = {}): { calls: Record<string, number>; faults: number; switches: number; forks: number } {
    const params = SMALL[name] as WorkloadParams;
    const a = run(name, params, extra).stats;
    const b = run(name, { ...params, iterations: 0 }, extra).stats;
    const calls: Record<string, number> = {};
    for (const k of new Set([...Object.keys(a.syscalls), ...Object.keys(b.syscalls)])) {
      const d = (a.syscalls[k] ?? 0) - (b.syscalls[k] ?? 0);
      if (d !== 0) calls[k] = d;
    }
    return { calls, faults: a.pageFaults - b.pageFaults, switches: a.switches - b.switches, forks: a.forks - b.forks };
  }

  it('null-syscall: one getpid each', () => {
    expect(difference('null-syscall')).toEqual({ calls: { getpid: 7 }, faults: 0, switches: 0, forks: 0 });
  });

  it('context-switch: two switches each, whichever process runs first after fork', () => {
    expect(difference('context-switch')).toEqual({ calls: { yield: 10 }, faults: 0, switches: 10, forks: 0 });
    expect(difference('context-switch', { childFirst: true })).toEqual({ calls: { yield: 10 }, faults: 0, switches: 10, forks: 0 });
  });

  it('page-fault: one page fault each', () => {
    expect(difference('page-fault')).toEqual({ calls: {}, faults: 9, switches: 0, forks: 0 });
  });

  it('mmap: one mmap and one munmap each, and no page faults', () => {
    expect(difference('mmap')).toEqual({ calls: { mmap: 3, munmap: 3 }, faults: 0, switches: 0, forks: 0 });
  });

  it('fork: one fork, exit and wait each', () => {
    const d = difference('fork');
    expect(d.calls).toEqual({ fork: 4, exit: 4, wait: 4 });
    expect(d.forks).toBe(4);
  });

  it('console: one write each', () => {
    expect(difference('console')).toEqual({ calls: { write: 3 }, faults: 0, switches: 0, forks: 0 });
  });

  it('block-io: one blkwrite and one blkread each', () => {
    expect(difference('block-io')).toEqual({ calls: { blkwrite: 3, blkread: 3 }, faults: 0, switches: 0, forks: 0 });
  });

  it.each(['compute', 'timer', 'tlb-walk'])('%s: no kernel involvement at all', (name) => {
    expect(difference(name)).toEqual({ calls: {}, faults: 0, switches: 0, forks: 0 });
  });
});

describe('self-checks', () => {
  it('block-io reports a disk error and exits with status 1', () => {
    const r = runOnEmulator({ workload: 'block-io', params: { iterations: 2, sectors: 4 }, diskBytes: 512 });
    expect(r.exitCode).toBe(1);
    expect(r.console).toBe('FAIL block-io: blkwrite did not write every sector (got 0xfffffffb)\n');
  });

  it('the programs reject parameters outside what they support (when patched without the catalog)', () => {
    const cases: [string, WorkloadParams, string][] = [
      ['mmap', { pages: 0 }, 'FAIL mmap: pages must be at least 1 (got 0x00000000)\n'],
      ['mmap', { pages: 0x10001 }, 'FAIL mmap: pages does not fit in the mmap area (USER_MMAP_SIZE) (got 0x00010001)\n'],
      ['console', { bytes: 0 }, 'FAIL console: bytes must be at least 1 (got 0x00000000)\n'],
      ['console', { bytes: 4097 }, 'FAIL console: bytes is larger than CONSOLE_MAX_BYTES (4096) (got 0x00001001)\n'],
      ['block-io', { sectors: 0 }, 'FAIL block-io: sectors must be at least 1 (got 0x00000000)\n'],
      ['block-io', { sectors: 300 }, 'FAIL block-io: sectors is larger than BLOCK_MAX_SECTORS (256) (got 0x0000012c)\n'],
      ['tlb-walk', { pages: 0 }, 'FAIL tlb-walk: pages must be at least 1 (got 0x00000000)\n'],
      ['tlb-walk', { pages: 4097 }, 'FAIL tlb-walk: pages is larger than TLB_WALK_MAX_PAGES (4096) or the mmap area (got 0x00001001)\n'],
    ];
    for (const [workload, params, message] of cases) {
      const r = runOnEmulator({ workload, params, diskBytes: 4096 });
      expect(r.console).toBe(message);
      expect(r.exitCode).toBe(1);
    }
  });
});
