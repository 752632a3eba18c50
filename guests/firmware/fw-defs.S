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

# The hart that boots and runs the payload. Other harts park (see boot.S).
    .ifndef FW_BOOT_HART
    .equ FW_BOOT_HART, 0
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
