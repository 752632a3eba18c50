# trap.S — trap entry and exit: every exception and interrupt, from user or kernel mode,
# enters at trap_entry (stvec, direct mode). The user's registers are saved in full in the
# process's trap frame; the cause is dispatched: system calls to syscall.S, page faults to
# vm_fault (demand-zero pages), timer interrupts to the scheduler (preemption), external
# interrupts to the device drivers, anything else kills the offending process. A trap taken in
# the kernel (only interrupts while it idles are expected) is handled on the kernel stack.
#
# How trap_entry tells user from kernel is the pv-op PV_TRAP_ENTRY's business: natively,
# while a process runs in U-mode sscratch holds its process pointer (= its trap frame, set by
# PV_SET_TRAP_FRAME) and while the kernel runs sscratch is 0, so swapping sp with sscratch
# yields either the trap frame (from user) or 0 (from kernel, and the swap is undone) — the
# scheme of Linux on RISC-V. The paravirt build gets the same outcome from the hypervisor's
# stack switch and the shared info page (docs/pv-ops.md).

        .text

# trap_init(): point stvec at trap_entry, mark "in the kernel" (sscratch = 0) and enable the
# two interrupt sources the kernel uses (sie uses mie's bit positions).
        .globl trap_init
trap_init:
        la      t0, trap_entry
        PV_WRITE_STVEC t0
        PV_WRITE_SSCRATCH zero
        li      t0, MIE_STIE | MIE_SEIE
        PV_WRITE_SIE t0
        ret

# ---------------------------------------------------------------------------------------------
# The trap vector
# ---------------------------------------------------------------------------------------------
        .balign 4
        .globl trap_entry
trap_entry:
        PV_TRAP_ENTRY .Lfrom_user               # from U-mode: sp = the trap frame, to .Lfrom_user

        # From the kernel: every register as it was; save a frame on its stack.
        addi    sp, sp, -TF_SIZE
        SAVE_REGS sp
        addi    t0, sp, TF_SIZE
        sw      t0, TF_SP(sp)
        PV_READ_SEPC t0
        sw      t0, TF_EPC(sp)
        PV_READ_SSTATUS t0
        sw      t0, TF_SSTATUS(sp)
        mv      a0, sp
        call    kernel_trap
        lw      t0, TF_EPC(sp)
        PV_WRITE_SEPC t0
        lw      t0, TF_SSTATUS(sp)              # back to S-mode, interrupt enable as it was
        PV_WRITE_SSTATUS t0
        PV_TRAP_EXIT                            # every register from the frame at sp; sret

.Lfrom_user:
        # sp = the running process = its trap frame; sscratch = the user's sp. No stack yet: only
        # pv-ops that need none (loads) until sp is the kernel stack.
        SAVE_REGS sp
        PV_READ_SSCRATCH t0
        sw      t0, TF_SP(sp)
        PV_READ_SEPC t0
        sw      t0, TF_EPC(sp)
        mv      a0, sp
        lw      sp, P_KSTACK_TOP(a0)            # the process's kernel stack, empty
        PV_WRITE_SSCRATCH zero                  # now in the kernel
        call    user_trap
        lw      a0, current_proc
        # fall through

# user_trap_return(a0 = process): resume the process in U-mode from its trap frame.
# Also the first return to user mode of every new process (via forkret).
        .globl user_trap_return
user_trap_return:
        PV_PTE_COMMIT                           # no page-table update may still be pending
        li      t0, SSTATUS_SPP                 # sret goes to U-mode...
        PV_CLEAR_SSTATUS t0
        li      t0, SSTATUS_SPIE                # ...with interrupts enabled there
        PV_SET_SSTATUS t0
        lw      t0, TF_EPC(a0)
        PV_WRITE_SEPC t0
        PV_SET_TRAP_FRAME a0                    # the next trap from U finds the frame here
        mv      sp, a0
        PV_TRAP_EXIT                            # every register from the frame at sp; sret

# ---------------------------------------------------------------------------------------------
# user_trap(a0 = process): a trap from U-mode, registers saved. Interrupts are off.
# ---------------------------------------------------------------------------------------------
        .globl user_trap
user_trap:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        sw      s1, 4(sp)
        mv      s0, a0
        PV_READ_SCAUSE s1
        bltz    s1, .Luser_interrupt            # bit 31: an interrupt

        li      t0, CAUSE_ENVIRONMENTCALLFROMU
        bne     s1, t0, 1f
        lw      t0, TF_EPC(s0)                  # a system call: resume after the ecall
        addi    t0, t0, INSN_SIZE
        sw      t0, TF_EPC(s0)
        mv      a0, s0
        call    syscall_dispatch
        j       .Luser_trap_out

1:      li      t0, CAUSE_LOADPAGEFAULT
        beq     s1, t0, 2f
        li      t0, CAUSE_STOREPAGEFAULT
        beq     s1, t0, 2f
        li      t0, CAUSE_INSTRUCTIONPAGEFAULT
        bne     s1, t0, .Luser_kill
2:      mv      a0, s0                          # a page fault: first touch of a demand page?
        PV_READ_STVAL a1
        call    vm_fault
        beqz    a0, .Luser_trap_out
        j       .Luser_kill

.Luser_interrupt:
        slli    s1, s1, 1                       # drop the interrupt bit
        srli    s1, s1, 1
        li      t0, INTR_SUPERVISORTIMER
        bne     s1, t0, 3f
        call    timer_intr                      # the quantum is over: next process
        call    yield
        j       .Luser_trap_out
