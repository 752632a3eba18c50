import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCanvas, loadImage } from 'canvas';
import {
  ChartDataError, buildBatchingChart, buildBreakdownChart, buildExitsChart, buildHostTimeChart, buildSensitivityChart,
  buildSlowdownChart, buildThroughputChart, chooseLogScale, formatNumber, renderSlowdownChart, writeChartPng,
} from '../../src/report/charts/index.js';
import {
  CYCLE_CATEGORIES, CYCLE_CATEGORY_COLORS, CYCLE_CATEGORY_LABELS, EXIT_KINDS, EXIT_KIND_COLORS, EXIT_KIND_LABELS,
  TECHNIQUE_COLORS, TECHNIQUE_ORDER, techniqueColor,
} from '../../src/report/colors.js';
import { TECHNIQUES } from '../../src/hypervisor/techniques.js';
import { SLOWDOWN } from './fixtures.js';

describe('bad input gives an error naming what is wrong', () => {
  const err = (f: () => unknown, re: RegExp) => {
    let caught: unknown;
    try { f(); } catch (e) { caught = e; }
    expect(caught).toBeInstanceOf(ChartDataError);
    expect((caught as Error).message).toMatch(re);
  };

  it('empty data', () => {
    err(() => buildSlowdownChart([]), /^slowdown chart: no data/);
    err(() => buildExitsChart([]), /^exits chart: no data/);
    err(() => buildBreakdownChart([]), /^cycle breakdown chart: no data/);
    err(() => buildSensitivityChart([]), /^sensitivity chart: no data/);
    err(() => buildBatchingChart([]), /^batching chart: no data/);
    err(() => buildThroughputChart([]), /^throughput chart: no data/);
    err(() => buildHostTimeChart([]), /^host time chart: no data/);
    err(() => buildSlowdownChart(undefined as never), /no data/);
  });

  it('NaN, Infinity, missing and non-numbers, naming the row, workload, technique and field', () => {
    err(() => buildSlowdownChart([{ workload: 'getpid', technique: 'paravirt', slowdown: NaN }]),
      /slowdown chart: row 0 \(workload "getpid", technique "paravirt"\): slowdown is NaN; it must be a finite number/);
    err(() => buildBreakdownChart([{ workload: 'w', technique: 'native', cyclesPerOp: { guestUser: Infinity } }]),
      /row 0 \(workload "w", technique "native"\): cyclesPerOp.guestUser is Infinity/);
    err(() => buildSensitivityChart([{ workload: 'w', technique: 'paravirt', exitCycles: 100 } as never]), /slowdown is missing/);
    err(() => buildHostTimeChart([{ operation: 'op', kind: 'native', ns: '12' as never }]), /row 0 \(operation "op"\): ns is "12" \(string\)/);
    err(() => buildThroughputChart([{ run: 'r', vm: 'v', technique: 'paravirt', throughput: null as never }]), /throughput is null/);
  });

  it('negative values, and values a log axis cannot show', () => {
    err(() => buildExitsChart([{ workload: 'w', technique: 'paravirt', exitsPerOp: { hypercall: -1 } }]), /exitsPerOp.hypercall is -1; it must be 0 or more/);
    err(() => buildSlowdownChart([{ workload: 'w', technique: 'paravirt', slowdown: 0 }]), /slowdown is 0; it must be greater than 0/);
    err(() => buildHostTimeChart([{ operation: 'a', kind: 'native', ns: 0 }, { operation: 'b', kind: 'trapped', ns: 5 }], { scale: 'log' }),
      /host time chart: row 0 ns is 0, but the y axis is logarithmic and can only show values greater than 0/);
    err(() => buildBatchingChart([{ series: 's', batchSize: 4, costPerItem: 0 }], { yScale: 'log' }), /row 0 costPerItem is 0, but the y axis is logarithmic/);
    err(() => buildExitsChart([{ workload: 'w', technique: 'native', exitsPerOp: {} }], { scale: 'log' }), /total exitsPerOp is 0, but the y axis is logarithmic/);
    err(() => buildBatchingChart([{ series: 's', batchSize: 0, costPerItem: 5 }]), /batchSize is 0; it must be greater than 0/);
    // auto never picks log for data it cannot show
    expect((buildThroughputChart([{ run: 'r', vm: 'a', technique: 'paravirt', throughput: 0 }, { run: 'r', vm: 'b', technique: 'paravirt', throughput: 1e6 }]) as any).options.scales.y.type).toBe('linear');
  });

  it('unknown names, duplicates and bad options', () => {
    err(() => buildSlowdownChart([{ workload: 'w', technique: 'paravirtual', slowdown: 2 }]), /unknown technique "paravirtual" \(known: native, trap-emulate, trap-emulate\+fence, paravirt, hw-assist, hw-assist-shadow, hw-assist-shadow\+fence, hw-assist\+pvio, hw-assist-shadow\+pvio\)/);
    err(() => buildSlowdownChart([{ workload: '', technique: 'native', slowdown: 1 }]), /row 0: workload must be a non-empty string/);
    err(() => buildExitsChart([{ workload: 'w', technique: 'paravirt', exitsPerOp: { hypercalls: 1 } as never }]), /unknown exitsPerOp key "hypercalls"/);
    err(() => buildBreakdownChart([{ workload: 'w', technique: 'paravirt', cyclesPerOp: null as never }]), /cyclesPerOp must be an object/);
    err(() => buildSlowdownChart([SLOWDOWN[0]!, SLOWDOWN[0]!]), /row 1: a second row for workload "getpid", technique "native"/);
    err(() => buildSensitivityChart([{ workload: 'w', technique: 'paravirt', exitCycles: 5, slowdown: 1 }, { workload: 'w', technique: 'paravirt', exitCycles: 5, slowdown: 2 }]), /a second point at exitCycles = 5/);
    err(() => buildHostTimeChart([{ operation: 'x', kind: 'emulated' as never, ns: 1 }]), /unknown kind "emulated" \(known: native, trapped, hypercall\)/);
    err(() => buildSlowdownChart(SLOWDOWN, { scale: 'logarithmic' as never }), /scale must be 'auto', 'linear' or 'log', got "logarithmic"/);
    err(() => renderSlowdownChart(SLOWDOWN, { width: 0 }), /chart width 0 is not an integer number of pixels/);
  });
});

