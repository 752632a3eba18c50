/**
 * The `paravirt` technique end to end: the paravirt build of the kernel on the hypervisor core
 * with the PV interface, against native and trap-and-emulate — same results, far fewer exits.
 */
import { describe, expect, it } from 'vitest';
import { WORKLOADS, findResultLine, workloadByName } from '../../src/guest/workloads.js';
import type { GuestBuild } from '../../src/guest/image.js';
import { measurePerOperation } from '../../src/harness/per-op.js';
import { CYCLE_CATEGORIES } from '../../src/hypervisor/accounting.js';
import { Hypervisor } from '../../src/hypervisor/hypervisor.js';
import type { Technique } from '../../src/hypervisor/techniques.js';
import { createGuestVm, runGuest } from '../../src/harness/run-guest.js';
import type { GuestVmConfig } from '../../src/harness/run-guest.js';
import { PRESET, RAM } from './helpers.js';

const SMALL: Record<string, Record<string, number>> = {
  'null-syscall': { iterations: 30 }, 'context-switch': { iterations: 10 }, 'page-fault': { iterations: 10 },
  mmap: { iterations: 5 }, fork: { iterations: 3 }, console: { iterations: 5 }, 'block-io': { iterations: 3 },
  compute: { iterations: 500 }, timer: { iterations: 2 },
};

/** Trap-and-emulate keeps its shadows in RISC-V's way, by the guest's fences: the baseline the
 *  PV interface's page-table hypercalls are measured against here (trace mode: shadow-mmu tests). */
function run(technique: Technique, build: GuestBuild, workload: string, params: Record<string, number> = {}, kernelParams?: Record<string, number>) {
  const r = runGuest({ technique, build, workload, params, preset: PRESET, ramBytes: RAM, shadowPaging: 'fence', ...(kernelParams ? { kernelParams } : {}) });
  if (r.exitCode !== 0) throw new Error(`${workload} (${build}) under ${technique}: ${JSON.stringify(r.stop)}\n${r.console}`);
  return r;
}

/** The boot banner names the build and its disk driver; nothing else may differ. */
const sameBuild = (console: string) => console.split('\n')
  .filter((l) => !l.startsWith('[kernel] pvlab teaching kernel') && !l.startsWith('[kernel] disk:')).join('\n');

describe('the paravirt build under the paravirt technique', () => {
  it.each(WORKLOADS.map((w) => w.name))('%s: the same console as native (but the banner\'s build name), no privileged instruction trapped', (name) => {
    const params = SMALL[name] ?? {};
    const native = run('native', 'unmodified', name, params);
    const pv = run('paravirt', 'paravirt', name, params);
    expect(findResultLine(pv.console, name)).toBe(workloadByName(name).expected(params));
    expect(pv.console).toContain('(paravirt build)');
    expect(sameBuild(pv.console)).toBe(sameBuild(native.console));
    // The whole point: it asks instead of trapping.
    expect(pv.exits?.csr).toBe(0);
    expect(pv.exits?.sret).toBe(0);
    expect(pv.exits?.sfence).toBe(0);
    expect(pv.exits?.mmio).toBe(0);
    expect(pv.exits?.sbi).toBe(0);
    expect(pv.exits?.hypercall).toBeGreaterThan(0);
    expect(pv.hypercalls?.SET_SHARED_INFO).toBe(1);
  });

  it('the unmodified build runs under the paravirt technique too, simply not using the interface', () => {
    for (const name of ['null-syscall', 'block-io', 'fork']) {
      const params = SMALL[name] ?? {};
      const native = run('native', 'unmodified', name, params);
      const r = run('paravirt', 'unmodified', name, params);
      expect(r.console).toBe(native.console);
      expect(r.exits?.hypercall).toBe(0);
      expect(r.exits?.csr).toBeGreaterThan(0);
      expect(r.hypercalls).toEqual({});
    }
  });

  it('accounts for every cycle, and is deterministic', () => {
    const a = run('paravirt', 'paravirt', 'fork', { iterations: 2 });
    const b = run('paravirt', 'paravirt', 'fork', { iterations: 2 });
    expect(CYCLE_CATEGORIES.reduce((n, c) => n + (a.breakdown?.[c] ?? 0), 0)).toBe(a.counters.cycles);
    expect(a.breakdown?.hypercalls).toBeGreaterThan(0);
    expect(b.counters).toEqual(a.counters);
    expect(b.exits).toEqual(a.exits);
    expect(b.hypercalls).toEqual(a.hypercalls);
  });
});

