/**
 * pvlab's charts: each takes plain rows (no dependency on how results are produced) and has a
 * build*Chart (the chart.js configuration, for inspection) and a render*Chart (PNG bytes).
 * docs/charts.md describes every chart.
 */
export {
  ChartDataError, DEFAULT_HEIGHT, DEFAULT_WIDTH, LOG_RANGE_THRESHOLD, WHITE_BACKGROUND_PLUGIN_ID, chooseLogScale, formatNumber,
  type CommonChartOptions, type ScaleChoice,
} from './common.js';
export { isPng, pngSize, renderChartPng, renderChartSvg, writeChartPng } from './render.js';
export { buildSlowdownChart, renderSlowdownChart, type SlowdownRow, type SlowdownChartOptions } from './slowdown.js';
export { buildExitsChart, renderExitsChart, type ExitsRow, type ExitsChartOptions } from './exits.js';
export { buildBreakdownChart, renderBreakdownChart, type BreakdownRow, type BreakdownChartOptions } from './breakdown.js';
export { buildSensitivityChart, renderSensitivityChart, type SensitivityRow, type SensitivityChartOptions } from './sensitivity.js';
export { buildBatchingChart, renderBatchingChart, type BatchingRow, type BatchingChartOptions } from './batching.js';
export { buildThroughputChart, renderThroughputChart, type ThroughputRow, type ThroughputChartOptions } from './throughput.js';
export { PER_MISS_LABEL_PLUGIN_ID, buildWalksChart, readsPerMiss, renderWalksChart, type WalksRow, type WalksChartOptions } from './walks.js';
export {
  HOST_TIME_AXIS_TITLE, HOST_TIME_KINDS, HOST_TIME_KIND_COLORS, HOST_TIME_KIND_LABELS, buildHostTimeChart, renderHostTimeChart,
  SPREAD_PLUGIN_ID, spreadLabel, type HostTimeKind, type HostTimeRow, type HostTimeChartOptions,
} from './host-time.js';
export {
  NO_CELL_LABEL, PAPER_HATCH_PLUGIN_ID, PAPER_LABELS_PLUGIN_ID, PAPER_TITLE, PAPER_UNITS, PAPER_VERIFICATIONS, buildPaperChart, isOpenPaper, paperValueLabel,
  paperRatioLabel, paperSize, paperUnits, renderPaperChart, type PaperChartOptions, type PaperRow, type PaperUnit, type PaperVerification,
} from './paper.js';
export { TOTALS_LABEL_PLUGIN_ID, buildTotalsChart, renderTotalsChart, totalsSize, type TotalsRow, type TotalsChartOptions } from './totals.js';
export { rowsChartHeight, sharesOf, stackedSize } from './stacked.js';
