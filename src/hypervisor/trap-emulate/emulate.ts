/**
 * Emulation of the privileged instructions a deprivileged guest kernel traps on: the Zicsr
 * instructions on supervisor CSRs, sret, sfence.vma and wfi. The trapping word arrives in the
 * exit (the hart puts it in tval, as QEMU does); decoding uses the same instruction table as
 * everything else. An instruction that is illegal for the guest too is reflected to it.
 */
import { Cause } from '../../isa/causes.js';
import { Priv, type PrivLevel } from '../../isa/csr.js';
import { Op } from '../../isa/instructions.js';
import type { Hart } from '../../machine/hart.js';
import type { ExitContext } from '../exit-context.js';
import type { ExitKind } from '../exits.js';
import type { ShadowMmu } from '../shadow/shadow-mmu.js';
import type { VirtualCsrs } from './vcsr.js';
// ASSIGNMENT trap-emulate BEGIN imports the emulation needs
import { decode, rdOf, rs1Of, csrOf } from '../../isa/decode.js';
import { csrSource, csrWriteValue, csrWrites } from '../../isa/zicsr.js';
import { CsrEffect } from './vcsr.js';
// ASSIGNMENT trap-emulate END

// Module-level copies of imported constants and functions used at every exit: an imported
// binding is a cell load with a hole check at each use, and an imported object's field one more
// load, which V8 does not fold into a constant (see Hart's copies).
const PRIV_S = Priv.S;
const decodeWord = decode;

/** What the emulation needs of the trap-and-emulate vCPU (trap-emulate.ts). */
export interface EmulationTarget {
  readonly hart: Hart;
  readonly vcsr: VirtualCsrs;
  readonly shadow: ShadowMmu;
  /** The guest's virtual privilege. */
  readonly vpriv: PrivLevel;
  waiting: boolean;
  charge: ExitContext['charge'];
  deliver: ExitContext['deliver'];
  /** sret on the virtual state. */
  returnFromTrap(): void;
}

export function emulatePrivileged(v: EmulationTarget, insn: number, pc: number): ExitKind {
  const op = decodeWord(insn);
  if (v.vpriv !== PRIV_S) return illegal(v, insn, pc);
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

function illegal(v: EmulationTarget, insn: number, pc: number): ExitKind {
  v.deliver(Cause.IllegalInstruction, insn, pc);
  return 'reflect-exception';
}

function csr(v: EmulationTarget, op: Op, insn: number, pc: number): ExitKind {
  // ASSIGNMENT trap-emulate BEGIN step 1: csrrw/csrrs/csrrc and their immediate forms
  const num = csrOf(insn);
  const rd = rdOf(insn);
  const rs1 = rs1Of(insn);
  if (!v.vcsr.exists(num)) return illegal(v, insn, pc);
  const old = v.vcsr.read(num);
  if (csrWrites(op, rs1)) {
    const effect = v.vcsr.write(num, csrWriteValue(op, old, csrSource(op, rs1, v.hart.x)));
    if ((effect & CsrEffect.FlushShadow) !== 0 && v.shadow.addressSpaceChanged()) v.charge('shadow-flush');
  }
  if (rd !== 0) v.hart.x[rd] = old | 0;
  v.hart.pc = (pc + 4) | 0;
  v.charge('emulate');
  return 'csr';
  // ASSIGNMENT trap-emulate END
}

function sret(v: EmulationTarget, insn: number, pc: number): ExitKind {
  // ASSIGNMENT trap-emulate BEGIN step 2: sret
  v.returnFromTrap();
  v.charge('emulate');
  return 'sret';
  // ASSIGNMENT trap-emulate END
}

function sfence(v: EmulationTarget, insn: number, pc: number): ExitKind {
  const rs1 = rs1Of(insn);
  const flushed = v.shadow.sfence(rs1 === 0 ? null : (v.hart.x[rs1] as number));
  v.hart.pc = (pc + 4) | 0;
  // Fence mode: the shadow state it names was dropped. Trace mode: the shadows are exact, so
  // only the hart's TLB was flushed; the exit is one emulated instruction.
  v.charge(flushed ? 'shadow-flush' : 'emulate');
  return 'sfence';
}

function wfi(v: EmulationTarget, pc: number): ExitKind {
  v.hart.pc = (pc + 4) | 0;
  if ((v.vcsr.sip & v.vcsr.sie) === 0) v.waiting = true;
  v.charge('emulate');
  return 'wfi';
}
