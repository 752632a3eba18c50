/**
 * The compiled benchmark (guests/bench/cbench, built by scripts/build-cbench.sh) on pvlab's
 * virt board: load the committed ELF, patch its parameters by symbol, run it to power-off and
 * time run() alone.
 */
import { readFileSync } from 'node:fs';
import { readElf, type ElfImage } from '../src/asm/elf.js';
import { VirtBoard } from '../src/machine/board.js';
import { guestPath } from '../src/guest/paths.js';

export const CBENCH_ELF = guestPath('bench', 'cbench', 'cbench.elf');

/** bench_mode values (guests/bench/cbench/start.S). */
export const CbenchMode = { Machine: 0, SupervisorSv32: 1 } as const;
export type CbenchMode = (typeof CbenchMode)[keyof typeof CbenchMode];

export interface CbenchRun {
  insns: number;
  cycles: number;
  tlbMisses: number;
  console: string;
  ms: number;
}

export function loadCbench(): { bytes: Uint8Array; elf: ElfImage } {
  const bytes = new Uint8Array(readFileSync(CBENCH_ELF));
  return { bytes, elf: readElf(bytes, CBENCH_ELF) };
}

export function symbolOf(elf: ElfImage, name: string): number {
  const addr = elf.symbols.get(name);
  if (addr === undefined) throw new Error(`${CBENCH_ELF} defines no '${name}' symbol`);
  return addr;
}

function word(value: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, value >>> 0, true);
  return b;
}

/** One run to power-off; throws unless the guest exits with code 0. */
export function runCbench(elf: ElfImage, mode: CbenchMode, scale: number): CbenchRun {
  const out: number[] = [];
  const board = new VirtBoard({ consoleOut: (b) => out.push(b) });
  for (const s of elf.segments) board.loadPhysical(s.paddr, s.data);
  board.loadPhysical(symbolOf(elf, 'bench_mode'), word(mode));
  board.loadPhysical(symbolOf(elf, 'bench_scale'), word(scale));
  board.hart.reset(elf.entry);
  const t0 = performance.now();
  const stop = board.run(Number.MAX_SAFE_INTEGER);
  const ms = performance.now() - t0;
  if (stop.kind !== 'power-off' || stop.code !== 0) throw new Error(`cbench stopped: ${JSON.stringify(stop)}`);
  return {
    insns: board.hart.retired, cycles: board.hart.cycle, tlbMisses: board.hart.tlb.misses,
    console: Buffer.from(out).toString().trim(), ms,
  };
}
