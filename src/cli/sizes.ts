/**
 * Parsing of sizes and numbers given on the command line: "64M", "128MiB", "1G", "4096",
 * "0x8000_0000", "10e6". Errors name the option and the value.
 */
import { VIRT } from '../machine/memory-map.js';
import { UserError } from './errors.js';

const UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

export function parseSize(option: string, text: string): number {
  const m = /^\s*(\d+)\s*([KMG]?)(?:i?B)?\s*$/i.exec(text);
  if (!m) throw new UserError(`--${option}: "${text}" is not a size (examples: 64M, 128MiB, 1G, 4096)`);
  return Number(m[1]) * (UNITS[(m[2] ?? '').toUpperCase()] as number);
}

/** RAM starts at 0x8000_0000 and must end within the 32-bit physical address space: at most 2 GiB. */
export const MAX_RAM_BYTES = 0x1_0000_0000 - VIRT.DRAM_BASE;
const PAGE = 4096;

/** A guest RAM size: whole 4 KiB pages, at least one, at most the 2 GiB RAM window. */
export function parseRamSize(option: string, text: string): number {
  const bytes = parseSize(option, text);
  if (bytes === 0) throw new UserError(`--${option} ${text}: RAM must be at least 4K`);
  if (bytes % PAGE !== 0) throw new UserError(`--${option} ${text}: RAM must be a whole number of 4 KiB pages (e.g. 64M)`);
  if (bytes > MAX_RAM_BYTES) {
    throw new UserError(`--${option} ${text}: more than the board's 2 GiB RAM window (0x80000000-0xffffffff); at most 2G`);
  }
  return bytes;
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

/** A yargs option holding a count: no yargs type, so help does not call it a [string], and the
 *  value (a number or text like "10e6", "0x100", "1_000") goes to parseCount, which names a bad
 *  one. A value is required. */
export function countOption(describe: string, dflt?: number): { requiresArg: true; describe: string; default?: number } {
  return { requiresArg: true, describe, ...(dflt !== undefined ? { default: dflt } : {}) };
}
