# console.S — the firmware's console: polled I/O on the NS16550A UART (no interrupts, no
# initialization: QEMU's and pvlab's UART accept bytes from reset), plus the hex printing the
# panic line needs.
#
# These routines use no stack: each names the registers it clobbers, and those that call
# another keep their return address in t6. That is what lets fw_panic use them whatever state
# a trap left behind.

    .text
# fw_uart_putc(a0 = byte): wait until the transmit holding register is empty, then send.
# Clobbers t0, t1.
fw_uart_putc:
    li      t0, VIRT_UART0_BASE
1:  lbu     t1, UART_LSR(t0)
    andi    t1, t1, UART_LSR_THRE
    beqz    t1, 1b
    sb      a0, UART_THR(t0)
    ret

# fw_uart_drain(): wait until the UART has sent every byte it holds (LSR.TEMT: holding register
# or FIFO, and shift register, empty). Before a power-off or reset: QEMU sends the bytes of an
# enabled FIFO after the first from its main loop, so a guest that powers off at once can lose
# the last byte it wrote (the final newline, when the host is busy). Clobbers t0, t1.
fw_uart_drain:
    li      t0, VIRT_UART0_BASE
1:  lbu     t1, UART_LSR(t0)
    andi    t1, t1, UART_LSR_TEMT
    beqz    t1, 1b
    ret

# fw_uart_getc() → a0 = the next received byte, or -1 if there is none.
# Clobbers t0, t1.
fw_uart_getc:
    li      t0, VIRT_UART0_BASE
    lbu     t1, UART_LSR(t0)
    andi    t1, t1, UART_LSR_DR
    li      a0, -1
    beqz    t1, 1f
    lbu     a0, UART_RBR(t0)
1:  ret

# fw_puts(a0 = NUL-terminated string). Clobbers a0, t0-t2, t6.
fw_puts:
    mv      t6, ra
    mv      t2, a0
1:  lbu     a0, 0(t2)
    beqz    a0, 2f
    jal     fw_uart_putc
    addi    t2, t2, 1
    j       1b
2:  mv      ra, t6
    ret

    .equ HEX_DIGITS, 8                  # a 32-bit value
    .equ NIBBLE_BITS, 4
    .equ DECIMAL_DIGITS, 10             # nibble values 0-9 print as '0'-'9', 10-15 as 'a'-'f'

# fw_put_hex(a0 = value): "0x" and eight hex digits. Clobbers a0, t0-t4, t6.
fw_put_hex:
    mv      t6, ra
    mv      t2, a0
    li      a0, '0'
    jal     fw_uart_putc
    li      a0, 'x'
    jal     fw_uart_putc
    li      t3, HEX_DIGITS
1:  srli    t4, t2, (HEX_DIGITS - 1) * NIBBLE_BITS   # the top nibble
    slli    t2, t2, NIBBLE_BITS
    addi    a0, t4, '0'
    li      t0, DECIMAL_DIGITS
    blt     t4, t0, 2f
    addi    a0, t4, 'a' - DECIMAL_DIGITS
2:  jal     fw_uart_putc
    addi    t3, t3, -1
    bnez    t3, 1b
    mv      ra, t6
    ret
