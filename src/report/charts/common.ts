/**
 * What every chart shares: input checks that name what is wrong, the log-or-linear choice, the
 * white background, number formatting and the base chart.js options that make output
 * deterministic (no animation, fixed size, device pixel ratio 1).
 */
import type { Chart, ChartOptions, Plugin, ChartType, Scale } from 'chart.js';
import { TECHNIQUE_ORDER, isChartTechnique, type ChartTechnique } from '../colors.js';

export const DEFAULT_WIDTH = 1000;
export const DEFAULT_HEIGHT = 600;
/** Everything is drawn in one font so output does not depend on fontconfig's fallback choice. */
export const FONT_FAMILY = "'DejaVu Sans', sans-serif";

/** Bad chart input: the message names the chart, the row and the field. */
export class ChartDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChartDataError';
  }
}

/** 'auto' picks a logarithmic axis when the positive values span more than LOG_RANGE_THRESHOLD. */
export type ScaleChoice = 'auto' | 'linear' | 'log';
export const LOG_RANGE_THRESHOLD = 100;

export interface CommonChartOptions {
  /** Overrides the chart's default title. */
  title?: string;
  /** A second title line (e.g. the cost preset and suite). */
  subtitle?: string;
  width?: number;
  height?: number;
}

export function sizeOf(opts: CommonChartOptions | undefined): { width: number; height: number } {
  const width = opts?.width ?? DEFAULT_WIDTH;
  const height = opts?.height ?? DEFAULT_HEIGHT;
  for (const [k, v] of [['width', width], ['height', height]] as const) {
    if (!Number.isInteger(v) || v < 100 || v > 10_000) {
      throw new ChartDataError(`chart ${k} ${v} is not an integer number of pixels in 100..10000`);
    }
  }
  return { width, height };
}

export function requireRows<T>(chart: string, rows: readonly T[] | undefined): void {
  if (!Array.isArray(rows) || rows.length === 0) {
    throw new ChartDataError(`${chart}: no data (expected at least one row)`);
  }
}

