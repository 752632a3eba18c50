/**
 * Sources for the differential test against GNU as: one generated from the ISA table and the
 * pseudo-instruction table (every row, every ordering suffix, every alias form) and one written
 * by hand exercising directives, macros, expressions and relocation operators.
 */
import { INSTRUCTIONS, type OperandKind } from '../../src/isa/instructions.js';
import { PSEUDO_FORMS } from '../../src/asm/pseudo.js';

/** A sample operand for each operand kind of the table. */
const TABLE_SAMPLES: Readonly<Record<OperandKind, string>> = {
  rd: 'a0', rs1: 'a1', rs2: 's11', imm: '-42', shamt: '31', uimm20: '0xfedcb', mem: '-8(sp)', amem: '(a3)',
  target: 'near', csr: 'mstatus', zimm: '17', pred: 'rw', succ: 'iorw',
};

/** A sample operand for each operand name used by the pseudo-instruction forms. */
const PSEUDO_SAMPLES: Readonly<Record<string, string>> = {
  rd: 't0', rs: 'a5', rt: 's3', rs1: 'a6', rs2: 't4', temp: 't2', imm: '12', shamt: '3', target: 'far',
  symbol: 'datum', value: '0x1234', mem: '16(a7)', amem: '(a2)', csr: 'sscratch', zimm: '9', pred: 'r', succ: 'w',
};

const ORDERINGS = ['', '.aq', '.rl', '.aqrl'];

/** Every table row and every pseudo form, with labels to branch to and data to load. */
export function tableSource(): string {
  const lines = ['\t.text', '\t.globl _start', '_start:', 'near:'];
  for (const s of INSTRUCTIONS) {
    const ops = s.operands.map((k) => TABLE_SAMPLES[k]).join(', ');
    const suffixes = s.format === 'AMO' || s.format === 'LR' ? ORDERINGS : [''];
    for (const o of suffixes) lines.push(`\t${s.mnemonic}${o} ${ops}`);
  }
  for (const [mnemonic, forms] of PSEUDO_FORMS) {
    for (const f of forms) lines.push(`\t${mnemonic} ${f.names.map((n) => PSEUDO_SAMPLES[n]).join(', ')}`);
  }
  lines.push('far:', '\tret', '\t.data', 'datum:', '\t.word 0x11223344');
  return `${lines.join('\n')}\n`;
}

/** li values around every boundary of GNU's lui/addi choice. */
export const LI_VALUES = [
  '0', '1', '-1', '2047', '-2048', '2048', '-2049', '4095', '4096', '0x7ff', '0x800', '0xfff', '0x1000',
  '0x7ffff7ff', '0x7ffff800', '0x7fffffff', '0x80000000', '0x80000800', '0xfffff800', '0xfffff7ff', '0xffffffff',
  '0x12345678', '-0x12345678', '0xdeadbeef', '-2147483648', "'A'", '(1 << 20) + 3', 'CONST * 2',
];

/** Directives, macros, expressions, local labels and relocation operators. */
export const HANDWRITTEN = String.raw`
	.equ CONST, 0x1234
	.set UART, 0x10000000
	.globl _start, main

	.macro push reg, slot=0
	sw \reg, (\slot * 4)(sp)
	.endm
	.macro pop reg, slot=0
	lw \reg, (\slot * 4)(sp)
	.endm
	.macro counted name
\name\@: addi a0, a0, 1
	.endm

	.section .text.init, "ax", @progbits
_start:
	la sp, stack_top
	call main
1:	j 1b

	.text
main:
	addi sp, sp, -16
	push ra
	push s0, 1
	push s1 slot=2
	li t0, UART
	li t1, 'h'
	sb t1, 0(t0)
	lui a0, %hi(message)
	addi a0, a0, %lo(message)
	lw a1, %lo(counter)(a0)
	sw a1, %lo(counter)(a0)
.Lpc:	auipc a2, %pcrel_hi(counter)
	lw a3, %pcrel_lo(.Lpc)(a2)
	sw a3, %pcrel_lo(.Lpc)(a2)
2:	auipc a4, %pcrel_hi(table + 8)
	addi a4, a4, %pcrel_lo(2b)
	beqz a0, 3f
	bnez a0, 2b
	counted one
	counted two
3:	csrr a0, mhartid
	csrw mtvec, a0
	csrs mie, 8
	csrci mstatus, 0x8
	csrrw a0, 0x340, a1
	li a5, CONST - 0x34
	li a5, (CONST >> 4) & 0xff
	li a5, CONST % 7 - 3
	li a5, ~CONST ^ 0xf0
	li a5, -CONST / 5
	li a5, !0 + (3 > 2) + (2 <= 1) + (1 == 1) + (1 != 1)
	.rept 3
	addi a6, a6, 1
	.endr
	.irp r, t3, t4, t5
	mv \r, zero
	.endr
	.if CONST > 0x1000
	addi a7, a7, 1
	.elseif CONST > 0x100
	addi a7, a7, 2
	.else
	addi a7, a7, 3
	.endif
	.ifdef UNDEFINED_THING
	ebreak
	.endif
	.ifndef UNDEFINED_THING
	nop
	.endif
	pop s1, 2
	pop s0, 1
	pop ra
	addi sp, sp, 16
	ret
	.byte 0x5a
	.p2align 3
	.balign 16
	nop

	.section .rodata
message:
	.asciz "hello, \"world\"\n\t\x41\101"
	.ascii "abc", "de"
	.string "str"
	.p2align 2
table:
	.word main, _start, message + 4, table_end - table, CONST
	.half 0x1234, -2, 'z'
	.short 7
	.2byte 8
	.4byte 9
	.byte 1, 2, 3, -1, 255
	.quad 0x1122334455667788
	.dword -1
	.zero 3
	.space 5, 0xab
	.fill 2, 4, 0x01020304
	.fill 3, 1
	.balign 8, 0xcc
	.word . - table
table_end:

	.data
	.align 4
counter:
	.word 42
	.equ SIZE, 16
	.skip SIZE
	.word counter, stack_top
	.word forward_equ
	.equ forward_equ, 7

	.bss
	.balign 16
stack:
	.space 4096
stack_top:
`;
