# ktest_mmap.S — mmap and munmap: fresh pages read as zero and keep what is stored; a mapped
# range cannot be mapped again; an unmapped page faults (in a child, which dies of it) and can
# be mapped afresh (zeroed again); a mapping larger than memory fails with ENOMEM and leaves
# nothing behind. Results are "label 0x<value>" lines for test/kernel/mmap.test.ts.

    .include "lib/user.S"
    .include "ktest_lib.S"

    .equ PAGES, 3
    .equ BASE, USER_MMAP_BASE
    .equ TOO_MUCH, 0x20000000           # 512 MiB: more than the test machine's RAM
    .equ PATTERN, 0x600df00d

    .text
    .globl  _start
_start:
    li      a0, BASE
    li      a1, PAGES * PAGE_SIZE
    sys_mmap
    li      t0, BASE
    sub     a0, a0, t0
    report  "mmap-returns-addr"

    li      s1, 0                       # every word of every page is zero
    li      t0, BASE
    li      t1, BASE + PAGES * PAGE_SIZE
1:  lw      t2, 0(t0)
    or      s1, s1, t2
    addi    t0, t0, 4
    bltu    t0, t1, 1b
    mv      a0, s1
    report  "mmap-zeroed"
    li      t0, PATTERN                 # and keep what is stored
    li      t1, BASE + PAGE_SIZE
    sw      t0, 8(t1)
    lw      a0, 8(t1)
    report  "mmap-keeps"

    li      a0, BASE + PAGE_SIZE        # mapping over a mapped page fails
    li      a1, PAGE_SIZE
    sys_mmap
    report  "mmap-overlap"

    li      a0, BASE + PAGE_SIZE        # unmap the middle page
    li      a1, PAGE_SIZE
    sys_munmap
    report  "munmap"
    sys_fork                            # touching it now is fatal
    check_ok a0, "fork failed"
    beqz    a0, touch_unmapped
    la      a0, status
    sys_wait
    lw      a0, status
    report  "touch-after-munmap"
    li      a0, BASE + PAGE_SIZE        # map it again: a fresh, zeroed page
    li      a1, PAGE_SIZE
    sys_mmap
    li      t0, BASE
    sub     a0, a0, t0
    report  "remap"
    li      t1, BASE + PAGE_SIZE
    lw      a0, 8(t1)
    report  "remap-zeroed"

    li      a0, BASE                    # unmap everything (len not a page multiple: rounded up)
    li      a1, PAGES * PAGE_SIZE - 100
    sys_munmap
    report  "munmap-all"

    li      a0, BASE                    # more than memory: ENOMEM, and all undone
    li      a1, TOO_MUCH
    sys_mmap
    report  "mmap-too-much"
    li      a0, BASE
    li      a1, PAGE_SIZE
    sys_mmap
    li      t0, BASE
    sub     a0, a0, t0
    report  "mmap-after-enomem"

    li      a0, EXIT_SUCCESS
    sys_exit
    unimp

touch_unmapped:
    li      t0, BASE + PAGE_SIZE
    lw      a0, 0(t0)
    li      a0, 0
    sys_exit
    unimp

    .data
    .balign 4
status:
    .word   0

    .section .rodata
    .globl  workload_name
workload_name:
    .asciz  "ktest_mmap"

    .include "lib/runtime.S"
