# console.S — the console: a driver for the virt board's NS16550A UART and the buffer that
# holds typed input until a process reads it.
#
# Output is polled: wait for the transmit holding register to be empty, write the byte (on
# QEMU and pvlab the UART transmits instantly, so the wait is one register read). Input is
# interrupt-driven: the UART raises PLIC source VIRT_UART0_IRQ when a byte arrives,
# plic_dispatch calls console_intr, which moves the bytes into a small ring buffer;
# read(0, ...) takes them from there without blocking.
#
# Every register access goes through PV_MMIO_*; the rest of the kernel reaches this driver only
# through the device pv-ops PV_CONSOLE_WRITE and PV_CONSOLE_READ.

# Divisor latch value for 38400 baud from the 1.8432 MHz reference clock (ignored by QEMU and
# pvlab, set as real hardware needs it).
.equ UART_DIVISOR_38400, 3

        .text

# console_init(): 8 data bits, no parity, FIFOs on, receive interrupts on, and the UART's
# interrupt line routed to console_intr (after plic_init).
        .globl console_init
console_init:
        li      t0, VIRT_UART0_BASE
        PV_MMIO_WRITE8 zero, t0, UART_IER       # no interrupts while configuring
        li      t1, UART_LCR_DLAB
        PV_MMIO_WRITE8 t1, t0, UART_LCR
        li      t1, UART_DIVISOR_38400
        PV_MMIO_WRITE8 t1, t0, UART_DLL
        PV_MMIO_WRITE8 zero, t0, UART_DLM
        li      t1, UART_LCR_WLS                # 8 data bits, 1 stop bit, no parity, DLAB off
        PV_MMIO_WRITE8 t1, t0, UART_LCR
        li      t1, UART_FCR_FIFO_ENABLE | UART_FCR_RCVR_FIFO_RESET | UART_FCR_XMIT_FIFO_RESET
        PV_MMIO_WRITE8 t1, t0, UART_FCR
        li      t1, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2   # OUT2 gates the IRQ on PCs
        PV_MMIO_WRITE8 t1, t0, UART_MCR
        li      t1, UART_IER_ERBFI              # interrupt when input arrives
        PV_MMIO_WRITE8 t1, t0, UART_IER
        li      a0, VIRT_UART0_IRQ
        la      a1, console_intr
        tail    plic_enable

# uart_write(a0 = buffer, a1 = length): send bytes, polling for room in the transmitter.
        .globl uart_write
uart_write:
        li      t0, VIRT_UART0_BASE
        add     a1, a0, a1                      # end
1:      bgeu    a0, a1, 3f
2:      PV_MMIO_READ8 t1, t0, UART_LSR
        andi    t1, t1, UART_LSR_THRE
        beqz    t1, 2b
        lbu     t2, 0(a0)
        PV_MMIO_WRITE8 t2, t0, UART_THR
        addi    a0, a0, 1
        j       1b
3:      ret

# console_intr(): the UART interrupted — move every received byte into the input ring.
# Bytes that find the ring full are dropped (the reader is too slow; nothing else to do).
        .globl console_intr
console_intr:
        li      t0, VIRT_UART0_BASE
        la      t3, console_rx_buf
        lw      t4, console_rx_head             # bytes ever received (write index)
        lw      t5, console_rx_tail             # bytes ever read (read index)
1:      PV_MMIO_READ8 t1, t0, UART_LSR
        andi    t1, t1, UART_LSR_DR
        beqz    t1, 3f
        PV_MMIO_READ8 t2, t0, UART_RBR          # reading RBR takes the byte off the UART
        sub     t1, t4, t5
        li      t6, CONSOLE_RX_SIZE
        bgeu    t1, t6, 1b                      # full: drop
        andi    t1, t4, CONSOLE_RX_SIZE - 1
        add     t1, t3, t1
        sb      t2, 0(t1)
        addi    t4, t4, 1
        j       1b
3:      sw      t4, console_rx_head, t1
        ret

# console_read(a0 = kernel buffer, a1 = max) -> a0 = bytes copied (0 when nothing is waiting).
        .globl console_read
console_read:
        la      t3, console_rx_buf
        lw      t4, console_rx_head
        lw      t5, console_rx_tail
        li      t0, 0                           # copied
1:      bgeu    t0, a1, 2f
        beq     t5, t4, 2f                      # ring empty
        andi    t1, t5, CONSOLE_RX_SIZE - 1
        add     t1, t3, t1
        lbu     t2, 0(t1)
        add     t1, a0, t0
        sb      t2, 0(t1)
        addi    t5, t5, 1
        addi    t0, t0, 1
        j       1b
2:      sw      t5, console_rx_tail, t1
        mv      a0, t0
        ret

        .bss
        .balign 4
console_rx_head:
        .space  4
console_rx_tail:
        .space  4
console_rx_buf:
        .space  CONSOLE_RX_SIZE
