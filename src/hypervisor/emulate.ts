/**
 * Emulation of the privileged instructions a deprivileged guest kernel traps on: the Zicsr
 * instructions on supervisor CSRs, sret, sfence.vma and wfi. The trapping word arrives in the
 * exit (the hart puts it in tval, as QEMU does); decoding uses the same instruction table as
 * everything else. An instruction that is illegal for the guest too is reflected to it.
 */
import { Cause } from '../isa/causes.js';
import { Priv } from '../isa/csr.js';
import { Op } from '../isa/instructions.js';
import type { ExitKind } from './accounting.js';
import type { Vcpu } from './vcpu.js';
// ASSIGNMENT trap-emulate BEGIN imports the emulation needs
import { decode, rdOf, rs1Of, csrOf } from '../isa/decode.js';
import { CsrEffect } from './vcsr.js';
// ASSIGNMENT trap-emulate STUB
// import { decode, rs1Of } from '../isa/decode.js';
// ASSIGNMENT trap-emulate END

export function emulatePrivileged(v: Vcpu, insn: number, pc: number): ExitKind {
  const op = decode(insn);
  if (v.vpriv !== Priv.S) return illegal(v, insn, pc);
  switch (op) {
    case Op.CSRRW: case Op.CSRRS: case Op.CSRRC: case Op.CSRRWI: case Op.CSRRSI: case Op.CSRRCI:
      return csr(v, op, insn, pc);
    case Op.SRET:
      return sret(v, insn, pc);
    case Op.SFENCE_VMA:
      return sfence(v, insn, pc);
    case Op.WFI:
      return wfi(v, pc);
    default:
      return illegal(v, insn, pc);
  }
}

function illegal(v: Vcpu, insn: number, pc: number): ExitKind {
  v.reflect(Cause.IllegalInstruction, insn, pc);
  return 'reflect-exception';
}

function csr(v: Vcpu, op: Op, insn: number, pc: number): ExitKind {
  // ASSIGNMENT trap-emulate BEGIN step 1: csrrw/csrrs/csrrc and their immediate forms
  const num = csrOf(insn);
  const rd = rdOf(insn);
  const rs1 = rs1Of(insn);
  if (!v.vcsr.exists(num)) return illegal(v, insn, pc);
  const immediate = op === Op.CSRRWI || op === Op.CSRRSI || op === Op.CSRRCI;
  const src = immediate ? rs1 : (v.hart.x[rs1] as number);
  const isWrite = op === Op.CSRRW || op === Op.CSRRWI || rs1 !== 0;
  const old = v.vcsr.read(num);
  if (isWrite) {
    const value = op === Op.CSRRW || op === Op.CSRRWI ? src : op === Op.CSRRS || op === Op.CSRRSI ? old | src : old & ~src;
    const effect = v.vcsr.write(num, value);
    if (effect & CsrEffect.FlushShadow) {
      v.shadow.flushAll();
      v.charge('shadowPaging', v.host.preset.shadowFlush);
    }
  }
  if (rd !== 0) v.hart.x[rd] = old | 0;
  v.hart.pc = (pc + 4) | 0;
  v.charge('emulation', v.host.preset.emulateInstruction);
  return 'csr';
  // ASSIGNMENT trap-emulate STUB
  // // TODO(assignment trap-emulate, step 1): emulate the Zicsr instruction `insn` (operation `op`)
  // // on the guest's virtual CSRs (v.vcsr): read the old value into rd, write the new one when
  // // the instruction writes, act on the CsrEffect the write returns, step past it, charge the
  // // emulation and return 'csr'. Until then the guest sees an illegal instruction.
  // void op;
  // return illegal(v, insn, pc);
  // ASSIGNMENT trap-emulate END
}

function sret(v: Vcpu, insn: number, pc: number): ExitKind {
  // ASSIGNMENT trap-emulate BEGIN step 2: sret
  v.returnFromTrap();
  v.charge('emulation', v.host.preset.emulateInstruction);
  return 'sret';
  // ASSIGNMENT trap-emulate STUB
  // // TODO(assignment trap-emulate, step 2): emulate sret — return from the guest's trap into
  // // its virtual U or S mode (see Vcpu.returnFromTrap), charge the emulation, return 'sret'.
  // return illegal(v, insn, pc);
  // ASSIGNMENT trap-emulate END
}

function sfence(v: Vcpu, insn: number, pc: number): ExitKind {
  const rs1 = rs1Of(insn);
  if (rs1 === 0) v.shadow.flushAll();
  else v.shadow.flushPage(v.hart.x[rs1] as number);
  v.hart.pc = (pc + 4) | 0;
  v.charge('shadowPaging', v.host.preset.shadowFlush);
  return 'sfence';
}

function wfi(v: Vcpu, pc: number): ExitKind {
  v.hart.pc = (pc + 4) | 0;
  if ((v.vcsr.sip & v.vcsr.sie) === 0) v.waiting = true;
  v.charge('emulation', v.host.preset.emulateInstruction);
  return 'wfi';
}
