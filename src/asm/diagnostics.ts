/**
 * Errors with source positions. Every problem the assembler finds becomes one diagnostic
 * `file:line:col: message`; assembly carries on after an error so that one run reports all of
 * them, and only at the end does `assemble` throw an AsmError listing everything.
 */
import type { AsmDiagnostic } from './types.js';

export function formatDiagnostic(d: AsmDiagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.message}`;
}

/** What `assemble` throws: every diagnostic of the run, in source order. */
export class AsmError extends Error {
  readonly diagnostics: AsmDiagnostic[];

  constructor(diagnostics: AsmDiagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
    this.name = 'AsmError';
    this.diagnostics = diagnostics;
  }
}

/**
 * A problem in the statement being assembled. Thrown by the lexer, parsers, evaluator and
 * directive handlers; the driver catches it, attaches the statement's file and line and
 * records it. `col` is the 1-based column in the statement's source line when known.
 */
export class SourceError extends Error {
  readonly col: number | undefined;

  constructor(message: string, col?: number) {
    super(message);
    this.name = 'SourceError';
    this.col = col;
  }
}

/** Where a source line came from, for diagnostics and the line map. */
export interface SourceLoc {
  file: string;
  line: number;
}

/** Collects diagnostics, keeping them sortable into source order. */
export class DiagnosticSink {
  private readonly items: { seq: number; order: number; d: AsmDiagnostic }[] = [];

  /** `seq` is the sequence number of the source line, so pass-2 errors sort among pass-1 ones. */
  add(seq: number, d: AsmDiagnostic): void {
    this.items.push({ seq, order: this.items.length, d });
  }

  get count(): number {
    return this.items.length;
  }

  sorted(): AsmDiagnostic[] {
    return [...this.items].sort((a, b) => a.seq - b.seq || a.order - b.order).map((i) => i.d);
  }
}
