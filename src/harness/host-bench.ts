/**
 * Host micro-benchmarks (issue 6 item 4): host nanoseconds per operation **of this
 * implementation** — pvlab's TypeScript simulator and hypervisor running on Node — measured with
 * tinybench. These are not simulated cycles and say nothing about real hardware; they are what
 * one guest operation costs the machine running pvlab.
 *
 * Every figure is the difference of two runs of the same small guest, one doing N operations
 * and one doing 0, divided by N (tinybench mean latency of each), so set-up, entry and shutdown
 * cancel:
 *
 *   - `native`     csrw sscratch in S-mode on the bare VirtBoard (no hypervisor): the CSR-write
 *                  loop of guests/bench/hv-exits.S, its instruction stream run as is, with a
 *                  three-instruction M-mode stub as its firmware for the closing SBI shutdown;
 *   - `trapped`    the same loop as a VM's guest kernel under trap-and-emulate: every write
 *                  exits and is emulated;
 *   - `trapped`    a reflected system call (hv-exits.S's syscall loop: guest user ecall →
 *                  guest kernel handler → emulated csrr/csrw sepc and sret);
 *   - `hypercall`  guests/bench/hv-hypercall.S as a paravirtual guest kernel: EVENT_CHECK (the
 *                  cheapest hypercall: dispatch, accounting, return) in a loop.
 *
 * `npm run bench:hv` prints these with a longer budget; the harness's reports include them as
 * their own table.
 */
import { readFileSync } from 'node:fs';
import { Bench } from 'tinybench';
import { assemble, flatImage } from '../asm/index.js';
import { guestPath } from '../guest/paths.js';
import { KERNEL_BASE } from '../guest/image.js';
import { CSR, Priv } from '../isa/csr.js';
import { VmAccounting } from '../hypervisor/accounting.js';
import { presetByName, DEFAULT_PRESET_NAME } from '../hypervisor/cost-presets.js';
import { GuestMemory } from '../hypervisor/guest-memory.js';
import { Vcpu } from '../hypervisor/vcpu.js';
import type { VmHost } from '../hypervisor/vm-host.js';
import { PARAVIRT, TRAP_EMULATE } from '../hypervisor/trap-emulate/trap-emulate.js';
import { EventQueue } from '../machine/events.js';
import { DEFAULT_CORE_HZ, VirtBoard } from '../machine/board.js';
import { VIRT } from '../machine/memory-map.js';
import type { HostTimeKind, HostTimeRow } from './host-time-row.js';

/** The label every table or chart of these figures carries. */
export const HOST_COST_LABEL =
  'Host time of this implementation (pvlab in TypeScript on Node, tinybench): ns per operation — not simulated cycles';

export type { HostTimeKind, HostTimeRow } from './host-time-row.js';

export interface HostCostOptions {
  /** Total time budget of the measurement in ms, warm-up included (default 1500: ≈ 1.5–2 s).
   *  Split evenly over the eight tinybench tasks (four operations × N and 0 runs). */
  timeMs?: number;
  /** Operations per measured run: N of the N-minus-0 difference (default 2000). */
  operations?: number;
}

export const DEFAULT_HOST_COST_TIME_MS = 1500;
export const DEFAULT_HOST_COST_OPERATIONS = 2000;

/** The measured operations, in row order. */
export const HOST_OPERATIONS = [
  { id: 'csr-native', operation: 'CSR write (csrw sscratch), native', kind: 'native' },
  { id: 'csr-trapped', operation: 'CSR write (csrw sscratch), trapped and emulated', kind: 'trapped' },
  { id: 'syscall-reflected', operation: 'system call, reflected to the guest kernel (trap-emulate)', kind: 'trapped' },
  { id: 'hypercall', operation: 'hypercall (EVENT_CHECK, paravirt)', kind: 'hypercall' },
] as const satisfies readonly { id: string; operation: string; kind: HostTimeKind }[];

export type HostOperationId = (typeof HOST_OPERATIONS)[number]['id'];

