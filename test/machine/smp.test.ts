/**
 * A board of two harts (QEMU's `virt -smp 2`): pvlab's firmware starts hart 1 through SBI HSM,
 * the harts exchange IPIs, count together with AMOs and with LR/SC, one rewrites code the
 * other has run (remote fence.i), and hart 1 stops (test/machine/smp.S). The console is what
 * the program says it is, the counters are exact, two runs give the same counters, and — when
 * QEMU is installed — the same image prints the same console on `qemu-system-riscv32 -M virt
 * -smp 2 -bios none`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeElf } from '../../src/asm/elf.js';
import { VirtBoard } from '../../src/machine/board.js';
import { virtBoardFdt } from '../../src/machine/fdt.js';
import { HART_QUANTUM_CYCLES } from '../../src/machine/interleave.js';
import { VIRT } from '../../src/machine/memory-map.js';
import { assemble, flatImage } from '../../src/asm/index.js';
import { SBI_ERR, SBI_HSM_STATE } from '../../src/abi/sbi.js';
import { MIP } from '../../src/isa/csr.js';
import { XREG } from '../../src/isa/registers.js';
import { CLINT } from '../../src/machine/devices/clint.js';
import { FINISHER } from '../../src/machine/devices/test-device.js';
import { build, buildFirmware, FIRMWARE_BASE, PAYLOAD_BASE, type Image } from '../firmware/helpers.js';
import { haveQemu, runQemuVirt } from '../qemu.js';

const SMP_SOURCE = resolve('test/machine/smp.S');
const HARTS = 2;
const RAM_BYTES = 128 * 0x10_0000;
const ITERATIONS = 2000;
const MAX_INSNS = 50_000_000;
/** The default 1 GHz core over the 10 MHz timebase. */
const CYCLES_PER_TICK = 100;

/** What smp.S prints on a board of `harts` harts (hart 2 exists, stopped, from 3 harts on). */
const expectedConsole = (harts: number): string => `smp: hart 0 up
hart 1 status before hart_start: 1
smp: hart 1 started, opaque=ok
hart_start(1): error=0
hart_start(1) again: error=-6
hart 1 status: 0
hart 2 hart_get_status: error=${harts > 2 ? 0 : SBI_ERR.INVALID_PARAM}
hart 2 status: ${harts > 2 ? SBI_HSM_STATE.STOPPED : 0}
amoadd.w counter: ${2 * ITERATIONS}
lr.w/sc.w counter: ${2 * ITERATIONS}
patchme on hart 1 before: 1
remote_fence_i(1): error=0
patchme on hart 1 after: 2
patchme on hart 0: 2
remote_sfence_vma(all) on hart 0: error=0
remote_sfence_vma(all) on hart 1 at the same time: error=0
hart 1 status after hart_stop: 1
smp: done
`;
const EXPECTED_CONSOLE = expectedConsole(2);

interface SmpRun {
  console: string;
  stop: string;
  /** Per hart: retired instructions, cycles, idle cycles. */
  harts: { retired: number; cycle: number; idle: number }[];
  scFailures: number[];
  /** Supervisor software interrupts each hart took. */
  ipis: number[];
}

function runSmp(payload: Image, quantumCycles = HART_QUANTUM_CYCLES, slice = MAX_INSNS, harts = HARTS): SmpRun {
  let console = '';
  const board = new VirtBoard({
    ramBytes: RAM_BYTES, harts, quantumCycles, consoleOut: (b) => { console += String.fromCharCode(b); },
  });
  const fw = buildFirmware();
  board.loadPhysical(fw.base, fw.bytes);
  board.loadPhysical(payload.base, payload.bytes);
  const fdt = virtBoardFdt({
    ramBase: VIRT.DRAM_BASE, ramBytes: RAM_BYTES, harts, timebaseHz: VIRT.TIMEBASE_HZ, virtioSlots: VIRT.VIRTIO_COUNT,
  });
  board.loadPhysical(fdt.address, fdt.bytes);
  board.startAll(FIRMWARE_BASE, fdt.address);
  // In slices of `slice` instructions: where a run() stops must not change what happens.
  let stop = board.run(slice);
  for (let done = slice; stop.kind === 'insn-limit' && done < MAX_INSNS; done += slice) stop = board.run(slice);
  const failures = payload.symbols.get('sc_failures')!;
  const ipis = payload.symbols.get('ipis')!;
  const word = (addr: number) => board.ram.i32[(addr - VIRT.DRAM_BASE) >>> 2] as number;
  return {
    console,
    stop: stop.kind === 'power-off' ? `power-off ${stop.code}` : JSON.stringify(stop),
    harts: board.harts.map((h) => ({ retired: h.retired, cycle: h.cycle, idle: h.idleCycles })),
    scFailures: [word(failures), word(failures + 4)],
    ipis: [word(ipis), word(ipis + 4)],
  };
}

