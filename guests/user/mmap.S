# mmap.S — the cost of page-table updates: map pages, use them, unmap them.
#
# Mirrors lmbench's lat_mmap (map, touch, unmap) and the "ptemod" benchmark of Adams & Agesen
# (ASPLOS 2006). Each mmap writes one page-table entry per page and each munmap clears it and
# flushes the TLB. A shadow-paging hypervisor must trap or trace those writes to keep its shadow
# table coherent; a paravirtualized kernel sends them to the hypervisor in batches (Xen's
# mmu_update, Barham et al. 2003); with two-stage translation they cost nothing extra.
#
#   operation   mmap(USER_MMAP_BASE, pages pages), one load and one store in each page,
#               munmap of the same pages
#   parameters  iterations   number of map/unmap rounds
#               pages        pages mapped per round (at least 1)
#   result      result mmap iterations=N pages=P checksum=H
#               H folds, in order, every word read back after storing the values
#               1 * GOLDEN_RATIO_32, 2 * GOLDEN_RATIO_32, ... into the pages
#   self-checks mmap returns the address asked for; every page reads zero when mapped (which
#               also catches a stale TLB entry left by the previous round's munmap); munmap
#               returns 0

    .include "lib/user.S"

    param   iterations, 200
    param   pages, 4

    .equ GOLDEN_RATIO_32, 0x9e3779b9

    .text
    .globl  _start
_start:
    load_param s0, iterations           # s0 = N
    load_param s3, pages                # s3 = P
    li      s11, FNV_PRIME
    li      s2, FNV_OFFSET_BASIS        # s2 = checksum
    check_nonzero s3, "pages must be at least 1"
    li      t0, USER_MMAP_SIZE >> PAGE_SHIFT
    bgtu    s3, t0, too_many_pages
    slli    s4, s3, PAGE_SHIFT          # s4 = length in bytes
    li      s5, USER_MMAP_BASE          # s5 = where the pages go
    li      s6, 0                       # s6 = value to store
    li      s7, GOLDEN_RATIO_32
    li      s10, PAGE_SIZE

    # Warm-up round, not counted, in the run with 0 operations too: the first mapping of the
    # area allocates its page-table page and walks cold paths, which every later round finds
    # done — so the measured rounds all cost the same.
    mv      a0, s5
    mv      a1, s4
    sys_mmap
    check_eq a0, s5, "mmap did not map the pages at the address asked for"
    mv      s8, s5
    mv      s9, s3
warm:
    sw      zero, 0(s8)
    add     s8, s8, s10
    addi    s9, s9, -1
    bnez    s9, warm
    mv      a0, s5
    mv      a1, s4
    sys_munmap
    check_eq a0, zero, "munmap failed"

    li      s1, 0                       # s1 = round
round:
    beq     s1, s0, done
    mv      a0, s5
    mv      a1, s4
    sys_mmap
    check_eq a0, s5, "mmap did not map the pages at the address asked for"
    mv      s8, s5                      # s8 = page pointer
    mv      s9, s3                      # s9 = pages left in this round
touch:
    lw      t0, 0(s8)
    check_eq t0, zero, "a freshly mapped page is not zero"
    add     s6, s6, s7
    sw      s6, 0(s8)
    lw      t0, 0(s8)
    ck_fold s2, t0, s11
    add     s8, s8, s10
    addi    s9, s9, -1
    bnez    s9, touch
    mv      a0, s5
    mv      a1, s4
    sys_munmap
    check_eq a0, zero, "munmap failed"
    addi    s1, s1, 1
    j       round

done:
    call    result_begin
    print_param iterations
    print_param pages
    mv      a0, s2
    call    result_end
    li      a0, EXIT_SUCCESS
    sys_exit
    unimp                               # not reached

too_many_pages:
    fail_with "pages does not fit in the mmap area (USER_MMAP_SIZE)", s3

    .section .rodata
    .globl  workload_name
workload_name:
    .asciz  "mmap"

    .include "lib/runtime.S"
