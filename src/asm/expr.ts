/**
 * Expressions: the syntax tree and its parser.
 *
 * Operators and their precedence are C's. GNU as groups some operator mixes differently —
 * it binds `|`, `&`, `^` and the shifts tighter than `+`/`-`, and puts all comparisons on one
 * level — so `1 | 2 + 3` is 5 in C but 6 in GNU as. Rather than silently pick one meaning,
 * the parser rejects an unparenthesized mix whose grouping differs between the two, so every
 * expression pvlab accepts means the same thing to GNU as. Like GNU as, comparisons yield -1
 * for true and 0 for false; `!`, `&&` and `||` yield 1 or 0. (One deliberate difference:
 * `>>` shifts arithmetically, as C compilers do, where GNU as shifts the 64-bit value as
 * unsigned; the low 32 bits agree for every shift of up to 32.)
 */
import type { Cursor } from './cursor.js';
import { SourceError } from './diagnostics.js';
import type { Token } from './lexer.js';

/** A value: absolute (`sec === null`) or an offset into a section whose address comes later. */
export interface Value {
  sec: string | null;
  off: bigint;
}

export type UnaryOp = '-' | '+' | '~' | '!';
export type BinaryOp =
  | '||' | '&&' | '|' | '^' | '&' | '==' | '!=' | '<' | '<=' | '>' | '>='
  | '<<' | '>>' | '+' | '-' | '*' | '/' | '%';
/** RISC-V relocation operators, resolved here because a program is one assembly unit. */
export type RelocOp = 'hi' | 'lo' | 'pcrel_hi' | 'pcrel_lo';

export type Expr =
  | { kind: 'num'; value: bigint; col: number }
  /** `display` is how the user wrote it (e.g. `1f` for a numeric local label). */
  | { kind: 'sym'; name: string; display: string; col: number }
  /** `.`, the location counter. */
  | { kind: 'dot'; col: number }
  /** A value fixed in advance (a symbol or `.` captured when the statement was read). */
  | { kind: 'value'; value: Value; col: number }
  | { kind: 'unary'; op: UnaryOp; arg: Expr; col: number }
  /** `col` is where the expression starts, `opCol` where its operator is. */
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; col: number; opCol: number; grouped: boolean }
  | { kind: 'reloc'; op: RelocOp; arg: Expr; col: number };

export const num = (value: bigint | number, col = 0): Expr => ({ kind: 'num', value: BigInt(value), col });
export const valueExpr = (value: Value, col = 0): Expr => ({ kind: 'value', value, col });
export const reloc = (op: RelocOp, arg: Expr): Expr => ({ kind: 'reloc', op, arg, col: arg.col });

/** C precedence, higher binds tighter. */
const C_PRECEDENCE: Readonly<Record<BinaryOp, number>> = {
  '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6,
  '<': 7, '<=': 7, '>': 7, '>=': 7, '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10,
};

/** GNU as's operator ranks (gas/expr.c op_rank), higher binds tighter. */
const GAS_RANK: Readonly<Record<BinaryOp, number>> = {
  '||': 2, '&&': 3, '==': 4, '!=': 4, '<': 4, '<=': 4, '>': 4, '>=': 4,
  '+': 7, '-': 7, '|': 8, '^': 8, '&': 8, '*': 9, '/': 9, '%': 9, '<<': 9, '>>': 9,
};

const BINARY_ALIASES: Readonly<Record<string, BinaryOp>> = { '<>': '!=' };

const RELOC_OPS: ReadonlySet<string> = new Set<RelocOp>(['hi', 'lo', 'pcrel_hi', 'pcrel_lo']);

export interface ExprParseContext {
  /** Symbol name and display text for a numeric local label reference (`1f`, `2b`). */
  localLabel(label: number, dir: 'f' | 'b', col: number): { name: string; display: string };
}

