/**
 * The assembler driver.
 *
 * Pass 1 reads statements in order — following .include, expanding macros and repetitions,
 * skipping false conditionals — and lays out every section's bytes: each statement's size is
 * known when it is read (instructions are 4 bytes; li's expansion is chosen from its value,
 * which must be known then, as in GNU as). Expressions are frozen as they are read and anything
 * not yet computable is recorded as a fixup. After layout fixes section addresses, pass 2
 * evaluates the fixups and encodes instructions through the ISA's encode().
 *
 * Every error is recorded with its position and assembly continues, so one run reports them
 * all; the caller gets an AsmError listing every diagnostic in source order.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONDITIONAL_DIRECTIVES, Conditionals, evaluateCondition, type ConditionHost } from './conditionals.js';
import { Cursor } from './cursor.js';
import { AsmError, DiagnosticSink, SourceError, type SourceLoc } from './diagnostics.js';
import { DIRECTIVES, isIgnoredDirective, type DirectiveHost } from './directives.js';
import { evaluate, freeze, NotYetKnown, type EvalEnv } from './eval.js';
import { parseExpr, type Expr, type Value } from './expr.js';
import { lex } from './lexer.js';
import type { ExpandContext, MachineInsn } from './machine-insn.js';
import { bindArguments, expandBody, parseMacroHeader, substitute, type MacroDef } from './macros.js';
import { assembleInstruction, isMnemonic, MNEMONICS } from './mnemonics.js';
import type { OperandParseContext } from './operands.js';
import { resolve, type Fixup } from './resolve.js';
import { INSN_BYTES, Section, sectionAttributes, UseClock } from './sections.js';
import { splitSource, type Expansion, type SourceLine } from './source.js';
import { didYouMean } from '../util/suggest.js';
import { SymbolTable, type DefLoc } from './symbols.js';
import type { AsmOptions, AsmResult } from './types.js';

const DEFAULT_BASE = 0x8000_0000;
const DEFAULT_FILE_NAME = 'input.S';
const MAX_INCLUDE_DEPTH = 64;
const MAX_EXPANSION_DEPTH = 256;
/** Lines all .rept/.irp expansions of one assembly may produce together (as many as one .rept
 *  at its largest count, about 10 s of assembling). A per-directive count
 *  limit alone lets nested .rept multiply (1000 × 1000 × 1000 lines); this bounds the product. */
export const MAX_REPEATED_LINES = 1_000_000;

/** The first word of a statement after its labels (`name:` / `1:`), to spot directives cheaply. */
const LEADING_WORD = /^\s*(?:(?:[A-Za-z_.$][\w.$]*|\d+)\s*:(?!=)\s*)*([A-Za-z_.$][\w.$]*)?/;

/** Directives that open a block collected up to its .endm/.endr. */
const BLOCK_OPENERS: ReadonlyMap<string, 'macro' | 'repeat'> = new Map([
  ['.macro', 'macro'], ['.rept', 'repeat'], ['.irp', 'repeat'], ['.irpc', 'repeat'],
]);

interface InputFrame {
  lines: SourceLine[];
  next: number;
  kind: 'file' | 'macro' | 'repeat';
  /** Depth of the conditional stack when the frame started (restored by .exitm). */
  condDepth: number;
  /** How many times this frame's lines are read in all: the product of the counts of the
   *  repetitions it is inside (1 outside any). */
  times?: number;
}

/** A .macro or .rept/.irp body being collected up to its .endm/.endr. */
interface BodyCollector {
  kind: 'macro' | 'repeat';
  what: string;
  start: SourceLine;
  col: number;
  seq: number;
  depth: number;
  body: SourceLine[];
  finish(body: SourceLine[]): void;
}

function firstTextCol(line: SourceLine): number {
  return line.col + (line.text.length - line.text.trimStart().length);
}

/** Where the line map puts a line: macro expansions are attributed to their outermost call. */
function mapLocation(line: SourceLine): SourceLoc {
  let loc: SourceLoc = { file: line.file, line: line.line };
  for (let e: Expansion | undefined = line.expansion; e !== undefined; e = e.outer) loc = e.at;
  return loc;
}

function expansionNote(e: Expansion | undefined): string {
  let note = '';
  for (; e !== undefined; e = e.outer) note += ` (in ${e.what} at ${e.at.file}:${e.at.line})`;
  return note;
}