3:      li      t0, INTR_SUPERVISOREXTERNAL
        bne     s1, t0, .Luser_trap_out         # not enabled in sie: cannot happen
        PV_EXTERNAL_INTR
        j       .Luser_trap_out

.Luser_kill:
        # Anything else is the process's fault: say what happened, and end it.
        mv      a0, s1
        call    cause_name
        mv      a2, a0
        lw      a1, P_PID(s0)
        lw      a3, TF_EPC(s0)
        PV_READ_STVAL a4
        la      a0, msg_killed
        call    kprintf
        li      a0, EXIT_STATUS_KILLED
        call    proc_exit                       # does not return

.Luser_trap_out:
        lw      ra, 12(sp)
        lw      s0, 8(sp)
        lw      s1, 4(sp)
        addi    sp, sp, 16
        ret

# ---------------------------------------------------------------------------------------------
# kernel_trap(a0 = frame): a trap from S-mode. The kernel enables interrupts only while it
# idles, so only interrupts are expected; any exception is a kernel bug.
# ---------------------------------------------------------------------------------------------
        .globl kernel_trap
kernel_trap:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        mv      s0, a0
        PV_READ_SCAUSE t0
        bgez    t0, 3f
        slli    t0, t0, 1
        srli    t0, t0, 1
        li      t1, INTR_SUPERVISORTIMER
        bne     t0, t1, 1f
        call    timer_idle_intr                 # idle: nobody to preempt until a dispatch
        j       2f
1:      li      t1, INTR_SUPERVISOREXTERNAL
        bne     t0, t1, 2f
        PV_EXTERNAL_INTR
2:      lw      ra, 12(sp)
        lw      s0, 8(sp)
        addi    sp, sp, 16
        ret
3:      mv      a0, t0                          # an exception in the kernel: stop
        call    cause_name
        mv      a1, a0
        PV_READ_SCAUSE a2
        lw      a3, TF_EPC(s0)
        PV_READ_STVAL a4
        la      a0, msg_kernel_trap
        call    panic

        .section .rodata
        .balign 4
.equ CAUSE_NAMES_COUNT, CAUSE_STOREPAGEFAULT + 1  # the highest cause named, plus one

# CAUSE_NAME cause, label: the table entry for that cause (earlier unnamed causes, the
# reserved ones, get "unknown exception").
.macro CAUSE_NAME cause, label
        .rept   (\cause * WORD_SIZE - (. - cause_names)) / WORD_SIZE
        .word   str_cause_unknown
        .endr
        .word   \label
.endm
cause_names:                                    # indexed by scause (exceptions)
        CAUSE_NAME CAUSE_INSTRUCTIONADDRESSMISALIGNED, str_insn_misaligned
        CAUSE_NAME CAUSE_INSTRUCTIONACCESSFAULT, str_insn_access
        CAUSE_NAME CAUSE_ILLEGALINSTRUCTION, str_illegal
        CAUSE_NAME CAUSE_BREAKPOINT, str_breakpoint
        CAUSE_NAME CAUSE_LOADADDRESSMISALIGNED, str_load_misaligned
        CAUSE_NAME CAUSE_LOADACCESSFAULT, str_load_access
        CAUSE_NAME CAUSE_STOREADDRESSMISALIGNED, str_store_misaligned
        CAUSE_NAME CAUSE_STOREACCESSFAULT, str_store_access
        CAUSE_NAME CAUSE_ENVIRONMENTCALLFROMU, str_ecall_u
        CAUSE_NAME CAUSE_ENVIRONMENTCALLFROMS, str_ecall_s
        CAUSE_NAME CAUSE_ENVIRONMENTCALLFROMM, str_ecall_m
        CAUSE_NAME CAUSE_INSTRUCTIONPAGEFAULT, str_insn_page
        CAUSE_NAME CAUSE_LOADPAGEFAULT, str_load_page
        CAUSE_NAME CAUSE_STOREPAGEFAULT, str_store_page
.if . - cause_names != CAUSE_NAMES_COUNT * WORD_SIZE
  .error "cause_names must end with the highest cause it names"
.endif
str_insn_misaligned:    .asciz "instruction address misaligned"
str_insn_access:        .asciz "instruction access fault"
str_illegal:            .asciz "illegal instruction"
str_breakpoint:         .asciz "breakpoint"
str_load_misaligned:    .asciz "load address misaligned"
str_load_access:        .asciz "load access fault"
str_store_misaligned:   .asciz "store address misaligned"
str_store_access:       .asciz "store access fault"
str_ecall_u:            .asciz "environment call from U-mode"
str_ecall_s:            .asciz "environment call from S-mode"
str_ecall_m:            .asciz "environment call from M-mode"
str_insn_page:          .asciz "instruction page fault"
str_load_page:          .asciz "load page fault"
str_store_page:         .asciz "store page fault"
str_cause_unknown:      .asciz "unknown exception"
msg_killed:
        .asciz  "[kernel] pid %d killed: %s at pc %x, tval %x\n"
msg_kernel_trap:
        .asciz  "%s in the kernel (scause %x) at pc %x, tval %x"

        .text
# cause_name(a0 = exception cause) -> a0 = its name
cause_name:
        li      t0, CAUSE_NAMES_COUNT
        bgeu    a0, t0, 1f
        la      t0, cause_names
        slli    a0, a0, WORD_SHIFT
        add     t0, t0, a0
        lw      a0, 0(t0)
        ret
1:      la      a0, str_cause_unknown
        ret

