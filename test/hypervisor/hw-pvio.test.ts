/**
 * Hardware assist + PV I/O: the `pvio` guest build (the unmodified kernel with the paravirtual
 * drivers of pvdrivers.S) under hw-assist and hw-assist-shadow — every workload's result, the
 * device exits it saves against the unmodified build, the hypercall back-end's checks of guest
 * pointers (src/hypervisor/hw/hv-pvio.ts), and its refusal to run natively.
 */
import { describe, expect, it } from 'vitest';
import { PV_BLK, PV_EVENT, PV_EXT, PV_RING, PV_SHARED } from '../../src/abi/hypercalls.js';
import { SBI_ERR } from '../../src/abi/sbi.js';
import { WORKLOADS, findResultLine, workloadByName } from '../../src/guest/workloads.js';
import type { RunCounters } from '../../src/guest/counters.js';
import { measurePerOperation } from '../../src/harness/per-op.js';
import { defineSuite } from '../../src/harness/suite.js';
import { CYCLE_CATEGORIES, EXIT_KINDS, type ExitKind } from '../../src/hypervisor/accounting.js';
import { Hypervisor } from '../../src/hypervisor/hypervisor.js';
import { HC } from '../../src/abi/hypercalls.js';
import type { Technique } from '../../src/hypervisor/techniques.js';
import { createGuestVm, runGuest } from '../../src/harness/run-guest.js';
import type { GuestBuild } from '../../src/guest/image.js';
import { CSR, MIP } from '../../src/isa/csr.js';
import { PRESET, RAM } from './helpers.js';
import type { HcResult } from '../../src/hypervisor/pv/hypercall-result.js';
import { itemCycles } from '../../src/hypervisor/cost-table.js';

type HwTechnique = 'hw-assist' | 'hw-assist-shadow';
const HW: readonly HwTechnique[] = ['hw-assist', 'hw-assist-shadow'];

const SMALL: Record<string, Record<string, number>> = {
  'null-syscall': { iterations: 30 }, 'context-switch': { iterations: 10 }, 'page-fault': { iterations: 10 },
  mmap: { iterations: 5 }, fork: { iterations: 3 }, console: { iterations: 5 }, 'block-io': { iterations: 3 },
  compute: { iterations: 500 }, timer: { iterations: 2 }, 'tlb-walk': { iterations: 2, pages: 64 },
};

function run(technique: Technique, build: GuestBuild, workload: string, params: Record<string, number> = {}) {
  const r = runGuest({ technique, build, workload, params, preset: PRESET, ramBytes: RAM });
  if (r.exitCode !== 0) throw new Error(`${workload} (${build}) under ${technique}: ${JSON.stringify(r.stop)}\n${r.console}`);
  return r;
}

interface PerOp {
  perOp: RunCounters;
  exits: Record<ExitKind, number>;
  hypercalls: Record<string, number>;
}

function perOp(technique: Technique, build: GuestBuild, workload: string, n: number, extra: Record<string, number> = {}): PerOp {
  const at: Record<number, ReturnType<typeof run> | undefined> = {};
  const m = measurePerOperation((k) => {
    const r = run(technique, build, workload, { ...extra, iterations: k });
    at[k] = r;
    return r.counters;
  }, n);
  const exits = Object.fromEntries(EXIT_KINDS.map((kind) =>
    [kind, ((at[n]?.exits?.[kind] ?? 0) - (at[0]?.exits?.[kind] ?? 0)) / n])) as Record<ExitKind, number>;
  const names = new Set([...Object.keys(at[n]?.hypercalls ?? {}), ...Object.keys(at[0]?.hypercalls ?? {})]);
  const hypercalls = Object.fromEntries([...names].map((h) =>
    [h, ((at[n]?.hypercalls?.[h] ?? 0) - (at[0]?.hypercalls?.[h] ?? 0)) / n]));
  return { perOp: m.perOp, exits, hypercalls };
}

describe('the pvio build under hardware assist runs every workload of the catalog', () => {
  const cases = WORKLOADS.flatMap((w) => HW.map((t) => [w.name, t] as const));
  it.each(cases)('%s under %s: the expected result line, exit 0, no MMIO exit', (name, technique) => {
    const params = SMALL[name] ?? {};
    const r = run(technique, 'pvio', name, params);
    expect(r.stop).toEqual({ kind: 'shutdown', code: 0 });
    expect(findResultLine(r.console, name)).toBe(workloadByName(name).expected(params));
    expect(r.console).toContain('pvio');
    expect(CYCLE_CATEGORIES.reduce((n, c) => n + (r.breakdown?.[c] ?? 0), 0)).toBe(r.counters.cycles);
    // The drivers touch no device register: every device operation is a hypercall.
    expect(r.exits?.mmio).toBe(0);
    expect(r.exits?.hypercall).toBeGreaterThan(0);
    expect(r.hypercalls?.SET_SHARED_INFO).toBe(1);
    expect(r.hypercalls?.BLK_SETUP).toBe(1);
    expect(r.hypercalls?.unknown ?? 0).toBe(0);
    // The CPU and MMU are the unmodified kernel's, on the hardware: no CPU hypercall.
    for (const cpuCall of ['TRAP_RETURN', 'MMU_UPDATE', 'MULTICALL', 'SET_TIMER', 'SET_CALLBACK']) {
      expect(r.hypercalls?.[cpuCall] ?? 0).toBe(0);
    }
  });
});

