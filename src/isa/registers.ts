/**
 * The integer registers by their calling-convention (ABI) names — the names the RISC-V psABI
 * gives x0..x31 and that SBI, system calls and hypercalls use for their arguments.
 */

/** ABI names of x0..x31, in register order (as objdump prints them). */
export const ABI_REGISTER_NAMES = [
  'zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2',
  's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7',
  's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6',
] as const;

export type AbiRegisterName = (typeof ABI_REGISTER_NAMES)[number];

/** Register number by ABI name: XREG.a0 === 10. */
export const XREG = Object.freeze(Object.fromEntries(ABI_REGISTER_NAMES.map((n, i) => [n, i]))) as
  Readonly<Record<AbiRegisterName, number>>;
