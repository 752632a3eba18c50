/**
 * tlb-walk under every technique: the result line natively, under trap-and-emulate and
 * paravirtualized; and, per operation (one sweep), the TLB misses the workload exists for — one
 * walk per page once the sweep is larger than the 256-entry direct-mapped TLB, none when it fits
 * — with no page faults, system calls or (timer ticks aside) VM exits in the measured loop.
 */
import { describe, expect, it } from 'vitest';
import type { RunCounters } from '../../src/guest/counters.js';
import { findFailure, findResultLine, workloadByName } from '../../src/guest/workloads.js';
import { measurePerOperation } from '../../src/harness/per-op.js';
import { TLB_ENTRIES } from '../../src/machine/tlb.js';
import { presetByName } from '../../src/hypervisor/cost-presets.js';
import type { Technique } from '../../src/hypervisor/techniques.js';
import { runGuest } from '../../src/harness/run-guest.js';
import { SMALL } from './params.js';

const PRESET = presetByName('modern-kvm');
const RAM = 32 * 1024 * 1024;
const TECHNIQUES: readonly Technique[] = ['native', 'trap-emulate', 'paravirt'];
const buildFor = (t: Technique) => (t === 'paravirt' ? 'paravirt' : 'unmodified');

function run(technique: Technique, params: Record<string, number>) {
  const r = runGuest({ technique, build: buildFor(technique), workload: 'tlb-walk', params, preset: PRESET, ramBytes: RAM });
  if (r.exitCode !== 0) throw new Error(`tlb-walk under ${technique}: ${JSON.stringify(r.stop)}\n${r.console.slice(-2000)}`);
  return r;
}

const perOp = (technique: Technique, pages: number, n = 10): RunCounters =>
  measurePerOperation((k) => run(technique, { iterations: k, pages }).counters, n).perOp;

describe('tlb-walk prints the expected result line', () => {
  it.each(TECHNIQUES)('under %s, with N sweeps and with 0', (technique) => {
    const small = SMALL['tlb-walk'] as Record<string, number>;
    for (const params of [small, { ...small, iterations: 0 }]) {
      const r = run(technique, params);
      expect(findFailure(r.console, 'tlb-walk')).toBeUndefined();
      expect(findResultLine(r.console, 'tlb-walk')).toBe(workloadByName('tlb-walk').expected(params));
    }
  });

  it('fails with a message when the pages do not fit in guest RAM', () => {
    const r = runGuest({ technique: 'native', build: 'unmodified', workload: 'tlb-walk', params: { iterations: 1, pages: 4096 }, preset: PRESET, ramBytes: 16 * 1024 * 1024 });
    expect(findFailure(r.console, 'tlb-walk')).toMatch(/^FAIL tlb-walk: mmap did not map the pages/);
    expect(r.exitCode).toBe(1);
  });
});

describe('tlb-walk per sweep', () => {
  it.each([512, 1024])('%i pages natively: one TLB miss (2 PTE reads, Sv32) per page, nothing else', (pages) => {
    const p = perOp('native', pages);
    expect(pages).toBeGreaterThanOrEqual(2 * TLB_ENTRIES);
    expect(p.tlbMisses).toBeGreaterThanOrEqual(pages);
    expect(p.tlbMisses).toBeLessThan(pages + 2);          // + the timer ticks' own walks
    expect(p.pteReads).toBeGreaterThanOrEqual(2 * pages);
    expect(p.pteReads).toBeLessThan(2 * pages + 4);
    expect(p.traps['StorePageFault'] ?? 0).toBe(0);
    expect(p.traps['LoadPageFault'] ?? 0).toBe(0);
    expect(p.traps['EnvironmentCallFromU'] ?? 0).toBe(0);
    // 5 instructions per page (lw, the fold's xor and mul, add, bltu) and a few per sweep.
    expect(p.instructions.user).toBeGreaterThanOrEqual(5 * pages);
    expect(p.instructions.user).toBeLessThan(5 * pages + 10);
  });

  it('a sweep that fits the TLB (256 pages) does not miss once warm: the control', () => {
    const p = perOp('native', TLB_ENTRIES);
    expect(p.tlbMisses).toBeLessThan(1);
    expect(p.cycles).toBeLessThan(perOp('native', 2 * TLB_ENTRIES).cycles / 4);
  });

  it.each(['trap-emulate', 'paravirt'] as const)('under %s: the same misses, no exits but timer ticks, about native speed', (technique) => {
    const pages = 1024;
    const native = perOp('native', pages);
    const hv = perOp(technique, pages);
    expect(hv.tlbMisses).toBeGreaterThanOrEqual(pages);
    expect(hv.tlbMisses).toBeLessThan(pages + 2);
    expect(hv.pteReads).toBeLessThan(2 * pages + 4);      // shadow (or guest) tables: one Sv32 walk
    expect(hv.exits).toBeLessThan(pages / 100);           // a timer tick now and then, nothing per page
    expect(hv.traps['StorePageFault'] ?? 0).toBe(0);
    expect(hv.instructions.user).toBe(native.instructions.user);
    expect(Math.abs(hv.cycles / native.cycles - 1)).toBeLessThan(0.05);
  });
});
