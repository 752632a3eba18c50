/**
 * Assembler directives, one handler each, in a table keyed by name. Handlers parse their
 * arguments and act through DirectiveHost, which the assembler driver implements.
 * (Conditionals are handled by the driver with conditionals.ts, since they must be seen even
 * in skipped regions.)
 */
import { Cursor } from './cursor.js';
import { SourceError } from './diagnostics.js';
import type { Expr } from './expr.js';
import type { Token } from './lexer.js';

export interface DirectiveCall {
  /** Lower-case directive name, with its dot. */
  name: string;
  /** Tokens after the name. */
  args: Cursor;
  /** Raw text after the name (macro headers and `.irp` lists are textual). */
  rest: string;
  /** Column of the directive name. */
  col: number;
}

export interface DirectiveHost {
  parseExpr(cur: Cursor): Expr;
  /** Value of `e` now: an absolute constant known at this point. */
  constant(e: Expr, what: string, col: number): bigint;
  emitData(width: number, e: Expr, col: number): void;
  emitBytes(bytes: ArrayLike<number>): void;
  reserve(n: number, fill: number, col: number): void;
  align(boundary: number, fill: number | undefined, maxSkip: number | undefined): void;
  org(target: Expr, fill: number, col: number): void;
  switchSection(name: string, flags?: string, type?: string): void;
  pushSection(): void;
  popSection(col: number): void;
  previousSection(col: number): void;
  setSymbol(name: string, e: Expr, kind: 'set' | 'equiv', col: number): void;
  setBinding(name: string, global: boolean): void;
  /** Defines `name` as `size` zero bytes at the end of .bss, aligned to `align`. */
  allocateCommon(name: string, size: number, align: number, global: boolean, col: number): void;
  include(path: string, col: number): void;
  beginMacro(header: string, col: number): void;
  beginRepeat(count: number, col: number): void;
  beginIrp(param: string, values: string[], col: number): void;
  exitMacro(col: number): void;
  purgeMacro(name: string, col: number): void;
  end(): void;
}

type Handler = (h: DirectiveHost, d: DirectiveCall) => void;

/** Largest `.align`/`.p2align` power accepted (1 GiB). */
const MAX_ALIGN_POWER = 30;
/** `.fill` sizes above this are truncated by GNU as; we refuse them. */
const MAX_FILL_SIZE = 8;
const BYTE_MASK = 0xff;
/** Sizes and counts: nothing larger fits in a 32-bit address space. */
const MAX_SIZE = 2 ** 32 - 1;
/** `.rept` counts: generous, but a typo cannot make the assembler run for hours. */
const MAX_REPEAT = 1_000_000;

const DATA_WIDTHS: Readonly<Record<string, number>> = {
  '.byte': 1,
  '.half': 2, '.short': 2, '.2byte': 2, '.hword': 2,
  '.word': 4, '.long': 4, '.4byte': 4, '.int': 4,
  '.quad': 8, '.dword': 8, '.8byte': 8,
};

/** Accepted for compatibility with GNU toolchain output; they do not change the image. */
const IGNORED = new Set([
  '.file', '.ident', '.attribute', '.loc', '.hidden', '.protected', '.internal', '.addrsig',
  '.addrsig_sym', '.type', '.size', '.variant_cc',
]);

const OPTIONS = new Set([
  'rvc', 'norvc', 'push', 'pop', 'relax', 'norelax', 'pic', 'nopic', 'csr-check', 'no-csr-check', 'arch',
]);

// ---- argument helpers -----------------------------------------------------------------------

function groups(d: DirectiveCall): Cursor[] {
  return d.args.splitCommas();
}

function exactly(d: DirectiveCall, min: number, max: number, usage: string): Cursor[] {
  const g = groups(d);
  if (g.length < min || g.length > max) throw new SourceError(`usage: ${d.name} ${usage}`, d.col);
  return g;
}

