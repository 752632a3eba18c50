/**
 * Hostile paravirtual guests: whatever a guest passes to a hypercall, it gets an error code or
 * harms only itself; the host and a neighbouring VM carry on unaffected (DESIGN §4, "Bad
 * guests"; docs/pv-abi.md, "Validation").
 */
import { describe, expect, it } from 'vitest';
import { HYPERCALLS, PV_EXT, PV_SHARED } from '../../src/abi/hypercalls.js';
import { SBI_ERR } from '../../src/abi/sbi.js';
import { Cause } from '../../src/isa/causes.js';
import { PTE } from '../../src/isa/csr.js';
import { SHADOW_POOL_BASE } from '../../src/hypervisor/guest-memory.js';
import { Hypervisor } from '../../src/hypervisor/hypervisor.js';
import { HC } from '../../src/abi/hypercalls.js';
import type { Vm } from '../../src/hypervisor/vm.js';
import { PRESET, RAM, kernelImage } from './helpers.js';
import { createGuestVm } from '../../src/harness/run-guest.js';
import type { GuestImage } from '../../src/guest/image.js';

const RAM_BASE = 0x8000_0000;
const RAM_END = RAM_BASE + RAM;
const MARKER = 0xfeedf00d;
const pte = (pa: number, flags: number): number => ((Math.floor(pa / 4096) * 1024) + flags) >>> 0;

const PRELUDE = [
  `.equ PV_EXT, ${PV_EXT}`,
  ...HYPERCALLS.map((h) => `.equ HC_${h.name}, ${h.number}`),
  ...Object.entries(PV_SHARED).map(([k, v]) => `.equ SH_${k}, ${v}`),
  `.macro HC fn
    li a7, PV_EXT
    li a6, HC_\\fn
    ecall
.endm
.macro REC
    la t6, rec_ptr
    lw t5, 0(t6)
    sw a0, 0(t5)
    sw a1, 4(t5)
    addi t5, t5, 8
    sw t5, 0(t6)
.endm`,
].join('\n');

const DATA = `
    .data
    .balign 4
rec_ptr: .word results
    .globl results
results: .space 256
    .globl trap_causes
trap_causes: .space 64
trap_ptr: .word trap_causes
    .bss
    .balign 4096
    .globl shared
shared: .space 4096
kstack: .space 4096
kstack_top:
`;

/** Record scause, skip the faulting instruction, return. */
const SKIP_CALLBACK = `
callback:
    addi sp, sp, -16
    sw t0, 0(sp)
    sw t1, 4(sp)
    sw t2, 8(sp)
    la t2, shared
    la t0, trap_ptr
    lw t1, 0(t0)
    lw a0, SH_SCAUSE(t2)
    sw a0, 0(t1)
    lw a0, SH_STVAL(t2)
    sw a0, 4(t1)
    addi t1, t1, 8
    sw t1, 0(t0)
    lw t0, SH_SEPC(t2)
    addi t0, t0, 4
    sw t0, SH_SEPC(t2)
    lw t0, 0(sp)
    lw t1, 4(sp)
    lw t2, 8(sp)
    addi sp, sp, 16
    HC TRAP_RETURN
`;

function neighbour(hv: Hypervisor, name: string, technique: 'trap-emulate' | 'paravirt'): Vm {
  const vm = createGuestVm(hv, {
    name, technique, build: technique === 'paravirt' ? 'paravirt' : 'unmodified', workload: 'fork',
    params: { iterations: 2 }, preset: PRESET, ramBytes: RAM,
  });
  vm.powerOn();
  return vm;
}

function aloneConsole(technique: 'trap-emulate' | 'paravirt'): string {
  const hv = new Hypervisor();
  const vm = neighbour(hv, 'alone', technique);
  hv.run();
  return vm.console;
}

function hostile(hv: Hypervisor, name: string, source: string): Vm<GuestImage> {
  const vm = hv.createVm({
    name, technique: 'paravirt', build: 'paravirt', preset: PRESET, ramBytes: RAM,
    image: kernelImage(`${PRELUDE}\n    .text\n    .globl _start\n${source}\n${DATA}`),
  });
  vm.powerOn();
  return vm;
}

function sym(vm: Vm<GuestImage>, name: string): number {
  const s = vm.image.parts[0]?.asm.symbols.find((x) => x.name === name);
  if (!s) throw new Error(`no symbol ${name}`);
  return s.value;
}

