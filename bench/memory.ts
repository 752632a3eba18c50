/**
 * npm run bench:memory — host memory cost of guest RAM.
 *
 * Creates a board with 128 MiB of RAM, has every page written (so the OS must really back it),
 * and reports the growth of the process's resident set. Target (issue 2): about 128 MiB,
 * not several times that.
 */
import { VirtBoard, MIB } from '../src/machine/board.js';

const RAM_MIB = Number(process.env.PVLAB_BENCH_RAM_MIB ?? 128);
const PAGE = 4096;

function rssMiB(): number {
  return process.memoryUsage().rss / MIB;
}

globalThis.gc?.();
const before = rssMiB();
const board = new VirtBoard({ ramBytes: RAM_MIB * MIB });
const created = rssMiB();
const ram = board.ram.u8;
for (let off = 0; off < ram.length; off += PAGE) ram[off] = 1;
const touched = rssMiB();
console.log(`bench:memory — a board with ${RAM_MIB} MiB of guest RAM`);
console.log(`  RSS before             ${before.toFixed(1)} MiB`);
console.log(`  after creating board   ${created.toFixed(1)} MiB (+${(created - before).toFixed(1)}: pages not touched yet cost nothing)`);
console.log(`  after touching it all  ${touched.toFixed(1)} MiB (+${(touched - before).toFixed(1)} for ${RAM_MIB} MiB of guest RAM)`);
console.log(`  overhead beyond RAM    ${(touched - before - RAM_MIB).toFixed(1)} MiB`);