export class Assembler implements DirectiveHost {
  private readonly diags = new DiagnosticSink();
  private readonly symbols = new SymbolTable();
  private readonly sections = new Map<string, Section>();
  private readonly clock = new UseClock();
  private section: Section;
  private previous: Section | undefined;
  private readonly sectionStack: { section: Section; previous: Section | undefined }[] = [];
  private readonly conds = new Conditionals();
  private readonly macros = new Map<string, MacroDef>();
  private collector: BodyCollector | undefined;
  private readonly input: InputFrame[] = [];
  private readonly fixups: Fixup[] = [];
  private readonly insnLines: { sec: Section; off: number; loc: SourceLoc }[] = [];
  private readonly pcrelHis: { sec: Section; off: number; target: Expr }[] = [];
  private seq = 0;
  private macroCount = 0;
  private ended = false;
  private line: SourceLine = { text: '', file: '', line: 0, col: 1 };
  private readonly base: number;
  private readonly fileName: string;
  private readonly readFile: (p: string) => string;

  /** Pass-1 evaluation: labels are section-relative, later symbols are not known yet. */
  private readonly env1: EvalEnv = {
    symbol: (name, display) => {
      const v = this.symbols.get(name)?.value;
      if (v === undefined) throw new NotYetKnown('symbol', display);
      return v;
    },
    dot: () => this.dot(),
    sectionAddr: (sec) => {
      throw new NotYetKnown('address', sec);
    },
  };

  private readonly conditionHost: ConditionHost = {
    parseExpr: (cur) => this.parseExpr(cur),
    constant: (e, what, col) => this.constant(e, what, col),
    isDefined: (name) => this.symbols.get(name) !== undefined,
  };

  private readonly operandCtx: OperandParseContext = {
    localLabel: (n, dir, col) => this.symbols.localRef(n, dir, col),
    isDefined: (name) => this.symbols.get(name) !== undefined,
  };

  constructor(opts: AsmOptions) {
    this.base = opts.base ?? DEFAULT_BASE;
    if (!Number.isInteger(this.base) || this.base < 0 || this.base >= 2 ** 32) {
      throw new RangeError(`base address must be an integer in [0, 0xffffffff], got ${this.base}`);
    }
    this.fileName = opts.fileName ?? DEFAULT_FILE_NAME;
    this.readFile = opts.readFile ?? ((p) => fs.readFileSync(p, 'utf8'));
    for (const [name, value] of Object.entries(opts.defines ?? {})) {
      if (!Number.isInteger(value)) throw new RangeError(`define ${name} must be an integer, got ${value}`);
      this.symbols.defineSymbol(name, 'set', { value: { sec: null, off: BigInt(value) } },
        { file: '<defines>', line: 0, col: 0, seq: 0 });
    }
    this.section = this.getSection('.text');
  }

  run(source: string): AsmResult {
    this.pushFile(source, this.fileName);
    this.readAll();
    const result = resolve({
      sections: [...this.sections.values()], symbols: this.symbols, fixups: this.fixups, insnLines: this.insnLines,
      pcrelHis: this.pcrelHis, base: this.base, fileName: this.fileName,
    }, (e, line, seq) => this.report(e, line, seq));
    if (this.diags.count > 0) throw new AsmError(this.diags.sorted());
    return result;
  }

  // ---- pass 1: reading statements -----------------------------------------------------------

  private pushFile(text: string, file: string): void {
    const lines = splitSource(text, file, (line, col, message) =>
      this.diags.add(++this.seq, { file, line, col, message }));
    this.input.push({ lines, next: 0, kind: 'file', condDepth: this.conds.depth });
  }

  private readAll(): void {
    while (this.input.length > 0 && !this.ended) {
      const frame = this.input[this.input.length - 1] as InputFrame;
      const line = frame.lines[frame.next++];
      if (line === undefined) {
        this.input.pop();
        continue;
      }
      const seq = ++this.seq;
      this.line = line;
      try {
        this.statement(line, seq);
      } catch (e) {
        this.report(e, line, seq);
      }
    }
    const c = this.collector;
    if (c !== undefined) {
      this.report(new SourceError(`${c.what} is never closed (missing ${c.kind === 'macro' ? '.endm' : '.endr'})`, c.col), c.start, c.seq);
    }
    for (const open of this.conds.unterminated()) {
      this.diags.add(0, { ...open, message: '.if without matching .endif' });
    }
  }

