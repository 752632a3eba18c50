/**
 * The colours of every chart pvlab draws. One colour per technique, used by every chart in which
 * techniques appear, so "paravirt" is the same blue on the slowdown bars, the sensitivity lines
 * and the mixed-run throughput bars. Palette: Okabe & Ito (2008), "Color Universal Design", which
 * stays distinguishable under the common colour-vision deficiencies, topped up for the longer
 * lists (exit kinds) with Paul Tol's colour-blind-safe "muted" scheme.
 */
import { CYCLE_CATEGORIES, EXIT_KINDS, type CycleCategory, type ExitKind } from '../hypervisor/accounting.js';
import type { Technique } from '../hypervisor/techniques.js';

/** Okabe–Ito, by name. */
export const OKABE_ITO = {
  black: '#000000',
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  bluishGreen: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  reddishPurple: '#CC79A7',
  grey: '#999999',
} as const;

/** Paul Tol "muted", the members used here. */
export const TOL_MUTED = {
  indigo: '#332288',
  cyan: '#88CCEE',
  sand: '#DDCC77',
  rose: '#CC6677',
  wine: '#882255',
  olive: '#999933',
} as const;

/** A hardware-assist technique running the pvio build (the unmodified kernel with paravirtual
 *  drivers: hardware assist + PV I/O), drawn as a technique of its own beside the same technique
 *  running the unmodified build. */
export const PVIO_CHART_TECHNIQUES = ['hw-assist+pvio', 'hw-assist-shadow+pvio'] as const;
/** A shadow-paging technique following the guest's tables by its fences (RISC-V's way) rather
 *  than by tracing their writes (the x86 VMMs' way, unmarked): its own series when a suite
 *  compares the two. */
export const FENCE_CHART_TECHNIQUES = ['trap-emulate+fence', 'hw-assist-shadow+fence'] as const;
/** Every technique a chart may show. */
export type ChartTechnique = Technique | (typeof PVIO_CHART_TECHNIQUES)[number] | (typeof FENCE_CHART_TECHNIQUES)[number];
/** The order techniques are drawn in (legend order, bar order within a group). */
export const TECHNIQUE_ORDER: readonly ChartTechnique[] = [
  'native', 'trap-emulate', 'trap-emulate+fence', 'paravirt', 'hw-assist', 'hw-assist-shadow', 'hw-assist-shadow+fence', ...PVIO_CHART_TECHNIQUES,
];

/** What a chart calls a technique running a build: the technique, for the pvio build its
 *  "+pvio" variant (so hw-assist with and without PV I/O are two bars, not one), and for shadow
 *  paging by fences its "+fence" variant. */
export function chartTechnique(technique: string, build?: string, shadowPaging?: string | null): string {
  if (build === 'pvio') return `${technique}+pvio`;
  return shadowPaging === 'fence' ? `${technique}+fence` : technique;
}

export const NATIVE_COLOR = OKABE_ITO.grey;
export const TRAP_EMULATE_COLOR = OKABE_ITO.vermillion;
export const PARAVIRT_COLOR = OKABE_ITO.blue;
export const HW_ASSIST_COLOR = OKABE_ITO.bluishGreen;
/** Shadow paging under hardware assist: kin to hw-assist, in an olive that sets it apart. */
export const HW_ASSIST_SHADOW_COLOR = TOL_MUTED.olive;
/** Hardware assist + PV I/O: between hw-assist's green and paravirt's blue. */
export const HW_ASSIST_PVIO_COLOR = OKABE_ITO.skyBlue;
export const HW_ASSIST_SHADOW_PVIO_COLOR = TOL_MUTED.cyan;
/** Shadow paging by fences: kin to the tracing technique's colour (tomato by vermillion, olive
 *  drab by olive), far from every category colour. */
export const TRAP_EMULATE_FENCE_COLOR = '#FF6347';
export const HW_ASSIST_SHADOW_FENCE_COLOR = '#6B8E23';

/** A published figure (the paper chart's paper bars): a dark grey, apart from native's mid grey
 *  and every technique colour. */
