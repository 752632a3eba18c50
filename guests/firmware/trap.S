# trap.S — the machine-mode trap vector: every trap that is not delegated to S-mode lands here.
#
# Four kinds are expected:
#   ecall from S-mode           an SBI call → sbi_dispatch (sbi-calls.S)
#   machine timer interrupt     the deadline S-mode set with set_timer has passed → forward it
#   machine software interrupt  another hart asks this one for an IPI or a fence → ipi.S
#   anything else               a bug (in the payload, or in this firmware) → panic
#
# mscratch protocol. While S-mode runs, mscratch holds the address of this hart's trap frame.
# The vector swaps it with sp, so sp points at the frame and mscratch holds the interrupted sp;
# the sp is then moved into the frame and mscratch set to 0 while the handler runs. A trap
# taken while mscratch is 0 therefore came from the firmware itself: the swap yields sp = 0,
# which the vector recognizes, swaps back, and panics on without touching memory.

    .text
    .balign 4
fw_trap_vector:
    csrrw   sp, mscratch, sp            # sp = trap frame, mscratch = interrupted sp
    beqz    sp, fw_trap_in_firmware
    SAVE_CALLER_SAVED
    csrr    t0, mscratch
    sw      t0, FRAME_SP(sp)
    csrw    mscratch, zero              # inside the firmware now

    csrr    t0, mcause
    bltz    t0, fw_interrupt            # mcause bit 31 (CAUSE_INTERRUPT) set: an interrupt
    li      t1, CAUSE_ENVIRONMENTCALLFROMS
    beq     t0, t1, sbi_dispatch
    j       fw_panic

fw_interrupt:
    li      t1, CAUSE_INTERRUPT | INTR_MACHINETIMER
    beq     t0, t1, fw_timer_interrupt
    li      t1, CAUSE_INTERRUPT | INTR_MACHINESOFTWARE
    beq     t0, t1, fw_software_interrupt      # ipi.S
    j       fw_panic

# The machine timer fired: the S-mode deadline has passed. Raise the supervisor timer
# interrupt instead (S-mode takes it, delegated, as soon as its sstatus.SIE and sie.STIE allow)
# and mask the machine timer until the next set_timer re-arms it — mtip stays pending until
# mtimecmp changes, so leaving MTIE on would trap here again at once. This is how OpenSBI
# (without Sstc) and BBL forward timers.
fw_timer_interrupt:
    CSR_SET_BITS mip, MIP_STIP
    CSR_CLEAR_BITS mie, MIE_MTIE
    j       fw_trap_return

# Back to the interrupted code: registers from the frame, the frame address back in mscratch.
fw_trap_return:
    RESTORE_CALLER_SAVED
    csrw    mscratch, sp
    lw      sp, FRAME_SP(sp)
    mret

# A trap while the firmware itself was running (mscratch was 0).
fw_trap_in_firmware:
    csrrw   sp, mscratch, sp            # undo the swap: sp as it was, mscratch = 0 again
    j       fw_panic

# Print what happened and power off with a failure code. Uses no stack and no memory but the
# message strings, so it works whatever state the trap left behind.
#   pvlab firmware: panic: unexpected trap from S-mode: mcause=0x00000002 mepc=0x80200040 mtval=0x00000000
fw_panic:
    la      a0, fw_msg_panic
    jal     fw_puts
    csrr    t0, mstatus                 # the mode the trap came from: mstatus.MPP
    li      t1, MSTATUS_MPP
    and     t0, t0, t1
    srli    t0, t0, MSTATUS_MPP_SHIFT
    la      t1, fw_mode_letters
    add     t0, t0, t1
    lbu     a0, 0(t0)
    jal     fw_uart_putc
    la      a0, fw_msg_mcause
    jal     fw_puts
    csrr    a0, mcause
    jal     fw_put_hex
    la      a0, fw_msg_mepc
    jal     fw_puts
    csrr    a0, mepc
    jal     fw_put_hex
    la      a0, fw_msg_mtval
    jal     fw_puts
    csrr    a0, mtval
    jal     fw_put_hex
    li      a0, '\n'
    jal     fw_uart_putc
    FINISHER_COMMAND (FW_EXIT_PANIC << FINISHER_CODE_SHIFT) | FINISHER_FAIL

    .section .rodata
fw_msg_panic:
    .asciz  "pvlab firmware: panic: unexpected trap from "
fw_msg_mcause:
    .asciz  "-mode: mcause="
fw_msg_mepc:
    .asciz  " mepc="
fw_msg_mtval:
    .asciz  " mtval="
fw_mode_letters:                        # indexed by privilege level (PRV_U .. PRV_M)
    .ascii  "USHM"