export function requireName(chart: string, where: string, field: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ChartDataError(`${chart}: ${where}: ${field} must be a non-empty string, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** A finite number, of any sign. */
export function requireFinite(chart: string, where: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ChartDataError(`${chart}: ${where}: ${field} is ${describe(value)}; it must be a finite number`);
  }
  return value;
}

/** A finite number ≥ 0 (or > 0 with `positive`). */
export function requireValue(chart: string, where: string, field: string, value: unknown, positive = false): number {
  const v = requireFinite(chart, where, field, value);
  if (positive ? v <= 0 : v < 0) {
    throw new ChartDataError(`${chart}: ${where}: ${field} is ${v}; it must be ${positive ? 'greater than 0' : '0 or more'}`);
  }
  return v;
}

function describe(v: unknown): string {
  if (typeof v === 'number') return String(v); // NaN, Infinity
  if (v === undefined) return 'missing';
  return `${JSON.stringify(v)} (${v === null ? 'null' : typeof v})`;
}

export function requireTechnique(chart: string, where: string, value: unknown): ChartTechnique {
  const name = requireName(chart, where, 'technique', value);
  if (!isChartTechnique(name)) {
    throw new ChartDataError(`${chart}: ${where}: unknown technique "${name}" (known: ${TECHNIQUE_ORDER.join(', ')})`);
  }
  return name;
}

/** Techniques present, in the canonical order. */
export function orderTechniques(present: Iterable<ChartTechnique>): ChartTechnique[] {
  const set = new Set(present);
  return TECHNIQUE_ORDER.filter((t) => set.has(t));
}

/** Distinct values in order of first appearance. */
export function distinct<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}

/**
 * Log or linear. `values` are what the axis must show (for stacked bars: the stack totals).
 * An explicit 'log' with a value ≤ 0 is an error naming it; 'auto' falls back to linear when any
 * value is ≤ 0 (a log axis cannot show it).
 */
export function chooseLogScale(chart: string, axis: string, values: readonly { value: number; where: string }[], choice: ScaleChoice = 'auto'): boolean {
  if (choice !== 'auto' && choice !== 'linear' && choice !== 'log') {
    throw new ChartDataError(`${chart}: ${axis} scale must be 'auto', 'linear' or 'log', got ${JSON.stringify(choice)}`);
  }
  if (choice === 'linear') return false;
  const bad = values.find((v) => !(v.value > 0));
  if (choice === 'log') {
    if (bad) {
      throw new ChartDataError(`${chart}: ${bad.where} is ${bad.value}, but the ${axis} axis is logarithmic and can only show values greater than 0`);
    }
    return true;
  }
  if (bad || values.length === 0) return false;
  const nums = values.map((v) => v.value);
  return Math.max(...nums) / Math.min(...nums) > LOG_RANGE_THRESHOLD;
}

/** Compact, locale-independent number text: 1.5, 250, 12k, 3.2M. */
export function formatNumber(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e9) return `${trim(n / 1e9)}G`;
  if (a >= 1e6) return `${trim(n / 1e6)}M`;
  if (a >= 1e4) return `${trim(n / 1e3)}k`;
  if (a === 0) return '0';
  if (a >= 1) return trim(n);
  return String(Number(n.toPrecision(2)));
}

function trim(n: number): string {
  return String(Number(n.toPrecision(3)));
}

/** Tick labels for a log axis: only 1, 2 and 5 × 10^k, so labels never crowd. */
export function logTick(value: number | string): string {
  const v = Number(value);
  if (!(v > 0)) return '';
  const mantissa = Math.round(v / 10 ** Math.floor(Math.log10(v) + 1e-9));
  const exact = Math.abs(v - mantissa * 10 ** Math.floor(Math.log10(v) + 1e-9)) < 1e-9 * v;
  return exact && (mantissa === 1 || mantissa === 2 || mantissa === 5) ? formatNumber(v) : '';
}

function logGridColor(ctx: { tick?: { label?: unknown } }): string {
  const label = ctx.tick?.label;
  return typeof label === 'string' && label !== '' ? '#DDDDDD' : '#F3F3F3';
}

export function linearTick(value: number | string): string {
  return formatNumber(Number(value));
}

/** Fills the canvas white before anything is drawn: chart.js leaves it transparent. Plain
 *  painting (source-over), as nothing is drawn yet: cairo's SVG surface cannot express
 *  'destination-over', and would embed the whole chart as one raster image instead of vectors. */
export const WHITE_BACKGROUND_PLUGIN_ID = 'pvlabWhiteBackground';
export const whiteBackgroundPlugin: Plugin = {
  id: WHITE_BACKGROUND_PLUGIN_ID,
  beforeDraw(chart) {
    const ctx = chart.ctx;
    ctx.save();
    ctx.fillStyle = '#FFFFFF';
    ctx.fillRect(0, 0, chart.width, chart.height);
    ctx.restore();
  },
};

/** A dashed horizontal line at `value` on the y axis (slowdown's native = 1.0), drawn over the
 *  bars. Its meaning goes in the subtitle: a label on the line would collide with bars. */
export const REFERENCE_LINE_PLUGIN_ID = 'pvlabReferenceLine';
export function referenceLinePlugin(value: number): Plugin & { value: number } {
  return {
    id: REFERENCE_LINE_PLUGIN_ID,
    value,
    afterDatasetsDraw(chart) {
      const y = chart.scales['y'] as Scale | undefined;
      if (!y) return;
      const py = y.getPixelForValue(value);
      if (py < chart.chartArea.top || py > chart.chartArea.bottom) return;
      const ctx = chart.ctx;
      ctx.save();
      ctx.strokeStyle = '#333333';
      ctx.lineWidth = 1.5;
      ctx.setLineDash([6, 4]);
      ctx.beginPath();
      ctx.moveTo(chart.chartArea.left, py);
      ctx.lineTo(chart.chartArea.right, py);
      ctx.stroke();
      ctx.restore();
    },
  };
}

/** A plugin that writes over the drawn datasets (labels, whiskers): the canvas state is saved,
 *  set to `font` and dark text, handed to `draw`, and restored. */
export function overlayPlugin(id: string, font: string, draw: (ctx: Chart['ctx'], chart: Chart) => void): Plugin {
  return {
    id,
    afterDatasetsDraw(chart) {
      const ctx = chart.ctx;
      ctx.save();
      ctx.font = `${font} ${FONT_FAMILY}`;
      ctx.fillStyle = '#222222';
      ctx.strokeStyle = '#222222';
      draw(ctx, chart);
      ctx.restore();
    },
  };
}

/** Options shared by every chart. */
export function baseOptions<T extends ChartType>(title: string, subtitle: string | undefined): ChartOptions<T> {
  return {
    responsive: false,
    maintainAspectRatio: false,
    animation: false,
    devicePixelRatio: 1,
    font: { family: FONT_FAMILY, size: 13 },
    color: '#222222',
    layout: { padding: { left: 8, right: 16, top: 8, bottom: 8 } },
    plugins: {
      title: { display: true, text: title, font: { family: FONT_FAMILY, size: 18, weight: 'bold' }, color: '#111111', padding: { top: 4, bottom: subtitle ? 2 : 10 } },
      subtitle: { display: subtitle !== undefined, text: subtitle ?? '', font: { family: FONT_FAMILY, size: 13 }, color: '#444444', padding: { bottom: 10 } },
      legend: { display: true, position: 'top', labels: { font: { family: FONT_FAMILY, size: 13 }, boxWidth: 18, color: '#222222' } },
      tooltip: { enabled: false },
    },
  } as ChartOptions<T>;
}

/** A scale: title with units, log or linear, readable ticks. */
export function valueScale(title: string, log: boolean, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: log ? 'logarithmic' : 'linear',
    ...(log ? {} : { beginAtZero: true }),
    title: { display: true, text: log ? `${title} — log scale` : title, font: { family: FONT_FAMILY, size: 14 }, color: '#222222' },
    ticks: { callback: log ? logTick : linearTick, font: { family: FONT_FAMILY, size: 12 }, color: '#333333', autoSkip: !log },
    // On a log axis only 1-2-5 ticks are labelled; the other gridlines are fainter.
    grid: { color: log ? logGridColor : '#E5E5E5' },
    ...extra,
  };
}

export function categoryScale(title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'category',
    title: { display: true, text: title, font: { family: FONT_FAMILY, size: 14 }, color: '#222222' },
    ticks: { font: { family: FONT_FAMILY, size: 12 }, color: '#222222', autoSkip: false, maxRotation: 45, minRotation: 0 },
    grid: { display: false },
    ...extra,
  };
}

/** Bars never get wider than this (a chart with one bar would otherwise fill the plot). */
export const MAX_BAR_THICKNESS = 90;
