/**
 * A deliberately small two-pass assembler for the machine tests, built on the ISA table's
 * encoder. It exists so the hart's tests can be written as readable assembly before (and
 * independently of) pvlab's real assembler in src/asm.
 *
 * Supported: one section laid out in source order; labels, numeric local labels (1: / 1f / 1b);
 * every instruction of the table with its operand syntax; the common pseudo-instructions (li,
 * la, mv, not, neg, seqz, snez, j, jr, ret, call, tail, nop, beqz/bnez/..., bgt/ble/...,
 * csrr/csrw/csrs/csrc and immediate forms, fence with no operands, sfence.vma with 0/1
 * operands, rdcycle/rdtime/rdinstret[h]); %hi/%lo; .word/.half/.byte/.ascii/.asciz/.string/
 * .space/.zero/.align/.p2align/.balign/.equ/.set; .text/.data/.globl/.section are accepted and
 * ignored. Expressions: + - * / % << >> & | ^ ~ and parentheses over numbers and symbols.
 */
import { encode } from '../../src/isa/encode.js';
import { BY_MNEMONIC, type InstructionSpec } from '../../src/isa/instructions.js';
import { csrByName } from '../../src/isa/csr.js';

const ABI = [
  'zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6',
];

export function regNum(name: string): number {
  const n = name.trim().toLowerCase();
  if (n === 'fp') return 8;
  const abi = ABI.indexOf(n);
  if (abi >= 0) return abi;
  const m = /^x(\d+)$/.exec(n);
  if (m && Number(m[1]) < 32) return Number(m[1]);
  throw new Error(`not a register: ${name}`);
}

export interface MiniAsmResult {
  base: number;
  bytes: Uint8Array;
  symbols: Map<string, number>;
}

interface Stmt {
  line: number;
  text: string;
  op: string;
  args: string[];
  raw: string;
  index: number;
  addr: number;
  size: number;
}

class Ctx {
  symbols = new Map<string, number>();
  locals = new Map<string, { index: number; addr: number }[]>();
  pass = 1;
  constructor(public pc: number, public index: number) {}
}

// ---- expressions -------------------------------------------------------------------------

function evaluate(src: string, ctx: Ctx): number {
  const toks = src.match(/%hi|%lo|0x[0-9a-fA-F]+|0b[01]+|\d+[fb]\b|\d+|[A-Za-z_.$][\w.$]*|<<|>>|'.'|\S/g) ?? [];
  let i = 0;
  const peek = (): string | undefined => toks[i];
  const next = (): string => {
    const t = toks[i++];
    if (t === undefined) throw new Error(`unexpected end of expression: ${src}`);
    return t;
  };
  const primary = (): number => {
    const t = next();
    if (t === '(') {
      const v = binary(0);
      if (next() !== ')') throw new Error(`missing ) in ${src}`);
      return v;
    }
    if (t === '-') return -primary();
    if (t === '+') return primary();
    if (t === '~') return ~primary();
    if (t === '%hi' || t === '%lo') {
      if (next() !== '(') throw new Error(`${t} needs parentheses`);
      const v = binary(0);
      if (next() !== ')') throw new Error(`missing ) in ${src}`);
      const lo = (v << 20) >> 20;
      return t === '%lo' ? lo : ((v - lo) >>> 12) & 0xfffff;
    }
    if (/^0x/i.test(t)) return parseInt(t.slice(2), 16);
    if (/^0b/.test(t)) return parseInt(t.slice(2), 2);
    if (/^'.'$/.test(t)) return t.charCodeAt(1);
    const local = /^(\d+)([fb])$/.exec(t);
    if (local) return resolveLocal(local[1] as string, local[2] as 'f' | 'b', ctx);
    if (/^\d+$/.test(t)) return parseInt(t, 10);
    if (t === '.') return ctx.pc;
    const v = ctx.symbols.get(t);
    if (v === undefined) {
      if (ctx.pass === 1) return 0;
      throw new Error(`undefined symbol ${t}`);
    }
    return v;
  };
  const PREC: Record<string, number> = { '|': 1, '^': 2, '&': 3, '<<': 4, '>>': 4, '+': 5, '-': 5, '*': 6, '/': 6, '%': 6 };
  const binary = (min: number): number => {
    let lhs = primary();
    for (;;) {
      const op = peek();
      const p = op === undefined ? undefined : PREC[op];
      if (op === undefined || p === undefined || p < min) return lhs;
      next();
      const rhs = binary(p + 1);
      switch (op) {
        case '|': lhs = lhs | rhs; break;
        case '^': lhs = lhs ^ rhs; break;
        case '&': lhs = lhs & rhs; break;
        case '<<': lhs = lhs << rhs; break;
        case '>>': lhs = lhs >> rhs; break;
        case '+': lhs = lhs + rhs; break;
        case '-': lhs = lhs - rhs; break;
        case '*': lhs = lhs * rhs; break;
        case '/': lhs = Math.trunc(lhs / rhs); break;
        case '%': lhs = lhs % rhs; break;
      }
    }
  };
  const v = binary(0);
  if (i !== toks.length) throw new Error(`trailing junk in expression: ${src}`);
  return v;
}

