/**
 * The RV32IMA + Zicsr + Zifencei + privileged + H instruction table.
 *
 * This is the one source of truth for instruction encodings. The decoder (decode.ts), the
 * encoder used by the assembler (encode.ts), the disassembler (disasm.ts) and the hart's
 * dispatch all derive from it; nothing else in pvlab spells an opcode or funct field.
 *
 * A table row names the instruction, its operand syntax and the fixed fields of its encoding.
 * Variable fields (registers, immediates) are described by the format. Adding an instruction
 * (or, later, the C extension's 16-bit formats) means adding rows here, not touching consumers.
 */

/** Execution ids: one per table row, in table order. The hart dispatches on these. */
export const enum Op {
  LUI, AUIPC, JAL, JALR,
  BEQ, BNE, BLT, BGE, BLTU, BGEU,
  LB, LH, LW, LBU, LHU,
  SB, SH, SW,
  ADDI, SLTI, SLTIU, XORI, ORI, ANDI, SLLI, SRLI, SRAI,
  ADD, SUB, SLL, SLT, SLTU, XOR, SRL, SRA, OR, AND,
  FENCE, FENCE_TSO, PAUSE, FENCE_I,
  ECALL, EBREAK,
  CSRRW, CSRRS, CSRRC, CSRRWI, CSRRSI, CSRRCI,
  MUL, MULH, MULHSU, MULHU, DIV, DIVU, REM, REMU,
  LR_W, SC_W, AMOSWAP_W, AMOADD_W, AMOXOR_W, AMOAND_W, AMOOR_W, AMOMIN_W, AMOMAX_W,
  AMOMINU_W, AMOMAXU_W,
  SRET, MRET, WFI, SFENCE_VMA,
  HFENCE_VVMA, HFENCE_GVMA,
  HLV_B, HLV_BU, HLV_H, HLV_HU, HLVX_HU, HLV_W, HLVX_WU, HSV_B, HSV_H, HSV_W,
  /** Not a table row: what the decoder returns for a word no row matches. */
  ILLEGAL,
}

/** Major opcodes (inst[6:0]) by their names in the unprivileged spec's opcode map. */
export const Opcode = {
  LOAD: 0b0000011,
  MISC_MEM: 0b0001111,
  OP_IMM: 0b0010011,
  AUIPC: 0b0010111,
  STORE: 0b0100011,
  AMO: 0b0101111,
  OP: 0b0110011,
  LUI: 0b0110111,
  BRANCH: 0b1100011,
  JALR: 0b1100111,
  JAL: 0b1101111,
  SYSTEM: 0b1110011,
} as const;

/**
 * Encoding formats. Each names which bit fields are operands; the remaining fields are fixed
 * by the row.
 *
 *   31        25 24   20 19   15 14  12 11         7 6      0
 *  | funct7     | rs2   | rs1   |funct3| rd         | opcode |  R
 *  | imm[11:0]          | rs1   |funct3| rd         | opcode |  I
 *  | imm[11:5]  | rs2   | rs1   |funct3| imm[4:0]   | opcode |  S
 *  |imm[12|10:5]| rs2   | rs1   |funct3|imm[4:1|11] | opcode |  B
 *  | imm[31:12]                        | rd         | opcode |  U
 *  | imm[20|10:1|11|19:12]             | rd         | opcode |  J
 */
export type Format =
  /** rd, rs1, rs2 with funct7 + funct3 fixed. */
  | 'R'
  /** rd, rs1, 12-bit signed immediate. */
  | 'I'
  /** rd, rs1, shamt[4:0] with funct7 (imm[11:5]) fixed. */
  | 'Ishamt'
  /** rs1, rs2, 12-bit signed store offset. */
  | 'S'
  /** rs1, rs2, 13-bit signed branch offset (bit 0 always zero). */
  | 'B'
  /** rd, 20-bit upper immediate. */
  | 'U'
  /** rd, 21-bit signed jump offset (bit 0 always zero). */
  | 'J'
  /** rd, csr (imm[11:0]), rs1. */
  | 'CSR'
  /** rd, csr, 5-bit zero-extended immediate in the rs1 field. */
  | 'CSRI'
  /** rd, rs1, rs2 with funct5 fixed and aq/rl as operand bits 26/25. */
  | 'AMO'
  /** rd, rs1 (rs2 = 0) with funct5 fixed and aq/rl operand bits: lr.w. */
  | 'LR'
  /** pred, succ in imm[7:0]; fm (imm[11:8]), rd and rs1 are reserved: not fixed, so a word
   *  with them set still decodes as a fence (base implementations must ignore them). */
  | 'FENCE'
  /** rs1, rs2; funct7 fixed, rd = 0: sfence.vma, and the H extension's stores hsv.*. */
  | 'RS1RS2'
  /** rd, rs1; funct7 and rs2 fixed: the H extension's loads hlv.*, hlvx.*. */
  | 'RDRS1'
  /** No operands: every bit fixed (ecall, mret, wfi, pause…), or the rest reserved (fence.i). */
  | 'FIXED';

