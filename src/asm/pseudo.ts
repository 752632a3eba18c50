/**
 * Pseudo-instructions and alternative operand forms, as GNU as defines them
 * (binutils opcodes/riscv-opc.c, the RV32 non-compressed rows), each expanded into real
 * instructions of the ISA table. A mnemonic may have several forms; the assembler tries a
 * real instruction's own form first, then these, in order.
 */
import { CSR } from '../isa/csr.js';
import { SourceError } from './diagnostics.js';
import { hi20, lo12 } from './eval.js';
import { num, reloc, valueExpr, type Expr } from './expr.js';
import { form, insn, type ExpandContext, type Form, type MachineInsn, type Operands } from './machine-insn.js';
import { Reg } from './registers.js';

const { zero: ZERO, ra: RA, t1: T1 } = Reg;

/** All of i, o, r, w: what `fence` with no operands orders. */
const FENCE_ALL = 0b1111;
/** seqz compares with this, `not` xors with this, zext.b masks with this. */
const ONE = 1;
const ALL_ONES = -1;
const BYTE_MASK = 0xff;

const INT32_MIN = -(1n << 31n);
const UINT32_MAX = (1n << 32n) - 1n;

/**
 * li: GNU as's exact expansion on RV32 — `lui` of the upper part when it is non-zero, then
 * `addi` of the sign-extended low 12 bits when they are non-zero or no lui was needed.
 * Values 0x8000_0000..0xffff_ffff are taken as their 32-bit two's complement.
 */
export function loadConstant(rd: number, value: bigint, col: number): MachineInsn[] {
  if (value < INT32_MIN || value > UINT32_MAX) {
    throw new SourceError(`li value ${value} does not fit in 32 bits`, col);
  }
  const v = BigInt.asIntN(32, value);
  const lower = lo12(v);
  const out: MachineInsn[] = [];
  let base: number = ZERO;
  if (v - lower !== 0n) {
    out.push(insn('lui', { rd, imm: num(hi20(v)) }));
    base = rd;
  }
  if (lower !== 0n || base === ZERO) out.push(insn('addi', { rd, rs1: base, imm: num(lower) }));
  return out;
}

/** `auipc temp, %pcrel_hi(target)` followed by an instruction using `%pcrel_lo` of it. */
function pcrelPair(temp: number, target: Expr, x: ExpandContext, second: (lo: Expr) => MachineInsn): MachineInsn[] {
  const lo = reloc('pcrel_lo', valueExpr(x.here, target.col));
  return [insn('auipc', { rd: temp, imm: reloc('pcrel_hi', target) }), second(lo)];
}

/** la / lla (non-PIC): a known constant is loaded like li, anything else pc-relatively. */
function loadAddress(o: Operands, x: ExpandContext): MachineInsn[] {
  const rd = o.reg('rd');
  const target = o.expr('symbol');
  const c = x.knownConstant(target);
  if (c !== undefined) return loadConstant(rd, c, o.col('symbol'));
  return pcrelPair(rd, target, x, (lo) => insn('addi', { rd, rs1: rd, imm: lo }));
}

/** call / tail / jump: auipc into `temp`, then jalr with the low part. */
function farCall(rd: number, temp: number, target: Expr, x: ExpandContext): MachineInsn[] {
  return pcrelPair(temp, target, x, (lo) => insn('jalr', { rd, rs1: temp, imm: lo }));
}

const forms = new Map<string, Form[]>();
function alias(mnemonic: string, operands: string, build: (o: Operands, x: ExpandContext) => MachineInsn[]): void {
  const list = forms.get(mnemonic) ?? [];
  list.push(form(operands, build));
  forms.set(mnemonic, list);
}

// ---- constants and moves ------------------------------------------------------------------
alias('nop', '', () => [insn('addi', { rd: ZERO, rs1: ZERO, imm: num(0) })]);
alias('li', 'rd, value', (o, x) =>
  loadConstant(o.reg('rd'), x.constant(o.expr('value'), 'li', o.col('value')), o.col('value')));
alias('la', 'rd, symbol', loadAddress);
alias('lla', 'rd, symbol', loadAddress);
alias('mv', 'rd, rs', (o) => [insn('addi', { rd: o.reg('rd'), rs1: o.reg('rs'), imm: num(0) })]);
alias('move', 'rd, rs', (o) => [insn('addi', { rd: o.reg('rd'), rs1: o.reg('rs'), imm: num(0) })]);

