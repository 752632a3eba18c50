/** Labels, numeric local labels, and the relocation operators resolved within the program. */
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/index.js';
import { BASE, errors, expectSameCode, section, symbol, words, wordsOf } from './helpers.js';

describe('labels', () => {
  it('defines labels at the location counter, several per line', () => {
    const r = assemble(' nop\na: b: nop\n.data\nc: .word 0');
    expect(symbol(r, 'a')).toBe(BASE + 4);
    expect(symbol(r, 'b')).toBe(BASE + 4);
    expect(symbol(r, 'c')).toBe(section(r, '.data').addr);
  });

  it('resolves forward and backward branches', () => {
    expectSameCode('top: beq a0, a1, done\n j top\ndone: nop', 'beq a0, a1, .+8\n jal zero, .-4\n nop');
  });

  it('numbers each instance of a numeric local label, so 1b and 1f find the nearest', () => {
    expectSameCode(
      '1: nop\n j 1b\n j 1f\n1: nop\n j 1b\n bnez a0, 2f\n2: j 1b',
      'nop\n jal zero, .-4\n jal zero, .+4\n nop\n jal zero, .-4\n bne a0, zero, .+4\n jal zero, .-12',
    );
  });

  it('keeps local labels and .L symbols out of the symbol table', () => {
    const r = assemble('1: nop\n.Lhidden: nop\nvisible: j 1b');
    expect(r.symbols.map((s) => s.name)).toEqual(['visible']);
  });

  it('reports duplicate labels with the first definition', () => {
    expect(errors('x: nop\nx: nop')).toEqual(["2:1: symbol 'x' is already defined (at input.S:1)"]);
  });

  it('reports local label references with nothing to refer to', () => {
    expect(errors(' j 1b')).toEqual(["1:4: local label '1b' refers back to '1:', which is not defined before this line"]);
    expect(errors(' j 3f\n nop')).toEqual(["1:4: local label '3f' has no definition after this point"]);
  });
});

describe('relocation operators', () => {
  it('%hi/%lo rebuild an absolute address, rounding %hi for a negative %lo', () => {
    const r = assemble('lui a0, %hi(x)\n addi a0, a0, %lo(x)\n lw a1, %lo(x)(a0)\n sw a1, %lo(x)(a0)\n.data\n.space 0x7f0\nx: .word 0');
    const x = symbol(r, 'x');
    const hi = ((x + 0x800) >>> 12) & 0xfffff;
    const lo = ((x & 0xfff) ^ 0x800) - 0x800;
    expect(((hi << 12) + lo) >>> 0).toBe(x);
    expect(wordsOf(section(r, '.text').bytes)).toEqual(words(`lui a0, ${hi}\n addi a0, a0, ${lo}\n lw a1, ${lo}(a0)\n sw a1, ${lo}(a0)`));
  });

  it('%pcrel_lo names the auipc whose %pcrel_hi it completes', () => {
    const r = assemble(' nop\n1: auipc a0, %pcrel_hi(msg)\n nop\n addi a0, a0, %pcrel_lo(1b)\n.data\n.space 0x900\nmsg: .byte 0');
    const delta = symbol(r, 'msg') - (BASE + 4);
    const hi = ((delta + 0x800) >>> 12) & 0xfffff;
    const lo = ((delta & 0xfff) ^ 0x800) - 0x800;
    expect(wordsOf(section(r, '.text').bytes)).toEqual(words(` nop\n auipc a0, ${hi}\n nop\n addi a0, a0, ${lo}`));
  });

  it('reports %pcrel_lo pointing somewhere without an auipc', () => {
    expect(errors('x: nop\n addi a0, a0, %pcrel_lo(x)')[0]).toMatch(/%pcrel_lo must name the label of an auipc with %pcrel_hi/);
  });

  it('rejects relocation operators pvlab does not resolve, and relocations in data', () => {
    expect(errors(' lui a0, %tprel_hi(x)')[0]).toMatch(/unsupported relocation operator %tprel_hi/);
    expect(errors('.data\nx: .word %pcrel_hi(x)')[0]).toMatch(/only allowed in an instruction operand/);
  });
});
