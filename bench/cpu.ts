/**
 * npm run bench:cpu — guest MIPS of the hart (host time around run() only; medians of RUNS runs):
 *
 *  1. the hand-written loop guests/bench/cpu.S (S-mode, Sv32 on), target ≥ 1,000 MIPS;
 *  2. the compiled benchmark guests/bench/cbench (C built with riscv64-unknown-elf-gcc -O2,
 *     see scripts/build-cbench.sh) in M-mode and in S-mode with Sv32 on, target ≥ 400 MIPS
 *     with Sv32;
 *  3. when qemu-system-riscv32 is installed, QEMU's MIPS on the same ELF (bench/qemu-mips.ts
 *     explains the method) and pvlab's speed as a fraction of it.
 *
 * Every run of one program must print the same checksum and give the same counters.
 * Environment: PVLAB_BENCH_ITERATIONS (cpu.S loop count), PVLAB_BENCH_RUNS, PVLAB_CBENCH_SCALE
 * (cbench rounds; QEMU runs QEMU_SCALE_FACTOR times as many), PVLAB_BENCH_QEMU=0 to skip QEMU.
 */
import { readFileSync } from 'node:fs';
import { assemble } from '../src/asm/index.js';
import { VirtBoard } from '../src/machine/board.js';
import { fromAsm } from '../src/cli/program.js';
import { guestPath } from '../src/guest/paths.js';
import { CbenchMode, loadCbench, runCbench, type CbenchRun } from './cbench.js';
import { measureQemu, qemuAvailable, qemuVersion } from './qemu-mips.js';
import { tuneV8 } from '../src/util/v8-tuning.js';

// As the pvlab command does (src/util/v8-tuning.ts): the figures are the command's.
tuneV8();

const ITERATIONS = Number(process.env.PVLAB_BENCH_ITERATIONS ?? 3_000_000);
const RUNS = Number(process.env.PVLAB_BENCH_RUNS ?? 5);
const CBENCH_SCALE = Number(process.env.PVLAB_CBENCH_SCALE ?? 96);
/** QEMU is several times faster: a longer run keeps its start-up noise small. */
const QEMU_SCALE_FACTOR = 4;
const LOOP_TARGET = 1000;
const CBENCH_TARGET = 400;

interface Run { insns: number; cycles: number; console: string; ms: number; tlbMisses: number }

function handWrittenLoop(): Run {
  const source = guestPath('bench', 'cpu.S');
  const program = fromAsm(assemble(readFileSync(source, 'utf8'), { fileName: source }));
  const iterationsAddr = program.symbols.get('iterations');
  if (iterationsAddr === undefined) throw new Error(`${source} defines no 'iterations' symbol`);
  const out: number[] = [];
  const board = new VirtBoard({ consoleOut: (b) => out.push(b) });
  for (const s of program.segments) board.loadPhysical(s.addr, s.bytes);
  const patch = new Uint8Array(4);
  new DataView(patch.buffer).setUint32(0, ITERATIONS, true);
  board.loadPhysical(iterationsAddr, patch);
  board.hart.pc = program.entry | 0;
  const t0 = performance.now();
  const stop = board.run(Number.MAX_SAFE_INTEGER);
  const ms = performance.now() - t0;
  if (stop.kind !== 'power-off' || stop.code !== 0) throw new Error(`benchmark guest stopped: ${JSON.stringify(stop)}`);
  return {
    insns: board.hart.retired, cycles: board.hart.cycle, console: Buffer.from(out).toString().trim(), ms,
    tlbMisses: board.hart.tlb.misses,
  };
}

const mips = (r: Run): number => r.insns / r.ms / 1000;

interface Measured { first: Run; cold: number; runs: number[]; median: number }

/**
 * One cold run (the program's code translated and compiled by V8 for the first time in this
 * process), then RUNS measured runs, all checked identical; the median MIPS of the measured
 * ones. The cold run is reported beside them: it is what a short `pvlab exec` sees.
 */
function measure(what: string, once: () => Run): Measured {
  const cold = once();
  const results: Run[] = [];
  for (let i = 0; i < RUNS; i++) results.push(once());
  for (const r of results) {
    if (r.insns !== cold.insns || r.console !== cold.console || r.cycles !== cold.cycles) {
      throw new Error(`${what}: runs differ — the simulation is not deterministic`);
    }
  }
  const runs = results.map(mips);
  return { first: cold, cold: mips(cold), runs, median: [...runs].sort((a, b) => a - b)[Math.floor(runs.length / 2)] as number };
}

function report(label: string, m: Measured, target: string): void {
  console.log(`  ${label.padEnd(36)}${m.median.toFixed(1).padStart(8)} MIPS  ${target}`);
  console.log(`  ${''.padEnd(36)}runs ${m.runs.map((v) => v.toFixed(0)).join(' ')} (cold first run ${m.cold.toFixed(0)}); ` +
    `${m.first.insns} insns, ${m.first.tlbMisses} TLB misses, ${m.first.console.replace(/\s+/g, ' ')}`);
}

console.log(`bench:cpu — guest MIPS, median of ${RUNS} runs after a cold one (host time around run(); counters identical in every run)`);
const loop = measure('cpu.S', handWrittenLoop);
report(`hand-written loop, S-mode + Sv32`, loop, `(target ≥ ${LOOP_TARGET})`);

const { bytes, elf } = loadCbench();
const cM = measure('cbench M-mode', () => runCbench(elf, CbenchMode.Machine, CBENCH_SCALE));
report(`compiled C (cbench), M-mode`, cM, '');
const cS = measure('cbench S-mode', () => runCbench(elf, CbenchMode.SupervisorSv32, CBENCH_SCALE));
report(`compiled C (cbench), S-mode + Sv32`, cS, `(target ≥ ${CBENCH_TARGET})`);
if (cM.first.console !== cS.first.console) throw new Error('cbench prints different checksums in M-mode and S-mode');

if (process.env.PVLAB_BENCH_QEMU === '0') {
  console.log('  QEMU: skipped (PVLAB_BENCH_QEMU=0)');
} else if (!qemuAvailable()) {
  console.log('  QEMU: qemu-system-riscv32 is not installed; no comparison');
} else {
  const qemuScale = CBENCH_SCALE * QEMU_SCALE_FACTOR;
  const large: CbenchRun = runCbench(elf, CbenchMode.SupervisorSv32, qemuScale);
  const idle: CbenchRun = runCbench(elf, CbenchMode.SupervisorSv32, 0);
  const q = measureQemu(bytes, elf, CbenchMode.SupervisorSv32, qemuScale, large.insns, idle.insns, RUNS);
  if (q.console !== large.console) throw new Error(`QEMU printed '${q.console}', pvlab '${large.console}': not the same run`);
  console.log(`  ${`QEMU ${qemuVersion()} TCG, cbench S-mode + Sv32`.padEnd(36)}${q.mips.toFixed(1).padStart(8)} MIPS  ` +
    `(pvlab/QEMU = ${(cS.median / q.mips).toFixed(2)})`);
  console.log(`  ${''.padEnd(36)}scale ${qemuScale} vs 0: ${large.insns - idle.insns} insns (pvlab's count) in ` +
    `${(q.msLarge - q.msIdle).toFixed(0)} ms (median wall ${q.msLarge.toFixed(0)} − ${q.msIdle.toFixed(0)} ms), same checksum`);
}
