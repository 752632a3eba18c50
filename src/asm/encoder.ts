/**
 * Pass 2 for instructions: evaluate a MachineInsn's expressions now that every address is
 * known and hand the numbers to the ISA's encode(), which owns the bit layout and range checks.
 */
import { encode, EncodeError, type OperandValues } from '../isa/encode.js';
import { SourceError } from './diagnostics.js';
import { absolute, evaluate, type EvalEnv } from './eval.js';
import type { MachineInsn } from './machine-insn.js';

const UINT32_MAX = (1n << 32n) - 1n;

/**
 * GNU as on RV32 reads a 32-bit constant as its two's complement, so `addi a0, a0, 0xfffff800`
 * means -2048.
 */
function normalize32(v: bigint): bigint {
  return v >= 0n && v <= UINT32_MAX ? BigInt.asIntN(32, v) : v;
}

/** Encodes one instruction at address `pc`; `env.pc` must be `pc`. `col` locates errors. */
export function encodeInsn(m: MachineInsn, env: EvalEnv & { pc: bigint }, col: number): number {
  const v: OperandValues = {};
  if (m.rd !== undefined) v.rd = m.rd;
  if (m.rs1 !== undefined) v.rs1 = m.rs1;
  if (m.rs2 !== undefined) v.rs2 = m.rs2;
  if (m.pred !== undefined) v.pred = m.pred;
  if (m.succ !== undefined) v.succ = m.succ;
  if (m.aq !== undefined) v.aq = m.aq;
  if (m.rl !== undefined) v.rl = m.rl;
  const format = m.spec.format;
  const operand = m.imm ?? m.csr;
  const where = operand !== undefined && operand.col > 0 ? operand.col : col;
  if (m.imm !== undefined) {
    let x = absolute(evaluate(m.imm, env), env);
    if (format === 'B' || format === 'J') x = BigInt.asIntN(32, x - env.pc); // a pc-relative target
    else if (format === 'I' || format === 'S') x = normalize32(x);
    v.imm = Number(x);
  }
  if (m.csr !== undefined) v.csr = Number(absolute(evaluate(m.csr, env), env));
  try {
    return encode(m.spec, v);
  } catch (e) {
    if (!(e instanceof EncodeError)) throw e;
    const hint = format === 'B' ? ' (branch target too far: branch around a jump instead)' : '';
    throw new SourceError(`${e.message}${hint}`, where);
  }
}
