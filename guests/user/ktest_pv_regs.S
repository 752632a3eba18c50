# ktest_pv_regs.S — the kernel keeps every user register across a trap, whatever the build:
# across a system call (all but a0, the result), and across the timer interrupts that preempt
# a long spin (all but the loop counter). Each round prints "label 0x<mask>", bit N set when
# register xN came back changed; test/kernel/pvguest.test.ts expects 0 for both, natively and
# on every hypervisor technique. Ends with exit(0).
#
# The paravirt build's trap return is a hypercall, which itself needs a6 and a7: this is the
# program that shows whether they come back.

    .include "lib/user.S"
    .include "ktest_lib.S"

    .equ PATTERN_BASE, 0x5a000000               # xN holds PATTERN_BASE + N * PATTERN_STEP
    .equ PATTERN_STEP, 0x00010101
    .equ SPIN_ROUNDS, 12000000                  # several 1 ms quanta of the kernel's timer, at any preset's clock
    .equ REG_T6, 31

    # xN <- its pattern, for every register but x0, sp (x2), gp (x3, the save area) and the
    # ones named in except.
    .macro set_patterns except1=0, except2=0
    .irp n, 1,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .if (\n != \except1) && (\n != \except2)
    li      x\n, PATTERN_BASE + \n * PATTERN_STEP
    .endif
    .endr
    .endm

    # saved[N] <- xN for every register but x0, x2, x3.
    .macro save_regs
    .irp n, 1,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    sw      x\n, \n * 4(gp)
    .endr
    .endm

    .text
    .globl  _start
_start:
    # Round 1: a system call (getpid: a7 = its number, a0 = its result).
    la      gp, saved
    set_patterns 17
    li      a7, SYS_GETPID
    ecall
    save_regs
    li      a0, 1 << 10                         # a0: the result, not checked
    li      a1, 1 << 17                         # a7: the call's number
    li      a2, SYS_GETPID
    call    changed_mask
    report  "syscall"

    # Round 2: a spin the timer interrupts several times (t6 counts down). A process alone gets
    # no tick unless it asks for one (tick(1)); it asks before the registers take their patterns.
    li      a0, 1
    sys_tick
    la      gp, saved
    set_patterns REG_T6
    li      t6, SPIN_ROUNDS
1:  addi    t6, t6, -1
    bnez    t6, 1b
    save_regs
    li      a0, 1 << REG_T6                     # t6: the counter, not checked
    li      a1, 0
    li      a2, 0
    call    changed_mask
    report  "spin"

    li      a0, 0
    sys_exit

# changed_mask(a0 = registers not to check, a1 = one register that must hold a2 instead of its
# pattern) -> a0 = mask of the other registers whose saved value is not their pattern.
changed_mask:
    la      t0, saved
    li      t1, 1                               # t1 = register number
    li      t2, 0                               # t2 = mask
1:  li      t3, 1
    sll     t3, t3, t1                          # t3 = this register's bit
    li      t4, (1 << 0) | (1 << 2) | (1 << 3)  # x0, sp, gp: never saved
    or      t4, t4, a0
    and     t4, t4, t3
    bnez    t4, 3f
    slli    t4, t1, 2
    add     t4, t0, t4
    lw      t4, 0(t4)                           # t4 = saved value
    li      t5, PATTERN_STEP
    mul     t5, t5, t1
    li      t6, PATTERN_BASE
    add     t5, t5, t6                          # t5 = its pattern
    and     t6, a1, t3
    beqz    t6, 2f
    mv      t5, a2                              # ...or the value it must hold
2:  beq     t4, t5, 3f
    or      t2, t2, t3
3:  addi    t1, t1, 1
    li      t3, 32
    bltu    t1, t3, 1b
    mv      a0, t2
    ret

    .bss
    .balign 4
saved:
    .space  32 * 4

    .section .rodata
    .globl  workload_name
workload_name:
    .asciz  "ktest_pv_regs"

    .include "lib/runtime.S"
