/* Integer arithmetic: RV32I and M register/immediate operations over edge values, loads and
 * stores of every width (misaligned too), and the A extension. */
#include "common.inc"

.macro RR op, a, b
  li a1, \a
  li a2, \b
  \op a0, a1, a2
  call puthex
.endm

.macro RI op, a, imm
  li a1, \a
  \op a0, a1, \imm
  call puthex
.endm

main:
  SAY "register-register"
.irp op, add, sub, sll, slt, sltu, xor, srl, sra, or, and, mul, mulh, mulhsu, mulhu, div, divu, rem, remu
  .irp a, 0, 1, -1, 0x7fffffff, 0x80000000, 0x12345678, 0xfedcba98, 31
    .irp b, 0, 1, -1, 0x7fffffff, 0x80000000, 3, -7, 33
      RR \op, \a, \b
    .endr
  .endr
.endr

  SAY "register-immediate"
.irp op, addi, slti, sltiu, xori, ori, andi
  .irp a, 0, 1, -1, 0x7fffffff, 0x80000000, 0x12345678
    .irp imm, 0, 1, -1, 2047, -2048, 0x555
      RI \op, \a, \imm
    .endr
  .endr
.endr
.irp op, slli, srli, srai
  .irp a, 1, -1, 0x80000000, 0x12345678
    .irp sh, 0, 1, 4, 31
      RI \op, \a, \sh
    .endr
  .endr
.endr
  lui a0, 0xfffff
  call puthex
  auipc a0, 0x12345
  la t0, _start
  sub a0, a0, t0
  call puthex

  SAY "loads"
  la s0, bytes
.irp op, lb, lbu, lh, lhu, lw
  .irp off, 0, 1, 2, 3, 5
    \op a0, \off(s0)
    call puthex
  .endr
.endr

  SAY "stores"
  la s0, cells
  li s1, 0x8899aabb
  sw s1, 1(s0)
  sh s1, 7(s0)
  sb s1, 10(s0)
  sh s1, 12(s0)
  sw s1, 18(s0)
.irp k, 0, 4, 8, 12, 16, 20
  lw a0, \k(s0)
  call puthex
.endr

  SAY "atomics"
  la s0, amo_cell
.irp op, amoswap.w, amoadd.w, amoxor.w, amoand.w, amoor.w, amomin.w, amomax.w, amominu.w, amomaxu.w
  .irp b, 5, -9, 0x80000000
    li t0, 0x7ffffff0
    sw t0, 0(s0)
    li a1, \b
    \op a0, a1, (s0)
    call puthex
    lw a0, 0(s0)
    call puthex
  .endr
.endr
  li t0, 41
  sw t0, 0(s0)
  lr.w a0, (s0)
  call puthex
  li a1, 42
  sc.w a0, a1, (s0)
  call puthex
  li a1, 43
  sc.w a0, a1, (s0)
  call puthex
  lw a0, 0(s0)
  call puthex

  SAY "done"
  li a0, 0
  j exit

  .section .data
  .balign 4
bytes:
  .byte 0x80, 0x7f, 0xff, 0x01, 0xfe, 0x80, 0x34, 0x12, 0x78, 0x56, 0x00, 0x81
cells:
  .space 24
amo_cell:
  .word 0
