# ktest_leak.S — `rounds` rounds of everything that allocates pages: a child that grows and
# touches its heap and stack, maps and unmaps pages, forks a grandchild, and exits; sbrk up and
# down; mmap and munmap; then reaps every process left. test/kernel/memory.test.ts runs it
# with different round counts and checks that the kernel's count of pages in use ends the same.

    .include "lib/user.S"
    .include "ktest_lib.S"

    param   rounds, 1

    .equ HEAP_GROWTH, 5 * PAGE_SIZE
    .equ MAP_AT, USER_MMAP_BASE
    .equ MAP_LEN, 3 * PAGE_SIZE

    .text
    .globl  _start
_start:
    load_param s0, rounds
1:  beqz    s0, 9f
    sys_fork
    check_ok a0, "fork failed"
    beqz    a0, child
    li      a0, 0
    sys_wait
    check_ok a0, "wait failed"
    li      a0, HEAP_GROWTH             # the parent's heap up and down again
    sys_sbrk
    mv      s1, a0
    sw      zero, 0(s1)
    li      t0, HEAP_GROWTH - 4
    add     t0, s1, t0
    sw      zero, 0(t0)
    li      a0, -HEAP_GROWTH
    sys_sbrk
    li      a0, MAP_AT                  # and a mapping
    li      a1, MAP_LEN
    sys_mmap
    check_ok a0, "mmap failed"
    li      a0, MAP_AT
    li      a1, MAP_LEN
    sys_munmap
    addi    s0, s0, -1
    j       1b
9:  li      a0, 0                       # reap the grandchildren init inherited
    sys_wait
    bgez    a0, 9b
    say     "done"
    li      a0, EXIT_SUCCESS
    sys_exit
    unimp

child:                                  # allocate every way there is, then exit without freeing
    li      a0, HEAP_GROWTH
    sys_sbrk
    mv      s1, a0
    li      t0, 0
    li      t1, HEAP_GROWTH
2:  add     t2, s1, t0
    sw      t0, 0(t2)
    li      t3, PAGE_SIZE
    add     t0, t0, t3
    bltu    t0, t1, 2b
    li      t0, 0x8000                  # stack pages
    sub     t0, sp, t0
    sw      zero, 0(t0)
    li      a0, MAP_AT
    li      a1, MAP_LEN
    sys_mmap
    check_ok a0, "mmap failed"
    sys_fork                            # a grandchild, left to init when we exit
    beqz    a0, 3f
    li      a0, 0
    sys_exit
3:  li      a0, 0
    sys_exit
    unimp

    .section .rodata
    .globl  workload_name
workload_name:
    .asciz  "ktest_leak"

    .include "lib/runtime.S"
