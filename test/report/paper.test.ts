/**
 * The `paper` chart: pvlab beside the published figures of src/harness/literature.ts — the chart
 * as a library (plain rows), and its drawings from a small synthetic results object (no suite is
 * run, so nothing here depends on the host's speed).
 */
import { describe, expect, it } from 'vitest';
import replicate from '../../experiments/replicate.js';
import { COMPARISONS, unitOf } from '../../src/harness/literature.js';
import type { CellRecord, SuiteResults } from '../../src/harness/runner.js';
import type { CellResult } from '../../src/harness/suite-run.js';
import { CHARTS } from '../../src/harness/suite.js';
import {
  ChartDataError, NO_CELL_LABEL, PAPER_HATCH_PLUGIN_ID, PAPER_LABELS_PLUGIN_ID, PAPER_TITLE, WHITE_BACKGROUND_PLUGIN_ID, buildPaperChart,
  isPng, paperRatioLabel, paperSize, paperUnits, paperValueLabel, pngSize, renderChartPng, renderPaperChart, type PaperRow,
} from '../../src/report/charts/index.js';
import { PAPER_COLOR, TECHNIQUE_COLORS } from '../../src/report/colors.js';
import { CHART_FILES, chartDrawings } from '../../src/report/report.js';
import { CHART_TITLES } from '../../src/report/report-docs.js';

type AnyPlugin = { id: string; rows?: number[]; ratios?: (string | null)[] };
type AnyConfig = { options: any; data: { datasets: any[]; labels: string[] }; plugins: AnyPlugin[] };
const plugin = (c: AnyConfig, id: string): AnyPlugin => c.plugins.find((p) => p.id === id) as AnyPlugin;

const ROWS: PaperRow[] = [
  { id: 'aa06-a', source: 'AA06', unit: 'cycles', paper: 2000, verification: 'confirmed', technique: 'trap-emulate', pvlab: 54000 },
  { id: 'aa06-b', source: 'AA06', unit: 'cycles', paper: 15826, verification: 'confirmed', technique: 'hw-assist-shadow', pvlab: 16179, circular: true },
  { id: 'aa06-r', source: 'AA06', unit: 'ratio', paper: 17.7, verification: 'second-hand', technique: 'hw-assist-shadow', pvlab: 3.95 },
  { id: 'dll16-a', source: 'DLL16', unit: 'cycles', paper: 2384, verification: 'unconfirmed', technique: 'hw-assist', pvlab: 2419, circular: true },
  { id: 'clm23-a', source: 'CLM23', unit: 'cycles', paper: 645, verification: 'artifact', technique: 'hw-assist' },
];