function binaryOp(t: Token | undefined): BinaryOp | undefined {
  if (t === undefined || t.kind !== 'punct') return undefined;
  const op = BINARY_ALIASES[t.text] ?? t.text;
  return op in C_PRECEDENCE ? (op as BinaryOp) : undefined;
}

export function parseExpr(cur: Cursor, ctx: ExprParseContext): Expr {
  return parseBinary(cur, ctx, 1);
}

function parseBinary(cur: Cursor, ctx: ExprParseContext, minPrec: number): Expr {
  let left = parseUnary(cur, ctx);
  for (;;) {
    const t = cur.peek();
    const op = binaryOp(t);
    if (op === undefined || C_PRECEDENCE[op] < minPrec) return left;
    cur.next();
    const right = parseBinary(cur, ctx, C_PRECEDENCE[op] + 1);
    checkGrouping(op, left, 'left', (t as Token).col);
    checkGrouping(op, right, 'right', (t as Token).col);
    left = { kind: 'binary', op, left, right, col: left.col, opCol: (t as Token).col, grouped: false };
  }
}

/**
 * C has put `child` under `parent` on the given side. GNU as agrees when it ranks the child's
 * operator higher, or equal and on the left (its operators are left-associative).
 */
function checkGrouping(parent: BinaryOp, child: Expr, side: 'left' | 'right', col: number): void {
  if (child.kind !== 'binary' || child.grouped) return;
  const c = GAS_RANK[child.op];
  const p = GAS_RANK[parent];
  if (c > p || (c === p && side === 'left')) return;
  throw new SourceError(
    `ambiguous expression: C and GNU as group '${child.op}' and '${parent}' differently here; add parentheses`,
    col,
  );
}

function parseUnary(cur: Cursor, ctx: ExprParseContext): Expr {
  const t = cur.peek();
  if (t !== undefined && t.kind === 'punct' && (t.text === '-' || t.text === '+' || t.text === '~' || t.text === '!')) {
    cur.next();
    const arg = parseUnary(cur, ctx);
    return { kind: 'unary', op: t.text, arg, col: t.col };
  }
  return parsePrimary(cur, ctx);
}

function parsePrimary(cur: Cursor, ctx: ExprParseContext): Expr {
  const t = cur.next('an expression');
  switch (t.kind) {
    case 'num':
      return { kind: 'num', value: t.value, col: t.col };
    case 'local': {
      const { name, display } = ctx.localLabel(t.label, t.dir, t.col);
      return { kind: 'sym', name, display, col: t.col };
    }
    case 'ident':
      if (t.text === '.') return { kind: 'dot', col: t.col };
      return { kind: 'sym', name: t.text, display: t.text, col: t.col };
    case 'str':
      throw new SourceError('expected an expression, found a string', t.col);
    case 'punct':
      if (t.text === '(') {
        const inner = parseBinary(cur, ctx, 1);
        cur.expectPunct(')');
        return inner.kind === 'binary' ? { ...inner, grouped: true } : inner;
      }
      if (t.text === '%') return parseReloc(cur, ctx, t);
      throw new SourceError(`expected an expression, found '${t.text}'`, t.col);
  }
}

/** `%hi(expr)` and friends; the `%` has been consumed. */
function parseReloc(cur: Cursor, ctx: ExprParseContext, percent: Token): Expr {
  const name = cur.peek();
  if (name === undefined || name.kind !== 'ident' || name.spaceBefore) {
    throw new SourceError("expected a relocation operator such as %hi after '%'", percent.col);
  }
  cur.next();
  if (!RELOC_OPS.has(name.text)) {
    throw new SourceError(
      `unsupported relocation operator %${name.text} (supported: %hi, %lo, %pcrel_hi, %pcrel_lo)`,
      percent.col,
    );
  }
  cur.expectPunct('(');
  const arg = parseBinary(cur, ctx, 1);
  cur.expectPunct(')');
  return { kind: 'reloc', op: name.text as RelocOp, arg, col: percent.col };
}
