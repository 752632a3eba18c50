import { describe, expect, it } from 'vitest';
import { defineSuite } from '../../src/harness/suite.js';
import { expandMatrix, filterCells, type MatrixCell, type MixedCell } from '../../src/harness/matrix.js';
import { CellError, runCell, runMixedCell } from '../../src/harness/suite-run.js';

const suite = defineSuite({
  name: 'run-test', description: 'a few cells with small N',
  workloads: ['null-syscall', 'mmap'],
  params: { mmap: { pages: 4, pv_mmu_batch: [1, 16] } },
  operations: { 'null-syscall': 10, mmap: 4 },
});
const cells = expandMatrix(suite) as MatrixCell[];
const cell = (id: string): MatrixCell => {
  const c = cells.find((x) => x.id === id);
  if (!c) throw new Error(`no cell ${id}: ${cells.map((x) => x.id).join(' ')}`);
  return c;
};

describe('runCell', () => {
  const native = runCell(cell('null-syscall/native/unmodified/modern-kvm/r0'));
  const te = runCell(cell('null-syscall/trap-emulate/unmodified/modern-kvm/r0'));
  const pv = runCell(cell('null-syscall/paravirt/paravirt/modern-kvm/r0'));

  it('null-syscall: per-op figures by difference, sane across techniques', () => {
    expect(native).toMatchObject({ kind: 'matrix', cellId: 'null-syscall/native/unmodified/modern-kvm/r0', operations: 10, technique: 'native' });
    expect(native.perOp.traps['EnvironmentCallFromU']).toBe(1);
    expect(native.perOp.exits).toBe(0);
    expect(native.exitsPerOp).toBeUndefined();
    expect(te.perOp.cycles).toBeGreaterThan(native.perOp.cycles);
    expect(pv.perOp.cycles).toBeGreaterThan(native.perOp.cycles);
    expect(te.perOp.exits).toBeGreaterThanOrEqual(1);
    expect(te.exitsPerOp?.['reflect-syscall']).toBe(1);
    expect(pv.perOp.exits).toBeLessThan(te.perOp.exits);
    expect(pv.perOp.cycles).toBeLessThan(te.perOp.cycles);
    expect(pv.hypercallsPerOp).toBeDefined();
    expect(te.breakdownPerOp?.worldSwitch).toBeGreaterThan(0);
    expect(native.unit).toEqual({ name: 'system call', perOperation: 1 });
    // Host time is recorded, whatever this machine makes of it.
    expect(Number.isFinite(te.hostMs) && te.hostMs >= 0).toBe(true);
  });

  it('the breakdown per op adds up to the cycles per op', () => {
    const sum = Object.values(te.breakdownPerOp ?? {}).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(te.perOp.cycles, 6);
  });

  it('simulated figures repeat exactly', () => {
    const again = runCell(cell('null-syscall/trap-emulate/unmodified/modern-kvm/r0'));
    expect(again.perOp).toEqual(te.perOp);
    expect(again.exitsPerOp).toEqual(te.exitsPerOp);
  });

  it('mmap under paravirt: batching page-table updates takes fewer exits', () => {
    const one = runCell(cell('mmap/paravirt/paravirt/modern-kvm/pages=4/pv_mmu_batch=1/r0'));
    const many = runCell(cell('mmap/paravirt/paravirt/modern-kvm/pages=4/pv_mmu_batch=16/r0'));
    expect(many.perOp.exits).toBeLessThanOrEqual(one.perOp.exits);
    expect(many.perOp.cycles).toBeLessThanOrEqual(one.perOp.cycles);
    expect(one.unit).toEqual({ name: 'page mapped and unmapped', perOperation: 4 });
  });

  it('a run that does not finish is a CellError naming the cell', () => {
    const c = cell('null-syscall/native/unmodified/modern-kvm/r0');
    expect(() => runCell(c, { maxInsns: 1000 })).toThrow(CellError);
    expect(() => runCell(c, { maxInsns: 1000 })).toThrow(/cell null-syscall\/native\/unmodified\/modern-kvm\/r0 \(iterations=0\): null-syscall .* stopped with .*insn-limit/);
  });
});

describe('runMixedCell', () => {
  it('two VMs of different builds on one hypervisor: per-VM figures', () => {
    const s = defineSuite({
      name: 'mx', description: 'd', operations: { 'null-syscall': 10 },
      mixed: [{ vms: [{ workload: 'null-syscall', technique: 'trap-emulate' }, { workload: 'null-syscall', technique: 'paravirt' }] }],
    });
    const [c] = expandMatrix(s) as MixedCell[];
    const r = runMixedCell(c as MixedCell);
    expect(r.kind).toBe('mixed');
    expect(r.vms.map((v) => v.name)).toEqual(['vm0-null-syscall', 'vm1-null-syscall']);
    const [te, pv] = r.vms as [(typeof r.vms)[number], (typeof r.vms)[number]];
    expect(te.build).toBe('unmodified');
    expect(pv.build).toBe('paravirt');
    expect(pv.perOp.exits).toBeLessThan(te.perOp.exits);
    expect(pv.opsPerSecond).toBeGreaterThan(te.opsPerSecond);
    expect(r.hostCyclesDelta).toBeGreaterThan(0);
    // Each VM's clock is its own: alone or beside another, a VM's per-op figures are the same.
    const alone = runCell(filterCells(expandMatrix(defineSuite({
      name: 'alone', description: 'd', workloads: ['null-syscall'], techniques: ['trap-emulate'], operations: 10,
    })), '')[0] as MatrixCell);
    expect(te.perOp.cycles).toBe(alone.perOp.cycles);
  });
});
