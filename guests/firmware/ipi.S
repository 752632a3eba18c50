# ipi.S — work one hart asks of others: SBI IPI send_ipi (SBI v2.0 §7) and RFENCE
# remote_fence_i / remote_sfence_vma (§8), over the CLINT's machine software interrupts.
#
# The virt board's CLINT has no supervisor software interrupt of its own, so, as OpenSBI does,
# a hart asks another through M-mode: it sets FW_REQ_* bits in its own request word in the
# target's hart data (HART_REQUESTS + 4 × its id), then raises the target's msip. The target
# takes the machine software interrupt (trap.S), clears its msip, and acts on every word it
# finds: raises its sip.SSIP, executes fence.i, executes sfence.vma — and only then clears the
# bits it acted on, and raises the requester's msip for a fence. So a requester that waits for
# its bits to clear (the remote fences do, asleep in wfi until an answer) knows the target has
# fenced. A requester's own bits are acted on by itself, at once.
#
# Harts that are not started are skipped (they have no S-mode state; a stopped hart drops what
# was asked of it, hsm.S), as OpenSBI does. A hart id beyond the firmware's tables is an
# invalid parameter. Simplification: remote_sfence_vma flushes the whole TLB of each target,
# whatever the range and ASID (flushing more than asked is always allowed).

    .text
# fw_post_requests(a0 = hart mask, a1 = hart mask base, a2 = FW_REQ_* bits) → a0 = SBI error.
# Clobbers t0-t2, t6, a1.
fw_post_requests:
    li      t0, SBI_HART_MASK_BASE_ALL
    beq     a1, t0, 1f
    beqz    a0, 4f                      # no hart at all: nothing to check
    li      t0, FW_MAX_HARTS
    bgeu    a1, t0, 5f
    sub     t0, t0, a1                  # ids base .. FW_MAX_HARTS-1: mask bits below t0
    srl     t1, a0, t0
    bnez    t1, 5f
1:  HART_SET_ALL a0, a1, t0
    csrr    t6, mhartid
    slli    t6, t6, 2                   # REGBYTES per requester
    addi    t6, t6, HART_REQUESTS
2:  beqz    a0, 4f
    andi    t0, a0, 1
    beqz    t0, 3f
    HART_DATA t2, a1, t1
    lw      t0, HART_STATE(t2)
    li      t1, SBI_HSM_STATE_STARTED
    bne     t0, t1, 3f
    add     t2, t2, t6
    amoor.w zero, a2, (t2)
    csrr    t0, mhartid
    beq     a1, t0, 3f                  # this hart: the caller acts on it
    fence   rw, o                       # the request, before the interrupt that announces it
    HART_MSIP t2, a1, t1
    li      t1, MSIP_RAISE
    sw      t1, 0(t2)
3:  srli    a0, a0, 1
    addi    a1, a1, 1
    j       2b
4:  li      a0, SBI_ERR_SUCCESS
    ret
5:  li      a0, SBI_ERR_INVALID_PARAM
    ret

# fw_process_requests(): act on every request posted to this hart, then clear what was acted
# on (bits posted meanwhile stay for the next time), and answer a requester that waits (a
# remote fence) by raising its msip. Clobbers t0-t5.
fw_process_requests:
    csrr    t5, mhartid
    HART_DATA t3, t5, t1
    addi    t3, t3, HART_REQUESTS
    li      t4, 0                       # the requester's hart id
1:  lw      t2, 0(t3)
    beqz    t2, 5f
    andi    t1, t2, FW_REQ_SOFTWARE_INTERRUPT
    beqz    t1, 2f
    li      t1, MIP_SSIP
    csrs    mip, t1
2:  andi    t1, t2, FW_REQ_FENCE_I
    beqz    t1, 3f
    fence.i
3:  andi    t1, t2, FW_REQ_SFENCE_VMA
    beqz    t1, 4f
    sfence.vma
4:  not     t0, t2
    amoand.w zero, t0, (t3)
    andi    t1, t2, FW_REQ_ANSWERED
    beqz    t1, 5f
    beq     t4, t5, 5f                  # this hart's own request: it is not waiting
    fence   rw, o                       # done, before the answer
    HART_MSIP t0, t4, t1
    li      t1, MSIP_RAISE
    sw      t1, 0(t0)