describe('per operation: the device exits PV I/O saves under hardware assist', () => {
  it('console, 64 bytes: ≈ 1 hypercall instead of ≥ 64 MMIO exits', () => {
    const bytes = 64;
    for (const t of HW) {
      const mmio = perOp(t, 'unmodified', 'console', 5, { bytes });
      const pv = perOp(t, 'pvio', 'console', 5, { bytes });
      expect(mmio.exits.mmio).toBeGreaterThanOrEqual(bytes);
      expect(pv.exits.mmio).toBe(0);
      expect(pv.hypercalls.CONSOLE_WRITE).toBe(1);
      expect(pv.exits.hypercall).toBe(1);
      expect(pv.perOp.exits).toBeLessThan(1.5);
      // Both pay the host UART's output of every byte; PV I/O saves the 128 exits around it.
      const hostOutput = bytes * itemCycles('host-console-byte', PRESET);
      expect(pv.perOp.cycles - hostOutput).toBeLessThan((mmio.perOp.cycles - hostOutput) / 10);
    }
  });

  it('block-io: one BLK_NOTIFY per system call instead of the virtqueue\'s MMIO exits', () => {
    for (const t of HW) {
      const mmio = perOp(t, 'unmodified', 'block-io', 3);
      const pv = perOp(t, 'pvio', 'block-io', 3);
      expect(pv.exits.mmio).toBe(0);
      expect(pv.hypercalls.BLK_NOTIFY).toBeGreaterThan(0);
      expect(pv.perOp.exits).toBeLessThan(mmio.perOp.exits / 2);
      expect(pv.perOp.cycles).toBeLessThan(mmio.perOp.cycles);
    }
  });

  it('null-syscall (the control): no device, the same cost either build', () => {
    const u = perOp('hw-assist', 'unmodified', 'null-syscall', 40);
    const p = perOp('hw-assist', 'pvio', 'null-syscall', 40);
    expect(Math.abs(p.perOp.instructions.total / u.perOp.instructions.total - 1)).toBeLessThan(0.01);
    expect(p.exits.hypercall).toBe(0);
    // Within a timer tick's exits (amortized over the calls, they land where they land).
    expect(Math.abs(p.perOp.cycles / u.perOp.cycles - 1)).toBeLessThan(0.25);
  });
});

// ---- the back-end's checks ----------------------------------------------------------------------

/** A hw-assist VM running the pvio build, stopped once its drivers have registered the shared
 *  page and the block ring. */
function bootedVm(technique: HwTechnique, workload = 'console', params: Record<string, number> = { iterations: 3 }) {
  const hv = new Hypervisor();
  const vm = createGuestVm(hv, { name: 'pvio', build: 'pvio', workload, params, preset: PRESET, technique, ramBytes: RAM });
  vm.powerOn();
  const cpu = vm.cpu;
  const pvio = vm.hardwareAssist.pvio;
  for (let i = 0; i < 1000 && pvio.blk.ring < 0; i++) vm.runFor(20_000);
  expect(pvio.shared).toBeGreaterThan(0);
  expect(pvio.blk.ring).toBeGreaterThan(0);
  return { hv, vm, cpu, pvio };
}

describe.each(HW)('bad hypercall arguments under %s: error codes, and the VM carries on', (technique) => {
  it('pointers outside RAM or unmapped, huge counts, unknown calls', () => {
    const { hv, vm, cpu, pvio } = bootedVm(technique);
    const errs = (fn: number, ...a: number[]) => (pvio.hypercalls.call(fn, [...a, 0, 0, 0, 0, 0, 0], false) as HcResult).error;
    expect(errs(HC.CONSOLE_WRITE, 0x1000, 16)).toBe(SBI_ERR.INVALID_ADDRESS); // not mapped
    expect(errs(HC.CONSOLE_WRITE, 0x1000_0000, 16)).toBe(SBI_ERR.INVALID_ADDRESS); // a device, not RAM
    expect(errs(HC.CONSOLE_WRITE, 0xffff_fff0, 64)).toBe(SBI_ERR.INVALID_ADDRESS); // wraps
    expect(errs(HC.CONSOLE_WRITE, vm.image.entry, 0xffff_ffff)).toBe(SBI_ERR.INVALID_PARAM);
    expect(errs(HC.CONSOLE_WRITE, vm.image.entry, 0)).toBe(SBI_ERR.SUCCESS);
    expect(errs(HC.SET_SHARED_INFO, vm.image.entry + 4)).toBe(SBI_ERR.INVALID_ADDRESS); // misaligned
    expect(errs(HC.SET_SHARED_INFO, 0xf000_0000)).toBe(SBI_ERR.INVALID_ADDRESS);
    expect(errs(HC.BLK_SETUP, 0x4000_0000)).toBe(SBI_ERR.INVALID_ADDRESS); // the hypervisor's pool
    for (const cpuCall of [HC.MMU_UPDATE, HC.TRAP_RETURN, HC.SET_PT_BASE, HC.MULTICALL, HC.SHUTDOWN, 999]) {
      expect(errs(cpuCall, 0, 0)).toBe(SBI_ERR.NOT_SUPPORTED);
    }
    // A request whose buffer is unmapped, or in no RAM at all, gets an error response (the
    // console workload never uses the ring, so nothing of the guest's is disturbed).
    const ring = pvio.blk.ring;
    const mem = vm.mem;
    const prod = mem.read32(ring + PV_RING.REQ_PROD) as number;
    for (const [k, buf] of [[0, 0x1000], [1, 0xffff_f000]] as const) {
      const req = ring + PV_RING.REQUESTS + ((prod + k) % PV_RING.SLOTS) * PV_RING.REQ_SIZE;
      mem.write32(req + PV_RING.REQ_OP, PV_BLK.OP_READ);
      mem.write32(req + PV_RING.REQ_SECTOR, 0);
      mem.write32(req + PV_RING.REQ_BUF, buf);
      mem.write32(req + PV_RING.REQ_COUNT, 1);
    }
    mem.write32(ring + PV_RING.REQ_PROD, prod + 2);
    expect(pvio.hypercalls.call(HC.BLK_NOTIFY, [0, 0, 0, 0, 0, 0], false)).toEqual({ error: SBI_ERR.SUCCESS, value: 2 });
    expect(pvio.blk.errors).toBe(2);
    // The guest registered its pages before; they are still the ones in use.
    hv.run({ maxInsnsPerVm: 50_000_000 });
    expect(vm.stopReason).toEqual({ kind: 'shutdown', code: 0 });
    expect(findResultLine(vm.console, 'console')).toBe(workloadByName('console').expected({ iterations: 3 }));
    expect(cpu.stopped).toBe(true);
  });

  it('a device event raises the virtual external interrupt; the driver takes it and the line drops', () => {
    const { hv, vm, cpu, pvio } = bootedVm(technique);
    pvio.raise(PV_EVENT.BLOCK);
    expect(pvio.lines).toBe(MIP.SEIP);
    expect((cpu.hart.csr.read(CSR.hvip) ?? 0) & MIP.VSEIP).toBe(MIP.VSEIP);
    const acks = vm.accounting.hypercalls.EVENT_CHECK ?? 0;
    hv.run({ maxInsnsPerVm: 50_000_000 });
    expect(vm.stopReason).toEqual({ kind: 'shutdown', code: 0 });
    expect(findResultLine(vm.console, 'console')).toBe(workloadByName('console').expected({ iterations: 3 }));
    expect(vm.accounting.hypercalls.EVENT_CHECK).toBe(acks + 1);
    expect(pvio.lines).toBe(0);
    expect((vm.mem.read32(pvio.shared + PV_SHARED.EVENTS) as number) & (PV_EVENT.BLOCK | PV_EVENT.CONSOLE)).toBe(0);
    expect((cpu.hart.csr.read(CSR.hvip) ?? 0) & MIP.VSEIP).toBe(0);
  });
});

describe('where the pvio build cannot run', () => {
  it.each(['native', 'trap-emulate', 'paravirt'] as const)('%s refuses it with a clear error', (technique) => {
    expect(() => runGuest({ technique, build: 'pvio', workload: 'null-syscall', preset: PRESET, ramBytes: RAM }))
      .toThrow(/pvio build .* runs only under hw-assist or hw-assist-shadow/);
  });

  it('a suite pairing it with another technique is refused', () => {
    expect(() => defineSuite({ name: 'x', description: 'x', workloads: ['console'], pairs: [{ technique: 'native', build: 'pvio' }] }))
      .toThrow(/cannot run the pvio build/);
  });

  it('under hw-assist only a7 = PV_EXT is a hypercall: the timer and shutdown stay SBI calls', () => {
    const r = run('hw-assist', 'pvio', 'timer', { iterations: 2 });
    expect(r.exits?.sbi).toBeGreaterThan(2); // set_timer, shutdown: the real SBI
    expect(PV_EXT).toBeGreaterThan(0x0800_0000); // a vendor extension id, not a legacy one
  });
});
