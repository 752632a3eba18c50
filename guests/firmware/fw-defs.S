# fw-defs.S — the firmware's own constants, its trap-frame layout, and the named macros the
# other firmware files are written with.
#
# Everything architectural or board-specific comes from the generated includes
# (../include/gen/riscv.S, virt.S, sbi.S), which firmware.S includes before this file. What is
# defined here is either a choice this firmware makes (where the payload lives, exit codes,
# stack size) or a layout detail of this firmware's own. A build may override the choices with --defsym (GNU as) or
# `defines` (pvlab's assembler); each is guarded by .ifndef.

# ---------------------------------------------------------------------------------------------
# Choices

# The hart that boots and runs the payload. Other harts wait in the firmware until an SBI HSM
# hart_start (see boot.S, hsm.S).
    .ifndef FW_BOOT_HART
    .equ FW_BOOT_HART, 0
    .endif

# The most harts the firmware serves (hart ids 0..FW_MAX_HARTS-1): each has a machine-mode
# stack and a slot of hart data. A hart with a higher id halts at reset. 8 covers QEMU virt's
# `-smp` as commonly used and keeps the firmware small.
    .ifndef FW_MAX_HARTS
    .equ FW_MAX_HARTS, 8
    .endif

# Where the S-mode payload (the kernel) starts: 2 MiB into RAM, where OpenSBI's fw_jump on
# QEMU virt jumps (FW_JUMP_ADDR = 0x8020_0000). The firmware itself must fit below it.
    .equ FW_PAYLOAD_OFFSET, 0x200000
    .ifndef FW_PAYLOAD_ADDR
    .equ FW_PAYLOAD_ADDR, VIRT_DRAM_BASE + FW_PAYLOAD_OFFSET
    .endif

# Which synchronous exceptions M-mode hands straight to S-mode (medeleg). Everything an S-mode
# kernel handles itself: misaligned accesses, access faults, illegal instructions, breakpoints,
# system calls from U-mode and page faults. Not delegated: ecall from S-mode (that is the SBI
# call, ours to serve) and ecall from M-mode (cannot be delegated). Override it (e.g. with 0)
# to watch undelegated traps reach the firmware's panic handler.
    .equ FW_DELEG_MISALIGNED, (1 << CAUSE_INSTRUCTIONADDRESSMISALIGNED) | (1 << CAUSE_LOADADDRESSMISALIGNED) | (1 << CAUSE_STOREADDRESSMISALIGNED)
    .equ FW_DELEG_ACCESS_FAULTS, (1 << CAUSE_INSTRUCTIONACCESSFAULT) | (1 << CAUSE_LOADACCESSFAULT) | (1 << CAUSE_STOREACCESSFAULT)
    .equ FW_DELEG_PAGE_FAULTS, (1 << CAUSE_INSTRUCTIONPAGEFAULT) | (1 << CAUSE_LOADPAGEFAULT) | (1 << CAUSE_STOREPAGEFAULT)
    .equ FW_DELEG_OTHERS, (1 << CAUSE_ILLEGALINSTRUCTION) | (1 << CAUSE_BREAKPOINT) | (1 << CAUSE_ENVIRONMENTCALLFROMU)
    .ifndef FW_DELEGATED_EXCEPTIONS
    .equ FW_DELEGATED_EXCEPTIONS, FW_DELEG_MISALIGNED | FW_DELEG_ACCESS_FAULTS | FW_DELEG_PAGE_FAULTS | FW_DELEG_OTHERS
    .endif

# Which interrupts S-mode receives directly (mideleg): its software, timer and external
# interrupts. The machine-level ones stay here; of those the firmware enables only MTI.
    .equ FW_DELEGATED_INTERRUPTS, MIP_SSIP | MIP_STIP | MIP_SEIP

# Which counters S-mode may read (mcounteren): cycle, time and instret.
    .equ FW_COUNTERS_FOR_S, COUNTEREN_CY | COUNTEREN_TM | COUNTEREN_IR

# Exit codes passed to the SiFive test device's FAIL command (QEMU exits with this status).
    .equ FW_EXIT_SYSTEM_FAILURE, 1      # SRST shutdown with reason SYSTEM_FAILURE
    .equ FW_EXIT_PANIC, 2               # a trap the firmware cannot handle

# PMP region 0 as NAPOT with pmpaddr0 all ones covers the whole physical address space
# (privileged spec §3.7.1): the firmware opens all memory to S and U and protects nothing.
    .equ PMPADDR_ALL, -1

# Bytes of machine-mode stack per hart (the trap frame sits at its top).
    .equ FW_STACK_SIZE, 1024

# ---------------------------------------------------------------------------------------------
# Architectural constants not in the generated includes yet

# CLINT mtimecmp is 64 bits: on RV32 two words, low then high.
    .equ MTIMECMP_LO, 0
    .equ MTIMECMP_HI, 4

# Instruction length of ecall (no compressed instructions): mepc advances by this after a call.
    .equ ECALL_BYTES, 4

# Bytes per register on RV32.
    .equ REGBYTES, 4

