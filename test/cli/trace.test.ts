/**
 * `pvlab trace`: starting where the measured loop starts (by difference with a run of 0
 * operations), filtering by exit reason or kind, and its errors.
 */
import { describe, expect, it } from 'vitest';
import { presetByName } from '../../src/hypervisor/cost-presets.js';
import { TraceError, traceExits, type ExitTraceOptions } from '../../src/harness/exit-trace.js';
import { pvlab } from './helpers.js';

const BASE: ExitTraceOptions = {
  technique: 'trap-emulate', build: 'unmodified', workload: 'null-syscall', params: { iterations: 3 },
  preset: presetByName('modern-kvm'), ramBytes: 16 << 20, limit: 30, from: 'loop',
};

describe('exit traces', () => {
  it('--from loop starts at the first system call of the measured loop, after every boot exit', () => {
    const loop = traceExits(BASE);
    const boot = traceExits({ ...BASE, from: 'boot', limit: loop.skipped + 30 });
    expect(loop.skipped).toBeGreaterThan(100);
    // The same run: the loop trace is the boot trace without its first `skipped` exits.
    expect(loop.records).toEqual(boot.records.slice(loop.skipped));
    const first = loop.records[0];
    expect(first).toMatchObject({ priv: 'U', reason: 'ecall', result: 'reflect-syscall' });
    // One getpid under trap-and-emulate: the ecall, the kernel's trapped CSR accesses, its sret.
    const sret = loop.records.findIndex((r) => r.result === 'sret');
    expect(loop.records.slice(1, sret).every((r) => r.result === 'csr')).toBe(true);
    expect(loop.records[sret + 1]).toMatchObject({ reason: 'ecall', result: 'reflect-syscall', pc: first?.pc });
  });

  it('--only keeps the named reasons or kinds, and counts exits among all of the run', () => {
    const t = traceExits({ ...BASE, only: new Set(['sret', 'ecall']), limit: 6 });
    expect(t.records.map((r) => r.result)).toEqual(['reflect-syscall', 'sret', 'reflect-syscall', 'sret', 'reflect-syscall', 'sret']);
    expect(t.records[1]?.n).toBeGreaterThan((t.records[0]?.n ?? 0) + 1);
  });

  it('hw-assist: the loop of a console write is its MMIO exits', () => {
    const t = traceExits({ ...BASE, technique: 'hw-assist', workload: 'console', params: { iterations: 2, bytes: 8 }, limit: 4 });
    expect(t.records.map((r) => `${r.reason}/${r.result}`)).toEqual(Array(4).fill('guest-page-fault/mmio'));
  });

  it('refuses --from loop with no operations to measure', () => {
    expect(() => traceExits({ ...BASE, params: { iterations: 0 } })).toThrow(TraceError);
  });

  it('the command prints the table after a note of what it skipped, and refuses a bad --only in one line', async () => {
    const r = await pvlab('trace', '--workload', 'null-syscall', '--exits', '3', '--param', 'iterations=2');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\(\d+ exits of boot and setup before the measured loop not shown/);
    expect(r.stdout.trim().split('\n')).toHaveLength(5);
    const bad = await pvlab('trace', '--workload', 'null-syscall', '--only', 'csr,sert');
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/--only sert: not an exit reason or kind.*sret/);
  });
});