// ---- the guests -------------------------------------------------------------------------------

/** hv-exits.S's `mode` values. */
const EXITS_MODE = { csr: 0, syscall: 1 } as const;

interface Program {
  readonly source: string;
  readonly base: number;
  readonly entry: number;
  readonly bytes: Uint8Array;
  sym(name: string): number;
}

const programs = new Map<string, Program>();

function program(name: string): Program {
  const cached = programs.get(name);
  if (cached) return cached;
  const source = guestPath('bench', name);
  const asm = assemble(readFileSync(source, 'utf8'), { fileName: source, base: KERNEL_BASE });
  const image = flatImage(asm);
  const sym = (s: string): number => {
    const found = asm.symbols.find((x) => x.name === s);
    if (!found) throw new Error(`${source}: no symbol ${s}`);
    return found.value;
  };
  const p: Program = { source, base: image.base, entry: sym('_start'), bytes: image.bytes, sym };
  programs.set(name, p);
  return p;
}

/** The image with its data words patched by symbol. */
function patched(p: Program, words: Record<string, number>): Uint8Array {
  const bytes = p.bytes.slice();
  const view = new DataView(bytes.buffer);
  for (const [name, value] of Object.entries(words)) view.setUint32(p.sym(name) - p.base, value >>> 0, true);
  return bytes;
}

/** One run of a guest; returns the exits it took (0 for the bare board). */
type Runner = () => number;

const VM_RAM = 4 * 1024 * 1024;

/**
 * A VM stripped to its vCPU — enough for a guest kernel that only traps, makes hypercalls and
 * calls SBI shutdown. Built once; each run resets the vCPU and runs the guest to its shutdown.
 */
function vmRunner(p: Program, words: Record<string, number>, paravirt: boolean): Runner {
  const mem = new GuestMemory(VM_RAM, GuestMemory.defaultPoolBytes(VM_RAM));
  mem.load(p.base, patched(p, words));
  let done = false;
  const host: VmHost & { accounting: VmAccounting } = {
    preset: presetByName(DEFAULT_PRESET_NAME), accounting: new VmAccounting(), shadowPaging: 'fence',
    mmioRead: () => undefined, mmioWrite: () => false, isDevice: () => false,
    consolePut: () => {}, consoleGet: () => -1, setTimer: () => {},
    systemReset: () => { done = true; vcpu.stopped = true; },
    guestStuck: (_guard, m: string) => { throw new Error(`${p.source}: ${m}`); },
  };
  const vcpu: Vcpu = new Vcpu(mem, new EventQueue(), DEFAULT_CORE_HZ / VIRT.TIMEBASE_HZ, host, paravirt ? PARAVIRT : TRAP_EMULATE);
  return () => {
    host.accounting = new VmAccounting();
    done = false;
    vcpu.reset(p.entry, 0, 0);
    vcpu.runFor(Number.MAX_SAFE_INTEGER);
    if (!done) throw new Error(`${p.source}: the benchmark guest did not shut down`);
    return host.accounting.totalExits();
  };
}

/** The M-mode stub that serves the bare-board run's closing SBI call: power off. */
const STUB_BASE = VIRT.DRAM_BASE;
const STUB = `
    li t0, ${VIRT.TEST_BASE}
    li t1, 0x5555
    sw t1, 0(t0)
1:  j 1b
`;

/**
 * The guest's instruction stream on the bare VirtBoard, started in S-mode: the CSR writes are
 * plain instructions, and its SBI ecall lands in the stub, which powers the board off.
 */
function nativeRunner(p: Program, words: Record<string, number>): Runner {
  const board = new VirtBoard({ ramBytes: VM_RAM });
  board.loadPhysical(STUB_BASE, flatImage(assemble(STUB, { fileName: 'host-bench stub', base: STUB_BASE })).bytes);
  board.loadPhysical(p.base, patched(p, words));
  return () => {
    const hart = board.hart;
    hart.reset(p.entry);
    hart.priv = Priv.S;
    hart.csr.write(CSR.mtvec, STUB_BASE);
    const stop = board.run(Number.MAX_SAFE_INTEGER);
    if (stop.kind !== 'power-off') throw new Error(`${p.source} on the bare board stopped with ${JSON.stringify(stop)}`);
    return 0;
  };
}

