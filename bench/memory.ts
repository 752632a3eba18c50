/**
 * npm run bench:memory — host memory cost of guest RAM, and of a VM beyond its RAM.
 *
 * 1. A board with 128 MiB of RAM, every page written (so the OS must really back it): the
 *    growth of the process's resident set. Target (issue 2): about 128 MiB, not several times.
 * 2. VMs (issue 15): for each technique, VM_COUNT VMs with VM_RAM_MIB of RAM each run a workload
 *    that writes more console output than a VM keeps, then every page of their RAM is written;
 *    the resident set's growth per VM minus its RAM is the per-VM overhead docs/hypervisor.md
 *    ("Bounds") documents: the shadow or G-stage pool, the hart's block cache and TLB, the
 *    console kept, device models. Translation memos shared by the process are warmed first and
 *    reported apart.
 */
import { VirtBoard, MIB } from '../src/machine/board.js';
import { Hypervisor } from '../src/hypervisor/hypervisor.js';
import { presetByName } from '../src/hypervisor/cost-presets.js';
import { IMPLIED_BUILD, VM_TECHNIQUES, type VmTechnique } from '../src/hypervisor/techniques.js';
import type { Vm } from '../src/hypervisor/vm.js';
import { createGuestVm } from '../src/harness/run-guest.js';

const RAM_MIB = Number(process.env.PVLAB_BENCH_RAM_MIB ?? 128);
const VM_COUNT = Number(process.env.PVLAB_BENCH_VMS ?? 4);
const VM_RAM_MIB = 16;
const PAGE = 4096;
/** console: 600 writes of 4096 bytes, past the 1 MiB a VM keeps. */
const CHATTY = { iterations: 600, bytes: 4096 };

function rssMiB(): number {
  globalThis.gc?.();
  return process.memoryUsage().rss / MIB;
}

function touch(ram: Uint8Array): void {
  for (let off = 0; off < ram.length; off += PAGE) ram[off] = 1;
}

/** Everything measured stays alive to the end, so that no measurement reuses memory an
 *  earlier one freed. */
const keep: unknown[] = [];

function board(): void {
  const before = rssMiB();
  const b = new VirtBoard({ ramBytes: RAM_MIB * MIB });
  keep.push(b);
  const created = rssMiB();
  touch(b.ram.u8);
  const touched = rssMiB();
  console.log(`bench:memory — a board with ${RAM_MIB} MiB of guest RAM`);
  console.log(`  RSS before             ${before.toFixed(1)} MiB`);
  console.log(`  after creating board   ${created.toFixed(1)} MiB (+${(created - before).toFixed(1)}: pages not touched yet cost nothing)`);
  console.log(`  after touching it all  ${touched.toFixed(1)} MiB (+${(touched - before).toFixed(1)} for ${RAM_MIB} MiB of guest RAM)`);
  console.log(`  overhead beyond RAM    ${(touched - before - RAM_MIB).toFixed(1)} MiB`);
}

function runVms(technique: VmTechnique, count: number): Vm[] {
  const hv = new Hypervisor();
  const vms = Array.from({ length: count }, (_, i) => createGuestVm(hv, {
    name: `vm${i}`, technique, build: IMPLIED_BUILD[technique], workload: 'console', params: CHATTY,
    preset: presetByName('modern-kvm'), ramBytes: VM_RAM_MIB * MIB,
  }));
  for (const vm of vms) vm.powerOn();
  hv.run();
  for (const vm of vms) {
    if (vm.stopReason?.kind !== 'shutdown') throw new Error(`${vm.name} under ${technique}: ${JSON.stringify(vm.stopReason)}`);
    touch(vm.mem.ram.u8);
  }
  return vms;
}

function vms(): void {
  console.log(`\nbench:memory — ${VM_COUNT} VMs of ${VM_RAM_MIB} MiB per technique, each writing ${(CHATTY.iterations * CHATTY.bytes / MIB).toFixed(1)} MiB of console`);
  const start = rssMiB();
  for (const t of VM_TECHNIQUES) keep.push(runVms(t, 1)); // the process's shared translation memos, warmed
  const warm = rssMiB();
  console.log(`  one VM per technique, and the process's shared translation memos: +${(warm - start).toFixed(1)} MiB`);
  for (const t of VM_TECHNIQUES) {
    const before = rssMiB();
    const kept = runVms(t, VM_COUNT);
    keep.push(kept);
    const after = rssMiB();
    const perVm = (after - before) / VM_COUNT;
    console.log(`  ${t.padEnd(17)} ${perVm.toFixed(1)} MiB per VM = RAM ${VM_RAM_MIB} + overhead ${(perVm - VM_RAM_MIB).toFixed(1)} MiB (console kept: ${kept[0]?.console.length} of ${kept[0]?.consoleBytesWritten} bytes)`);
  }
}

board();
vms();