// ---- arithmetic and comparisons -----------------------------------------------------------
alias('not', 'rd, rs', (o) => [insn('xori', { rd: o.reg('rd'), rs1: o.reg('rs'), imm: num(ALL_ONES) })]);
alias('neg', 'rd, rs', (o) => [insn('sub', { rd: o.reg('rd'), rs1: ZERO, rs2: o.reg('rs') })]);
alias('zext.b', 'rd, rs', (o) => [insn('andi', { rd: o.reg('rd'), rs1: o.reg('rs'), imm: num(BYTE_MASK) })]);
alias('seqz', 'rd, rs', (o) => [insn('sltiu', { rd: o.reg('rd'), rs1: o.reg('rs'), imm: num(ONE) })]);
alias('snez', 'rd, rs', (o) => [insn('sltu', { rd: o.reg('rd'), rs1: ZERO, rs2: o.reg('rs') })]);
alias('sltz', 'rd, rs', (o) => [insn('slt', { rd: o.reg('rd'), rs1: o.reg('rs'), rs2: ZERO })]);
alias('sgtz', 'rd, rs', (o) => [insn('slt', { rd: o.reg('rd'), rs1: ZERO, rs2: o.reg('rs') })]);
alias('sgt', 'rd, rs, rt', (o) => [insn('slt', { rd: o.reg('rd'), rs1: o.reg('rt'), rs2: o.reg('rs') })]);
alias('sgtu', 'rd, rs, rt', (o) => [insn('sltu', { rd: o.reg('rd'), rs1: o.reg('rt'), rs2: o.reg('rs') })]);

// Register-register mnemonics given an immediate mean their -i form (GNU as accepts these).
const IMMEDIATE_FORMS: readonly [string, string][] = [
  ['add', 'addi'], ['and', 'andi'], ['or', 'ori'], ['xor', 'xori'], ['slt', 'slti'], ['sltu', 'sltiu'],
  ['sll', 'slli'], ['srl', 'srli'], ['sra', 'srai'],
];
for (const [op, immOp] of IMMEDIATE_FORMS) {
  alias(op, 'rd, rs1, imm', (o) => [insn(immOp, { rd: o.reg('rd'), rs1: o.reg('rs1'), imm: o.expr('imm') })]);
}

// ---- branches -------------------------------------------------------------------------------
const branchZero = (mnemonic: string, real: string, zeroFirst: boolean): void =>
  alias(mnemonic, 'rs, target', (o) => [insn(real, {
    rs1: zeroFirst ? ZERO : o.reg('rs'), rs2: zeroFirst ? o.reg('rs') : ZERO, imm: o.expr('target'),
  })]);
branchZero('beqz', 'beq', false);
branchZero('bnez', 'bne', false);
branchZero('bltz', 'blt', false);
branchZero('bgez', 'bge', false);
branchZero('blez', 'bge', true); // 0 >= rs
branchZero('bgtz', 'blt', true); // 0 < rs

// bgt a, b ≡ blt b, a: the operands swap.
for (const [mnemonic, real] of [['bgt', 'blt'], ['ble', 'bge'], ['bgtu', 'bltu'], ['bleu', 'bgeu']] as const) {
  alias(mnemonic, 'rs, rt, target', (o) => [insn(real, { rs1: o.reg('rt'), rs2: o.reg('rs'), imm: o.expr('target') })]);
}

// ---- jumps and calls ------------------------------------------------------------------------
alias('j', 'target', (o) => [insn('jal', { rd: ZERO, imm: o.expr('target') })]);
alias('jal', 'target', (o) => [insn('jal', { rd: RA, imm: o.expr('target') })]);
alias('ret', '', () => [insn('jalr', { rd: ZERO, rs1: RA, imm: num(0) })]);
alias('jr', 'rs', (o) => [insn('jalr', { rd: ZERO, rs1: o.reg('rs'), imm: num(0) })]);
alias('jr', 'mem', (o) => [insn('jalr', { rd: ZERO, rs1: o.mem('mem').base, imm: o.mem('mem').offset })]);
alias('jr', 'rs, imm', (o) => [insn('jalr', { rd: ZERO, rs1: o.reg('rs'), imm: o.expr('imm') })]);
alias('jalr', 'rs', (o) => [insn('jalr', { rd: RA, rs1: o.reg('rs'), imm: num(0) })]);
alias('jalr', 'mem', (o) => [insn('jalr', { rd: RA, rs1: o.mem('mem').base, imm: o.mem('mem').offset })]);
alias('jalr', 'rs, imm', (o) => [insn('jalr', { rd: RA, rs1: o.reg('rs'), imm: o.expr('imm') })]);
alias('jalr', 'rd, rs', (o) => [insn('jalr', { rd: o.reg('rd'), rs1: o.reg('rs'), imm: num(0) })]);
alias('jalr', 'rd, rs, imm', (o) => [insn('jalr', { rd: o.reg('rd'), rs1: o.reg('rs'), imm: o.expr('imm') })]);
alias('call', 'target', (o, x) => farCall(RA, RA, o.expr('target'), x));
// GNU as: `call rd, target` links through rd but still builds the address in t1.
alias('call', 'rd, target', (o, x) => farCall(o.reg('rd'), T1, o.expr('target'), x));
alias('tail', 'target', (o, x) => farCall(ZERO, T1, o.expr('target'), x));
alias('jump', 'target, temp', (o, x) => farCall(ZERO, o.reg('temp'), o.expr('target'), x));

