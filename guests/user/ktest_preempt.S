# ktest_preempt.S — preemption: a parent and a child that never give up the CPU (no yield, no
# sleep; their only system calls write one character) both make progress, because the timer
# interrupt preempts each after its quantum. Each does `rounds` rounds of `spin` loop
# iterations and prints its letter after each round ('p' parent, 'c' child); without
# preemption the output would be all p's, then all c's. test/kernel/preempt.test.ts reads the
# interleaving. Ends with exit(0) after reaping the child.

    .include "lib/user.S"
    .include "ktest_lib.S"

    param   rounds, 8
    param   spin, 200000

    .equ CHILD_STATUS, 3

    .text
    .globl  _start
_start:
    load_param s0, rounds
    load_param s1, spin
    sys_fork
    check_ok a0, "fork failed"
    li      s2, 'p'
    bnez    a0, 1f
    li      s2, 'c'
1:  mv      s3, a0                      # s3 = child's pid (parent) or 0 (child)

2:  beqz    s0, 5f                      # a round: spin, then one letter
    mv      t0, s1
3:  addi    t0, t0, -1                  # a pure compute loop: never enters the kernel
    bnez    t0, 3b
    sb      s2, letter, t1
    li      a0, FD_STDOUT
    la      a1, letter
    li      a2, 1
    sys_write
    addi    s0, s0, -1
    j       2b

5:  bnez    s3, 6f
    li      a0, CHILD_STATUS            # the child is done
    sys_exit
6:  la      a0, status                  # the parent reaps it
    sys_wait
    li      a0, '\n'
    call    put_char
    lw      a0, status
    report  "child-status"
    li      a0, EXIT_SUCCESS
    sys_exit
    unimp

    .data
letter:
    .byte   0
    .balign 4
status:
    .word   0

    .section .rodata
    .globl  workload_name
workload_name:
    .asciz  "ktest_preempt"

    .include "lib/runtime.S"
