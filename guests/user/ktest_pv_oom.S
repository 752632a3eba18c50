# ktest_pv_oom.S — fork when memory runs out, and nothing is lost: the copy of the address
# space fails part-way (a second-level table half built), fork says ENOMEM, and every page it
# took comes back. Run in a small RAM by test/kernel/pvguest.test.ts on both builds, which must
# print the same lines (no counts: the builds leave different amounts of memory free).
#
#   1. mmap one page at a time until mmap says ENOMEM: memory is full;
#   2. munmap the last FREED pages, so that fork can start copying and then fail;
#   3. fork -> ENOMEM ("fork-oom");
#   4. mmap those FREED pages again -> works only if the failed fork gave back what it took
#      ("remap");
#   5. munmap everything, fork a child that exits with CHILD_STATUS, wait ("fork-after",
#      "child-status").

    .include "lib/user.S"
    .include "ktest_lib.S"

    .equ FREED, 8
    .equ CHILD_STATUS, 7
    .equ MAP_BASE, USER_MMAP_BASE
    .equ MAP_PAGES_MAX, USER_MMAP_SIZE / PAGE_SIZE

    .text
    .globl  _start
_start:
    li      a0, 0                               # the stack's page, before memory is full
    report  "start"
    li      s0, MAP_BASE                        # s0 = next page to map
    li      s1, MAP_BASE + MAP_PAGES_MAX * PAGE_SIZE
1:  bgeu    s0, s1, 2f
    mv      a0, s0
    li      a1, PAGE_SIZE
    sys_mmap
    bltz    a0, 2f
    sw      s0, 0(s0)                           # touch it (it is mapped already)
    li      t0, PAGE_SIZE
    add     s0, s0, t0
    j       1b
2:  report  "mmap-full"                         # the error that stopped it (ENOMEM)
    li      t0, FREED * PAGE_SIZE               # give FREED pages back
    sub     s2, s0, t0                          # s2 = first of them
    mv      a0, s2
    li      a1, FREED * PAGE_SIZE
    sys_munmap
    report  "munmap"

    sys_fork                                    # the copy needs far more than FREED pages
    beqz    a0, child
    report  "fork-oom"

    mv      a0, s2                              # all FREED pages are free again?
    li      a1, FREED * PAGE_SIZE
    sys_mmap
    sub     a0, a0, s2                          # 0 if mapped where asked
    report  "remap"

    li      a0, MAP_BASE                        # everything back
    sub     a1, s0, a0
    sys_munmap
    report  "munmap-all"
    sys_fork
    beqz    a0, child
    sltz    a0, a0                              # 0: a pid
    report  "fork-after"
    la      a0, status
    sys_wait
    lw      a0, status
    report  "child-status"
    li      a0, 0
    sys_exit

child:
    li      a0, CHILD_STATUS
    sys_exit

    .section .rodata
    .globl  workload_name
workload_name:
    .asciz  "ktest_pv_oom"

    .bss
    .balign 4
status:
    .space  4

    .include "lib/runtime.S"
