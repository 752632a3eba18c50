/**
 * The hardware-assisted techniques end to end: `hw-assist` (the unmodified kernel in VS-mode on
 * the H extension, nested paging through a G-stage) and `hw-assist-shadow` (the same with the
 * G-stage off and shadow page tables in vsatp) — the same results as native, exits only for what
 * the hardware cannot do alone, the cost of 2-D page walks, and guests that misbehave.
 */
import { describe, expect, it } from 'vitest';
import { WORKLOADS, findResultLine, workloadByName } from '../../src/guest/workloads.js';
import type { RunCounters } from '../../src/guest/counters.js';
import { measurePerOperation } from '../../src/harness/per-op.js';
import { CYCLE_CATEGORIES, EXIT_KINDS, type ExitKind } from '../../src/hypervisor/accounting.js';
import { SHADOW_POOL_BASE } from '../../src/hypervisor/guest-memory.js';
import { HardwareAssist } from '../../src/hypervisor/hw/hw-assist.js';
import { Hypervisor } from '../../src/hypervisor/hypervisor.js';
import type { Technique } from '../../src/hypervisor/techniques.js';
import type { Vm } from '../../src/hypervisor/vm.js';
import { KERNEL_BASE } from '../../src/guest/image.js';
import { PRESET, RAM, kernelImage, run } from './helpers.js';
import { createGuestVm } from '../../src/harness/run-guest.js';
import type { GuestImage } from '../../src/guest/image.js';

type HwTechnique = 'hw-assist' | 'hw-assist-shadow';
const HW: readonly HwTechnique[] = ['hw-assist', 'hw-assist-shadow'];

const SMALL: Record<string, Record<string, number>> = {
  'null-syscall': { iterations: 30 }, 'context-switch': { iterations: 10 }, 'page-fault': { iterations: 10 },
  mmap: { iterations: 5 }, fork: { iterations: 3 }, console: { iterations: 5 }, 'block-io': { iterations: 3 },
  compute: { iterations: 500 }, timer: { iterations: 2 }, 'tlb-walk': { iterations: 2, pages: 64 },
};

// ---- the catalog ------------------------------------------------------------------------------

describe('hw-assist and hw-assist-shadow run every workload of the catalog', () => {
  const cases = WORKLOADS.flatMap((w) => HW.map((t) => [w.name, t] as const));
  it.each(cases)('%s under %s: the expected result line, exit 0, native\'s console', (name, technique) => {
    const params = SMALL[name] ?? {};
    const r = run(technique, name, params);
    expect(r.exitCode).toBe(0);
    expect(r.stop).toEqual({ kind: 'shutdown', code: 0 });
    expect(findResultLine(r.console, name)).toBe(workloadByName(name).expected(params));
    expect(r.console).toBe(run('native', name, params).console);
    // No firmware under a hypervisor; every cycle is accounted for.
    expect(r.counters.instructions.firmware).toBe(0);
    expect(CYCLE_CATEGORIES.reduce((n, c) => n + (r.breakdown?.[c] ?? 0), 0)).toBe(r.counters.cycles);
    // Nothing is ever trapped and emulated the trap-and-emulate way under the H extension.
    expect(r.exits?.['reflect-syscall']).toBe(0);
    expect(r.exits?.sret).toBe(0);
    if (technique === 'hw-assist') {
      expect(r.exits?.csr).toBe(0);
      expect(r.exits?.['shadow-fill']).toBe(0);
      expect(r.exits?.sfence).toBe(0);
    } else {
      expect(r.exits?.['gstage-fill']).toBe(0);
    }
  });
});

// ---- per operation ----------------------------------------------------------------------------

interface HwPerOp {
  perOp: RunCounters;
  /** Exits per operation by kind (0 for native). */
  exits: Record<ExitKind, number>;
}

function perOp(technique: Technique, workload: string, n: number, extra: Record<string, number> = {}): HwPerOp {
  const exitsAt: Record<number, Record<ExitKind, number> | undefined> = {};
  const m = measurePerOperation((k) => {
    const r = run(technique, workload, { ...extra, iterations: k });
    exitsAt[k] = r.exits;
    return r.counters;
  }, n);
  const exits = Object.fromEntries(EXIT_KINDS.map((kind) =>
    [kind, ((exitsAt[n]?.[kind] ?? 0) - (exitsAt[0]?.[kind] ?? 0)) / n])) as Record<ExitKind, number>;
  return { perOp: m.perOp, exits };
}

