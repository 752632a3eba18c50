# context-switch.S — the cost of switching between two processes.
#
# Mirrors lmbench's lat_ctx with two processes (McVoy & Staelin 1996), with yield() in place of
# a pipe token: the parent forks one child and both call yield() in a loop, so the round-robin
# scheduler alternates between them. A switch changes address spaces (satp write and TLB
# flush), which a shadow-paging hypervisor must intercept and a paravirtualized kernel asks for.
#
#   operation   one round trip: the parent yields to the child and the child yields back —
#               two context switches (per switch: half the per-operation cost)
#   parameters  iterations   number of yield() calls each process makes
#   result      result context-switch iterations=N checksum=H
#               H folds the parent's N yield results (0 each), then the child's exit status,
#               which is its own fold of its N yield results, masked to EXIT_STATUS_MASK
#   self-checks fork succeeds, every yield returns 0, wait returns the child fork created
#
# Warm-up: before its loop each process yields once, uncounted, in the run with 0 operations too,
# so both runs enter the loop with both processes' pages and translations warm and the first
# measured switch costs what every other one does.
#
# Why each process makes N yields: two processes that start and end in the parent can only
# switch an even number of times, and whichever order the kernel runs them after fork, the
# N-iteration run switches exactly 2N more times than the 0-iteration run (the final wait/exit
# switches are common to both). Timer preemption adds switches in both runs alike.

    .include "lib/user.S"

    param   iterations, 1000

    .text
    .globl  _start
_start:
    load_param s0, iterations           # s0 = N
    li      s11, FNV_PRIME
    li      s2, FNV_OFFSET_BASIS        # s2 = checksum (the child starts from the same value)
    sys_fork
    check_ok a0, "fork failed"
    beqz    a0, child
    mv      s3, a0                      # s3 = the child's pid
    sys_yield                           # warm-up switch, not counted (see below)

# parent: N yields, then collect the child.
    li      s1, 0
parent_loop:
    beq     s1, s0, parent_done
    sys_yield
    check_eq a0, zero, "yield failed in the parent"
    ck_fold s2, a0, s11
    addi    s1, s1, 1
    j       parent_loop
parent_done:
    la      a0, child_status
    sys_wait
    check_eq a0, s3, "wait did not return the child's pid"
    la      t0, child_status
    lw      t0, 0(t0)
    ck_fold s2, t0, s11

    call    result_begin
    print_param iterations
    mv      a0, s2
    call    result_end
    li      a0, EXIT_SUCCESS
    sys_exit
    unimp                               # not reached

# child: N yields, then exit with (a fold of) what they returned.
child:
    sys_yield                           # warm-up switch, not counted
    li      s1, 0
child_loop:
    beq     s1, s0, child_done
    sys_yield
    check_eq a0, zero, "yield failed in the child"
    ck_fold s2, a0, s11
    addi    s1, s1, 1
    j       child_loop
child_done:
    andi    a0, s2, EXIT_STATUS_MASK
    sys_exit
    unimp                               # not reached

    .data
    .balign 4
child_status:
    .word   -1                          # wait() stores the child's exit status here

    .section .rodata
    .globl  workload_name
workload_name:
    .asciz  "context-switch"

    .include "lib/runtime.S"
