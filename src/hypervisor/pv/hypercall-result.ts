/**
 * What a hypercall handler answers (docs/pv-abi.md, calling convention): a0 = error (SBI_ERR_*,
 * 0 = success), a1 = value — or nothing at all, for a call that does not return to its caller
 * (TRAP_RETURN: the registers and pc are its own).
 */
import { SBI_ERR } from '../../abi/sbi.js';

export interface HcResult {
  error: number;
  value: number;
}

/** Success with value 0 — the commonest answer, shared rather than allocated per call. */
const OK: HcResult = Object.freeze({ error: SBI_ERR.SUCCESS, value: 0 });

export const ok = (value = 0): HcResult => (value === 0 ? OK : { error: SBI_ERR.SUCCESS, value: value >>> 0 });
export const fail = (error: number, value = 0): HcResult => ({ error, value: value >>> 0 });

/** The hypercall does not return to its caller: a0, a1 and pc are left as the handler set them. */
export const NO_RETURN = Symbol('no-return');
export type HcOutcome = HcResult | typeof NO_RETURN;
