# entry.S — boot: the kernel's first instruction (_start, at 0x8020_0000 where the firmware
# jumps) and kmain, which brings the subsystems up in order and starts the first process.
#
# The firmware enters in S-mode with paging off and interrupts disabled, a0 = hart id,
# a1 = physical address of the flattened device tree (at the top of RAM, as QEMU places it).

.equ MIB_SHIFT, 20                              # bytes -> MiB, for the banner

        .bss
        .balign 16
bss_start:                                      # .bss begins here (this file is included first)
boot_stack:
        .space  BOOT_STACK_SIZE
boot_stack_top:
        .globl boot_hartid
boot_hartid:
        .space  4
        .globl boot_fdt
boot_fdt:
        .space  4
        .globl ram_base
ram_base:
        .space  4
        .globl ram_size
ram_size:
        .space  4

        .text
        .globl _start
_start:
        # Clear .bss: the loaders used (pvlab's image, QEMU's ELF loader) leave it zero, but a
        # kernel should not depend on that. No stack yet; only t registers are used.
        la      t0, bss_start
        la      t1, kernel_end
1:      bgeu    t0, t1, 2f
        sw      zero, 0(t0)
        addi    t0, t0, WORD_SIZE
        j       1b
2:      la      sp, boot_stack_top
        sw      a0, boot_hartid, t0
        sw      a1, boot_fdt, t0
        call    kmain
3:      j       3b                              # kmain does not return

# kmain(): devices, memory, paging, traps, timer, the first process; then schedule forever.
kmain:
        PV_DEVICES_INIT                         # the console first: everything after may print
        la      a0, msg_banner
        la      a1, str_build_name
        lw      a2, boot_hartid
        call    kprintf

        lw      a0, boot_fdt                    # how much RAM?
        call    fdt_memory
        bnez    a1, 1f
        la      a0, msg_no_memory
        lw      a1, boot_fdt
        call    panic
1:      sw      a0, ram_base, t0
        sw      a1, ram_size, t0
        mv      a2, a0
        srli    a1, a1, MIB_SHIFT
        la      a0, msg_ram
        call    kprintf

        PV_BLK_CAPACITY                         # a disk?
        mv      a2, a0
        la      a1, str_blk_driver
        la      a0, msg_disk
        bnez    a2, 2f
        la      a0, msg_no_disk
2:      call    kprintf

        # Free memory: from the end of the kernel and of the workload image after it, up to the
        # device tree (or the end of RAM, if the tree is somewhere else).
        la      a0, kernel_end
        lw      t1, user_image_addr
        lw      t2, user_image_size
        add     t1, t1, t2
        bgeu    a0, t1, 3f
        mv      a0, t1
3:      lw      t0, ram_base
        lw      t1, ram_size
        add     a1, t0, t1                      # a1 = end of RAM
        bgeu    a1, t0, 4f
        li      a1, -PAGE_SIZE                  # RAM reaches 4 GiB: stop a page short
4:      lw      t2, boot_fdt
        bltu    t2, a0, 5f                      # the tree is below the free area: ignore it
        bgeu    t2, a1, 5f
        mv      a1, t2
5:      call    kalloc_init

        lw      a0, ram_base                    # paging on
        lw      a1, ram_size
        call    kvm_init
        call    trap_init
        call    user_init
        tail    scheduler

        .section .rodata
str_build_name:
        PV_BUILD_NAME
str_blk_driver:
        PV_BLK_DRIVER_NAME
msg_banner:
        .asciz  "[kernel] pvlab teaching kernel (%s build), hart %d\n"
msg_no_memory:
        .asciz  "no memory node in the device tree at %x"
msg_ram:
        .asciz  "[kernel] RAM: %u MiB at %x\n"
msg_disk:
        .asciz  "[kernel] disk: %s, %u sectors\n"
msg_no_disk:
        .asciz  "[kernel] disk: none\n"
