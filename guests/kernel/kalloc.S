# kalloc.S — the physical page allocator: hands out and takes back 4 KiB pages of the RAM
# between the end of the images (kernel and workload) and the device tree.
#
# Pages come from a free list (each free page's first word links to the next, as in xv6) and,
# once that is empty, from a bump pointer over memory never used yet — so boot does not have
# to touch every page of RAM to build the list. Every page the kernel uses (page tables, user
# pages) comes from here; kmem_pages_in_use counts them, which lets tests check that nothing
# leaks.

        .text

# kalloc_init(a0 = first free byte, a1 = end of free memory): both rounded inwards to pages.
        .globl kalloc_init
kalloc_init:
        PAGE_ROUND_UP a0, t0
        PAGE_ROUND_DOWN a1
        sw      a0, kmem_next, t0
        sw      a1, kmem_end, t0
        sw      zero, kmem_free_list, t0
        sw      zero, kmem_pages_in_use, t0
        ret

# kalloc() -> a0 = physical address of a page (contents undefined), or 0 if memory is full.
        .globl kalloc
kalloc:
        lw      a0, kmem_free_list
        beqz    a0, 1f
        lw      t0, 0(a0)                       # pop the free list
        sw      t0, kmem_free_list, t1
        j       2f
1:      lw      a0, kmem_next                   # or take the next never-used page
        lw      t0, kmem_end
        bgeu    a0, t0, 3f
        li      t1, PAGE_SIZE
        add     t1, a0, t1
        sw      t1, kmem_next, t0
2:      lw      t0, kmem_pages_in_use
        addi    t0, t0, 1
        sw      t0, kmem_pages_in_use, t1
        ret
3:      li      a0, 0
        ret

# kzalloc() -> a0 = a zeroed page, or 0.
        .globl kzalloc
kzalloc:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        call    kalloc
        mv      s0, a0
        beqz    a0, 1f
        call    page_zero
1:      mv      a0, s0
        lw      ra, 12(sp)
        lw      s0, 8(sp)
        addi    sp, sp, 16
        ret

# kfree(a0 = page): give a page back.
        .globl kfree
kfree:
        lw      t0, kmem_free_list
        sw      t0, 0(a0)
        sw      a0, kmem_free_list, t0
        lw      t0, kmem_pages_in_use
        addi    t0, t0, -1
        sw      t0, kmem_pages_in_use, t1
        ret

        .bss
        .balign 4
kmem_free_list:                                 # first page of the free list (0: empty)
        .space  4
kmem_next:                                      # next page never handed out
        .space  4
kmem_end:                                       # end of allocatable memory
        .space  4
        .globl kmem_pages_in_use
kmem_pages_in_use:                              # pages handed out and not yet freed
        .space  4
