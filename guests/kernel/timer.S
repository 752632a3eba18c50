# timer.S — the preemption timer, on demand. The kernel asks the firmware (SBI TIME set_timer)
# for a supervisor timer interrupt TIMER_QUANTUM_TICKS from now; when it fires, the running
# process has used up its quantum and the trap handler makes it yield. Setting the next
# deadline also clears the pending interrupt.
#
# The tick runs only while it has work: while another process is waiting to run (someone to
# preempt for), or while the running process asked for it (tick(1): the timer workload). A
# process running alone is never interrupted — Linux's nohz_full — so its cost, measured with
# N operations and with none, differs only in what the operations did, whatever the phase of a
# periodic tick would have been. tick_update() is called at every dispatch, tick_woken() when a
# process becomes runnable, timer_intr() at every timer interrupt.

        .text

# timer_arm(): next timer interrupt one quantum from now.
        .globl timer_arm
timer_arm:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        li      t0, 1
        sw      t0, tick_armed, t1
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

# timer_disarm(): no timer interrupt until armed again (the deadline "never", all ones, which
# also clears a pending one).
timer_disarm:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      zero, tick_armed, t0
        li      a0, -1
        li      a1, -1
        PV_SBI_SET_TIMER
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

# timer_intr(): a timer interrupt arrived while a process ran: count it; the next quantum only
# if the tick still has work (another process waiting, or a periodic tick asked for), so a
# process left alone is interrupted at most once more (Linux's nohz_full stops the tick the
# same way, at the next tick).
        .globl timer_intr
timer_intr:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        lw      t0, timer_ticks
        addi    t0, t0, 1
        sw      t0, timer_ticks, t1
        lw      a0, current_proc
        call    tick_needed
        lw      ra, 12(sp)
        addi    sp, sp, 16
        beqz    a0, 1f
        tail    timer_arm
1:      tail    timer_disarm

# timer_idle_intr(): a timer interrupt while nothing ran: nobody to preempt, so no next quantum
# until a dispatch asks for one.
        .globl timer_idle_intr
timer_idle_intr:
        lw      t0, timer_ticks
        addi    t0, t0, 1
        sw      t0, timer_ticks, t1
        tail    timer_disarm

# tick_needed(a0 = the process that runs) -> a0 = 1 if the tick has work: the process asked for
# a periodic tick, or another process is waiting to run.
tick_needed:
        lw      t0, tick_pid
        beqz    t0, 1f
        lw      t1, P_PID(a0)
        beq     t0, t1, 4f
1:      la      t0, procs
        la      t2, procs + NPROC * P_SIZE
        li      t3, PROC_RUNNABLE
2:      beq     t0, a0, 3f
        lw      t1, P_STATE(t0)
        beq     t1, t3, 4f
3:      addi    t0, t0, P_SIZE
        bltu    t0, t2, 2b
        li      a0, 0
        ret
4:      li      a0, 1
        ret

# tick_update(a0 = the process about to run, or that runs): start the tick if it has work and
# is not running. It is never stopped here: a tick left without work stops when it next fires
# (timer_intr), which costs nothing when the runnable set changes back and forth quickly.
        .globl tick_update
tick_update:
        lw      t0, tick_armed
        bnez    t0, 1f
        addi    sp, sp, -16
        sw      ra, 12(sp)
        call    tick_needed
        lw      ra, 12(sp)
        addi    sp, sp, 16
        beqz    a0, 1f
        tail    timer_arm
1:      ret

# tick_woken(): a process became runnable (fork, wakeup) while another may go on running: that
# one can now be preempted. Nothing to do if no process runs or it is about to give up the CPU.
        .globl tick_woken
tick_woken:
        lw      a0, current_proc
        beqz    a0, 1f
        lw      t0, P_STATE(a0)
        li      t1, PROC_RUNNING
        bne     t0, t1, 1f
        tail    tick_update
1:      ret

# tick_request(a0 = periodic): the running process wants the tick while it runs (1), or on
# demand only (0). Both take effect at once: an explicit request is worth a timer call.
        .globl tick_request
tick_request:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        lw      t0, current_proc
        li      t1, 0
        beqz    a0, 1f
        lw      t1, P_PID(t0)
1:      sw      t1, tick_pid, t2
        mv      a0, t0
        call    tick_needed
        lw      ra, 12(sp)
        addi    sp, sp, 16
        lw      t0, tick_armed
        beqz    a0, 2f
        bnez    t0, 3f
        tail    timer_arm
2:      beqz    t0, 3f
        tail    timer_disarm
3:      ret

        .bss
        .balign 4
        .globl timer_ticks
timer_ticks:                                    # timer interrupts taken (for tests and curiosity)
        .space  4
tick_armed:                                     # a timer interrupt is due (1) or none (0)
        .space  4
tick_pid:                                       # the process that asked for a periodic tick, or 0
        .space  4
