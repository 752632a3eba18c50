/**
 * Every workload booted natively — firmware + kernel + workload on the bare virt board — runs to
 * completion and prints exactly the catalog's result line, with N operations and with 0; two
 * runs give identical counters. (test/workloads/qemu.test.ts boots the same images on QEMU.)
 *
 * Skips until the kernel and firmware have landed: every file kernel.S and firmware.S include
 * must exist (a kernel that exists but does not build or boot fails these tests rather than
 * skipping them).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { guestPath } from '../../src/guest/paths.js';
import { Cause, causeName } from '../../src/isa/causes.js';
import {
  findFailure, findResultLine, resolveParams, WORKLOADS, workloadByName, type WorkloadParams,
} from '../../src/guest/workloads.js';
import { NATIVE } from './params.js';

/** Whether `file` and everything it .includes (transitively) exist. */
function sourcesPresent(file: string, seen = new Set<string>()): boolean {
  if (seen.has(file)) return true;
  seen.add(file);
  if (!existsSync(file)) return false;
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/^\s*\.include\s+"([^"]+)"/gm)) {
    if (!sourcesPresent(join(dirname(file), m[1] as string), seen)) return false;
  }
  return true;
}

const LANDED = sourcesPresent(guestPath('kernel', 'kernel.S')) && sourcesPresent(guestPath('firmware', 'firmware.S'));


const MAX_INSNS = 200_000_000;

type Native = typeof import('../../src/guest/native.js');
let native: Native | undefined;
async function runNative(name: string, params: WorkloadParams): Promise<ReturnType<Native['runNative']>> {
  native ??= await import('../../src/guest/native.js');
  const w = workloadByName(name);
  const disk = w.disk ? new Uint8Array(w.disk.bytes(resolveParams(w, params))) : undefined;
  return native.runNative({ build: 'unmodified', workload: name, params, maxInsns: MAX_INSNS, ...(disk ? { disk } : {}) });
}

function explain(r: { stop: unknown; console: string }): string {
  return `stop ${JSON.stringify(r.stop)}; console:\n${r.console.slice(-2000)}`;
}

describe.skipIf(!LANDED)('workloads on the native technique', () => {
  const names = WORKLOADS.map((w) => w.name);

  it.each(names)('%s prints exactly the expected result and exits 0, with N operations and with 0', async (name) => {
    for (const params of [NATIVE[name] as WorkloadParams, { ...NATIVE[name], iterations: 0 }]) {
      const w = workloadByName(name);
      const r = await runNative(name, params);
      expect(findFailure(r.console, name), explain(r)).toBeUndefined();
      expect(findResultLine(r.console, name), explain(r)).toBe(w.expected(params));
      expect(r.console.replace(/\r\n/g, '\n'), explain(r)).toContain(w.expectedOutput(params));
      expect(r.stop, explain(r)).toEqual({ kind: 'power-off', code: 0 });
    }
  });

  it.each(names)('%s runs with its default parameters (what `pvlab boot` does without --param)', async (name) => {
    const r = await runNative(name, {});
    expect(findResultLine(r.console, name), explain(r)).toBe(workloadByName(name).expected());
    expect(r.stop, explain(r)).toEqual({ kind: 'power-off', code: 0 });
  });

  it.each(names)('%s: N operations cost more than 0, and a repeated run gives identical counters', async (name) => {
    const params = NATIVE[name] as WorkloadParams;
    const a = await runNative(name, params);
    const b = await runNative(name, params);
    const zero = await runNative(name, { ...params, iterations: 0 });
    expect(b.counters).toEqual(a.counters);
    expect(a.counters.instructions.user).toBeGreaterThan(zero.counters.instructions.user);
    expect(a.counters.cycles).toBeGreaterThan(zero.counters.cycles);
  });

  it('the operations show up in the trap counters by difference', async () => {
    const traps = async (name: string, key: string): Promise<number> => {
      const params = NATIVE[name] as WorkloadParams;
      const n = (await runNative(name, params)).counters.traps[key] ?? 0;
      const z = (await runNative(name, { ...params, iterations: 0 })).counters.traps[key] ?? 0;
      return n - z;
    };
    const n = (name: string): number => (NATIVE[name] as WorkloadParams).iterations as number;
    expect(await traps('null-syscall', causeName(Cause.EnvironmentCallFromU))).toBe(n('null-syscall'));
    expect(await traps('page-fault', causeName(Cause.StorePageFault))).toBe(n('page-fault'));
    expect(await traps('context-switch', causeName(Cause.EnvironmentCallFromU))).toBe(2 * n('context-switch'));
    expect(await traps('mmap', causeName(Cause.EnvironmentCallFromU))).toBe(2 * n('mmap'));
    expect(await traps('compute', causeName(Cause.EnvironmentCallFromU))).toBe(0);
    expect(await traps('tlb-walk', causeName(Cause.EnvironmentCallFromU))).toBe(0);
    expect(await traps('tlb-walk', causeName(Cause.LoadPageFault))).toBe(0);
  });
});
