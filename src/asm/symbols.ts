/**
 * The symbol table: labels, `.set`/`.equ` symbols, numeric local labels and bindings.
 *
 * Numeric local labels work as in GNU as: each `N:` defines a new instance of label N, `Nb`
 * refers to the latest instance defined so far and `Nf` to the next one. References are
 * resolved to a unique instance name when the statement is parsed.
 */
import { SourceError, type SourceLoc } from './diagnostics.js';
import type { Expr, Value } from './expr.js';

export type SymbolKind = 'label' | 'set' | 'equiv';

/** Where a symbol was defined; `seq` orders its diagnostics among the others. */
export type DefLoc = SourceLoc & { col: number; seq: number };

export interface SymbolDef {
  name: string;
  kind: SymbolKind;
  /** Known value (labels always; `.set` when its expression could be evaluated at once). */
  value?: Value;
  /** Definition still waiting for symbols defined further on; evaluated after layout. */
  expr?: Expr;
  loc: DefLoc;
}

/** Separator that cannot occur in source symbols, so local label instances never clash. */
const LOCAL_SEPARATOR = '\u0002';

/** GNU as drops `.L` symbols from the symbol table; so do we (and local label instances). */
export function isAssemblerLocal(name: string): boolean {
  return name.startsWith('.L') || name.includes(LOCAL_SEPARATOR);
}

const where = (loc: SourceLoc): string => `${loc.file}:${loc.line}`;

export class SymbolTable {
  private readonly defs = new Map<string, SymbolDef>();
  private readonly localCounts = new Map<number, number>();
  private readonly globals = new Set<string>();

  get(name: string): SymbolDef | undefined {
    return this.defs.get(name);
  }

  all(): IterableIterator<SymbolDef> {
    return this.defs.values();
  }

  isGlobal(name: string): boolean {
    return this.globals.has(name);
  }

  setBinding(name: string, global: boolean): void {
    if (global) this.globals.add(name);
    else this.globals.delete(name);
  }

  defineLabel(name: string, value: Value, loc: DefLoc): void {
    const old = this.defs.get(name);
    if (old !== undefined) {
      throw new SourceError(`symbol '${name}' is already defined (at ${where(old.loc)})`, loc.col);
    }
    this.defs.set(name, { name, kind: 'label', value, loc });
  }

  /** `.set`, `.equ`, `=` (redefinable) and `.equiv` (not). */
  defineSymbol(name: string, kind: 'set' | 'equiv', def: { value: Value } | { expr: Expr }, loc: DefLoc): void {
    const old = this.defs.get(name);
    if (old !== undefined && (old.kind !== 'set' || kind === 'equiv')) {
      throw new SourceError(`symbol '${name}' is already defined (at ${where(old.loc)})`, loc.col);
    }
    this.defs.set(name, { name, kind, ...def, loc });
  }

  /** Defines the next instance of numeric local label `n`. */
  defineLocal(n: number, value: Value, loc: DefLoc): void {
    const k = (this.localCounts.get(n) ?? 0) + 1;
    this.localCounts.set(n, k);
    this.defs.set(localName(n, k), { name: localName(n, k), kind: 'label', value, loc });
  }

  /** The instance `1b` / `1f` refers to at this point of the source. */
  localRef(n: number, dir: 'f' | 'b', col: number): { name: string; display: string } {
    const k = this.localCounts.get(n) ?? 0;
    const display = `${n}${dir}`;
    if (dir === 'b') {
      if (k === 0) throw new SourceError(`local label '${display}' refers back to '${n}:', which is not defined before this line`, col);
      return { name: localName(n, k), display };
    }
    return { name: localName(n, k + 1), display };
  }
}

function localName(n: number, instance: number): string {
  return `${n}${LOCAL_SEPARATOR}${instance}`;
}
