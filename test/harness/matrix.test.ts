import { describe, expect, it } from 'vitest';
import { defineSuite, SuiteError, type SuiteSpec } from '../../src/harness/suite.js';
import { expandMatrix, filterCells, findBaseline, parseShard, shardCells, type Cell, type MatrixCell } from '../../src/harness/matrix.js';
import { presetByName } from '../../src/hypervisor/cost-presets.js';
import { WORKLOAD_NAMES } from '../../src/guest/workloads.js';
import { REPLICATE_PRESETS } from '../../experiments/replicate.js';
import { SUITES } from '../../experiments/index.js';

const matrixCells = (cells: Cell[]): MatrixCell[] => cells.filter((c): c is MatrixCell => c.kind === 'matrix');

const small = defineSuite({
  name: 'small', description: 'd',
  workloads: ['null-syscall', 'mmap'],
  techniques: ['native', 'trap-emulate', 'paravirt'],
  params: { mmap: { pages: [1, 8], pv_mmu_batch: [1, 16] } },
  presets: ['modern-kvm', 'p4-vtx'],
  scale: [1, 2],
  repetitions: 2,
});

describe('expandMatrix', () => {
  it('counts: native once per preset, kernel sweeps only where the build has them', () => {
    const cells = matrixCells(expandMatrix(small));
    // null-syscall: native 2 presets + te 2x2 + pv 2x2 (default batch) = 10; x2 reps = 20
    // mmap: per pages value: native 2 + te 4 + pv 4x2 batches = 14; x2 pages x2 reps = 56
    expect(cells.filter((c) => c.workload === 'null-syscall')).toHaveLength(20);
    expect(cells.filter((c) => c.workload === 'mmap')).toHaveLength(56);
    expect(cells.filter((c) => c.technique === 'native').every((c) => c.scale === 1)).toBe(true);
  });

  it('ids are unique, stable and in the documented order', () => {
    const cells = expandMatrix(small);
    expect(new Set(cells.map((c) => c.id)).size).toBe(cells.length);
    expect(expandMatrix(small).map((c) => c.id)).toEqual(cells.map((c) => c.id));
    expect(cells.slice(0, 6).map((c) => c.id)).toEqual([
      'null-syscall/native/unmodified/modern-kvm/r0',
      'null-syscall/native/unmodified/modern-kvm/r1',
      'null-syscall/native/unmodified/p4-vtx/r0',
      'null-syscall/native/unmodified/p4-vtx/r1',
      'null-syscall/trap-emulate/unmodified/modern-kvm/r0',
      'null-syscall/trap-emulate/unmodified/modern-kvm/r1',
    ]);
    expect(cells.map((c) => c.id)).toContain('mmap/paravirt/paravirt/p4-vtx*2/pages=8/pv_mmu_batch=16/r1');
  });

  it('cells are fully resolved', () => {
    const cells = matrixCells(expandMatrix(small));
    const c = cells.find((x) => x.id === 'mmap/paravirt/paravirt/p4-vtx*2/pages=8/pv_mmu_batch=1/r0') as MatrixCell;
    expect(c).toMatchObject({
      workload: 'mmap', technique: 'paravirt', build: 'paravirt', params: { pages: 8 },
      kernelParams: { pv_mmu_batch: 1, pv_blk_batch: 32 }, operations: 20, presetName: 'p4-vtx', scale: 2, rep: 0,
      ramBytes: 128 * 1024 * 1024, suite: 'small',
    });
    expect(c.preset.name).toBe('p4-vtx*2');
    expect(c.preset.vmExitEntry).toBe(2 * presetByName('p4-vtx').vmExitEntry);
    const te = cells.find((x) => x.id === 'null-syscall/trap-emulate/unmodified/modern-kvm/r0') as MatrixCell;
    expect(te.kernelParams).toEqual({});
    expect(te.params).toEqual({});
    expect(te.preset).toBe(presetByName('modern-kvm'));
  });

  it('findBaseline: the native cell of the same workload, params, preset and repetition', () => {
    const cells = expandMatrix(small);
    const c = cells.find((x) => x.id === 'mmap/paravirt/paravirt/p4-vtx*2/pages=8/pv_mmu_batch=1/r1') as Cell;
    expect(findBaseline(cells, c)?.id).toBe('mmap/native/unmodified/p4-vtx/pages=8/r1');
    expect(findBaseline(cells, findBaseline(cells, c) as Cell)).toBeUndefined();
  });

  it('mixed cells: group x preset x scale x repetition', () => {
    const s = defineSuite({
      name: 'mx', description: 'd', presets: ['modern-kvm', 'xen-pv'], repetitions: 2,
      mixed: [{ name: 'a', vms: [{ workload: 'fork', technique: 'trap-emulate' }, { workload: 'fork', technique: 'paravirt' }] }],
    });
    const cells = expandMatrix(s);
    expect(cells.map((c) => c.id)).toEqual(['mixed/a/modern-kvm/r0', 'mixed/a/modern-kvm/r1', 'mixed/a/xen-pv/r0', 'mixed/a/xen-pv/r1']);
    // A mixed cell matches workload/technique/build terms when any of its VMs does.
    expect(filterCells(cells, 'technique=paravirt preset=xen-pv')).toHaveLength(2);
    expect(filterCells(cells, 'workload=mmap')).toHaveLength(0);
    expect(filterCells(cells, 'group=a rep=1').map((c) => c.id)).toEqual(['mixed/a/modern-kvm/r1', 'mixed/a/xen-pv/r1']);
  });
});

