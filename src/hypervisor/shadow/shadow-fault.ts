/**
 * A page-fault exit under shadow paging, answered the same way whichever technique takes it
 * (trap-and-emulate / paravirt, or hw-assist with shadow paging): ask the shadow MMU, then fill,
 * deliver the guest's own fault, emulate a device access, or — trace mode — perform the
 * guest's write to one of its page tables and drop the shadow entries it made stale.
 */
import { Cause } from '../../isa/causes.js';
import { PAGE_SIZE } from '../../isa/csr.js';
import { decode, rdOf, rs2Of } from '../../isa/decode.js';
import { BY_OP, Op } from '../../isa/instructions.js';
import { amoValue, isAmo } from '../../isa/amo.js';
import { Access } from '../../machine/mmu.js';
import type { ExitContext } from '../exit-context.js';
import type { ExitKind } from '../exits.js';
import { accessFault, emulateDeviceAccess } from '../mmio.js';
import type { ShadowMmu } from './shadow-mmu.js';

export function answerShadowFault(v: ExitContext, shadow: ShadowMmu, access: Access, va: number, pc: number): ExitKind {
  const r = shadow.handleFault(access, va);
  switch (r.kind) {
    case 'filled':
      v.charge('shadow-fill');
      return 'shadow-fill';
    case 'guest-fault':
      v.deliver(r.cause, r.tval, pc);
      return 'reflect-page-fault';
    case 'access-fault':
      v.deliver(r.cause, r.tval, pc);
      return 'reflect-exception';
    case 'mmio':
      return emulateMmio(v, shadow, access, va, r.gpa, pc);
    case 'pte-write':
      return emulatePteWrite(v, shadow, va, r.gpa, pc);
    default: {
      const never: never = r;
      throw new Error(`unhandled shadow result ${JSON.stringify(never)}`);
    }
  }
}

/** The faulting instruction, fetched through the shadow MMU's view of the guest's tables. */
function faultingInstruction(v: ExitContext, shadow: ShadowMmu, pc: number): number | undefined {
  const at = shadow.translate(Access.Fetch, pc);
  return 'gpa' in at ? v.mem.read32(at.gpa) : undefined;
}

/** A device access by a guest under shadow paging: fetch the instruction, then emulate it. */
function emulateMmio(v: ExitContext, shadow: ShadowMmu, access: Access, va: number, gpa: number, pc: number): ExitKind {
  // Instructions are not fetched from devices.
  if (access === Access.Fetch) return accessFault(v, access, va, pc);
  const insn = faultingInstruction(v, shadow, pc);
  if (insn === undefined) return accessFault(v, access, va, pc);
  return emulateDeviceAccess(v, insn, access, va, gpa, pc);
}

const WORD = 4;

/**
 * Trace mode: the guest stored to a page some shadow was built from (a page table). Decode
 * the store, perform it on guest memory as the hart would have — sb/sh/sw, an AMO, or sc.w
 * (which succeeds: the hypervisor's read-modify-write is atomic to this one-hart guest) —
 * then drop the shadow entries the write made stale and step past it.
 */
function emulatePteWrite(v: ExitContext, shadow: ShadowMmu, va: number, gpa: number, pc: number): ExitKind {
  const insn = faultingInstruction(v, shadow, pc);
  if (insn === undefined) return accessFault(v, Access.Store, va, pc);
  const op = decode(insn);
  const x = v.hart.x;
  const src = x[rs2Of(insn)] as number;
  const rd = rdOf(insn);
  let width: number;
  if (op === Op.SB || op === Op.SH || op === Op.SW) {
    width = BY_OP[op]?.width ?? WORD;
    if ((gpa & (PAGE_SIZE - 1)) + width > PAGE_SIZE) return storeAcrossPages(v, shadow, va, width, src, pc);
    v.mem.bus.write(gpa, width as 1 | 2 | 4, width === WORD ? src >>> 0 : src & ((1 << (8 * width)) - 1));
  } else if (isAmo(op) || op === Op.SC_W) {
    if ((gpa & (WORD - 1)) !== 0) {
      v.deliver(Cause.StoreAddressMisaligned, va >>> 0, pc);
      return 'reflect-exception';
    }
    width = WORD;
    const old = v.mem.read32(gpa) as number;
    v.mem.write32(gpa, isAmo(op) ? amoValue(op, old | 0, src) >>> 0 : src >>> 0);
    if (rd !== 0) x[rd] = isAmo(op) ? old | 0 : 0;
  } else {
    return accessFault(v, Access.Store, va, pc);
  }
  shadow.tracedWrite(gpa, width);
  v.hart.pc = (pc + 4) | 0;
  v.charge('emulate-store');
  v.charge('shadow-update');
  return 'pte-write';
}

/** A misaligned store that runs into the next page (the hart does misaligned stores in
 *  hardware): byte by byte, each through the guest's translation, each traced page told. */
function storeAcrossPages(v: ExitContext, shadow: ShadowMmu, va: number, width: number, src: number, pc: number): ExitKind {
  const targets: number[] = [];
  for (let i = 0; i < width; i++) {
    const at = shadow.translate(Access.Store, (va + i) >>> 0);
    if (!('gpa' in at)) return accessFault(v, Access.Store, (va + i) >>> 0, pc);
    targets.push(at.gpa);
  }
  targets.forEach((gpa, i) => {
    v.mem.bus.write(gpa, 1, (src >>> (8 * i)) & 0xff);
    if (shadow.isTracedPage(gpa)) shadow.tracedWrite(gpa, 1);
  });
  v.hart.pc = (pc + 4) | 0;
  v.charge('emulate-store');
  v.charge('shadow-update');
  return 'pte-write';
}