function resolveLocal(n: string, dir: 'f' | 'b', ctx: Ctx): number {
  const defs = ctx.locals.get(n) ?? [];
  if (dir === 'b') {
    for (let k = defs.length - 1; k >= 0; k--) if ((defs[k] as { index: number }).index <= ctx.index) return (defs[k] as { addr: number }).addr;
  } else {
    for (const d of defs) if (d.index > ctx.index) return d.addr;
  }
  if (ctx.pass === 1) return 0;
  throw new Error(`undefined local label ${n}${dir}`);
}

function isConstant(src: string, ctx: Ctx): boolean {
  try {
    const save = ctx.pass;
    ctx.pass = 2;
    try {
      evaluate(src, ctx);
    } finally {
      ctx.pass = save;
    }
    return true;
  } catch {
    return false;
  }
}

// ---- parsing --------------------------------------------------------------------------------

function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim() !== '') out.push(cur.trim());
  return out;
}

function parseString(s: string): number[] {
  const m = /^"((?:[^"\\]|\\.)*)"$/.exec(s.trim());
  if (!m) throw new Error(`expected a string: ${s}`);
  const body = m[1] as string;
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== '\\') {
      out.push(c.charCodeAt(0));
      continue;
    }
    const e = body[++i];
    const map: Record<string, number> = { n: 10, t: 9, r: 13, '0': 0, '\\': 92, '"': 34 };
    out.push(map[e as string] ?? (e as string).charCodeAt(0));
  }
  return out;
}

// ---- instructions -----------------------------------------------------------------------------

type Word = number;

function fenceSet(s: string): number {
  let v = 0;
  for (const c of s) v |= { i: 8, o: 4, r: 2, w: 1 }[c] ?? 0;
  return v;
}

function encodeReal(spec: InstructionSpec, args: string[], ctx: Ctx): Word {
  const v: Parameters<typeof encode>[1] = {};
  if (spec.operands.length !== args.length) {
    throw new Error(`${spec.mnemonic} takes ${spec.operands.length} operands, got ${args.length}`);
  }
  spec.operands.forEach((kind, k) => {
    const a = args[k] as string;
    switch (kind) {
      case 'rd': v.rd = regNum(a); break;
      case 'rs1': v.rs1 = regNum(a); break;
      case 'rs2': v.rs2 = regNum(a); break;
      case 'imm': case 'shamt': case 'uimm20': case 'zimm': v.imm = ctx.pass === 1 ? 0 : evaluate(a, ctx); break;
      case 'mem': case 'amem': {
        const m = /^(.*)\(\s*([\w]+)\s*\)$/.exec(a);
        if (!m) throw new Error(`expected offset(reg): ${a}`);
        v.rs1 = regNum(m[2] as string);
        v.imm = ctx.pass === 1 || (m[1] as string).trim() === '' ? 0 : evaluate(m[1] as string, ctx);
        break;
      }
      case 'target': v.imm = ctx.pass === 1 ? 0 : evaluate(a, ctx) - ctx.pc; break;
      case 'csr': {
        const n = csrByName(a);
        v.csr = n !== undefined ? n : evaluate(a, ctx);
        break;
      }
      case 'pred': v.pred = fenceSet(a); break;
      case 'succ': v.succ = fenceSet(a); break;
    }
  });
  return encode(spec, v);
}

function insn(mn: string, args: string[], ctx: Ctx): Word {
  const spec = BY_MNEMONIC.get(mn);
  if (!spec) throw new Error(`unknown instruction ${mn}`);
  return encodeReal(spec, args, ctx);
}

const BRANCH_ZERO: Record<string, [string, boolean]> = {
  beqz: ['beq', false], bnez: ['bne', false], bltz: ['blt', false], bgez: ['bge', false],
  blez: ['bge', true], bgtz: ['blt', true],
};
const BRANCH_SWAP: Record<string, string> = { bgt: 'blt', ble: 'bge', bgtu: 'bltu', bleu: 'bgeu' };
const COUNTERS: Record<string, string> = {
  rdcycle: 'cycle', rdtime: 'time', rdinstret: 'instret', rdcycleh: 'cycleh', rdtimeh: 'timeh', rdinstreth: 'instreth',
};