describe('per operation under the H extension', () => {
  it('null-syscall: system calls never exit, and cost about what they cost natively', () => {
    const native = perOp('native', 'null-syscall', 40);
    for (const t of HW) {
      const hw = perOp(t, 'null-syscall', 40);
      expect(hw.exits['reflect-syscall']).toBe(0);
      expect(hw.exits.csr).toBe(0);
      expect(hw.exits.sret).toBe(0);
      expect(hw.perOp.exits).toBeLessThan(0.2);
      expect(hw.perOp.cycles / native.perOp.cycles).toBeLessThan(1.5);
      expect(hw.perOp.cycles / native.perOp.cycles).toBeGreaterThan(0.9);
      // The guest sees its system call as a trap, exactly as natively: one ecall from U each.
      expect(hw.perOp.traps['EnvironmentCallFromU']).toBe(1);
      expect(hw.perOp.traps['EnvironmentCallFromU']).toBe(native.perOp.traps['EnvironmentCallFromU']);
    }
  });

  it('console: device I/O still exits — at least one MMIO exit per byte under both', () => {
    const bytes = 64;
    for (const t of HW) {
      const hw = perOp(t, 'console', 5, { bytes });
      expect(hw.exits.mmio).toBeGreaterThanOrEqual(bytes);
      expect(hw.exits.mmio / hw.perOp.exits).toBeGreaterThan(0.9);
    }
  });

  it.each([['mmap', 5], ['fork', 3]] as const)('%s: no shadow paging exits under nested paging; shadow fills and sfence exits under hw-assist-shadow', (workload, n) => {
    const nested = perOp('hw-assist', workload, n);
    expect(nested.exits['shadow-fill']).toBe(0);
    expect(nested.exits.sfence).toBe(0);
    expect(nested.exits.csr).toBe(0);
    expect(nested.perOp.exits).toBeLessThan(1);
    const shadow = perOp('hw-assist-shadow', workload, n);
    expect(shadow.exits['shadow-fill']).toBeGreaterThan(1);
    expect(shadow.exits.sfence).toBeGreaterThan(0);
    expect(shadow.exits['gstage-fill']).toBe(0);
    expect(shadow.perOp.exits).toBeGreaterThan(5 * nested.perOp.exits);
    expect(shadow.perOp.cycles).toBeGreaterThan(nested.perOp.cycles);
    // The guest's own page faults are its own under both (and counted as natively).
    const native = perOp('native', workload, n);
    expect(nested.perOp.traps['EnvironmentCallFromU']).toBe(native.perOp.traps['EnvironmentCallFromU']);
  });

  it('tlb-walk over 1024 pages: a nested TLB miss reads 8 PTEs (4× native\'s 2); shadow tables read as many as native', () => {
    const params = { pages: 1024 };
    const native = perOp('native', 'tlb-walk', 2, params);
    const nested = perOp('hw-assist', 'tlb-walk', 2, params);
    const shadow = perOp('hw-assist-shadow', 'tlb-walk', 2, params);
    // Every load misses natively: 1024 misses, 2 reads each.
    expect(native.perOp.tlbMisses).toBeGreaterThanOrEqual(1024);
    expect(native.perOp.pteReads / native.perOp.tlbMisses).toBeCloseTo(2, 1);
    const ratio = nested.perOp.pteReads / native.perOp.pteReads;
    expect(ratio).toBeGreaterThan(3.5);
    expect(ratio).toBeLessThan(4.5);
    expect(shadow.perOp.pteReads / native.perOp.pteReads).toBeGreaterThan(0.9);
    expect(shadow.perOp.pteReads / native.perOp.pteReads).toBeLessThan(1.1);
    // The walks dominate: nested costs several times native; shadow about native (no exits once warm).
    expect(nested.perOp.cycles / native.perOp.cycles).toBeGreaterThan(2);
    expect(shadow.perOp.cycles / native.perOp.cycles).toBeLessThan(1.2);
    expect(nested.perOp.exits).toBeLessThan(1);
    expect(shadow.perOp.exits).toBeLessThan(1);
  });

  it('pure compute costs the same as native', () => {
    const native = perOp('native', 'compute', 100_000);
    for (const t of HW) {
      const hw = perOp(t, 'compute', 100_000);
      expect(Math.abs(hw.perOp.cycles / native.perOp.cycles - 1)).toBeLessThan(0.05);
      expect(hw.perOp.instructions.user).toBe(native.perOp.instructions.user);
    }
  });
});

