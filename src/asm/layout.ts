/**
 * Linker-less layout. A pvlab program is one assembly unit, so instead of a linker the
 * assembler places sections itself: all allocated sections, grouped text, then read-only data,
 * then data, then bss (each group in the order the sections were first used), packed upwards from the base
 * address, each section starting at its own alignment. Non-allocated sections (.comment, notes)
 * are not placed.
 */
import type { Section, SectionClass } from './sections.js';
import type { AsmResult } from './types.js';

const CLASS_ORDER: readonly SectionClass[] = ['text', 'rodata', 'data', 'bss'];
const ADDRESS_SPACE = 2 ** 32;

export const alignUp = (x: number, a: number): number => Math.ceil(x / a) * a;

/** Section addresses by name; throws RangeError if the program overflows the address space. */
export function layoutSections(sections: readonly Section[], base: number): Map<string, number> {
  const addrs = new Map<string, number>();
  const placed = sections
    .filter((s) => s.attrs.alloc)
    .sort((a, b) => CLASS_ORDER.indexOf(a.attrs.cls) - CLASS_ORDER.indexOf(b.attrs.cls) || a.firstUse - b.firstUse);
  let cursor = base;
  for (const s of placed) {
    cursor = alignUp(cursor, s.align);
    addrs.set(s.name, cursor);
    cursor += s.size;
  }
  if (cursor > ADDRESS_SPACE) {
    throw new RangeError(`program does not fit below 4 GiB: it ends at 0x${cursor.toString(16)}`);
  }
  for (const s of sections) if (!addrs.has(s.name)) addrs.set(s.name, 0);
  return addrs;
}

/**
 * The program as one contiguous image from its lowest to its highest address: gaps between
 * sections and bss are zeros. Ready to copy into RAM at `base`.
 */
export function flatImage(r: AsmResult): { base: number; bytes: Uint8Array } {
  if (r.sections.length === 0) return { base: r.entry, bytes: new Uint8Array(0) };
  const lo = Math.min(...r.sections.map((s) => s.addr));
  const hi = Math.max(...r.sections.map((s) => s.addr + s.bytes.length));
  const bytes = new Uint8Array(hi - lo);
  for (const s of r.sections) if (!s.nobits) bytes.set(s.bytes, s.addr - lo);
  return { base: lo, bytes };
}
