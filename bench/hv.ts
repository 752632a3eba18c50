/**
 * npm run bench:hv — host time of this TypeScript hypervisor (tinybench), not simulated cycles:
 *
 *  1. ns per trapped-and-emulated CSR write (csrw sscratch from the guest kernel),
 *  2. ns per reflected system call (guest user ecall → guest kernel handler → sret),
 *  3. guest MIPS between exits: the compute workload (no kernel involvement) under
 *     trap-emulate against native. Target (issue 4): ≥ 80 % of native.
 *
 * (1) and (2) run guests/bench/hv-exits.S as a VM's kernel with N operations and with 0 and
 * take the difference, so the VM's set-up and shutdown cancel.
 */
import { readFileSync } from 'node:fs';
import { Bench } from 'tinybench';
import { assemble, flatImage } from '../src/asm/index.js';
import { guestPath } from '../src/guest/paths.js';
import { KERNEL_BASE } from '../src/guest/image.js';
import { VmAccounting } from '../src/hypervisor/accounting.js';
import { presetByName, DEFAULT_PRESET_NAME } from '../src/hypervisor/cost-presets.js';
import { GuestMemory } from '../src/hypervisor/guest-memory.js';
import { Vcpu, type VcpuHost } from '../src/hypervisor/vcpu.js';
import { runGuest } from '../src/hypervisor/techniques.js';
import { EventQueue } from '../src/machine/events.js';
import { DEFAULT_CORE_HZ } from '../src/machine/board.js';
import { VIRT } from '../src/machine/memory-map.js';

const OPS = 2000;
const MODE = { csr: 0, syscall: 1, none: 2 } as const;
const preset = presetByName(DEFAULT_PRESET_NAME);

const source = guestPath('bench', 'hv-exits.S');
const asm = assemble(readFileSync(source, 'utf8'), { fileName: source, base: KERNEL_BASE });
const image = flatImage(asm);
const sym = (name: string): number => {
  const s = asm.symbols.find((x) => x.name === name);
  if (!s) throw new Error(`${source}: no symbol ${name}`);
  return s.value;
};

/** A VM stripped to its vCPU: enough for a guest that only traps and calls SBI shutdown. */
function runExits(mode: number, iterations: number): { exits: number; cycles: number } {
  const mem = new GuestMemory(4 * 1024 * 1024, GuestMemory.defaultPoolBytes(4 * 1024 * 1024));
  const bytes = image.bytes.slice();
  const view = new DataView(bytes.buffer);
  view.setUint32(sym('iterations') - image.base, iterations, true);
  view.setUint32(sym('mode') - image.base, mode, true);
  mem.load(image.base, bytes);
  let done = false;
  const host: VcpuHost = {
    preset, accounting: new VmAccounting(),
    mmioRead: () => undefined, mmioWrite: () => false, isDevice: () => false,
    consolePut: () => {}, consoleGet: () => -1, setTimer: () => {},
    systemReset: () => { done = true; vcpu.stopped = true; },
    guestStuck: (m) => { throw new Error(m); },
  };
  const vcpu: Vcpu = new Vcpu(mem, new EventQueue(), DEFAULT_CORE_HZ / VIRT.TIMEBASE_HZ, host);
  vcpu.reset(KERNEL_BASE, 0, 0);
  vcpu.runFor(Number.MAX_SAFE_INTEGER);
  if (!done) throw new Error('benchmark guest did not shut down');
  return { exits: host.accounting.totalExits(), cycles: vcpu.hart.cycle };
}

function nsPerOp(bench: Bench, name: string): number {
  const t = bench.tasks.find((x) => x.name === name);
  if (!t || t.result.state !== 'completed') throw new Error(`benchmark ${name} did not complete`);
  return t.result.latency.mean * 1e6;
}

const bench = new Bench({ time: 1500, warmupTime: 300 });
bench.add('csr N', () => { runExits(MODE.csr, OPS); });
bench.add('csr 0', () => { runExits(MODE.csr, 0); });
bench.add('syscall N', () => { runExits(MODE.syscall, OPS); });
bench.add('syscall 0', () => { runExits(MODE.syscall, 0); });
await bench.run();

const csrExits = (runExits(MODE.csr, OPS).exits - runExits(MODE.csr, 0).exits) / OPS;
const sysExits = (runExits(MODE.syscall, OPS).exits - runExits(MODE.syscall, 0).exits) / OPS;
const csrNs = (nsPerOp(bench, 'csr N') - nsPerOp(bench, 'csr 0')) / OPS;
const sysNs = (nsPerOp(bench, 'syscall N') - nsPerOp(bench, 'syscall 0')) / OPS;

// Guest MIPS between exits: compute (pure user-mode arithmetic) natively and under trap-emulate.
function mips(technique: 'native' | 'trap-emulate'): { mips: number; exits: number } {
  const iterations = 3_000_000; // ≈ 51 M guest instructions
  const t0 = performance.now();
  const r = runGuest({ technique, build: 'unmodified', workload: 'compute', params: { iterations }, preset, ramBytes: 32 * 1024 * 1024 });
  const ms = performance.now() - t0;
  if (r.exitCode !== 0) throw new Error(`compute under ${technique} failed: ${JSON.stringify(r.stop)}`);
  const exits = r.exits ? Object.values(r.exits).reduce((a, b) => a + b, 0) : 0;
  return { mips: r.counters.instructions.total / ms / 1000, exits };
}
mips('native');
mips('trap-emulate'); // warm-up: translate the blocks once
const native = [mips('native'), mips('native'), mips('native')].map((m) => m.mips).sort((a, b) => a - b)[1] as number;
const teRuns = [mips('trap-emulate'), mips('trap-emulate'), mips('trap-emulate')];
const te = teRuns.map((m) => m.mips).sort((a, b) => a - b)[1] as number;

console.log(`bench:hv — host time of pvlab's hypervisor (tinybench, ${OPS} operations, difference to 0)`);
console.log(`  trapped-and-emulated CSR write   ${csrNs.toFixed(0).padStart(6)} ns   (${csrExits} exit per write)`);
console.log(`  reflected system call            ${sysNs.toFixed(0).padStart(6)} ns   (${sysExits} exits per call: ecall, csrr sepc, csrw sepc, sret)`);
console.log(`  guest MIPS, compute workload     native ${native.toFixed(1)}, trap-emulate ${te.toFixed(1)} ` +
  `(${(100 * te / native).toFixed(0)} % of native; ${teRuns[0]?.exits} exits in the run)   (target ≥ 80 %)`);
