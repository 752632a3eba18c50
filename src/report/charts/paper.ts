/**
 * Chart 10: pvlab vs published figures — for each comparison of src/harness/literature.ts, the
 * paper's figure and pvlab's beside it as two horizontal bars, with pvlab ÷ paper written in a
 * column at the right. One panel per unit (cycles per operation, on a log axis; ratios): the
 * rows mix 1× ratios with 10⁵-cycle costs, which no single axis reads well.
 *
 * Rows are grouped by source (a bold heading row per source, in first-appearance order). A
 * circular row — the preset is built from the paper's figure, so agreement checks the charging
 * only — is hatched; a paper figure that is unconfirmed or known only second-hand is drawn as an
 * outline; a comparison whose pvlab cell is not in the results (a preset not in this build) has
 * the paper's bar only and "no cell" in place of the ratio.
 */
import type { Chart, ChartConfiguration, Plugin, Scale } from 'chart.js';
import { PAPER_COLOR, TECHNIQUE_COLORS, TECHNIQUE_LABELS, TECHNIQUE_ORDER, type ChartTechnique } from '../colors.js';
import {
  ChartDataError, FONT_FAMILY, baseOptions, categoryScale, chooseLogScale, formatNumber, overlayPlugin, requireFinite, requireName,
  requireRows, requireTechnique, requireValue, valueScale, whiteBackgroundPlugin, type CommonChartOptions, type ScaleChoice,
} from './common.js';
import { renderChartPng } from './render.js';

/** The panels: a comparison is in simulated cycles per operation or a ratio (×). */
export const PAPER_UNITS = ['cycles', 'ratio'] as const;
export type PaperUnit = (typeof PAPER_UNITS)[number];

/** How the paper's figures were checked (literature.ts's Verification). */
export const PAPER_VERIFICATIONS = ['confirmed', 'artifact', 'second-hand', 'unconfirmed'] as const;
export type PaperVerification = (typeof PAPER_VERIFICATIONS)[number];

export interface PaperRow {
  /** The comparison id, e.g. "aa06-pgfault-hw": the row's label. */
  id: string;
  /** The source it cites, e.g. "AA06": rows are grouped by it. */
  source: string;
  unit: PaperUnit;
  /** The published side, in the unit. */
  paper: number;
  /** The weakest check among the paper's figures: `unconfirmed` and `second-hand` draw an outline. */
  verification: PaperVerification;
  /** The technique of pvlab's cell (its bar's colour). */
  technique: string;
  /** pvlab's side; undefined when the results hold no such cell. */
  pvlab?: number;
  /** The preset is built from the paper's figure: the row is hatched. */
  circular?: boolean;
}

export interface PaperChartOptions extends CommonChartOptions {
  /** The panel: only the rows in this unit are drawn. */
  unit: PaperUnit;
  /** Default: 'log' for cycles, 'auto' for ratios. */
  scale?: ScaleChoice;
}

const CHART = 'paper chart';
export const PAPER_TITLE = 'pvlab vs published figures (simulated cycles per operation)';
export const PAPER_LABELS_PLUGIN_ID = 'pvlabPaperLabels';
export const PAPER_HATCH_PLUGIN_ID = 'pvlabPaperHatch';
export const NO_CELL_LABEL = 'no cell';
const RATIO_HEADER = 'pvlab ÷ paper';
/** Room at the right of the plot for the ratio column. */
const RATIO_COLUMN_WIDTH = 120;

const AXIS_TITLES: Readonly<Record<PaperUnit, string>> = {
  cycles: 'cycles per operation (paper: measured on its machine; pvlab: simulated)',
  ratio: 'ratio (×), e.g. slowdown over native (paper: measured; pvlab: simulated)',
};

/** An unconfirmed or second-hand paper figure: drawn as an outline. */
export const isOpenPaper = (r: Pick<PaperRow, 'verification'>): boolean => r.verification === 'unconfirmed' || r.verification === 'second-hand';

/** A bar's value: whole cycles below 10 000 (a published 2384 stays 2384), else compact. */
export function paperValueLabel(v: number): string {
  const a = Math.abs(v);
  return a >= 100 && a < 1e4 ? String(Math.round(v)) : formatNumber(v);
}

/** What the ratio column says for a row: pvlab ÷ paper, or "no cell". */
export function paperRatioLabel(r: Pick<PaperRow, 'paper' | 'pvlab'>): string {
  if (r.pvlab === undefined) return NO_CELL_LABEL;
  const q = r.pvlab / r.paper;
  const a = Math.abs(q);
  if (a >= 100) return `${formatNumber(q)}×`;
  if (a >= 10) return `${q.toFixed(1)}×`;
  if (a >= 0.01 || a === 0) return `${q.toFixed(2)}×`;
  return `${Number(q.toPrecision(2))}×`;
}