function count(words: Int32Array, value: number): number {
  let n = 0;
  for (let i = 0; i < words.length; i++) if ((words[i] as number) >>> 0 === value) n++;
  return n;
}

describe('a hostile paravirtual guest harms only itself', () => {
  const expected = { te: aloneConsole('trap-emulate'), pv: aloneConsole('paravirt') };

  it('cannot get the shadow pool into a page table: refused, faulted, never mapped', () => {
    const ROOT = RAM_BASE + 0x80_0000;
    const POOL_MEGA = pte(SHADOW_POOL_BASE, PTE.V | PTE.R | PTE.W | PTE.A | PTE.D);
    const KERNEL = pte(RAM_BASE, PTE.V | PTE.R | PTE.W | PTE.X | PTE.A | PTE.D);
    const hv = new Hypervisor({ quantumCycles: 100_000 });
    const good = neighbour(hv, 'good', 'trap-emulate');
    const goodPv = neighbour(hv, 'good-pv', 'paravirt');
    const bad = hostile(hv, 'escaper', `
_start:
    la sp, kstack_top
    la a0, shared
    HC SET_SHARED_INFO
    la a0, callback
    HC SET_CALLBACK
    li t0, ${ROOT + 0x200 * 4}
    li t1, ${KERNEL}
    sw t1, 0(t0)                    # the kernel, identity
    li t0, ${ROOT}
    li t1, ${POOL_MEGA}
    sw t1, 4(t0)                    # VA 0x0040_0000 -> the shadow pool
    li a0, ${ROOT}
    HC PIN_TABLE
    REC                             # INVALID_PARAM, entry 1
    li t0, ${ROOT}
    sw zero, 4(t0)
    li a0, ${ROOT}
    HC PIN_TABLE
    REC                             # ok
    li t0, ${ROOT + 0x1000}         # an MMU_UPDATE of that entry
    li t1, ${ROOT + 4}
    sw t1, 0(t0)
    li t1, ${POOL_MEGA}
    sw t1, 4(t0)
    li t1, -1
    sw t1, 8(t0)
    li a0, ${ROOT + 0x1000}
    li a1, 1
    HC MMU_UPDATE
    REC                             # INVALID_PARAM, 0 applied
    li t0, ${ROOT}
    li t1, ${POOL_MEGA}
    sw t1, 4(t0)                    # a direct store: store page fault
    li a0, ${(0x8000_0000 | (ROOT >>> 12)) >>> 0}
    HC SET_PT_BASE
    REC                             # ok
    li t0, 0x00400000
    li t1, ${MARKER}
    sw t1, 0(t0)                    # unmapped: store page fault
    li a0, 0
    HC SET_PT_BASE
    li a0, ${ROOT}
    HC UNPIN_TABLE
    REC                             # ok: an ordinary page again...
    li t0, ${ROOT}
    li t1, ${POOL_MEGA}
    sw t1, 4(t0)                    # ...so this store lands
    li a0, ${(0x8000_0000 | (ROOT >>> 12)) >>> 0}
    HC SET_PT_BASE
    REC                             # INVALID_PARAM: not pinned
    li t0, ${(0x8000_0000 | (ROOT >>> 12)) >>> 0}
    csrw satp, t0                   # the unmodified way, trapped and emulated
    li t0, 0x00400000
    li t1, ${MARKER}
    sw t1, 0(t0)                    # the shadow never maps the pool: store access fault
    lw t1, 0(t0)                    # load access fault
    csrw satp, zero
    li a0, 0
    HC SHUTDOWN
${SKIP_CALLBACK}
`);
    hv.run({ maxInsnsPerVm: 20_000_000 });
    expect(bad.stopReason).toEqual({ kind: 'shutdown', code: 0 });
    const at = sym(bad, 'results');
    const rec = (i: number) => [(bad.mem.read32(at + 8 * i) as number) | 0, bad.mem.read32(at + 8 * i + 4)];
    expect([0, 1, 2, 3, 4, 5].map(rec)).toEqual([
      [SBI_ERR.INVALID_PARAM, 1], [0, 0], [SBI_ERR.INVALID_PARAM, 0], [0, 0], [0, 0], [SBI_ERR.INVALID_PARAM, 0],
    ]);
    const t = sym(bad, 'trap_causes');
    expect([0, 1, 2, 3].map((i) => [bad.mem.read32(t + 8 * i), bad.mem.read32(t + 8 * i + 4)])).toEqual([
      [Cause.StorePageFault, ROOT + 4], [Cause.StorePageFault, 0x0040_0000],
      [Cause.StoreAccessFault, 0x0040_0000], [Cause.LoadAccessFault, 0x0040_0000],
    ]);
    expect(count(bad.mem.shadowPool.i32, MARKER)).toBe(0);
    for (const m of bad.trapEmulation.shadow.mappings()) expect(m.pa >= RAM_BASE && m.pa < RAM_END).toBe(true);
    expect(good.console).toBe(expected.te);
    expect(goodPv.console).toBe(expected.pv);
    expect(good.stopReason).toEqual({ kind: 'shutdown', code: 0 });
    expect(goodPv.stopReason).toEqual({ kind: 'shutdown', code: 0 });
  });

  it.each([1, 2, 3])('a storm of random hypercalls (seed %i): error codes, never a host failure', (seed) => {
    let state = (seed * 0x9e3779b1) | 0;
    const rand = (): number => {
      state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) | 0;
      return (state ^ (state >>> 13)) >>> 0;
    };
    // Arguments a hostile guest would try: anything, its own RAM (aligned or not, away from
    // its code), the shadow pool, just past RAM, small numbers and counts, all ones.
    const arg = (): number => {
      switch (rand() % 8) {
        case 0: return rand();
        case 1: return (0x8080_0000 + (rand() % 0x80_0000)) >>> 0;
        case 2: return (0x8080_0000 + (rand() % 0x800) * 0x1000) >>> 0;
        case 3: return (SHADOW_POOL_BASE + (rand() % 0x10_0000)) >>> 0;
        case 4: return (RAM_END - 0x100 + (rand() % 0x200)) >>> 0;
        case 5: return rand() % 2048;
        case 6: return 0xffff_ffff;
        default: return rand() % 70;
      }
    };
    const fns = [HC.MMU_UPDATE, HC.TLB_FLUSH, HC.PIN_TABLE, HC.UNPIN_TABLE, HC.SET_TIMER, HC.CONSOLE_WRITE,
      HC.BLK_SETUP, HC.BLK_NOTIFY, HC.MULTICALL, HC.YIELD, HC.EVENT_CHECK, 17, 18, 255, 0xffff_ffff];
    const calls: number[] = [];
    const N = 1500;
    for (let i = 0; i < N; i++) calls.push(fns[rand() % fns.length] as number, arg(), arg(), arg(), arg(), arg(), arg());
    const hv = new Hypervisor({ quantumCycles: 100_000 });
    const good = neighbour(hv, 'good', 'trap-emulate');
    const bad = hostile(hv, 'storm', `
_start:
    la sp, kstack_top
    la s0, calls
    li s1, ${N}
    li s2, 0                        # calls that succeeded
    li s3, 0                        # calls refused
1:  lw a6, 0(s0)
    lw a0, 4(s0)
    lw a1, 8(s0)
    lw a2, 12(s0)
    lw a3, 16(s0)
    lw a4, 20(s0)
    lw a5, 24(s0)
    li a7, PV_EXT
    ecall
    beqz a0, 2f
    addi s3, s3, 1
    j 3f
2:  addi s2, s2, 1
3:  addi s0, s0, 28
    addi s1, s1, -1
    bnez s1, 1b
    li a0, 0
    HC SHUTDOWN
    .data
    .balign 4
calls:
    .word ${calls.map((c) => `0x${(c >>> 0).toString(16)}`).join(', ')}
`);
    expect(() => hv.run({ maxInsnsPerVm: 20_000_000 })).not.toThrow();
    expect(bad.stopReason).toEqual({ kind: 'shutdown', code: 0 });
    const x = bad.trapEmulation.hart.x;
    expect((x[18] as number) + (x[19] as number)).toBe(N);
    expect(x[19]).toBeGreaterThan(N / 3); // most of it refused
    expect(bad.accounting.exits.hypercall).toBeGreaterThanOrEqual(N);
    for (const m of bad.trapEmulation.shadow.mappings()) expect(m.pa >= RAM_BASE && m.pa < RAM_END).toBe(true);
    expect(good.console).toBe(expected.te);
    expect(good.stopReason).toEqual({ kind: 'shutdown', code: 0 });
  });
});
