import { describe, expect, it } from 'vitest';
import { Hypervisor } from '../../src/hypervisor/hypervisor.js';
import { SHADOW_POOL_BASE } from '../../src/hypervisor/guest-memory.js';
import type { Vm } from '../../src/hypervisor/vm.js';
import { KERNEL_BASE } from '../../src/guest/image.js';
import { PRESET, RAM, kernelImage } from './helpers.js';
import { createGuestVm } from '../../src/harness/run-guest.js';
import type { GuestImage } from '../../src/guest/image.js';

const MARKER = 0xdeadbeef;

/** Common prologue: a trap handler that counts traps in s11 and skips the faulting
 *  instruction, and an epilogue that stores the count and shuts down through SBI SRST. */
const PROLOGUE = `
    .globl _start
_start:
    la      t0, handler
    csrw    stvec, t0
    li      s11, 0
    j       main
handler:
    csrr    t6, sepc
    addi    t6, t6, 4
    csrw    sepc, t6
    addi    s11, s11, 1
    sret
finish:
    la      t0, trap_count
    sw      s11, 0(t0)
    li      a7, 0x53525354     # SRST
    li      a6, 0
    li      a0, 0
    li      a1, 0
    ecall
1:  j       1b
`;
const EPILOGUE = `
    .data
    .balign 4
    .globl trap_count
trap_count: .word 0
`;

function scanFor(bytes: Int32Array, value: number): number {
  let n = 0;
  for (let i = 0; i < bytes.length; i++) if ((bytes[i] as number) >>> 0 === value) n++;
  return n;
}

/** A well-behaved neighbour: it must finish exactly as it does alone. */
function neighbour(hv: Hypervisor): Vm {
  const vm = createGuestVm(hv, { name: 'neighbour', build: 'unmodified', workload: 'fork', params: { iterations: 2 }, preset: PRESET, ramBytes: RAM });
  vm.powerOn();
  return vm;
}

function aloneConsole(): string {
  const hv = new Hypervisor();
  const vm = neighbour(hv);
  hv.run();
  return vm.console;
}

function hostile(hv: Hypervisor, name: string, source: string): Vm<GuestImage> {
  const vm = hv.createVm({ name, build: 'unmodified', image: kernelImage(source), preset: PRESET, ramBytes: RAM });
  vm.powerOn();
  return vm;
}