describe('the paper chart', () => {
  it('one row per comparison, grouped under a heading per source; paper then pvlab bars; log x for cycles', () => {
    const c = buildPaperChart(ROWS, { unit: 'cycles' }) as unknown as AnyConfig;
    expect(c.options.plugins.title.text).toBe(PAPER_TITLE);
    expect(c.options.indexAxis).toBe('y');
    expect(c.options.scales.x.type).toBe('logarithmic');
    expect(c.options.scales.x.title.text).toMatch(/cycles per operation.*log scale$/);
    expect(c.data.labels).toEqual(['AA06', 'aa06-a', 'aa06-b', 'DLL16', 'dll16-a', 'CLM23', 'clm23-a']);
    expect(c.data.datasets.map((d) => d.label)).toEqual(['paper', 'pvlab']);
    expect(c.data.datasets[0].data).toEqual([null, 2000, 15826, null, 2384, null, 645]);
    expect(c.data.datasets[1].data).toEqual([null, 54000, 16179, null, 2419, null, null]);
    expect(c.data.datasets[1].backgroundColor[1]).toBe(TECHNIQUE_COLORS['trap-emulate']);
    expect(c.data.datasets[1].backgroundColor[4]).toBe(TECHNIQUE_COLORS['hw-assist']);
    expect(c.plugins.map((p) => p.id)).toEqual([WHITE_BACKGROUND_PLUGIN_ID, PAPER_HATCH_PLUGIN_ID, PAPER_LABELS_PLUGIN_ID]);
    const ratio = buildPaperChart(ROWS, { unit: 'ratio' }) as unknown as AnyConfig;
    expect(ratio.data.labels).toEqual(['AA06', 'aa06-r']);
    expect(ratio.options.scales.x.type).toBe('linear');
    expect(paperUnits(ROWS)).toEqual(['cycles', 'ratio']);
  });

  it('writes pvlab ÷ paper at the end of each row, and "no cell" with no pvlab bar where the cell is missing', () => {
    const c = buildPaperChart(ROWS, { unit: 'cycles' }) as unknown as AnyConfig;
    expect(plugin(c, PAPER_LABELS_PLUGIN_ID).ratios).toEqual([null, '27.0×', '1.02×', null, '1.01×', null, NO_CELL_LABEL]);
    expect(c.data.datasets[1].data[6]).toBeNull();
    expect(c.data.datasets[0].data[6]).toBe(645);
    expect(paperRatioLabel({ paper: 645 })).toBe('no cell');
    expect(paperRatioLabel({ paper: 4, pvlab: 1 })).toBe('0.25×');
    expect(paperRatioLabel({ paper: 1, pvlab: 250 })).toBe('250×');
    expect(paperRatioLabel({ paper: 1000, pvlab: 1 })).toBe('0.001×');
    expect(paperValueLabel(2384)).toBe('2384');
    expect(paperValueLabel(54342)).toBe('54.3k');
  });

  it('hatches circular rows, draws unconfirmed or second-hand paper figures as outlines, and says so in the legend', () => {
    const c = buildPaperChart(ROWS, { unit: 'cycles' }) as unknown as AnyConfig;
    expect(plugin(c, PAPER_HATCH_PLUGIN_ID).rows).toEqual([2, 4]);
    const paper = c.data.datasets[0];
    expect(paper.backgroundColor[4]).toBe('#FFFFFF'); // dll16-a: unconfirmed
    expect(paper.borderWidth[4]).toBe(2);
    expect(paper.backgroundColor[1]).toBe(PAPER_COLOR); // confirmed
    expect(paper.borderWidth[1]).toBe(0);
    expect(paper.backgroundColor[6]).toBe(PAPER_COLOR); // artifact
    const ratio = buildPaperChart(ROWS, { unit: 'ratio' }) as unknown as AnyConfig;
    expect(ratio.data.datasets[0].backgroundColor[1]).toBe('#FFFFFF'); // second-hand
    expect(plugin(ratio, PAPER_HATCH_PLUGIN_ID).rows).toEqual([]);
    const legend = (c.options.plugins.legend.labels.generateLabels as () => { text: string }[])().map((e) => e.text);
    expect(legend).toEqual(['paper', 'paper, unconfirmed or second-hand', 'pvlab, trap-and-emulate', 'pvlab, hardware-assisted (nested paging)',
      'pvlab, hardware-assisted (shadow paging)', 'circular (preset built from the figure)']);
  });

  it('renders at a height that grows with the rows, the same bytes twice', () => {
    const png = renderPaperChart(ROWS, { unit: 'cycles' });
    expect(isPng(png)).toBe(true);
    expect(pngSize(png)).toEqual(paperSize(ROWS, 'cycles'));
    expect(paperSize(ROWS, 'cycles').height).toBeGreaterThan(paperSize(ROWS, 'ratio').height);
    expect(png.equals(renderPaperChart(ROWS, { unit: 'cycles' }))).toBe(true);
  });

  it('refuses bad rows with a message naming the row and field', () => {
    expect(() => buildPaperChart([], { unit: 'cycles' })).toThrow(ChartDataError);
    expect(() => buildPaperChart([{ ...ROWS[0]!, paper: 0 }], { unit: 'cycles' })).toThrow(/paper chart: row 0 \("aa06-a"\): paper is 0/);
    expect(() => buildPaperChart([{ ...ROWS[0]!, pvlab: Number.NaN }], { unit: 'cycles' })).toThrow(/pvlab is NaN/);
    expect(() => buildPaperChart([{ ...ROWS[0]!, verification: 'rumour' as never }], { unit: 'cycles' })).toThrow(/unknown verification/);
    expect(() => buildPaperChart([ROWS[0]!, ROWS[0]!], { unit: 'cycles' })).toThrow(/second row/);
    expect(() => buildPaperChart([ROWS[0]!], { unit: 'ratio' })).toThrow(/no rows in unit "ratio"/);
  });
});

