# smp.S — an S-mode test of a board of two (or more) harts under pvlab's firmware
# (guests/firmware/firmware.S), run on pvlab and on `qemu-system-riscv32 -M virt -smp N`.
# Harts 0 and 1 take part; any other hart stays stopped (its HSM status is printed).
#
# Loaded at 0x8020_0000, where the firmware enters S-mode on the boot hart (hart 0):
#   1. hart 0 asks HSM for hart 1's status and starts it at `secondary` with an opaque value;
#      a second hart_start is refused;
#   2. hart 1 prints a line of its own, calls `patchme` HOT_CALLS times (so pvlab translates
#      it hot), and tells hart 0 it is up;
#   3. at hart 0's word both harts add 1 to one counter ITERATIONS times with amoadd.w and to
#      another with lr.w/sc.w; hart 0 prints both (2 × ITERATIONS each if AMOs are atomic and
#      another hart's store breaks a reservation);
#   4. hart 0 rewrites `patchme` (one instruction; both harts have run it HOT_CALLS times),
#      fences its own fetches and hart 1's with RFENCE remote_fence_i, and has hart 1 call it
#      again: both harts must run the new code;
#   5. both harts call remote_sfence_vma to every hart at the same time (each must act on the
#      other's request while it waits for its own); the IPIs each hart took are counted in
#      `ipis` (how many coalesce into one pending sip.SSIP depends on the interleaving, so
#      they are not printed);
#   6. hart 1 stops itself (HSM hart_stop); hart 0 waits until HSM reports it stopped, then
#      shuts the machine down.
# Only one hart prints at a time (the other waits for it), so the console is the same on any
# interleaving. Harts talk through memory, and wake each other with SBI IPIs: a waiting hart
# sleeps in wfi, so QEMU's round-robin switches to the other hart at once.
#
# Knobs (`defines` / --defsym): ITERATIONS (increments per hart and counter).

    .include "../../guests/include/gen/riscv.S"
    .include "../../guests/include/gen/sbi.S"

    .ifndef ITERATIONS
    .equ ITERATIONS, 2000
    .endif
    .equ OTHER_HART, 1
    .equ THIRD_HART, 2
    .equ OPAQUE, 0x5eed                 # hart_start's opaque, hart 1's a1
    .equ HOT_CALLS, 2000                # patchme calls before it is rewritten (pvlab: a region)
    .equ STACK_SIZE, 1024
    .equ REGBYTES, 4
    .equ WORD_SHIFT, 2                  # bytes = words << WORD_SHIFT
    .equ DECIMAL, 10
    .equ PAGE, 4096

# What `patchme` returns after hart 0 rewrites it: its first instruction becomes
# `addi a0, zero, PATCHED_VALUE` (I-type: imm[31:20] rs1[19:15] funct3[14:12] rd[11:7] opcode).
    .equ PATCHED_VALUE, 2
    .equ OPCODE_OP_IMM, 0x13
    .equ REG_A0, 10
    .equ RD_SHIFT, 7
    .equ IMM_SHIFT, 20
    .equ PATCHED_INSN, (PATCHED_VALUE << IMM_SHIFT) | (REG_A0 << RD_SHIFT) | OPCODE_OP_IMM

# Commands hart 0 leaves in `command` for hart 1.
    .equ CMD_NONE, 0
    .equ CMD_CALL_PATCHME, 1
    .equ CMD_STOP, 2
    .equ CMD_FENCE_ALL, 3               # remote_sfence_vma to every hart, as hart 0 does too

# Per-hart save area of the trap handler (sscratch points at it).
    .equ SAVE_T0, 0 * REGBYTES
    .equ SAVE_T1, 1 * REGBYTES
    .equ SAVE_HART, 2 * REGBYTES
    .equ SAVE_SIZE, 4 * REGBYTES

    .macro SBI eid, fid=0
    li      a7, \eid
    li      a6, \fid
    ecall
    .endm

# say "text": print a string literal (clobbers a0, a6, a7, t0-t2).
    .macro SAY text
    .section .rodata
.Lsay\@:
    .asciz  "\text"
    .text
    la      a0, .Lsay\@
    call    puts
    .endm

# say "text" then a0 in decimal and a newline (clobbers a0, a6, a7, t0-t2, s2).
    .macro SAY_NUMBER text
    mv      s2, a0
    SAY     "\text"
    mv      a0, s2
    call    put_signed
    li      a0, '\n'
    call    putc
    .endm

