/** Expressions: C precedence, GNU as's arithmetic, symbols, `.`, and the GNU-compatibility guard. */
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/index.js';
import { BASE, bytesOf, errors, section, symbol, wordsOf } from './helpers.js';

/** The 32-bit value of an expression, via `.word` in .data. */
function value(expr: string, prelude = ''): number {
  const r = assemble(`${prelude}\n.data\n.word ${expr}`);
  return wordsOf(section(r, '.data').bytes)[0] as number;
}

/** As a signed number. */
const signed = (expr: string, prelude = ''): number => value(expr, prelude) | 0;

describe('numbers and characters', () => {
  it.each([
    ['42', 42], ['0x2a', 42], ['0X2A', 42], ['0b101010', 42], ['052', 42], ['0', 0],
    ["'a'", 97], ["'a", 97], ["'\\n'", 10], ["'\\\\'", 92], ["'\\''", 39], ["'\\101'", 65], ["'\\x41'", 65], ["' '", 32],
  ])('%s = %d', (expr, v) => expect(value(expr)).toBe(v));
});

describe('operators', () => {
  it.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['10 - 4 - 3', 3],
    ['100 / 10 / 5', 2],
    ['-7 / 2', -3],
    ['-7 % 3', -1],
    ['7 % -3', 1],
    ['1 << 4 | 1', 17],
    ['0xff & ~0xf', 0xf0],
    ['0xf0 ^ 0xff', 0x0f],
    ['-16 >> 2', -4],
    ['-(3)', -3],
    ['+5', 5],
    ['~0', -1],
    ['!0', 1],
    ['!7', 0],
    ['1 && 2', 1],
    ['0 || 0', 0],
    ['0 || 3', 1],
    ['(1 << 3) + 1', 9],
  ])('%s = %d', (expr, v) => expect(signed(expr)).toBe(v));

  it('gives -1 for a true comparison and 0 for a false one, as GNU as does', () => {
    expect(signed('2 > 1')).toBe(-1);
    expect(signed('2 < 1')).toBe(0);
    expect(signed('2 >= 2')).toBe(-1);
    expect(signed('2 <= 1')).toBe(0);
    expect(signed('3 == 3')).toBe(-1);
    expect(signed('3 != 3')).toBe(0);
    expect(signed('3 <> 4')).toBe(-1);
  });

  it('computes in 64 bits like GNU as, so intermediate results may exceed 32 bits', () => {
    expect(value('(0x100000000 + 8) >> 4')).toBe(0x10000000);
    expect(value('0x80000000 * 2 >> 1')).toBe(0x80000000);
  });

  it('refuses an unparenthesized mix that GNU as would group differently', () => {
    expect(errors('.word 1 | 2 + 3')[0]).toMatch(/ambiguous expression: .*'\+' and '\|'.*add parentheses/);
    expect(errors('.word 1 + 2 << 3')[0]).toMatch(/ambiguous/);
    expect(errors('.word 1 | 2 & 3')[0]).toMatch(/ambiguous/);
    expect(errors('.word 1 << 2 * 3')[0]).toMatch(/ambiguous/);
    expect(errors('.word 1 == 2 < 3')[0]).toMatch(/ambiguous/);
    // …but accepts the mixes both agree on.
    expect(signed('1 << 3 | 1 << 5')).toBe(40);
    expect(signed('1 & 3 | 4')).toBe(5);
    expect(signed('2 * 3 << 1')).toBe(12);
    expect(signed('1 + 2 == 3')).toBe(-1);
    expect(signed('1 | (2 + 3)')).toBe(5);
  });

  it('reports division by zero', () => {
    expect(errors('.word 1 / 0')).toEqual(['1:9: division by zero']);
    expect(errors('.word 1 % (2 - 2)')).toEqual(['1:9: division by zero']);
  });
});

describe('symbols', () => {
  it('evaluates .equ, .set and = symbols', () => {
    expect(value('A + B + C', '.equ A, 1\n.set B, 2\nC = 4')).toBe(7);
  });

  it('allows forward references in data', () => {
    expect(value('LATER * 2\n.equ LATER, 21')).toBe(42);
  });

  it('freezes a redefined .set symbol at each use, as GNU as does', () => {
    const r = assemble('.data\n.set n, 1\n.word n\n.set n, n + 1\n.word n\n.set n, n * 10\n.word n');
    expect(wordsOf(section(r, '.data').bytes)).toEqual([1, 2, 20]);
  });

  it('takes the difference of two labels in one section as a constant', () => {
    const r = assemble('.data\na: .space 12\nb: .word b - a, a - b\n.equ LEN, b - a\n.word LEN');
    expect(wordsOf(section(r, '.data').bytes).slice(3)).toEqual([12, -12 >>> 0, 12]);
  });

  it('resolves label arithmetic after layout, across sections too', () => {
    const r = assemble('.text\nstart: nop\n.data\nd: .word start + 4, d - start, (d >> 12) << 12, d & 0xfff');
    const d = symbol(r, 'd');
    expect(wordsOf(section(r, '.data').bytes)).toEqual([BASE + 4, d - BASE, (d >>> 12) << 12 >>> 0, d & 0xfff]);
  });

  it('gives `.` as the address of the current statement', () => {
    const r = assemble('.data\n.word 0\nhere: .word .\n.word . - here');
    expect(wordsOf(section(r, '.data').bytes).slice(1)).toEqual([symbol(r, 'here'), 4]);
  });

  it('reports a symbol defined in terms of itself', () => {
    expect(errors('.equ A, B + 1\n.equ B, A + 1\n.word A')[0]).toMatch(/defined in terms of itself/);
  });

  it('reports undefined symbols with a suggestion', () => {
    expect(errors('.data\ncounter: .word 0\n.word countr')).toEqual([
      "3:7: undefined symbol 'countr' (did you mean 'counter'?)",
    ]);
  });

  it('checks that data fits its directive', () => {
    expect(bytesOf('.data\n.byte 255, -128, 0x7f\n.half 0xffff, -32768', '.data')).toEqual([255, 128, 127, 255, 255, 0, 128]);
    expect(errors('.data\n.byte 256')).toEqual(['2:7: value 256 does not fit in 1 byte (range -128..255)']);
    expect(errors('.data\n.half -32769')[0]).toMatch(/does not fit in 2 bytes/);
  });
});