describe('the paper chart of a run', () => {
  const rec = (id: string, technique: string, workload: string, params: Record<string, number>, cycles: number, presetName: string,
    exits: Record<string, number> = {}): CellRecord => ({
    id, status: 'ok',
    config: { kind: 'matrix', id, suite: 'replicate', presetName, scale: 1, rep: 0, workload, technique, params } as unknown as CellRecord['config'],
    result: { perOp: { cycles }, exitsPerOp: exits, breakdownPerOp: {} } as unknown as CellResult,
  });
  // Cells for a few comparisons only: the rest (bdf03, clm23 among them) have no cell.
  const results = {
    suite: 'replicate', runId: '20260102-030405-replicate',
    cells: [
      rec('cn', 'native', 'console', { bytes: 1 }, 1000, 'p4-vtx'),
      rec('ch', 'hw-assist-shadow', 'console', { bytes: 1 }, 31000, 'p4-vtx', { mmio: 2 }),
      rec('pn', 'native', 'page-fault', {}, 2000, 'p4-vtx'),
      rec('ph', 'hw-assist-shadow', 'page-fault', {}, 22000, 'p4-vtx'),
      rec('kn', 'native', 'console', { bytes: 1 }, 1000, 'modern-kvm'),
      rec('kh', 'hw-assist', 'console', { bytes: 1 }, 5800, 'modern-kvm', { mmio: 2 }),
    ],
  } as unknown as SuiteResults;
  const drawings = chartDrawings(results, 'paper');
  const byName = (n: string) => drawings.find((d) => d.name === n)?.config as unknown as AnyConfig;

  it('is a chart a suite can ask for, and the replicate suite does', () => {
    expect(CHARTS).toContain('paper');
    expect(replicate.charts).toContain('paper');
    expect(CHART_FILES.paper).toBe('paper.png');
    expect(CHART_TITLES.paper).toMatch(/^pvlab vs published figures/);
  });

  it('draws one panel per unit, every comparison in COMPARISONS order under its source, the run id in the subtitle', () => {
    expect(drawings.map((d) => d.name)).toEqual(['paper-cycles', 'paper-ratio']);
    for (const [name, unit] of [['paper-cycles', 'cycles'], ['paper-ratio', '×']] as const) {
      const c = byName(name);
      const ids = COMPARISONS.filter((x) => unitOf(x) === unit).map((x) => x.id);
      expect(c.data.labels.filter((l) => !/^[A-Z]/.test(l))).toEqual(ids);
      expect(c.options.plugins.subtitle.text).toContain('run 20260102-030405-replicate');
      expect(c.options.plugins.title.text).toBe(PAPER_TITLE);
    }
    expect(byName('paper-cycles').data.labels[0]).toBe('AA06');
  });

  it('reads pvlab\'s figure from the cells; a comparison without its cell has the paper bar only and "no cell"', () => {
    const c = byName('paper-cycles');
    const at = (id: string) => c.data.labels.indexOf(id);
    const ratios = plugin(c, PAPER_LABELS_PLUGIN_ID).ratios!;
    expect(c.data.datasets[1].data[at('aa06-in-hw')]).toBe(15000); // (31000 - 1000) / 2 MMIO exits
    expect(ratios[at('aa06-in-hw')]).toBe(paperRatioLabel({ paper: 15826, pvlab: 15000 }));
    expect(c.data.datasets[1].data[at('dll16-irqchip-trap')]).toBe(2400);
    expect(c.data.datasets[1].data[at('clm23-mmio')]).toBeNull();
    expect(c.data.datasets[0].data[at('clm23-mmio')]).toBe(254 + 35 + 5548);
    expect(ratios[at('clm23-mmio')]).toBe(NO_CELL_LABEL);
    const r = byName('paper-ratio');
    const bdf = r.data.labels.indexOf('bdf03-pagefault-ratio');
    expect(r.data.datasets[1].data[bdf]).toBeNull();
    expect(plugin(r, PAPER_LABELS_PLUGIN_ID).ratios![bdf]).toBe(NO_CELL_LABEL);
    expect(r.data.datasets[1].data[r.data.labels.indexOf('aa06-pgfault-hw-ratio')]).toBe(11);
  });

  it('hatches the circular comparisons and outlines the unconfirmed and second-hand paper figures', () => {
    const c = byName('paper-cycles');
    const circular = COMPARISONS.filter((x) => x.circular && unitOf(x) === 'cycles').map((x) => c.data.labels.indexOf(x.id));
    expect(plugin(c, PAPER_HATCH_PLUGIN_ID).rows).toEqual(circular);
    expect(c.data.datasets[0].backgroundColor[c.data.labels.indexOf('dll16-irqchip-trap')]).toBe('#FFFFFF'); // unconfirmed
    expect(c.data.datasets[0].backgroundColor[c.data.labels.indexOf('aa06-in-hw')]).toBe(PAPER_COLOR); // confirmed
    const r = byName('paper-ratio');
    expect(r.data.datasets[0].backgroundColor[r.data.labels.indexOf('aa06-forkwait-hw-ratio')]).toBe('#FFFFFF'); // second-hand
  });

  it('renders each panel at its size; nothing to draw without a single cell', () => {
    for (const d of drawings) expect(pngSize(renderChartPng(d.config, d.size))).toEqual(d.size);
    expect(chartDrawings({ ...results, cells: [] }, 'paper')).toEqual([]);
  });
});
