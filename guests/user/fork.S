# fork.S — the cost of creating and destroying an address space: fork + exit + wait.
#
# Mirrors lmbench's lat_proc fork ("fork+exit") and the process-creation measurements of
# Barham et al. (SOSP 2003, Xen): fork copies the process — a new page table and a copy of every
# page — the child exits at once and the parent reaps it. Under a hypervisor every page-table
# page the kernel builds and every page it copies goes through the virtualized MMU.
#
#   operation   one fork(); the child reads a word of its copied memory and exits with a status
#               computed from it; the parent waits for it
#   parameters  iterations   number of children created one after another
#   result      result fork iterations=N checksum=H
#               H folds the exit statuses (i * FORK_STATUS_MUL + FORK_STATUS_ADD) & EXIT_STATUS_MASK
#               of children i = 0..N-1, as wait() reported them
#   self-checks fork succeeds; wait returns the pid fork returned

    .include "lib/user.S"

    param   iterations, 100

    .equ FORK_STATUS_MUL, 13
    .equ FORK_STATUS_ADD, 7

    .text
    .globl  _start
_start:
    load_param s0, iterations           # s0 = N
    li      s11, FNV_PRIME
    li      s2, FNV_OFFSET_BASIS        # s2 = checksum
    la      s4, fork_token              # s4 = &fork_token
    la      s5, child_status            # s5 = &child_status
    li      s6, -1

    # Warm-up fork, not counted, in the run with 0 operations too: the first fork and exit
    # allocate and touch what every later one reuses (process slot, kernel stack, page-table
    # pages), so the measured forks all cost the same.
    sw      zero, 0(s4)
    sw      s6, 0(s5)
    sys_fork
    check_ok a0, "fork failed"
    beqz    a0, child
    mv      s3, a0
    mv      a0, s5
    sys_wait
    check_eq a0, s3, "wait did not return the child's pid"

    li      s1, 0                       # s1 = i
loop:
    beq     s1, s0, done
    sw      s1, 0(s4)                   # the child will find i in its copy of memory
    sw      s6, 0(s5)                   # wait() must overwrite this
    sys_fork
    check_ok a0, "fork failed"
    beqz    a0, child
    mv      s3, a0                      # s3 = the child's pid
    mv      a0, s5
    sys_wait
    check_eq a0, s3, "wait did not return the child's pid"
    lw      t0, 0(s5)
    ck_fold s2, t0, s11
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

# The child: status = (fork_token * FORK_STATUS_MUL + FORK_STATUS_ADD) & EXIT_STATUS_MASK,
# read from memory (not from a register) so that the status proves the copy.
child:
    lw      t0, 0(s4)
    li      t1, FORK_STATUS_MUL
    mul     t0, t0, t1
    addi    t0, t0, FORK_STATUS_ADD
    andi    a0, t0, EXIT_STATUS_MASK
    sys_exit
    unimp                               # not reached

    .data
    .balign 4
fork_token:
    .word   0
child_status:
    .word   -1

    .section .rodata
    .globl  workload_name
workload_name:
    .asciz  "fork"

    .include "lib/runtime.S"
