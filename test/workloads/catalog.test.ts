/** The workload catalog's API: lookup with suggestions, parameter resolution, result lines. */
import { describe, expect, it } from 'vitest';
import {
  Checksum, FNV_OFFSET_BASIS, findFailure, findResultLine, resolveParams, WORKLOADS, WorkloadError, workloadByName,
} from '../../src/guest/workloads.js';
import { resultNumber, USER_ABI } from '../../src/guest/workloads.js';

const defaults = (name: string): Record<string, number> =>
  Object.fromEntries(workloadByName(name).params.map((p) => [p.name, p.default]));

describe('workloadByName', () => {
  it('finds every catalog entry by its name', () => {
    for (const w of WORKLOADS) expect(workloadByName(w.name)).toBe(w);
  });

  it.each([
    ['null_syscall', 'null-syscall'],
    ['nullsyscall', 'null-syscall'],
    ['Compute', 'compute'],
    ['pagefault', 'page-fault'],
    ['context', 'context-switch'],
    ['blockio', 'block-io'],
    ['forks', 'fork'],
  ])('suggests the intended workload for %s', (typo, meant) => {
    expect(() => workloadByName(typo)).toThrow(WorkloadError);
    expect(() => workloadByName(typo)).toThrow(`did you mean '${meant}'?`);
  });

  it('lists the known workloads and suggests nothing for a word that is close to none', () => {
    let message = '';
    try {
      workloadByName('quantum');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("unknown workload 'quantum'");
    expect(message).not.toContain('did you mean');
    for (const w of WORKLOADS) expect(message).toContain(w.name);
  });
});

describe('the catalog', () => {
  it('describes each workload completely', () => {
    expect(new Set(WORKLOADS.map((w) => w.name)).size).toBe(WORKLOADS.length);
    for (const w of WORKLOADS) {
      expect(w.source).toBe(`user/${w.name}.S`);
      expect(w.iterationParam).toBe('iterations');
      expect(w.params[0]?.name).toBe('iterations');
      for (const s of [w.description, w.operation, w.mirrors, w.unit.name]) expect(s.length).toBeGreaterThan(3);
      for (const p of w.params) {
        expect(p.doc.length).toBeGreaterThan(3);
        expect(p.default).toBeGreaterThanOrEqual(p.min);
        expect(p.default).toBeLessThanOrEqual(p.max);
      }
      expect(w.unit.perOperation(defaults(w.name))).toBeGreaterThan(0);
    }
  });

  it('asks for a disk only for block-io, sized to hold the sectors it writes', () => {
    expect(WORKLOADS.filter((w) => w.disk !== null).map((w) => w.name)).toEqual(['block-io']);
    const disk = workloadByName('block-io').disk;
    expect(disk?.bytes({ iterations: 1, sectors: 8 })).toBe(8 * 512);
    expect(disk?.bytes({ iterations: 0, sectors: 3 })).toBe(3 * 512);
  });

  it('counts the smaller events inside one operation', () => {
    expect(workloadByName('context-switch').unit.perOperation(defaults('context-switch'))).toBe(2);
    expect(workloadByName('mmap').unit.perOperation({ iterations: 1, pages: 16 })).toBe(16);
    expect(workloadByName('block-io').unit.perOperation({ iterations: 1, sectors: 4 })).toBe(8);
    expect(workloadByName('console').unit.perOperation({ iterations: 1, bytes: 80 })).toBe(80);
    expect(workloadByName('tlb-walk').unit.perOperation({ iterations: 1, pages: 512 })).toBe(512);
  });
});

describe('resolveParams', () => {
  const mmap = workloadByName('mmap');

  it('fills in defaults and keeps the overrides', () => {
    expect(resolveParams(mmap)).toEqual({ iterations: 200, pages: 4 });
    expect(resolveParams(mmap, { pages: 9 })).toEqual({ iterations: 200, pages: 9 });
    expect(resolveParams(mmap, { iterations: 0 })).toEqual({ iterations: 0, pages: 4 });
  });

  it('rejects an unknown parameter, suggesting the near miss', () => {
    expect(() => resolveParams(mmap, { page: 3 })).toThrow("workload mmap has no parameter 'page' (did you mean 'pages'?); its parameters: iterations, pages");
    expect(() => resolveParams(mmap, { iteration: 3 })).toThrow("did you mean 'iterations'?");
  });

  it('rejects values the program would refuse', () => {
    expect(() => resolveParams(mmap, { pages: 0 })).toThrow('parameter pages=0 of workload mmap must be a whole number in 1..65536');
    expect(() => resolveParams(mmap, { iterations: -1 })).toThrow('must be a whole number in 0..4294967295');
    expect(() => resolveParams(mmap, { iterations: 1.5 })).toThrow('must be a whole number');
    expect(() => resolveParams(workloadByName('console'), { bytes: 4097 })).toThrow('bytes=4097');
    expect(() => resolveParams(workloadByName('block-io'), { sectors: 257 })).toThrow('sectors=257');
    expect(() => resolveParams(workloadByName('tlb-walk'), { pages: 4097 })).toThrow('parameter pages=4097 of workload tlb-walk must be a whole number in 1..4096');
  });
});

describe('expected result lines', () => {
  it('have the documented shape, parameters in catalog order', () => {
    for (const w of WORKLOADS) {
      const line = w.expected();
      const shown = w.params.map((p) => ` ${p.name}=${resultNumber(p.default)}`).join('');
      expect(line).toMatch(new RegExp(`^result ${w.name}${shown} checksum=0x[0-9a-f]{8}$`));
      expect(w.expectedOutput().endsWith(`${line}\n`)).toBe(true);
    }
  });

  it('with no operations, fold nothing but what setup contributes', () => {
    const basis = `0x${FNV_OFFSET_BASIS.toString(16)}`;
    for (const name of ['page-fault', 'mmap', 'fork', 'console', 'block-io', 'compute', 'timer', 'tlb-walk']) {
      expect(workloadByName(name).expected({ iterations: 0 })).toMatch(new RegExp(`checksum=${basis}$`));
    }
    // null-syscall folds its warm-up pass's pid; context-switch the child's exit status even
    // when nobody yields.
    expect(workloadByName('null-syscall').expected({ iterations: 0 }))
      .toBe(`result null-syscall iterations=0000000000 checksum=${new Checksum().fold(USER_ABI.FIRST_PID).hex()}`);
    expect(workloadByName('context-switch').expected({ iterations: 0 }))
      .toBe(`result context-switch iterations=0000000000 checksum=${new Checksum().fold(FNV_OFFSET_BASIS & 0x7f).hex()}`);
  });

  it('pin the values the guest programs computed when these tests were written', () => {
    // From runs on the user-ABI emulator (see emulator.test.ts), so a change to either side shows.
    expect(workloadByName('null-syscall').expected({ iterations: 5 })).toBe('result null-syscall iterations=0000000005 checksum=0x9380d2cb');
    expect(workloadByName('compute').expected({ iterations: 5000 })).toBe('result compute iterations=0000005000 checksum=0x559d6956');
    expect(workloadByName('timer').expected({ iterations: 3, chunk: 1000 })).toBe('result timer iterations=0000000003 chunk=0000001000 checksum=0x0d90145f');
    expect(workloadByName('block-io').expected({ iterations: 2, sectors: 3 })).toBe('result block-io iterations=0000000002 sectors=0000000003 checksum=0x7311bde1');
    expect(workloadByName('context-switch').expected({ iterations: 4 })).toBe('result context-switch iterations=0000000004 checksum=0xfd10af00');
    expect(workloadByName('tlb-walk').expected({ iterations: 2, pages: 520 })).toBe('result tlb-walk iterations=0000000002 pages=0000000520 checksum=0x9c9c0d45');
  });

  it('include the console workload payload in the expected output', () => {
    const out = workloadByName('console').expectedOutput({ iterations: 2, bytes: 3 });
    // One warm-up write, then one per operation.
    expect(out).toBe(`012012012\n${workloadByName('console').expected({ iterations: 2, bytes: 3 })}\n`);
    expect(workloadByName('console').expectedOutput({ iterations: 0, bytes: 66 }).slice(60, 67)).toBe('YZ+/01\n');
  });
});

describe('reading a console transcript', () => {
  const line = workloadByName('fork').expected({ iterations: 2 });

  it('finds the one result line among kernel messages', () => {
    expect(findResultLine(`pvlab kernel: 128 MiB\r\n${line}\r\nexit 0\n`, 'fork')).toBe(line);
    expect(findResultLine(`${line}\n${line}\n`, 'fork')).toBeUndefined();
    expect(findResultLine('nothing here\n', 'fork')).toBeUndefined();
  });

  it('finds a self-check failure', () => {
    expect(findFailure('boot\nFAIL fork: fork failed (got 0xfffffffd)\n', 'fork')).toBe('FAIL fork: fork failed (got 0xfffffffd)');
    expect(findFailure(`${line}\n`, 'fork')).toBeUndefined();
  });
});
