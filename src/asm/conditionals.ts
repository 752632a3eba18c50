/**
 * Conditional assembly: .if/.elseif/.else/.endif and the .ifdef/.ifc/.ifb… family. A stack of
 * open conditionals decides whether lines are assembled; conditions inside a skipped region are
 * never evaluated (they may well refer to things that do not exist in that configuration).
 */
import { Cursor } from './cursor.js';
import { SourceError, type SourceLoc } from './diagnostics.js';
import type { Expr } from './expr.js';
import { lex } from './lexer.js';

interface OpenConditional {
  /** Lines of the current branch are assembled. */
  active: boolean;
  /** Some branch of this conditional has been (or must never be) taken. */
  taken: boolean;
  sawElse: boolean;
  loc: SourceLoc & { col: number };
}

export class Conditionals {
  private readonly stack: OpenConditional[] = [];

  /** Whether the current line should be assembled. */
  get active(): boolean {
    return this.stack.length === 0 || (this.stack[this.stack.length - 1] as OpenConditional).active;
  }

  get depth(): number {
    return this.stack.length;
  }

  /** Drops conditionals opened since `depth` (`.exitm` leaves a macro mid-conditional). */
  truncate(depth: number): void {
    this.stack.length = Math.min(this.stack.length, depth);
  }

  /** `.if…`: `condition` is only called when the enclosing region is assembled. */
  open(condition: () => boolean, loc: SourceLoc & { col: number }): void {
    if (!this.active) {
      this.stack.push({ active: false, taken: true, sawElse: false, loc });
      return;
    }
    // Open it before evaluating: if the condition is in error, its .else/.endif still match.
    const top: OpenConditional = { active: false, taken: false, sawElse: false, loc };
    this.stack.push(top);
    decide(top, condition);
  }

  elseIf(condition: () => boolean, col: number): void {
    const top = this.top('.elseif', col);
    if (top.sawElse) throw new SourceError('.elseif after .else', col);
    if (top.taken) {
      top.active = false;
      return;
    }
    decide(top, condition);
  }

  else(col: number): void {
    const top = this.top('.else', col);
    if (top.sawElse) throw new SourceError('duplicate .else', col);
    top.sawElse = true;
    top.active = !top.taken;
    top.taken = true;
  }

  close(col: number): void {
    this.top('.endif', col);
    this.stack.pop();
  }

  /** Conditionals never closed, outermost first. */
  unterminated(): readonly (SourceLoc & { col: number })[] {
    return this.stack.map((c) => c.loc);
  }

  private top(what: string, col: number): OpenConditional {
    const top = this.stack[this.stack.length - 1];
    if (top === undefined) throw new SourceError(`${what} without .if`, col);
    return top;
  }
}

/** Evaluates a branch's condition; one in error assembles neither it nor any later branch. */
function decide(c: OpenConditional, condition: () => boolean): void {
  c.active = false;
  c.taken = true;
  const v = condition();
  c.active = v;
  c.taken = v;
}

/** Names of the directives this module handles, so they are seen even in skipped regions. */
export const CONDITIONAL_DIRECTIVES: ReadonlySet<string> = new Set([
  '.if', '.ifeq', '.ifne', '.ifgt', '.ifge', '.iflt', '.ifle', '.ifdef', '.ifndef', '.ifnotdef',
  '.ifc', '.ifnc', '.ifeqs', '.ifnes', '.ifb', '.ifnb', '.elseif', '.else', '.endif',
]);

/** How each numeric `.if` variant tests its value. */
const NUMERIC_TESTS: Readonly<Record<string, (v: bigint) => boolean>> = {
  '.if': (v) => v !== 0n,
  '.ifne': (v) => v !== 0n,
  '.ifeq': (v) => v === 0n,
  '.ifgt': (v) => v > 0n,
  '.ifge': (v) => v >= 0n,
  '.iflt': (v) => v < 0n,
  '.ifle': (v) => v <= 0n,
};

/** What evaluating a condition needs from the assembler. */
export interface ConditionHost {
parseExpr(cur: Cursor): Expr;
/** An absolute constant known at this point. */
constant(e: Expr, what: string, col: number): bigint;
isDefined(name: string): boolean;
}

/** Evaluates the condition of `.if…` directive `word`, whose operand text is `rest` (at `col`). */
export function evaluateCondition(word: string, rest: string, col: number, host: ConditionHost): boolean {
  const test = NUMERIC_TESTS[word];
  if (test !== undefined) {
    const cur = new Cursor(lex(rest, col), col + rest.trimEnd().length);
    const at = cur.col();
    const e = host.parseExpr(cur);
    cur.expectEnd();
    return test(host.constant(e, word, at));
  }
  switch (word) {
    case '.ifdef':
    case '.ifndef':
    case '.ifnotdef': {
      const cur = new Cursor(lex(rest, col), col + rest.length);
      const t = cur.next('a symbol name');
      if (t.kind !== 'ident') throw new SourceError(`expected a symbol name, found '${t.text}'`, t.col);
      cur.expectEnd();
      return host.isDefined(t.text) === (word === '.ifdef');
    }
    case '.ifb':
    case '.ifnb':
      return (rest.trim() === '') === (word === '.ifb');
    default: {
      // .ifc/.ifnc/.ifeqs/.ifnes: compare two strings, quoted or not.
      const comma = rest.indexOf(',');
      if (comma === -1) throw new SourceError(`usage: ${word} string1, string2`, col);
      const unquote = (s: string): string => s.trim().replace(/^"(.*)"$/, '$1');
      const same = unquote(rest.slice(0, comma)) === unquote(rest.slice(comma + 1));
      return same === (word === '.ifc' || word === '.ifeqs');
    }
  }
}
