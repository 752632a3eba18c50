# plic.S — the platform-level interrupt controller: routes the UART's and the disk's
# interrupt lines to this hart's supervisor context, and dispatches each external interrupt
# to its driver (claim, handle, complete).
#
# The virt board's PLIC has two contexts per hart, machine then supervisor; the kernel uses
# the supervisor one (context 1 for hart 0), whose pending interrupt appears as sip.SEIP.
# All register accesses go through PV_MMIO_*; the rest of the kernel reaches this file only
# through PV_EXTERNAL_INTR (and PV_DEVICES_INIT).

.equ PLIC_REG_SIZE, 4                   # priority and enable registers are 32-bit words
.equ PLIC_DEVICE_PRIORITY, 1            # every source the same priority, above threshold 0
.equ PLIC_ENABLED_SOURCES, (1 << VIRT_UART0_IRQ) | (1 << VIRT_VIRTIO_IRQ)

.if VIRT_UART0_IRQ >= 32 || VIRT_VIRTIO_IRQ >= 32
  .error "plic_init assumes both sources are in the first enable word"
.endif

        .text

# plic_init(): priorities, enables and threshold for this hart's supervisor context.
        .globl plic_init
plic_init:
        lw      t0, boot_hartid                 # context = hart * 2 + 1
        li      t1, PLIC_CONTEXTS_PER_HART
        mul     t0, t0, t1
        addi    t0, t0, PLIC_CONTEXT_SUPERVISOR
        li      t2, VIRT_PLIC_BASE

        li      t1, PLIC_DEVICE_PRIORITY
        PV_MMIO_WRITE32 t1, t2, PLIC_PRIORITY_BASE + VIRT_UART0_IRQ * PLIC_REG_SIZE
        PV_MMIO_WRITE32 t1, t2, PLIC_PRIORITY_BASE + VIRT_VIRTIO_IRQ * PLIC_REG_SIZE

        li      t3, PLIC_ENABLE_STRIDE          # enable words of the context
        mul     t3, t0, t3
        li      t4, PLIC_ENABLE_BASE
        add     t3, t3, t4
        add     t3, t3, t2
        li      t1, PLIC_ENABLED_SOURCES
        PV_MMIO_WRITE32 t1, t3, 0

        li      t3, PLIC_CONTEXT_STRIDE         # threshold and claim registers of the context
        mul     t3, t0, t3
        li      t4, PLIC_CONTEXT_BASE
        add     t3, t3, t4
        add     t3, t3, t2
        PV_MMIO_WRITE32 zero, t3, PLIC_THRESHOLD    # let every priority through
        sw      t3, plic_context_regs, t1
        ret

# plic_dispatch(): claim each pending source, run its driver's handler, complete it.
        .globl plic_dispatch
plic_dispatch:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        sw      s1, 4(sp)
        lw      s0, plic_context_regs
1:      PV_MMIO_READ32 s1, s0, PLIC_CLAIM_COMPLETE
        beqz    s1, 4f                          # nothing (more) pending
        li      t0, VIRT_UART0_IRQ
        bne     s1, t0, 2f
        call    console_intr
        j       3f
2:      li      t0, VIRT_VIRTIO_IRQ
        bne     s1, t0, 3f                      # not ours: just complete it
        call    virtio_blk_intr
3:      PV_MMIO_WRITE32 s1, s0, PLIC_CLAIM_COMPLETE
        j       1b
4:      lw      ra, 12(sp)
        lw      s0, 8(sp)
        lw      s1, 4(sp)
        addi    sp, sp, 16
        ret

        .bss
        .balign 4
plic_context_regs:                              # address of this context's threshold register
        .space  4
