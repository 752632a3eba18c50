/**
 * What a trap into HS-mode (or M) writes to htinst (mtinst) for a guest-page fault — the H
 * extension's "transformed instruction", which spares a hypervisor from reading the faulting
 * instruction out of guest memory to emulate a device access:
 *
 *   load   imm[11:0] | rs1 | funct3 | rd | opcode   →   0 | offset | funct3 | rd | opcode
 *   store  imm[11:5] | rs2 | rs1 | funct3 | imm[4:0] | opcode  →  0 | rs2 | offset | funct3 | 0 | opcode
 *   AMO, hlv/hlvx/hsv (no immediate)                  →   rs1 replaced by offset
 *
 * where `offset` is the faulting address minus the access's first byte (non-zero only when a
 * misaligned access faults on a later page). For the VS-stage walk's own references to its
 * page tables (implicit accesses) it is a pseudoinstruction instead. Zero is always legal
 * (instruction fetches, anything else).
 */
import { decodeSpec } from '../isa/decode.js';
import { Opcode } from '../isa/instructions.js';

/** Pseudoinstructions for implicit accesses of a VS-stage walk (RV32: 32-bit PTEs). */
export const HTINST_PTE_READ = 0x0000_2000;
export const HTINST_PTE_WRITE = 0x0000_2020;

const OPCODE_MASK = 0x7f;
const RS1_SHIFT = 15;
const RS1_FIELD = 0x1f << RS1_SHIFT;
/** Loads: imm[11:0] in bits 31:20. */
const LOAD_IMM = 0xfff << 20;
/** Stores: imm[11:5] in bits 31:25, imm[4:0] in bits 11:7. */
const STORE_IMM = (0x7f << 25) | (0x1f << 7);

/** The transformed form of `insn` for a fault `offset` bytes into its access, or 0. */
export function transformedInstruction(insn: number, offset: number): number {
  const off = (offset & 0x1f) << RS1_SHIFT;
  switch (insn & OPCODE_MASK) {
    case Opcode.LOAD: return ((insn & ~(LOAD_IMM | RS1_FIELD)) | off) >>> 0;
    case Opcode.STORE: return ((insn & ~(STORE_IMM | RS1_FIELD)) | off) >>> 0;
    case Opcode.AMO: return ((insn & ~RS1_FIELD) | off) >>> 0;
    case Opcode.SYSTEM: return isHypervisorAccess(insn) ? ((insn & ~RS1_FIELD) | off) >>> 0 : 0;
    default: return 0;
  }
}

/** hlv.*, hlvx.*, hsv.*: the H extension's instructions that access memory. */
function isHypervisorAccess(insn: number): boolean {
  const spec = decodeSpec(insn);
  return spec !== undefined && spec.ext === 'H' && spec.width !== undefined;
}