function expr(h: DirectiveHost, g: Cursor): Expr {
  if (g.atEnd()) throw new SourceError('missing expression', g.col());
  const e = h.parseExpr(g);
  g.expectEnd();
  return e;
}

/** An optional constant argument (absent or empty → undefined). */
function optionalConstant(h: DirectiveHost, g: Cursor | undefined, what: string): bigint | undefined {
  if (g === undefined || g.atEnd()) return undefined;
  return h.constant(expr(h, g), what, g.col());
}

function name(g: Cursor, what = 'a symbol name'): string {
  const t = g.next(what);
  if (t.kind !== 'ident') throw new SourceError(`expected ${what}, found '${t.text}'`, t.col);
  g.expectEnd();
  return t.text;
}

function str(g: Cursor): Token & { kind: 'str' } {
  const t = g.next('a string');
  if (t.kind !== 'str') throw new SourceError(`expected a string in double quotes, found '${t.text}'`, t.col);
  g.expectEnd();
  return t;
}

function small(v: bigint, what: string, col: number, max = MAX_SIZE): number {
  if (v < 0n || v > BigInt(max)) throw new SourceError(`${what} ${v} out of range [0, ${max}]`, col);
  return Number(v);
}

// ---- handlers -------------------------------------------------------------------------------

const data: Handler = (h, d) => {
  const width = DATA_WIDTHS[d.name] as number;
  for (const g of groups(d)) {
    const t = g.peek();
    if (width === 1 && t?.kind === 'str' && g.tokens.length === 1) {
      h.emitBytes(t.bytes);
      continue;
    }
    h.emitData(width, expr(h, g), g.col());
  }
};

const strings = (terminate: boolean): Handler => (h, d) => {
  for (const g of groups(d)) {
    const bytes = str(g).bytes;
    h.emitBytes(terminate ? [...bytes, 0] : bytes);
  }
};

const space: Handler = (h, d) => {
  const [n, fill] = exactly(d, 1, 2, 'size[, fill]');
  const size = small(h.constant(expr(h, n as Cursor), d.name, d.col), 'size', d.col);
  h.reserve(size, Number(optionalConstant(h, fill, 'fill') ?? 0n) & BYTE_MASK, d.col);
};

const fill: Handler = (h, d) => {
  const [rep, size, value] = exactly(d, 1, 3, 'repeat[, size[, value]]');
  const n = small(h.constant(expr(h, rep as Cursor), '.fill repeat count', d.col), 'repeat count', d.col, MAX_REPEAT);
  const w = small(optionalConstant(h, size, '.fill size') ?? 1n, '.fill size', d.col, MAX_FILL_SIZE);
  const v = optionalConstant(h, value, '.fill value') ?? 0n;
  const bytes: number[] = [];
  for (let i = 0; i < w; i++) bytes.push(Number((BigInt.asUintN(64, v) >> BigInt(8 * i)) & 0xffn));
  for (let i = 0; i < n; i++) h.emitBytes(bytes);
};

/** `.align`/`.p2align` take a power of two (RISC-V GNU as); `.balign` takes a byte count. */
const align = (bytes: boolean): Handler => (h, d) => {
  const [a, f, max] = exactly(d, 1, 3, 'alignment[, fill[, max-skip]]');
  const v = h.constant(expr(h, a as Cursor), d.name, d.col);
  let boundary: number;
  if (bytes) {
    boundary = small(v, 'alignment', d.col, 2 ** MAX_ALIGN_POWER);
    if (boundary === 0) boundary = 1;
    if ((boundary & (boundary - 1)) !== 0) throw new SourceError(`alignment ${boundary} is not a power of 2`, d.col);
  } else {
    boundary = 2 ** small(v, 'alignment power', d.col, MAX_ALIGN_POWER);
  }
  const fillByte = optionalConstant(h, f, 'fill');
  const maxSkip = optionalConstant(h, max, 'max-skip');
  h.align(boundary, fillByte === undefined ? undefined : Number(fillByte) & BYTE_MASK,
    maxSkip === undefined ? undefined : Number(maxSkip));
};

