/**
 * The Zicsr instructions' read-modify-write rules (Zicsr chapter of the unprivileged spec),
 * once for the hart and for every hypervisor that emulates them:
 *
 *   csrrw  rd, csr, rs1    write rs1                 csrrwi rd, csr, uimm   write uimm
 *   csrrs  rd, csr, rs1    set the bits of rs1       csrrsi rd, csr, uimm   set the bits of uimm
 *   csrrc  rd, csr, rs1    clear the bits of rs1     csrrci rd, csr, uimm   clear the bits of uimm
 *
 * csrrs/csrrc (and their immediate forms) with rs1 = x0 / uimm = 0 do not write (so have no
 * write side effects); csrrw/csrrwi with rd = x0 do not read.
 */
import { Op } from './instructions.js';

export function isCsrOp(op: Op): boolean {
  return op === Op.CSRRW || op === Op.CSRRS || op === Op.CSRRC || op === Op.CSRRWI || op === Op.CSRRSI || op === Op.CSRRCI;
}

/** The immediate forms take the rs1 field as a 5-bit unsigned value (uimm). */
export function csrImmediate(op: Op): boolean {
  return op === Op.CSRRWI || op === Op.CSRRSI || op === Op.CSRRCI;
}

/** The source operand: the uimm field, or the register it names. */
export function csrSource(op: Op, rs1: number, x: ArrayLike<number>): number {
  return csrImmediate(op) ? rs1 : (x[rs1] as number);
}

/** Whether the instruction writes the CSR (the set/clear forms only with a non-zero source field). */
export function csrWrites(op: Op, rs1: number): boolean {
  return op === Op.CSRRW || op === Op.CSRRWI || rs1 !== 0;
}

/** Whether the instruction reads the CSR (csrrw/csrrwi with rd = x0 do not). */
export function csrReads(op: Op, rd: number): boolean {
  return !(op === Op.CSRRW || op === Op.CSRRWI) || rd !== 0;
}

/** The value written: the source, or `base` with the source's bits set or cleared. `base` is
 *  what the read-modify-write starts from (the CSR's writable state). */
export function csrWriteValue(op: Op, base: number, src: number): number {
  switch (op) {
    case Op.CSRRW: case Op.CSRRWI: return src;
    case Op.CSRRS: case Op.CSRRSI: return base | src;
    default: return base & ~src;
  }
}
