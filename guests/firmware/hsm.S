# hsm.S — hart state management (SBI v2.0 §9, "HSM"): where harts other than the boot hart
# wait, how hart_start starts one, how a hart stops, and hart_get_status.
#
# Each hart's HSM state is in its slot of hart data (HART_STATE, firmware.S): the boot hart is
# STARTED and every other STOPPED from the start. A stopped hart waits in fw_hart_stopped, in
# M-mode, with only its machine software interrupt enabled. hart_start claims a STOPPED hart
# (lr/sc, so two callers cannot both start it), fills in where it starts, marks it
# START_PENDING and raises its msip; the hart wakes, sets up its machine mode as the boot hart
# did and enters S-mode. Starting is asynchronous, as the SBI allows: hart_start returns once
# the hart is on its way.
#
# Which harts exist. The firmware does not read the device tree; it asks the hardware. The
# CLINT decodes a hart's mtimecmp only if the hart exists (QEMU's ACLINT and pvlab's CLINT
# alike: other offsets read 0 and ignore writes), so fw_hart_exists writes the disarmed value,
# all ones, and reads it back. A stopped hart's timer is disarmed anyway, so asking changes
# nothing.

    .text
# A stopped hart waits here (from reset, boot.S, or hart_stop). mstatus.MIE is 0, so its
# software interrupt wakes wfi without trapping; each time it wakes it clears its msip before
# looking (a start after the look raises it again), forgets requests meant for a running hart,
# and starts if hart_start has said so.
fw_hart_stopped:
    csrw    mscratch, zero              # in the firmware: no trap frame to return to
    li      t0, MIE_MSIE
    csrw    mie, t0
1:  csrr    t2, mhartid
    HART_MSIP t0, t2, t1
    sw      zero, 0(t0)
    HART_DATA t3, t2, t1
    jal     fw_discard_requests
    lw      t0, HART_STATE(t3)
    li      t1, SBI_HSM_STATE_START_PENDING
    beq     t0, t1, fw_hart_start_here
    wfi
    j       1b

# Started (t2 = hart id, t3 = its hart data): read where to go only after seeing
# START_PENDING (hart_start wrote them before it), set up machine mode, enter S-mode at the
# start address with a0 = hart id, a1 = opaque, satp = 0, sstatus.SIE = 0 (SBI §9.1).
fw_hart_start_here:
    fence   r, r
    HART_MACHINE_SETUP
    li      t0, PRV_S << MSTATUS_MPP_SHIFT
    csrw    mstatus, t0
    lw      t0, HART_START_ADDR(t3)
    csrw    mepc, t0
    lw      a1, HART_OPAQUE(t3)
    THIS_HART_FRAME t0, t1
    csrw    mscratch, t0
    li      t0, SBI_HSM_STATE_STARTED
    sw      t0, HART_STATE(t3)
    mv      a0, t2
    li      t0, 0                       # leave no firmware values behind
    li      t1, 0
    li      t2, 0
    li      t3, 0
    mret

# fw_discard_requests(t3 = this hart's data): a stopped hart has no S-mode state to fence or
# interrupt; drop what was asked of it, and answer each requester (one may be waiting in a
# remote fence). Clobbers t0, t1, t4.
fw_discard_requests:
    li      t4, 0                       # the requester's hart id
1:  slli    t0, t4, 2                   # REGBYTES per requester
    add     t0, t0, t3
    lw      t1, HART_REQUESTS(t0)
    beqz    t1, 2f
    sw      zero, HART_REQUESTS(t0)
    HART_MSIP t0, t4, t1
    li      t1, MSIP_RAISE
    sw      t1, 0(t0)
2:  addi    t4, t4, 1
    li      t0, FW_MAX_HARTS
    bne     t4, t0, 1b
    ret

# fw_hart_exists(a0 = hart id) → t0 = 1 if the CLINT has that hart, else 0 (see above).
# Clobbers t1, t2.
fw_hart_exists:
    HART_MTIMECMP t2, a0, t1
    MTIMECMP_DISARM t2, t1
    lw      t0, MTIMECMP_LO(t2)
    li      t1, -1
    sub     t0, t0, t1
    seqz    t0, t0
    ret

# --- the SBI calls ---------------------------------------------------------------------------

sbi_hsm:
    SBI_FUNCTION SBI_HSM_HART_GET_STATUS, sbi_hart_get_status
    SBI_FUNCTION SBI_HSM_HART_START, sbi_hart_start
    SBI_FUNCTION SBI_HSM_HART_STOP, sbi_hart_stop
    j       sbi_not_supported

# hart_get_status(a0 = hart id) → a1 = its state; a hart that does not exist is invalid.
sbi_hart_get_status:
    li      t0, FW_MAX_HARTS
    bgeu    a0, t0, sbi_invalid_param
    HART_DATA t3, a0, t1
    lw      a1, HART_STATE(t3)
    li      t0, FW_HSM_CLAIMED
    beq     a1, t0, 1f
    li      t0, SBI_HSM_STATE_STOPPED
    bne     a1, t0, sbi_success
    jal     fw_hart_exists
    beqz    t0, sbi_invalid_param
    li      a1, SBI_HSM_STATE_STOPPED
    j       sbi_success
1:  li      a1, SBI_HSM_STATE_START_PENDING
    j       sbi_success

# hart_start(a0 = hart id, a1 = start address, a2 = opaque). The start address is not checked
# (SBI_ERR_INVALID_ADDRESS is never returned): PMP lets S-mode reach all memory anyway.
sbi_hart_start:
    li      t0, FW_MAX_HARTS
    bgeu    a0, t0, sbi_invalid_param
    HART_DATA t3, a0, t1
    addi    t4, t3, HART_STATE
1:  lr.w    t0, (t4)                    # claim it: STOPPED → CLAIMED, or someone was first
    li      t1, SBI_HSM_STATE_STOPPED
    bne     t0, t1, sbi_already_available
    li      t1, FW_HSM_CLAIMED
    sc.w    t1, t1, (t4)
    bnez    t1, 1b
    jal     fw_hart_exists
    beqz    t0, 2f
    sw      a1, HART_START_ADDR(t3)
    sw      a2, HART_OPAQUE(t3)
    fence   w, w                        # where it starts, before that it may start
    li      t0, SBI_HSM_STATE_START_PENDING
    sw      t0, HART_STATE(t3)
    # The hart started may send this one IPIs and fences from now on. (Every hart but the boot
    # hart has its software interrupt enabled from reset; the boot hart gets it here, at its
    # first hart_start, which comes before any other hart runs S-mode code.)
    CSR_SET_BITS mie, MIE_MSIE
    fence   w, o
    HART_MSIP t0, a0, t1
    li      t1, MSIP_RAISE
    sw      t1, 0(t0)
    li      a1, 0
    j       sbi_success
2:  li      t0, SBI_HSM_STATE_STOPPED   # no such hart: give the claim back
    sw      t0, HART_STATE(t3)
    j       sbi_invalid_param

# hart_stop(): S-mode's state goes with the hart — no timer, no pending supervisor interrupt —
# and it waits in fw_hart_stopped until started again. Does not return.
sbi_hart_stop:
    THIS_HART_MTIMECMP t0, t1
    MTIMECMP_DISARM t0, t1
    csrw    mie, zero
    csrw    mip, zero
    csrr    t2, mhartid
    HART_DATA t3, t2, t1
    fence   rw, w
    li      t0, SBI_HSM_STATE_STOPPED
    sw      t0, HART_STATE(t3)
    j       fw_hart_stopped
