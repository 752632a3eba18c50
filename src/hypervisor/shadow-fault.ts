/**
 * A page-fault exit under shadow paging, answered the same way whichever vCPU takes it (the
 * trap-and-emulate / paravirtual one, or hw-assist with shadow paging): ask the shadow MMU,
 * then fill, reflect the guest's own fault, or emulate a device access.
 */
import type { Access } from '../machine/mmu.js';
import type { ExitKind } from './accounting.js';
import type { GuestMemory } from './guest-memory.js';
import { emulateMmio, type DeviceAccessor } from './mmio.js';
import type { ShadowMmu } from './shadow-mmu.js';

export function answerShadowFault(
  v: DeviceAccessor & { readonly mem: GuestMemory }, shadow: ShadowMmu, access: Access, va: number, pc: number,
): ExitKind {
  const r = shadow.handleFault(access, va);
  switch (r.kind) {
    case 'filled':
      v.charge('shadowPaging', v.host.preset.shadowFill);
      return 'shadow-fill';
    case 'guest-fault':
      v.reflect(r.cause, r.tval, pc);
      return 'reflect-page-fault';
    case 'access-fault':
      v.reflect(r.cause, r.tval, pc);
      return 'reflect-exception';
    case 'mmio':
      return emulateMmio(v, shadow, access, va, r.gpa, pc);
    default: {
      const never: never = r;
      throw new Error(`unhandled shadow result ${JSON.stringify(never)}`);
    }
  }
}
