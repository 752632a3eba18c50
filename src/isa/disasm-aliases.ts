/**
 * The pseudo-instruction aliases the disassembler prints, as data.
 *
 * GNU objdump (binutils 2.40) picks, for each word, the first entry of its opcode table
 * (opcodes/riscv-opc.c) whose mask/match fits; alias entries come before the base instruction,
 * so `addi a0,zero,5` prints as `li a0,5`. This file restates the aliases objdump would print
 * for pvlab's instruction table in that same shape — a base row, the extra fields the word must
 * have, and the operand list to print — in objdump's order, so the first rule that matches is
 * objdump's choice. The differential test against objdump (test/isa/objdump.test.ts) checks
 * the order and the conditions on every row.
 */
import { CSR } from './csr.js';
import { BY_MNEMONIC, type InstructionSpec, type OperandKind, type Op } from './instructions.js';

/** Field values an alias requires of the word, in addition to its base row's fixed fields. */
export interface AliasFields {
  rd?: number;
  rs1?: number;
  rs2?: number;
  /** The I-type immediate, as a signed value (the 12-bit field holds it two's-complement). */
  imm?: number;
  /** The CSR number (the same 12-bit field as imm). */
  csr?: number;
  /** The raw imm[11:0] field, for encodings that are neither (fence's fm|pred|succ). */
  imm12?: number;
}

export interface AliasRule {
  /** The table row this alias prints. */
  readonly base: InstructionSpec;
  readonly mnemonic: string;
  /** What to print, in order (kinds as in the instruction table). */
  readonly operands: readonly OperandKind[];
  /** Additional fixed bits beyond the base row's… */
  readonly mask: number;
  /** …and their values. */
  readonly match: number;
}

/** x1 (ra): the link register, which `jal`/`jalr` aliases imply. */
const RA = 1;

const FIELD_RD = { shift: 7, mask: 0x1f };
const FIELD_RS1 = { shift: 15, mask: 0x1f };
const FIELD_RS2 = { shift: 20, mask: 0x1f };
const FIELD_IMM12 = { shift: 20, mask: 0xfff };

/** fence's imm[11:0] with fm = 0 and pred = succ = iorw: objdump prints it as plain `fence`. */
const FENCE_IORW_IORW = 0x0ff;

/** The andi immediate that makes it `zext.b` (objdump lists this alias under the base ISA). */
const ZEXT_B_IMM = 0xff;

function rule(
  baseMnemonic: string, mnemonic: string, operands: OperandKind[], when: AliasFields = {},
): AliasRule {
  const base = BY_MNEMONIC.get(baseMnemonic);
  if (base === undefined) throw new Error(`alias ${mnemonic}: no table row ${baseMnemonic}`);
  let mask = 0;
  let match = 0;
  const fix = (field: { shift: number; mask: number }, value: number | undefined): void => {
    if (value === undefined) return;
    mask |= field.mask << field.shift;
    match |= (value & field.mask) << field.shift;
  };
  fix(FIELD_RD, when.rd);
  fix(FIELD_RS1, when.rs1);
  fix(FIELD_RS2, when.rs2);
  fix(FIELD_IMM12, when.imm ?? when.csr ?? when.imm12);
  return { base, mnemonic, operands, mask: mask >>> 0, match: match >>> 0 };
}

/**
 * Encodings objdump names even under `-M no-aliases`, because in binutils they are real table
 * entries rather than aliases: `csrrw zero,cycle,zero` is the base ISA's designated `unimp`.
 */
export const ALWAYS_RULES: readonly AliasRule[] = [
  rule('csrrw', 'unimp', [], { rd: 0, rs1: 0, csr: CSR.cycle }),
];

/** The unprivileged counters objdump reads with `rdcycle rd` etc. */
const COUNTER_READS = ['cycle', 'time', 'instret', 'cycleh', 'timeh', 'instreth'] as const;