  private report(e: unknown, line: SourceLine, seq: number): void {
    let message: string;
    let col: number | undefined;
    if (e instanceof SourceError) {
      message = e.message;
      col = e.col;
    } else if (e instanceof NotYetKnown) {
      message = e.message;
    } else {
      // A bug in the assembler must not become a stack trace for the user.
      message = `internal assembler error: ${e instanceof Error ? e.message : String(e)}`;
    }
    this.diags.add(seq, {
      file: line.file, line: line.line, col: col ?? firstTextCol(line), message: message + expansionNote(line.expansion),
    });
  }

  private statement(line: SourceLine, seq: number): void {
    const word = LEADING_WORD.exec(line.text)?.[1]?.toLowerCase();
    if (this.collector !== undefined) {
      this.collect(this.collector, line, word);
      return;
    }
    if (word !== undefined && CONDITIONAL_DIRECTIVES.has(word)) {
      this.conditional(line, word);
      return;
    }
    if (!this.conds.active) return;

    const tokens = lex(line.text, line.col);
    const cur = new Cursor(tokens, line.col + line.text.trimEnd().length);
    this.labels(cur, line, seq);
    if (cur.atEnd()) return;
    const head = cur.next();
    if (head.kind !== 'ident') {
      throw new SourceError(`expected an instruction or directive, found '${head.text}'`, head.col);
    }
    if (cur.isPunct('=')) {
      cur.next();
      const e = this.parseExpr(cur);
      cur.expectEnd();
      // `. = expr` moves the location counter, as .org does.
      if (head.text === '.') this.org(e, 0, head.col);
      else this.setSymbol(head.text, e, 'set', head.col);
      return;
    }
    const lower = head.text.toLowerCase();
    const rest = line.text.slice(head.end);
    const args = new Cursor(tokens.slice(cur.pos), cur.endCol);
    if (lower.startsWith('.')) {
      const handler = DIRECTIVES.get(lower);
      if (handler !== undefined) {
        try {
          handler(this, { name: lower, args, rest, col: head.col });
        } catch (e) {
          // A block whose opening line is in error still has a body: skip it up to its end,
          // rather than assembling it and then complaining about a stray .endm/.endr.
          const kind = BLOCK_OPENERS.get(lower);
          if (kind !== undefined && this.collector === undefined) this.startCollecting(kind, lower, head.col, () => undefined);
          throw e;
        }
        return;
      }
      if (isIgnoredDirective(lower)) return;
    }
    const macro = this.macros.get(head.text);
    if (macro !== undefined) {
      this.invokeMacro(macro, rest, line, head.col);
      return;
    }
    if (lower.startsWith('.')) {
      const known = [...DIRECTIVES.keys(), ...CONDITIONAL_DIRECTIVES];
      throw new SourceError(`unknown directive '${head.text}'${didYouMean(lower, known)}`, head.col);
    }
    if (!isMnemonic(lower)) {
      const hint = didYouMean(lower, [...MNEMONICS, ...this.macros.keys()]);
      throw new SourceError(`unknown instruction '${head.text}'${hint}`, head.col);
    }
    this.instruction(lower, args, head.col);
  }

  private labels(cur: Cursor, line: SourceLine, seq: number): void {
    for (;;) {
      const t = cur.peek();
      if (t === undefined || !cur.isPunct(':', 1)) return;
      const loc: DefLoc = { file: line.file, line: line.line, col: t.col, seq };
      if (t.kind === 'ident') {
        this.symbols.defineLabel(t.text, this.dot(), loc);
      } else if (t.kind === 'num' && /^[0-9]+$/.test(t.text)) {
        this.symbols.defineLocal(Number(t.text), this.dot(), loc);
      } else {
        throw new SourceError(`'${t.text}' cannot be a label`, t.col);
      }
      this.section.markLabel();
      cur.pos += 2;
    }
  }

  private dot(): Value {
    return { sec: this.section.name, off: BigInt(this.section.size) };
  }

  // ---- instructions -------------------------------------------------------------------------

  private instruction(mnemonic: string, args: Cursor, col: number): void {
    const here = this.dot();
    const x: ExpandContext = {
      here,
      constant: (e, what, c) => this.constant(e, what, c),
      knownConstant: (e) => {
        try {
          const v = evaluate(e, this.env1);
          return v.sec === null ? v.off : undefined;
        } catch (err) {
          if (err instanceof NotYetKnown) return undefined;
          throw err;
        }
      },
    };
    const insns = assembleInstruction(mnemonic, args.splitCommas(), this.operandCtx, x, col);
    // Freeze before emitting: `.` in any operand is the address of the statement's first word.
    const frozen = insns.map((m) => {
      const f: MachineInsn = { ...m };
      if (m.imm !== undefined) f.imm = freeze(m.imm, this.env1);
      if (m.csr !== undefined) f.csr = freeze(m.csr, this.env1);
      return f;
    });
    if (this.section.attrs.nobits) {
      throw new SourceError(`instructions cannot go in ${this.section.name} (a zero-initialised section)`, col);
    }
    for (const m of frozen) {
      const off = this.section.append(new Uint8Array(INSN_BYTES));
      this.fixups.push({ kind: 'insn', sec: this.section, off, insn: m, line: this.line, seq: this.seq, col });
      this.insnLines.push({ sec: this.section, off, loc: mapLocation(this.line) });
      if (m.imm?.kind === 'reloc' && m.imm.op === 'pcrel_hi') {
        this.pcrelHis.push({ sec: this.section, off, target: m.imm.arg });
      }
    }
  }

  // ---- DirectiveHost ------------------------------------------------------------------------

  parseExpr(cur: Cursor): Expr {
    return parseExpr(cur, this.operandCtx);
  }

  constant(e: Expr, what: string, col: number): bigint {
    let v: Value;
    try {
      v = evaluate(e, this.env1);
    } catch (err) {
      if (!(err instanceof NotYetKnown)) throw err;
      if (err.reason === 'symbol') {
        throw new SourceError(`${what} needs a value known at this point, but '${err.what}' is not defined before this line`, col);
      }
      throw new SourceError(`${what} needs a constant, but this value depends on an address`, col);
    }
    if (v.sec !== null) {
      const hint = what === 'li' ? ' (use la to load an address)' : '';
      throw new SourceError(`${what} needs a constant, but the value is an address in ${v.sec}${hint}`, col);
    }
    return v.off;
  }

  emitData(width: number, e: Expr, col: number): void {
    const frozen = freeze(e, this.env1);
    if (this.section.attrs.nobits) {
      if (this.constant(frozen, 'data in a zero-initialised section', col) !== 0n) {
        throw new SourceError(`cannot put non-zero data in ${this.section.name}, which is zero-initialised`, col);
      }
      this.section.reserve(width);
      return;
    }
    const off = this.section.append(new Uint8Array(width));
    this.fixups.push({ kind: 'data', sec: this.section, off, width, expr: frozen, line: this.line, seq: this.seq, col });
  }

  emitBytes(bytes: ArrayLike<number>): void {
    this.section.append(bytes);
  }

  reserve(n: number, fill: number): void {
    this.section.reserve(n, fill);
  }

  align(boundary: number, fill: number | undefined, maxSkip: number | undefined): void {
    const s = this.section;
    const pad = (boundary - (s.size % boundary)) % boundary;
    const skip = pad === 0 || (maxSkip !== undefined && pad > maxSkip);
    if (!skip && fill !== undefined) s.reserve(pad, fill);
    // As GNU as without RVC: aligning code to no more than an instruction adds nothing.
    else if (!skip && s.attrs.code) {
      if (boundary > INSN_BYTES) s.padCode(pad);
    } else if (!skip) s.reserve(pad);
    // Raised only once the padding fitted: a refused alignment must not pad the section's end.
    s.align = Math.max(s.align, boundary);
  }

  org(target: Expr, fill: number, col: number): void {
    const v = evaluate(freeze(target, this.env1), this.env1);
    if (v.sec !== null && v.sec !== this.section.name) {
      throw new SourceError(`.org target is in ${v.sec}, not the current section ${this.section.name}`, col);
    }
    const to = Number(v.off);
    const size = this.section.size;
    if (to < size) {
      throw new SourceError(`.org would move the location counter backwards (from offset ${size} to ${to})`, col);
    }
    this.section.reserve(to - size, fill);
  }

