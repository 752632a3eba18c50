# ktest_block.S — the disk: `count` sectors written from a buffer that is not page-aligned
# (so sectors straddle pages and requests are split into several), read back into heap pages
# never touched (the kernel creates them), compared; then bad arguments. `first` is the first
# sector used, `capacity` the disk size the test machine has. Results are "label 0x<value>"
# lines for test/kernel/block.test.ts; the test also checks the disk's bytes.

    .include "lib/user.S"
    .include "ktest_lib.S"

    param   first, 3
    param   count, 20
    param   capacity, 64

    .equ MISALIGN, 100                  # the write buffer starts this far into a page
    .equ SEED, 0x9e3779b9

    .text
    .globl  _start
_start:
    load_param s0, first
    load_param s1, count
    li      t0, SECTOR_SIZE
    mul     s2, s1, t0                  # s2 = bytes
    li      t0, PAGE_SIZE - 1           # heap: room for two buffers, page-rounded
    add     t1, s2, t0
    add     t1, t1, t0
    srli    t1, t1, PAGE_SHIFT
    slli    t1, t1, PAGE_SHIFT + 1
    mv      a0, t1
    sys_sbrk
    addi    s3, a0, MISALIGN            # s3 = write buffer
    li      t0, PAGE_SIZE - 1           # s4 = read buffer: the second half, page-aligned
    add     t1, s2, t0
    addi    t1, t1, MISALIGN
    srli    t1, t1, PAGE_SHIFT
    slli    t1, t1, PAGE_SHIFT
    add     s4, a0, t1

    li      t0, 0                       # word i = i * SEED
    li      t3, SEED
1:  bgeu    t0, s2, 2f
    srli    t1, t0, 2
    mul     t1, t1, t3
    add     t2, s3, t0
    sw      t1, 0(t2)
    addi    t0, t0, 4
    j       1b

2:  mv      a0, s0
    mv      a1, s3
    mv      a2, s1
    sys_blkwrite
    report  "blkwrite"
    mv      a0, s0
    mv      a1, s4
    mv      a2, s1
    sys_blkread
    report  "blkread"
    li      t0, 0                       # compare
    li      s5, 0                       # s5 = words that differ
3:  bgeu    t0, s2, 4f
    add     t1, s3, t0
    lw      t1, 0(t1)
    add     t2, s4, t0
    lw      t2, 0(t2)
    beq     t1, t2, 5f
    addi    s5, s5, 1
5:  addi    t0, t0, 4
    j       3b
4:  mv      a0, s5
    report  "words-differ"

    li      a0, 0                       # bad arguments
    li      a1, VIRT_DRAM_BASE
    li      a2, 1
    sys_blkread
    report  "blkread-kernel-buffer"
    load_param a0, capacity
    addi    a0, a0, -1
    mv      a1, s4
    li      a2, 2
    sys_blkread
    report  "blkread-past-end"
    load_param a0, capacity
    addi    a0, a0, -1
    mv      a1, s4
    li      a2, 1
    sys_blkwrite
    report  "blkwrite-last"
    li      a0, 0
    mv      a1, s4
    li      a2, 0
    sys_blkwrite
    report  "blkwrite-none"

    li      a0, EXIT_SUCCESS
    sys_exit
    unimp

    .section .rodata
    .globl  workload_name
workload_name:
    .asciz  "ktest_block"

    .include "lib/runtime.S"
