/** Integer register names: x0–x31 and the standard ABI names (plus `fp`, an alias of s0). */

const ABI_NAMES = [
  'zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2',
  's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7',
  's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6',
] as const;

const REGISTER_COUNT = 32;

const BY_NAME: ReadonlyMap<string, number> = (() => {
  const m = new Map<string, number>();
  ABI_NAMES.forEach((n, i) => m.set(n, i));
  for (let i = 0; i < REGISTER_COUNT; i++) m.set(`x${i}`, i);
  m.set('fp', m.get('s0') as number);
  return m;
})();

/** Register number for a name, or undefined. */
export function registerNumber(name: string): number | undefined {
  return BY_NAME.get(name);
}

export const REGISTER_NAMES: readonly string[] = [...BY_NAME.keys()];

/** Registers the pseudo-instructions name, by ABI name. */
export const Reg = {
  zero: 0,
  ra: 1,
  t1: 6,
} as const;
