# cpu.S — the CPU-bound guest behind `npm run bench:cpu`.
#
# Firmware-free: it starts in M-mode, builds Sv32 page tables, and drops to S-mode with paging
# on, so every fetch, load and store goes through address translation (and the TLB). The work
# is a mix of what compiled code does most: integer ALU, loads and stores over a 64 KiB array
# (16 pages), and calls and returns. At the end it prints a checksum and powers off.
#
# The iteration count is the symbol `iterations`, which the benchmark patches in the image.

    .equ UART0_BASE,    0x10000000
    .equ UART_THR,      0
    .equ TEST_BASE,     0x00100000
    .equ FINISHER_PASS, 0x5555
    .equ RAM_BASE,      0x80000000

    # Sv32 page-table entry bits
    .equ PTE_V, 0x001
    .equ PTE_R, 0x002
    .equ PTE_W, 0x004
    .equ PTE_X, 0x008
    .equ PTE_A, 0x040
    .equ PTE_D, 0x080
    .equ PTE_RWX, PTE_R | PTE_W | PTE_X
    .equ PTE_LEAF, PTE_V | PTE_RWX | PTE_A | PTE_D
    .equ PAGE_SHIFT, 12
    .equ PTE_PPN_SHIFT, 10
    .equ SATP_MODE_SV32, 0x80000000
    .equ MSTATUS_MPP_MASK, 0x1800
    .equ MSTATUS_MPP_S, 0x0800

    .equ ARRAY_WORDS, 16384          # 64 KiB

    # PMP: one NAPOT region covering all of memory, readable/writable/executable. Real hardware
    # (and QEMU) deny S-mode everything until M-mode opens PMP; pvlab has no PMP regions and
    # allows everything, so this is only needed elsewhere, but it is what firmware does.
    .equ PMP_R, 0x01
    .equ PMP_W, 0x02
    .equ PMP_X, 0x04
    .equ PMP_NAPOT, 0x18

    .text
    .globl _start
_start:
    # Level-0 table: 4 KiB pages for the first 4 MiB of RAM (code, data, stack, array).
    la      t0, pt_level0
    li      t1, RAM_BASE >> PAGE_SHIFT  # physical page number of the first RAM page
    li      t2, 1024
1:  slli    t3, t1, PTE_PPN_SHIFT
    ori     t3, t3, PTE_LEAF
    sw      t3, 0(t0)
    addi    t0, t0, 4
    addi    t1, t1, 1
    addi    t2, t2, -1
    bnez    t2, 1b

    # Root: RAM's first 4 MiB through the level-0 table; the devices as identity megapages.
    la      t0, pt_root
    la      t1, pt_level0
    srli    t1, t1, PAGE_SHIFT
    slli    t1, t1, PTE_PPN_SHIFT
    ori     t1, t1, PTE_V
    li      t2, (RAM_BASE >> 22) * 4
    add     t2, t2, t0
    sw      t1, 0(t2)
    li      t1, ((TEST_BASE >> 22) << 20) | PTE_LEAF          # megapage 0: test device
    sw      t1, ((TEST_BASE >> 22) * 4)(t0)
    li      t1, ((UART0_BASE >> 22) << 20) | PTE_LEAF         # megapage 64: UART
    li      t2, (UART0_BASE >> 22) * 4
    add     t2, t2, t0
    sw      t1, 0(t2)

    li      t0, -1
    csrw    pmpaddr0, t0
    li      t0, PMP_NAPOT | PMP_R | PMP_W | PMP_X
    csrw    pmpcfg0, t0

    # Enter S-mode at s_main with translation on.
    la      t0, pt_root
    srli    t0, t0, PAGE_SHIFT
    li      t1, SATP_MODE_SV32
    or      t0, t0, t1
    csrw    satp, t0
    sfence.vma
    li      t0, MSTATUS_MPP_MASK
    csrc    mstatus, t0
    li      t0, MSTATUS_MPP_S
    csrs    mstatus, t0
    la      t0, s_main
    csrw    mepc, t0
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

    .bss
    .balign 4096
pt_root:
    .space  4096
pt_level0:
    .space  4096
array:
    .space  ARRAY_WORDS * 4
    .balign 16
    .space  4096
stack_top:
