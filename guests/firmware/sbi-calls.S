# sbi-calls.S — the SBI calls this firmware serves (RISC-V SBI specification v2.0).
#
# Calling convention (SBI §3): ecall from S-mode with a7 = extension id (EID), a6 = function
# id (FID), arguments in a0..a5. The call returns a0 = error code (SBI_ERR_*), a1 = value; the
# legacy extensions (EIDs 0x00-0x0F) return only a0 and leave a1 as it was. Every other
# register is preserved.
#
# Implemented:
#   BASE    get_spec_version, get_impl_id, get_impl_version, probe_extension,
#           get_mvendorid, get_marchid, get_mimpid
#   TIME    set_timer(a0 = stime low, a1 = stime high)
#   HSM     hart_start, hart_stop, hart_get_status (hsm.S)
#   IPI     send_ipi (ipi.S)
#   RFENCE  remote_fence_i, remote_sfence_vma, remote_sfence_vma_asid (ipi.S)
#   SRST    system_reset(a0 = type, a1 = reason) through the SiFive test device
#   legacy  console_putchar(a0), console_getchar() → a0 = byte or -1
# Anything else: SBI_ERR_NOT_SUPPORTED.
#
# Handlers run on the trap frame (sp) with the caller's a0..a7 still in registers; they may
# use t0-t6, a0-a7 and ra, and finish by jumping to sbi_return (a0, a1 → caller) or
# sbi_return_legacy (a0 → caller).

# The extensions, one (EID, handler) pair each: dispatch and probe_extension both read it.
    .section .rodata
    .balign 4
sbi_extension_table:
    .word   SBI_EXT_BASE, sbi_base
    .word   SBI_EXT_TIME, sbi_time
    .word   SBI_EXT_HSM, sbi_hsm                # hsm.S
    .word   SBI_EXT_SRST, sbi_srst
    .word   SBI_EXT_LEGACY_CONSOLE_PUTCHAR, sbi_legacy_putchar
    .word   SBI_EXT_LEGACY_CONSOLE_GETCHAR, sbi_legacy_getchar
    .word   SBI_EXT_IPI, sbi_ipi                # ipi.S
    .word   SBI_EXT_RFENCE, sbi_rfence          # ipi.S
sbi_extension_table_end:
    .equ SBI_TABLE_ENTRY, 2 * REGBYTES
    .equ SBI_TABLE_HANDLER, REGBYTES

    .text
# sbi_find_extension(t0 = EID) → t1 = handler address, or 0 if not implemented.
# Clobbers t2, t3.
sbi_find_extension:
    la      t2, sbi_extension_table
    la      t3, sbi_extension_table_end
1:  beq     t2, t3, 2f
    lw      t1, 0(t2)
    beq     t1, t0, 3f
    addi    t2, t2, SBI_TABLE_ENTRY
    j       1b
2:  li      t1, 0
    ret
3:  lw      t1, SBI_TABLE_HANDLER(t2)
    ret

# Entered from the trap vector for an ecall from S-mode.
sbi_dispatch:
    mv      t0, a7
    jal     sbi_find_extension
    beqz    t1, sbi_no_such_extension
    jr      t1

# An extension we do not implement: SBI_ERR_NOT_SUPPORTED. A legacy one returns only a0.
sbi_no_such_extension:
    li      t0, SBI_LEGACY_EID_END
    bgeu    a7, t0, sbi_not_supported
    li      a0, SBI_ERR_NOT_SUPPORTED
    j       sbi_return_legacy

# --- returns ---------------------------------------------------------------------------------

sbi_success:                            # a1 = value
    li      a0, SBI_ERR_SUCCESS
    j       sbi_return
sbi_not_supported:
    li      a0, SBI_ERR_NOT_SUPPORTED
    li      a1, 0
    j       sbi_return
sbi_invalid_param:
    li      a0, SBI_ERR_INVALID_PARAM
    li      a1, 0
    j       sbi_return
sbi_already_available:
    li      a0, SBI_ERR_ALREADY_AVAILABLE
    li      a1, 0
    j       sbi_return

# Hand a0 (error) and a1 (value) back to the caller: they go into the frame, from which
# fw_trap_return restores every saved register.
sbi_return:
    sw      a1, FRAME_A1(sp)
sbi_return_legacy:
    sw      a0, FRAME_A0(sp)
    csrr    t0, mepc                    # resume after the ecall, not on it
    addi    t0, t0, ECALL_BYTES
    csrw    mepc, t0
    j       fw_trap_return

# --- BASE ------------------------------------------------------------------------------------