export const PAPER_COLOR = '#4D4D4D';

export const TECHNIQUE_COLORS: Readonly<Record<ChartTechnique, string>> = {
  'native': NATIVE_COLOR,
  'trap-emulate': TRAP_EMULATE_COLOR,
  'paravirt': PARAVIRT_COLOR,
  'hw-assist': HW_ASSIST_COLOR,
  'hw-assist-shadow': HW_ASSIST_SHADOW_COLOR,
  'hw-assist+pvio': HW_ASSIST_PVIO_COLOR,
  'hw-assist-shadow+pvio': HW_ASSIST_SHADOW_PVIO_COLOR,
  'trap-emulate+fence': TRAP_EMULATE_FENCE_COLOR,
  'hw-assist-shadow+fence': HW_ASSIST_SHADOW_FENCE_COLOR,
};

/** Human names for the legend. */
export const TECHNIQUE_LABELS: Readonly<Record<ChartTechnique, string>> = {
  'native': 'native',
  'trap-emulate': 'trap-and-emulate',
  'paravirt': 'paravirtualized',
  'hw-assist': 'hardware-assisted (nested paging)',
  'hw-assist-shadow': 'hardware-assisted (shadow paging)',
  'hw-assist+pvio': 'hardware-assisted + PV I/O (nested paging)',
  'hw-assist-shadow+pvio': 'hardware-assisted + PV I/O (shadow paging)',
  'trap-emulate+fence': 'trap-and-emulate (shadow paging by fence)',
  'hw-assist-shadow+fence': 'hardware-assisted (shadow paging by fence)',
};

/** Abbreviations for crowded axis labels. */
export const TECHNIQUE_SHORT: Readonly<Record<ChartTechnique, string>> = {
  'native': 'N',
  'trap-emulate': 'TE',
  'paravirt': 'PV',
  'hw-assist': 'HW',
  'hw-assist-shadow': 'HWs',
  'hw-assist+pvio': 'HW+PV',
  'hw-assist-shadow+pvio': 'HWs+PV',
  'trap-emulate+fence': 'TEf',
  'hw-assist-shadow+fence': 'HWsf',
};

export function isChartTechnique(name: string): name is ChartTechnique {
  return (TECHNIQUE_ORDER as readonly string[]).includes(name);
}

/** The colour of a technique; throws on a name that is not one (so a typo cannot silently draw a
 *  wrong colour). */
export function techniqueColor(name: string): string {
  if (!isChartTechnique(name)) {
    throw new Error(`no colour for technique "${name}": known techniques are ${TECHNIQUE_ORDER.join(', ')}`);
  }
  return TECHNIQUE_COLORS[name];
}

/**
 * Categories and exit kinds take their colours from a palette of their own, kept apart from the
 * technique colours (every one at least ΔE 24 in CIELAB from every technique colour, checked by
 * test/report/readability.test.ts), so a colour never means a technique on one chart and a cost
 * category on the next. Drawn from IBM's colour-blind-safe design palette, Paul Tol's schemes
 * and ColorBrewer's BrBG/PRGn; guest work in greens, virtualization overhead in magenta, gold
 * and violets, devices brown, hypercalls black, idle pale grey.
 */
export const CATEGORY_PALETTE = {
  paleGreen: '#CCDDAA',
  darkTeal: '#225555',
  magenta: '#DC267F',
  gold: '#FFB000',
  violet: '#785EF0',
  indigo: '#332288',
  brown: '#8C510A',
  salmon: '#F4A582',
  black: '#000000',
  paleGrey: '#DDDDDD',
  rose: '#EE6677',
  purple: '#AA3377',
  paleYellow: '#EEEEBB',
  lightGreen: '#A6DBA0',
  darkOlive: '#666633',
  pear: '#BBCC33',
} as const;

