/**
 * Instruction operands: their syntaxes and parsers. The instruction table names operands by
 * kind (`rd`, `imm`, `mem`, …); pseudo-instruction forms use the same names plus a few of their
 * own (`rs`, `rt`, `symbol`, `temp`…). Each name maps to one of six syntaxes.
 */
import { csrByName, CSR_NAMES } from '../isa/csr.js';
import { Cursor } from './cursor.js';
import { SourceError } from './diagnostics.js';
import { parseExpr, type Expr, type ExprParseContext, num } from './expr.js';
import type { Token } from './lexer.js';
import { registerNumber, REGISTER_NAMES } from './registers.js';
import { didYouMean } from '../util/suggest.js';

export type OperandSyntax = 'reg' | 'expr' | 'mem' | 'amem' | 'csr' | 'fence';

/** Syntax of each operand name used by the ISA table and the pseudo-instruction table. */
const SYNTAX_BY_NAME: Readonly<Record<string, OperandSyntax>> = {
  rd: 'reg', rs: 'reg', rs1: 'reg', rs2: 'reg', rt: 'reg', temp: 'reg',
  imm: 'expr', shamt: 'expr', uimm20: 'expr', zimm: 'expr', target: 'expr', symbol: 'expr', value: 'expr',
  mem: 'mem', amem: 'amem', csr: 'csr', pred: 'fence', succ: 'fence',
};

/** How an operand name is shown in "expected operands" messages. */
const DISPLAY_NAME: Readonly<Record<string, string>> = { mem: 'offset(rs1)', amem: '(rs1)' };

export function operandSyntax(name: string): OperandSyntax {
  const s = SYNTAX_BY_NAME[name];
  if (s === undefined) throw new Error(`operand name '${name}' has no syntax`); // a table bug
  return s;
}

export function operandDisplay(name: string): string {
  return DISPLAY_NAME[name] ?? name;
}

export type Operand =
  | { kind: 'reg'; reg: number; col: number }
  | { kind: 'expr'; expr: Expr; col: number }
  | { kind: 'mem'; offset: Expr; base: number; col: number }
  | { kind: 'csr'; csr: Expr; col: number }
  | { kind: 'fence'; set: number; col: number };

export interface OperandParseContext extends ExprParseContext {
  /** Whether a symbol is defined at this point (a CSR operand may be a symbol). */
  isDefined(name: string): boolean;
}

/** Fence ordering sets: GNU as accepts the letters of `iorw` in that order. */
const FENCE_BITS: Readonly<Record<string, number>> = { i: 8, o: 4, r: 2, w: 1 };
const FENCE_ORDER = 'iorw';

export function parseOperand(syntax: OperandSyntax, cur: Cursor, ctx: OperandParseContext): Operand {
  const col = cur.col();
  if (cur.atEnd()) throw new SourceError('missing operand', col);
  switch (syntax) {
    case 'reg':
      return { kind: 'reg', reg: parseRegister(cur), col };
    case 'expr': {
      const t = cur.peek() as Token;
      if (cur.tokens.length === 1 && t.kind === 'ident' && registerNumber(t.text) !== undefined) {
        throw new SourceError(`expected an immediate or a symbol, found register '${t.text}'`, col);
      }
      const expr = parseExpr(cur, ctx);
      cur.expectEnd();
      return { kind: 'expr', expr, col };
    }
    case 'mem':
    case 'amem':
      return parseMemory(syntax, cur, ctx);
    case 'csr':
      return { kind: 'csr', csr: parseCsr(cur, ctx), col };
    case 'fence':
      return { kind: 'fence', set: parseFenceSet(cur), col };
  }
}

function parseRegister(cur: Cursor): number {
  const t = cur.next('a register');
  const r = t.kind === 'ident' ? registerNumber(t.text) : undefined;
  if (r === undefined) {
    const hint = t.kind === 'ident' ? didYouMean(t.text, REGISTER_NAMES) : '';
    throw new SourceError(`expected a register, found '${t.text}'${hint}`, t.col);
  }
  cur.expectEnd();
  return r;
}

/** `offset(reg)`, `(reg)`; for atomics only `(reg)` or `0(reg)`. */
function parseMemory(syntax: 'mem' | 'amem', cur: Cursor, ctx: OperandParseContext): Operand {
  const col = cur.col();
  const toks = cur.tokens;
  const n = toks.length;
  const close = toks[n - 1];
  const reg = toks[n - 2];
  const open = toks[n - 3];
  const what = syntax === 'mem' ? 'offset(register)' : '(register)';
  if (n < 3 || close?.kind !== 'punct' || close.text !== ')' || open?.kind !== 'punct' || open.text !== '(' ||
      reg?.kind !== 'ident') {
    throw new SourceError(`expected ${what}`, col);
  }
  const base = registerNumber(reg.text);
  if (base === undefined) {
    throw new SourceError(`expected a base register, found '${reg.text}'${didYouMean(reg.text, REGISTER_NAMES)}`, reg.col);
  }
  let offset: Expr = num(0, col);
  if (n > 3) {
    const sub = new Cursor(toks.slice(0, n - 3), open.col);
    offset = parseExpr(sub, ctx);
    sub.expectEnd();
    if (syntax === 'amem' && !(offset.kind === 'num' && offset.value === 0n)) {
      throw new SourceError('atomic memory operands take no offset: write (register) or 0(register)', col);
    }
  }
  cur.pos = n;
  return { kind: 'mem', offset, base, col };
}

/** A CSR by spec name, or any expression (a number, or a symbol defined with .equ). */
function parseCsr(cur: Cursor, ctx: OperandParseContext): Expr {
  const t = cur.peek() as Token;
  if (cur.tokens.length === 1 && t.kind === 'ident') {
    const n = csrByName(t.text);
    if (n !== undefined) {
      cur.next();
      return num(n, t.col);
    }
    if (!ctx.isDefined(t.text)) {
      throw new SourceError(`unknown CSR '${t.text}'${didYouMean(t.text, CSR_NAMES.values())}`, t.col);
    }
  }
  const e = parseExpr(cur, ctx);
  cur.expectEnd();
  return e;
}

function parseFenceSet(cur: Cursor): number {
  const t = cur.next('a fence ordering set');
  let bits = 0;
  let last = -1;
  const valid = t.kind === 'ident' && [...t.text].every((c) => {
    const at = FENCE_ORDER.indexOf(c);
    if (at <= last) return false;
    last = at;
    bits |= FENCE_BITS[c] as number;
    return true;
  });
  if (!valid) {
    throw new SourceError(`expected a fence ordering set made of i, o, r, w in that order (e.g. rw), found '${t.text}'`, t.col);
  }
  cur.expectEnd();
  return bits;
}
