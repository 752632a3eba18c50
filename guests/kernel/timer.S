# timer.S — the preemption timer. The kernel asks the firmware (SBI TIME set_timer) for a
# supervisor timer interrupt TIMER_QUANTUM_TICKS from now; when it fires, the running process
# has used up its quantum and the trap handler makes it yield. Setting the next deadline also
# clears the pending interrupt.

        .text

# timer_arm(): next timer interrupt one quantum from now.
        .globl timer_arm
timer_arm:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        PV_READ_TIME a0, a1, t0
        li      t0, TIMER_QUANTUM_TICKS
        add     t1, a0, t0                      # 64-bit add: carry into the high word
        sltu    t2, t1, a0
        mv      a0, t1
        add     a1, a1, t2
        PV_SBI_SET_TIMER
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

# timer_intr(): a timer interrupt arrived: count it and set the next one.
        .globl timer_intr
timer_intr:
        lw      t0, timer_ticks
        addi    t0, t0, 1
        sw      t0, timer_ticks, t1
        tail    timer_arm

        .bss
        .balign 4
        .globl timer_ticks
timer_ticks:                                    # timer interrupts taken (for tests and curiosity)
        .space  4
