/**
 * QEMU's speed on the same ELF, for `npm run bench:cpu`: instructions per wall-clock second of
 * qemu-system-riscv32 (TCG), measured by difference so that QEMU's start-up and exit cancel.
 *
 * QEMU cannot count the instructions it runs without slowing down, but pvlab can, exactly, and
 * the program is deterministic: with no interrupts and no timing-dependent branch, the same ELF
 * with the same parameters retires the same instructions on both (the checksum it prints, which
 * must match pvlab's, confirms the same path was taken). So QEMU runs the ELF patched to a large
 * scale and to scale 0, each several times, and
 *
 *     QEMU MIPS = (insns(large) − insns(0)) / (median wall time(large) − median wall time(0))
 *
 * with both instruction counts from pvlab. Wall time is that of the whole QEMU process.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { patchElfWord, type ElfImage } from '../src/asm/elf.js';
import { symbolOf, type CbenchMode } from './cbench.js';

const QEMU = 'qemu-system-riscv32';
/** What pvlab implements: RV32IMA, no compressed or floating-point instructions. */
const QEMU_CPU = 'rv32,c=false,f=false,d=false';

export function qemuAvailable(): boolean {
  const r = spawnSync(QEMU, ['--version'], { stdio: 'ignore' });
  return r.error === undefined && r.status === 0;
}

export function qemuVersion(): string {
  const r = spawnSync(QEMU, ['--version'], { encoding: 'utf8' });
  return /version (\S+)/.exec(r.stdout)?.[1] ?? 'unknown';
}

interface QemuRun { ms: number; console: string }

function runQemu(elfPath: string, outPath: string): QemuRun {
  const t0 = performance.now();
  const r = spawnSync(QEMU, [
    '-M', 'virt', '-cpu', QEMU_CPU, '-m', '128M', '-bios', 'none', '-display', 'none',
    '-monitor', 'none', '-serial', `file:${outPath}`, '-kernel', elfPath,
  ], { stdio: 'ignore', timeout: 600_000 });
  const ms = performance.now() - t0;
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${QEMU} exited with ${r.status ?? r.signal} on ${elfPath}`);
  return { ms, console: readFileSync(outPath, 'latin1').trim() };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

export interface QemuMips {
  mips: number;
  /** Median wall times at scale 0 and at the large scale. */
  msIdle: number;
  msLarge: number;
  /** Console output of the large run (the checksum line). */
  console: string;
}

/** `insnsLarge`/`insnsIdle`: pvlab's exact counts for `scale` and for scale 0 in `mode`. */
export function measureQemu(
  bytes: Uint8Array, elf: ElfImage, mode: CbenchMode, scale: number,
  insnsLarge: number, insnsIdle: number, runs: number,
): QemuMips {
  const dir = mkdtempSync(join(tmpdir(), 'pvlab-qemu-mips-'));
  try {
    const image = (s: number): string => {
      const path = join(dir, `cbench-${s}.elf`);
      const withMode = patchElfWord(bytes, symbolOf(elf, 'bench_mode'), mode);
      writeFileSync(path, patchElfWord(withMode, symbolOf(elf, 'bench_scale'), s));
      return path;
    };
    const large = image(scale);
    const idle = image(0);
    const out = join(dir, 'console.txt');
    const msLarge: number[] = [];
    const msIdle: number[] = [];
    let console = '';
    runQemu(large, out); // warm the host's caches (binary, libraries) once
    for (let i = 0; i < runs; i++) {
      const r = runQemu(large, out);
      msLarge.push(r.ms);
      console = r.console;
      msIdle.push(runQemu(idle, out).ms);
    }
    const mL = median(msLarge);
    const mI = median(msIdle);
    return { mips: (insnsLarge - insnsIdle) / (mL - mI) / 1000, msIdle: mI, msLarge: mL, console };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