5:  addi    t3, t3, REGBYTES
    addi    t4, t4, 1
    li      t0, FW_MAX_HARTS
    bne     t4, t0, 1b
    ret

# fw_await_requests(a0 = hart mask, a1 = base, a2 = FW_REQ_* bits): wait until every started
# hart of the set has acted on this hart's request. The wait is a wfi in M-mode (mstatus.MIE
# is 0: the machine software interrupt wakes it without trapping), woken by the target's
# answer — so the hart spends no time while it waits, and QEMU's round-robin runs the target.
# Each time it wakes it acts on what others ask of this hart, so that two harts fencing each
# other at once both finish. While it waits only an answer may wake it: mie is MSIE alone (a
# pending S-mode interrupt, which M-mode does not take, would end every wfi at once, and QEMU
# would then never switch to the target). Clobbers t0-t6, a0, a1, a3-a5.
fw_await_requests:
    mv      a3, ra
    li      t0, MIE_MSIE
    csrrw   a5, mie, t0
    HART_SET_ALL a0, a1, t0
    csrr    a4, mhartid
    slli    a4, a4, 2                   # REGBYTES per requester
    addi    a4, a4, HART_REQUESTS
1:  beqz    a0, 4f
    andi    t0, a0, 1
    beqz    t0, 3f
2:  csrr    t0, mhartid
    HART_MSIP t6, t0, t1
    sw      zero, 0(t6)                 # before looking: an answer after the look raises it
    jal     fw_process_requests
    HART_DATA t6, a1, t0
    lw      t0, HART_STATE(t6)
    li      t1, SBI_HSM_STATE_STARTED
    bne     t0, t1, 3f                  # stopped meanwhile: it has nothing left to fence
    add     t6, t6, a4
    lw      t0, 0(t6)
    and     t0, t0, a2
    beqz    t0, 3f
    wfi
    j       2b
3:  srli    a0, a0, 1
    addi    a1, a1, 1
    j       1b
4:  csrw    mie, a5
    mv      ra, a3
    ret

# A machine software interrupt (trap.S): another hart has posted requests.
fw_software_interrupt:
    csrr    t2, mhartid
    HART_MSIP t0, t2, t1
    sw      zero, 0(t0)                 # before looking: a later request raises it again
    jal     fw_process_requests
    j       fw_trap_return

# --- the SBI calls ---------------------------------------------------------------------------

sbi_ipi:
    SBI_FUNCTION SBI_IPI_SEND_IPI, sbi_send_ipi
    j       sbi_not_supported

# send_ipi(a0 = hart mask, a1 = hart mask base): raise sip.SSIP on each started hart of the
# set. Does not wait for the targets.
sbi_send_ipi:
    li      a2, FW_REQ_SOFTWARE_INTERRUPT
    jal     fw_post_requests
    bnez    a0, sbi_invalid_param
    jal     fw_process_requests
    li      a1, 0
    j       sbi_success

sbi_rfence:
    SBI_FUNCTION SBI_RFENCE_REMOTE_FENCE_I, sbi_remote_fence_i
    SBI_FUNCTION SBI_RFENCE_REMOTE_SFENCE_VMA, sbi_remote_sfence_vma
    SBI_FUNCTION SBI_RFENCE_REMOTE_SFENCE_VMA_ASID, sbi_remote_sfence_vma
    j       sbi_not_supported

# remote_fence_i(a0 = hart mask, a1 = base).
sbi_remote_fence_i:
    li      a2, FW_REQ_FENCE_I
    j       sbi_remote_fence
# remote_sfence_vma(a0 = hart mask, a1 = base, a2 = start, a3 = size [, a4 = ASID]): the whole
# TLB of each target (see above).
sbi_remote_sfence_vma:
    li      a2, FW_REQ_SFENCE_VMA
# Post the fence, do this hart's part, and return once every target has done its own.
sbi_remote_fence:
    mv      a5, a0
    mv      a6, a1
    jal     fw_post_requests
    bnez    a0, sbi_invalid_param
    jal     fw_process_requests
    mv      a0, a5
    mv      a1, a6
    jal     fw_await_requests
    li      a1, 0
    j       sbi_success
