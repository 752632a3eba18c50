/**
 * The A extension's read-modify-write rules (unprivileged spec, "A" chapter), once for the hart
 * and for a hypervisor that performs a guest's AMO itself (a traced page-table write):
 * the value an AMO*.W stores, given the word it read and rs2.
 */
import { Op } from './instructions.js';

export function isAmo(op: Op): boolean {
  switch (op) {
    case Op.AMOSWAP_W: case Op.AMOADD_W: case Op.AMOXOR_W: case Op.AMOAND_W: case Op.AMOOR_W:
    case Op.AMOMIN_W: case Op.AMOMAX_W: case Op.AMOMINU_W: case Op.AMOMAXU_W:
      return true;
    default:
      return false;
  }
}

/** The word an AMO stores: `old` combined with `src` (both as the hart holds them, signed). */
export function amoValue(op: Op, old: number, src: number): number {
  switch (op) {
    case Op.AMOSWAP_W: return src;
    case Op.AMOADD_W: return (old + src) | 0;
    case Op.AMOXOR_W: return old ^ src;
    case Op.AMOAND_W: return old & src;
    case Op.AMOOR_W: return old | src;
    case Op.AMOMIN_W: return old < src ? old : src;
    case Op.AMOMAX_W: return old > src ? old : src;
    case Op.AMOMINU_W: return (old >>> 0) < (src >>> 0) ? old : src;
    case Op.AMOMAXU_W: return (old >>> 0) > (src >>> 0) ? old : src;
    default: throw new Error(`not an AMO: ${op}`);
  }
}