/** Expand one statement to instruction words (pass 1: only the count matters). */
function expand(op: string, a: string[], ctx: Ctx, liSize: number): Word[] {
  const one = (mn: string, args: string[]): Word => insn(mn, args, ctx);
  switch (op) {
    case 'nop': return [one('addi', ['zero', 'zero', '0'])];
    case 'mv': return [one('addi', [a[0]!, a[1]!, '0'])];
    case 'not': return [one('xori', [a[0]!, a[1]!, '-1'])];
    case 'neg': return [one('sub', [a[0]!, 'zero', a[1]!])];
    case 'seqz': return [one('sltiu', [a[0]!, a[1]!, '1'])];
    case 'snez': return [one('sltu', [a[0]!, 'zero', a[1]!])];
    case 'j': return [one('jal', ['zero', a[0]!])];
    case 'jr': return [one('jalr', ['zero', `0(${a[0]!})`])];
    case 'ret': return [one('jalr', ['zero', '0(ra)'])];
    case 'call': return [one('jal', ['ra', a[0]!])];
    case 'tail': return [one('jal', ['zero', a[0]!])];
    case 'jal': return a.length === 1 ? [one('jal', ['ra', a[0]!])] : [one('jal', a)];
    case 'jalr':
      if (a.length === 1) return [one('jalr', ['ra', `0(${a[0]!})`])];
      if (a.length === 3) return [one('jalr', [a[0]!, `${a[2]!}(${a[1]!})`])];
      return [one('jalr', a)];
    case 'fence': return a.length === 0 ? [one('fence', ['iorw', 'iorw'])] : [one('fence', a)];
    case 'sfence.vma':
      return [one('sfence.vma', a.length === 0 ? ['zero', 'zero'] : a.length === 1 ? [a[0]!, 'zero'] : a)];
    case 'csrr': return [one('csrrs', [a[0]!, a[1]!, 'zero'])];
    case 'csrw': return [one('csrrw', ['zero', a[0]!, a[1]!])];
    case 'csrs': return [one('csrrs', ['zero', a[0]!, a[1]!])];
    case 'csrc': return [one('csrrc', ['zero', a[0]!, a[1]!])];
    case 'csrwi': return [one('csrrwi', ['zero', a[0]!, a[1]!])];
    case 'csrsi': return [one('csrrsi', ['zero', a[0]!, a[1]!])];
    case 'csrci': return [one('csrrci', ['zero', a[0]!, a[1]!])];
    case 'li': {
      const v = ctx.pass === 1 ? 0 : evaluate(a[1]!, ctx) | 0;
      if (liSize === 1) return [one('addi', [a[0]!, 'zero', String(v)])];
      const lo = (v << 20) >> 20;
      const hi = ((v - lo) >>> 12) & 0xfffff;
      return [one('lui', [a[0]!, String(hi)]), one('addi', [a[0]!, a[0]!, String(lo)])];
    }
    case 'la': {
      const target = ctx.pass === 1 ? 0 : evaluate(a[1]!, ctx);
      const off = (target - ctx.pc) | 0;
      const lo = (off << 20) >> 20;
      const hi = ((off - lo) >>> 12) & 0xfffff;
      const auipc = one('auipc', [a[0]!, String(hi)]);
      ctx.pc += 4;
      const addi = one('addi', [a[0]!, a[0]!, String(lo)]);
      ctx.pc -= 4;
      return [auipc, addi];
    }
    default: {
      if (op in BRANCH_ZERO) {
        const [mn, swap] = BRANCH_ZERO[op]!;
        return [one(mn, swap ? ['zero', a[0]!, a[1]!] : [a[0]!, 'zero', a[1]!])];
      }
      if (op in BRANCH_SWAP) return [one(BRANCH_SWAP[op]!, [a[1]!, a[0]!, a[2]!])];
      if (op in COUNTERS) return [one('csrrs', [a[0]!, COUNTERS[op]!, 'zero'])];
      return [one(op, a)];
    }
  }
}

// ---- the two passes ---------------------------------------------------------------------

