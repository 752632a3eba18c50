# boot.S — reset entry: set up machine mode, hand the rest of the machine to S-mode, and enter
# the payload.
#
# Entry (QEMU's reset code, or pvlab's loader): M-mode, pc = 0x8000_0000, a0 = hart id,
# a1 = physical address of the flattened device tree. Interrupts are off.
#
# Exit: mret into S-mode at FW_PAYLOAD_ADDR with
#   a0 = hart id, a1 = the device tree address exactly as received,
#   satp = 0 (no translation), sstatus.SIE = 0, no interrupt pending or enabled,
#   every exception but ecall-from-S delegated to S-mode, SSI/STI/SEI delegated,
#   cycle/time/instret readable from S-mode, PMP open (S and U may access all memory).

    .text
    .globl _start
_start:
    csrw    mie, zero                   # nothing interrupts the setup
    la      t0, fw_trap_vector
    csrw    mtvec, t0                   # direct mode: the vector is 4-byte aligned (MODE = 0)
    csrw    mscratch, zero              # 0 = "running in the firmware" (see trap.S)

    # One hart boots; any other parks for good (pvlab models one hart; on QEMU -smp N the
    # others would otherwise run the payload too).
    csrr    t0, mhartid
    li      t1, FW_BOOT_HART
    bne     t0, t1, fw_park_hart

    # Physical memory protection. With no PMP entry, S- and U-mode may access nothing (QEMU
    # enforces this). Entry 0 matches everything (NAPOT over the whole address space) with
    # read, write and execute: M-mode keeps no memory to itself.
    li      t0, PMPADDR_ALL
    csrw    pmpaddr0, t0
    li      t0, PMPCFG_A_NAPOT | PMPCFG_R | PMPCFG_W | PMPCFG_X
    csrw    pmpcfg0, t0

    # Delegation: S-mode handles its own exceptions and interrupts; only its SBI calls (and
    # the machine timer, which stays here and is forwarded) come to M-mode.
    li      t0, FW_DELEGATED_EXCEPTIONS
    csrw    medeleg, t0
    li      t0, FW_DELEGATED_INTERRUPTS
    csrw    mideleg, t0
    li      t0, FW_COUNTERS_FOR_S
    csrw    mcounteren, t0

    # The machine timer stays disarmed until S-mode asks for one: mtimecmp = the far future
    # (high half first, so no intermediate value is ever in the past), MTIE off.
    THIS_HART_MTIMECMP t0, t1
    li      t1, -1
    sw      t1, MTIMECMP_HI(t0)
    sw      t1, MTIMECMP_LO(t0)
    csrw    mip, zero                   # no supervisor interrupt left pending

    # S-mode starts with translation off and its interrupts disabled.
    csrw    satp, zero

    # mret to S-mode: mstatus.MPP = S; every other field 0 (MIE, MPIE, SIE, SUM, MPRV, ...).
    li      t0, PRV_S << MSTATUS_MPP_SHIFT
    csrw    mstatus, t0
    li      t0, FW_PAYLOAD_ADDR
    csrw    mepc, t0

    # From now on a trap comes from the payload: mscratch holds this hart's trap frame.
    la      t0, fw_stack_top - FRAME_SIZE
    csrw    mscratch, t0

    csrr    a0, mhartid                 # a0 = hart id; a1 = the FDT address, untouched
    li      t0, 0                       # leave no firmware values behind
    li      t1, 0
    mret

# A hart that is not the boot hart: wait forever (no interrupt is enabled, so wfi never wakes
# it for good; loop in case it does).
fw_park_hart:
    wfi
    j       fw_park_hart

# After a power-off or reset command: the machine is going away.
fw_halt:
    wfi
    j       fw_halt
