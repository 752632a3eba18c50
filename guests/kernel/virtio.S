# virtio.S — finding the virtio devices the way real boards tell a kernel about them: the
# device tree lists every virtio-mmio transport (a node compatible with "virtio,mmio") with its
# registers (`reg`) and its interrupt line (`interrupts`, a PLIC source). The kernel walks every
# such node, asks the transport which device sits behind it (VIRTIO 1.1 §4.2.3.1.1: check
# MagicValue and Version, then DeviceID; 0 means no device) and hands each device it has a
# driver for to that driver, whichever transport it is on. QEMU's virt board describes eight
# transports and plugs the first device it is given into the highest one (0x1000_8000);
# pvlab's board plugs its disk into the lowest (0x1000_1000): the kernel finds it either way.
#
# The drivers are a table, by virtio device ID (VIRTIO 1.1 §5): adding a device kind (the
# network device, ID 1, say) is one VIRTIO_DRIVER line and its driver. A driver's attach
# function takes the transport's registers and says whether it took the device (a driver that
# drives one device declines the next); the device's interrupt line is then routed to the
# driver's handler through the PLIC.
#
# The kernel maps one megapage of device registers, the virt board's (UART_VIRTIO_MAP_BASE,
# holding the UART and every transport; vm.S): a transport the tree places elsewhere is not
# used. The tree's `ranges` are taken to be the identity, as on the virt board.

# A driver table entry: the device ID it drives, attach(a0 = transport registers) -> a0 = 0 if
# it took the device, and its interrupt handler (no arguments).
.equ VD_DEVICE_ID, 0
.equ VD_ATTACH, 4
.equ VD_INTR, 8
.equ VD_SIZE, 12

.macro VIRTIO_DRIVER device_id, attach, intr
        .word   \device_id, \attach, \intr
.endm

# Nodes deeper than this are not looked at (the virt board's transports are at depth 2).
.equ VIRTIO_MAX_DEPTH, 8

# virtio_probe's stack frame: the node seen last at each depth (so a node's parent is the entry
# above its own), then the saved registers.
.equ PROBE_PARENTS, 0
.equ PARENT_SLOT_SHIFT, 2                       # log2(WORD_SIZE): one word per depth
.equ PROBE_SAVED, PROBE_PARENTS + VIRTIO_MAX_DEPTH * WORD_SIZE
.equ PROBE_FRAME, (PROBE_SAVED + 6 * WORD_SIZE + 15) & -16

        .section .rodata
        .balign 4
virtio_drivers:
        VIRTIO_DRIVER VIRTIO_ID_BLOCK, virtio_blk_attach, virtio_blk_intr
virtio_drivers_end:

        .text

# virtio_probe(): every virtio-mmio transport of the device tree at boot_fdt, each device
# given to its driver.
        .globl virtio_probe
virtio_probe:
        addi    sp, sp, -PROBE_FRAME
        sw      ra, PROBE_SAVED + 0(sp)
        sw      s0, PROBE_SAVED + 4(sp)
        sw      s1, PROBE_SAVED + 8(sp)
        sw      s2, PROBE_SAVED + 12(sp)
        sw      s3, PROBE_SAVED + 16(sp)
        sw      s4, PROBE_SAVED + 20(sp)
        lw      s0, boot_fdt                    # s0 = tree
        mv      a0, s0
        call    fdt_root
        beqz    a0, 9f
        mv      s1, a0                          # s1 = node, s2 = its depth
        li      s2, 0
        sw      s1, PROBE_PARENTS(sp)
1:      mv      a0, s1
        mv      a1, s2
        call    fdt_next_node
        beqz    a0, 9f
        mv      s1, a0
        mv      s2, a1
        li      t0, VIRTIO_MAX_DEPTH
        bgeu    s2, t0, 1b
        slli    t0, s2, PARENT_SLOT_SHIFT
        add     t0, sp, t0
        sw      s1, PROBE_PARENTS(t0)
        mv      a0, s0
        mv      a1, s1
        la      a2, str_virtio_mmio
        call    fdt_compatible
        beqz    a0, 1b

        slli    t0, s2, PARENT_SLOT_SHIFT       # the parent's cells lay out `reg`
        add     t0, sp, t0
        lw      a1, PROBE_PARENTS - WORD_SIZE(t0)
        mv      a0, s0
        call    fdt_cells_of
        mv      s3, a0                          # s3 = address cells
        add     t0, a0, a1
        slli    s4, t0, FDT_CELL_SHIFT          # s4 = bytes of one <address size>
        mv      a0, s0
        mv      a1, s1
        la      a2, str_reg
        call    fdt_getprop
        bltu    a1, s4, 1b                      # no (usable) reg
        mv      a1, s3
        call    fdt_read_cells
        bnez    a1, 1b                          # above 4 GiB: out of reach
        mv      s3, a0                          # s3 = the transport's registers
        mv      a0, s0                          # its interrupt line (0: none)
        mv      a1, s1
        la      a2, str_interrupts
        li      a3, 0
        call    fdt_u32
        mv      a1, a0
        mv      a0, s3
        call    virtio_attach
        j       1b

9:      lw      ra, PROBE_SAVED + 0(sp)
        lw      s0, PROBE_SAVED + 4(sp)
        lw      s1, PROBE_SAVED + 8(sp)
        lw      s2, PROBE_SAVED + 12(sp)
        lw      s3, PROBE_SAVED + 16(sp)
        lw      s4, PROBE_SAVED + 20(sp)
        addi    sp, sp, PROBE_FRAME
        ret

# virtio_attach(a0 = transport registers, a1 = PLIC source or 0): if a device the kernel has a
# driver for is behind the transport, give it to the driver and route its interrupt.
virtio_attach:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        sw      s1, 4(sp)
        sw      s2, 0(sp)
        mv      s0, a0
        mv      s1, a1
        srli    t0, s0, MEGAPAGE_SHIFT          # only the device megapage is mapped
        li      t1, UART_VIRTIO_MAP_BASE >> MEGAPAGE_SHIFT
        bne     t0, t1, 9f
        PV_MMIO_READ32 t0, s0, VIRTIO_MMIO_MAGICVALUE
        li      t1, VIRTIO_MMIO_MAGIC
        bne     t0, t1, 9f
        PV_MMIO_READ32 t0, s0, VIRTIO_MMIO_VERSION
        li      t1, VIRTIO_MMIO_VERSION_2
        bne     t0, t1, 9f                      # the legacy (version 1) transport: not supported
        PV_MMIO_READ32 t0, s0, VIRTIO_MMIO_DEVICEID
        beqz    t0, 9f                          # an empty transport
        la      s2, virtio_drivers              # s2 = the driver for this device ID, if any
        la      t2, virtio_drivers_end
1:      bgeu    s2, t2, 9f
        lw      t1, VD_DEVICE_ID(s2)
        beq     t0, t1, 2f
        addi    s2, s2, VD_SIZE
        j       1b
2:      mv      a0, s0
        lw      t0, VD_ATTACH(s2)
        jalr    t0
        bnez    a0, 9f                          # it did not take the device
        beqz    s1, 9f                          # no interrupt line
        mv      a0, s1
        lw      a1, VD_INTR(s2)
        call    plic_enable
9:      lw      ra, 12(sp)
        lw      s0, 8(sp)
        lw      s1, 4(sp)
        lw      s2, 0(sp)
        addi    sp, sp, 16
        ret

        .section .rodata
str_virtio_mmio:
        .asciz  "virtio,mmio"
str_interrupts:
        .asciz  "interrupts"
