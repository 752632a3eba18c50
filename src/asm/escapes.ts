/**
 * Backslash escapes in strings and character constants, as GNU as reads them:
 * \b \f \n \r \t \v \\ \" \' , octal \NNN (up to three digits) and hex \xHH...
 */

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  b: 0x08,
  f: 0x0c,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  v: 0x0b,
  '\\': 0x5c,
  '"': 0x22,
  "'": 0x27,
};

const OCTAL_DIGITS_MAX = 3;

export interface EscapeResult {
  /** The character code (may exceed 0xff for long hex escapes; callers truncate to a byte). */
  value: number;
  /** Index just past the escape. */
  end: number;
  /** Set when the escape is not one GNU as knows. */
  error?: string;
}

/** Reads the escape whose backslash is at `s[i]`. */
export function readEscape(s: string, i: number): EscapeResult {
  const c = s[i + 1];
  if (c === undefined) return { value: 0x5c, end: i + 1, error: 'backslash at end of line' };
  if (c in SIMPLE_ESCAPES) return { value: SIMPLE_ESCAPES[c] as number, end: i + 2 };
  if (c >= '0' && c <= '7') {
    let j = i + 1;
    let v = 0;
    while (j < s.length && j < i + 1 + OCTAL_DIGITS_MAX && (s[j] as string) >= '0' && (s[j] as string) <= '7') {
      v = v * 8 + Number(s[j]);
      j++;
    }
    return { value: v, end: j };
  }
  if (c === 'x' || c === 'X') {
    let j = i + 2;
    let v = 0;
    while (j < s.length && /[0-9a-fA-F]/.test(s[j] as string)) {
      v = (v * 16 + parseInt(s[j] as string, 16)) & 0xff;
      j++;
    }
    if (j === i + 2) return { value: 0, end: j, error: '\\x used with no following hex digits' };
    return { value: v, end: j };
  }
  return { value: c.charCodeAt(0), end: i + 2, error: `unknown escape '\\${c}'` };
}

/** End index of a character constant at `s[i] === "'"`: `'a`, `'a'`, `'\n'`, `'\101'`. */
export function charConstantEnd(s: string, i: number): number {
  let j = i + 1;
  if (j >= s.length) return j;
  j = s[j] === '\\' ? readEscape(s, j).end : j + 1;
  if (s[j] === "'") j++;
  return Math.min(j, s.length);
}

/** End index of a string literal at `s[i] === '"'`; the line end if unterminated. */
export function stringEnd(s: string, i: number): number {
  let j = i + 1;
  while (j < s.length) {
    if (s[j] === '\\') j += 2;
    else if (s[j] === '"') return j + 1;
    else j++;
  }
  return s.length;
}