# CLINT msip: bit 0 raises the hart's machine software interrupt (mip.MSIP).
    .equ MSIP_RAISE, 1

# ---------------------------------------------------------------------------------------------
# Per-hart data: one slot of HART_DATA_SIZE bytes per hart id (firmware.S, fw_hart_data).

    .equ HART_STATE, 0 * REGBYTES       # HSM state (SBI_HSM_STATE_* or FW_HSM_CLAIMED)
    .equ HART_START_ADDR, 1 * REGBYTES  # hart_start's start address, for the starting hart
    .equ HART_OPAQUE, 2 * REGBYTES      # hart_start's opaque, its a1
# From HART_REQUESTS: one word per requesting hart, by its id, of FW_REQ_* bits it asks this
# hart to act on (ipi.S). Only the requester sets bits in its word and only this hart clears
# them, after acting on them, so a requester that waits for its bits to clear knows the work
# is done — and no other requester can clear them first.
    .equ HART_REQUESTS, 4 * REGBYTES
    .equ HART_DATA_SHIFT, 6
    .equ HART_DATA_SIZE, 1 << HART_DATA_SHIFT
    .if HART_REQUESTS + FW_MAX_HARTS * REGBYTES > HART_DATA_SIZE
    .error "FW_MAX_HARTS request words do not fit in a hart's data slot"
    .endif

# An internal HSM state: a hart_start has claimed the stopped hart and is filling in where it
# starts; the hart does not start until the state is START_PENDING. Reported as START_PENDING.
    .equ FW_HSM_CLAIMED, 0x100

# Requests one hart posts in another's HART_REQUESTS before raising its msip (ipi.S). Each is
# idempotent: acting once serves every request posted before.
    .equ FW_REQ_SOFTWARE_INTERRUPT, 1   # raise sip.SSIP (SBI IPI send_ipi)
    .equ FW_REQ_FENCE_I, 2              # fence.i (SBI RFENCE remote_fence_i)
    .equ FW_REQ_SFENCE_VMA, 4           # sfence.vma (SBI RFENCE remote_sfence_vma[_asid])
# The requests whose requester waits until they are done: the target answers with an IPI.
    .equ FW_REQ_ANSWERED, FW_REQ_FENCE_I | FW_REQ_SFENCE_VMA

# ---------------------------------------------------------------------------------------------
# The trap frame: where the trap vector saves the interrupted context. Only the registers the
# firmware's handlers may touch are saved — the caller-saved ones (ra, t0-t6, a0-a7) — plus the
# interrupted sp. Handlers never use s0-s11 or gp/tp, so those pass through untouched.

    .equ FRAME_RA,  0 * REGBYTES
    .equ FRAME_SP,  1 * REGBYTES
    .equ FRAME_T0,  2 * REGBYTES
    .equ FRAME_T1,  3 * REGBYTES
    .equ FRAME_T2,  4 * REGBYTES
    .equ FRAME_T3,  5 * REGBYTES
    .equ FRAME_T4,  6 * REGBYTES
    .equ FRAME_T5,  7 * REGBYTES
    .equ FRAME_T6,  8 * REGBYTES
    .equ FRAME_A0,  9 * REGBYTES
    .equ FRAME_A1, 10 * REGBYTES
    .equ FRAME_A2, 11 * REGBYTES
    .equ FRAME_A3, 12 * REGBYTES
    .equ FRAME_A4, 13 * REGBYTES
    .equ FRAME_A5, 14 * REGBYTES
    .equ FRAME_A6, 15 * REGBYTES
    .equ FRAME_A7, 16 * REGBYTES
    .equ FRAME_SIZE, 20 * REGBYTES      # 17 slots, rounded up to keep sp 16-byte aligned

# ---------------------------------------------------------------------------------------------
# Macros

# Save / restore the caller-saved registers in the frame at sp (sp itself is handled by the
# trap vector, through mscratch).
    .macro SAVE_CALLER_SAVED
    sw      ra, FRAME_RA(sp)
    sw      t0, FRAME_T0(sp)
    sw      t1, FRAME_T1(sp)
    sw      t2, FRAME_T2(sp)
    sw      t3, FRAME_T3(sp)
    sw      t4, FRAME_T4(sp)
    sw      t5, FRAME_T5(sp)
    sw      t6, FRAME_T6(sp)
    sw      a0, FRAME_A0(sp)
    sw      a1, FRAME_A1(sp)
    sw      a2, FRAME_A2(sp)
    sw      a3, FRAME_A3(sp)
    sw      a4, FRAME_A4(sp)
    sw      a5, FRAME_A5(sp)
    sw      a6, FRAME_A6(sp)
    sw      a7, FRAME_A7(sp)
    .endm

    .macro RESTORE_CALLER_SAVED
    lw      ra, FRAME_RA(sp)
    lw      t0, FRAME_T0(sp)
    lw      t1, FRAME_T1(sp)
    lw      t2, FRAME_T2(sp)
    lw      t3, FRAME_T3(sp)
    lw      t4, FRAME_T4(sp)
    lw      t5, FRAME_T5(sp)
    lw      t6, FRAME_T6(sp)
    lw      a0, FRAME_A0(sp)
    lw      a1, FRAME_A1(sp)
    lw      a2, FRAME_A2(sp)
    lw      a3, FRAME_A3(sp)
    lw      a4, FRAME_A4(sp)
    lw      a5, FRAME_A5(sp)
    lw      a6, FRAME_A6(sp)
    lw      a7, FRAME_A7(sp)
    .endm

