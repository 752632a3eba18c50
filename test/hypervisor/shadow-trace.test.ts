/**
 * Shadow paging's two modes (docs/shadow-paging.md): `fence` follows the guest's sfence.vma,
 * `trace` write-protects the guest's page tables and performs each write itself (pte-write
 * exits), keeping shadows exact without fences and across address-space switches.
 */
import { describe, expect, it } from 'vitest';
import { KERNEL_BASE, type GuestImage } from '../../src/guest/image.js';
import { Hypervisor } from '../../src/hypervisor/hypervisor.js';
import type { ShadowPagingMode } from '../../src/hypervisor/techniques.js';
import type { Vm } from '../../src/hypervisor/vm.js';
import { runGuest } from '../../src/harness/run-guest.js';
import { findResultLine, workloadByName } from '../../src/guest/workloads.js';
import { PRESET, RAM, kernelImage } from './helpers.js';

const PTE_TABLE = 0x01; // V: a pointer to the next level
const PTE_DATA = 0xc7; // V R W A D
const PTE_CODE = 0xcf; // V R W X A D

/**
 * A kernel that maps VA 0x0040_0000 through a second-level table to page `first`, reads it
 * (the shadow fills), points the same PTE at page `second` WITHOUT sfence.vma, and reads
 * again: on hardware with no cached translation the second read sees `second`; a fence-mode
 * shadow may still map `first`. Both results are stored for the test.
 */
const REMAP = `
    .globl _start
_start:
    la      s0, root
    la      s1, table
    # root[VPN1 of the kernel] = megapage identity (code, data, tables); root[1] → table.
    li      t0, (${KERNEL_BASE} >> 22) * 4
    add     t0, t0, s0
    li      t1, ((${KERNEL_BASE} >> 22) << 20) | ${PTE_CODE}
    sw      t1, 0(t0)
    srli    t1, s1, 12
    slli    t1, t1, 10
    ori     t1, t1, ${PTE_TABLE}
    sw      t1, 4(s0)
    # table[0] → page first
    la      t2, first
    srli    t2, t2, 12
    slli    t2, t2, 10
    ori     t2, t2, ${PTE_DATA}
    sw      t2, 0(s1)
    srli    t0, s0, 12
    li      t1, 0x80000000
    or      t0, t0, t1
    csrw    satp, t0
    sfence.vma
    li      t3, 0x00400000
    lw      a0, 0(t3)               # 0x1111 from page first; the shadow fills
    # table[0] → page second, no fence
    la      t2, second
    srli    t2, t2, 12
    slli    t2, t2, 10
    ori     t2, t2, ${PTE_DATA}
    sw      t2, 0(s1)
    lw      a1, 0(t3)               # trace: 0x2222 at once; fence: may still be 0x1111
    la      t0, results
    sw      a0, 0(t0)
    sw      a1, 4(t0)
    csrw    satp, zero
    sfence.vma
    li      a7, 0x53525354          # SRST: shutdown
    li      a6, 0
    li      a0, 0
    li      a1, 0
    ecall
1:  j       1b
    .data
    .balign 4
results: .word 0, 0
    .balign 4096
first:  .word 0x1111
    .balign 4096
second: .word 0x2222
    .balign 4096
root:   .space 4096
table:  .space 4096
`;

function sym(vm: Vm<GuestImage>, name: string): number {
  const s = vm.image.parts[0]?.asm.symbols.find((x) => x.name === name);
  if (!s) throw new Error(`no symbol ${name}`);
  return s.value;
}

function remap(technique: 'trap-emulate' | 'hw-assist-shadow', shadowPaging: ShadowPagingMode) {
  const hv = new Hypervisor();
  const vm = hv.createVm({ name: 'remap', build: 'unmodified', image: kernelImage(REMAP), preset: PRESET, ramBytes: RAM, technique, shadowPaging });
  vm.powerOn();
  hv.run({ maxInsnsPerVm: 1_000_000 });
  expect(vm.stopReason).toEqual({ kind: 'shutdown', code: 0 });
  const at = sym(vm, 'results');
  return { first: vm.mem.read32(at), second: vm.mem.read32(at + 4), exits: { ...vm.accounting.exits } };
}

