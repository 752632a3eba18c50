# proc.S — processes: the process table, creating the first process, fork, exit and wait,
# sleep and wakeup, and the round-robin scheduler.
#
# As in xv6, each process has its own kernel stack, and a process switches to another only
# inside the kernel: it calls sched(), which saves its callee-saved registers (its "context")
# and resumes the scheduler's; the scheduler picks the next RUNNABLE process in table order
# and switches to its context. A process that was preempted by the timer (trap.S calls yield)
# or is sleeping (on a child's exit, a disk request) resumes exactly where it called sched().
# A new process starts in forkret, which returns to user mode from its trap frame.
#
# The kernel runs with interrupts off; the scheduler lets them in only when nothing is
# runnable, so no lock is needed on this single hart.

        .text

# ---------------------------------------------------------------------------------------------
# Creating and freeing process slots
# ---------------------------------------------------------------------------------------------

# proc_alloc() -> a0 = a zeroed process slot in state EMBRYO with a fresh pid, its kernel
# stack, and a context that starts in forkret; or 0 if the table is full.
proc_alloc:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        sw      s1, 4(sp)
        la      s0, procs
        li      s1, 0                           # s1 = slot index
1:      lw      t0, P_STATE(s0)
        beqz    t0, 2f                          # PROC_UNUSED
        addi    s0, s0, P_SIZE
        addi    s1, s1, 1
        li      t0, NPROC
        bltu    s1, t0, 1b
        li      a0, 0
        j       3f
2:      mv      a0, s0
        li      a1, 0
        li      a2, P_SIZE
        call    memset
        li      t0, PROC_EMBRYO
        sw      t0, P_STATE(s0)
        lw      t0, next_pid
        sw      t0, P_PID(s0)
        addi    t0, t0, 1
        sw      t0, next_pid, t1
        la      t0, kstacks                     # kernel stack of slot s1: grows down from
        addi    t1, s1, 1                       # the end of its page
        li      t2, KSTACK_SIZE
        mul     t1, t1, t2
        add     t0, t0, t1
        sw      t0, P_KSTACK_TOP(s0)
        sw      t0, P_CONTEXT + CTX_SP(s0)
        la      t0, forkret
        sw      t0, P_CONTEXT + CTX_RA(s0)
        mv      a0, s0
3:      lw      ra, 12(sp)
        lw      s0, 8(sp)
        lw      s1, 4(sp)
        addi    sp, sp, 16
        ret

# proc_free(a0 = process): free the slot, and the address space if it still has one (a
# process that exited freed its own; one that fork failed to finish did not).
proc_free:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        mv      s0, a0
        lw      a0, P_ROOT(s0)
        beqz    a0, 1f
        call    uvm_free
1:      sw      zero, P_ROOT(s0)
        sw      zero, P_PARENT(s0)
        sw      zero, P_STATE(s0)               # PROC_UNUSED
        lw      ra, 12(sp)
        lw      s0, 8(sp)
        addi    sp, sp, 16
        ret

# user_init(): create the first process, init (pid 1), running the workload image the image
# builder placed after the kernel.
        .globl user_init
user_init:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        sw      s1, 4(sp)
        lw      s1, user_image_size
        bnez    s1, 1f
        la      a0, msg_no_init
        call    panic
1:      call    proc_alloc
        mv      s0, a0
        call    uvm_create
        beqz    a0, 2f
        sw      a0, P_ROOT(s0)
        SATP_OF t0, a0, t1
        sw      t0, P_SATP(s0)
        lw      a1, user_image_addr
        mv      a2, s1
        call    uvm_load_image
        bnez    a0, 2f
        li      t0, USER_BASE                   # heap: from the page after the image
        add     t0, t0, s1
        PAGE_ROUND_UP t0, t1
        sw      t0, P_HEAP_BASE(s0)
        sw      t0, P_BRK(s0)
        li      t0, USER_BASE                   # start at the image's first byte,
        sw      t0, TF_EPC(s0)
        li      t0, USER_STACK_TOP              # with the stack at the top
        sw      t0, TF_SP(s0)
        sw      s0, init_proc, t0
        li      t0, PROC_RUNNABLE
        sw      t0, P_STATE(s0)
        lw      a1, P_PID(s0)
        mv      a2, s1
        la      a0, msg_init
        call    kprintf
        lw      ra, 12(sp)
        lw      s0, 8(sp)
        lw      s1, 4(sp)
        addi    sp, sp, 16
        ret
2:      la      a0, msg_init_nomem
        call    panic

# ---------------------------------------------------------------------------------------------
# Switching
# ---------------------------------------------------------------------------------------------

# swtch(a0 = where to save the current context, a1 = context to resume): save ra, sp and
# s0..s11, load the other set, and return into it. Plain loads and stores: nothing privileged.
        .globl swtch
swtch:
        sw      ra, CTX_RA(a0)
        sw      sp, CTX_SP(a0)
        .irp    n, 0,1,2,3,4,5,6,7,8,9,10,11
        sw      s\n, CTX_S0 + \n*WORD_SIZE(a0)
        .endr
        lw      ra, CTX_RA(a1)
        lw      sp, CTX_SP(a1)
        .irp    n, 0,1,2,3,4,5,6,7,8,9,10,11
        lw      s\n, CTX_S0 + \n*WORD_SIZE(a1)
        .endr
        ret

# scheduler(): run RUNNABLE processes in turn, forever; when none is, wait for an interrupt.
        .globl scheduler
scheduler:
        la      s0, procs                       # s0 = slot being looked at
        li      s1, 0                           # s1 = a process ran in this pass
.Lsched_slot:
        lw      t0, P_STATE(s0)
        li      t1, PROC_RUNNABLE
        bne     t0, t1, .Lsched_next
        li      t0, PROC_RUNNING
        sw      t0, P_STATE(s0)
        sw      s0, current_proc, t0
        lw      a0, P_SATP(s0)
        call    vm_switch
        mv      a0, s0                          # the tick runs only if it has work now
        call    tick_update
        la      a0, sched_context
        addi    a1, s0, P_CONTEXT
        call    swtch                           # ...until it calls sched()
        sw      zero, current_proc, t0
        li      s1, 1
.Lsched_next:
        addi    s0, s0, P_SIZE
        la      t0, procs + NPROC * P_SIZE
        bltu    s0, t0, .Lsched_slot
        bnez    s1, scheduler
        # Nothing ran: wait for an interrupt. WFI returns once one is pending even with
        # interrupts disabled; enabling them then lets it be taken (kernel_trap), and no
        # wakeup can be missed between the check above and the wait.
        PV_WFI
        PV_IRQ_ENABLE
        PV_IRQ_DISABLE
        j       scheduler

# sched(): give the CPU back to the scheduler. The caller has set current_proc's state.
sched:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        lw      a0, current_proc
        addi    a0, a0, P_CONTEXT
        la      a1, sched_context
        call    swtch
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

# yield(): let the other runnable processes run first.
        .globl yield
yield:
        lw      t0, current_proc
        li      t1, PROC_RUNNABLE
        sw      t1, P_STATE(t0)
        tail    sched

# forkret(): where a new process's first switch lands: go to user mode.
forkret:
        lw      a0, current_proc
        tail    user_trap_return

# sleep(a0 = channel): wait until wakeup(channel). Channels are addresses the two sides agree on.
        .globl sleep
sleep:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        lw      t0, current_proc
        sw      a0, P_CHAN(t0)
        li      t1, PROC_SLEEPING
        sw      t1, P_STATE(t0)
        call    sched
        lw      t0, current_proc
        sw      zero, P_CHAN(t0)
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

# wakeup(a0 = channel): make every process sleeping on channel runnable. If one woke while a
# process runs, the running one may now be preempted: the tick starts (tick_woken).
        .globl wakeup
wakeup:
        la      t0, procs
        la      t1, procs + NPROC * P_SIZE
        li      t2, PROC_SLEEPING
        li      t3, PROC_RUNNABLE
        li      t5, 0                           # t5 = someone woke
1:      lw      t4, P_STATE(t0)
        bne     t4, t2, 2f
        lw      t4, P_CHAN(t0)
        bne     t4, a0, 2f
        sw      t3, P_STATE(t0)
        li      t5, 1
2:      addi    t0, t0, P_SIZE
        bltu    t0, t1, 1b
        beqz    t5, 3f
        tail    tick_woken
3:      ret

# ---------------------------------------------------------------------------------------------
# exit, fork, wait, and the kill path
# ---------------------------------------------------------------------------------------------

# proc_exit(a0 = status): end the current process. Its children go to init, its memory is
# freed, and it stays a ZOMBIE (just the slot and the status) until its parent collects the
# status with wait. When init itself exits, the machine shuts down with init's status.
# Never returns.
        .globl proc_exit
        .globl sys_exit
sys_exit:
proc_exit:
        mv      s1, a0                          # never returns: s registers are free
        lw      s0, current_proc
        lw      t0, init_proc
        bne     s0, t0, 1f
        mv      a1, s1
        la      a0, msg_init_exit
        call    kprintf
        mv      a0, s1
        tail    kernel_shutdown

1:      la      t0, procs                       # children go to init
        la      t1, procs + NPROC * P_SIZE
        lw      t2, init_proc
        li      t5, 0                           # t5 = a zombie went to init
2:      lw      t3, P_PARENT(t0)
        bne     t3, s0, 3f
        sw      t2, P_PARENT(t0)
        lw      t3, P_STATE(t0)
        li      t4, PROC_ZOMBIE
        bne     t3, t4, 3f
        li      t5, 1
3:      addi    t0, t0, P_SIZE
        bltu    t0, t1, 2b
        beqz    t5, 4f
        lw      a0, init_proc
        call    wakeup