/** The units present in `rows`, in PAPER_UNITS order: the panels to draw. */
export function paperUnits(rows: readonly Pick<PaperRow, 'unit'>[]): PaperUnit[] {
  return PAPER_UNITS.filter((u) => rows.some((r) => r.unit === u));
}

function checkRows(rows: readonly PaperRow[]): void {
  requireRows(CHART, rows);
  const seen = new Set<string>();
  rows.forEach((r, i) => {
    const id = requireName(CHART, `row ${i}`, 'id', r?.id);
    const at = `row ${i} ("${id}")`;
    requireName(CHART, at, 'source', r.source);
    if (!(PAPER_UNITS as readonly string[]).includes(r.unit)) throw new ChartDataError(`${CHART}: ${at}: unknown unit ${JSON.stringify(r.unit)} (known: ${PAPER_UNITS.join(', ')})`);
    if (!(PAPER_VERIFICATIONS as readonly string[]).includes(r.verification)) {
      throw new ChartDataError(`${CHART}: ${at}: unknown verification ${JSON.stringify(r.verification)} (known: ${PAPER_VERIFICATIONS.join(', ')})`);
    }
    requireTechnique(CHART, at, r.technique);
    requireValue(CHART, at, 'paper', r.paper, true);
    if (r.pvlab !== undefined) requireFinite(CHART, at, 'pvlab', r.pvlab);
    if (seen.has(id)) throw new ChartDataError(`${CHART}: ${at}: a second row for comparison "${id}"`);
    seen.add(id);
  });
}

/** The panel's categories: per source (first-appearance order) a heading, then its rows. */
interface Layout {
  labels: string[];
  /** The row drawn in each category; undefined for a heading. */
  rows: (PaperRow | undefined)[];
}

function layout(rows: readonly PaperRow[]): Layout {
  const sources = [...new Set(rows.map((r) => r.source))];
  const out: Layout = { labels: [], rows: [] };
  for (const s of sources) {
    out.labels.push(s);
    out.rows.push(undefined);
    for (const r of rows.filter((x) => x.source === s)) {
      out.labels.push(r.id);
      out.rows.push(r);
    }
  }
  return out;
}

/** Width and height a panel is drawn at: 30 px per row and heading, plus titles, legend, axis. */
export function paperSize(rows: readonly PaperRow[], unit: PaperUnit, opts: Pick<CommonChartOptions, 'width' | 'height'> = {}): { width: number; height: number } {
  const mine = rows.filter((r) => r.unit === unit);
  const n = mine.length + new Set(mine.map((r) => r.source)).size;
  return { width: opts.width ?? 1000, height: opts.height ?? Math.min(10_000, Math.max(360, 230 + 30 * n)) };
}

type BarElement = { x: number; y: number; base: number; height: number };
/** A drawn bar's place; chart.js also places an element (at the axis start) for a null value. */
const barOf = (chart: Chart, dataset: number, index: number): BarElement | undefined => {
  const b = chart.getDatasetMeta(dataset).data[index] as unknown as BarElement | undefined;
  return b && Number.isFinite(b.x) && Number.isFinite(b.y) ? b : undefined;
};

/**
 * Each bar's value just past its end, and the ratio column at the right of the plot
 * (`ratios[k]`: category k's text, null for a heading). A pvlab value a log axis cannot show
 * (≤ 0) is written at the axis start.
 */
function labelsPlugin(lay: Layout, log: boolean): Plugin & { ratios: (string | null)[] } {
  const ratios = lay.rows.map((r) => (r === undefined ? null : paperRatioLabel(r)));
  const plugin = overlayPlugin(PAPER_LABELS_PLUGIN_ID, '10px', (ctx, chart) => {
    const y = chart.scales['y'] as Scale | undefined;
    if (!y) return;
    const area = chart.chartArea;
    ctx.textBaseline = 'middle';
    lay.rows.forEach((r, k) => {
      if (r === undefined) return;
      ctx.font = `10px ${FONT_FAMILY}`;
      ctx.fillStyle = '#222222';
      ctx.textAlign = 'left';
      [r.paper, r.pvlab].forEach((v, d) => {
        if (v === undefined) return;
        const bar = barOf(chart, d, k);
        if (!bar) return;
        const hidden = log && v <= 0;
        ctx.fillText(hidden ? `${paperValueLabel(v)} (≤ 0: no bar on a log axis)` : paperValueLabel(v), hidden ? area.left + 3 : Math.max(bar.x, area.left) + 3, bar.y);
      });
      const text = ratios[k] as string;
      ctx.font = `${r.pvlab === undefined ? 'italic ' : 'bold '}12px ${FONT_FAMILY}`;
      ctx.fillStyle = r.pvlab === undefined ? '#666666' : '#222222';
      ctx.textAlign = 'right';
      ctx.fillText(text, area.right + RATIO_COLUMN_WIDTH - 14, y.getPixelForValue(k));
    });
    ctx.font = `bold 11px ${FONT_FAMILY}`;
    ctx.fillStyle = '#222222';
    ctx.textAlign = 'right';
    ctx.textBaseline = 'bottom';
    ctx.fillText(RATIO_HEADER, area.right + RATIO_COLUMN_WIDTH - 14, area.top - 3);
  });
  return Object.assign(plugin, { ratios });
}