/** The runner of one operation with `n` operations. */
function runnerFor(id: HostOperationId, n: number): Runner {
  const exits = program('hv-exits.S');
  switch (id) {
    case 'csr-native': return nativeRunner(exits, { iterations: n, mode: EXITS_MODE.csr });
    case 'csr-trapped': return vmRunner(exits, { iterations: n, mode: EXITS_MODE.csr }, false);
    case 'syscall-reflected': return vmRunner(exits, { iterations: n, mode: EXITS_MODE.syscall }, false);
    case 'hypercall': return vmRunner(program('hv-hypercall.S'), { iterations: n }, true);
    default: {
      const never: never = id;
      throw new Error(`unknown host operation ${String(never)}`);
    }
  }
}

/** Exits (hypervisor entries) per operation, from one N- and one 0-operation run: 0 natively,
 *  1 per trapped CSR write and per hypercall, 4 per reflected system call. */
export function exitsPerOperation(id: HostOperationId, operations = DEFAULT_HOST_COST_OPERATIONS): number {
  return (runnerFor(id, operations)() - runnerFor(id, 0)()) / operations;
}

// ---- the measurement ------------------------------------------------------------------------

/**
 * Host ns per native CSR write, trapped-and-emulated CSR write, reflected system call and
 * hypercall, in that order (HOST_OPERATIONS). Host time of this implementation: it varies with
 * the machine and its load, so reports show it apart from the (deterministic) simulated figures.
 */
export async function measureHostCosts(opts: HostCostOptions = {}): Promise<HostTimeRow[]> {
  const timeMs = opts.timeMs ?? DEFAULT_HOST_COST_TIME_MS;
  const n = opts.operations ?? DEFAULT_HOST_COST_OPERATIONS;
  if (!(Number.isFinite(timeMs) && timeMs > 0)) throw new RangeError(`host-bench timeMs must be a positive number of ms, not ${timeMs}`);
  if (!(Number.isInteger(n) && n >= 1 && n <= 0xffff_ffff)) throw new RangeError(`host-bench operations must be a whole number ≥ 1, not ${n}`);

  const perTask = timeMs / (2 * HOST_OPERATIONS.length);
  const bench = new Bench({
    time: perTask * 0.8, warmupTime: perTask * 0.2,
    iterations: 8, warmupIterations: 2,
    throws: true,
  });
  for (const op of HOST_OPERATIONS) {
    const withN = runnerFor(op.id, n);
    const with0 = runnerFor(op.id, 0);
    bench.add(`${op.id} N`, () => { withN(); });
    bench.add(`${op.id} 0`, () => { with0(); });
  }
  await bench.run();

  const latency = (name: string): { mean: number; moe: number } => {
    const t = bench.tasks.find((x) => x.name === name);
    if (!t || t.result.state !== 'completed') throw new Error(`host benchmark ${name} did not complete`);
    return t.result.latency;
  };
  return HOST_OPERATIONS.map((op) => perOperationRow(op, latency(`${op.id} N`), latency(`${op.id} 0`), n));
}

/**
 * The N-minus-0 difference per operation with its spread. A busy host can make the difference
 * tiny or negative; that is a measurement, not an error: it is kept, with `noisy` set when its
 * 95 % interval reaches 0, so a report can say so instead of failing.
 */
export function perOperationRow(op: { operation: string; kind: HostTimeKind }, withN: { mean: number; moe: number },
  with0: { mean: number; moe: number }, n: number): HostTimeRow {
  const ns = ((withN.mean - with0.mean) * 1e6) / n;
  const spread = (Math.hypot(withN.moe, with0.moe) * 1e6) / n;
  return { operation: op.operation, kind: op.kind, ns, spread, noisy: !(ns > spread) };
}