/**
 * How the operands are written in assembly, in order. The assembler parses and the
 * disassembler prints according to this list.
 *  - rd/rs1/rs2: integer registers
 *  - imm: signed immediate (I), shamt: 5-bit shift amount, uimm20: U-type immediate
 *  - mem: `offset(rs1)` for loads/stores (offset is the I or S immediate)
 *  - amem: `(rs1)` for atomics
 *  - target: pc-relative branch/jump target
 *  - csr: a CSR by name or number, zimm: 5-bit CSR immediate
 *  - pred/succ: fence ordering sets such as `rw`
 */
export type OperandKind =
  | 'rd' | 'rs1' | 'rs2' | 'imm' | 'shamt' | 'uimm20' | 'mem' | 'amem' | 'target'
  | 'csr' | 'zimm' | 'pred' | 'succ';

export type Extension = 'I' | 'M' | 'A' | 'Zicsr' | 'Zifencei' | 'Priv' | 'H';

export interface InstructionSpec {
  readonly op: Op;
  readonly mnemonic: string;
  readonly ext: Extension;
  readonly format: Format;
  readonly operands: readonly OperandKind[];
  /** Bits that are fixed for this instruction… */
  readonly mask: number;
  /** …and their values. `(word & mask) === match` identifies the instruction. */
  readonly match: number;
  /** Loads and stores (and hlv/hsv): access width in bytes (AMOs are always 4). */
  readonly width?: 1 | 2 | 4;
}

interface Fields {
  opcode: number;
  funct3?: number;
  funct7?: number;
  /** AMO funct5 (inst[31:27]). */
  funct5?: number;
  /** Fixed rs2 field (e.g. lr.w's zero, or the funct12 low bits of SYSTEM instructions). */
  rs2?: number;
  rs1?: number;
  rd?: number;
  /** Fixed imm[11:0] (funct12 of SYSTEM instructions, fence encodings). */
  imm12?: number;
}

const OPCODE_MASK = 0x7f;
const RD_MASK = 0x1f << 7;
const FUNCT3_MASK = 0x7 << 12;
const RS1_MASK = 0x1f << 15;
const RS2_MASK = 0x1f << 20;
const FUNCT7_MASK = 0x7f << 25;
const FUNCT5_MASK = 0x1f << 27;
const IMM12_MASK = 0xfff << 20;

function row(
  op: Op, mnemonic: string, ext: Extension, format: Format, operands: OperandKind[],
  f: Fields, width?: 1 | 2 | 4,
): InstructionSpec {
  let mask = OPCODE_MASK;
  let match = f.opcode;
  const fix = (fieldMask: number, value: number | undefined, shift: number): void => {
    if (value === undefined) return;
    mask |= fieldMask;
    match |= value << shift;
  };
  fix(FUNCT3_MASK, f.funct3, 12);
  fix(FUNCT7_MASK, f.funct7, 25);
  fix(FUNCT5_MASK, f.funct5, 27);
  fix(RS2_MASK, f.rs2, 20);
  fix(RS1_MASK, f.rs1, 15);
  fix(RD_MASK, f.rd, 7);
  fix(IMM12_MASK, f.imm12, 20);
  const spec: InstructionSpec = { op, mnemonic, ext, format, operands, mask: mask >>> 0, match: match >>> 0 };
  return width === undefined ? spec : { ...spec, width };
}