# Sleep until the word at `flag` is at least `value`. Checking with sstatus.SIE clear and
# sleeping in wfi (which wakes on a pending interrupt sie enables, whatever SIE) loses no
# wake-up; the IPI is then taken in the window with SIE set.
    .macro WAIT_FOR flag, value
    csrci   sstatus, SSTATUS_SIE
1:  lw      t0, \flag
    li      t1, \value
    bge     t0, t1, 2f
    wfi
    csrsi   sstatus, SSTATUS_SIE
    csrci   sstatus, SSTATUS_SIE
    j       1b
2:  csrsi   sstatus, SSTATUS_SIE
    .endm

# Raise hart `hart`'s supervisor software interrupt (SBI IPI).
    .macro IPI hart
    li      a0, 1
    li      a1, \hart
    SBI     SBI_EXT_IPI, SBI_IPI_SEND_IPI
    .endm

    .text
    .globl _start
_start:                                 # hart 0: a0 = 0, a1 = the device tree
    la      sp, stack0_top
    la      t0, save0
    call    trap_setup
    SAY     "smp: hart 0 up\n"
    li      s2, HOT_CALLS               # hart 0 runs patchme hot too: its translation must go
1:  call    patchme
    addi    s2, s2, -1
    bnez    s2, 1b

    # --- 1. start hart 1 ----------------------------------------------------------------------
    li      a0, OTHER_HART
    SBI     SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS
    mv      a0, a1
    SAY_NUMBER "hart 1 status before hart_start: "
    # Hart 1 prints as soon as it starts: say what hart_start answered only once it is up.
    li      a0, OTHER_HART
    la      a1, secondary
    li      a2, OPAQUE
    SBI     SBI_EXT_HSM, SBI_HSM_HART_START
    mv      s3, a0
    li      a0, OTHER_HART
    la      a1, secondary
    li      a2, OPAQUE
    SBI     SBI_EXT_HSM, SBI_HSM_HART_START
    mv      s4, a0
    WAIT_FOR hart1_up, 1
    mv      a0, s3
    SAY_NUMBER "hart_start(1): error="
    mv      a0, s4
    SAY_NUMBER "hart_start(1) again: error="
    li      a0, OTHER_HART
    SBI     SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS
    mv      a0, a1
    SAY_NUMBER "hart 1 status: "
    li      a0, THIRD_HART              # stopped on -smp 3 or more; no such hart on -smp 2
    SBI     SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS
    mv      s3, a1
    SAY_NUMBER "hart 2 hart_get_status: error="
    mv      a0, s3
    SAY_NUMBER "hart 2 status: "

    # --- 3. both harts count ------------------------------------------------------------------
    li      t0, 1
    sw      t0, go, t1
    IPI     OTHER_HART
    li      a0, 0
    call    count
    WAIT_FOR finished, 2
    lw      a0, counter_amo
    SAY_NUMBER "amoadd.w counter: "
    lw      a0, counter_lrsc
    SAY_NUMBER "lr.w/sc.w counter: "

    # --- 4. rewrite code hart 1 has run -------------------------------------------------------
    lw      a0, patch_before
    SAY_NUMBER "patchme on hart 1 before: "
    li      t0, PATCHED_INSN
    sw      t0, patchme, t1
    fence.i
    li      a0, 1
    li      a1, OTHER_HART
    SBI     SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_FENCE_I
    SAY_NUMBER "remote_fence_i(1): error="
    li      a0, CMD_CALL_PATCHME
    call    command_hart1
    lw      a0, patch_after
    SAY_NUMBER "patchme on hart 1 after: "
    call    patchme
    SAY_NUMBER "patchme on hart 0: "

    # --- 5. both harts fence every hart at once ------------------------------------------------
    li      a0, CMD_FENCE_ALL
    call    post_command
    call    fence_all
    mv      s3, a0
    call    await_command
    mv      a0, s3
    SAY_NUMBER "remote_sfence_vma(all) on hart 0: error="
    lw      a0, fence_result
    SAY_NUMBER "remote_sfence_vma(all) on hart 1 at the same time: error="

    # --- 6. hart 1 stops ----------------------------------------------------------------------
    li      a0, CMD_STOP
    call    command_hart1
1:  li      a0, OTHER_HART
    SBI     SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS
    li      t0, SBI_HSM_STATE_STOPPED
    bne     a1, t0, 1b
    mv      a0, a1
    SAY_NUMBER "hart 1 status after hart_stop: "
    SAY     "smp: done\n"
    li      a0, SBI_SRST_TYPE_SHUTDOWN
    li      a1, SBI_SRST_REASON_NONE
    SBI     SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET
