import { describe, expect, it } from 'vitest';
import { MIP } from '../../src/isa/csr.js';
import { Plic, PLIC } from '../../src/machine/devices/index.js';
import { FakePins } from './fakes.js';

const priority = (src: number) => PLIC.PRIORITY_BASE + 4 * src;
const enable = (ctx: number, word = 0) => PLIC.ENABLE_BASE + PLIC.ENABLE_STRIDE * ctx + 4 * word;
const threshold = (ctx: number) => PLIC.CONTEXT_BASE + PLIC.CONTEXT_STRIDE * ctx + PLIC.THRESHOLD;
const claim = (ctx: number) => PLIC.CONTEXT_BASE + PLIC.CONTEXT_STRIDE * ctx + PLIC.CLAIM_COMPLETE;
const M0 = 0; // hart 0 M-mode
const S0 = 1; // hart 0 S-mode

function board(harts = 1): { plic: Plic; pins: FakePins[] } {
  const pins = Array.from({ length: harts }, () => new FakePins());
  return { plic: new Plic({ harts: pins }), pins };
}

/** Enable `sources` for `ctx` (all in word 0 or 1..2 as needed). */
function enableSources(plic: Plic, ctx: number, ...sources: number[]): void {
  const words = [0, 0, 0];
  for (const s of sources) words[s >>> 5]! |= 1 << (s & 31);
  words.forEach((w, i) => plic.write(enable(ctx, i), 4, w >>> 0));
}

describe('PLIC', () => {
  it('has QEMU virt geometry: 96 sources, M and S context per hart', () => {
    const { plic } = board(2);
    expect(plic.sourceCount).toBe(96);
    expect(plic.contextCount).toBe(4);
    expect(plic.size).toBe(0x60_0000);
  });

  it('a source with priority 0 never interrupts', () => {
    const { plic, pins } = board();
    enableSources(plic, M0, 10);
    plic.irqLine(10).set(true);
    expect(plic.read(PLIC.PENDING_BASE, 4)).toBe(1 << 10);
    expect(pins[0]!.has(MIP.MEIP)).toBe(false);
    expect(plic.read(claim(M0), 4)).toBe(0);
  });

  it('pending + enabled + priority above threshold raises MEIP; claim returns the id and clears pending', () => {
    const { plic, pins } = board();
    plic.write(priority(10), 4, 1);
    enableSources(plic, M0, 10);
    plic.irqLine(10).set(true);
    expect(pins[0]!.has(MIP.MEIP)).toBe(true);
    expect(pins[0]!.has(MIP.SEIP)).toBe(false);
    expect(plic.read(claim(M0), 4)).toBe(10);
    expect(plic.read(PLIC.PENDING_BASE, 4)).toBe(0);
    expect(pins[0]!.has(MIP.MEIP)).toBe(false);
    expect(plic.read(claim(M0), 4)).toBe(0);
  });

  it('context 1 drives SEIP with its own enables and threshold', () => {
    const { plic, pins } = board();
    plic.write(priority(1), 4, 3);
    enableSources(plic, S0, 1);
    plic.irqLine(1).set(true);
    expect(pins[0]!.has(MIP.SEIP)).toBe(true);
    expect(pins[0]!.has(MIP.MEIP)).toBe(false);
    plic.write(threshold(S0), 4, 3);
    expect(pins[0]!.has(MIP.SEIP)).toBe(false);
    expect(plic.read(claim(S0), 4)).toBe(0); // claim honours the threshold, as on QEMU
    plic.write(threshold(S0), 4, 2);
    expect(plic.read(claim(S0), 4)).toBe(1);
  });

  it('claims the highest priority first, ties to the lowest id', () => {
    const { plic } = board();
    for (const [src, prio] of [[1, 2], [10, 5], [33, 5], [95, 7], [40, 1]] as const) {
      plic.write(priority(src), 4, prio);
    }
    enableSources(plic, M0, 1, 10, 33, 95, 40);
    for (const src of [40, 33, 10, 95, 1]) plic.irqLine(src).set(true);
    const order = [];
    for (let i = 0; i < 6; i++) order.push(plic.read(claim(M0), 4));
    expect(order).toEqual([95, 10, 33, 1, 40, 0]);
  });

  it('gateway: a claimed source is not pending again until completed', () => {
    const { plic, pins } = board();
    plic.write(priority(5), 4, 1);
    enableSources(plic, M0, 5);
    const line = plic.irqLine(5);
    line.set(true);
    expect(plic.read(claim(M0), 4)).toBe(5);
    line.set(false);
    line.set(true); // re-asserted while in service: held at the gateway
    expect(plic.read(PLIC.PENDING_BASE, 4)).toBe(0);
    expect(pins[0]!.has(MIP.MEIP)).toBe(false);
    plic.write(claim(M0), 4, 5); // complete with the line still high: a new request
    expect(plic.read(PLIC.PENDING_BASE, 4)).toBe(1 << 5);
    expect(pins[0]!.has(MIP.MEIP)).toBe(true);
    expect(plic.read(claim(M0), 4)).toBe(5);
    line.set(false);
    plic.write(claim(M0), 4, 5); // line low at completion: nothing more
    expect(plic.read(PLIC.PENDING_BASE, 4)).toBe(0);
  });

  it('a forwarded request is not retracted when the line drops', () => {
    const { plic, pins } = board();
    plic.write(priority(7), 4, 1);
    enableSources(plic, M0, 7);
    plic.irqLine(7).set(true);
    plic.irqLine(7).set(false);
    expect(pins[0]!.has(MIP.MEIP)).toBe(true);
    expect(plic.read(claim(M0), 4)).toBe(7);
  });

  it('ignores a completion for a source not enabled in that context', () => {
    const { plic } = board();
    plic.write(priority(3), 4, 1);
    enableSources(plic, M0, 3);
    const line = plic.irqLine(3);
    line.set(true);
    expect(plic.read(claim(M0), 4)).toBe(3);
    plic.write(claim(S0), 4, 3); // S context does not have source 3 enabled
    expect(plic.read(PLIC.PENDING_BASE, 4)).toBe(0);
    plic.write(claim(M0), 4, 3);
    expect(plic.read(PLIC.PENDING_BASE, 4)).toBe(1 << 3);
  });

  it('priority and threshold are 3-bit WARL; source 0 and enable bit 0 are hardwired to 0', () => {
    const { plic } = board();
    plic.write(priority(4), 4, 0xffff_ffff);
    expect(plic.read(priority(4), 4)).toBe(7);
    plic.write(priority(0), 4, 5);
    expect(plic.read(priority(0), 4)).toBe(0);
    plic.write(threshold(M0), 4, 0x1f);
    expect(plic.read(threshold(M0), 4)).toBe(7);
    plic.write(enable(M0), 4, 0xffff_ffff);
    expect(plic.read(enable(M0), 4)).toBe(0xffff_fffe);
    plic.write(enable(M0, 3), 4, 0xffff_ffff); // beyond source 95
    expect(plic.read(enable(M0, 3), 4)).toBe(0);
  });

  it('pending bits are read-only', () => {
    const { plic } = board();
    plic.write(PLIC.PENDING_BASE, 4, 0xffff_ffff);
    expect(plic.read(PLIC.PENDING_BASE, 4)).toBe(0);
  });

  it('narrow accesses neither read nor claim', () => {
    const { plic } = board();
    plic.write(priority(9), 4, 1);
    enableSources(plic, M0, 9);
    plic.irqLine(9).set(true);
    expect(plic.read(claim(M0), 1)).toBe(0);
    plic.write(priority(9), 1, 7);
    expect(plic.read(priority(9), 4)).toBe(1);
    expect(plic.read(claim(M0), 4)).toBe(9);
  });

  it('routes context 2 to hart 1 MEIP and context 3 to hart 1 SEIP', () => {
    const { plic, pins } = board(2);
    plic.write(priority(2), 4, 1);
    enableSources(plic, 3, 2);
    plic.irqLine(2).set(true);
    expect(pins[1]!.has(MIP.SEIP)).toBe(true);
    expect(pins[0]!.mip).toBe(0);
    enableSources(plic, 2, 2);
    expect(pins[1]!.has(MIP.MEIP)).toBe(true);
    expect(plic.read(claim(2), 4)).toBe(2);
    expect(pins[1]!.mip).toBe(0); // claimed for both contexts of the hart
  });

  it('reset() clears configuration but a still-asserted line is pending again', () => {
    const { plic, pins } = board();
    plic.write(priority(6), 4, 1);
    enableSources(plic, M0, 6);
    plic.irqLine(6).set(true);
    plic.reset();
    expect(pins[0]!.mip).toBe(0);
    expect(plic.read(priority(6), 4)).toBe(0);
    expect(plic.read(PLIC.PENDING_BASE, 4)).toBe(1 << 6);
  });

  it('rejects interrupt lines that do not exist', () => {
    const { plic } = board();
    expect(() => plic.irqLine(0)).toThrow(RangeError);
    expect(() => plic.irqLine(96)).toThrow(/no interrupt source 96/);
  });
});