4:      lw      a0, kernel_satp                 # leave our address space, then free it:
        call    vm_switch                       # a zombie holds nothing but its slot
        lw      a0, P_ROOT(s0)
        call    uvm_free
        sw      zero, P_ROOT(s0)
        sw      s1, P_XSTATUS(s0)
        li      t0, PROC_ZOMBIE
        sw      t0, P_STATE(s0)
        lw      a0, P_PARENT(s0)                # a waiting parent sleeps on itself
        call    wakeup
        call    sched
        la      a0, msg_zombie
        call    panic

# fork() -> the child's pid in the parent, 0 in the child; ENOMEM if there is no free slot or
# memory. The child gets a copy of every mapped user page and of the registers.
        .globl sys_fork
sys_fork:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        sw      s1, 4(sp)
        lw      s0, current_proc                # s0 = parent
        call    proc_alloc
        beqz    a0, 2f
        mv      s1, a0                          # s1 = child
        call    uvm_create
        beqz    a0, 1f
        sw      a0, P_ROOT(s1)
        SATP_OF t0, a0, t1
        sw      t0, P_SATP(s1)
        lw      a0, P_ROOT(s0)
        lw      a1, P_ROOT(s1)
        call    uvm_copy
        bnez    a0, 1f
        mv      a0, s1                          # same registers...
        mv      a1, s0
        li      a2, TF_SIZE
        call    memcpy
        sw      zero, TF_A0(s1)                 # ...except fork's result
        lw      t0, P_HEAP_BASE(s0)
        sw      t0, P_HEAP_BASE(s1)
        lw      t0, P_BRK(s0)
        sw      t0, P_BRK(s1)
        sw      s0, P_PARENT(s1)
        li      t0, PROC_RUNNABLE
        sw      t0, P_STATE(s1)
        call    tick_woken                      # the parent goes on: it may now be preempted
        lw      a0, P_PID(s1)
        j       3f
1:      mv      a0, s1                          # out of memory: undo
        call    proc_free
2:      li      a0, ENOMEM
3:      lw      ra, 12(sp)
        lw      s0, 8(sp)
        lw      s1, 4(sp)
        addi    sp, sp, 16
        ret

# wait(status_ptr) -> pid of an exited child, whose exit status is stored at status_ptr unless
# that is 0; ECHILD if the caller has no children, EINVAL for a bad status_ptr. Sleeps until
# a child exits.
        .globl sys_wait
sys_wait:
        addi    sp, sp, -32
        sw      ra, 28(sp)
        sw      s0, 24(sp)
        sw      s1, 20(sp)
        sw      s2, 16(sp)
        sw      s3, 12(sp)
        lw      s0, current_proc                # s0 = parent
        mv      s1, a0                          # s1 = status_ptr
        beqz    s1, 1f
        li      a1, WORD_SIZE
        call    user_range_ok
        bnez    a0, .Lwait_out
1:      la      s2, procs                       # s2 = slot
        li      s3, 0                           # s3 = has children
2:      lw      t0, P_PARENT(s2)
        bne     t0, s0, 4f
        lw      t0, P_STATE(s2)
        beqz    t0, 4f                          # PROC_UNUSED
        li      s3, 1
        li      t1, PROC_ZOMBIE
        bne     t0, t1, 4f
        beqz    s1, 3f                          # found one: collect it
        mv      a0, s1
        addi    a1, s2, P_XSTATUS
        li      a2, WORD_SIZE
        li      a3, COPY_OUT
        call    copy_user
3:      lw      s3, P_PID(s2)
        mv      a0, s2
        call    proc_free
        mv      a0, s3
        j       .Lwait_out
4:      addi    s2, s2, P_SIZE
        la      t0, procs + NPROC * P_SIZE
        bltu    s2, t0, 2b
        beqz    s3, 5f
        mv      a0, s0                          # children, none exited yet: sleep on ourselves
        call    sleep
        j       1b
5:      li      a0, ECHILD
.Lwait_out:
        lw      ra, 28(sp)
        lw      s0, 24(sp)
        lw      s1, 20(sp)
        lw      s2, 16(sp)
        lw      s3, 12(sp)
        addi    sp, sp, 32
        ret

        .section .rodata
msg_no_init:
        .asciz  "no workload image to run as init (user_image_size is 0)"
msg_init_nomem:
        .asciz  "no memory to create init"
msg_init:
        .asciz  "[kernel] init: pid %d, %u-byte program\n"
msg_init_exit:
        .asciz  "[kernel] init exited with status %d\n"
msg_zombie:
        .asciz  "a zombie ran again"

        .data
        .balign 4
next_pid:                                       # the pid the next process gets
        .word   INIT_PID

        .bss
        .balign 16
        .globl procs
procs:                                          # the process table
        .space  NPROC * P_SIZE
        .globl current_proc
current_proc:                                   # the process running (0 in the scheduler)
        .space  4
        .globl init_proc
init_proc:
        .space  4
sched_context:                                  # the scheduler's saved context
        .space  CTX_SIZE
        .balign PAGE_SIZE
kstacks:                                        # one kernel stack per process slot
        .space  NPROC * KSTACK_SIZE
