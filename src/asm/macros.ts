/**
 * Macros (.macro/.endm) and repetition (.rept, .irp, .irpc), GNU as style.
 *
 *   .macro save reg, off=0, rest:vararg   parameters, defaults, :req and :vararg
 *   \reg  \off                            parameter substitution in the body (also in strings)
 *   \@                                    count of macro expansions so far (unique labels)
 *   \()                                   an empty separator: \reg\().w
 *
 * Arguments are separated by commas; if an invocation has no top-level comma, whitespace
 * separates them instead, except around operators, so `m 1 + 2` passes one argument.
 */
import { SourceError, type SourceLoc } from './diagnostics.js';
import type { Expansion, SourceLine } from './source.js';

export interface MacroParam {
  name: string;
  default?: string;
  required: boolean;
  vararg: boolean;
}

export interface MacroDef {
  name: string;
  params: MacroParam[];
  body: SourceLine[];
  loc: SourceLoc;
}

const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const OPERATOR_CHARS = '+-*/%&|^<>=!~';

/** Parses `name p1, p2=def, p3:req` (the text after `.macro`). */
export function parseMacroHeader(text: string, col: number): { name: string; params: MacroParam[] } {
  const m = /^\s*([A-Za-z_.$][A-Za-z0-9_.$]*)\s*,?(.*)$/.exec(text);
  if (m === null) throw new SourceError('expected a macro name after .macro', col);
  const name = m[1] as string;
  const params: MacroParam[] = [];
  for (const raw of splitArguments(m[2] as string)) {
    const p = /^([^=:\s]+)\s*(?::\s*(req|vararg))?\s*(?:=\s*(.*))?$/.exec(raw);
    if (p === null || !PARAM_NAME.test(p[1] as string)) {
      throw new SourceError(`bad macro parameter '${raw}'`, col);
    }
    const pname = p[1] as string;
    if (params.some((q) => q.name === pname)) throw new SourceError(`duplicate macro parameter '${pname}'`, col);
    const param: MacroParam = { name: pname, required: p[2] === 'req', vararg: p[2] === 'vararg' };
    if (p[3] !== undefined) param.default = p[3];
    params.push(param);
  }
  const vararg = params.findIndex((q) => q.vararg);
  if (vararg !== -1 && vararg !== params.length - 1) {
    throw new SourceError('only the last macro parameter may be :vararg', col);
  }
  return { name, params };
}

/** Binds an invocation's argument text to the macro's parameters. */
export function bindArguments(def: MacroDef, text: string, col: number): Map<string, string> {
  const args = splitArguments(text);
  const bound = new Map<string, string>();
  let positional = 0;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const kw = /^([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)\s*(.*)$/.exec(arg);
    if (kw !== null && def.params.some((p) => p.name === kw[1])) {
      bound.set(kw[1] as string, unquote(kw[2] as string));
      continue;
    }
    const param = def.params[positional];
    if (param === undefined) {
      throw new SourceError(`too many arguments for macro '${def.name}' (it takes ${def.params.length})`, col);
    }
    if (param.vararg) {
      bound.set(param.name, args.slice(i).join(', '));
      break;
    }
    bound.set(param.name, unquote(arg));
    positional++;
  }
  for (const p of def.params) {
    const v = bound.get(p.name);
    if (v === undefined || v === '') {
      if (p.required) throw new SourceError(`missing value for required parameter '${p.name}' of macro '${def.name}'`, col);
      bound.set(p.name, v === '' || p.default === undefined ? '' : p.default);
    }
  }
  return bound;
}

/** GNU as passes a quoted argument without its quotes. */
function unquote(arg: string): string {
  const m = /^"((?:[^"\\]|\\.)*)"$/.exec(arg);
  return m === null ? arg : (m[1] as string);
}

/**
 * Splits argument text at top-level commas, or — when there are none — at whitespace that is
 * not next to an operator. Quotes and parentheses protect their contents.
 */
export function splitArguments(text: string): string[] {
  const pieces: { text: string; sep: ',' | ' ' | '' }[] = [];
  let depth = 0;
  let cur = '';
  let sawComma = false;
  const push = (sep: ',' | ' ' | ''): void => {
    pieces.push({ text: cur, sep });
    cur = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      cur += text.slice(i, j + 1);
      i = j;
    } else if (c === '(') {
      depth++;
      cur += c;
    } else if (c === ')') {
      depth--;
      cur += c;
    } else if (c === ',' && depth === 0) {
      sawComma = true;
      push(',');
    } else if ((c === ' ' || c === '\t') && depth === 0) {
      if (cur !== '') push(' ');
    } else {
      cur += c;
    }
  }
  if (cur !== '' || pieces.length > 0) push('');

  if (sawComma) {
    // Rejoin the whitespace-separated fragments between commas.
    const out: string[] = [];
    let acc: string[] = [];
    for (const p of pieces) {
      if (p.text !== '') acc.push(p.text);
      if (p.sep === ',' || p.sep === '') {
        out.push(acc.join(' '));
        acc = [];
      }
    }
    return out;
  }
  // No commas: whitespace separates, unless an operator sits on either side of it.
  const out: string[] = [];
  for (const p of pieces) {
    if (p.text === '') continue;
    const prev = out[out.length - 1];
    const joins = prev !== undefined &&
      (OPERATOR_CHARS.includes(prev[prev.length - 1] as string) || OPERATOR_CHARS.includes(p.text[0] as string));
    if (joins) out[out.length - 1] = `${prev} ${p.text}`;
    else out.push(p.text);
  }
  return out;
}

/** Replaces `\param`, `\@` and `\()` in one body line. Unknown `\names` are left alone. */
export function substitute(text: string, args: ReadonlyMap<string, string>, counter: number | undefined): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const rest = text.slice(i + 1);
    if (rest.startsWith('@') && counter !== undefined) {
      out += String(counter);
      i += 1;
    } else if (rest.startsWith('()')) {
      i += 2;
    } else {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
      if (m !== null && args.has(m[0])) {
        out += args.get(m[0]) as string;
        i += m[0].length;
      } else {
        out += c;
      }
    }
  }
  return out;
}

/** Body lines re-labelled as coming from an expansion, with substitutions applied. */
export function expandBody(body: readonly SourceLine[], expansion: Expansion, subst: (text: string) => string): SourceLine[] {
  return body.map((l) => ({ ...l, text: subst(l.text), expansion }));
}