/** One colour per cycle category (src/hypervisor/accounting.ts CYCLE_CATEGORIES). */
export const CYCLE_CATEGORY_COLORS: Readonly<Record<CycleCategory, string>> = {
  guestUser: CATEGORY_PALETTE.paleGreen,
  guestKernel: CATEGORY_PALETTE.darkTeal,
  worldSwitch: CATEGORY_PALETTE.magenta,
  emulation: CATEGORY_PALETTE.gold,
  shadowPaging: CATEGORY_PALETTE.violet,
  nestedPaging: CATEGORY_PALETTE.indigo,
  devices: CATEGORY_PALETTE.brown,
  sbi: CATEGORY_PALETTE.salmon,
  hypercalls: CATEGORY_PALETTE.black,
  idle: CATEGORY_PALETTE.paleGrey,
};

export const CYCLE_CATEGORY_LABELS: Readonly<Record<CycleCategory, string>> = {
  guestUser: 'guest user',
  guestKernel: 'guest kernel',
  worldSwitch: 'world switch',
  emulation: 'emulation',
  shadowPaging: 'shadow paging',
  nestedPaging: 'G-stage paging',
  devices: 'devices',
  sbi: 'SBI',
  hypercalls: 'hypercalls',
  idle: 'idle',
};

/** One colour per exit kind (src/hypervisor/accounting.ts EXIT_KINDS), from the category
 *  palette; where an exit kind has a cost category its colour matches it (hypercall black,
 *  shadow fill violet, G-stage fill indigo, MMIO brown as devices, SBI salmon). */
export const EXIT_KIND_COLORS: Readonly<Record<ExitKind, string>> = {
  'csr': CATEGORY_PALETTE.gold,
  'sret': CATEGORY_PALETTE.rose,
  'sfence': CATEGORY_PALETTE.purple,
  'wfi': CATEGORY_PALETTE.paleYellow,
  'sbi': CATEGORY_PALETTE.salmon,
  'hypercall': CATEGORY_PALETTE.black,
  'shadow-fill': CATEGORY_PALETTE.violet,
  'gstage-fill': CATEGORY_PALETTE.indigo,
  'pte-write': CATEGORY_PALETTE.pear,
  'mmio': CATEGORY_PALETTE.brown,
  'reflect-syscall': CATEGORY_PALETTE.darkTeal,
  'reflect-page-fault': CATEGORY_PALETTE.lightGreen,
  'reflect-exception': CATEGORY_PALETTE.darkOlive,
  'interrupt': CATEGORY_PALETTE.magenta,
};

export const EXIT_KIND_LABELS: Readonly<Record<ExitKind, string>> = {
  'csr': 'CSR access',
  'sret': 'sret',
  'sfence': 'sfence.vma',
  'wfi': 'wfi',
  'sbi': 'SBI call',
  'hypercall': 'hypercall',
  'shadow-fill': 'shadow fill',
  'gstage-fill': 'G-stage fill',
  'pte-write': 'traced PTE write',
  'mmio': 'MMIO',
  'reflect-syscall': 'reflected syscall',
  'reflect-page-fault': 'reflected page fault',
  'reflect-exception': 'reflected exception',
  'interrupt': 'virtual interrupt',
};

export { CYCLE_CATEGORIES, EXIT_KINDS };
export type { CycleCategory, ExitKind };

/** Colours for series that are not techniques (e.g. the operations of a batching chart when the
 *  caller asks for colour by series): Okabe–Ito, in an order that keeps neighbours apart. */
export const SERIES_COLORS: readonly string[] = [
  OKABE_ITO.blue, OKABE_ITO.vermillion, OKABE_ITO.bluishGreen, OKABE_ITO.reddishPurple,
  OKABE_ITO.orange, OKABE_ITO.skyBlue, OKABE_ITO.black, TOL_MUTED.olive,
];

/** Marker shapes distinguishing series that share a colour (workloads on a line chart coloured
 *  by technique). */
export const POINT_STYLES = ['circle', 'rect', 'triangle', 'rectRot', 'star', 'crossRot', 'cross', 'rectRounded'] as const;
/** Dash patterns, cycled alongside the point styles. */
export const DASH_PATTERNS: readonly (readonly number[])[] = [[], [8, 4], [2, 3], [12, 4, 2, 4]];