// ---- loads and stores of a symbol -----------------------------------------------------------
/** The address operand of a symbol load/store; like GNU as, a plain number is not one. */
function symbolOperand(o: Operands, x: ExpandContext): Expr {
  const target = o.expr('symbol');
  if (x.knownConstant(target) !== undefined) throw new SourceError('expected offset(register)', o.col('symbol'));
  return target;
}
for (const op of ['lb', 'lh', 'lw', 'lbu', 'lhu']) {
  alias(op, 'rd, symbol', (o, x) => {
    const rd = o.reg('rd');
    return pcrelPair(rd, symbolOperand(o, x), x, (lo) => insn(op, { rd, rs1: rd, imm: lo }));
  });
}
for (const op of ['sb', 'sh', 'sw']) {
  alias(op, 'rs2, symbol, temp', (o, x) => {
    const temp = o.reg('temp');
    return pcrelPair(temp, symbolOperand(o, x), x, (lo) => insn(op, { rs1: temp, rs2: o.reg('rs2'), imm: lo }));
  });
}

// ---- CSRs -----------------------------------------------------------------------------------
alias('csrr', 'rd, csr', (o) => [insn('csrrs', { rd: o.reg('rd'), csr: o.csr('csr'), rs1: ZERO })]);
for (const [short, reg, imm] of [['csrw', 'csrrw', 'csrrwi'], ['csrs', 'csrrs', 'csrrsi'], ['csrc', 'csrrc', 'csrrci']] as const) {
  alias(short, 'csr, rs', (o) => [insn(reg, { rd: ZERO, csr: o.csr('csr'), rs1: o.reg('rs') })]);
  // An immediate source selects the -i instruction, in both the short and the full mnemonic.
  alias(short, 'csr, zimm', (o) => [insn(imm, { rd: ZERO, csr: o.csr('csr'), imm: o.expr('zimm') })]);
  alias(`${short}i`, 'csr, zimm', (o) => [insn(imm, { rd: ZERO, csr: o.csr('csr'), imm: o.expr('zimm') })]);
  alias(reg, 'rd, csr, zimm', (o) => [insn(imm, { rd: o.reg('rd'), csr: o.csr('csr'), imm: o.expr('zimm') })]);
}
const counters: readonly [string, number][] = [
  ['rdcycle', CSR.cycle], ['rdtime', CSR.time], ['rdinstret', CSR.instret],
  ['rdcycleh', CSR.cycleh], ['rdtimeh', CSR.timeh], ['rdinstreth', CSR.instreth],
];
for (const [mnemonic, csr] of counters) {
  alias(mnemonic, 'rd', (o) => [insn('csrrs', { rd: o.reg('rd'), csr: num(csr), rs1: ZERO })]);
}

// ---- system ---------------------------------------------------------------------------------
alias('fence', '', () => [insn('fence', { pred: FENCE_ALL, succ: FENCE_ALL })]);
alias('sfence.vma', '', () => [insn('sfence.vma', { rs1: ZERO, rs2: ZERO })]);
alias('sfence.vma', 'rs', (o) => [insn('sfence.vma', { rs1: o.reg('rs'), rs2: ZERO })]);
alias('hfence.vvma', '', () => [insn('hfence.vvma', { rs1: ZERO, rs2: ZERO })]);
alias('hfence.vvma', 'rs', (o) => [insn('hfence.vvma', { rs1: o.reg('rs'), rs2: ZERO })]);
alias('hfence.gvma', '', () => [insn('hfence.gvma', { rs1: ZERO, rs2: ZERO })]);
alias('hfence.gvma', 'rs', (o) => [insn('hfence.gvma', { rs1: o.reg('rs'), rs2: ZERO })]);
alias('scall', '', () => [insn('ecall', {})]);
alias('sbreak', '', () => [insn('ebreak', {})]);
// GNU as's 32-bit unimp is `csrrw x0, cycle, x0`: guaranteed to trap, as cycle is read-only.
alias('unimp', '', () => [insn('csrrw', { rd: ZERO, csr: num(CSR.cycle), rs1: ZERO })]);

/** Alias and pseudo-instruction forms by mnemonic. */
export const PSEUDO_FORMS: ReadonlyMap<string, readonly Form[]> = forms;