describe('per operation, paravirt against trap-and-emulate', () => {
  const perOp = (technique: Technique, build: GuestBuild, workload: string, n: number, extra: Record<string, number> = {}, kernelParams?: Record<string, number>) =>
    measurePerOperation((k) => run(technique, build, workload, { ...extra, iterations: k }, kernelParams).counters, n).perOp;

  it.each([
    // console and block-io: both pay the host's own device for every byte and every request
    // (the host UART's output, the host disk's request), which PV cannot save.
    ['null-syscall', 20, 3], ['mmap', 5, 1.5], ['fork', 3, 1.5], ['console', 5, 1.5], ['block-io', 3, 1.5], ['page-fault', 10, 2], ['context-switch', 5, 3],
  ] as const)('%s: far fewer exits and cycles', (workload, n, factor) => {
    const te = perOp('trap-emulate', 'unmodified', workload, n);
    const pv = perOp('paravirt', 'paravirt', workload, n);
    expect(pv.exits * factor).toBeLessThan(te.exits);
    expect(pv.cycles * factor).toBeLessThan(te.cycles);
  });

  it('pure compute costs the same', () => {
    const native = perOp('native', 'unmodified', 'compute', 100_000);
    const pv = perOp('paravirt', 'paravirt', 'compute', 100_000);
    expect(Math.abs(pv.cycles / native.cycles - 1)).toBeLessThan(0.05);
    expect(pv.instructions.user).toBe(native.instructions.user);
  });

  it('batching page-table updates and block requests amortizes the exits (pv_mmu_batch, pv_blk_batch)', () => {
    const mmu = (b: number) => perOp('paravirt', 'paravirt', 'mmap', 3, { pages: 32 }, { pv_mmu_batch: b });
    const m1 = mmu(1);
    const m16 = mmu(16);
    expect(m16.exits).toBeLessThan(m1.exits / 2);
    expect(m16.cycles).toBeLessThan(m1.cycles);
    const blk = (b: number) => perOp('paravirt', 'paravirt', 'block-io', 2, { sectors: 64 }, { pv_blk_batch: b });
    const b1 = blk(1);
    const b8 = blk(8);
    expect(b8.exits).toBeLessThan(b1.exits / 2);
    expect(b8.cycles).toBeLessThan(b1.cycles);
  });
});

describe('the two builds side by side', () => {
  it('an unmodified guest under trap-emulate and a paravirt guest run at once on one core, each as alone', () => {
    const cfg = (name: string, technique: 'trap-emulate' | 'paravirt', workload: string): GuestVmConfig => ({
      name, technique, build: technique === 'paravirt' ? 'paravirt' : 'unmodified', workload,
      params: SMALL[workload] ?? {}, preset: PRESET, ramBytes: RAM,
    });
    const alone = (c: GuestVmConfig) => {
      const hv = new Hypervisor({ quantumCycles: 50_000 });
      const vm = createGuestVm(hv, c);
      vm.powerOn();
      hv.run();
      return { console: vm.console, cycles: vm.cycles, exits: { ...vm.accounting.exits } };
    };
    const a = cfg('te', 'trap-emulate', 'fork');
    const b = cfg('pv', 'paravirt', 'block-io');
    const c = cfg('pv2', 'paravirt', 'fork');
    const hv = new Hypervisor({ quantumCycles: 50_000 });
    const vms = [a, b, c].map((x) => createGuestVm(hv, x));
    for (const vm of vms) vm.powerOn();
    for (const vm of vms) vm.runFor(50_000);
    expect(vms.every((vm) => vm.state === 'running')).toBe(true);
    hv.run();
    [a, b, c].forEach((x, i) => {
      const ref = alone(x);
      const vm = vms[i]!;
      expect(vm.stopReason).toEqual({ kind: 'shutdown', code: 0 });
      expect(vm.console).toBe(ref.console);
      expect(vm.cycles).toBe(ref.cycles);
      expect(vm.accounting.exits).toEqual(ref.exits);
    });
  });
});