sbi_base:
    SBI_FUNCTION SBI_BASE_GET_SPEC_VERSION, sbi_get_spec_version
    SBI_FUNCTION SBI_BASE_GET_IMPL_ID, sbi_get_impl_id
    SBI_FUNCTION SBI_BASE_GET_IMPL_VERSION, sbi_get_impl_version
    SBI_FUNCTION SBI_BASE_PROBE_EXTENSION, sbi_probe_extension
    SBI_FUNCTION SBI_BASE_GET_MVENDORID, sbi_get_mvendorid
    SBI_FUNCTION SBI_BASE_GET_MARCHID, sbi_get_marchid
    SBI_FUNCTION SBI_BASE_GET_MIMPID, sbi_get_mimpid
    j       sbi_not_supported

sbi_get_spec_version:
    li      a1, SBI_SPEC_VERSION
    j       sbi_success
sbi_get_impl_id:
    li      a1, SBI_IMPL_ID_PVLAB
    j       sbi_success
sbi_get_impl_version:
    li      a1, SBI_IMPL_VERSION
    j       sbi_success
# probe_extension(a0 = EID) → 1 if implemented, 0 if not (SBI §4.4: "1 if it is available").
sbi_probe_extension:
    mv      t0, a0
    jal     sbi_find_extension
    snez    a1, t1
    j       sbi_success
sbi_get_mvendorid:
    csrr    a1, mvendorid
    j       sbi_success
sbi_get_marchid:
    csrr    a1, marchid
    j       sbi_success
sbi_get_mimpid:
    csrr    a1, mimpid
    j       sbi_success

# --- TIME ------------------------------------------------------------------------------------

sbi_time:
    SBI_FUNCTION SBI_TIME_SET_TIMER, sbi_set_timer
    j       sbi_not_supported

# set_timer(a0 = low word, a1 = high word of the absolute time, in timebase ticks): the next
# supervisor timer interrupt comes when mtime reaches it. The firmware programs the machine
# timer (this hart's mtimecmp), takes the machine timer interrupt when it fires and raises the
# supervisor timer interrupt then (trap.S, fw_timer_interrupt). Any pending supervisor timer
# interrupt is cleared now (SBI §6.1). A time already past fires at once; (uint64)-1 never does.
sbi_set_timer:
    THIS_HART_MTIMECMP t0, t1
    li      t1, -1
    sw      t1, MTIMECMP_HI(t0)         # high half to the maximum first, so no intermediate
    sw      a0, MTIMECMP_LO(t0)         # value is earlier than both the old and the new time
    sw      a1, MTIMECMP_HI(t0)         # (privileged spec §3.2.1)
    CSR_CLEAR_BITS mip, MIP_STIP
    CSR_SET_BITS mie, MIE_MTIE
    li      a1, 0
    j       sbi_success

# --- SRST ------------------------------------------------------------------------------------

sbi_srst:
    SBI_FUNCTION SBI_SRST_SYSTEM_RESET, sbi_system_reset
    j       sbi_not_supported

# system_reset(a0 = reset type, a1 = reason). Does not return on success. The SiFive test
# device does the work:
#   SHUTDOWN, reason NONE            → FINISHER_PASS                (QEMU exits 0)
#   SHUTDOWN, reason SYSTEM_FAILURE  → FINISHER_FAIL, code 1         (QEMU exits 1)
#   COLD_REBOOT or WARM_REBOOT       → FINISHER_RESET               (the board resets)
# Any other type or reason is reserved or unimplemented: SBI_ERR_INVALID_PARAM (SBI §10.1).
sbi_system_reset:
    li      t0, SBI_SRST_REASON_NONE
    beq     a1, t0, 1f
    li      t0, SBI_SRST_REASON_SYSTEM_FAILURE
    bne     a1, t0, sbi_invalid_param
1:  li      t0, SBI_SRST_TYPE_SHUTDOWN
    beq     a0, t0, sbi_shutdown
    li      t0, SBI_SRST_TYPE_COLD_REBOOT
    beq     a0, t0, sbi_reboot
    li      t0, SBI_SRST_TYPE_WARM_REBOOT
    beq     a0, t0, sbi_reboot
    j       sbi_invalid_param

sbi_shutdown:
    jal     fw_uart_drain               # the console's last bytes out before the board stops
    li      t0, SBI_SRST_REASON_NONE
    bne     a1, t0, sbi_shutdown_failure
    FINISHER_COMMAND FINISHER_PASS
sbi_shutdown_failure:
    FINISHER_COMMAND (FW_EXIT_SYSTEM_FAILURE << FINISHER_CODE_SHIFT) | FINISHER_FAIL
sbi_reboot:
    jal     fw_uart_drain
    FINISHER_COMMAND FINISHER_RESET

# --- legacy console --------------------------------------------------------------------------

# console_putchar(a0 = byte) → a0 = 0. Waits for the UART to take the byte.
sbi_legacy_putchar:
    jal     fw_uart_putc
    li      a0, SBI_ERR_SUCCESS
    j       sbi_return_legacy

# console_getchar() → a0 = the next received byte, or -1 if none has arrived.
sbi_legacy_getchar:
    jal     fw_uart_getc
    j       sbi_return_legacy