export function miniAssemble(source: string, base = 0x8000_0000): MiniAsmResult {
  const stmts: Stmt[] = [];
  const ctx = new Ctx(base, 0);
  const labelsAt: { name: string; index: number }[] = [];
  source.split('\n').forEach((rawLine, ln) => {
    let text = rawLine.replace(/(#|\/\/).*$/, '');
    // Strings may contain '#': re-take the line for string directives.
    if (/^\s*(\w+:\s*)*\.(ascii|asciz|string)\b/.test(rawLine)) text = rawLine;
    for (;;) {
      const m = /^\s*([A-Za-z_.$][\w.$]*|\d+):/.exec(text);
      if (!m) break;
      labelsAt.push({ name: m[1] as string, index: stmts.length });
      text = text.slice(m[0].length);
    }
    text = text.trim();
    if (text === '') {
      if (labelsAt.length && labelsAt[labelsAt.length - 1]!.index === stmts.length) {
        stmts.push({ line: ln + 1, text: '', op: '', args: [], raw: '', index: stmts.length, addr: 0, size: 0 });
      }
      return;
    }
    const sp = /^(\S+)\s*(.*)$/.exec(text) as RegExpExecArray;
    const op = (sp[1] as string).toLowerCase();
    const rest = sp[2] as string;
    stmts.push({ line: ln + 1, text, op, args: splitArgs(rest), raw: rest, index: stmts.length, addr: 0, size: 0 });
  });
  const labelsByIndex = new Map<number, string[]>();
  for (const l of labelsAt) {
    const arr = labelsByIndex.get(l.index) ?? [];
    arr.push(l.name);
    labelsByIndex.set(l.index, arr);
  }
  const liSizes = new Map<number, number>();

  const run = (pass: number, out: number[] | null): void => {
    ctx.pass = pass;
    ctx.pc = base;
    if (pass === 1) ctx.locals.clear();
    for (const s of stmts) {
      ctx.index = s.index;
      for (const name of labelsByIndex.get(s.index) ?? []) {
        if (/^\d+$/.test(name)) {
          if (pass === 1) {
            const arr = ctx.locals.get(name) ?? [];
            arr.push({ index: s.index, addr: ctx.pc });
            ctx.locals.set(name, arr);
          }
        } else {
          if (pass === 1 && ctx.symbols.has(name)) throw new Error(`line ${s.line}: ${name} redefined`);
          ctx.symbols.set(name, ctx.pc);
        }
      }
      s.addr = ctx.pc;
      const bytes: number[] = [];
      const emitWord = (w: number): void => { bytes.push(w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, (w >>> 24) & 0xff); };
      try {
        if (s.op === '') {
          // label only
        } else if (s.op.startsWith('.')) {
          const padTo = (align: number, fill = 0): void => {
            while ((ctx.pc + bytes.length) % align !== 0) bytes.push(fill);
          };
          switch (s.op) {
            case '.text': case '.data': case '.bss': case '.section': case '.globl': case '.global':
            case '.option': case '.type': case '.size': case '.attribute': case '.file':
              break;
            case '.equ': case '.set':
              ctx.symbols.set(s.args[0]!, evaluate(s.args[1]!, ctx));
              break;
            case '.word': for (const a of s.args) emitWord(pass === 1 ? 0 : evaluate(a, ctx)); break;
            case '.half': for (const a of s.args) { const v = pass === 1 ? 0 : evaluate(a, ctx); bytes.push(v & 0xff, (v >>> 8) & 0xff); } break;
            case '.byte': for (const a of s.args) bytes.push((pass === 1 ? 0 : evaluate(a, ctx)) & 0xff); break;
            case '.ascii': bytes.push(...parseString(s.raw)); break;
            case '.asciz': case '.string': bytes.push(...parseString(s.raw), 0); break;
            case '.space': case '.zero': {
              const n = evaluate(s.args[0]!, ctx);
              const fill = s.args[1] ? evaluate(s.args[1], ctx) : 0;
              for (let k = 0; k < n; k++) bytes.push(fill);
              break;
            }
            case '.align': case '.p2align': padTo(1 << evaluate(s.args[0]!, ctx)); break;
            case '.balign': padTo(evaluate(s.args[0]!, ctx)); break;
            default: throw new Error(`unknown directive ${s.op}`);
          }
        } else {
          let liSize = 2;
          if (s.op === 'li') {
            if (pass === 1) {
              const known = isConstant(s.args[1]!, ctx);
              const v = known ? evaluate(s.args[1]!, ctx) | 0 : 0;
              liSizes.set(s.index, known && v >= -2048 && v < 2048 ? 1 : 2);
            }
            liSize = liSizes.get(s.index)!;
          }
          for (const w of expand(s.op, s.args, ctx, liSize)) emitWord(w);
        }
      } catch (e) {
        throw new Error(`line ${s.line}: ${s.text}: ${(e as Error).message}`);
      }
      if (pass === 1) s.size = bytes.length;
      else if (bytes.length !== s.size) throw new Error(`line ${s.line}: size changed between passes`);
      if (out) out.push(...bytes);
      ctx.pc += bytes.length;
    }
  };
  run(1, null);
  const out: number[] = [];
  run(2, out);
  return { base, bytes: Uint8Array.from(out), symbols: ctx.symbols };
}