const section: Handler = (h, d) => {
  const g = groups(d);
  if (g.length < 1 || g.length > 4) throw new SourceError('usage: .section name[, "flags"[, @type]]', d.col);
  const [, flags, type] = g as [Cursor, Cursor?, Cursor?];
  // Names may contain characters no symbol can (.note.GNU-stack), so take the raw text.
  const raw = (d.rest.split(',')[0] ?? '').trim();
  const secName = raw.replace(/^"(.*)"$/, '$1');
  if (!/^[A-Za-z0-9_.$-]+$/.test(secName)) throw new SourceError(`bad section name '${raw}'`, d.args.col());
  const flagText = flags === undefined ? undefined : String.fromCharCode(...str(flags).bytes);
  let typeText: string | undefined;
  if (type !== undefined) {
    // @nobits, %nobits or "@nobits"
    const first = type.next('a section type');
    if (first.kind === 'str') typeText = String.fromCharCode(...first.bytes).replace(/^[@%]/, '');
    else if (first.kind === 'punct' && (first.text === '@' || first.text === '%')) typeText = name(type, 'a section type');
    else throw new SourceError(`expected a section type such as @nobits, found '${first.text}'`, first.col);
  }
  try {
    h.switchSection(secName, flagText, typeText);
  } catch (e) {
    if (e instanceof SourceError && e.col === undefined) throw new SourceError(e.message, d.col);
    throw e;
  }
};

const simpleSection = (secName: string): Handler => (h, d) => {
  if (!d.args.atEnd()) throw new SourceError(`${d.name} takes no operands (subsections are not supported)`, d.args.col());
  h.switchSection(secName);
};

const binding = (global: boolean): Handler => (h, d) => {
  for (const g of groups(d)) h.setBinding(name(g), global);
};

const setSymbol = (kind: 'set' | 'equiv'): Handler => (h, d) => {
  const [n, e] = exactly(d, 2, 2, 'name, expression');
  const col = (n as Cursor).col();
  h.setSymbol(name(n as Cursor), expr(h, e as Cursor), kind, col);
};

const option: Handler = (_h, d) => {
  // Words such as `csr-check` are not single tokens, so read the raw text.
  const word = d.rest.trim().split(/[\s,]+/)[0] ?? '';
  if (!OPTIONS.has(word)) {
    throw new SourceError(`unknown .option '${word}' (known: ${[...OPTIONS].join(', ')})`, d.args.col());
  }
};

/** Without an explicit alignment GNU as aligns a common to its size's power of two, up to 8. */
const MAX_NATURAL_ALIGN = 8;
function naturalAlignment(size: number): number {
  let a = 1;
  while (a * 2 <= size && a < MAX_NATURAL_ALIGN) a *= 2;
  return a;
}

/** `.comm sym, size[, align]` / `.lcomm`: with no linker to merge commons, allocate in .bss. */
const common = (global: boolean): Handler => (h, d) => {
  const [n, size, alignment] = exactly(d, 2, 3, 'name, size[, alignment]');
  const col = (n as Cursor).col();
  const sym = name(n as Cursor);
  const bytes = small(h.constant(expr(h, size as Cursor), d.name, d.col), 'size', d.col);
  const boundary = small(optionalConstant(h, alignment, 'alignment') ?? BigInt(naturalAlignment(bytes)), 'alignment', d.col, 2 ** MAX_ALIGN_POWER);
  if (boundary !== 0 && (boundary & (boundary - 1)) !== 0) throw new SourceError(`alignment ${boundary} is not a power of 2`, d.col);
  h.allocateCommon(sym, bytes, Math.max(boundary, 1), global, col);
};