const payload = build(SMP_SOURCE, PAYLOAD_BASE, { ITERATIONS });

describe('a board of two harts, firmware HSM/IPI/RFENCE (test/machine/smp.S)', () => {
  it('starts hart 1, counts exactly with AMOs and LR/SC, runs rewritten code on hart 1, stops it', () => {
    const r = runSmp(payload);
    expect(r.console).toBe(EXPECTED_CONSOLE);
    expect(r.stop).toBe('power-off 0');
    // Both harts ran, and sc.w did fail when the other hart's store broke a reservation (the
    // interleaving cuts lr.w/sc.w pairs), and the counter is exact all the same.
    expect(r.harts[1]!.retired).toBeGreaterThan(2 * ITERATIONS);
    expect(r.scFailures[0]! + r.scFailures[1]!).toBeGreaterThan(0);
    // Each hart was woken by the other's IPIs (several may coalesce into one pending SSIP).
    expect(r.ipis[0]).toBeGreaterThan(0);
    expect(r.ipis[1]).toBeGreaterThan(0);
  });

  it('is deterministic: two runs give the same counters on every hart', () => {
    expect(runSmp(payload)).toEqual(runSmp(payload));
  });

  it('gives the same counters when run() is called in slices of a few thousand instructions', () => {
    expect(runSmp(payload, HART_QUANTUM_CYCLES, 4321)).toEqual(runSmp(payload));
  });

  it('keeps its clocks within a quantum of each other', () => {
    const r = runSmp(payload);
    // Hart 1 spent its first boot waiting in the firmware (WFI), and the harts' clocks end
    // within a quantum and a trap of each other.
    expect(r.harts[1]!.idle).toBeGreaterThan(0);
    expect(Math.abs(r.harts[0]!.cycle - r.harts[1]!.cycle)).toBeLessThan(10 * HART_QUANTUM_CYCLES);
  });

  it('on a board of four harts: harts 2 and 3 stay stopped and take no part', () => {
    const r = runSmp(payload, HART_QUANTUM_CYCLES, MAX_INSNS, 4);
    expect(r.console).toBe(expectedConsole(4));
    expect(r.stop).toBe('power-off 0');
    // Waiting in the firmware from reset to the end: a few instructions, the rest asleep.
    for (const h of r.harts.slice(2)) expect(h.retired).toBeLessThan(100);
  });

  it('prints the same and counts exactly with a quantum of a few cycles (harts switch mid-loop)', () => {
    // 5 cycles: prime to the 7-instruction counting loop, so turns end at every point of it.
    const r = runSmp(payload, 5);
    expect(r.console).toBe(EXPECTED_CONSOLE);
    expect(r.scFailures[0]! + r.scFailures[1]!).toBeGreaterThan(0);
  });
});

