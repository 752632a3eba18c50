import { describe, expect, it } from 'vitest';
import { CHARTS, DEFAULT_OPERATIONS, defineSuite, SuiteError, validateSuite, type SuiteSpec } from '../../src/harness/suite.js';
import { WORKLOAD_NAMES } from '../../src/guest/workloads.js';
import { DEFAULT_RAM_BYTES } from '../../src/machine/board.js';

const base = { name: 'microbench', description: 'test suite', workloads: ['null-syscall'] };

/** The SuiteError message for `patch` applied to a valid suite. */
function error(patch: Record<string, unknown>): string {
  try {
    validateSuite({ ...base, ...patch });
  } catch (e) {
    expect(e).toBeInstanceOf(SuiteError);
    return (e as Error).message;
  }
  throw new Error(`no error for ${JSON.stringify(patch)}`);
}

describe('defineSuite: defaults', () => {
  it('fills in every default', () => {
    const s = defineSuite(base as SuiteSpec);
    expect(s.kind).toBe('matrix');
    expect(s.pairs).toEqual([
      { technique: 'native', build: 'unmodified' },
      { technique: 'trap-emulate', build: 'unmodified' },
      { technique: 'paravirt', build: 'paravirt' },
      { technique: 'hw-assist', build: 'unmodified' },
      { technique: 'hw-assist-shadow', build: 'unmodified' },
    ]);
    expect(s.presets).toEqual(['modern-kvm']);
    expect(s.scale).toEqual([1]);
    expect(s.repetitions).toBe(1);
    expect(s.ramBytes).toBe(DEFAULT_RAM_BYTES);
    expect(s.charts).toEqual(['slowdown', 'exits', 'breakdown']);
    expect(s.operations).toEqual({ 'null-syscall': DEFAULT_OPERATIONS['null-syscall'] });
    expect(Object.isFrozen(s.pairs)).toBe(true);
  });

  it('every catalog workload has a default N', () => {
    for (const w of WORKLOAD_NAMES) expect(DEFAULT_OPERATIONS[w]).toBeGreaterThan(0);
  });

  it('operations: one for all, or per workload', () => {
    expect(defineSuite({ ...base, operations: 7 } as SuiteSpec).operations).toEqual({ 'null-syscall': 7 });
    const s = defineSuite({ ...base, workloads: ['null-syscall', 'fork'], operations: { fork: 3 } } as SuiteSpec);
    expect(s.operations).toEqual({ 'null-syscall': DEFAULT_OPERATIONS['null-syscall'], fork: 3 });
  });

  it('explicit pairs, e.g. the unmodified build under the paravirt technique', () => {
    const s = defineSuite({ ...base, pairs: [{ technique: 'paravirt', build: 'unmodified' }] } as SuiteSpec);
    expect(s.pairs).toEqual([{ technique: 'paravirt', build: 'unmodified' }]);
  });

  it('a mixed suite defaults its chart to mixed and resolves each VM', () => {
    const s = defineSuite({
      name: 'm', description: 'd',
      mixed: [{ vms: [{ workload: 'mmap', technique: 'trap-emulate' }, { workload: 'mmap', technique: 'paravirt', params: { pages: 2, pv_mmu_batch: 4 } }] }],
    });
    expect(s.kind).toBe('mixed');
    expect(s.charts).toEqual(['mixed']);
    expect(s.mixed[0]?.name).toBe('mmap@trap-emulate+mmap@paravirt');
    expect(s.mixed[0]?.vms[0]).toMatchObject({ build: 'unmodified', params: { pages: 4 }, kernelParams: {} });
    expect(s.mixed[0]?.vms[1]).toMatchObject({ build: 'paravirt', params: { pages: 2 }, kernelParams: { pv_mmu_batch: 4, pv_blk_batch: 32 } });
  });
});

