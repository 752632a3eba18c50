/** Data, alignment and section directives; the linker-less layout; symbols, entry and line map. */
import { describe, expect, it } from 'vitest';
import { assemble, flatImage } from '../../src/asm/index.js';
import { BASE, bytesOf, errors, section, symbol, words } from './helpers.js';

const NOP = 0x00000013;

describe('data', () => {
  it('writes little-endian integers of each width', () => {
    expect(bytesOf('.data\n.byte 1, 2\n.half 0x0304\n.short 0x0506\n.2byte 0x0708\n.word 0x0c0b0a09\n.long 1\n.4byte 2\n.int 3', '.data'))
      .toEqual([1, 2, 4, 3, 6, 5, 8, 7, 9, 10, 11, 12, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0]);
    expect(bytesOf('.data\n.quad 0x0102030405060708\n.dword -2\n.8byte 1', '.data')).toEqual([
      8, 7, 6, 5, 4, 3, 2, 1, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 0, 0, 0, 0, 0, 0, 0,
    ]);
  });

  it('writes strings with escapes; .asciz and .string add a NUL', () => {
    expect(bytesOf('.data\n.ascii "a\\tb", "\\"\\\\"\n.asciz "x\\n"\n.string "\\101\\x42"', '.data'))
      .toEqual([0x61, 9, 0x62, 0x22, 0x5c, 0x78, 10, 0, 0x41, 0x42, 0]);
    expect(bytesOf('.data\n.ascii "é"\n.byte "ok"', '.data')).toEqual([0xc3, 0xa9, 0x6f, 0x6b]);
  });

  it('reserves space with .space/.skip/.zero/.fill', () => {
    expect(bytesOf('.data\n.space 2\n.space 2, 0xaa\n.skip 1, 7\n.zero 2\n.fill 2, 2, 0x0102\n.fill 1', '.data'))
      .toEqual([0, 0, 0xaa, 0xaa, 7, 0, 0, 2, 1, 2, 1, 0]);
  });

  it('places .org at an offset within the section', () => {
    expect(bytesOf('.data\n.byte 1\n.org 4\n.byte 2\n.org . + 2, 0xff\n.byte 3', '.data')).toEqual([1, 0, 0, 0, 2, 0xff, 0xff, 3]);
    expect(errors('.data\n.space 8\n.org 4')[0]).toMatch(/backwards/);
    expect(bytesOf('.data\n.byte 1\n. = . + 2\n.byte 2', '.data')).toEqual([1, 0, 0, 2]);
  });

  it('allocates .comm and .lcomm symbols in .bss', () => {
    const r = assemble(' nop\n.comm buf, 10, 8\n.lcomm tmp, 4\n.lcomm odd, 3\n.bss\nafter: .byte 0');
    const bss = section(r, '.bss');
    expect(symbol(r, 'buf')).toBe(bss.addr);
    expect(symbol(r, 'tmp')).toBe(bss.addr + 12); // aligned to its size by default
    expect(symbol(r, 'odd')).toBe(bss.addr + 16);
    expect(symbol(r, 'after')).toBe(bss.addr + 19);
    expect(r.symbols.find((x) => x.name === 'buf')?.global).toBe(true);
    expect(r.symbols.find((x) => x.name === 'tmp')?.global).toBe(false);
  });
});

describe('alignment', () => {
  it('.align and .p2align take a power of two; .balign a byte count', () => {
    const r = assemble('.data\n.byte 1\n.align 3\na: .byte 2\n.p2align 2\nb: .byte 3\n.balign 16\nc:');
    const d = section(r, '.data').addr;
    expect([symbol(r, 'a') - d, symbol(r, 'b') - d, symbol(r, 'c') - d]).toEqual([8, 12, 16]);
  });

  it('pads data with zeros, or a fill byte, and respects max-skip', () => {
    expect(bytesOf('.data\n.byte 1\n.p2align 2\n.byte 2\n.balign 4, 0xee\n.byte 3\n.p2align 4,,2\n.byte 4', '.data'))
      .toEqual([1, 0, 0, 0, 2, 0xee, 0xee, 0xee, 3, 4]);
  });

  it('pads code with nops, as GNU as does', () => {
    expect(words(' ebreak\n.p2align 4\n ecall')).toEqual([0x00100073, NOP, NOP, NOP, 0x00000073, NOP, NOP, NOP]);
    // An odd gap gets a zero byte, a 2-byte gap a c.nop, then nops.
    expect(bytesOf('.byte 0xaa\n.p2align 3\n', '.text')).toEqual([0xaa, 0, 1, 0, 0x13, 0, 0, 0]);
  });

  it('rejects an alignment that is not a power of two', () => {
    expect(errors('.balign 3')).toEqual(['1:1: alignment 3 is not a power of 2']);
  });
});