describe('the interleaving of harts on a bare board', () => {
  /** Every hart runs `source` in M-mode from RAM's start, a0 = its hart id. */
  function bare(source: string, harts = 2): VirtBoard {
    const board = new VirtBoard({ ramBytes: 1 << 20, harts });
    const prog = flatImage(assemble(source, { fileName: 'bare.S', base: VIRT.DRAM_BASE }));
    board.loadPhysical(prog.base, prog.bytes);
    board.startAll(VIRT.DRAM_BASE, 0);
    return board;
  }

  it('stops with idle when every hart waits and nothing can wake any', () => {
    const board = bare('_start: wfi\n j _start\n');
    expect(board.run(1_000_000).kind).toBe('idle');
  });

  it('sleeps through to the next event when every hart waits (no host time per quantum)', () => {
    // Hart 1 arms its timer far ahead (off the quantum's grid) and both wait; the machine
    // leaps there in a few rounds, and hart 1 wakes at the deadline, not in its past.
    const far = 50_000_100;
    const board = bare(`
      .equ MTIMECMP1, ${VIRT.CLINT_BASE + CLINT.MTIMECMP + CLINT.MTIMECMP_STRIDE}
      _start: bnez a0, 1f
      0: wfi
         j 0b
      1: li t0, ${far / CYCLES_PER_TICK}
         li t1, MTIMECMP1
         sw zero, 4(t1)
         sw t0, 0(t1)
         li t0, ${MIP.MTIP}
         csrw mie, t0
      2: wfi
         csrr t2, mip
         andi t2, t2, ${MIP.MTIP}
         beqz t2, 2b
         li t0, ${VIRT.TEST_BASE}
         li t1, ${FINISHER.PASS}
         sw t1, 0(t0)
      3: j 3b
    `);
    const stop = board.run(1_000_000);
    expect(stop).toEqual({ kind: 'power-off', code: 0 });
    expect(board.harts[1]!.cycle).toBeGreaterThanOrEqual(far);
    expect(board.harts[0]!.retired + board.harts[1]!.retired).toBeLessThan(100);
  });

  it('lets a hart wake another that waits with nothing scheduled (msip), at the cycle it was sent', () => {
    // Hart 0 works for several quanta, then raises hart 1's msip; hart 1 notes mcycle (t3) when
    // it wakes: no earlier than hart 0 sent it (t3 of hart 0), and only a few cycles later.
    const board = bare(`
      .equ MSIP1, ${VIRT.CLINT_BASE + CLINT.MSIP + CLINT.MSIP_STRIDE}
      _start: bnez a0, 1f
         li t0, ${5 * HART_QUANTUM_CYCLES}
      4: addi t0, t0, -1
         bnez t0, 4b
         li t0, 1
         li t1, MSIP1
         csrr t3, mcycle
         sw t0, 0(t1)
      0: wfi
         j 0b
      1: li t0, ${MIP.MSIP}
         csrw mie, t0
      2: wfi
         csrr t3, mcycle
         csrr t2, mip
         andi t2, t2, ${MIP.MSIP}
         beqz t2, 2b
         li t0, ${VIRT.TEST_BASE}
         li t1, ${FINISHER.PASS}
         sw t1, 0(t0)
      3: j 3b
    `);
    expect(board.run(1_000_000)).toEqual({ kind: 'power-off', code: 0 });
    const sent = board.harts[0]!.x[XREG.t3]!;
    const woke = board.harts[1]!.x[XREG.t3]!;
    expect(sent).toBeGreaterThan(5 * HART_QUANTUM_CYCLES);
    expect(woke).toBeGreaterThanOrEqual(sent);
    expect(woke - sent).toBeLessThan(10);
  });
});

/** Firmware and payload, both from pvlab's assembler, as one ELF for QEMU's -kernel. */
function smpElf(): string {
  const fw = buildFirmware();
  const elf = writeElf({
    sections: [
      { name: '.text.firmware', addr: fw.base, bytes: fw.bytes, nobits: false },
      { name: '.text.payload', addr: payload.base, bytes: payload.bytes, nobits: false },
    ],
    symbols: [],
    entry: FIRMWARE_BASE,
    lineMap: [],
  });
  const file = join(mkdtempSync(join(tmpdir(), 'pvlab-smp-')), 'smp.elf');
  writeFileSync(file, elf);
  return file;
}

describe.skipIf(!haveQemu)('the same image on qemu-system-riscv32 -M virt -smp N', () => {
  for (const harts of [HARTS, 4]) {
    it(`prints the same console and exits 0 (-smp ${harts})`, () => {
      const q = runQemuVirt(['-smp', String(harts), '-m', `${RAM_BYTES / 0x10_0000}M`, '-bios', 'none', '-nographic',
        '-no-reboot', '-kernel', smpElf()]);
      expect(q.stdout).toBe(expectedConsole(harts));
      expect(q.status).toBe(0);
    });
  }
});