/** Diagonal lines over a rectangle (clipped to it): the hatch of a circular row. */
function hatch(ctx: Chart['ctx'], left: number, top: number, width: number, height: number, color: string): void {
  if (!(width > 0 && height > 0)) return;
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, width, height);
  ctx.clip();
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  for (let x = left - height; x < left + width; x += 6) {
    ctx.moveTo(x, top + height);
    ctx.lineTo(x + height, top);
  }
  ctx.stroke();
  ctx.restore();
}

const HATCH_ON_FILL = 'rgba(255, 255, 255, 0.9)';
/** The legend's box size (baseOptions: boxWidth 18, font 13 px). */
const LEGEND_BOX = { width: 18, height: 13 };

/** Hatches both bars of the categories in `rows` (circular comparisons), and the legend's
 *  "circular" box. Vector lines rather than a bitmap pattern, so the SVG stays sharp. */
function hatchPlugin(lay: Layout, legendIndex: number | null): Plugin & { rows: number[] } {
  const rows = lay.rows.flatMap((r, k) => (r?.circular ? [k] : []));
  return {
    id: PAPER_HATCH_PLUGIN_ID,
    rows,
    afterDatasetsDraw(chart) {
      for (const k of rows) {
        const r = lay.rows[k] as PaperRow;
        for (const d of [0, 1]) {
          const bar = barOf(chart, d, k);
          if (!bar) continue;
          const left = Math.min(bar.x, bar.base);
          hatch(chart.ctx, left, bar.y - bar.height / 2, Math.abs(bar.x - bar.base), bar.height, d === 0 && isOpenPaper(r) ? PAPER_COLOR : HATCH_ON_FILL);
        }
      }
    },
    afterDraw(chart) {
      // chart.js keeps each legend item's place in legendHitBoxes (not in its typings); the box
      // is boxWidth wide and as tall as the legend font, at the item's top left.
      const boxes = (chart.legend as unknown as { legendHitBoxes?: { left: number; top: number }[] } | undefined)?.legendHitBoxes;
      const box = legendIndex === null ? undefined : boxes?.[legendIndex];
      if (box) hatch(chart.ctx, box.left, box.top, LEGEND_BOX.width, LEGEND_BOX.height, PAPER_COLOR);
    },
  };
}

interface LegendEntry { text: string; fillStyle: string; strokeStyle: string; lineWidth: number }

function legendEntries(rows: readonly PaperRow[], techniques: readonly ChartTechnique[]): LegendEntry[] {
  const out: LegendEntry[] = [];
  if (rows.some((r) => !isOpenPaper(r))) out.push({ text: 'paper', fillStyle: PAPER_COLOR, strokeStyle: PAPER_COLOR, lineWidth: 0 });
  if (rows.some(isOpenPaper)) out.push({ text: 'paper, unconfirmed or second-hand', fillStyle: '#FFFFFF', strokeStyle: PAPER_COLOR, lineWidth: 2 });
  for (const t of techniques) out.push({ text: `pvlab, ${TECHNIQUE_LABELS[t]}`, fillStyle: TECHNIQUE_COLORS[t], strokeStyle: TECHNIQUE_COLORS[t], lineWidth: 0 });
  if (rows.some((r) => r.circular)) out.push({ text: 'circular (preset built from the figure)', fillStyle: '#FFFFFF', strokeStyle: PAPER_COLOR, lineWidth: 1 });
  return out;
}

/** The lowest power of ten at or below `v`, a decade lower when `v` is one (so its bar shows). */
function logFloor(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v) + 1e-9);
  return p >= v * (1 - 1e-9) ? p / 10 : p;
}

/** The smallest 1, 2 or 5 × 10^k at or above `v`. */
function niceCeil(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  return ([1, 2, 5, 10].find((m) => m * p >= v * (1 - 1e-9)) ?? 10) * p;
}

/** The value axis, with room past the longest bar for its value; upright tick labels. */
function xScale(unit: PaperUnit, log: boolean, values: readonly number[]): Record<string, unknown> {
  const top = Math.max(...values);
  const base = valueScale(AXIS_TITLES[unit], log, log ? { min: logFloor(Math.min(...values)), max: niceCeil(top * 1.5) } : { suggestedMax: top * 1.12 });
  return { ...base, ticks: { ...(base['ticks'] as object), maxRotation: 0, minRotation: 0 } };
}

export function buildPaperChart(rows: readonly PaperRow[], opts: PaperChartOptions): ChartConfiguration<'bar', (number | null)[], string> {
  checkRows(rows);
  const unit = opts.unit;
  if (!(PAPER_UNITS as readonly string[]).includes(unit)) throw new ChartDataError(`${CHART}: unknown unit ${JSON.stringify(unit)} (known: ${PAPER_UNITS.join(', ')})`);
  const mine = rows.filter((r) => r.unit === unit);
  if (mine.length === 0) throw new ChartDataError(`${CHART}: no rows in unit "${unit}"`);
  const lay = layout(mine);
  const values = mine.flatMap((r) => [{ value: r.paper, where: `"${r.id}" paper` }, ...(r.pvlab !== undefined && r.pvlab > 0 ? [{ value: r.pvlab, where: `"${r.id}" pvlab` }] : [])]);
  const log = chooseLogScale(CHART, 'x', values, opts.scale ?? (unit === 'cycles' ? 'log' : 'auto'));
  const nums = values.map((v) => v.value);
  const techniques = TECHNIQUE_ORDER.filter((t) => mine.some((r) => r.pvlab !== undefined && r.technique === t));
  const legend = legendEntries(mine, techniques);
  const circularIndex = legend.findIndex((e) => e.text.startsWith('circular'));

  const options = baseOptions<'bar'>(opts.title ?? PAPER_TITLE, opts.subtitle);
  options.indexAxis = 'y';
  options.layout = { padding: { left: 8, right: 16 + RATIO_COLUMN_WIDTH, top: 8, bottom: 8 } };
  options.scales = {
    // Room past the longest bar for its value.
    x: xScale(unit, log, nums),
    y: categoryScale('comparison, by source', {
      ticks: {
        autoSkip: false, color: '#222222',
        // A source's heading in bold, its comparisons in the regular face.
        font: (c: { index: number }) => ({ family: FONT_FAMILY, size: 12, weight: lay.rows[c.index] === undefined ? 'bold' : 'normal' }),
      },
    }),
  } as never;
  options.plugins!.legend!.labels = {
    ...options.plugins!.legend!.labels,
    generateLabels: () => legend.map((e, i) => ({ ...e, datasetIndex: i, hidden: false })),
  } as never;
  const paperOf = (r: PaperRow | undefined): number | null => (r === undefined ? null : r.paper);
  const pvlabOf = (r: PaperRow | undefined): number | null => (r?.pvlab === undefined || (log && r.pvlab <= 0) ? null : r.pvlab);
  return {
    type: 'bar',
    data: {
      labels: lay.labels,
      datasets: [
        {
          label: 'paper',
          data: lay.rows.map(paperOf),
          backgroundColor: lay.rows.map((r) => (r !== undefined && isOpenPaper(r) ? '#FFFFFF' : PAPER_COLOR)),
          borderColor: PAPER_COLOR,
          borderWidth: lay.rows.map((r) => (r !== undefined && isOpenPaper(r) ? 2 : 0)),
          borderSkipped: false,
          categoryPercentage: 0.84,
          barPercentage: 0.92,
        },
        {
          label: 'pvlab',
          data: lay.rows.map(pvlabOf),
          backgroundColor: lay.rows.map((r) => (r === undefined ? PAPER_COLOR : TECHNIQUE_COLORS[r.technique as ChartTechnique])),
          borderWidth: 0,
          categoryPercentage: 0.84,
          barPercentage: 0.92,
        },
      ],
    },
    options,
    plugins: [whiteBackgroundPlugin, hatchPlugin(lay, circularIndex < 0 ? null : circularIndex), labelsPlugin(lay, log)],
  };
}

export function renderPaperChart(rows: readonly PaperRow[], opts: PaperChartOptions): Buffer {
  return renderChartPng(buildPaperChart(rows, opts) as never, paperSize(rows, opts.unit, opts));
}