describe('determinism', () => {
  it.each(HW)('%s: two runs give identical counters, exits and cycle breakdowns', (t) => {
    for (const [w, p] of [['fork', { iterations: 2 }], ['block-io', { iterations: 2 }], ['tlb-walk', { iterations: 1, pages: 600 }]] as const) {
      const a = run(t, w, p);
      const b = run(t, w, p);
      expect(b.counters).toEqual(a.counters);
      expect(b.exits).toEqual(a.exits);
      expect(b.breakdown).toEqual(a.breakdown);
      expect(b.console).toBe(a.console);
    }
  });
});

// ---- the VM object ----------------------------------------------------------------------------

describe('a hw-assist VM', () => {
  it.each(HW)('%s: vm.vcpu throws a clear error; vm.cpu is the H-extension vCPU', (technique) => {
    const hv = new Hypervisor();
    const vm = createGuestVm(hv, { name: 'h', technique, build: 'unmodified', workload: 'null-syscall', params: { iterations: 3 }, preset: PRESET, ramBytes: RAM });
    expect(() => vm.trapEmulation).toThrow(/runs hw-assist.*no trap-and-emulate vCPU/);
    expect(vm.cpu.policy).toBeInstanceOf(HardwareAssist);
    const cpu = vm.hardwareAssist;
    expect(cpu.paging).toBe(technique === 'hw-assist' ? 'nested' : 'shadow');
    expect(cpu.gstage !== null).toBe(technique === 'hw-assist');
    expect(cpu.shadow !== null).toBe(technique === 'hw-assist-shadow');
    vm.powerOn();
    expect(vm.cpu.hart.virt).toBe(true);
    hv.run();
    expect(vm.stopReason).toEqual({ kind: 'shutdown', code: 0 });
    expect(vm.cycles).toBe(vm.cpu.hart.cycle);
    if (cpu.gstage) expect(cpu.gstage.stats.fills).toBeGreaterThan(0);
  });
});

// ---- hostile guests ---------------------------------------------------------------------------

/** A trap handler that logs scause (up to 32) and skips the faulting instruction, and a
 *  finish that stores the count and shuts down through SBI SRST. */
const PROLOGUE = `
    .globl _start
_start:
    la      t0, handler
    csrw    stvec, t0
    li      s11, 0
    j       main
handler:
    li      t3, 32
    bgeu    s11, t3, 1f
    csrr    t5, scause
    la      t4, causes
    slli    t3, s11, 2
    add     t4, t4, t3
    sw      t5, 0(t4)
1:  csrr    t6, sepc
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
causes: .space 128
`;
const MARKER = 0xdeadbeef;

function sym(vm: Vm<GuestImage>, name: string): number {
  const s = vm.image.parts.find((p) => p.name === 'kernel')?.asm.symbols.find((x) => x.name === name);
  if (!s) throw new Error(`no symbol ${name}`);
  return s.value;
}

function causesOf(vm: Vm<GuestImage>): number[] {
  const n = vm.mem.read32(sym(vm, 'trap_count')) as number;
  const base = sym(vm, 'causes');
  return Array.from({ length: Math.min(n, 32) }, (_, i) => vm.mem.read32(base + 4 * i) as number);
}

function scanFor(words: Int32Array, value: number): number {
  let n = 0;
  for (let i = 0; i < words.length; i++) if ((words[i] as number) >>> 0 === value) n++;
  return n;
}

function neighbour(hv: Hypervisor, technique: HwTechnique): Vm {
  const vm = createGuestVm(hv, { name: 'neighbour', technique, build: 'unmodified', workload: 'fork', params: { iterations: 2 }, preset: PRESET, ramBytes: RAM });
  vm.powerOn();
  return vm;
}

const aloneConsoles = new Map<HwTechnique, string>();
function aloneConsole(technique: HwTechnique): string {
  let c = aloneConsoles.get(technique);
  if (c === undefined) {
    const hv = new Hypervisor();
    const vm = neighbour(hv, technique);
    hv.run();
    c = vm.console;
    aloneConsoles.set(technique, c);
  }
  return c;
}

function hostile(hv: Hypervisor, technique: HwTechnique | 'trap-emulate', name: string, source: string): Vm<GuestImage> {
  const vm = hv.createVm({ name, technique, build: 'unmodified', image: kernelImage(source), preset: PRESET, ramBytes: RAM });
  vm.powerOn();
  return vm;
}

