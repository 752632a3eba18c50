/** Macros, repetition and conditional assembly. */
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/index.js';
import { bytesOf, errors, expectSameCode, symbol } from './helpers.js';

describe('.macro', () => {
  it('substitutes named parameters, with defaults', () => {
    expectSameCode(
      '.macro save reg, slot=0\n sw \\reg, (\\slot * 4)(sp)\n.endm\n save ra\n save s0, 1\n save s1 2',
      'sw ra, 0(sp)\n sw s0, 4(sp)\n sw s1, 8(sp)',
    );
  });

  it('accepts keyword arguments and space-separated arguments', () => {
    expectSameCode('.macro m a=1, b=2\n addi a0, a0, \\a - \\b\n.endm\n m b=5\n m 7 3\n m a=9, b=1', 'addi a0, a0, -4\n addi a0, a0, 4\n addi a0, a0, 8');
  });

  it('keeps an operator expression as one argument', () => {
    expectSameCode('.macro m x, y=0\n addi a0, a0, \\x\n.endm\n m 1 + 2', 'addi a0, a0, 3');
  });

  it('passes a quoted argument without its quotes', () => {
    expect(bytesOf('.macro msg text\n .ascii "<\\text>"\n.endm\n.data\n msg "a b"', '.data'))
      .toEqual([...Buffer.from('<a b>')]);
  });

  it('numbers expansions with \\@ and separates with \\()', () => {
    const r = assemble('.macro lbl base\n\\base\\@: nop\n\\base\\()_end: \n.endm\n lbl one\n.purgem lbl\n.macro lbl base\n\\base\\@: nop\n.endm\n lbl two');
    expect(symbol(r, 'one0')).toBe(0x8000_0000);
    expect(symbol(r, 'one_end')).toBe(0x8000_0004);
    expect(symbol(r, 'two1')).toBe(0x8000_0004);
  });

  it('supports :req and :vararg parameters', () => {
    expectSameCode('.macro words first:req, rest:vararg\n .word \\first, \\rest\n.endm\n words 1, 2, 3', '.word 1, 2, 3');
    expect(errors('.macro m x:req\n nop\n.endm\n m')).toEqual(["4:2: missing value for required parameter 'x' of macro 'm'"]);
  });

  it('expands macros that invoke macros, and recursion that ends with .if', () => {
    expectSameCode(
      '.macro inc r\n addi \\r, \\r, 1\n.endm\n.macro twice r\n inc \\r\n inc \\r\n.endm\n twice a0',
      'addi a0, a0, 1\n addi a0, a0, 1',
    );
    expectSameCode('.macro down n\n .if \\n\n  .word \\n\n  down \\n-1\n .endif\n.endm\n down 3', '.word 3, 2, 1');
  });

  it('leaves a macro early with .exitm', () => {
    expectSameCode('.macro m n\n .word 1\n .if \\n\n .exitm\n .endif\n .word 2\n.endm\n m 1\n m 0', '.word 1, 1, 2');
  });

  it('lets a macro take an instruction name, as GNU as does', () => {
    expectSameCode('.macro nop\n addi a0, a0, 1\n.endm\n nop', 'addi a0, a0, 1');
  });

  it('reports a runaway recursive macro instead of hanging', () => {
    expect(errors('.macro forever\n forever\n.endm\n forever')[0]).toMatch(/nested more than \d+ deep/);
  });

  it('reports errors in a macro body with the invocation', () => {
    expect(errors('.macro bad\n addi a0, a0, 5000\n.endm\n bad')).toEqual([
      "2:15: immediate 5000 out of range [-2048, 2047] for addi (in macro 'bad' at input.S:4)",
    ]);
  });

  it('skips the body of a block whose opening line is in error, without cascading errors', () => {
    expect(errors('.macro m\n.endm\n.macro m\n nop\n.endm')).toEqual(["3:1: macro 'm' is already defined (at input.S:1)"]);
    expect(errors('.rept -1\n nop\n.endr')).toEqual(['1:1: repeat count -1 out of range [0, 1000000]']);
  });

  it('reports a macro never closed, and stray .endm', () => {
    expect(errors('.macro m\n nop')).toEqual(['1:1: .macro m is never closed (missing .endm)']);
    expect(errors(' .endm')).toEqual(['1:2: .endm without .macro']);
  });
});

