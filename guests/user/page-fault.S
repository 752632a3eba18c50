# page-fault.S — the cost of a demand-zero page fault.
#
# Mirrors lmbench's lat_pagefault and the "pgfault" benchmark of Adams & Agesen (ASPLOS 2006):
# the heap grows by sbrk, whose new pages the kernel maps only when first touched; each store
# to a fresh page takes a page fault, the kernel allocates and zeroes a page and maps it. Under
# shadow paging every guest page fault is also a hidden fault the hypervisor must sort out,
# and the guest's page-table update must reach the shadow table.
#
#   operation   the first store to one fresh heap page (one page fault)
#   parameters  iterations   number of pages touched (the heap grows by that many pages)
#   result      result page-fault iterations=N checksum=H
#               H folds, for page i = 0..N-1, the word read back after storing
#               (i + 1) * GOLDEN_RATIO_32 into it
#   self-checks sbrk succeeds; the page's other words read zero after the fault (demand-zero);
#               the stored word reads back

    .include "lib/user.S"

    param   iterations, 256

    # The value stored in page i is (i + 1) * GOLDEN_RATIO_32 (mod 2^32): every page different.
    .equ GOLDEN_RATIO_32, 0x9e3779b9
    # The word that must still read zero after the fault (any word but the first).
    .equ ZERO_PROBE_OFFSET, 4

    .text
    .globl  _start
_start:
    load_param s0, iterations           # s0 = N
    li      s11, FNV_PRIME
    li      s2, FNV_OFFSET_BASIS        # s2 = checksum

    # Setup: align the break to a page so that every page the loop touches is untouched, then
    # grow the heap by N pages (demand-zero: nothing is mapped yet).
    li      a0, 0
    sys_sbrk                            # a0 = current break
    check_ok a0, "sbrk(0) failed"
    li      t0, PAGE_SIZE - 1
    add     t1, a0, t0
    li      t0, -PAGE_SIZE
    and     t1, t1, t0                  # t1 = break rounded up to a page
    sub     a0, t1, a0
    sys_sbrk
    check_ok a0, "sbrk to align the break failed"
    slli    a0, s0, PAGE_SHIFT
    sys_sbrk                            # a0 = start of the N fresh pages
    check_ok a0, "sbrk of the pages to touch failed"
    mv      s4, a0                      # s4 = the page to touch next
    slli    t0, a0, 32 - PAGE_SHIFT
    check_eq t0, zero, "the heap pages are not page-aligned"

    li      s5, 0                       # s5 = value to store
    li      s6, GOLDEN_RATIO_32
    li      s7, PAGE_SIZE
    li      s1, 0                       # s1 = i
loop:
    beq     s1, s0, done
    add     s5, s5, s6
    sw      s5, 0(s4)                   # the page fault
    lw      t0, 0(s4)
    check_eq t0, s5, "a stored word did not read back"
    lw      t1, ZERO_PROBE_OFFSET(s4)
    check_eq t1, zero, "a fresh heap page is not zero"
    ck_fold s2, t0, s11
    add     s4, s4, s7
    addi    s1, s1, 1
    j       loop

done:
    call    result_begin
    print_param iterations
    mv      a0, s2
    call    result_end
    li      a0, EXIT_SUCCESS
    sys_exit
    unimp                               # not reached

    .section .rodata
    .globl  workload_name
workload_name:
    .asciz  "page-fault"

    .include "lib/runtime.S"
