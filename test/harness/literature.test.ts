import { describe, expect, it } from 'vitest';
import replicate from '../../experiments/replicate.js';
import { expandMatrix, type MatrixCell } from '../../src/harness/matrix.js';
import {
  COMPARISONS, FIGURES, SOURCES, fidelityMarkdown, fidelityRows, figureById, paperValue, paperVerification, replaceFidelityTable,
} from '../../src/harness/literature.js';
import type { CellRecord } from '../../src/harness/runner.js';
import type { CellResult } from '../../src/harness/suite-run.js';
import { presetNames } from '../../src/hypervisor/cost-presets.js';
import { WORKLOAD_NAMES } from '../../src/guest/workloads.js';

describe('published figures', () => {
  it('ids are unique, every figure names a known source, and says how it was checked', () => {
    expect(new Set(FIGURES.map((f) => f.id)).size).toBe(FIGURES.length);
    for (const f of FIGURES) {
      expect(SOURCES[f.source], f.id).toBeDefined();
      expect(f.evidence.length, f.id).toBeGreaterThan(0);
      expect(f.where.length, f.id).toBeGreaterThan(0);
      expect(f.machine.length, f.id).toBeGreaterThan(0);
      expect(Number.isFinite(f.value), f.id).toBe(true);
    }
  });
  it('derived values are arithmetic on the printed ones', () => {
    const byId = (id: string) => COMPARISONS.find((c) => c.id === id) as (typeof COMPARISONS)[number];
    expect(paperValue(byId('aa06-pgfault-hw-ratio'))).toBeCloseTo(11242 / 1093, 10);
    expect(paperValue(byId('aa06-in-hw'))).toBe(15826);
    expect(paperValue(byId('aa06-forkwait-hw-ratio'))).toBeCloseTo(106.4 / 6.0, 10);
    expect(paperValue(byId('clm23-hypercall'))).toBe(215 + 18 + 412);
    expect(paperValue(byId('clm23-mmio'))).toBe(254 + 35 + 5548);
    expect(paperVerification(byId('aa06-forkwait-hw-ratio'))).toBe('second-hand');
    expect(paperVerification(byId('aa06-pgfault-hw'))).toBe('confirmed');
    expect(() => figureById('nope')).toThrow(/unknown published figure 'nope'/);
  });
});

describe('comparisons and the replicate suite', () => {
  const cells = expandMatrix(replicate) as MatrixCell[];
  it('every comparison names figures that exist, a catalog workload and a cell of the suite (when its preset exists)', () => {
    expect(new Set(COMPARISONS.map((c) => c.id)).size).toBe(COMPARISONS.length);
    for (const c of COMPARISONS) {
      expect(() => paperValue(c)).not.toThrow();
      expect(WORKLOAD_NAMES, c.id).toContain(c.pvlab.workload);
      if (!presetNames().includes(c.pvlab.preset)) continue;
      const match = cells.filter((x) => x.workload === c.pvlab.workload && x.technique === c.pvlab.technique && x.presetName === c.pvlab.preset
        && Object.entries(c.pvlab.params ?? {}).every(([k, v]) => x.params[k] === v));
      expect(match, c.id).toHaveLength(1);
    }
  });

  it('computes pvlab metrics from cell records, against the native cell of the same preset', () => {
    const rec = (id: string, technique: string, workload: string, params: Record<string, number>, cycles: number, exits: Record<string, number> = {},
      presetName = 'p4-vtx', breakdown: Record<string, number> = {}): CellRecord => ({
      id, status: 'ok',
      config: { kind: 'matrix', id, suite: 'replicate', presetName, scale: 1, rep: 0, workload, technique, params } as unknown as CellRecord['config'],
      result: { perOp: { cycles }, exitsPerOp: exits, breakdownPerOp: breakdown } as unknown as CellResult,
    });
    const records = [
      rec('n', 'native', 'console', { bytes: 1 }, 1000),
      rec('h', 'hw-assist-shadow', 'console', { bytes: 1 }, 31000, { mmio: 2 }),
      rec('pn', 'native', 'page-fault', {}, 2000),
      rec('ph', 'hw-assist-shadow', 'page-fault', {}, 22000),
      rec('tn', 'native', 'timer', {}, 900000, {}, 'riscv-kvm'),
      rec('th', 'hw-assist', 'timer', {}, 902000, { sbi: 1, mmio: 1 }, 'riscv-kvm', { worldSwitch: 1254, sbi: 18, devices: 5583 }),
    ];
    const rows = fidelityRows({ cells: records });
    const inHw = rows.find((r) => r.comparison.id === 'aa06-in-hw');
    expect(inHw?.pvlab).toBe(15000); // (31000 - 1000) / 2 exits
    expect(inHw?.ratio).toBeCloseTo(15000 / 15826, 10);
    expect(rows.find((r) => r.comparison.id === 'aa06-pgfault-hw-ratio')?.pvlab).toBe(11);
    expect(rows.find((r) => r.comparison.id === 'aa06-pgfault-hw')?.pvlab).toBe(22000);
    // charged per SBI exit: the sbi category + half of the world switch (1 of 2 exits).
    expect(rows.find((r) => r.comparison.id === 'clm23-hypercall')?.pvlab).toBe(18 + 1254 / 2);
    const missing = rows.find((r) => r.comparison.id === 'bdf03-pagefault-ratio');
    expect(missing?.pvlab).toBeUndefined();
    expect(missing?.cell).toMatch(/^not in this run/);
  });

  it('renders a Markdown table and replaces the block between the markers', () => {
    const table = fidelityMarkdown({ cells: [], runId: 'r1' });
    expect(table).toMatch(/run `r1`/);
    expect(table.split('\n').filter((l) => l.startsWith('| **')).length).toBe(COMPARISONS.length);
    const doc = 'head\n<!-- fidelity:begin -->\nold\n<!-- fidelity:end -->\ntail\n';
    expect(replaceFidelityTable(doc, 'NEW')).toBe('head\n<!-- fidelity:begin -->\nNEW\n<!-- fidelity:end -->\ntail\n');
    expect(() => replaceFidelityTable('no markers', 'x')).toThrow(/fidelity:begin/);
  });
});
