# hello.S — the smallest complete program for QEMU's virt board, and pvlab's demo.
#
# It runs from reset in M-mode at the start of RAM with no firmware underneath: it prints a
# greeting on the NS16550A UART, sums 1..100 to show that it computes, and powers the board off
# through the SiFive test device. The same file runs unchanged under
#   pvlab exec guests/baremetal/hello.S
#   qemu-system-riscv32 -M virt -bios none -nographic -kernel hello.elf

    .equ UART0_BASE,      0x10000000    # NS16550A, registers one byte apart
    .equ UART_THR,        0             # transmit holding register (write)
    .equ UART_LSR,        5             # line status register
    .equ UART_LSR_THRE,   0x20          # transmit holding register empty
    .equ TEST_BASE,       0x00100000    # SiFive test device ("finisher")
    .equ FINISHER_PASS,   0x5555        # power off, exit status 0

    .text
    .globl _start
_start:
    la      sp, stack_top
    la      a0, greeting
    call    puts

    # Sum 1..100 and print it in decimal: 5050.
    li      t0, 100
    li      a0, 0
1:  add     a0, a0, t0
    addi    t0, t0, -1
    bnez    t0, 1b
    call    put_decimal
    li      a0, '\n'
    call    putc

    li      t0, TEST_BASE
    li      t1, FINISHER_PASS
    sw      t1, 0(t0)
2:  j       2b                          # not reached: the board is off

# putc(a0 = byte): wait until the transmitter can take a byte, then send it.
putc:
    li      t1, UART0_BASE
1:  lbu     t2, UART_LSR(t1)
    andi    t2, t2, UART_LSR_THRE
    beqz    t2, 1b
    sb      a0, UART_THR(t1)
    ret

# puts(a0 = NUL-terminated string)
puts:
    addi    sp, sp, -8
    sw      ra, 4(sp)
    sw      s0, 0(sp)
    mv      s0, a0
1:  lbu     a0, 0(s0)
    beqz    a0, 2f
    call    putc
    addi    s0, s0, 1
    j       1b
2:  lw      s0, 0(sp)
    lw      ra, 4(sp)
    addi    sp, sp, 8
    ret

# put_decimal(a0 = unsigned value): digits are produced least significant first, so they are
# pushed on the stack and popped in order.
put_decimal:
    addi    sp, sp, -32
    sw      ra, 28(sp)
    mv      t3, sp                      # t3: next free digit slot
    li      t4, 10
1:  remu    t5, a0, t4
    addi    t5, t5, '0'
    sb      t5, 0(t3)
    addi    t3, t3, 1
    divu    a0, a0, t4
    bnez    a0, 1b
2:  addi    t3, t3, -1
    lbu     a0, 0(t3)
    call    putc                        # putc touches only t1 and t2
    bne     t3, sp, 2b
    lw      ra, 28(sp)
    addi    sp, sp, 32
    ret

    .section .rodata
greeting:
    .asciz  "Hello from pvlab: RV32IMA on QEMU's virt board.\nsum(1..100) = "

    .bss
    .balign 16
stack:
    .space  1024
stack_top:
