/**
 * Assignment scheduler, hidden tests: quantum sizes, VMs that stop early, the runaway guard,
 * and waiting VMs that cost the host nothing.
 */
import { describe, expect, it } from 'vitest';
import { presetByName } from '../../../src/hypervisor/cost-presets.js';
import { Hypervisor } from '../../../src/hypervisor/hypervisor.js';
import { workloadByName } from '../../../src/guest/workloads.js';
import { COURSE_PRESET, COURSE_RAM } from '../../../src/course/testing.js';
import { createGuestVm } from '../../../src/harness/run-guest.js';

function setup(spec: { name: string; workload: string; params: Record<string, number> }[], quantumCycles?: number) {
  const hv = new Hypervisor(quantumCycles === undefined ? {} : { quantumCycles });
  const calls: string[] = [];
  const vms = spec.map((s) => {
    const vm = createGuestVm(hv, {
      name: s.name, build: 'unmodified', workload: s.workload, technique: 'trap-emulate', preset: presetByName(COURSE_PRESET),
      ramBytes: COURSE_RAM, params: s.params,
    });
    const original = vm.runFor.bind(vm);
    vm.runFor = (cycles: number, maxInsns?: number) => { calls.push(s.name); original(cycles, maxInsns); };
    vm.powerOn();
    return vm;
  });
  return { hv, vms, calls };
}

describe('scheduler (hidden)', () => {
  it('a smaller quantum means more turns: about one turn per quantum of the VM\'s clock', () => {
    const { hv, vms, calls } = setup([{ name: 'a', workload: 'null-syscall', params: { iterations: 300 } }, { name: 'b', workload: 'null-syscall', params: { iterations: 300 } }], 200_000);
    hv.run({ maxInsnsPerVm: 200_000_000 });
    const turnsA = calls.filter((c) => c === 'a').length;
    const expected = Math.ceil(vms[0]!.cycles / 200_000);
    expect(Math.abs(turnsA - expected), `VM a had ${turnsA} turns for ${vms[0]!.cycles} cycles at a 200000-cycle quantum`).toBeLessThanOrEqual(2);
  });

  it('a VM that finishes leaves the others running to their ends, each correct', () => {
    const spec = [
      { name: 'short', workload: 'null-syscall', params: { iterations: 5 } },
      { name: 'long', workload: 'null-syscall', params: { iterations: 600 } },
      { name: 'mid', workload: 'context-switch', params: { iterations: 20 } },
    ];
    const { hv, vms, calls } = setup(spec);
    hv.run({ maxInsnsPerVm: 200_000_000 });
    vms.forEach((vm, i) => {
      expect(vm.stopReason, `VM ${vm.name}`).toEqual({ kind: 'shutdown', code: 0 });
      expect(vm.console).toContain(workloadByName(spec[i]!.workload).expected(spec[i]!.params));
    });
    expect(calls.indexOf('mid') < calls.lastIndexOf('long'), 'VM mid started only after VM long had finished').toBe(true);
  });

  it('the runaway guard: maxInsnsPerVm stops each VM after that many instructions, while the others keep their turns', () => {
    const { hv, vms, calls } = setup([
      { name: 'a', workload: 'compute', params: { iterations: 5_000_000 } }, { name: 'b', workload: 'compute', params: { iterations: 5_000_000 } },
    ]);
    hv.run({ maxInsnsPerVm: 3_000_000 });
    for (const vm of vms) {
      expect(vm.stopReason?.kind, `VM ${vm.name}'s stop`).toBe('insn-limit');
      expect(vm.trapEmulation.hart.retired, `VM ${vm.name} retired more than the limit`).toBeLessThanOrEqual(3_000_000 + 64);
    }
    expect(calls.indexOf('b') < calls.lastIndexOf('a'), 'VM b got no turn before VM a was stopped').toBe(true);
  });

  it('with a timer VM among them, hostCycles is exactly the busy cycles of the VMs (idle ones excluded)', () => {
    const { hv, vms } = setup([{ name: 't', workload: 'timer', params: { iterations: 3 } }, { name: 'n', workload: 'null-syscall', params: { iterations: 50 } }]);
    hv.run({ maxInsnsPerVm: 200_000_000 });
    const busy = vms.reduce((s, vm) => s + vm.cycles - vm.accounting.cycles.idle, 0);
    expect(hv.hostCycles, `hv.hostCycles is ${hv.hostCycles}; the VMs were busy ${busy} cycles`).toBe(busy);
  });
});
