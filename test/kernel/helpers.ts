/** Reading the "label 0x<value>" lines the ktest_* programs print. */
import { SYS_ERR } from '../../src/abi/syscalls.js';

/** label -> value (as a signed 32-bit number) of every "label 0x........" line. */
export function reports(console: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const match of console.matchAll(/^([\w-]+) 0x([0-9a-f]{8})$/gm)) {
    m.set(match[1] as string, Number.parseInt(match[2] as string, 16) | 0);
  }
  return m;
}

/** The expected reports as an object (for one readable toEqual). */
export function reportObject(console: string): Record<string, number> {
  return Object.fromEntries(reports(console));
}

export const { EINVAL, ENOSYS, ENOMEM, ECHILD, EIO } = SYS_ERR;