const O = Opcode;
const R3: OperandKind[] = ['rd', 'rs1', 'rs2'];
const RI: OperandKind[] = ['rd', 'rs1', 'imm'];
const RSH: OperandKind[] = ['rd', 'rs1', 'shamt'];
const BR: OperandKind[] = ['rs1', 'rs2', 'target'];
const LD: OperandKind[] = ['rd', 'mem'];
const ST: OperandKind[] = ['rs2', 'mem'];
const AMO3: OperandKind[] = ['rd', 'rs2', 'amem'];
const CSRR: OperandKind[] = ['rd', 'csr', 'rs1'];
const CSRI: OperandKind[] = ['rd', 'csr', 'zimm'];
const HLV: OperandKind[] = ['rd', 'amem'];
const HSV: OperandKind[] = ['rs2', 'amem'];

/** funct7 values of the OP major opcode. */
const F7_BASE = 0b0000000;
const F7_ALT = 0b0100000; // sub, sra, srai
const F7_MULDIV = 0b0000001;
const F7_SFENCE_VMA = 0b0001001;
/** The H extension's fences (same format as sfence.vma). */
const F7_HFENCE_VVMA = 0b0010001;
const F7_HFENCE_GVMA = 0b0110001;
/** The H extension's virtual-machine loads and stores: SYSTEM, funct3 HLSV; funct7 names the
 *  width and direction, and for loads rs2 the variant (HLV_UNSIGNED, HLVX). */
const F3_HLSV = 0b100;
const F7_HLV_B = 0b0110000;
const F7_HSV_B = 0b0110001;
const F7_HLV_H = 0b0110010;
const F7_HSV_H = 0b0110011;
const F7_HLV_W = 0b0110100;
const F7_HSV_W = 0b0110101;
const RS2_HLV = 0b00000;
const RS2_HLV_UNSIGNED = 0b00001;
const RS2_HLVX = 0b00011;

/** funct12 values of SYSTEM instructions with funct3 = PRIV. */
const F12_ECALL = 0x000;
const F12_EBREAK = 0x001;
const F12_SRET = 0x102;
const F12_WFI = 0x105;
const F12_MRET = 0x302;

/** fence's imm[11:0] = fm[3:0] | pred[3:0] | succ[3:0]. */
const FENCE_TSO_IMM = 0x833; // fm=1000 (TSO), pred=rw, succ=rw
const PAUSE_IMM = 0x010; // fm=0, pred=w, succ=0 (Zihintpause, a fence hint)

