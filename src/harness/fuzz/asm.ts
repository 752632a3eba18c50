/**
 * Assembly text for hostile guests: instructions the assembler would refuse or that need
 * arbitrary fields (any CSR number, any register) are emitted as `.word`s encoded from the one
 * instruction table; constants and calls are ordinary assembly.
 */
import { encode, type OperandValues } from '../../isa/encode.js';
import { BY_MNEMONIC } from '../../isa/instructions.js';

const hex = (v: number): string => `0x${(v >>> 0).toString(16)}`;

/** A raw instruction word. */
export function word(w: number): string {
  return `    .word   ${hex(w)}`;
}

/** `mnemonic` with the given operand fields, encoded from the instruction table. */
export function insn(mnemonic: string, operands: OperandValues = {}): string {
  const spec = BY_MNEMONIC.get(mnemonic);
  if (spec === undefined) throw new Error(`no instruction ${mnemonic} in the table`);
  return `${word(encode(spec, operands))}   # ${mnemonic}`;
}

/** Load a 32-bit constant. */
export function li(reg: string, value: number): string {
  return `    li      ${reg}, ${hex(value)}`;
}

/** An ecall with a7, a6 and a0.. set as given (an SBI call or a hypercall). */
export function ecall(a7: number, a6: number, args: readonly number[] = []): string {
  return [li('a7', a7), li('a6', a6), ...args.map((v, i) => li(`a${i}`, v)), '    ecall'].join('\n');
}

/** t6 = the address `label + offset` (t5 is clobbered). */
export function addressOf(label: string, offset: number): string {
  return [`    la      t6, ${label}`, li('t5', offset), '    add     t6, t6, t5'].join('\n');
}

/** Store `value` (32 bits) at `label + offset` (t5 and t6 are clobbered). */
export function storeAt(label: string, offset: number, value: number): string {
  return [addressOf(label, offset), li('t5', value), '    sw      t5, 0(t6)'].join('\n');
}
