# ktest_console.S — console input: prints "ready", then collects `want` bytes with read(0),
# which never blocks (it yields while nothing has arrived), and echoes them as "got: ...".
# test/kernel/console.test.ts types the input once "ready" has appeared.

    .include "lib/user.S"
    .include "ktest_lib.S"

    param   want, 5

    .equ BUFFER_SIZE, 64

    .text
    .globl  _start
_start:
    load_param s0, want                 # s0 = bytes wanted
    li      s1, 0                       # s1 = bytes read
    say     "ready"
1:  bgeu    s1, s0, 2f
    li      a0, KT_FD_STDIN
    la      a1, buffer
    add     a1, a1, s1
    sub     a2, s0, s1
    sys_read
    check_ok a0, "read failed"
    add     s1, s1, a0
    bnez    a0, 1b
    sys_yield                           # nothing yet: let the machine idle
    j       1b
2:  la      a0, got
    call    put_str
    la      a0, buffer
    add     t0, a0, s1
    sb      zero, 0(t0)
    call    print_line
    li      a0, EXIT_SUCCESS
    sys_exit
    unimp

    .section .rodata
got:
    .asciz  "got: "
    .globl  workload_name
workload_name:
    .asciz  "ktest_console"

    .bss
buffer:
    .space  BUFFER_SIZE + 1

    .include "lib/runtime.S"