describe('a hostile guest harms only itself', () => {
  const expectedNeighbour = aloneConsole();

  it('writes to every 64 KiB of the address space: faults come back to it, nothing else changes', () => {
    const hv = new Hypervisor({ quantumCycles: 100_000 });
    const good = neighbour(hv);
    const bad = hostile(hv, 'writer', `${PROLOGUE}
main:
    li      t1, ${MARKER}
    li      t0, 0
1:  sw      t1, 0(t0)
    li      t2, 0x10000
    add     t0, t0, t2
    bnez    t0, 1b
    sw      t1, 0(zero)        # and the last word of memory, and the pool by name
    li      t0, ${SHADOW_POOL_BASE}
    sw      t1, 0(t0)
    j       finish
${EPILOGUE}`);
    hv.run({ maxInsnsPerVm: 50_000_000 });
    expect(bad.stopReason).toEqual({ kind: 'shutdown', code: 0 });
    expect(good.stopReason).toEqual({ kind: 'shutdown', code: 0 });
    expect(good.console).toBe(expectedNeighbour);
    // Every write outside its RAM and devices faulted back into the guest.
    const traps = bad.mem.read32(sym(bad, 'trap_count')) as number;
    expect(traps).toBeGreaterThan(60_000);
    expect(scanFor(good.mem.ram.i32, MARKER)).toBe(0);
    expect(scanFor(bad.mem.shadowPool.i32, MARKER)).toBe(0);
  });

  it('page tables pointing outside its RAM (at the shadow pool, above RAM) yield faults, not mappings', () => {
    const hv = new Hypervisor({ quantumCycles: 100_000 });
    const good = neighbour(hv);
    const PTE_LEAF = 0xcf; // V R W X A D
    const bad = hostile(hv, 'mapper', `${PROLOGUE}
main:
    la      t0, root
    # VA 0x0000_0000 → megapage at the shadow pool; VA 0x0040_0000 → megapage at 0xF000_0000;
    # VA 0x0080_0000 → a "level-0 table" inside the shadow pool; RAM identity for the code.
    li      t1, ((${SHADOW_POOL_BASE} >> 22) << 20) | ${PTE_LEAF}
    sw      t1, 0(t0)
    li      t1, ((0xF0000000 >> 22) << 20) | ${PTE_LEAF}
    sw      t1, 4(t0)
    li      t1, ((${SHADOW_POOL_BASE} >> 12) << 10) | 1
    sw      t1, 8(t0)
    li      t1, ((${KERNEL_BASE} >> 22) << 20) | ${PTE_LEAF}
    li      t2, (${KERNEL_BASE} >> 22) * 4
    add     t2, t2, t0
    sw      t1, 0(t2)
    srli    t0, t0, 12
    li      t1, 0x80000000
    or      t0, t0, t1
    csrw    satp, t0
    sfence.vma
    li      t1, ${MARKER}
    li      t0, 0x0
    sw      t1, 0(t0)
    lw      t2, 0(t0)
    li      t0, 0x00400000
    sw      t1, 0(t0)
    li      t0, 0x00800000
    sw      t1, 0(t0)
    lw      t2, 0(t0)
    csrw    satp, zero
    sfence.vma
    j       finish
${EPILOGUE}
    .bss
    .balign 4096
root: .space 4096`);
    hv.run({ maxInsnsPerVm: 10_000_000 });
    expect(bad.stopReason).toEqual({ kind: 'shutdown', code: 0 });
    expect(bad.mem.read32(sym(bad, 'trap_count'))).toBe(5);
    expect(scanFor(bad.mem.shadowPool.i32, MARKER)).toBe(0);
    expect(good.console).toBe(expectedNeighbour);
  });

  it.each([1, 2, 3])('random instruction words (seed %i) stop that VM with a reason; the neighbour is untouched', (seed) => {
    let state = seed * 0x9e3779b1;
    const words: string[] = [];
    for (let i = 0; i < 1024; i++) {
      state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) | 0;
      words.push(`.word 0x${(state >>> 0).toString(16)}`);
    }
    const hv = new Hypervisor({ quantumCycles: 100_000 });
    const good = neighbour(hv);
    const bad = hostile(hv, 'garbage', `.globl _start\n_start:\n${words.join('\n')}\n`);
    expect(() => hv.run({ maxInsnsPerVm: 5_000_000 })).not.toThrow();
    expect(bad.state).toBe('stopped');
    expect(bad.stopReason).not.toBeNull();
    // Any reason the guest gave — but never a hypervisor error.
    expect(['stuck', 'insn-limit', 'shutdown', 'reboot', 'waiting-forever']).toContain(bad.stopReason?.kind);
    expect(good.console).toBe(expectedNeighbour);
    expect(good.stopReason).toEqual({ kind: 'shutdown', code: 0 });
  });

  it('a guest with no trap handler is stopped with a clear reason instead of spinning', () => {
    const hv = new Hypervisor();
    const bad = hostile(hv, 'nohandler', '.globl _start\n_start:\n  .word 0xffffffff\n');
    hv.run({ maxInsnsPerVm: 1_000_000 });
    expect(bad.stopReason?.kind).toBe('stuck');
    expect(bad.stopReason && 'message' in bad.stopReason ? bad.stopReason.message : '').toMatch(/trap handler .* over and over/);
  });
});

function sym(vm: Vm<GuestImage>, name: string): number {
  const kernel = vm.image.parts.find((p) => p.name === 'kernel');
  const s = kernel?.asm.symbols.find((x) => x.name === name);
  if (!s) throw new Error(`no symbol ${name}`);
  return s.value;
}
