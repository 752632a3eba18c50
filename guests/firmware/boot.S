# boot.S — reset entry: set up machine mode, hand the rest of the machine to S-mode, and enter
# the payload on the boot hart; send every other hart to wait for hart_start (hsm.S).
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

    # One hart boots; every other waits in the firmware until a hart_start (on QEMU -smp N
    # and on a pvlab board of N harts all of them arrive here at once).
    csrr    t0, mhartid
    li      t1, FW_BOOT_HART
    bne     t0, t1, fw_secondary_entry

    HART_MACHINE_SETUP

    # mret to S-mode: mstatus.MPP = S; every other field 0 (MIE, MPIE, SIE, SUM, MPRV, ...).
    li      t0, PRV_S << MSTATUS_MPP_SHIFT
    csrw    mstatus, t0
    li      t0, FW_PAYLOAD_ADDR
    csrw    mepc, t0

    # From now on a trap comes from the payload: mscratch holds this hart's trap frame, at the
    # top of its stack (THIS_HART_FRAME, known here without asking mhartid).
    la      t0, fw_stack_top - FW_BOOT_HART * FW_STACK_SIZE - FRAME_SIZE
    csrw    mscratch, t0

    csrr    a0, mhartid                 # a0 = hart id; a1 = the FDT address, untouched
    li      t0, 0                       # leave no firmware values behind
    li      t1, 0
    mret

# A hart that is not the boot hart (t0 = its id): stopped until a hart_start, unless its id is
# beyond the firmware's tables, in which case it halts for good.
fw_secondary_entry:
    li      t1, FW_MAX_HARTS
    bgeu    t0, t1, fw_halt
    j       fw_hart_stopped             # hsm.S

# After a power-off or reset command: the machine is going away.
fw_halt:
    wfi
    j       fw_halt
