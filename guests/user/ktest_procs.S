# ktest_procs.S — processes: several children forked, each exiting with its own status and
# reaped by wait; a child's memory is a copy; an orphan is handed to init and reaped by it;
# the process table fills up (fork fails with ENOMEM) and empties again.
# Results are "label 0x<value>" lines for test/kernel/procs.test.ts. Ends with exit(0).

    .include "lib/user.S"
    .include "ktest_lib.S"

    .equ CHILDREN, 4
    .equ CHILD_STATUS_BASE, 10          # child i exits with 10 + i
    .equ ORPHAN_STATUS, 5
    .equ PARENT_MARK, 0x1111
    .equ CHILD_MARK, 0x2222

    .text
    .globl  _start
_start:
    # ---- several children --------------------------------------------------------------
    li      s0, 0                       # s0 = i
    li      s1, 0                       # s1 = sum of the pids fork returned
1:  li      t0, CHILDREN
    beq     s0, t0, 2f
    sys_fork
    check_ok a0, "fork failed"
    beqz    a0, child
    add     s1, s1, a0
    addi    s0, s0, 1
    j       1b
2:  li      s2, 0                       # s2 = sum of the pids wait returned
    li      s3, 0                       # s3 = sum of the statuses
    li      s0, 0
3:  li      t0, CHILDREN
    beq     s0, t0, 4f
    la      a0, status
    sys_wait
    check_ok a0, "wait failed"
    add     s2, s2, a0
    lw      t0, status
    add     s3, s3, t0
    addi    s0, s0, 1
    j       3b
4:  sub     a0, s1, s2
    report  "pid-sums-differ"
    mv      a0, s3
    report  "status-sum"
    li      a0, 0
    sys_wait
    report  "wait-after-all"

    # ---- the child's memory is a copy -------------------------------------------------
    li      t0, PARENT_MARK
    sw      t0, mark, t1
    sys_fork
    check_ok a0, "fork failed"
    beqz    a0, marker_child
    la      a0, status
    sys_wait
    lw      a0, status
    report  "child-saw"
    lw      a0, mark
    report  "parent-still-has"

    # ---- an orphan goes to init ---------------------------------------------------------
    sys_fork
    check_ok a0, "fork failed"
    beqz    a0, middle_child
    mv      s4, a0                      # s4 = the middle child
    la      a0, status
    sys_wait
    sub     a0, a0, s4
    report  "first-wait-is-middle"
    lw      a0, status
    report  "middle-status"
    la      a0, status
    sys_wait                            # the grandchild, now ours
    sub     a0, a0, s4
    report  "grandchild-pid-offset"
    lw      a0, status
    report  "grandchild-status"

    # ---- fill the process table --------------------------------------------------------
    li      s5, 0                       # s5 = forks that succeeded
5:  sys_fork
    beqz    a0, exit_at_once
    bltz    a0, 6f
    addi    s5, s5, 1
    j       5b
6:  report  "fork-when-full"
    mv      a0, s5
    report  "forks-until-full"
    li      s6, 0                       # s6 = children reaped
7:  li      a0, 0
    sys_wait
    bltz    a0, 8f
    addi    s6, s6, 1
    j       7b
8:  report  "wait-when-empty"
    mv      a0, s6
    report  "reaped"
    sys_fork                            # and there is room again
    beqz    a0, exit_at_once
    sltz    a0, a0
    report  "fork-after-reaping-fails"
    li      a0, 0
    sys_wait

    sys_getpid
    report  "init-pid"
    li      a0, EXIT_SUCCESS
    sys_exit
    unimp

child:                                  # exit(10 + i)
    addi    a0, s0, CHILD_STATUS_BASE
    sys_exit
    unimp

marker_child:                           # report what the copy holds, then change it
    lw      s0, mark
    li      t0, CHILD_MARK
    sw      t0, mark, t1
    srli    a0, s0, 4                   # fits in an exit status: 0x111
    sys_exit
    unimp

middle_child:                           # fork a grandchild and exit without waiting
    sys_fork
    beqz    a0, grandchild
    li      a0, 1
    sys_exit
    unimp
grandchild:                             # outlive the middle child, then exit
    sys_yield
    sys_yield
    li      a0, ORPHAN_STATUS
    sys_exit
    unimp

exit_at_once:
    li      a0, 0
    sys_exit
    unimp

    .data
    .balign 4
status:
    .word   0
mark:
    .word   0

    .section .rodata
    .globl  workload_name
workload_name:
    .asciz  "ktest_procs"

    .include "lib/runtime.S"
