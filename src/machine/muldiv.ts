/**
 * The M extension's high-half multiplies: 32×32→64-bit products without BigInt, via 16-bit
 * limbs (every partial product stays below 2^53, where doubles are exact).
 */

/** High 32 bits of the unsigned product (mulhu). */
export function mulhu(a: number, b: number): number {
  const au = a >>> 0;
  const bu = b >>> 0;
  const al = au & 0xffff;
  const ah = au >>> 16;
  const bl = bu & 0xffff;
  const bh = bu >>> 16;
  const ll = al * bl;
  const lh = al * bh;
  const hl = ah * bl;
  const hh = ah * bh;
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (hh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) | 0;
}

/** High 32 bits of the signed product (mulh): the unsigned one, less b·2^32 when a < 0 and
 *  a·2^32 when b < 0. */
export function mulh(a: number, b: number): number {
  return (mulhu(a, b) - (a < 0 ? b : 0) - (b < 0 ? a : 0)) | 0;
}

/** High 32 bits of signed a times unsigned b (mulhsu). */
export function mulhsu(a: number, b: number): number {
  return (mulhu(a, b) - (a < 0 ? b : 0)) | 0;
}