describe('filterCells', () => {
  const cells = expandMatrix(small);
  it('key=value terms, alternatives, negation and id substrings', () => {
    expect(filterCells(cells, 'workload=mmap technique=paravirt').every((c) => c.id.startsWith('mmap/paravirt/'))).toBe(true);
    expect(filterCells(cells, 'workload=mmap technique=paravirt')).toHaveLength(2 * 2 * 2 * 2 * 2);
    expect(filterCells(cells, 'technique=native|trap-emulate,rep=0')).toHaveLength(filterCells(cells, 'technique!=paravirt rep=0').length);
    expect(filterCells(cells, 'pv_mmu_batch=1')).toHaveLength(16);
    expect(filterCells(cells, 'pages=8 preset=p4-vtx*2')).toHaveLength(2 + 4);
    expect(filterCells(cells, 'preset=p4-vtx scale=1 pages=8')).toHaveLength(2 + 2 + 4);
    expect(filterCells(cells, 'null-syscall/native')).toHaveLength(4);
    expect(filterCells(cells, '')).toHaveLength(cells.length);
  });
  it('unknown keys are errors with a suggestion', () => {
    expect(() => filterCells(cells, 'worklaod=mmap')).toThrow(SuiteError);
    expect(() => filterCells(cells, 'worklaod=mmap')).toThrow(/filter "worklaod=mmap": unknown key 'worklaod' \(did you mean 'workload'\?\); known keys: id, workload/);
    expect(() => filterCells(cells, 'page=1')).toThrow(/unknown key 'page' \(did you mean 'pages'\?\)/);
    expect(() => filterCells(cells, 'workload=')).toThrow(/'workload=' gives no value/);
  });
});

describe('shardCells', () => {
  const cells = expandMatrix(small);
  it('the shards are disjoint and together are every cell, in order', () => {
    for (const n of [1, 2, 3, 7]) {
      const shards = Array.from({ length: n }, (_, i) => shardCells(cells, i + 1, n));
      const all = shards.flat().map((c) => c.id);
      expect(new Set(all).size).toBe(cells.length);
      expect(all.sort()).toEqual(cells.map((c) => c.id).sort());
      for (const s of shards) expect(s.length === Math.floor(cells.length / n) || s.length === Math.ceil(cells.length / n)).toBe(true);
    }
    expect(shardCells(cells, 2, 3)).toEqual(shardCells(cells, 2, 3));
  });
  it('bad i/n', () => {
    expect(() => shardCells(cells, 0, 2)).toThrow('shard 0/2: the shard index must be a whole number in 1..2');
    expect(() => shardCells(cells, 3, 2)).toThrow(/in 1\.\.2/);
    expect(() => shardCells(cells, 1, 0)).toThrow(/shard count must be a whole number >= 1/);
    expect(parseShard('2/4')).toEqual([2, 4]);
    expect(() => parseShard('2of4')).toThrow("shard '2of4': expected i/n, e.g. 1/4");
    expect(() => parseShard('5/4')).toThrow(/in 1\.\.4/);
  });
});

describe('the shipped suites', () => {
  it('the six of issue 6 and paging (issue 7), each valid and expanding to unique ids', () => {
    expect(SUITES.map((s) => s.name)).toEqual(['default', 'microbench', 'lmbench', 'sensitivity', 'batching', 'mixed', 'paging', 'pvio', 'replicate']);
    for (const s of SUITES) {
      const cells = expandMatrix(s);
      expect(cells.length).toBeGreaterThan(0);
      expect(new Set(cells.map((c) => c.id)).size).toBe(cells.length);
      // Every hypervisor cell of a matrix suite with native has its baseline.
      if (s.kind === 'matrix' && s.pairs.some((p) => p.technique === 'native')) {
        for (const c of matrixCells(cells)) if (c.technique !== 'native') expect(findBaseline(cells, c), c.id).toBeDefined();
      }
    }
  });
  it('default: every workload under native, trap-emulate, paravirt and hw-assist, one preset', () => {
    const d = SUITES.find((s) => s.name === 'default') as (typeof SUITES)[number];
    const cells = matrixCells(expandMatrix(d));
    expect(cells).toHaveLength(WORKLOAD_NAMES.length * 4);
    expect(new Set(cells.map((c) => c.presetName))).toEqual(new Set(['modern-kvm']));
  });
  it('sizes', () => {
    const sizes = Object.fromEntries(SUITES.map((s) => [s.name, expandMatrix(s).length]));
    // replicate: 7 workloads x (native + 4 techniques) per preset; riscv-kvm joins once it exists.
    expect(sizes).toEqual({ default: 40, microbench: 90, lmbench: 30, sensitivity: 165, batching: 36, mixed: 6, paging: 72, pvio: 15, replicate: 7 * 5 * REPLICATE_PRESETS.length });
  });
});

// A typed suite refuses wrong names at compile time too.
export const typed: SuiteSpec = { name: 't', description: 'd', workloads: ['fork'], techniques: ['paravirt'] };
