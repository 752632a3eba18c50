# null-syscall.S — the cost of the cheapest system call.
#
# Mirrors lmbench's lat_syscall "null" (McVoy & Staelin 1996) and the "syscall" benchmark of
# Adams & Agesen (ASPLOS 2006): a user → kernel → user round trip that does no work inside.
# Natively it is one trap and one sret; a trap-and-emulate hypervisor also has to emulate the
# guest kernel's privileged instructions on the way (csrr/csrw of sscratch, sepc, sret...).
#
#   operation   one getpid()
#   parameters  iterations   number of getpid calls
#   result      result null-syscall iterations=N checksum=H
#               H folds every pid the loop's getpid returned — N + 1 of them, the warm-up pass
#               included (the workload is the first process: pid 1)
#   self-checks every call returns the same pid as the one made during setup

    .include "lib/user.S"

    param   iterations, 1000

    .text
    .globl  _start
_start:
    load_param s0, iterations           # s0 = N
    li      s11, FNV_PRIME
    li      s2, FNV_OFFSET_BASIS        # s2 = checksum
    sys_getpid                          # setup: the pid every measured call must return
    check_ok a0, "getpid failed"
    mv      s3, a0                      # s3 = our pid

    # The loop runs once more than N: its first pass is the warm-up, the same instructions as
    # every measured call, so whatever the first pass alone pays (a kernel-stack translation a
    # world switch dropped) is paid in the run with N and the run with none alike.
    li      s1, -1                      # s1 = i; -1: the warm-up pass
loop:
    beq     s1, s0, done
    sys_getpid
    check_eq a0, s3, "getpid returned a different pid"
    ck_fold s2, a0, s11
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
    .asciz  "null-syscall"

    .include "lib/runtime.S"