export const DIRECTIVES: ReadonlyMap<string, Handler> = new Map<string, Handler>([
  ...Object.keys(DATA_WIDTHS).map((n): [string, Handler] => [n, data]),
  ['.ascii', strings(false)],
  ['.asciz', strings(true)],
  ['.string', strings(true)],
  ['.space', space],
  ['.skip', space],
  ['.zero', (h, d) => {
    const [n] = exactly(d, 1, 1, 'size');
    h.reserve(small(h.constant(expr(h, n as Cursor), '.zero', d.col), 'size', d.col), 0, d.col);
  }],
  ['.fill', fill],
  ['.align', align(false)],
  ['.p2align', align(false)],
  ['.balign', align(true)],
  ['.org', (h, d) => {
    const [t, f] = exactly(d, 1, 2, 'location[, fill]');
    h.org(expr(h, t as Cursor), Number(optionalConstant(h, f, 'fill') ?? 0n) & BYTE_MASK, d.col);
  }],

  ['.text', simpleSection('.text')],
  ['.data', simpleSection('.data')],
  ['.rodata', simpleSection('.rodata')],
  ['.bss', simpleSection('.bss')],
  ['.section', section],
  ['.pushsection', (h, d) => {
    h.pushSection();
    section(h, d);
  }],
  ['.popsection', (h, d) => h.popSection(d.col)],
  ['.previous', (h, d) => h.previousSection(d.col)],

  ['.globl', binding(true)],
  ['.global', binding(true)],
  ['.weak', binding(true)], // no linker, so weak is as good as global
  ['.local', binding(false)],
  ['.equ', setSymbol('set')],
  ['.set', setSymbol('set')],
  ['.equiv', setSymbol('equiv')],
  ['.comm', common(true)],
  ['.lcomm', common(false)],

  ['.include', (h, d) => {
    const [g] = exactly(d, 1, 1, '"file"');
    h.include(new TextDecoder().decode(new Uint8Array(str(g as Cursor).bytes)), d.col);
  }],
  ['.macro', (h, d) => h.beginMacro(d.rest, d.col)],
  ['.endm', (_h, d) => {
    throw new SourceError('.endm without .macro', d.col);
  }],
  ['.exitm', (h, d) => h.exitMacro(d.col)],
  ['.purgem', (h, d) => {
    const [g] = exactly(d, 1, 1, 'name');
    h.purgeMacro(name(g as Cursor, 'a macro name'), d.col);
  }],
  ['.rept', (h, d) => {
    const [g] = exactly(d, 1, 1, 'count');
    h.beginRepeat(small(h.constant(expr(h, g as Cursor), '.rept', d.col), 'repeat count', d.col, MAX_REPEAT), d.col);
  }],
  ['.irp', (h, d) => {
    const g = groups(d);
    const [p, ...values] = g;
    if (p === undefined) throw new SourceError('usage: .irp name, value...', d.col);
    const texts = values.map((v) => v.tokens.map((t) => (t.spaceBefore ? ` ${t.text}` : t.text)).join('').trim());
    h.beginIrp(name(p, 'a parameter name'), texts, d.col);
  }],
  ['.irpc', (h, d) => {
    const [p, chars] = exactly(d, 1, 2, 'name, characters');
    const text = chars === undefined ? '' : chars.tokens.map((t) => t.text).join('');
    h.beginIrp(name(p as Cursor, 'a parameter name'), [...text], d.col);
  }],
  ['.endr', (_h, d) => {
    throw new SourceError('.endr without .rept/.irp', d.col);
  }],

  ['.option', option],
  ['.end', (h) => h.end()],
  ['.err', (_h, d) => {
    throw new SourceError('.err encountered', d.col);
  }],
  ['.error', (_h, d) => {
    const [g] = exactly(d, 0, 1, '"message"');
    const msg = g === undefined ? '.error directive invoked in source file' : new TextDecoder().decode(new Uint8Array(str(g).bytes));
    throw new SourceError(msg, d.col);
  }],
  ...[...IGNORED].map((n): [string, Handler] => [n, () => undefined]),
]);

/** Directive families accepted and ignored wholesale (call-frame information from compilers). */
export function isIgnoredDirective(name: string): boolean {
  return name.startsWith('.cfi_');
}
