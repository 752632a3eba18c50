/**
 * Diagnostics: every problem is reported as file:line:col: message, all of them in one run, in
 * source order — and bad input never escapes as anything but an AsmError.
 */
import { describe, expect, it } from 'vitest';
import { AsmError, assemble } from '../../src/asm/index.js';
import { diagnostics, errors } from './helpers.js';

describe('diagnostics', () => {
  it('suggests the nearest mnemonic, directive, register or CSR', () => {
    expect(errors(' ecal')).toEqual(["1:2: unknown instruction 'ecal' (did you mean 'ecall'?)"]);
    expect(errors(' csrrx a0, mstatus, a1')).toEqual(["1:2: unknown instruction 'csrrx' (did you mean 'csrrw'?)"]);
    expect(errors(' frobnicate')).toEqual(["1:2: unknown instruction 'frobnicate'"]);
    expect(errors('.wrod 1')).toEqual(["1:1: unknown directive '.wrod' (did you mean '.word'?)"]);
    expect(errors(' add a0, a1, a9')).toEqual(["1:14: undefined symbol 'a9' (did you mean 'a0'?)"]);
    expect(errors(' mv a0, xx1')).toEqual(["1:9: expected a register, found 'xx1' (did you mean 'x1'?)"]);
    expect(errors(' csrr a0, mstatuss')).toEqual(["1:11: unknown CSR 'mstatuss' (did you mean 'mstatus'?)"]);
  });

  it('names the value and the range of an immediate out of range', () => {
    expect(errors(' addi a0, a0, 2048')).toEqual(['1:15: immediate 2048 out of range [-2048, 2047] for addi']);
    expect(errors(' slli a0, a0, 32')).toEqual(['1:15: shift amount 32 out of range [0, 31] for slli']);
    expect(errors(' lui a0, -1')).toEqual(['1:10: upper immediate -1 out of range [0, 1048575] for lui']);
    expect(errors(' csrwi mstatus, 32')).toEqual(['1:17: CSR immediate 32 out of range [0, 31] for csrrwi']);
    expect(errors(' csrr a0, 0x1000')).toEqual(['1:11: CSR number 4096 out of range [0, 4095] for csrrs']);
    expect(errors(' li a0, 0x100000000')).toEqual(['1:9: li value 4294967296 does not fit in 32 bits']);
    expect(errors(' beq a0, a1, far\n.space 5000\nfar: nop')).toEqual([
      '1:14: branch offset 5004 out of range [-4096, 4094] for beq (branch target too far: branch around a jump instead)',
    ]);
  });

  it('explains operand problems', () => {
    expect(errors(' addi a0, a0, a1')).toEqual(["1:15: expected an immediate or a symbol, found register 'a1'"]);
    expect(errors(' lw a0, 4')).toEqual(['1:9: expected offset(register)']);
    expect(errors(' amoadd.w a0, a1, 4(a2)')).toEqual(['1:19: atomic memory operands take no offset: write (register) or 0(register)']);
    expect(errors(' fence rw, x')).toEqual(["1:12: expected a fence ordering set made of i, o, r, w in that order (e.g. rw), found 'x'"]);
    expect(errors(' add a0, a1')).toEqual([
      "1:2: wrong number of operands for 'add' (got 2); expected 'add rd, rs1, rs2' or 'add rd, rs1, imm'",
    ]);
    expect(errors(' nop a0')).toEqual(["1:2: wrong number of operands for 'nop' (got 1); expected 'nop'"]);
    expect(errors(' addi a0, a0, 1 2')).toEqual(["1:17: unexpected '2' (junk at end of line)"]);
    expect(errors(' li a0, label\nlabel: nop')).toEqual([
      "1:9: li needs a value known at this point, but 'label' is not defined before this line",
    ]);
    expect(errors('label: nop\n li a0, label')).toEqual([
      '2:9: li needs a constant, but the value is an address in .text (use la to load an address)',
    ]);
  });

  it('reports lexical errors at their column', () => {
    expect(errors(' .ascii "abc')).toEqual(['1:9: unterminated string']);
    expect(errors(' .word 12abc')).toEqual(["1:8: invalid number '12abc'"]);
    expect(errors(' addi a0, a0, `')).toEqual(["1:15: unexpected character '`'"]);
    expect(errors(' .ascii "\\q"')).toEqual(["1:10: unknown escape '\\q'"]);
    expect(errors('/* never closed\n nop')).toEqual(['1:1: unterminated /* comment']);
  });

  it('collects every error of a run — from reading and from after layout — in source order', () => {
    const d = diagnostics([
      ' nop',
      ' addi a0, a0, 99999', // pass 2
      ' bogus',              // pass 1
      ' j nowhere',          // pass 2
      'dup: nop',
      'dup: nop',            // pass 1
      '.word 1 / 0',         // pass 2
    ].join('\n'), { fileName: 'many.S' });
    expect(d.map((x) => `${x.file}:${x.line}`)).toEqual(['many.S:2', 'many.S:3', 'many.S:4', 'many.S:6', 'many.S:7']);
  });

  it('formats the AsmError message as one file:line:col: line per diagnostic', () => {
    try {
      assemble(' bad1\n bad2', { fileName: 'x.S' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AsmError);
      expect((e as AsmError).message.split('\n')).toEqual([
        "x.S:1:2: unknown instruction 'bad1'",
        "x.S:2:2: unknown instruction 'bad2'",
      ]);
    }
  });

  it('never throws anything but an AsmError, whatever the input', () => {
    // Fragments of real syntax, shuffled into nonsense.
    const atoms = [
      'addi', 'a0', ',', '(', ')', '%hi', '%pcrel_lo', '1f', '2b', '.word', '.macro', '.endm', '.if', '.endif',
      '.rept', '.endr', '"s', "'", 'x:', '1:', '=', '<<', '-', '0x', '.', '\\', '.include', '.section', '@', ';', '#',
      'li', 'la', 'call', '.align', '99999999999999999999', 'csrr', 'mstatus', '.equ', 'sw', 'fence', 'iorw',
    ];
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 300; i++) {
      const lines: string[] = [];
      for (let l = 0; l < 6; l++) {
        const n = 1 + rand(6);
        lines.push(Array.from({ length: n }, () => atoms[rand(atoms.length)]).join(rand(2) ? ' ' : ''));
      }
      const src = lines.join('\n');
      try {
        assemble(src, { readFile: () => ' nop' });
      } catch (e) {
        expect(e, src).toBeInstanceOf(AsmError);
        for (const d of (e as AsmError).diagnostics) {
          expect(d.message, src).not.toMatch(/internal assembler error/);
          expect(d.line).toBeGreaterThan(0);
          expect(d.col).toBeGreaterThan(0);
        }
      }
    }
  });
});
