/**
 * Narrow accesses to 32-bit registers.
 *
 * The devices here are built from 32-bit little-endian registers. Where a device allows byte or
 * halfword accesses to them (the CLINT, virtio config space), a narrow read takes its bytes out
 * of the containing word and a narrow write replaces only its bytes — what a byte-enable on a
 * real 32-bit register does. The bus guarantees natural alignment, so a narrow access never
 * straddles two words.
 */
import type { AccessWidth } from '../device.js';

const BITS_PER_BYTE = 8;
const WORD_BYTES = 4;

/** Mask of a value `width` bytes wide. */
export function widthMask(width: AccessWidth): number {
  return width === WORD_BYTES ? 0xffff_ffff : (1 << (width * BITS_PER_BYTE)) - 1;
}

/** Offset of the 32-bit word containing byte `offset`. */
export function wordOffset(offset: number): number {
  return offset & ~(WORD_BYTES - 1);
}

/** The `width` bytes at byte `offset` of the register whose value is `word`. */
export function readSubword(word: number, offset: number, width: AccessWidth): number {
  const shift = (offset & (WORD_BYTES - 1)) * BITS_PER_BYTE;
  return ((word >>> shift) & widthMask(width)) >>> 0;
}

/** `word` with the `width` bytes at byte `offset` replaced by `value`. */
export function mergeSubword(word: number, offset: number, width: AccessWidth, value: number): number {
  const shift = (offset & (WORD_BYTES - 1)) * BITS_PER_BYTE;
  const mask = widthMask(width);
  return ((word & ~(mask << shift)) | ((value & mask) << shift)) >>> 0;
}