describe('sections and layout', () => {
  it('places text, rodata, data and bss in that order from the base, each aligned', () => {
    const r = assemble('.bss\nbuf: .space 10\n.data\nd: .byte 1\n.section .rodata\nr: .byte 2\n.text\n_start: nop', { base: 0x1000 });
    expect(r.sections.map((s) => [s.name, s.addr, s.bytes.length, s.nobits])).toEqual([
      ['.text', 0x1000, 4, false],
      ['.rodata', 0x1004, 1, false],
      ['.data', 0x1008, 1, false],
      ['.bss', 0x100c, 10, true],
    ]);
    expect(section(r, '.bss').bytes.every((b) => b === 0)).toBe(true);
    expect(r.entry).toBe(0x1000);
  });

  it('puts a section aligned by .align at that alignment', () => {
    const r = assemble(' nop\n.data\n.align 12\npage: .word 1');
    expect(section(r, '.data').addr).toBe(BASE + 0x1000);
    expect(symbol(r, 'page')).toBe(BASE + 0x1000);
  });

  it('classifies named sections by name and flags, and places them in order of first use', () => {
    const r = assemble([
      '.section .text.init, "ax", @progbits', '_start: j main',
      '.text', 'main: nop',
      '.section .sbss, "aw", @nobits', 'z: .space 4',
      '.section .mydata, "aw"', '.word 5',
      '.section .srodata, "a"', '.word 6',
      '.section .comment', '.string "not loaded"',
    ].join('\n'));
    expect(r.sections.map((s) => s.name)).toEqual(['.text.init', '.text', '.srodata', '.mydata', '.sbss']);
    expect(r.entry).toBe(BASE);
  });

  it('switches back with .previous and .pushsection/.popsection', () => {
    const r = assemble('.text\n nop\n.data\n.word 1\n.previous\n nop\n.pushsection .rodata\n.word 2\n.popsection\n nop');
    expect(section(r, '.text').bytes.length).toBe(12);
    expect(section(r, '.data').bytes.length).toBe(4);
    expect(section(r, '.rodata').bytes.length).toBe(4);
  });

  it('allows only zeros in bss', () => {
    expect(errors('.bss\n.word 1')[0]).toMatch(/cannot put non-zero data in \.bss/);
    expect(errors('.bss\n nop')[0]).toMatch(/instructions cannot go in \.bss/);
    expect(section(assemble('.bss\n.word 0\n.space 4'), '.bss').bytes.length).toBe(8);
  });

  it('builds a flat image from the lowest to the highest address, bss as zeros', () => {
    const r = assemble('_start: nop\n.data\n.align 4\nd: .byte 7\n.bss\n.space 3');
    const img = flatImage(r);
    expect(img.base).toBe(BASE);
    expect(img.bytes.length).toBe(0x10 + 4 + 3);
    expect(img.bytes[0]).toBe(0x13);
    expect(img.bytes[0x10]).toBe(7);
    expect([...img.bytes.subarray(4, 0x10)].every((b) => b === 0)).toBe(true);
  });
});

describe('symbols, entry and line map', () => {
  it('lists labels and .equ constants, with bindings from .globl/.local', () => {
    const r = assemble('.globl _start, helper\n.equ SIZE, -1\n_start: nop\nhelper: nop\n.local helper\nother: nop');
    expect(r.symbols).toEqual([
      { name: 'SIZE', value: 0xffffffff, global: false, section: null },
      { name: '_start', value: BASE, global: true, section: '.text' },
      { name: 'helper', value: BASE + 4, global: false, section: '.text' },
      { name: 'other', value: BASE + 8, global: false, section: '.text' },
    ]);
  });

  it('enters at _start when defined, else at the base', () => {
    expect(assemble(' nop\n_start: nop').entry).toBe(BASE + 4);
    expect(assemble(' nop', { base: 0x2000 }).entry).toBe(0x2000);
  });

  it('maps each instruction word to its line; macro expansions to the invoking line', () => {
    const r = assemble('.macro two\n nop\n nop\n.endm\n li a0, 0x12345678\n two\n.data\n.word 1', { fileName: 'p.S' });
    expect(r.lineMap).toEqual([
      { addr: BASE, file: 'p.S', line: 5 },
      { addr: BASE + 4, file: 'p.S', line: 5 },
      { addr: BASE + 8, file: 'p.S', line: 6 },
      { addr: BASE + 12, file: 'p.S', line: 6 },
    ]);
  });

  it('accepts the directives compilers emit, ignoring what does not change the image', () => {
    const src = [
      '.file "x.c"', '.option nopic', '.option norelax', '.option push', '.option pop', '.attribute arch, "rv32i2p1"',
      '.text', '.type f, @function', 'f:', '.cfi_startproc', ' ret', '.cfi_endproc', '.size f, .-f',
      '.ident "GCC"', '.section .note.GNU-stack,"",@progbits',
    ].join('\n');
    expect(words(src)).toEqual(words('ret'));
  });
});
