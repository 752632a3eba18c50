/**
 * Assignment scheduler, public tests: Hypervisor.run (src/hypervisor/hypervisor.ts) runs its
 * VMs in turn, a quantum at a time, and counts the host's busy cycles.
 * Run: npx vitest run assignments/scheduler/public
 */
import { describe, expect, it } from 'vitest';
import { workloadByName } from '../../../src/guest/workloads.js';
import { presetByName } from '../../../src/hypervisor/cost-presets.js';
import { Hypervisor } from '../../../src/hypervisor/hypervisor.js';
import { COURSE_PRESET, COURSE_RAM } from '../../../src/course/testing.js';
import { createGuestVm } from '../../../src/harness/run-guest.js';

/** A hypervisor with VMs running null-syscall; every runFor call and every console byte is
 *  recorded, in order. */
export function setup(names: string[], iterations: number[], quantumCycles?: number) {
  const hv = new Hypervisor(quantumCycles === undefined ? {} : { quantumCycles });
  const calls: { vm: string; cycles: number }[] = [];
  const bytes: { vm: string; byte: number }[] = [];
  const vms = names.map((name, i) => {
    const vm = createGuestVm(hv, {
      name, build: 'unmodified', workload: 'null-syscall', technique: 'trap-emulate', preset: presetByName(COURSE_PRESET),
      ramBytes: COURSE_RAM, params: { iterations: iterations[i] ?? 100 }, consoleOut: (byte) => bytes.push({ vm: name, byte }),
    });
    const original = vm.runFor.bind(vm);
    vm.runFor = (cycles: number, maxInsns?: number) => { calls.push({ vm: name, cycles }); original(cycles, maxInsns); };
    vm.powerOn();
    return vm;
  });
  return { hv, vms, calls, bytes };
}

describe('scheduler: round-robin on one core', () => {
  it('two VMs run in turn: the second prints its boot banner before the first has finished', () => {
    const { hv, vms, bytes } = setup(['a', 'b'], [400, 400]);
    hv.run({ maxInsnsPerVm: 200_000_000 });
    for (const vm of vms) expect(vm.stopReason, `VM ${vm.name} did not shut down cleanly`).toEqual({ kind: 'shutdown', code: 0 });
    const firstB = bytes.findIndex((x) => x.vm === 'b');
    const lastA = bytes.map((x) => x.vm).lastIndexOf('a');
    expect(firstB < lastA, 'VM b printed nothing until VM a had finished: the VMs ran one after another (first come, first served), not in turn').toBe(true);
    expect(vms[0]!.console).toContain(workloadByName('null-syscall').expected({ iterations: 400 }));
  });

  it('each turn is one quantum, and running VMs alternate', () => {
    const { hv, calls } = setup(['a', 'b'], [400, 400]);
    hv.run({ maxInsnsPerVm: 200_000_000 });
    expect(calls.length, `the two VMs had ${calls.length} turns in all: each ran to its end in one go rather than a quantum at a time`).toBeGreaterThan(2);
    for (const c of calls) expect(c.cycles, `a turn of VM ${c.vm} was not one quantum (${hv.quantumCycles} cycles)`).toBe(hv.quantumCycles);
    expect(calls.slice(0, 4).map((c) => c.vm).join(','), 'the first four turns').toBe('a,b,a,b');
  });

  it('hostCycles counts every VM\'s busy cycles (its cycles minus its idle cycles)', () => {
    const { hv, vms } = setup(['a', 'b'], [200, 300]);
    hv.run({ maxInsnsPerVm: 200_000_000 });
    const busy = vms.reduce((s, vm) => s + vm.cycles - vm.accounting.cycles.idle, 0);
    expect(hv.hostCycles, `hv.hostCycles is ${hv.hostCycles}; the VMs were busy ${busy} cycles`).toBe(busy);
  });
});