/** Run a hostile guest beside a well-behaved neighbour; the neighbour must finish as alone. */
function runBeside(technique: HwTechnique, name: string, source: string, maxInsnsPerVm = 10_000_000): Vm<GuestImage> {
  const hv = new Hypervisor({ quantumCycles: 100_000 });
  const good = neighbour(hv, technique);
  const bad = hostile(hv, technique, name, source);
  expect(() => hv.run({ maxInsnsPerVm })).not.toThrow();
  expect(good.stopReason).toEqual({ kind: 'shutdown', code: 0 });
  expect(good.console).toBe(aloneConsole(technique));
  expect(scanFor(good.mem.ram.i32, MARKER)).toBe(0);
  return bad;
}

describe.each(HW)('a hostile guest under %s harms only itself', (technique) => {
  it('loads and stores at guest-physical addresses that are neither RAM nor a device: access faults (scause 5/7) to its own handler', () => {
    const bad = runBeside(technique, 'wild', `${PROLOGUE}
main:
    li      t1, ${MARKER}
    li      t0, ${SHADOW_POOL_BASE}     # the hypervisor's G-stage / shadow pool
    sw      t1, 0(t0)
    lw      t2, 0(t0)
    li      t0, 0x30000000              # nothing there
    sw      t1, 0(t0)
    lw      t2, 0(t0)
    li      t0, 0xF0000000              # above RAM
    sw      t1, 0(t0)
    lw      t2, 0(t0)
    li      t0, 0x00000000              # below every device
    sw      t1, 0(t0)
    j       finish
${EPILOGUE}`);
    expect(bad.stopReason).toEqual({ kind: 'shutdown', code: 0 });
    expect(causesOf(bad)).toEqual([7, 5, 7, 5, 7, 5, 7]);
    expect(scanFor(bad.mem.shadowPool.i32, MARKER)).toBe(0);
  });

  it('touching an H CSR (csrr hstatus, csrw hgatp) or hfence is an illegal instruction (scause 2) to the guest, not a crash', () => {
    const bad = runBeside(technique, 'hcsr', `${PROLOGUE}
main:
    csrr    t0, hstatus
    csrw    hgatp, zero
    csrr    t0, vsatp
    hfence.gvma
    hfence.vvma
    j       finish
${EPILOGUE}`);
    expect(bad.stopReason).toEqual({ kind: 'shutdown', code: 0 });
    expect(causesOf(bad)).toEqual([2, 2, 2, 2, 2]);
    const cpu = bad.hardwareAssist;
    // hgatp is still the hypervisor's (or off, under shadow paging).
    expect(bad.cpu.hart.csr.hgatp).toBe(cpu.gstage ? cpu.gstage.hgatp : 0);
  });

  it('page tables pointing outside its RAM (the pool, above RAM, a "table" in the pool) yield access faults, not mappings', () => {
    const PTE_LEAF = 0xcf; // V R W X A D
    const bad = runBeside(technique, 'mapper', `${PROLOGUE}
main:
    la      t0, root
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
    expect(bad.stopReason).toEqual({ kind: 'shutdown', code: 0 });
    expect(causesOf(bad)).toEqual([7, 5, 7, 7, 5]);
    expect(scanFor(bad.mem.shadowPool.i32, MARKER)).toBe(0);
  });

  it('a guest with no trap handler that faults forever is stopped as stuck, with a clear reason; the neighbour finishes', () => {
    const bad = runBeside(technique, 'nohandler', '.globl _start\n_start:\n  .word 0xffffffff\n', 1_000_000);
    expect(bad.state).toBe('stopped');
    expect(bad.stopReason?.kind).toBe('stuck');
    expect(bad.stopReason && 'message' in bad.stopReason ? bad.stopReason.message : '').toMatch(/trap handler .* over and over/);
  });

  it('a guest with its handler in unmapped space (stvec at a hole) is stopped too', () => {
    const bad = runBeside(technique, 'holehandler', `.globl _start\n_start:\n  li t0, 0x30000000\n  csrw stvec, t0\n  .word 0\n`, 1_000_000);
    expect(bad.state).toBe('stopped');
    expect(bad.stopReason?.kind).toBe('stuck');
    expect(bad.stopReason && 'message' in bad.stopReason ? bad.stopReason.message : '').toMatch(/over and over/);
  });
});

describe.each(HW)('more misbehaviour under %s', (technique) => {
  it('M-mode CSRs, mret and fetches from nowhere are the guest\'s own faults (scause 2, 1)', () => {
    const bad = runBeside(technique, 'mmode', `
    .globl _start
_start:
    la      t0, handler
    csrw    stvec, t0
    li      s11, 0
    csrr    t0, mstatus
    csrw    mtvec, zero
    mret
    la      ra, 1f
    li      t0, ${SHADOW_POOL_BASE}
    jr      t0                     # fetch from the hypervisor's pool
1:  la      ra, 2f
    li      t0, 0x30000000
    jr      t0                     # fetch from a hole
2:  la      ra, 3f
    li      t0, 0x10000000
    jr      t0                     # fetch from the UART
3:  j       finish
handler:
    li      t3, 32
    bgeu    s11, t3, 1f
    csrr    t5, scause
    la      t4, causes
    slli    t3, s11, 2
    add     t4, t4, t3
    sw      t5, 0(t4)
1:  addi    s11, s11, 1
    csrr    t5, scause
    li      t3, 1
    beq     t5, t3, 2f
    csrr    t6, sepc
    addi    t6, t6, 4
    csrw    sepc, t6
    sret
2:  csrw    sepc, ra               # a fetch fault: return to where the jump came from
    sret
finish:
    la      t0, trap_count
    sw      s11, 0(t0)
    li      a7, 0x53525354
    li      a6, 0
    li      a0, 0
    li      a1, 0
    ecall
1:  j       1b
${EPILOGUE}`);
    expect(bad.stopReason).toEqual({ kind: 'shutdown', code: 0 });
    expect(causesOf(bad)).toEqual([2, 2, 2, 1, 1, 1]);
  });

  it('a satp pointing outside RAM makes every fetch fault: stopped as stuck, with a clear reason; the neighbour finishes', () => {
    const bad = runBeside(technique, 'badroot', `
    .globl _start
_start:
    la      t0, handler
    csrw    stvec, t0
    li      t0, 0x80000000 | (${SHADOW_POOL_BASE} >> 12)
    csrw    satp, t0
    sfence.vma
    nop
handler:
    j       handler
`, 1_000_000);
    expect(bad.stopReason?.kind).toBe('stuck');
    expect(bad.stopReason && 'message' in bad.stopReason ? bad.stopReason.message : '').toMatch(/over and over/);
  });

  it('wfi with nothing that could wake it: the VM stops waiting forever', () => {
    const bad = runBeside(technique, 'sleeper', '.globl _start\n_start:\n  csrw sie, zero\n  wfi\n  j _start\n', 1_000_000);
    expect(bad.stopReason?.kind).toBe('waiting-forever');
  });
});

describe('hw-assist VMs on one core', () => {
  it('hw-assist, hw-assist-shadow and trap-emulate VMs interleaved each finish exactly as alone', () => {
    const configs = [
      { name: 'nested', technique: 'hw-assist' as const, workload: 'fork' },
      { name: 'shadow', technique: 'hw-assist-shadow' as const, workload: 'block-io' },
      { name: 'te', technique: 'trap-emulate' as const, workload: 'context-switch' },
      { name: 'nested2', technique: 'hw-assist' as const, workload: 'timer' },
    ].map((c) => ({ ...c, build: 'unmodified' as const, params: SMALL[c.workload] ?? {}, preset: PRESET, ramBytes: RAM }));
    const alone = configs.map((c) => {
      const hv = new Hypervisor({ quantumCycles: 30_000 });
      const vm = createGuestVm(hv, c);
      vm.powerOn();
      hv.run();
      return { console: vm.console, cycles: vm.cycles, exits: { ...vm.accounting.exits }, cyclesBy: { ...vm.accounting.cycles } };
    });
    const hv = new Hypervisor({ quantumCycles: 30_000 });
    const vms = configs.map((c) => createGuestVm(hv, c));
    for (const vm of vms) vm.powerOn();
    for (const vm of vms) vm.runFor(30_000);
    expect(vms.every((vm) => vm.state === 'running')).toBe(true);
    hv.run();
    vms.forEach((vm, i) => {
      expect(vm.stopReason).toEqual({ kind: 'shutdown', code: 0 });
      expect(vm.console).toBe(alone[i]!.console);
      expect(vm.cycles).toBe(alone[i]!.cycles);
      expect(vm.accounting.exits).toEqual(alone[i]!.exits);
      expect(vm.accounting.cycles).toEqual(alone[i]!.cyclesBy);
    });
  });

  it.each(HW)('%s: pause, resume and reset give the same run again', (technique) => {
    const hv = new Hypervisor();
    const vm = createGuestVm(hv, { name: 'r', technique, build: 'unmodified', workload: 'mmap', params: { iterations: 3 }, preset: PRESET, ramBytes: RAM });
    vm.powerOn();
    vm.runFor(200_000);
    vm.pause();
    const at = vm.cycles;
    hv.run();
    expect(vm.cycles).toBe(at);
    vm.resume();
    hv.run();
    expect(vm.stopReason).toEqual({ kind: 'shutdown', code: 0 });
    const first = vm.console;
    const exits = { ...vm.accounting.exits };
    vm.reset();
    hv.run();
    expect(vm.stopReason).toEqual({ kind: 'shutdown', code: 0 });
    expect(vm.console).toBe(first + first);
    // The second run needed the G-stage filled (or shadow tables built) all over again.
    const again = vm.accounting.exits;
    if (technique === 'hw-assist') expect(again['gstage-fill']).toBe(2 * exits['gstage-fill']);
    else expect(again['shadow-fill']).toBeGreaterThan(exits['shadow-fill']);
  });
});

describe('device and address-space corner cases: hw-assist as trap-and-emulate', () => {
  /** Run `body` with a handler that packs each scause into s11 (4 bits each) and stores it. */
  const packed = (technique: 'trap-emulate' | HwTechnique, body: string, bss = '') => {
    const hv = new Hypervisor();
    const vm = hostile(hv, technique, 'corner', `
    .globl _start
_start:
    la      t0, handler
    csrw    stvec, t0
    li      s11, 0
${body}
    la      t0, trap_count
    sw      s11, 0(t0)
    li      a7, 0x53525354
    li      a6, 0
    li      a0, 0
    li      a1, 0
    ecall
1:  j       1b
handler:
    csrr    t6, sepc
    addi    t6, t6, 4
    csrw    sepc, t6
    csrr    t5, scause
    slli    s11, s11, 4
    or      s11, s11, t5
    sret
${EPILOGUE}
${bss}`);
    hv.run({ maxInsnsPerVm: 1_000_000 });
    expect(vm.stopReason).toEqual({ kind: 'shutdown', code: 0 });
    return { causes: (vm.mem.read32(sym(vm, 'trap_count')) as number).toString(16), console: vm.console, mmio: vm.accounting.exits.mmio };
  };

  it('AMOs, LR/SC and misaligned accesses on a device register fault; aligned loads are emulated', () => {
    const body = `
    li      t0, 0x10000000          # the UART
    li      t1, 0x41
    amoswap.w t2, t1, (t0)
    lr.w    t2, (t0)
    sc.w    t2, t1, (t0)
    lw      t2, 1(t0)
    sh      t1, 3(t0)
    lw      t2, 0(t0)
    li      t0, 0x0C000000          # the PLIC
    lw      t2, 0(t0)`;
    const te = packed('trap-emulate', body);
    expect(te.causes).toBe('75757');
    for (const t of HW) {
      const hw = packed(t, body);
      expect(hw.causes).toBe(te.causes);
      expect(hw.mmio).toBe(2);
      expect(hw.console).toBe('');
    }
  });

  it('a leaf at a physical address above 4 GiB (the UART + 4 GiB) is an access fault, not an alias of the UART', () => {
    const body = `
    la      t0, root
    li      t1, 0x044000cf          # VA 0 -> megapage at 0x1_1000_0000
    sw      t1, 0(t0)
    li      t1, ((${KERNEL_BASE} >> 22) << 20) | 0xcf
    li      t2, (${KERNEL_BASE} >> 22) * 4
    add     t2, t2, t0
    sw      t1, 0(t2)
    srli    t0, t0, 12
    li      t1, 0x80000000
    or      t0, t0, t1
    csrw    satp, t0
    sfence.vma
    li      t1, 0x58
    li      t0, 0
    sb      t1, 0(t0)
    lb      t2, 5(t0)
    csrw    satp, zero
    sfence.vma`;
    const bss = '    .bss\n    .balign 4096\nroot: .space 4096';
    for (const t of ['trap-emulate', ...HW] as const) {
      const r = packed(t, body, bss);
      expect(r.causes).toBe('75');
      expect(r.console).toBe('');
    }
  });
});
