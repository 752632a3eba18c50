/**
 * Device emulation: a guest load or store that reached a device page faulted (device pages are
 * never in the shadow tables, nor in a G-stage), so decode the faulting instruction, perform
 * the access on the VM's device model, write the result back, and step past it.
 *
 * Under trap-and-emulate (and hw-assist with shadow paging) the instruction is read from guest
 * memory through the guest's own page tables (shadow/shadow-fault.ts); under hw-assist with
 * nested paging the hardware hands it over in htinst, transformed (docs/hw-assist.md). Both
 * end in emulateDeviceAccess.
 */
import { decode, rdOf, rs2Of } from '../isa/decode.js';
import { BY_OP, Op } from '../isa/instructions.js';
import { Access, accessFaultCause } from '../machine/mmu.js';
import type { ExitContext } from './exit-context.js';
import type { ExitKind } from './exits.js';

const LOADS = new Set<Op>([Op.LB, Op.LH, Op.LW, Op.LBU, Op.LHU]);
const STORES = new Set<Op>([Op.SB, Op.SH, Op.SW]);

/** The access was not a device's to take: the guest's own access fault. */
export function accessFault(v: ExitContext, access: Access, va: number, pc: number): ExitKind {
  v.deliver(accessFaultCause(access), va >>> 0, pc);
  return 'reflect-exception';
}

/**
 * Perform the load or store `insn` (a real or a transformed instruction: only its opcode,
 * funct3, rd and rs2 are used) at guest-physical `gpa` on the VM's devices.
 */
export function emulateDeviceAccess(v: ExitContext, insn: number, access: Access, va: number, gpa: number, pc: number): ExitKind {
  if (access === Access.Fetch) return accessFault(v, access, va, pc);
  const op = decode(insn);
  const isLoad = LOADS.has(op);
  if ((access === Access.Load && !isLoad) || (access === Access.Store && !STORES.has(op))) {
    // An AMO (or anything else) on a device register: devices do not support it.
    return accessFault(v, access, va, pc);
  }
  const width = BY_OP[op]?.width ?? 4;
  if ((gpa & (width - 1)) !== 0) return accessFault(v, access, va, pc);
  v.charge('device');
  if (isLoad) {
    const raw = v.host.mmioRead(gpa, width);
    if (raw === undefined) return accessFault(v, access, va, pc);
    const rd = rdOf(insn);
    const value = op === Op.LB ? (raw << 24) >> 24 : op === Op.LH ? (raw << 16) >> 16 : raw | 0;
    if (rd !== 0) v.hart.x[rd] = value;
  } else {
    const value = (v.hart.x[rs2Of(insn)] as number) >>> 0;
    const masked = width === 4 ? value : value & ((1 << (8 * width)) - 1);
    if (!v.host.mmioWrite(gpa, width, masked)) return accessFault(v, access, va, pc);
  }
  v.hart.pc = (pc + 4) | 0;
  return 'mmio';
}
