/**
 * Pass 2: with every section's size known, lay the sections out, then finish what pass 1
 * could not — symbols defined in terms of later ones, data values, and every instruction,
 * encoded by the ISA's encode() — and build the AsmResult.
 */
import { SourceError, type SourceLoc } from './diagnostics.js';
import { encodeInsn } from './encoder.js';
import { absolute, evaluate, type EvalEnv } from './eval.js';
import type { Expr } from './expr.js';
import { layoutSections } from './layout.js';
import type { MachineInsn } from './machine-insn.js';
import { REGISTER_NAMES } from './registers.js';
import { INSN_BYTES, type Section } from './sections.js';
import type { SourceLine } from './source.js';
import { didYouMean } from '../util/suggest.js';
import { isAssemblerLocal, type SymbolTable } from './symbols.js';
import type { AsmResult, AsmSection, AsmSymbol, LineMapEntry } from './types.js';


interface FixupBase {
  sec: Section;
  off: number;
  line: SourceLine;
  /** Sequence number of the line, so its errors sort into source order. */
  seq: number;
  col: number;
}

/** Bytes reserved in pass 1 whose value needs pass 2. */
export type Fixup =
  | (FixupBase & { kind: 'insn'; insn: MachineInsn })
  | (FixupBase & { kind: 'data'; width: number; expr: Expr });

/** Everything pass 1 leaves for pass 2. */
export interface Pass1Output {
  sections: readonly Section[];
  symbols: SymbolTable;
  fixups: readonly Fixup[];
  /** Where each instruction word is, and the source line the line map names for it. */
  insnLines: readonly { sec: Section; off: number; loc: SourceLoc }[];
  /** Each auipc with `%pcrel_hi(target)`, which `%pcrel_lo` operands refer to. */
  pcrelHis: readonly { sec: Section; off: number; target: Expr }[];
  base: number;
  fileName: string;
}

/** Records an error found at a source line. */
export type Reporter = (e: unknown, line: SourceLine, seq: number) => void;

export function resolve(p: Pass1Output, report: Reporter): AsmResult {
  let addrs: Map<string, number>;
  try {
    // Padding a section's end to its alignment can pass the size limit (`.balign` of 1 GiB).
    for (const s of p.sections) s.padEnd();
    addrs = layoutSections(p.sections, p.base);
  } catch (e) {
    report(new SourceError((e as Error).message, 1), { text: '', file: p.fileName, line: 1, col: 1 }, Number.MAX_SAFE_INTEGER);
    return { sections: [], symbols: [], entry: p.base, lineMap: [] };
  }
  const addrOf = (s: Section, off: number): bigint => BigInt(addrs.get(s.name) as number) + BigInt(off);
  const env = finalEnv(p.symbols, addrs);

  // Symbols defined in terms of later ones: report their problems at their definition.
  for (const d of p.symbols.all()) {
    if (d.value !== undefined) continue;
    try {
      env.symbol(d.name, d.name, d.loc.col);
    } catch (e) {
      report(e, { text: '', file: d.loc.file, line: d.loc.line, col: d.loc.col }, d.loc.seq);
    }
  }

  const pcrelHi = new Map<bigint, { target: Expr; pc: bigint }>();
  for (const r of p.pcrelHis) pcrelHi.set(addrOf(r.sec, r.off), { target: r.target, pc: addrOf(r.sec, r.off) });
  const pcrelHiTarget = (addr: bigint, col: number): bigint => {
    const r = pcrelHi.get(addr);
    if (r === undefined) {
      throw new SourceError(`%pcrel_lo must name the label of an auipc with %pcrel_hi; there is none at 0x${addr.toString(16)}`, col);
    }
    return absolute(evaluate(r.target, { ...env, pc: r.pc }), env);
  };

  for (const f of p.fixups) {
    try {
      const at = addrOf(f.sec, f.off);
      if (f.kind === 'insn') {
        f.sec.patch(f.off, BigInt(encodeInsn(f.insn, { ...env, pc: at, pcrelHiTarget }, f.col)), INSN_BYTES);
      } else {
        const v = absolute(evaluate(f.expr, env), env);
        checkDataRange(v, f.width, f.expr.col > 0 ? f.expr.col : f.col);
        f.sec.patch(f.off, v, f.width);
      }
    } catch (e) {
      report(e, f.line, f.seq);
    }
  }
  return result(p, addrs, env);
}

/** Evaluation after layout: every section has an address; symbols waiting on later ones resolve now. */
function finalEnv(symbols: SymbolTable, addrs: ReadonlyMap<string, number>): EvalEnv {
  const evaluating = new Set<string>();
  const known = (): string[] => [...symbols.all()].map((d) => d.name).filter((n) => !isAssemblerLocal(n));
  const env: EvalEnv = {
    symbol: (name, display, col) => {
      const d = symbols.get(name);
      if (d === undefined) {
        if (display !== name) throw new SourceError(`local label '${display}' has no definition after this point`, col);
        throw new SourceError(`undefined symbol '${display}'${didYouMean(display, [...known(), ...REGISTER_NAMES])}`, col);
      }
      if (d.value !== undefined) return d.value;
      if (evaluating.has(name)) throw new SourceError(`symbol '${display}' is defined in terms of itself`, col);
      evaluating.add(name);
      try {
        d.value = evaluate(d.expr as Expr, env);
        return d.value;
      } finally {
        evaluating.delete(name);
      }
    },
    dot: () => {
      throw new Error('every `.` is frozen in pass 1');
    },
    sectionAddr: (sec) => BigInt(addrs.get(sec) as number),
  };
  return env;
}

function result(p: Pass1Output, addrs: ReadonlyMap<string, number>, env: EvalEnv): AsmResult {
  const addr = (s: Section): number => addrs.get(s.name) as number;
  const sections: AsmSection[] = p.sections
    .filter((s) => s.attrs.alloc && (s.size > 0 || s.hasLabels))
    .sort((a, b) => addr(a) - addr(b))
    .map((s) => ({ name: s.name, addr: addr(s), bytes: s.contents(), nobits: s.attrs.nobits }));

  const symbols: AsmSymbol[] = [];
  for (const d of p.symbols.all()) {
    if (isAssemblerLocal(d.name) || d.value === undefined) continue;
    const value = Number(BigInt.asUintN(32, absolute(d.value, env)));
    symbols.push({ name: d.name, value, global: p.symbols.isGlobal(d.name), section: d.value.sec });
  }
  const start = symbols.find((s) => s.name === '_start');

  const lineMap: LineMapEntry[] = p.insnLines
    .map((l) => ({ addr: addr(l.sec) + l.off, file: l.loc.file, line: l.loc.line }))
    .sort((a, b) => a.addr - b.addr);
  return { sections, symbols, entry: start?.value ?? p.base, lineMap };
}

/** A data value must fit its width as a signed or an unsigned number. */
function checkDataRange(v: bigint, width: number, col: number): void {
  const bits = BigInt(width * 8);
  if (bits >= 64n) return;
  const min = -(1n << (bits - 1n));
  const max = (1n << bits) - 1n;
  if (v < min || v > max) {
    throw new SourceError(`value ${v} does not fit in ${width} byte${width === 1 ? '' : 's'} (range ${min}..${max})`, col);
  }
}
