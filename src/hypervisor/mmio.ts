/**
 * Device emulation: a guest load or store that reached a device page faulted (device pages are
 * never in the shadow tables), so decode the faulting instruction, perform the access on the
 * VM's device model, write the result back, and step past it.
 */
import { Cause } from '../isa/causes.js';
import { decode, rdOf, rs2Of } from '../isa/decode.js';
import { BY_OP, Op } from '../isa/instructions.js';
import { Access } from '../machine/mmu.js';
import type { ExitKind } from './accounting.js';
import type { Vcpu } from './vcpu.js';

const LOADS = new Set<Op>([Op.LB, Op.LH, Op.LW, Op.LBU, Op.LHU]);
const STORES = new Set<Op>([Op.SB, Op.SH, Op.SW]);

function accessFault(v: Vcpu, access: Access, va: number, pc: number): ExitKind {
  v.reflect(access === Access.Fetch ? Cause.InstructionAccessFault
    : access === Access.Load ? Cause.LoadAccessFault : Cause.StoreAccessFault, va >>> 0, pc);
  return 'reflect-exception';
}

export function emulateMmio(v: Vcpu, access: Access, va: number, gpa: number, pc: number): ExitKind {
  // Instructions are not fetched from devices.
  if (access === Access.Fetch) return accessFault(v, access, va, pc);
  const at = v.shadow.translate(Access.Fetch, pc);
  const insn = 'gpa' in at ? v.mem.read32(at.gpa) : undefined;
  if (insn === undefined) return accessFault(v, access, va, pc);
  const op = decode(insn);
  const isLoad = LOADS.has(op);
  if ((access === Access.Load && !isLoad) || (access === Access.Store && !STORES.has(op))) {
    // An AMO (or anything else) on a device register: devices do not support it.
    return accessFault(v, access, va, pc);
  }
  const width = BY_OP[op]?.width ?? 4;
  if ((gpa & (width - 1)) !== 0) return accessFault(v, access, va, pc);
  const preset = v.host.preset;
  v.charge('devices', preset.deviceEmulation + (preset.hosted ? preset.hostedDeviceExtra : 0));
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
