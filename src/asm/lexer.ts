/**
 * The lexer: one statement's text → tokens. Numbers follow GNU as: 0x hex, 0b binary, a
 * leading 0 means octal, `'c` / `'c'` is a character constant, and `1f` / `1b` are references
 * to numeric local labels. Values are bigint because GNU as evaluates in 64-bit arithmetic.
 */
import { SourceError } from './diagnostics.js';
import { readEscape } from './escapes.js';

interface TokenBase {
  /** The token's source text. */
  text: string;
  /** 1-based column in the physical source line. */
  col: number;
  /** Offsets of the token in the statement text. */
  start: number;
  end: number;
  /** Whether whitespace precedes the token (`%hi(x)` must be written without a space). */
  spaceBefore: boolean;
}

export type Token =
  | (TokenBase & { kind: 'ident' })
  | (TokenBase & { kind: 'num'; value: bigint })
  | (TokenBase & { kind: 'str'; bytes: number[] })
  /** `1f` / `1b`: numeric local label `label`, searched forward or backward. */
  | (TokenBase & { kind: 'local'; label: number; dir: 'f' | 'b' })
  | (TokenBase & { kind: 'punct' });

const TWO_CHAR_PUNCTUATORS: ReadonlySet<string> = new Set(['<<', '>>', '<=', '>=', '==', '!=', '<>', '&&', '||']);
const ONE_CHAR_PUNCTUATORS: ReadonlySet<string> = new Set([...'(),+-*/%<>&|^~!=:@']);

/** Character classes of ASCII, as bit flags in a lookup table (the lexer's hot path). */
const IDENT_START = 1;
const IDENT_CHAR = 2;
/** Characters that continue a number: GNU as reads `12abc` as one (bad) number. */
const WORD_CHAR = 4;
const ASCII = 128;
const CLASS = (() => {
  const t = new Uint8Array(ASCII);
  const mark = (chars: string, flags: number): void => {
    for (const c of chars) t[c.charCodeAt(0)] = (t[c.charCodeAt(0)] as number) | flags;
  };
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  const digits = '0123456789';
  mark(`${letters}_.$`, IDENT_START | IDENT_CHAR);
  mark(digits, IDENT_CHAR);
  mark(`${letters}${digits}_`, WORD_CHAR);
  return t;
})();
const is = (text: string, i: number, flag: number): boolean => {
  const c = text.charCodeAt(i);
  return c < ASCII && ((CLASS[c] as number) & flag) !== 0;
};

/** Tokenizes `text`, whose first character sits at column `col0` of its physical line. */
export function lex(text: string, col0: number): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let sawSpace = false;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === ' ' || c === '\t' || c === '\f' || c === '\v' || c === '\r') {
      sawSpace = true;
      i++;
      continue;
    }
    const start = i;
    const spaceBefore = sawSpace;
    const base = (end: number): TokenBase => ({ text: text.slice(start, end), col: col0 + start, start, end, spaceBefore });
    sawSpace = false;

    if (is(text, i, IDENT_START)) {
      let j = i + 1;
      while (j < text.length && is(text, j, IDENT_CHAR)) j++;
      tokens.push({ kind: 'ident', text: text.slice(start, j), col: col0 + start, start, end: j, spaceBefore });
      i = j;
    } else if (c >= '0' && c <= '9') {
      let j = i + 1;
      while (j < text.length && is(text, j, WORD_CHAR)) j++;
      tokens.push(numberToken(base(j)));
      i = j;
    } else if (c === '"') {
      const { bytes, end } = readString(text, i, col0);
      tokens.push({ ...base(end), kind: 'str', bytes });
      i = end;
    } else if (c === "'") {
      if (i + 1 >= text.length) throw new SourceError('character constant missing its character', col0 + i);
      let j = i + 1;
      let value: number;
      if (text[j] === '\\') {
        const e = readEscape(text, j);
        if (e.error !== undefined) throw new SourceError(e.error, col0 + j);
        value = e.value;
        j = e.end;
      } else {
        value = text.codePointAt(j) as number;
        j += value > 0xffff ? 2 : 1;
      }
      if (text[j] === "'") j++;
      tokens.push({ ...base(j), kind: 'num', value: BigInt(value) });
      i = j;
    } else {
      const two = text.slice(i, i + 2);
      const p = TWO_CHAR_PUNCTUATORS.has(two) ? two : ONE_CHAR_PUNCTUATORS.has(c) ? c : undefined;
      if (p === undefined) {
        const hint = c === '\\' ? ' (a macro parameter used outside its macro?)' : '';
        throw new SourceError(`unexpected character '${c}'${hint}`, col0 + i);
      }
      tokens.push({ kind: 'punct', text: p, col: col0 + start, start, end: i + p.length, spaceBefore });
      i += p.length;
    }
  }
  return tokens;
}

/** Decimal literals shorter than this always fit in 64 bits. */
const MAX_SAFE_DIGITS = 19;

function numberToken(b: TokenBase): Token {
  const w = b.text;
  if (/^[1-9][0-9]*$/.test(w) && w.length < MAX_SAFE_DIGITS) return { ...b, kind: 'num', value: BigInt(w) };
  const local = /^([0-9]+)([fb])$/.exec(w);
  // `0b1` is binary one; `0b` alone and `1b`, `12f` are local label references.
  if (local !== null && !/^0[bB][01]+$/.test(w)) {
    return { ...b, kind: 'local', label: Number(local[1]), dir: local[2] as 'f' | 'b' };
  }
  let value: bigint | undefined;
  if (/^0[xX][0-9a-fA-F]+$/.test(w)) value = BigInt(w);
  else if (/^0[bB][01]+$/.test(w)) value = BigInt(w);
  else if (/^0[0-7]*$/.test(w)) value = BigInt('0o' + (w.slice(1) || '0'));
  else if (/^[1-9][0-9]*$/.test(w)) value = BigInt(w);
  if (value === undefined) throw new SourceError(`invalid number '${w}'`, b.col);
  if (value >= 1n << 64n) throw new SourceError(`number '${w}' does not fit in 64 bits`, b.col);
  return { ...b, kind: 'num', value: BigInt.asIntN(64, value) };
}

/** Decodes a string literal to bytes (UTF-8 for non-ASCII characters). */
function readString(text: string, i: number, col0: number): { bytes: number[]; end: number } {
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  let j = i + 1;
  while (j < text.length) {
    const c = text[j] as string;
    if (c === '"') return { bytes, end: j + 1 };
    if (c === '\\') {
      const e = readEscape(text, j);
      if (e.error !== undefined) throw new SourceError(e.error, col0 + j);
      bytes.push(e.value & 0xff);
      j = e.end;
      continue;
    }
    const cp = text.codePointAt(j) as number;
    const ch = String.fromCodePoint(cp);
    for (const byte of encoder.encode(ch)) bytes.push(byte);
    j += ch.length;
  }
  throw new SourceError('unterminated string', col0 + i);
}