1:  j       1b

# command_hart1(a0 = CMD_*): leave the command, wake hart 1, sleep until it has carried it out.
command_hart1:
    addi    sp, sp, -16
    sw      ra, 12(sp)
    call    post_command
    call    await_command
    lw      ra, 12(sp)
    addi    sp, sp, 16
    ret

# post_command(a0 = CMD_*): leave the command for hart 1 and wake it.
post_command:
    addi    sp, sp, -16
    sw      ra, 12(sp)
    sw      a0, command, t1
    IPI     OTHER_HART
    lw      ra, 12(sp)
    addi    sp, sp, 16
    ret

# await_command(): sleep until hart 1 has carried out one more command.
await_command:
    lw      t2, awaited_commands
    addi    t2, t2, 1
    sw      t2, awaited_commands, t1
    csrci   sstatus, SSTATUS_SIE
1:  lw      t0, done_commands
    bge     t0, t2, 2f
    wfi
    csrsi   sstatus, SSTATUS_SIE
    csrci   sstatus, SSTATUS_SIE
    j       1b
2:  csrsi   sstatus, SSTATUS_SIE
    ret

# fence_all() → a0 = the error of remote_sfence_vma to every hart.
fence_all:
    li      a0, 0
    li      a1, SBI_HART_MASK_BASE_ALL
    li      a2, 0
    li      a3, 0
    li      a7, SBI_EXT_RFENCE
    li      a6, SBI_RFENCE_REMOTE_SFENCE_VMA
    ecall
    ret

# --- hart 1 ------------------------------------------------------------------------------------

# Entered by the firmware with a0 = hart id, a1 = opaque, satp = 0, sstatus.SIE = 0.
secondary:
    la      sp, stack1_top
    mv      s0, a0
    mv      s1, a1
    la      t0, save1
    call    trap_setup
    SAY     "smp: hart "
    mv      a0, s0
    call    put_signed
    SAY     " started, opaque="
    li      t0, OPAQUE
    bne     s1, t0, 1f
    SAY     "ok\n"
    j       2f
1:  SAY     "WRONG\n"
2:  li      s2, HOT_CALLS
3:  call    patchme
    addi    s2, s2, -1
    bnez    s2, 3b
    sw      a0, patch_before, t1
    li      t0, 1
    sw      t0, hart1_up, t1
    IPI     0
    WAIT_FOR go, 1
    mv      a0, s0
    call    count
    IPI     0

# Carry out hart 0's commands, one at a time.
hart1_loop:
    WAIT_FOR command, CMD_CALL_PATCHME
    lw      t0, command
    sw      zero, command, t1
    li      t1, CMD_STOP
    beq     t0, t1, hart1_stop
    li      t1, CMD_FENCE_ALL
    beq     t0, t1, hart1_fence
    call    patchme
    sw      a0, patch_after, t1
    call    command_done
    j       hart1_loop
hart1_fence:
    call    fence_all
    sw      a0, fence_result, t1
    call    command_done
    j       hart1_loop
hart1_stop:
    call    command_done
    SBI     SBI_EXT_HSM, SBI_HSM_HART_STOP
    SAY     "smp: hart_stop returned\n"
1:  j       1b

# Tell hart 0 the command is done, and wake it.
command_done:
    addi    sp, sp, -16
    sw      ra, 12(sp)
    li      t0, 1
    la      t1, done_commands
    amoadd.w zero, t0, (t1)
    IPI     0
    lw      ra, 12(sp)
    addi    sp, sp, 16
    ret

# --- both harts --------------------------------------------------------------------------------

# count(a0 = hart id): add 1 ITERATIONS times to counter_amo (amoadd.w) and to counter_lrsc
# (an lr.w/sc.w loop, counting failed sc.w in sc_failures[hart]); then add 1 to `finished`.
count:
    li      t0, ITERATIONS
    la      t1, counter_amo
    la      t2, counter_lrsc
    la      t3, sc_failures
    slli    a0, a0, WORD_SHIFT
    add     t3, t3, a0
    li      t6, 1
1:  amoadd.w zero, t6, (t1)
2:  lr.w    t4, (t2)
    addi    t4, t4, 1
    sc.w    t5, t4, (t2)
    beqz    t5, 3f
    lw      t4, 0(t3)
    addi    t4, t4, 1
    sw      t4, 0(t3)
    j       2b
3:  addi    t0, t0, -1
    bnez    t0, 1b
    la      t1, finished
    amoadd.w zero, t6, (t1)
    ret

