# plic.S — the platform-level interrupt controller: routes a device's interrupt line to this
# hart's supervisor context, and dispatches each external interrupt to the handler of the
# driver that asked for the line (claim, handle, complete).
#
# The virt board's PLIC has two contexts per hart, machine then supervisor; the kernel uses
# the supervisor one (context 1 for hart 0), whose pending interrupt appears as sip.SEIP.
# Drivers ask for their lines with plic_enable: the console for the UART's (a fixed line of the
# board), the virtio drivers for the lines the device tree gives their devices (virtio.S).
# All register accesses go through PV_MMIO_*; the rest of the kernel reaches this file only
# through PV_EXTERNAL_INTR (and PV_DEVICES_INIT).

.equ PLIC_REG_SIZE, 4                   # priority and enable registers are 32-bit words
.equ PLIC_REG_SHIFT, 2                  # log2(PLIC_REG_SIZE)
.equ PLIC_SOURCES_PER_WORD, 32          # enable bits per enable register
.equ PLIC_SOURCE_WORD_SHIFT, 5          # log2(PLIC_SOURCES_PER_WORD)
.equ PLIC_DEVICE_PRIORITY, 1            # every source the same priority, above threshold 0

.if (1 << PLIC_REG_SHIFT) != PLIC_REG_SIZE || (1 << PLIC_SOURCE_WORD_SHIFT) != PLIC_SOURCES_PER_WORD
  .error "plic.S: a shift does not match its size"
.endif

        .text

# plic_init(): this hart's supervisor context, with every source still disabled and a
# threshold that lets every priority through.
        .globl plic_init
plic_init:
        lw      t0, boot_hartid                 # context = hart * 2 + 1
        li      t1, PLIC_CONTEXTS_PER_HART
        mul     t0, t0, t1
        addi    t0, t0, PLIC_CONTEXT_SUPERVISOR
        li      t2, VIRT_PLIC_BASE

        li      t3, PLIC_ENABLE_STRIDE          # enable words of the context
        mul     t3, t0, t3
        li      t4, PLIC_ENABLE_BASE
        add     t3, t3, t4
        add     t3, t3, t2
        sw      t3, plic_enable_regs, t1

        li      t3, PLIC_CONTEXT_STRIDE         # threshold and claim registers of the context
        mul     t3, t0, t3
        li      t4, PLIC_CONTEXT_BASE
        add     t3, t3, t4
        add     t3, t3, t2
        PV_MMIO_WRITE32 zero, t3, PLIC_THRESHOLD    # let every priority through
        sw      t3, plic_context_regs, t1
        ret

# plic_enable(a0 = source, a1 = handler): interrupts from the source reach this hart, and
# plic_dispatch calls the handler (no arguments) for each. A source the PLIC does not have is
# ignored.
        .globl plic_enable
plic_enable:
        beqz    a0, 1f                          # source 0 means "no interrupt"
        li      t0, VIRT_PLIC_SOURCES
        bgeu    a0, t0, 1f
        slli    t0, a0, PLIC_REG_SHIFT
        la      t1, plic_handlers
        add     t1, t1, t0
        sw      a1, 0(t1)
        li      t1, VIRT_PLIC_BASE + PLIC_PRIORITY_BASE
        add     t1, t1, t0
        li      t2, PLIC_DEVICE_PRIORITY
        PV_MMIO_WRITE32 t2, t1, 0
        srli    t0, a0, PLIC_SOURCE_WORD_SHIFT  # the source's bit in the context's enable words
        slli    t0, t0, PLIC_REG_SHIFT
        lw      t1, plic_enable_regs
        add     t1, t1, t0
        andi    t0, a0, PLIC_SOURCES_PER_WORD - 1
        li      t2, 1
        sll     t2, t2, t0
        PV_MMIO_READ32 t0, t1, 0
        or      t0, t0, t2
        PV_MMIO_WRITE32 t0, t1, 0
1:      ret

# plic_dispatch(): claim each pending source, run its handler, complete it.
        .globl plic_dispatch
plic_dispatch:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        sw      s1, 4(sp)
        lw      s0, plic_context_regs
1:      PV_MMIO_READ32 s1, s0, PLIC_CLAIM_COMPLETE
        beqz    s1, 3f                          # nothing (more) pending
        li      t0, VIRT_PLIC_SOURCES
        bgeu    s1, t0, 2f                      # not a source of ours: just complete it
        slli    t0, s1, PLIC_REG_SHIFT
        la      t1, plic_handlers
        add     t1, t1, t0
        lw      t0, 0(t1)
        beqz    t0, 2f                          # no handler: just complete it
        jalr    t0
2:      PV_MMIO_WRITE32 s1, s0, PLIC_CLAIM_COMPLETE
        j       1b
3:      lw      ra, 12(sp)
        lw      s0, 8(sp)
        lw      s1, 4(sp)
        addi    sp, sp, 16
        ret

        .bss
        .balign 4
plic_context_regs:                              # address of this context's threshold register
        .space  4
plic_enable_regs:                               # address of this context's first enable word
        .space  4
plic_handlers:                                  # a handler per source (0: none)
        .space  VIRT_PLIC_SOURCES * WORD_SIZE