describe('.rept, .irp, .irpc', () => {
  it('repeats a block', () => {
    expectSameCode('.rept 3\n addi a0, a0, 1\n.endr', 'addi a0, a0, 1\naddi a0, a0, 1\naddi a0, a0, 1');
    expectSameCode('.rept 0\n nop\n.endr\n ebreak', 'ebreak');
  });

  it('iterates over values and characters', () => {
    expectSameCode('.irp r, a0, a1, t0\n mv \\r, zero\n.endr', 'mv a0, zero\nmv a1, zero\nmv t0, zero');
    expectSameCode('.irpc n, 123\n .word \\n\n.endr', '.word 1, 2, 3');
  });

  it('nests inside macros and counts with .set', () => {
    expectSameCode('.set i, 0\n.rept 4\n .word i\n .set i, i + 1\n.endr', '.word 0, 1, 2, 3');
  });
});

describe('conditional assembly', () => {
  it('chooses branches of .if/.elseif/.else, nested', () => {
    const src = (v: number): string =>
      `.equ V, ${v}\n.if V == 1\n .word 1\n.elseif V == 2\n .if 1\n  .word 2\n .else\n  .word 99\n .endif\n.else\n .word 3\n.endif`;
    expectSameCode(src(1), '.word 1');
    expectSameCode(src(2), '.word 2');
    expectSameCode(src(7), '.word 3');
  });

  it('tests definedness, strings and blanks', () => {
    expectSameCode('.equ A, 1\n.ifdef A\n.word 1\n.endif\n.ifndef B\n.word 2\n.endif\n.ifdef B\n.word 99\n.endif', '.word 1, 2');
    expectSameCode('.ifc abc, abc\n.word 1\n.endif\n.ifnc a, b\n.word 2\n.endif\n.ifc "x", y\n.word 99\n.endif', '.word 1, 2');
    expectSameCode('.macro m x\n.ifb \\x\n.word 0\n.else\n.word \\x\n.endif\n.endm\n m\n m 5', '.word 0, 5');
    expectSameCode('.ifeq 0\n.word 1\n.endif\n.ifne 0\n.word 99\n.endif\n.ifgt 1\n.word 2\n.endif\n.iflt -1\n.word 3\n.endif', '.word 1, 2, 3');
  });

  it('does not evaluate or assemble what a false condition skips', () => {
    expectSameCode('.if 0\n .if UNDEFINED / 0\n  garbage !!\n .endif\n .include "missing.S"\n.endif\n nop', 'nop');
  });

  it('picks a build with predefined symbols (AsmOptions.defines)', () => {
    const src = '.if PARAVIRT\n ecall\n.else\n csrw sstatus, a0\n.endif';
    const code = (pv: number): Uint8Array => assemble(src, { defines: { PARAVIRT: pv } }).sections[0]?.bytes as Uint8Array;
    expect(code(1)).toEqual(assemble('ecall').sections[0]?.bytes);
    expect(code(0)).toEqual(assemble('csrw sstatus, a0').sections[0]?.bytes);
  });

  it('requires a condition known where it is written', () => {
    expect(errors('.if LATER\n.endif\n.equ LATER, 1')).toEqual([
      "1:5: .if needs a value known at this point, but 'LATER' is not defined before this line",
    ]);
  });

  it('reports unbalanced conditionals', () => {
    expect(errors('.if 1\n nop')).toEqual(['1:1: .if without matching .endif']);
    expect(errors('.endif')).toEqual(['1:1: .endif without .if']);
    expect(errors('.else')).toEqual(['1:1: .else without .if']);
    expect(errors('.if 1\n.else\n.else\n.endif')).toEqual(['3:1: duplicate .else']);
  });
});