# trap_setup(t0 = this hart's save area): the S-mode trap vector, sscratch, and the supervisor
# software interrupt enabled.
trap_setup:
    csrw    sscratch, t0
    la      t1, s_trap
    csrw    stvec, t1
    li      t1, MIP_SSIP                # sie.SSIE is the same bit
    csrs    sie, t1
    csrsi   sstatus, SSTATUS_SIE
    ret

# The S-mode trap vector: only the supervisor software interrupt (an IPI) is expected; count
# it for this hart and clear it. Anything else: say so and shut down with a failure.
    .balign 4
s_trap:
    csrrw   t6, sscratch, t6
    sw      t0, SAVE_T0(t6)
    sw      t1, SAVE_T1(t6)
    csrr    t0, scause
    li      t1, CAUSE_INTERRUPT | INTR_SUPERVISORSOFTWARE
    bne     t0, t1, unexpected_trap
    li      t0, MIP_SSIP
    csrc    sip, t0
    lw      t0, SAVE_HART(t6)
    slli    t0, t0, WORD_SHIFT
    la      t1, ipis
    add     t1, t1, t0
    li      t0, 1
    amoadd.w zero, t0, (t1)
    lw      t0, SAVE_T0(t6)
    lw      t1, SAVE_T1(t6)
    csrrw   t6, sscratch, t6
    sret

unexpected_trap:
    SAY     "smp: unexpected trap, scause="
    csrr    a0, scause
    call    put_signed
    li      a0, '\n'
    call    putc
    li      a0, SBI_SRST_TYPE_SHUTDOWN
    li      a1, SBI_SRST_REASON_SYSTEM_FAILURE
    SBI     SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET
1:  j       1b

# --- console -----------------------------------------------------------------------------------

# putc(a0 = byte). Clobbers a0, a6, a7.
putc:
    SBI     SBI_EXT_LEGACY_CONSOLE_PUTCHAR
    ret

# puts(a0 = NUL-terminated string). Clobbers a0, a6, a7, t0.
puts:
    addi    sp, sp, -16
    sw      ra, 12(sp)
    sw      s0, 8(sp)
    mv      s0, a0
1:  lbu     a0, 0(s0)
    beqz    a0, 2f
    call    putc
    addi    s0, s0, 1
    j       1b
2:  lw      s0, 8(sp)
    lw      ra, 12(sp)
    addi    sp, sp, 16
    ret

# put_signed(a0): signed decimal. Clobbers a0, a6, a7, t0-t2.
put_signed:
    addi    sp, sp, -32
    sw      ra, 28(sp)
    sw      s0, 24(sp)
    sw      s1, 20(sp)
    mv      s0, a0
    bgez    s0, 1f
    li      a0, '-'
    call    putc
    neg     s0, s0
1:  mv      s1, sp                      # digits pushed least significant first
    li      t1, DECIMAL
2:  remu    t0, s0, t1
    addi    t0, t0, '0'
    sb      t0, 0(s1)
    addi    s1, s1, 1
    divu    s0, s0, t1
    bnez    s0, 2b
3:  addi    s1, s1, -1
    lbu     a0, 0(s1)
    call    putc
    bne     s1, sp, 3b
    lw      s1, 20(sp)
    lw      s0, 24(sp)
    lw      ra, 28(sp)
    addi    sp, sp, 32
    ret

# patchme() → a0 = 1, until hart 0 rewrites its first instruction to return PATCHED_VALUE.
# On a page of its own, so that rewriting it discards no other code's translations.
    .balign PAGE
patchme:
    li      a0, 1
    ret

# --- shared memory (a page apart from the code) ------------------------------------------------
    .data
    .balign PAGE
counter_amo:    .word 0
counter_lrsc:   .word 0
sc_failures:    .word 0, 0              # by hart
finished:       .word 0                 # harts done counting
ipis:           .word 0, 0              # supervisor software interrupts taken, by hart
hart1_up:       .word 0
go:             .word 0
command:        .word CMD_NONE
done_commands:  .word 0                 # commands hart 1 has carried out
awaited_commands: .word 0               # commands hart 0 has waited for
fence_result:   .word 0
patch_before:   .word 0
patch_after:    .word 0
save0:          .word 0, 0, 0, 0        # SAVE_SIZE bytes each: t0, t1, hart id
save1:          .word 0, 0, 1, 0

    .bss
    .balign 16
stack0:         .space STACK_SIZE
stack0_top:
stack1:         .space STACK_SIZE
stack1_top:
