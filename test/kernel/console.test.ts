/**
 * Console input through the UART interrupt (guests/user/ktest_console.S), and shutdown from a
 * child (guests/user/ktest_shutdown.S).
 */
import { describe, expect, it } from 'vitest';
import { KernelRun, MIB, runKernel } from './harness.js';

describe('console input', () => {
  it('typed bytes reach read(0) through the receive interrupt', () => {
    const r = new KernelRun({ workload: 'ktest_console', ramBytes: 32 * MIB });
    expect(r.runUntil('ready\n'), r.explain()).toBe(true);
    r.board.uart.pushInput('hello');
    r.run(20_000_000);
    expect(r.userConsole, r.explain()).toContain('got: hello\n');
    expect(r.stop).toEqual({ kind: 'power-off', code: 0 });
  });

  it('input typed in pieces is collected', () => {
    const r = new KernelRun({ workload: 'ktest_console', ramBytes: 32 * MIB, params: { want: 7 } });
    expect(r.runUntil('ready\n')).toBe(true);
    r.board.uart.pushInput('abc');
    r.run(2_000_000);
    r.board.uart.pushInput('defg');
    r.run(20_000_000);
    expect(r.userConsole, r.explain()).toContain('got: abcdefg\n');
  });
});

describe('shutdown', () => {
  it.each([[3, 1], [0, 0]])('shutdown(%i) from a child powers off at once (exit code %i)', (status, code) => {
    const r = runKernel({ workload: 'ktest_shutdown', ramBytes: 32 * MIB, params: { status } });
    expect(r.console, r.explain()).toContain(`[kernel] shutdown by pid 2, status ${status}\n`);
    expect(r.userConsole).not.toContain('init woke up');
    expect(r.userConsole).not.toContain('still running');
    expect(r.stop).toEqual({ kind: 'power-off', code });
  });
});
