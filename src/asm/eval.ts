/**
 * Expression evaluation, in GNU as's 64-bit arithmetic.
 *
 * Evaluation happens at two times. While statements are read (pass 1) section addresses are
 * not yet fixed, so a label is a section-relative value; sums and differences of those stay
 * exact (`end - start` is a constant), while anything needing an absolute address raises
 * NotYetKnown and the statement is finished after layout. After layout (pass 2) every value
 * has an address, so — there being no linker — any arithmetic on addresses is allowed.
 */
import { SourceError } from './diagnostics.js';
import type { BinaryOp, Expr, Value } from './expr.js';

/** Raised in pass 1 for a value that cannot be known yet. */
export class NotYetKnown extends Error {
  /** `symbol`: `name` is defined later (or never); `address`: needs the address of section `name`. */
  constructor(readonly reason: 'symbol' | 'address', readonly what: string) {
    super(reason === 'symbol' ? `'${what}' is not defined yet` : `the address of ${what} is not known yet`);
  }
}

export interface EvalEnv {
  /** A symbol's value; throws NotYetKnown (pass 1) or SourceError (undefined, pass 2). */
  symbol(name: string, display: string, col: number): Value;
  /** The location counter. */
  dot(): Value;
  /** A section's address; throws NotYetKnown before layout. */
  sectionAddr(sec: string): bigint;
  /** Address of the instruction being encoded; only instruction operands have one. */
  readonly pc?: bigint;
  /** The target of the `%pcrel_hi` of the auipc at `addr` (for `%pcrel_lo`). */
  pcrelHiTarget?(addr: bigint, col: number): bigint;
}

const wrap = (x: bigint): bigint => BigInt.asIntN(64, x);
const abs = (off: bigint): Value => ({ sec: null, off: wrap(off) });
const TRUE = -1n; // GNU as: comparisons give all ones for true
const SHIFT_LIMIT = 64n;
const COMPARISONS: ReadonlySet<BinaryOp> = new Set(['==', '!=', '<', '<=', '>', '>=']);

/** The absolute address/number of a value. */
export function absolute(v: Value, env: EvalEnv): bigint {
  return v.sec === null ? v.off : wrap(env.sectionAddr(v.sec) + v.off);
}

export function evaluate(e: Expr, env: EvalEnv): Value {
  switch (e.kind) {
    case 'num':
      return abs(e.value);
    case 'value':
      return e.value;
    case 'dot':
      return env.dot();
    case 'sym':
      return env.symbol(e.name, e.display, e.col);
    case 'unary': {
      const v = evaluate(e.arg, env);
      if (e.op === '+') return v;
      const x = absolute(v, env);
      if (e.op === '-') return abs(-x);
      if (e.op === '~') return abs(~x);
      return abs(x === 0n ? 1n : 0n);
    }
    case 'binary':
      return binary(e.op, evaluate(e.left, env), evaluate(e.right, env), env, e.opCol);
    case 'reloc':
      return abs(relocation(e, env));
  }
}

function binary(op: BinaryOp, l: Value, r: Value, env: EvalEnv, col: number): Value {
  // Section-relative arithmetic that stays exact before layout.
  if (op === '+' && (l.sec === null || r.sec === null)) {
    return { sec: l.sec ?? r.sec, off: wrap(l.off + r.off) };
  }
  if (op === '-' && r.sec === null) return { sec: l.sec, off: wrap(l.off - r.off) };
  if (op === '-' && l.sec === r.sec) return abs(l.off - r.off);
  // Comparing two labels of one section needs only their offsets; all else needs addresses.
  const offsetsSuffice = l.sec === r.sec && COMPARISONS.has(op);
  const a = offsetsSuffice ? l.off : absolute(l, env);
  const b = offsetsSuffice ? r.off : absolute(r, env);
  switch (op) {
    case '+': return abs(a + b);
    case '-': return abs(a - b);
    case '*': return abs(a * b);
    case '/':
      if (b === 0n) throw new SourceError('division by zero', col);
      return abs(a / b);
    case '%':
      if (b === 0n) throw new SourceError('division by zero', col);
      return abs(a % b);
    case '<<': return abs(b < 0n || b >= SHIFT_LIMIT ? 0n : a << b);
    // Arithmetic, as in C (GNU as shifts the 64-bit value as unsigned: see expr.ts).
    case '>>': return abs(b < 0n || b >= SHIFT_LIMIT ? (a < 0n ? -1n : 0n) : a >> b);
    case '&': return abs(a & b);
    case '|': return abs(a | b);
    case '^': return abs(a ^ b);
    case '==': return abs(a === b ? TRUE : 0n);
    case '!=': return abs(a !== b ? TRUE : 0n);
    case '<': return abs(a < b ? TRUE : 0n);
    case '<=': return abs(a <= b ? TRUE : 0n);
    case '>': return abs(a > b ? TRUE : 0n);
    case '>=': return abs(a >= b ? TRUE : 0n);
    case '&&': return abs(a !== 0n && b !== 0n ? 1n : 0n);
    case '||': return abs(a !== 0n || b !== 0n ? 1n : 0n);
  }
}

const LO12_SIGN = 0x800n;
const LO12_MASK = 0xfffn;
const HI20_MASK = 0xfffffn;

/** The sign-extended low 12 bits, as addi/load/store add them. */
export function lo12(x: bigint): bigint {
  return ((x & LO12_MASK) ^ LO12_SIGN) - LO12_SIGN;
}

/** The upper 20 bits that, with lo12 added, rebuild x (mod 2^32). */
export function hi20(x: bigint): bigint {
  return ((BigInt.asUintN(32, x) + LO12_SIGN) >> 12n) & HI20_MASK;
}

function relocation(e: Extract<Expr, { kind: 'reloc' }>, env: EvalEnv): bigint {
  const x = absolute(evaluate(e.arg, env), env);
  switch (e.op) {
    case 'hi':
      return hi20(x);
    case 'lo':
      return lo12(x);
    case 'pcrel_hi':
      if (env.pc === undefined) throw new SourceError('%pcrel_hi is only allowed in an instruction operand', e.col);
      return hi20(x - env.pc);
    case 'pcrel_lo': {
      if (env.pcrelHiTarget === undefined) {
        throw new SourceError('%pcrel_lo is only allowed in an instruction operand', e.col);
      }
      // The operand names the auipc; the offset is from the auipc to its %pcrel_hi target.
      return lo12(env.pcrelHiTarget(x, e.col) - x);
    }
  }
}

/**
 * Replaces every symbol that already has a value, and `.`, by that value. A statement's
 * expressions are frozen when it is read, so a later `.set` of the same symbol does not change
 * them (GNU as's semantics), while symbols defined further on stay symbolic until pass 2.
 */
export function freeze(e: Expr, env: EvalEnv): Expr {
  switch (e.kind) {
    case 'sym':
      try {
        return { kind: 'value', value: env.symbol(e.name, e.display, e.col), col: e.col };
      } catch (err) {
        if (err instanceof NotYetKnown) return e;
        throw err;
      }
    case 'dot':
      return { kind: 'value', value: env.dot(), col: e.col };
    case 'unary':
      return { ...e, arg: freeze(e.arg, env) };
    case 'reloc':
      return { ...e, arg: freeze(e.arg, env) };
    case 'binary':
      return { ...e, left: freeze(e.left, env), right: freeze(e.right, env) };
    default:
      return e;
  }
}
