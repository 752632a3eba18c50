/**
 * Assembler inputs that used to take minutes or crash (issue 15 item 6): nested .rept whose
 * product is huge, and an alignment larger than a section may be. Each is one diagnostic with
 * file:line:column, found quickly.
 */
import { describe, expect, it } from 'vitest';
import { AsmError, assemble } from '../../src/asm/index.js';
import { MAX_REPEATED_LINES } from '../../src/asm/assembler.js';

function asmError(source: string): string {
  try {
    assemble(source, { fileName: 't.S' });
  } catch (e) {
    expect(e).toBeInstanceOf(AsmError);
    return (e as Error).message;
  }
  throw new Error('assembled without error');
}

describe('repetition limits', () => {
  it('three nested .rept 1000 are refused by their product, once', () => {
    const msg = asmError('.rept 1000\n.rept 1000\n.rept 1000\nnop\n.endr\n.endr\n.endr\n');
    expect(msg.trim().split('\n')).toHaveLength(1);
    expect(msg).toMatch(/^t\.S:\d+:1: repetitions \(\.rept\/\.irp, nested ones multiplied\) would expand to more than 1,000,000 lines/);
  });

  it('nested .irp inside .rept counts too', () => {
    expect(asmError('.rept 2000\n.irp r, a0, a1, a2, a3, a4, a5, a6, a7\n.rept 100\nnop\n.endr\n.endr\n.endr\n')).toMatch(/would expand to more than/);
  });

  it('a product within the budget still assembles', () => {
    const r = assemble('.rept 10\n.rept 10\nnop\n.endr\n.endr\n', { fileName: 't.S' });
    expect(r.sections.find((s) => s.name === '.text')?.bytes.length).toBe(400);
    expect(MAX_REPEATED_LINES).toBe(1_000_000);
  });
});

describe('alignment limits', () => {
  it('.balign 0x40000000 in code is refused at the directive without building the padding', () => {
    const t0 = process.memoryUsage().rss;
    expect(asmError('nop\n.balign 0x40000000\nnop\n')).toMatch(/^t\.S:2:1: \.text would grow to 1073741824 bytes, beyond the 536870912-byte limit/);
    // Refused before allocating: far less than the 1 GiB the padding would be.
    expect(process.memoryUsage().rss - t0).toBeLessThan(256 * 1024 * 1024);
  });

  it('a huge alignment at the start of code is refused when the end is padded', () => {
    expect(asmError('.balign 0x40000000\nnop\n')).toMatch(/\.text would grow to 1073741824 bytes/);
  });

  it('code padding is GNU as\'s: zero byte, c.nop, then nops', () => {
    const r = assemble('.byte 1\n.balign 16\n', { fileName: 't.S' });
    const text = r.sections.find((s) => s.name === '.text')?.bytes ?? new Uint8Array();
    expect([...text]).toEqual([1, 0, 0x01, 0x00, 0x13, 0, 0, 0, 0x13, 0, 0, 0, 0x13, 0, 0, 0]);
  });
});