/** Pseudo-instructions objdump prints by default, in its order of preference. */
export const ALIAS_RULES: readonly AliasRule[] = [
  rule('addi', 'nop', [], { rd: 0, rs1: 0, imm: 0 }),
  rule('addi', 'li', ['rd', 'imm'], { rs1: 0 }),
  rule('addi', 'mv', ['rd', 'rs1'], { imm: 0 }),
  // objdump prints the register-immediate ALU operations under the register mnemonic.
  rule('addi', 'add', ['rd', 'rs1', 'imm']),
  rule('xori', 'not', ['rd', 'rs1'], { imm: -1 }),
  rule('xori', 'xor', ['rd', 'rs1', 'imm']),
  rule('ori', 'or', ['rd', 'rs1', 'imm']),
  rule('andi', 'zext.b', ['rd', 'rs1'], { imm: ZEXT_B_IMM }),
  rule('andi', 'and', ['rd', 'rs1', 'imm']),
  rule('slli', 'sll', ['rd', 'rs1', 'shamt']),
  rule('srli', 'srl', ['rd', 'rs1', 'shamt']),
  rule('srai', 'sra', ['rd', 'rs1', 'shamt']),
  rule('sltiu', 'seqz', ['rd', 'rs1'], { imm: 1 }),
  rule('sub', 'neg', ['rd', 'rs2'], { rs1: 0 }),
  rule('sltu', 'snez', ['rd', 'rs2'], { rs1: 0 }),
  rule('slt', 'sltz', ['rd', 'rs1'], { rs2: 0 }),
  rule('slt', 'sgtz', ['rd', 'rs2'], { rs1: 0 }),

  rule('beq', 'beqz', ['rs1', 'target'], { rs2: 0 }),
  rule('bne', 'bnez', ['rs1', 'target'], { rs2: 0 }),
  rule('bge', 'blez', ['rs2', 'target'], { rs1: 0 }),
  rule('bge', 'bgez', ['rs1', 'target'], { rs2: 0 }),
  rule('blt', 'bltz', ['rs1', 'target'], { rs2: 0 }),
  rule('blt', 'bgtz', ['rs2', 'target'], { rs1: 0 }),

  rule('jal', 'j', ['target'], { rd: 0 }),
  rule('jal', 'jal', ['target'], { rd: RA }),
  rule('jalr', 'ret', [], { rd: 0, rs1: RA, imm: 0 }),
  rule('jalr', 'jr', ['rs1'], { rd: 0, imm: 0 }),
  rule('jalr', 'jr', ['mem'], { rd: 0 }),
  rule('jalr', 'jalr', ['rs1'], { rd: RA, imm: 0 }),
  rule('jalr', 'jalr', ['mem'], { rd: RA }),
  rule('jalr', 'jalr', ['rd', 'rs1'], { imm: 0 }),

  ...COUNTER_READS.map((name) => rule('csrrs', `rd${name}`, ['rd'], { rs1: 0, csr: CSR[name] })),
  rule('csrrs', 'csrr', ['rd', 'csr'], { rs1: 0 }),
  rule('csrrs', 'csrs', ['csr', 'rs1'], { rd: 0 }),
  rule('csrrw', 'csrw', ['csr', 'rs1'], { rd: 0 }),
  rule('csrrc', 'csrc', ['csr', 'rs1'], { rd: 0 }),
  // The immediate forms print under the register mnemonic (`csrw mstatus,5`), as objdump does.
  rule('csrrwi', 'csrw', ['csr', 'zimm'], { rd: 0 }),
  rule('csrrsi', 'csrs', ['csr', 'zimm'], { rd: 0 }),
  rule('csrrci', 'csrc', ['csr', 'zimm'], { rd: 0 }),
  rule('csrrwi', 'csrrw', ['rd', 'csr', 'zimm']),
  rule('csrrsi', 'csrrs', ['rd', 'csr', 'zimm']),
  rule('csrrci', 'csrrc', ['rd', 'csr', 'zimm']),

  rule('fence', 'fence', [], { imm12: FENCE_IORW_IORW }),
  rule('sfence.vma', 'sfence.vma', [], { rs1: 0, rs2: 0 }),
  rule('sfence.vma', 'sfence.vma', ['rs1'], { rs2: 0 }),
  rule('hfence.vvma', 'hfence.vvma', [], { rs1: 0, rs2: 0 }),
  rule('hfence.vvma', 'hfence.vvma', ['rs1'], { rs2: 0 }),
  rule('hfence.gvma', 'hfence.gvma', [], { rs1: 0, rs2: 0 }),
  rule('hfence.gvma', 'hfence.gvma', ['rs1'], { rs2: 0 }),
];

/** Rules grouped by the execution id of their base row, keeping their order. */
export function rulesByOp(rules: readonly AliasRule[]): ReadonlyMap<Op, readonly AliasRule[]> {
  const out = new Map<Op, AliasRule[]>();
  for (const r of rules) {
    const list = out.get(r.base.op);
    if (list === undefined) out.set(r.base.op, [r]);
    else list.push(r);
  }
  return out;
}