describe('chooseLogScale and formatNumber', () => {
  const vs = (...n: number[]) => n.map((value, i) => ({ value, where: `v${i}` }));
  it('log when max/min > 100', () => {
    expect(chooseLogScale('c', 'y', vs(1, 100))).toBe(false);
    expect(chooseLogScale('c', 'y', vs(1, 100.5))).toBe(true);
    expect(chooseLogScale('c', 'y', vs(0, 1000))).toBe(false);
    expect(chooseLogScale('c', 'y', vs(1, 1000), 'linear')).toBe(false);
  });
  it('formats compactly', () => {
    expect([0, 0.5, 1, 2.25, 937, 12_000, 2_500_000, 1.5e9].map(formatNumber)).toEqual(['0', '0.5', '1', '2.25', '937', '12k', '2.5M', '1.5G']);
  });
});

describe('colours', () => {
  it('every technique the hypervisor has has its own colour', () => {
    for (const t of TECHNIQUES) expect(TECHNIQUE_COLORS[t]).toMatch(/^#[0-9A-F]{6}$/);
    expect(TECHNIQUE_ORDER).toEqual(['native', 'trap-emulate', 'trap-emulate+fence', 'paravirt', 'hw-assist', 'hw-assist-shadow', 'hw-assist-shadow+fence', 'hw-assist+pvio', 'hw-assist-shadow+pvio']);
    for (const t of TECHNIQUES) expect(TECHNIQUE_ORDER).toContain(t);
    expect(new Set(Object.values(TECHNIQUE_COLORS)).size).toBe(TECHNIQUE_ORDER.length);
    expect(() => techniqueColor('kvm')).toThrow(/no colour for technique "kvm"/);
  });
  it('every cycle category and exit kind has a distinct colour and a label', () => {
    for (const c of CYCLE_CATEGORIES) { expect(CYCLE_CATEGORY_COLORS[c]).toMatch(/^#[0-9A-F]{6}$/); expect(CYCLE_CATEGORY_LABELS[c]).toBeTruthy(); }
    for (const k of EXIT_KINDS) { expect(EXIT_KIND_COLORS[k]).toMatch(/^#[0-9A-F]{6}$/); expect(EXIT_KIND_LABELS[k]).toBeTruthy(); }
    expect(new Set(Object.values(CYCLE_CATEGORY_COLORS)).size).toBe(CYCLE_CATEGORIES.length);
    expect(new Set(Object.values(EXIT_KIND_COLORS)).size).toBe(EXIT_KINDS.length);
    expect(Object.keys(CYCLE_CATEGORY_COLORS).sort()).toEqual([...CYCLE_CATEGORIES].sort());
    expect(Object.keys(EXIT_KIND_COLORS).sort()).toEqual([...EXIT_KINDS].sort());
  });
});

describe('the PNG', () => {
  it('has an opaque white background', async () => {
    const img = await loadImage(renderSlowdownChart(SLOWDOWN));
    const canvas = createCanvas(img.width, img.height);
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0);
    for (const [x, y] of [[0, 0], [999, 0], [0, 599], [999, 599], [500, 2]]) {
      expect([...ctx.getImageData(x!, y!, 1, 1).data], `pixel ${x},${y}`).toEqual([255, 255, 255, 255]);
    }
  });
});

describe('writeChartPng', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pvlab-charts-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const png = renderSlowdownChart(SLOWDOWN, { width: 300, height: 200 });

  it('writes the bytes and leaves no temporary file, also when replacing a file', () => {
    const path = join(dir, 'slowdown.png');
    writeFileSync(path, 'old');
    writeChartPng(path, png);
    expect(readFileSync(path).equals(png)).toBe(true);
    writeChartPng(path, png);
    expect(readdirSync(dir)).toEqual(['slowdown.png']);
  });

  it('a failed write leaves nothing behind', () => {
    expect(() => writeChartPng(join(dir, 'missing-dir', 'x.png'), png)).toThrow(/missing-dir\/x\.png: no such directory/);
    const sub = join(dir, 'sub');
    // a directory in the way: the rename fails after the temp file was written
    mkdirSync(join(sub, 'x.png'), { recursive: true });
    expect(() => writeChartPng(join(sub, 'x.png'), png)).toThrow();
    expect(readdirSync(sub)).toEqual(['x.png']);
  });

  it('refuses bytes that are not a PNG', () => {
    expect(() => writeChartPng(join(dir, 'bad.png'), Buffer.from('hello'))).toThrow(/is not a PNG/);
    expect(readdirSync(dir)).not.toContain('bad.png');
  });
});
