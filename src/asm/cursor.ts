/**
 * A cursor over one statement's tokens, shared by the expression, operand and directive
 * parsers. Errors point at the offending token, or just past the statement's end.
 */
import { SourceError } from './diagnostics.js';
import type { Token } from './lexer.js';

export class Cursor {
  pos = 0;

  /** `endCol`: the column just past the last token, for "expected … at end of line". */
  constructor(readonly tokens: readonly Token[], readonly endCol: number) {}

  peek(ahead = 0): Token | undefined {
    return this.tokens[this.pos + ahead];
  }

  atEnd(): boolean {
    return this.pos >= this.tokens.length;
  }

  /** Column of the current token, or of the end of the statement. */
  col(): number {
    return this.peek()?.col ?? this.endCol;
  }

  next(what = 'an operand'): Token {
    const t = this.tokens[this.pos];
    if (t === undefined) throw new SourceError(`expected ${what} at end of line`, this.endCol);
    this.pos++;
    return t;
  }

  isPunct(p: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t !== undefined && t.kind === 'punct' && t.text === p;
  }

  eatPunct(p: string): boolean {
    if (!this.isPunct(p)) return false;
    this.pos++;
    return true;
  }

  expectPunct(p: string): Token {
    const t = this.peek();
    if (t === undefined || t.kind !== 'punct' || t.text !== p) {
      throw new SourceError(`expected '${p}'${t === undefined ? ' at end of line' : `, found '${t.text}'`}`, this.col());
    }
    this.pos++;
    return t;
  }

  /** Fails unless every token has been consumed. */
  expectEnd(): void {
    const t = this.peek();
    if (t !== undefined) throw new SourceError(`unexpected '${t.text}' (junk at end of line)`, t.col);
  }

  /**
   * Splits the remaining tokens at top-level commas (commas inside parentheses do not
   * count). An empty remainder gives no groups; `a,,b` gives an empty middle group.
   */
  splitCommas(): Cursor[] {
    const groups: Cursor[] = [];
    if (this.atEnd()) return groups;
    let depth = 0;
    let start = this.pos;
    const cut = (end: number, endCol: number): void => {
      groups.push(new Cursor(this.tokens.slice(start, end), endCol));
    };
    for (let i = this.pos; i < this.tokens.length; i++) {
      const t = this.tokens[i] as Token;
      if (t.kind !== 'punct') continue;
      if (t.text === '(') depth++;
      else if (t.text === ')') depth--;
      else if (t.text === ',' && depth === 0) {
        cut(i, t.col);
        start = i + 1;
      }
    }
    cut(this.tokens.length, this.endCol);
    this.pos = this.tokens.length;
    return groups;
  }
}
