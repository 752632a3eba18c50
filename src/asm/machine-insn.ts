/**
 * What the assembler turns an instruction statement into: one or more MachineInsns — a row of
 * the ISA table plus operand values, immediates still as expressions — encoded after layout
 * by the ISA's encode(). Forms describe the operand syntaxes a mnemonic accepts and how each
 * becomes MachineInsns; real instructions get theirs from the table, pseudo-instructions from
 * pseudo.ts.
 */
import { BY_MNEMONIC, type InstructionSpec } from '../isa/instructions.js';
import type { Expr, Value } from './expr.js';
import { operandDisplay, operandSyntax, type Operand, type OperandSyntax } from './operands.js';

export interface MachineInsn {
  spec: InstructionSpec;
  rd?: number;
  rs1?: number;
  rs2?: number;
  /** Immediate, offset, or — for branches and jal — the absolute target address. */
  imm?: Expr;
  csr?: Expr;
  pred?: number;
  succ?: number;
  aq?: boolean;
  rl?: boolean;
}

/** What pseudo-instruction expansions may ask of the assembler while the statement is read. */
export interface ExpandContext {
  /** The value of `e` now; it must be an absolute constant known at this point (li's rule). */
  constant(e: Expr, what: string, col: number): bigint;
  /** The value of `e` if it is already known to be an absolute constant, else undefined. */
  knownConstant(e: Expr): bigint | undefined;
  /** Location of the expansion's first instruction, the auipc a `%pcrel_lo` refers to. */
  readonly here: Value;
}

/** A statement's parsed operands, looked up by the names the form gave them. */
export class Operands {
  constructor(private readonly names: readonly string[], private readonly values: readonly Operand[]) {}

  private get(name: string): Operand {
    const i = this.names.indexOf(name);
    const v = this.values[i];
    if (v === undefined) throw new Error(`form has no operand '${name}'`); // a table bug
    return v;
  }

  col(name: string): number {
    return this.get(name).col;
  }

  reg(name: string): number {
    const o = this.get(name);
    if (o.kind !== 'reg') throw new Error(`operand '${name}' is not a register`);
    return o.reg;
  }

  expr(name: string): Expr {
    const o = this.get(name);
    if (o.kind !== 'expr') throw new Error(`operand '${name}' is not an expression`);
    return o.expr;
  }

  mem(name: string): { offset: Expr; base: number } {
    const o = this.get(name);
    if (o.kind !== 'mem') throw new Error(`operand '${name}' is not a memory operand`);
    return o;
  }

  csr(name: string): Expr {
    const o = this.get(name);
    if (o.kind !== 'csr') throw new Error(`operand '${name}' is not a CSR`);
    return o.csr;
  }

  fence(name: string): number {
    const o = this.get(name);
    if (o.kind !== 'fence') throw new Error(`operand '${name}' is not a fence set`);
    return o.set;
  }
}

export interface Form {
  /** Operand names, in order (`rd`, `rs1`, `imm`…), which fix each operand's syntax. */
  readonly names: readonly string[];
  readonly syntax: readonly OperandSyntax[];
  /** e.g. `rd, offset(rs1)`, for messages. */
  readonly usage: string;
  build(o: Operands, x: ExpandContext): MachineInsn[];
}

/** A form from an operand list written as in the manuals: `'rd, rs1, imm'`. */
export function form(operands: string, build: (o: Operands, x: ExpandContext) => MachineInsn[]): Form {
  const names = operands.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return {
    names,
    syntax: names.map(operandSyntax),
    usage: names.map(operandDisplay).join(', '),
    build,
  };
}

/** The table row of a real mnemonic (throws on a typo in the pseudo table, at load time). */
export function spec(mnemonic: string): InstructionSpec {
  const s = BY_MNEMONIC.get(mnemonic);
  if (s === undefined) throw new Error(`no instruction '${mnemonic}' in the ISA table`);
  return s;
}

/** A MachineInsn of a real mnemonic. */
export function insn(mnemonic: string, fields: Omit<MachineInsn, 'spec'>): MachineInsn {
  return { spec: spec(mnemonic), ...fields };
}

/** The form of a real instruction, straight from its table row. */
export function tableForm(s: InstructionSpec, ordering: { aq: boolean; rl: boolean } = { aq: false, rl: false }): Form {
  return form(s.operands.join(', '), (o) => {
    const m: MachineInsn = { spec: s };
    for (const name of s.operands) {
      switch (name) {
        case 'rd': m.rd = o.reg(name); break;
        case 'rs1': m.rs1 = o.reg(name); break;
        case 'rs2': m.rs2 = o.reg(name); break;
        case 'imm': case 'shamt': case 'uimm20': case 'zimm': case 'target':
          m.imm = o.expr(name);
          break;
        case 'mem': case 'amem': {
          const { offset, base } = o.mem(name);
          m.rs1 = base;
          if (name === 'mem') m.imm = offset;
          break;
        }
        case 'csr': m.csr = o.csr(name); break;
        case 'pred': m.pred = o.fence(name); break;
        case 'succ': m.succ = o.fence(name); break;
      }
    }
    if (ordering.aq) m.aq = true;
    if (ordering.rl) m.rl = true;
    return [m];
  });
}