# Set / clear bits of a CSR through a scratch register (csrs/csrc take a register, and the
# masks here do not fit the 5-bit immediate forms).
    .macro CSR_SET_BITS csr, mask, tmp=t0
    li      \tmp, \mask
    csrs    \csr, \tmp
    .endm

    .macro CSR_CLEAR_BITS csr, mask, tmp=t0
    li      \tmp, \mask
    csrc    \csr, \tmp
    .endm

# tmp = address of this hart's mtimecmp in the CLINT (clobbers tmp2).
    .macro THIS_HART_MTIMECMP tmp, tmp2
    csrr    \tmp, mhartid
    li      \tmp2, CLINT_MTIMECMP_STRIDE
    mul     \tmp, \tmp, \tmp2
    li      \tmp2, VIRT_CLINT_BASE + CLINT_MTIMECMP
    add     \tmp, \tmp, \tmp2
    .endm

# tmp = address of hart `hart`'s mtimecmp (a register; clobbers tmp2).
    .macro HART_MTIMECMP tmp, hart, tmp2
    li      \tmp2, CLINT_MTIMECMP_STRIDE
    mul     \tmp, \hart, \tmp2
    li      \tmp2, VIRT_CLINT_BASE + CLINT_MTIMECMP
    add     \tmp, \tmp, \tmp2
    .endm

# tmp = address of hart `hart`'s msip in the CLINT (clobbers tmp2).
    .macro HART_MSIP tmp, hart, tmp2
    slli    \tmp, \hart, 2            # CLINT_MSIP_STRIDE = 4 bytes per hart
    li      \tmp2, VIRT_CLINT_BASE + CLINT_MSIP
    add     \tmp, \tmp, \tmp2
    .endm

# tmp = address of hart `hart`'s slot of hart data (clobbers tmp2).
    .macro HART_DATA tmp, hart, tmp2
    slli    \tmp, \hart, HART_DATA_SHIFT
    la      \tmp2, fw_hart_data
    add     \tmp, \tmp, \tmp2
    .endm

# tmp = this hart's trap frame, at the top of its machine-mode stack (clobbers tmp2).
    .macro THIS_HART_FRAME tmp, tmp2
    csrr    \tmp, mhartid
    li      \tmp2, FW_STACK_SIZE
    mul     \tmp, \tmp, \tmp2
    la      \tmp2, fw_stack_top - FRAME_SIZE
    sub     \tmp, \tmp2, \tmp
    .endm

# A hart set as SBI calls name it (mask, base): a base of SBI_HART_MASK_BASE_ALL means every
# hart — here the mask of all FW_MAX_HARTS ids from base 0. Clobbers tmp.
    .macro HART_SET_ALL mask, base, tmp
    li      \tmp, SBI_HART_MASK_BASE_ALL
    bne     \base, \tmp, .Lset\@
    li      \mask, (1 << FW_MAX_HARTS) - 1
    li      \base, 0
.Lset\@:
    .endm

# Disarm a timer: mtimecmp at `addr` = the far future (high half first, so no intermediate
# value is ever in the past). Clobbers tmp.
    .macro MTIMECMP_DISARM addr, tmp
    li      \tmp, -1
    sw      \tmp, MTIMECMP_HI(\addr)
    sw      \tmp, MTIMECMP_LO(\addr)
    .endm

# What every hart's machine mode needs before it enters S-mode: PMP open, delegation, counters,
# its machine timer disarmed, no supervisor interrupt pending, translation off. The boot hart
# runs it at reset, every other hart when hart_start starts it. Clobbers t0, t1.
    .macro HART_MACHINE_SETUP
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

    # The machine timer stays disarmed until S-mode asks for one, MTIE off.
    THIS_HART_MTIMECMP t0, t1
    MTIMECMP_DISARM t0, t1
    csrw    mip, zero                   # no supervisor interrupt left pending

    # S-mode starts with translation off and its interrupts disabled.
    csrw    satp, zero
    .endm

# Write a command to the SiFive test device (power off / fail / reset), then stop this hart for
# good: the machine is gone, but a model may take a few instructions to notice.
    .macro FINISHER_COMMAND command
    li      t0, VIRT_TEST_BASE
    li      t1, \command
    sw      t1, TEST_FINISHER(t0)
    j       fw_halt
    .endm

# In an SBI extension handler: if a6 (the function id) equals `fid`, go to `label`.
    .macro SBI_FUNCTION fid, label
    li      t0, \fid
    beq     a6, t0, \label
    .endm
