/**
 * Page faults and bad behaviour (guests/user/ktest_faults.S): demand-zero heap and stack pages;
 * every other fault kills only the process that caused it, with a message naming the cause,
 * pc and tval; init's own fault ends the system.
 */
import { describe, expect, it } from 'vitest';
import { MIB, runKernel } from './harness.js';
import { reportObject } from './helpers.js';

const KILLED = -1;

describe('faults', () => {
  const r = runKernel({ workload: 'ktest_faults', ramBytes: 32 * MIB });

  it('heap and stack pages are demand-zero', () => {
    const rep = reportObject(r.console);
    expect(rep['heap-reads-zero'], r.explain()).toBe(0);
    expect(rep['heap-keeps']).toBe(0x5a5a5a5a);
    expect(rep['stack-grows']).toBe(0x1234);
  });

  it('a bad access, instruction or jump kills only that process, and says why', () => {
    const rep = reportObject(r.console);
    for (const child of ['load_null', 'store_kernel', 'load_device', 'illegal', 'breakpoint', 'below_stack', 'execute_heap', 'misaligned_jump']) {
      expect(rep[child], `${child}\n${r.explain()}`).toBe(KILLED);
    }
    const killed = [...r.console.matchAll(/^\[kernel\] pid (\d+) killed: (.+) at pc 0x([0-9a-f]{8}), tval 0x([0-9a-f]{8})$/gm)]
      .map((m) => [m[2], Number.parseInt(m[4] as string, 16)]);
    expect(killed).toEqual([
      ['load page fault', 0],
      ['store page fault', 0x8020_0000],
      ['load page fault', 0x1000_0000],
      ['illegal instruction', expect.any(Number)],
      ['breakpoint', expect.any(Number)],
      ['store page fault', 0x7fdf_f000],
      ['instruction page fault', expect.any(Number)],
      ['instruction address misaligned', expect.any(Number)],
    ]);
    expect(r.userConsole).toContain('parent alive');
    expect(r.userConsole).not.toContain('child survived');
    expect(r.stop).toEqual({ kind: 'power-off', code: 0 });
  });

  it('a fault in init ends the system with status -1', () => {
    const k = runKernel({ workload: 'ktest_faults', ramBytes: 32 * MIB, params: { kill_init: 1 } });
    expect(k.console, k.explain()).toMatch(/\[kernel\] pid 1 killed: load page fault at pc 0x[0-9a-f]{8}, tval 0x00000000\n\[kernel\] init exited with status -1\n$/);
    expect(k.stop).toEqual({ kind: 'power-off', code: 1 });
  });
});
