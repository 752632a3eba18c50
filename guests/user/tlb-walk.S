# tlb-walk.S — the cost of TLB misses: sweep one word in each of many pages, over and over.
#
# Mirrors the TLB-miss-heavy workloads of Bhargava, Serebrin, Spadini & Manne (ASPLOS 2008),
# for which two-dimensional (nested) page walks cost most, and the other side of Adams & Agesen's
# (ASPLOS 2006) argument: a workload that never updates a page table but misses the TLB
# constantly is where nested paging loses to shadow paging. The pages are mapped and touched in
# setup, so the measured loop takes no page fault and makes no system call; what it does is
# translate: pvlab's TLB (src/machine/tlb.ts) is direct-mapped with TLB_ENTRIES = 256 entries
# per access type, indexed by the low bits of the virtual page number, so with pages >= 512
# consecutive pages every slot is shared by at least two pages of the sweep and every load
# misses: one page-table walk per page (2 PTE reads for Sv32; up to 8 for Sv32 over Sv32x4).
# With pages <= 256 the sweep fits the TLB and, once warm, never misses: the control.
#
#   operation   one sweep: one load from the first word of each of the `pages` pages, folded
#   parameters  iterations   number of sweeps
#               pages        pages mapped at USER_MMAP_BASE and swept (1 .. TLB_WALK_MAX_PAGES)
#   result      result tlb-walk iterations=N pages=P checksum=H
#               setup stores k * GOLDEN_RATIO_32 into the first word of page k - 1 (k = 1..P);
#               H folds, sweep after sweep, every word the loop loads (page 0 first)
#   self-checks mmap returns the address asked for; every freshly mapped page reads zero; the
#               words stored in setup read back in the last sweep

    .include "lib/user.S"

    param   iterations, 100
    param   pages, 1024

    .equ GOLDEN_RATIO_32, 0x9e3779b9
    # 16 MiB: the sweep must fit in RAM beside the kernel (the tests give a guest 32 MiB) as
    # well as in the mmap window (USER_MMAP_SIZE).
    .equ TLB_WALK_MAX_PAGES, 4096

    .text
    .globl  _start
_start:
    load_param s0, iterations           # s0 = N
    load_param s3, pages                # s3 = P
    li      s11, FNV_PRIME
    li      s2, FNV_OFFSET_BASIS        # s2 = checksum
    check_nonzero s3, "pages must be at least 1"
    li      t0, TLB_WALK_MAX_PAGES
    bgtu    s3, t0, too_many_pages
    li      t0, USER_MMAP_SIZE >> PAGE_SHIFT
    bgtu    s3, t0, too_many_pages
    li      s5, USER_MMAP_BASE          # s5 = the first page
    slli    s4, s3, PAGE_SHIFT
    add     s4, s5, s4                  # s4 = the end of the pages
    li      s10, PAGE_SIZE

    # Setup, the same whatever N: map the pages and store to each one, so that any fault a
    # kernel or hypervisor takes on first touch (a lazy mapping, a hidden shadow-paging fault)
    # happens here and the sweeps take none.
    mv      a0, s5
    slli    a1, s3, PAGE_SHIFT
    sys_mmap
    check_eq a0, s5, "mmap did not map the pages at the address asked for"
    li      s6, 0                       # s6 = value to store
    li      s7, GOLDEN_RATIO_32
    mv      s8, s5                      # s8 = page pointer
touch:
    lw      t0, 0(s8)
    check_eq t0, zero, "a freshly mapped page is not zero"
    add     s6, s6, s7
    sw      s6, 0(s8)
    add     s8, s8, s10
    bltu    s8, s4, touch

    # Warm-up: one sweep of loads, not measured. Where the TLB is flushed at every VM exit and
    # entry (p4-vtx: no VPID), the touches' own exits (shadow fills) left it cold, and the first
    # measured sweep would pay for all of it alone; with more pages than the TLB holds, every
    # access misses anyway.
    mv      s8, s5
warm:
    lw      t0, 0(s8)
    add     s8, s8, s10
    bltu    s8, s4, warm
    # The measured loop: per page one load (the TLB miss), the fold and the pointer step.
    li      s1, 0                       # s1 = sweep
sweep:
    beq     s1, s0, done
    mv      s8, s5
page:
    lw      t0, 0(s8)
    ck_fold s2, t0, s11
    add     s8, s8, s10
    bltu    s8, s4, page
    addi    s1, s1, 1
    j       sweep

done:
    # The last page still holds the last value stored (also checks the run with N = 0).
    sub     t0, s4, s10
    lw      t0, 0(t0)
    check_eq t0, s6, "a word stored in setup did not read back"
    call    result_begin
    print_param iterations
    print_param pages
    mv      a0, s2
    call    result_end
    li      a0, EXIT_SUCCESS
    sys_exit
    unimp                               # not reached

too_many_pages:
    fail_with "pages is larger than TLB_WALK_MAX_PAGES (4096) or the mmap area", s3

    .section .rodata
    .globl  workload_name
workload_name:
    .asciz  "tlb-walk"

    .include "lib/runtime.S"