export const INSTRUCTIONS: readonly InstructionSpec[] = [
  row(Op.LUI, 'lui', 'I', 'U', ['rd', 'uimm20'], { opcode: O.LUI }),
  row(Op.AUIPC, 'auipc', 'I', 'U', ['rd', 'uimm20'], { opcode: O.AUIPC }),
  row(Op.JAL, 'jal', 'I', 'J', ['rd', 'target'], { opcode: O.JAL }),
  row(Op.JALR, 'jalr', 'I', 'I', LD, { opcode: O.JALR, funct3: 0b000 }),

  row(Op.BEQ, 'beq', 'I', 'B', BR, { opcode: O.BRANCH, funct3: 0b000 }),
  row(Op.BNE, 'bne', 'I', 'B', BR, { opcode: O.BRANCH, funct3: 0b001 }),
  row(Op.BLT, 'blt', 'I', 'B', BR, { opcode: O.BRANCH, funct3: 0b100 }),
  row(Op.BGE, 'bge', 'I', 'B', BR, { opcode: O.BRANCH, funct3: 0b101 }),
  row(Op.BLTU, 'bltu', 'I', 'B', BR, { opcode: O.BRANCH, funct3: 0b110 }),
  row(Op.BGEU, 'bgeu', 'I', 'B', BR, { opcode: O.BRANCH, funct3: 0b111 }),

  row(Op.LB, 'lb', 'I', 'I', LD, { opcode: O.LOAD, funct3: 0b000 }, 1),
  row(Op.LH, 'lh', 'I', 'I', LD, { opcode: O.LOAD, funct3: 0b001 }, 2),
  row(Op.LW, 'lw', 'I', 'I', LD, { opcode: O.LOAD, funct3: 0b010 }, 4),
  row(Op.LBU, 'lbu', 'I', 'I', LD, { opcode: O.LOAD, funct3: 0b100 }, 1),
  row(Op.LHU, 'lhu', 'I', 'I', LD, { opcode: O.LOAD, funct3: 0b101 }, 2),

  row(Op.SB, 'sb', 'I', 'S', ST, { opcode: O.STORE, funct3: 0b000 }, 1),
  row(Op.SH, 'sh', 'I', 'S', ST, { opcode: O.STORE, funct3: 0b001 }, 2),
  row(Op.SW, 'sw', 'I', 'S', ST, { opcode: O.STORE, funct3: 0b010 }, 4),

  row(Op.ADDI, 'addi', 'I', 'I', RI, { opcode: O.OP_IMM, funct3: 0b000 }),
  row(Op.SLTI, 'slti', 'I', 'I', RI, { opcode: O.OP_IMM, funct3: 0b010 }),
  row(Op.SLTIU, 'sltiu', 'I', 'I', RI, { opcode: O.OP_IMM, funct3: 0b011 }),
  row(Op.XORI, 'xori', 'I', 'I', RI, { opcode: O.OP_IMM, funct3: 0b100 }),
  row(Op.ORI, 'ori', 'I', 'I', RI, { opcode: O.OP_IMM, funct3: 0b110 }),
  row(Op.ANDI, 'andi', 'I', 'I', RI, { opcode: O.OP_IMM, funct3: 0b111 }),
  row(Op.SLLI, 'slli', 'I', 'Ishamt', RSH, { opcode: O.OP_IMM, funct3: 0b001, funct7: F7_BASE }),
  row(Op.SRLI, 'srli', 'I', 'Ishamt', RSH, { opcode: O.OP_IMM, funct3: 0b101, funct7: F7_BASE }),
  row(Op.SRAI, 'srai', 'I', 'Ishamt', RSH, { opcode: O.OP_IMM, funct3: 0b101, funct7: F7_ALT }),

  row(Op.ADD, 'add', 'I', 'R', R3, { opcode: O.OP, funct3: 0b000, funct7: F7_BASE }),
  row(Op.SUB, 'sub', 'I', 'R', R3, { opcode: O.OP, funct3: 0b000, funct7: F7_ALT }),
  row(Op.SLL, 'sll', 'I', 'R', R3, { opcode: O.OP, funct3: 0b001, funct7: F7_BASE }),
  row(Op.SLT, 'slt', 'I', 'R', R3, { opcode: O.OP, funct3: 0b010, funct7: F7_BASE }),
  row(Op.SLTU, 'sltu', 'I', 'R', R3, { opcode: O.OP, funct3: 0b011, funct7: F7_BASE }),
  row(Op.XOR, 'xor', 'I', 'R', R3, { opcode: O.OP, funct3: 0b100, funct7: F7_BASE }),
  row(Op.SRL, 'srl', 'I', 'R', R3, { opcode: O.OP, funct3: 0b101, funct7: F7_BASE }),
  row(Op.SRA, 'sra', 'I', 'R', R3, { opcode: O.OP, funct3: 0b101, funct7: F7_ALT }),
  row(Op.OR, 'or', 'I', 'R', R3, { opcode: O.OP, funct3: 0b110, funct7: F7_BASE }),
  row(Op.AND, 'and', 'I', 'R', R3, { opcode: O.OP, funct3: 0b111, funct7: F7_BASE }),

  // fence.tso and pause are specific fence encodings; the decoder prefers the row with the
  // most fixed bits, so they win over the general fence. fence and fence.i leave their
  // reserved fields (rd, rs1, fm; fence.i's imm) unfixed: the spec reserves them for
  // finer-grained fences and requires base implementations to ignore them.
  row(Op.FENCE, 'fence', 'I', 'FENCE', ['pred', 'succ'], { opcode: O.MISC_MEM, funct3: 0b000 }),
  row(Op.FENCE_TSO, 'fence.tso', 'I', 'FIXED', [], { opcode: O.MISC_MEM, funct3: 0b000, rd: 0, rs1: 0, imm12: FENCE_TSO_IMM }),
  row(Op.PAUSE, 'pause', 'I', 'FIXED', [], { opcode: O.MISC_MEM, funct3: 0b000, rd: 0, rs1: 0, imm12: PAUSE_IMM }),
  row(Op.FENCE_I, 'fence.i', 'Zifencei', 'FIXED', [], { opcode: O.MISC_MEM, funct3: 0b001 }),

  row(Op.ECALL, 'ecall', 'I', 'FIXED', [], { opcode: O.SYSTEM, funct3: 0, rd: 0, rs1: 0, imm12: F12_ECALL }),
  row(Op.EBREAK, 'ebreak', 'I', 'FIXED', [], { opcode: O.SYSTEM, funct3: 0, rd: 0, rs1: 0, imm12: F12_EBREAK }),

  row(Op.CSRRW, 'csrrw', 'Zicsr', 'CSR', CSRR, { opcode: O.SYSTEM, funct3: 0b001 }),
  row(Op.CSRRS, 'csrrs', 'Zicsr', 'CSR', CSRR, { opcode: O.SYSTEM, funct3: 0b010 }),
  row(Op.CSRRC, 'csrrc', 'Zicsr', 'CSR', CSRR, { opcode: O.SYSTEM, funct3: 0b011 }),
  row(Op.CSRRWI, 'csrrwi', 'Zicsr', 'CSRI', CSRI, { opcode: O.SYSTEM, funct3: 0b101 }),
  row(Op.CSRRSI, 'csrrsi', 'Zicsr', 'CSRI', CSRI, { opcode: O.SYSTEM, funct3: 0b110 }),
  row(Op.CSRRCI, 'csrrci', 'Zicsr', 'CSRI', CSRI, { opcode: O.SYSTEM, funct3: 0b111 }),

  row(Op.MUL, 'mul', 'M', 'R', R3, { opcode: O.OP, funct3: 0b000, funct7: F7_MULDIV }),
  row(Op.MULH, 'mulh', 'M', 'R', R3, { opcode: O.OP, funct3: 0b001, funct7: F7_MULDIV }),
  row(Op.MULHSU, 'mulhsu', 'M', 'R', R3, { opcode: O.OP, funct3: 0b010, funct7: F7_MULDIV }),
  row(Op.MULHU, 'mulhu', 'M', 'R', R3, { opcode: O.OP, funct3: 0b011, funct7: F7_MULDIV }),
  row(Op.DIV, 'div', 'M', 'R', R3, { opcode: O.OP, funct3: 0b100, funct7: F7_MULDIV }),
  row(Op.DIVU, 'divu', 'M', 'R', R3, { opcode: O.OP, funct3: 0b101, funct7: F7_MULDIV }),
  row(Op.REM, 'rem', 'M', 'R', R3, { opcode: O.OP, funct3: 0b110, funct7: F7_MULDIV }),
  row(Op.REMU, 'remu', 'M', 'R', R3, { opcode: O.OP, funct3: 0b111, funct7: F7_MULDIV }),

  row(Op.LR_W, 'lr.w', 'A', 'LR', ['rd', 'amem'], { opcode: O.AMO, funct3: 0b010, funct5: 0b00010, rs2: 0 }),
  row(Op.SC_W, 'sc.w', 'A', 'AMO', AMO3, { opcode: O.AMO, funct3: 0b010, funct5: 0b00011 }),
  row(Op.AMOSWAP_W, 'amoswap.w', 'A', 'AMO', AMO3, { opcode: O.AMO, funct3: 0b010, funct5: 0b00001 }),
  row(Op.AMOADD_W, 'amoadd.w', 'A', 'AMO', AMO3, { opcode: O.AMO, funct3: 0b010, funct5: 0b00000 }),
  row(Op.AMOXOR_W, 'amoxor.w', 'A', 'AMO', AMO3, { opcode: O.AMO, funct3: 0b010, funct5: 0b00100 }),
  row(Op.AMOAND_W, 'amoand.w', 'A', 'AMO', AMO3, { opcode: O.AMO, funct3: 0b010, funct5: 0b01100 }),
  row(Op.AMOOR_W, 'amoor.w', 'A', 'AMO', AMO3, { opcode: O.AMO, funct3: 0b010, funct5: 0b01000 }),
  row(Op.AMOMIN_W, 'amomin.w', 'A', 'AMO', AMO3, { opcode: O.AMO, funct3: 0b010, funct5: 0b10000 }),
  row(Op.AMOMAX_W, 'amomax.w', 'A', 'AMO', AMO3, { opcode: O.AMO, funct3: 0b010, funct5: 0b10100 }),
  row(Op.AMOMINU_W, 'amominu.w', 'A', 'AMO', AMO3, { opcode: O.AMO, funct3: 0b010, funct5: 0b11000 }),
  row(Op.AMOMAXU_W, 'amomaxu.w', 'A', 'AMO', AMO3, { opcode: O.AMO, funct3: 0b010, funct5: 0b11100 }),

  row(Op.SRET, 'sret', 'Priv', 'FIXED', [], { opcode: O.SYSTEM, funct3: 0, rd: 0, rs1: 0, imm12: F12_SRET }),
  row(Op.MRET, 'mret', 'Priv', 'FIXED', [], { opcode: O.SYSTEM, funct3: 0, rd: 0, rs1: 0, imm12: F12_MRET }),
  row(Op.WFI, 'wfi', 'Priv', 'FIXED', [], { opcode: O.SYSTEM, funct3: 0, rd: 0, rs1: 0, imm12: F12_WFI }),
  row(Op.SFENCE_VMA, 'sfence.vma', 'Priv', 'RS1RS2', ['rs1', 'rs2'], { opcode: O.SYSTEM, funct3: 0, rd: 0, funct7: F7_SFENCE_VMA }),
  row(Op.HFENCE_VVMA, 'hfence.vvma', 'H', 'RS1RS2', ['rs1', 'rs2'], { opcode: O.SYSTEM, funct3: 0, rd: 0, funct7: F7_HFENCE_VVMA }),
  row(Op.HFENCE_GVMA, 'hfence.gvma', 'H', 'RS1RS2', ['rs1', 'rs2'], { opcode: O.SYSTEM, funct3: 0, rd: 0, funct7: F7_HFENCE_GVMA }),

  // Loads and stores with the guest's translation and permissions (as though V = 1).
  row(Op.HLV_B, 'hlv.b', 'H', 'RDRS1', HLV, { opcode: O.SYSTEM, funct3: F3_HLSV, funct7: F7_HLV_B, rs2: RS2_HLV }, 1),
  row(Op.HLV_BU, 'hlv.bu', 'H', 'RDRS1', HLV, { opcode: O.SYSTEM, funct3: F3_HLSV, funct7: F7_HLV_B, rs2: RS2_HLV_UNSIGNED }, 1),
  row(Op.HLV_H, 'hlv.h', 'H', 'RDRS1', HLV, { opcode: O.SYSTEM, funct3: F3_HLSV, funct7: F7_HLV_H, rs2: RS2_HLV }, 2),
  row(Op.HLV_HU, 'hlv.hu', 'H', 'RDRS1', HLV, { opcode: O.SYSTEM, funct3: F3_HLSV, funct7: F7_HLV_H, rs2: RS2_HLV_UNSIGNED }, 2),
  row(Op.HLVX_HU, 'hlvx.hu', 'H', 'RDRS1', HLV, { opcode: O.SYSTEM, funct3: F3_HLSV, funct7: F7_HLV_H, rs2: RS2_HLVX }, 2),
  row(Op.HLV_W, 'hlv.w', 'H', 'RDRS1', HLV, { opcode: O.SYSTEM, funct3: F3_HLSV, funct7: F7_HLV_W, rs2: RS2_HLV }, 4),
  row(Op.HLVX_WU, 'hlvx.wu', 'H', 'RDRS1', HLV, { opcode: O.SYSTEM, funct3: F3_HLSV, funct7: F7_HLV_W, rs2: RS2_HLVX }, 4),
  row(Op.HSV_B, 'hsv.b', 'H', 'RS1RS2', HSV, { opcode: O.SYSTEM, funct3: F3_HLSV, funct7: F7_HSV_B, rd: 0 }, 1),
  row(Op.HSV_H, 'hsv.h', 'H', 'RS1RS2', HSV, { opcode: O.SYSTEM, funct3: F3_HLSV, funct7: F7_HSV_H, rd: 0 }, 2),
  row(Op.HSV_W, 'hsv.w', 'H', 'RS1RS2', HSV, { opcode: O.SYSTEM, funct3: F3_HLSV, funct7: F7_HSV_W, rd: 0 }, 4),
];

/** Rows by mnemonic, for the assembler. */
export const BY_MNEMONIC: ReadonlyMap<string, InstructionSpec> = new Map(
  INSTRUCTIONS.map((s) => [s.mnemonic, s]),
);

/** Rows by execution id. */
export const BY_OP: readonly InstructionSpec[] = (() => {
  const out: InstructionSpec[] = [];
  for (const s of INSTRUCTIONS) out[s.op] = s;
  return out;
})();

/** Bits of the AMO aq/rl ordering operand (inst[26] and inst[25]). */
export const AMO_AQ = 1 << 26;
export const AMO_RL = 1 << 25;