  private getSection(name: string, flags?: string, type?: string): Section {
    let s = this.sections.get(name);
    if (s === undefined) {
      s = new Section(name, sectionAttributes(name, flags, type), this.clock);
      this.sections.set(name, s);
    }
    return s;
  }

  switchSection(name: string, flags?: string, type?: string): void {
    const s = this.getSection(name, flags, type);
    this.previous = this.section;
    this.section = s;
  }

  pushSection(): void {
    this.sectionStack.push({ section: this.section, previous: this.previous });
  }

  popSection(col: number): void {
    const top = this.sectionStack.pop();
    if (top === undefined) throw new SourceError('.popsection without .pushsection', col);
    this.section = top.section;
    this.previous = top.previous;
  }

  previousSection(col: number): void {
    if (this.previous === undefined) throw new SourceError('.previous: there is no previous section', col);
    [this.section, this.previous] = [this.previous, this.section];
  }

  setSymbol(name: string, e: Expr, kind: 'set' | 'equiv', col: number): void {
    const loc: DefLoc = { file: this.line.file, line: this.line.line, col, seq: this.seq };
    const frozen = freeze(e, this.env1);
    try {
      this.symbols.defineSymbol(name, kind, { value: evaluate(frozen, this.env1) }, loc);
    } catch (err) {
      if (!(err instanceof NotYetKnown)) throw err;
      // Refers to symbols defined further on: evaluated after layout.
      this.symbols.defineSymbol(name, kind, { expr: frozen }, loc);
    }
  }

  setBinding(name: string, global: boolean): void {
    this.symbols.setBinding(name, global);
  }

  allocateCommon(name: string, size: number, align: number, global: boolean, col: number): void {
    const saved = this.section;
    this.section = this.getSection('.bss');
    try {
      this.align(align, undefined, undefined);
      this.symbols.defineLabel(name, this.dot(), { file: this.line.file, line: this.line.line, col, seq: this.seq });
      this.section.markLabel();
      this.section.reserve(size);
    } finally {
      this.section = saved;
    }
    if (global) this.symbols.setBinding(name, true);
  }

  include(file: string, col: number): void {
    if (this.input.filter((f) => f.kind === 'file').length >= MAX_INCLUDE_DEPTH) {
      throw new SourceError(`.include nested more than ${MAX_INCLUDE_DEPTH} deep (does a file include itself?)`, col);
    }
    const full = path.isAbsolute(file) ? file : path.join(path.dirname(this.line.file), file);
    let text: string;
    try {
      text = this.readFile(full);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new SourceError(`cannot read include file '${file}': ${why}`, col);
    }
    this.pushFile(text, full);
  }

  beginMacro(header: string, col: number): void {
    const { name, params } = parseMacroHeader(header, col);
    if (this.macros.has(name)) {
      const old = this.macros.get(name) as MacroDef;
      throw new SourceError(`macro '${name}' is already defined (at ${old.loc.file}:${old.loc.line})`, col);
    }
    const loc = { file: this.line.file, line: this.line.line };
    this.startCollecting('macro', `.macro ${name}`, col, (body) => this.macros.set(name, { name, params, body, loc }));
  }

  beginRepeat(count: number, col: number): void {
    const at = { file: this.line.file, line: this.line.line };
    const outer = this.line.expansion;
    this.startCollecting('repeat', '.rept', col, (body) => {
      const expansion: Expansion = { what: '.rept', at, ...(outer ? { outer } : {}) };
      if (!this.chargeRepetition(count, body.length, col)) return;
      const lines: SourceLine[] = [];
      for (let i = 0; i < count; i++) lines.push(...expandBody(body, expansion, (t) => t));
      this.pushExpansion(lines, 'repeat', col, count);
    });
  }

  beginIrp(param: string, values: string[], col: number): void {
    const at = { file: this.line.file, line: this.line.line };
    const outer = this.line.expansion;
    this.startCollecting('repeat', '.irp', col, (body) => {
      const expansion: Expansion = { what: '.irp', at, ...(outer ? { outer } : {}) };
      if (!this.chargeRepetition(values.length, body.length, col)) return;
      const lines: SourceLine[] = [];
      for (const v of values) lines.push(...expandBody(body, expansion, (t) => substitute(t, new Map([[param, v]]), undefined)));
      this.pushExpansion(lines, 'repeat', col, values.length);
    });
  }

