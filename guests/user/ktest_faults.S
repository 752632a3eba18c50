# ktest_faults.S — page faults and bad behaviour. Heap pages past the old break and stack
# pages below the stack pointer are demand-zero; every other bad access (and an illegal
# instruction, a breakpoint, a jump into data) kills only the process that did it: the parent
# sees the status -1 from wait and carries on. With kill_init = 1, init itself finally loads
# from address 0, which ends the system with status -1.
# Results are "label 0x<value>" lines for test/kernel/faults.test.ts.

    .include "lib/user.S"
    .include "ktest_lib.S"

    param   kill_init, 0

    .equ HEAP_PAGES, 3
    .equ STACK_DEPTH, 0x10000           # 64 KiB below sp: within the stack's range
    .equ BELOW_STACK, 0x200000          # 2 MiB below sp: beyond it
    .equ KERNEL_ADDR, VIRT_DRAM_BASE + 0x200000

    # crash LABEL: fork a child that runs LABEL; wait for it; report its exit status.
    .macro crash label
    sys_fork
    check_ok a0, "fork failed"
    beqz    a0, \label
    la      a0, status
    sys_wait
    lw      a0, status
    report  "\label"
    .endm

    .text
    .globl  _start
_start:
    # ---- demand-zero heap --------------------------------------------------------------
    li      a0, HEAP_PAGES * PAGE_SIZE
    sys_sbrk
    mv      s0, a0                      # s0 = the new heap pages
    li      s1, 0                       # s1 = OR of the first word of each page (all zero)
    li      t2, PAGE_SIZE
    mv      t0, s0
    li      t1, HEAP_PAGES
1:  lw      t3, 0(t0)                   # first touch: a load page fault each
    or      s1, s1, t3
    add     t0, t0, t2
    addi    t1, t1, -1
    bnez    t1, 1b
    mv      a0, s1
    report  "heap-reads-zero"
    li      t0, 0x5a5a5a5a              # and the pages hold what is stored
    li      t1, PAGE_SIZE * HEAP_PAGES - 4
    add     t1, s0, t1
    sw      t0, 0(t1)
    lw      a0, 0(t1)
    report  "heap-keeps"

    # ---- demand-zero stack -------------------------------------------------------------
    li      t0, STACK_DEPTH
    sub     t0, sp, t0
    lw      s2, 0(t0)
    li      t1, 0x1234
    sw      t1, 4(t0)
    lw      a0, 4(t0)
    add     a0, a0, s2
    report  "stack-grows"

    # ---- faults that kill only the child ----------------------------------------------
    crash   load_null
    crash   store_kernel
    crash   load_device
    crash   illegal
    crash   breakpoint
    crash   below_stack
    crash   execute_heap
    crash   misaligned_jump

    say     "parent alive"
    load_param t0, kill_init
    beqz    t0, 2f
    lw      t0, 0(zero)                 # init's own fault ends the system
2:  li      a0, EXIT_SUCCESS
    sys_exit
    unimp

load_null:
    lw      t0, 0(zero)
    j       survived
store_kernel:
    li      t0, KERNEL_ADDR
    sw      zero, 0(t0)
    j       survived
load_device:
    li      t0, VIRT_UART0_BASE
    lbu     t1, 0(t0)
    j       survived
illegal:
    unimp
    j       survived
breakpoint:
    ebreak
    j       survived
below_stack:
    li      t0, BELOW_STACK
    sub     t0, sp, t0
    sw      zero, 0(t0)
    j       survived
execute_heap:                           # heap pages are not executable
    li      t0, 0x00008067              # ret
    sw      t0, 0(s0)
    jalr    s0
    j       survived
misaligned_jump:
    la      t0, survived
    addi    t0, t0, 2
    jr      t0
survived:                               # none of the above may get here
    say     "child survived"
    li      a0, 0
    sys_exit
    unimp

    .data
    .balign 4
status:
    .word   0

    .section .rodata
    .globl  workload_name
workload_name:
    .asciz  "ktest_faults"

    .include "lib/runtime.S"
