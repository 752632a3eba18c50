/**
 * Parsing of sizes and numbers given on the command line: "64M", "128MiB", "1G", "4096",
 * "0x8000_0000", "10e6". Errors name the option and the value.
 */
import { UserError } from './errors.js';

const UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

export function parseSize(option: string, text: string): number {
  const m = /^\s*(\d+)\s*([KMG]?)(?:i?B)?\s*$/i.exec(text);
  if (!m) throw new UserError(`--${option}: "${text}" is not a size (examples: 64M, 128MiB, 1G, 4096)`);
  return Number(m[1]) * (UNITS[(m[2] ?? '').toUpperCase()] as number);
}

export function parseCount(option: string, text: string | number): number {
  const s = String(text).replace(/_/g, '');
  const v = /^0x[0-9a-f]+$/i.test(s) ? parseInt(s, 16) : Number(s);
  if (!Number.isFinite(v) || v < 0 || !Number.isInteger(v)) {
    throw new UserError(`--${option}: "${text}" is not a non-negative whole number`);
  }
  return v;
}

export function parseAddress(option: string, text: string | number): number {
  const v = parseCount(option, text);
  if (v > 0xffff_ffff) throw new UserError(`--${option}: ${text} is beyond the 32-bit address space`);
  return v;
}
