/**
 * A page-fault exit under shadow paging, answered the same way whichever technique takes it
 * (trap-and-emulate / paravirt, or hw-assist with shadow paging): ask the shadow MMU, then fill,
 * deliver the guest's own fault, or emulate a device access.
 */
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
    default: {
      const never: never = r;
      throw new Error(`unhandled shadow result ${JSON.stringify(never)}`);
    }
  }
}

/** A device access by a guest under shadow paging: fetch the instruction through the shadow
 *  MMU's view of the guest's tables, then emulate it. */
function emulateMmio(
  v: ExitContext, shadow: ShadowMmu,
  access: Access, va: number, gpa: number, pc: number,
): ExitKind {
  // Instructions are not fetched from devices.
  if (access === Access.Fetch) return accessFault(v, access, va, pc);
  const at = shadow.translate(Access.Fetch, pc);
  const insn = 'gpa' in at ? v.mem.read32(at.gpa) : undefined;
  if (insn === undefined) return accessFault(v, access, va, pc);
  return emulateDeviceAccess(v, insn, access, va, gpa, pc);
}