describe.each(['trap-emulate', 'hw-assist-shadow'] as const)('%s', (technique) => {
  it('trace mode: a PTE rewritten without a fence takes effect at once, through one pte-write exit', () => {
    const r = remap(technique, 'trace');
    expect([r.first, r.second]).toEqual([0x1111, 0x2222]);
    expect(r.exits['pte-write']).toBeGreaterThanOrEqual(1);
  });

  it('fence mode: no write is traced; the stale translation lives until a fence (allowed by RISC-V)', () => {
    const r = remap(technique, 'fence');
    expect(r.first).toBe(0x1111);
    expect(r.exits['pte-write']).toBe(0);
    expect(r.second).toBe(0x1111);
  });

  it.each(['fork', 'mmap', 'context-switch', 'page-fault'])('trace mode runs %s to the same result as the bare machine', (workload) => {
    const params = { iterations: 3 };
    const r = runGuest({ technique, build: 'unmodified', workload, params, preset: PRESET, ramBytes: RAM, shadowPaging: 'trace' });
    expect(r.exitCode).toBe(0);
    expect(findResultLine(r.console, workload)).toBe(workloadByName(workload).expected(params));
  });
});

/**
 * Trace mode, paging off: the kernel maps VA 0x0040_0000 to page `first` and reads it (its
 * tables are now traced), turns paging off, points the entry at page `second` with a plain
 * store — to a page the shadow never maps writable — and turns paging back on: the store must
 * land (once, not refilled forever, as the fuzzer found) and the mapping must follow it.
 */
const REMAP_WITH_PAGING_OFF = REMAP.replace(`    lw      a0, 0(t3)               # 0x1111 from page first; the shadow fills`, `    lw      a0, 0(t3)               # 0x1111 from page first; the shadow fills
    csrw    satp, zero`).replace(`    lw      a1, 0(t3)               # trace: 0x2222 at once; fence: may still be 0x1111`, `    srli    t0, s0, 12
    li      t1, 0x80000000
    or      t0, t0, t1
    csrw    satp, t0
    lw      a1, 0(t3)               # 0x2222: the table as the guest wrote it`);

describe.each(['trap-emulate', 'hw-assist-shadow'] as const)('%s, trace mode', (technique) => {
  it('a page table written with paging off: the store is performed and traced, and the mapping follows it', () => {
    const hv = new Hypervisor();
    const vm = hv.createVm({ name: 'remap-off', build: 'unmodified', image: kernelImage(REMAP_WITH_PAGING_OFF), preset: PRESET, ramBytes: RAM, technique, shadowPaging: 'trace' });
    vm.powerOn();
    hv.run({ maxInsnsPerVm: 1_000_000 });
    expect(vm.stopReason).toEqual({ kind: 'shutdown', code: 0 });
    const at = sym(vm, 'results');
    expect([vm.mem.read32(at), vm.mem.read32(at + 4)]).toEqual([0x1111, 0x2222]);
    expect(vm.accounting.exits['pte-write']).toBe(1);
  });
});

describe('trace mode against fence mode, per operation', () => {
  const cycles = (workload: string, shadowPaging: ShadowPagingMode, n: number) => {
    const at = (k: number) => runGuest({ technique: 'trap-emulate', build: 'unmodified', workload, params: { iterations: k }, preset: PRESET, ramBytes: RAM, shadowPaging });
    const a = at(n);
    const b = at(0);
    return { cycles: (a.counters.cycles - b.counters.cycles) / n, fills: ((a.exits?.['shadow-fill'] ?? 0) - (b.exits?.['shadow-fill'] ?? 0)) / n };
  };

  it('a context switch keeps both address spaces\' shadows: far fewer fills than refilling after every switch', () => {
    const fence = cycles('context-switch', 'fence', 5);
    const trace = cycles('context-switch', 'trace', 5);
    expect(trace.fills).toBeLessThan(fence.fills / 4);
    expect(trace.cycles).toBeLessThan(fence.cycles);
  });
});

describe('the page-table tracer', () => {
  it('traces a space\'s root and second-level pages once, invalidates by entry, and stops tracing when nothing depends on a page', async () => {
    const { PageTableTracer } = await import('../../src/hypervisor/shadow/pt-tracer.js');
    const t = new PageTableTracer();
    const A = 0x8000_1000; // satp values name the spaces
    expect(t.noteWalk(A, 100, 1, 200)).toEqual([100, 200]);
    expect(t.noteWalk(A, 100, 1, 200)).toEqual([]);
    expect(t.noteWalk(A, 100, 2, 200)).toEqual([]); // one table under two slots
    expect(t.invalidations(200, 3)).toEqual([
      { kind: 'page', space: A, va: (1 << 22) | (3 << 12) }, { kind: 'page', space: A, va: (2 << 22) | (3 << 12) },
    ]);
    // Rewriting root slot 1 drops the shadow under it and one of the table's two dependences.
    expect(t.invalidations(100, 1)).toEqual([{ kind: 'slot', space: A, slot: 1 }]);
    expect(t.isTraced(200)).toBe(true);
    t.invalidations(100, 2);
    expect(t.isTraced(200)).toBe(false);
    expect(t.spacesUsing(100)).toEqual([A]);
    t.dropSpace(A);
    expect(t.tracedPages).toBe(0);
  });
});
