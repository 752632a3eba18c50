# ktest_shutdown.S — shutdown(status) from a child process powers the machine off at once with
# that status, while init is still waiting for it.

    .include "lib/user.S"
    .include "ktest_lib.S"

    param   status, 3

    .text
    .globl  _start
_start:
    sys_fork
    check_ok a0, "fork failed"
    beqz    a0, 1f
    li      a0, 0                       # init waits; the child turns the machine off
    sys_wait
    say     "init woke up"
    li      a0, EXIT_FAILURE
    sys_exit
1:  load_param a0, status
    sys_shutdown
    say     "still running"
    unimp

    .section .rodata
    .globl  workload_name
workload_name:
    .asciz  "ktest_shutdown"

    .include "lib/runtime.S"
