/**
 * Source text → statements. GNU as for RISC-V treats `#` as the start of a comment anywhere on
 * a line, `;` as a statement separator, and C block comments as whitespace. We strip comments
 * here (keeping columns intact by blanking them) so the lexer sees one statement at a time.
 */
import type { SourceLoc } from './diagnostics.js';
import { charConstantEnd, stringEnd } from './escapes.js';

/** A macro or `.rept` expansion a line came from; `outer` for expansions inside expansions. */
export interface Expansion {
  /** e.g. `macro 'save_regs'` or `.rept`. */
  what: string;
  /** Where the expansion was invoked. */
  at: SourceLoc;
  outer?: Expansion;
}

/** One statement's text with where it came from. */
export interface SourceLine extends SourceLoc {
  /** Statement text, comments blanked; may have leading whitespace. */
  text: string;
  /** 1-based column of text[0] in the physical source line. */
  col: number;
  expansion?: Expansion;
}

export type SplitErrorSink = (line: number, col: number, message: string) => void;

/**
 * Splits a file into statements. Strings and character constants are copied verbatim so that
 * `#`, `;` and `/*` inside them keep their literal meaning.
 */
export function splitSource(source: string, file: string, onError: SplitErrorSink): SourceLine[] {
  const out: SourceLine[] = [];
  const lines = source.split(/\r?\n/);
  let blockCommentStart: { line: number; col: number } | undefined;

  for (let li = 0; li < lines.length; li++) {
    const phys = lines[li] as string;
    let buf = '';
    let start = 0;
    const flush = (): void => {
      if (buf.trim() !== '') out.push({ text: buf, file, line: li + 1, col: start + 1 });
    };
    let i = 0;
    while (i < phys.length) {
      if (blockCommentStart !== undefined) {
        if (phys.startsWith('*/', i)) {
          blockCommentStart = undefined;
          buf += '  ';
          i += 2;
        } else {
          buf += ' ';
          i++;
        }
        continue;
      }
      const c = phys[i] as string;
      if (c === '/' && phys[i + 1] === '*') {
        blockCommentStart = { line: li + 1, col: i + 1 };
        buf += '  ';
        i += 2;
        continue;
      }
      if (c === '#') break;
      if (c === ';') {
        flush();
        buf = '';
        start = i + 1;
        i++;
        continue;
      }
      if (c === '"') {
        const end = stringEnd(phys, i);
        buf += phys.slice(i, end);
        i = end;
        continue;
      }
      if (c === "'") {
        const end = charConstantEnd(phys, i);
        buf += phys.slice(i, end);
        i = end;
        continue;
      }
      buf += c;
      i++;
    }
    flush();
  }
  if (blockCommentStart !== undefined) {
    onError(blockCommentStart.line, blockCommentStart.col, 'unterminated /* comment');
  }
  return out;
}
