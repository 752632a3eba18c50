# cpu.S — the CPU-bound guest behind `npm run bench:cpu`.
#
# Firmware-free: it starts in M-mode, builds Sv32 page tables, and drops to S-mode with paging
# on, so every fetch, load and store goes through address translation (and the TLB). The work
# is a mix of what compiled code does most: integer ALU, loads and stores over a 64 KiB array
# (16 pages), and calls and returns. At the end it prints a checksum and powers off.
#
# The iteration count is the symbol `iterations`, which the benchmark patches in the image.

    .include "sv32-bench.inc"

    .equ UART_THR,      0
    .equ ARRAY_WORDS, 16384          # 64 KiB

    .text
    .globl _start
_start:
    SV32_BENCH_TABLES pt_root, pt_level0
    PMP_OPEN_ALL
    # Enter S-mode at s_main with translation on.
    SV32_PREPARE_SUPERVISOR pt_root, s_main
    la      sp, stack_top
    mret

s_main:
    la      t0, iterations
    lw      s0, 0(t0)                   # s0: iterations left
    li      s1, 0                       # s1: checksum
    la      s2, array
    li      s3, ARRAY_WORDS - 1
loop:
    # A strided walk through the array: a load, some arithmetic, a store.
    mul     t0, s0, s0
    srli    t1, t0, 3
    and     t1, t1, s3
    slli    t1, t1, 2
    add     t1, t1, s2
    lw      t2, 0(t1)
    add     t2, t2, s0
    xor     t2, t2, s1
    sw      t2, 0(t1)
    # A call with a small leaf computation.
    mv      a0, t2
    mv      a1, s0
    call    mix
    add     s1, s1, a0
    slli    t3, s1, 5
    srli    t4, s1, 27
    or      s1, t3, t4
    addi    s0, s0, -1
    bnez    s0, loop

    mv      a0, s1
    call    put_hex
    li      a0, '\n'
    call    putc
    li      t0, TEST_BASE
    li      t1, FINISHER_PASS
    sw      t1, 0(t0)
1:  j       1b

# mix(a0, a1) -> a0: a few dependent ALU operations, with a stack frame like compiled code.
mix:
    addi    sp, sp, -16
    sw      ra, 12(sp)
    sw      a1, 8(sp)
    xor     a0, a0, a1
    slli    a2, a0, 7
    add     a0, a0, a2
    lw      a3, 8(sp)
    sltu    a4, a0, a3
    add     a0, a0, a4
    lw      ra, 12(sp)
    addi    sp, sp, 16
    ret

# put_hex(a0): eight hex digits.
put_hex:
    addi    sp, sp, -16
    sw      ra, 12(sp)
    sw      s0, 8(sp)
    sw      s1, 4(sp)
    mv      s0, a0
    li      s1, 8
1:  srli    a0, s0, 28
    slli    s0, s0, 4
    li      t0, 10
    blt     a0, t0, 2f
    addi    a0, a0, 'a' - '0' - 10
2:  addi    a0, a0, '0'
    call    putc
    addi    s1, s1, -1
    bnez    s1, 1b
    lw      s1, 4(sp)
    lw      s0, 8(sp)
    lw      ra, 12(sp)
    addi    sp, sp, 16
    ret

putc:
    li      t0, UART0_BASE
    sb      a0, UART_THR(t0)
    ret

    .data
    .balign 4
    .globl iterations
iterations:
    .word   1000

    SV32_BENCH_TABLE_SPACE
array:
    .space  ARRAY_WORDS * 4
    .balign 16
    .space  4096
stack_top:
