/**
 * Rendering a chart configuration to PNG or SVG bytes, and writing them atomically. One
 * ChartJSNodeCanvas per size and format, made on first use. SVG (cairo's, text as outlines) is
 * for papers and slides: it scales without blur and looks the same everywhere.
 */
import type { ChartConfiguration } from 'chart.js';
import { ChartJSNodeCanvas } from 'chartjs-node-canvas';
import { writeFileAtomic } from '../../fs/write-atomic.js';
import { ChartDataError, sizeOf, type CommonChartOptions } from './common.js';

const canvases = new Map<string, ChartJSNodeCanvas>();

type Format = 'png' | 'svg';

function canvasFor(width: number, height: number, format: Format): ChartJSNodeCanvas {
  const key = `${width}x${height}:${format}`;
  let c = canvases.get(key);
  if (!c) {
    c = new ChartJSNodeCanvas(format === 'svg' ? { width, height, type: 'svg' } : { width, height });
    canvases.set(key, c);
  }
  return c;
}

function render(config: ChartConfiguration, opts: Pick<CommonChartOptions, 'width' | 'height'> | undefined, format: Format): Buffer {
  const { width, height } = sizeOf(opts);
  // chart.js mutates the configuration it is given (it fills in defaults); render a copy so
  // a configuration can be rendered twice and still be inspected.
  const copy = { ...config, data: structuredCloneData(config.data), options: config.options } as ChartConfiguration;
  return canvasFor(width, height, format).renderToBufferSync(copy, format === 'svg' ? 'image/svg+xml' : 'image/png');
}

/** Renders a configuration built by one of the build*Chart functions to PNG bytes. */
export function renderChartPng(config: ChartConfiguration, opts?: Pick<CommonChartOptions, 'width' | 'height'>): Buffer {
  return render(config, opts, 'png');
}

/** The same chart as an SVG document (same size in CSS pixels). */
export function renderChartSvg(config: ChartConfiguration, opts?: Pick<CommonChartOptions, 'width' | 'height'>): Buffer {
  return render(config, opts, 'svg');
}

function structuredCloneData(data: ChartConfiguration['data']): ChartConfiguration['data'] {
  return {
    ...data,
    labels: data.labels ? [...data.labels] : data.labels,
    datasets: data.datasets.map((d) => ({ ...d, data: [...(d.data as unknown[])] })) as ChartConfiguration['data']['datasets'],
  };
}

/** Writes PNG bytes to `path` atomically: a temporary file in the same directory, then a rename,
 *  so a reader (or an interrupted run) never sees a half-written chart. */
export function writeChartPng(path: string, png: Buffer): void {
  if (!isPng(png)) throw new ChartDataError(`writeChartPng: the buffer for ${path} is not a PNG`);
  writeFileAtomic(path, png);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function isPng(buf: Buffer): boolean {
  return Buffer.isBuffer(buf) && buf.length >= 24 && buf.subarray(0, 8).equals(PNG_SIGNATURE) && buf.toString('latin1', 12, 16) === 'IHDR';
}

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(buf: Buffer): { width: number; height: number } {
  if (!isPng(buf)) throw new Error('not a PNG (bad signature or no IHDR chunk)');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}