describe('defineSuite: errors name the key path and the value, with suggestions', () => {
  it('unknown workload', () => {
    expect(error({ workloads: ['null-syscall', 'fork', 'nul-syscall'] })).toBe(
      "suite microbench: workloads[2]: unknown workload 'nul-syscall' (did you mean 'null-syscall'?); known: " + WORKLOAD_NAMES.join(', '));
  });
  it('unknown technique', () => {
    expect(error({ techniques: ['native', 'trap-emulat'] })).toMatch(
      /^suite microbench: techniques\[1\]: unknown technique 'trap-emulat' \(did you mean 'trap-emulate'\?\)/);
  });
  it('unknown preset', () => {
    expect(error({ presets: ['modern-kmv'] })).toMatch(/^suite microbench: presets\[0\]: unknown cost preset 'modern-kmv' \(did you mean 'modern-kvm'\?\)/);
  });
  it('unknown chart', () => {
    expect(error({ charts: ['slowdown', 'exit'] })).toMatch(/^suite microbench: charts\[1\]: unknown chart 'exit' \(did you mean 'exits'\?\); known: slowdown, exits/);
    expect(CHARTS).toContain('host-ns');
  });
  it('unknown workload parameter, and iterations', () => {
    expect(error({ workloads: ['mmap'], params: { mmap: { page: [1, 2] } } })).toMatch(
      /^suite microbench: params\.mmap\.page: workload mmap has no parameter 'page' \(did you mean 'pages'\?\)/);
    expect(error({ params: { 'null-syscall': { iterations: 5 } } })).toMatch(
      /params\.null-syscall\.iterations: 'iterations' is set by the measurement .* use the suite's 'operations'/);
  });
  it('parameter out of range', () => {
    expect(error({ workloads: ['console'], params: { console: { bytes: [16, 0] } } })).toBe(
      'suite microbench: params.console.bytes[1]: 0 must be a whole number in 1..4096');
  });
  it('params for a workload the suite does not run', () => {
    expect(error({ params: { fork: {} } })).toMatch(/params\.fork: workload 'fork' is not in this suite's workloads/);
    expect(error({ params: { frok: {} } })).toMatch(/params\.frok: unknown workload 'frok' \(did you mean 'fork'\?\)/);
  });
  it('unknown kernel parameter', () => {
    expect(error({ kernelParams: { pv_mmu_bach: [1, 2] } })).toMatch(
      /^suite microbench: kernelParams\.pv_mmu_bach: unknown kernel parameter 'pv_mmu_bach' \(did you mean 'pv_mmu_batch'\?\)/);
    expect(error({ kernelParams: { pv_blk_batch: 64 } })).toBe('suite microbench: kernelParams.pv_blk_batch: 64 must be a whole number in 1..32');
  });
  it('kernel parameter no build of the suite has', () => {
    expect(error({ techniques: ['native'], kernelParams: { pv_mmu_batch: 4 } })).toMatch(
      /kernelParams\.pv_mmu_batch: only the paravirt build has it, and this suite runs none \(builds: unmodified\)/);
  });
  it('unknown top-level key', () => {
    expect(error({ preset: ['modern-kvm'] })).toMatch(/^suite microbench: preset: unknown key 'preset' \(did you mean 'presets'\?\); known keys: name, /);
    expect(error({ chart: ['slowdown'] })).toMatch(/chart: unknown key 'chart' \(did you mean 'charts'\?\)/);
  });
  it('wrong types', () => {
    expect(error({ workloads: 'null-syscall' })).toBe("suite microbench: workloads: expected a list, got a string 'null-syscall'");
    expect(error({ repetitions: '3' })).toBe("suite microbench: repetitions: expected a number, got a string '3'");
    expect(error({ params: { 'null-syscall': 5 } })).toBe('suite microbench: params.null-syscall: expected an object, got a number 5');
    expect(() => validateSuite(42)).toThrow("suite <unnamed>: suite: expected an object, got a number 42");
    expect(() => validateSuite({ description: 'x', workloads: ['fork'] })).toThrow('suite <unnamed>: name: expected a string, got nothing (the key is missing)');
  });
  it('empty matrix', () => {
    expect(error({ workloads: [] })).toBe('suite microbench: workloads: empty list: the matrix would have no cells');
    expect(error({ presets: [] })).toMatch(/presets: empty list/);
    expect(error({ workloads: ['mmap'], params: { mmap: { pages: [] } } })).toMatch(/params\.mmap\.pages: empty list/);
    expect(error({ workloads: undefined })).toMatch(/workloads: missing/);
  });
  it('N <= 0 and other bad numbers', () => {
    expect(error({ operations: 0 })).toBe('suite microbench: operations: 0 must be a whole number in 1..10000000');
    expect(error({ operations: { 'null-syscall': -5 } })).toMatch(/operations\.null-syscall: -5 must be a whole number in 1\.\./);
    expect(error({ operations: { fork: 5 } })).toMatch(/operations\.fork: workload 'fork' is not in this suite/);
    expect(error({ repetitions: 0 })).toMatch(/repetitions: 0 must be a whole number in 1\.\.1000/);
    expect(error({ ramBytes: 5_000_001 })).toMatch(/ramBytes: .* must be a whole number of 4096-byte pages|ramBytes: 5000001/);
    expect(error({ scale: [1, -2] })).toMatch(/scale\[1\]: -2 must be a scaling factor in 0\.\.1000/);
  });
  it('duplicates', () => {
    expect(error({ workloads: ['fork', 'fork'] })).toBe("suite microbench: workloads[1]: 'fork' is listed twice");
    expect(error({ scale: [1, 2, 1] })).toMatch(/scale\[2\]: 1 is listed twice/);
  });
  it('technique and build that cannot go together', () => {
    expect(error({ pairs: [{ technique: 'trap-emulate', build: 'paravirt' }] })).toMatch(
      /pairs\[0\]: technique 'trap-emulate' cannot run the paravirt build \(it needs paravirt\)/);
    expect(error({ pairs: [{ technique: 'native', build: 'paravrit' }] })).toMatch(/pairs\[0\]\.build: unknown guest build 'paravrit' \(did you mean 'paravirt'\?\)/);
    expect(error({ techniques: ['native'], pairs: [] })).toMatch(/give either 'techniques' or 'pairs'/);
  });
  it('duplicate pairs and groups', () => {
    expect(error({ pairs: [{ technique: 'paravirt', build: 'unmodified' }, { technique: 'paravirt', build: 'unmodified' }] })).toBe(
      "suite microbench: pairs[1]: 'paravirt/unmodified' is listed twice");
  });
  it('bad name', () => {
    expect(error({ name: 'My Suite' })).toMatch(/^suite My Suite: name: 'My Suite' must be lower case/);
  });
  it('mixed suites', () => {
    const mixed = (vms: unknown[], extra: Record<string, unknown> = {}) => {
      try {
        validateSuite({ name: 'mx', description: 'd', mixed: [{ vms }], ...extra });
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    };
    expect(mixed([{ workload: 'fork', technique: 'paravirt' }])).toBe('suite mx: mixed[0].vms: a mixed group runs two or more VMs at once, not 1');
    expect(mixed([{ workload: 'fork', technique: 'native' }, { workload: 'fork', technique: 'paravirt' }])).toMatch(
      /mixed\[0\]\.vms\[0\]\.technique: 'native' is not a VM technique/);
    expect(mixed([{ workload: 'fork', technique: 'paravirt' }, { workload: 'fork', technique: 'paravirt', params: { pages: 3 } }])).toMatch(
      /mixed\[0\]\.vms\[1\]\.params\.pages: workload fork has no parameter 'pages'/);
    expect(mixed([{ workload: 'fork', technique: 'paravirt' }, { workload: 'fork', technique: 'paravirt' }], { workloads: ['fork'] })).toMatch(
      /workloads: a mixed suite does not use 'workloads'/);
    expect(mixed([{ workload: 'fork', technique: 'paravirt', speed: 1 }, { workload: 'fork', technique: 'paravirt' }])).toMatch(
      /mixed\[0\]\.vms\[0\]\.speed: unknown key 'speed'/);
  });
});