  private repeatedLines = 0;

  /**
   * Counts the lines a repetition is about to produce; false (expand nothing) once past the
   * budget. A repetition inside others is refused at its first expansion when all of them
   * together would pass it (count × body × the enclosing counts), not after hours of work.
   * The first overflow is reported; later ones are its consequences and stay quiet.
   */
  private chargeRepetition(count: number, bodyLines: number, col: number): boolean {
    const before = this.repeatedLines;
    this.repeatedLines += count * bodyLines;
    const projected = count * bodyLines * this.times;
    if (this.repeatedLines <= MAX_REPEATED_LINES && projected <= MAX_REPEATED_LINES) return true;
    if (before > MAX_REPEATED_LINES) return false;
    this.repeatedLines = MAX_REPEATED_LINES + 1;
    throw new SourceError(`repetitions (.rept/.irp, nested ones multiplied) would expand to more than ${MAX_REPEATED_LINES.toLocaleString('en-US')} lines`, col);
  }

  private startCollecting(kind: 'macro' | 'repeat', what: string, col: number, finish: (body: SourceLine[]) => void): void {
    this.collector = { kind, what, start: this.line, col, seq: this.seq, depth: 1, body: [], finish };
  }

  private collect(c: BodyCollector, line: SourceLine, word: string | undefined): void {
    const opens = c.kind === 'macro' ? word === '.macro' : word === '.rept' || word === '.irp' || word === '.irpc';
    const closes = word === (c.kind === 'macro' ? '.endm' : '.endr');
    if (opens) c.depth++;
    if (closes && --c.depth === 0) {
      this.collector = undefined;
      c.finish(c.body);
      return;
    }
    c.body.push(line);
  }

  /** How many times the line being read is read in all (the enclosing repetitions' product). */
  private get times(): number {
    return this.input[this.input.length - 1]?.times ?? 1;
  }

  private pushExpansion(lines: SourceLine[], kind: 'macro' | 'repeat', col: number, count = 1): void {
    if (this.input.filter((f) => f.kind !== 'file').length >= MAX_EXPANSION_DEPTH) {
      throw new SourceError(`macro expansion nested more than ${MAX_EXPANSION_DEPTH} deep (a macro that invokes itself?)`, col);
    }
    this.input.push({ lines, next: 0, kind, condDepth: this.conds.depth, times: this.times * count });
  }

  private invokeMacro(def: MacroDef, rest: string, line: SourceLine, col: number): void {
    const args = bindArguments(def, rest, col);
    const counter = this.macroCount++;
    const expansion: Expansion = {
      what: `macro '${def.name}'`, at: { file: line.file, line: line.line }, ...(line.expansion ? { outer: line.expansion } : {}),
    };
    this.pushExpansion(expandBody(def.body, expansion, (t) => substitute(t, args, counter)), 'macro', col);
  }

  exitMacro(col: number): void {
    const i = this.input.map((f) => f.kind).lastIndexOf('macro');
    if (i === -1) throw new SourceError('.exitm outside a macro', col);
    const frame = this.input[i] as InputFrame;
    this.input.length = i;
    this.conds.truncate(frame.condDepth);
  }

  purgeMacro(name: string, col: number): void {
    if (!this.macros.delete(name)) throw new SourceError(`.purgem: no macro named '${name}'`, col);
  }

  end(): void {
    this.ended = true;
  }

  // ---- conditionals -------------------------------------------------------------------------

  private conditional(line: SourceLine, word: string): void {
    const at = line.text.toLowerCase().indexOf(word);
    const col = line.col + at;
    const rest = line.text.slice(at + word.length);
    const condition = (): boolean => evaluateCondition(word === '.elseif' ? '.if' : word, rest, col + word.length, this.conditionHost);
    if (word === '.else') this.conds.else(col);
    else if (word === '.endif') this.conds.close(col);
    else if (word === '.elseif') this.conds.elseIf(condition, col);
    else this.conds.open(condition, { file: line.file, line: line.line, col });
  }
}
