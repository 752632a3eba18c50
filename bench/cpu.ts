/**
 * npm run bench:cpu — guest MIPS of the hart on a CPU-bound program with Sv32 paging on.
 *
 * guests/bench/cpu.S is assembled with pvlab's own assembler, its `iterations` word patched,
 * and run to completion on the virt board; host time is measured around run() only. Each run
 * must print the same checksum and retire the same number of instructions (determinism).
 * Target (issue 2): ≥ 150 MIPS on the project's 2-core machines.
 */
import { readFileSync } from 'node:fs';
import { assemble } from '../src/asm/index.js';
import { VirtBoard } from '../src/machine/board.js';
import { fromAsm } from '../src/cli/program.js';
import { guestPath } from '../src/guest/paths.js';

const ITERATIONS = Number(process.env.PVLAB_BENCH_ITERATIONS ?? 3_000_000);
const RUNS = Number(process.env.PVLAB_BENCH_RUNS ?? 5);

const source = guestPath('bench', 'cpu.S');
const program = fromAsm(assemble(readFileSync(source, 'utf8'), { fileName: source }));
const iterationsAddr = program.symbols.get('iterations');
if (iterationsAddr === undefined) throw new Error(`${source} defines no 'iterations' symbol`);

interface Result { mips: number; insns: number; ms: number; console: string; cycles: number; tlbMisses: number }

function once(): Result {
  const out: number[] = [];
  const board = new VirtBoard({ consoleOut: (b) => out.push(b) });
  for (const s of program.segments) board.loadPhysical(s.addr, s.bytes);
  const patch = new Uint8Array(4);
  new DataView(patch.buffer).setUint32(0, ITERATIONS, true);
  board.loadPhysical(iterationsAddr as number, patch);
  board.hart.pc = program.entry | 0;
  const t0 = performance.now();
  const stop = board.run(Number.MAX_SAFE_INTEGER);
  const ms = performance.now() - t0;
  if (stop.kind !== 'power-off' || stop.code !== 0) throw new Error(`benchmark guest stopped: ${JSON.stringify(stop)}`);
  const insns = board.hart.retired;
  return {
    mips: insns / ms / 1000, insns, ms, console: Buffer.from(out).toString().trim(),
    cycles: board.hart.cycle, tlbMisses: board.hart.tlb.misses,
  };
}

const results: Result[] = [];
for (let i = 0; i < RUNS; i++) results.push(once());
const first = results[0] as Result;
for (const r of results) {
  if (r.insns !== first.insns || r.console !== first.console || r.cycles !== first.cycles) {
    throw new Error('runs differ: the simulation is not deterministic');
  }
}
const sorted = results.map((r) => r.mips).sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)] as number;
console.log(`bench:cpu — guests/bench/cpu.S, Sv32 on (S-mode, 4 KiB pages), ${ITERATIONS} iterations`);
console.log(`  instructions per run  ${first.insns}`);
console.log(`  checksum              ${first.console} (identical in all ${RUNS} runs, as are the counters)`);
console.log(`  TLB misses per run    ${first.tlbMisses}`);
console.log(`  runs (MIPS)           ${results.map((r) => r.mips.toFixed(1)).join('  ')}`);
console.log(`  median                ${median.toFixed(1)} MIPS   (target ≥ 150)`);
