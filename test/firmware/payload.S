# payload.S — an S-mode test payload for pvlab's firmware (guests/firmware/firmware.S).
#
# Loaded at 0x8020_0000, where the firmware enters S-mode. It checks the boot contract (a0 =
# hart id, a1 = a device tree), calls every SBI function the firmware implements and prints
# each result through the legacy console, takes supervisor timer interrupts requested with
# set_timer, takes delegated exceptions in its own trap handler, and finally resets the system
# with SRST. The tests compare what it prints on pvlab and on QEMU.
#
# Knobs (--defsym with GNU as, `defines` with pvlab's assembler):
#   RESET_TYPE, RESET_REASON   the final system_reset call (default: shutdown, no reason)

    .include "../../guests/include/gen/riscv.S"
    .include "../../guests/include/gen/sbi.S"

    .ifndef RESET_TYPE
    .equ RESET_TYPE, SBI_SRST_TYPE_SHUTDOWN
    .endif
    .ifndef RESET_REASON
    .equ RESET_REASON, SBI_SRST_REASON_NONE
    .endif

    .equ FDT_MAGIC_LE, 0xedfe0dd0       # 0xd00dfeed, big-endian in memory, read little-endian
    .equ SBI_EXT_DBCN, 0x4442434e       # debug console: an extension the firmware lacks
    .equ NO_SUCH_FID, 0x7f              # a base-extension function id that does not exist
    .equ OTHER_HART, 1
    .equ SBI_LEGACY_SHUTDOWN, 8         # legacy extension the firmware lacks (returns a0 only)
    .equ BAD_RESET_TYPE, 0x1000         # reserved SRST reset type
    .equ BAD_RESET_REASON, 0x1000       # reserved SRST reset reason
    .equ TIMER_DELAY, 1000              # ticks (100 µs at 10 MHz)
    .equ TIMER_NEVER, -1                # set_timer((uint64)-1): no interrupt
    .equ INSN_BYTES, 4
    .equ MARKER, 0x57e                  # fills registers to see they survive a call
    .equ STACK_SIZE, 2048
    .equ TRAP_FRAME, 16 * 4             # ra, t0-t6, a0-a7

# sbi eid, fid: call the firmware with arguments already in a0/a1.
    .macro SBI eid, fid=0
    li      a7, \eid
    li      a6, \fid
    ecall
    .endm

# say "text": print a string literal through the legacy console (clobbers a0, a6, a7, t0).
    .macro SAY text
    .section .rodata
.Lsay\@:
    .asciz  "\text"
    .text
    la      a0, .Lsay\@
    call    puts
    .endm

# report "label": print "label: error=<a0> value=<a1>" and a newline.
    .macro REPORT label
    mv      s2, a0
    mv      s3, a1
    SAY     "\label: error="
    mv      a0, s2
    call    put_signed
    SAY     " value="
    mv      a0, s3
    call    put_hex
    li      a0, '\n'
    call    putc
    .endm

# WAIT_FOR_TIMER_INTERRUPTS n: sleep until the timer handler has run n times in all. Checking
# the count and sleeping with sstatus.SIE clear avoids the lost wake-up of an interrupt that
# arrives between the check and the wfi: wfi still wakes for a pending interrupt that sie
# enables, and the interrupt is then taken in the brief window with SIE set.
    .macro WAIT_FOR_TIMER_INTERRUPTS n
1:  lw      t0, timer_interrupts
    li      t1, \n
    beq     t0, t1, 2f
    wfi
    csrsi   sstatus, SSTATUS_SIE
    csrci   sstatus, SSTATUS_SIE
    j       1b
2:
    .endm

    .text
payload_entry:
    mv      s0, a0                      # hart id
    mv      s1, a1                      # device tree
    la      sp, stack_top
    la      t0, s_trap_vector
    csrw    stvec, t0

    SAY     "payload: hart "
    mv      a0, s0
    call    put_signed
    SAY     " fdt="
    mv      a0, s1
    call    put_hex
    lw      t0, 0(s1)
    li      t1, FDT_MAGIC_LE
    bne     t0, t1, 1f
    SAY     " magic ok\n"
    j       2f
1:  SAY     " magic BAD\n"
2:
    # --- base ---------------------------------------------------------------------------------
    SBI     SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION
    REPORT  "base.get_spec_version"
    SBI     SBI_EXT_BASE, SBI_BASE_GET_IMPL_ID
    REPORT  "base.get_impl_id"
    SBI     SBI_EXT_BASE, SBI_BASE_GET_IMPL_VERSION
    REPORT  "base.get_impl_version"
    .irp ext, SBI_EXT_BASE, SBI_EXT_TIME, SBI_EXT_HSM, SBI_EXT_SRST, SBI_EXT_LEGACY_CONSOLE_PUTCHAR, SBI_EXT_LEGACY_CONSOLE_GETCHAR, SBI_EXT_IPI, SBI_EXT_RFENCE, SBI_EXT_DBCN
    li      a0, \ext
    SBI     SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION
    REPORT  "base.probe_extension(\ext)"
    .endr
    SBI     SBI_EXT_BASE, SBI_BASE_GET_MVENDORID
    REPORT  "base.get_mvendorid"
    SBI     SBI_EXT_BASE, SBI_BASE_GET_MARCHID
    REPORT  "base.get_marchid"
    SBI     SBI_EXT_BASE, SBI_BASE_GET_MIMPID
    REPORT  "base.get_mimpid"
    SBI     SBI_EXT_BASE, NO_SUCH_FID
    REPORT  "base.no_such_function"
    li      a0, 0
    li      a1, 0
    SBI     SBI_EXT_DBCN
    REPORT  "dbcn (not implemented)"
    li      a1, 0x5a5a
    SBI     SBI_LEGACY_SHUTDOWN
    REPORT  "legacy.shutdown (not implemented)"
    SBI     SBI_EXT_TIME, NO_SUCH_FID
    REPORT  "time.no_such_function"
    SBI     SBI_EXT_HSM, SBI_HSM_HART_SUSPEND
    REPORT  "hsm.hart_suspend (not implemented)"
    SBI     SBI_EXT_SRST, NO_SUCH_FID
    REPORT  "srst.no_such_function"

    # --- registers survive a call -------------------------------------------------------------
    li      t0, MARKER
    mv      t1, t0
    mv      t2, t0
    mv      t3, t0
    mv      t4, t0
    mv      t5, t0
    mv      t6, t0
    mv      a2, t0
    mv      a3, t0
    mv      a4, t0
    mv      a5, t0
    mv      s4, sp
    SBI     SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION
    li      s5, 0
    .irp r, t0, t1, t2, t3, t4, t5, t6, a2, a3, a4, a5
    xori    s6, \r, MARKER
    or      s5, s5, s6
    .endr
    xor     s6, sp, s4
    or      s5, s5, s6
    bnez    s5, 1f
    SAY     "registers preserved across ecall\n"
    j       2f
1:  SAY     "registers CLOBBERED by ecall\n"
2:
    # --- HSM ----------------------------------------------------------------------------------
    mv      a0, s0
    SBI     SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS
    REPORT  "hsm.hart_get_status(boot hart)"
    li      a0, OTHER_HART
    SBI     SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS
    REPORT  "hsm.hart_get_status(1)"
    li      a0, OTHER_HART
    SBI     SBI_EXT_HSM, SBI_HSM_HART_START
    REPORT  "hsm.hart_start(1)"
    li      a0, 0
    SBI     SBI_EXT_HSM, SBI_HSM_HART_START
    REPORT  "hsm.hart_start(boot hart)"
    li      a0, 1
    li      a1, 0
    SBI     SBI_EXT_IPI, SBI_IPI_SEND_IPI
    REPORT  "ipi.send_ipi(boot hart)"
    li      a0, 1
    li      a1, OTHER_HART
    SBI     SBI_EXT_IPI, SBI_IPI_SEND_IPI
    REPORT  "ipi.send_ipi(hart 1, stopped or absent)"
    li      a0, 1
    li      a1, 0x100
    SBI     SBI_EXT_IPI, SBI_IPI_SEND_IPI
    REPORT  "ipi.send_ipi(hart 0x100)"
    li      a0, 0
    li      a1, SBI_HART_MASK_BASE_ALL
    SBI     SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_FENCE_I
    REPORT  "rfence.remote_fence_i(all)"
    li      a0, 1
    li      a1, 0
    li      a2, 0
    li      a3, 0
    SBI     SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA
    REPORT  "rfence.remote_sfence_vma(boot hart)"
    csrr    a0, sip
    andi    a1, a0, MIP_SSIP
    csrc    sip, a1
    li      a0, 0
    REPORT  "sip.SSIP after send_ipi to itself"

    # --- legacy console -----------------------------------------------------------------------
    li      a0, '*'
    li      a1, 0x5a5a
    SBI     SBI_EXT_LEGACY_CONSOLE_PUTCHAR
    REPORT  " legacy.console_putchar"
    li      a1, 0x5a5a
    SBI     SBI_EXT_LEGACY_CONSOLE_GETCHAR
    REPORT  "legacy.console_getchar"

    # --- counters S-mode may read (mcounteren) ------------------------------------------------
    rdcycle t0
    rdtime  t0
    rdinstret t0
    SAY     "counters readable from S-mode\n"

    # --- delegated exceptions -----------------------------------------------------------------
breakpoint_insn:
    ebreak
illegal_insn:
    csrr    t0, mhartid                 # an M-mode CSR: illegal in S-mode

    # --- timer: set_timer → supervisor timer interrupt ----------------------------------------
    li      t0, MIE_STIE                # sie.STIE (sie is the S view of mie)
    csrs    sie, t0
    call    read_time                   # a1:a0 = now
    li      t0, TIMER_DELAY
    add     t1, a0, t0
    sltu    t2, t1, a0                  # carry into the high word
    mv      a0, t1
    add     a1, a1, t2
    SBI     SBI_EXT_TIME, SBI_TIME_SET_TIMER
    mv      s2, a0                      # report after the interrupt: on QEMU the deadline may
    mv      s3, a1                      # pass (in real time) while we would be printing
    WAIT_FOR_TIMER_INTERRUPTS 1
    mv      a0, s2
    mv      a1, s3
    REPORT  "time.set_timer(now + delay)"

    li      a0, 0                       # a deadline in the past fires at once
    li      a1, 0
    SBI     SBI_EXT_TIME, SBI_TIME_SET_TIMER
    mv      s2, a0
    mv      s3, a1
    WAIT_FOR_TIMER_INTERRUPTS 2
    mv      a0, s2
    mv      a1, s3
    REPORT  "time.set_timer(0)"

    # --- SRST ---------------------------------------------------------------------------------
    li      a0, BAD_RESET_TYPE
    li      a1, SBI_SRST_REASON_NONE
    SBI     SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET
    REPORT  "srst.system_reset(bad type)"
    li      a0, SBI_SRST_TYPE_SHUTDOWN
    li      a1, BAD_RESET_REASON
    SBI     SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET
    REPORT  "srst.system_reset(bad reason)"
    SAY     "resetting\n"
    li      a0, RESET_TYPE
    li      a1, RESET_REASON
    SBI     SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET
    REPORT  "srst.system_reset RETURNED"
1:  j       1b

# read_time() → a1:a0 = the 64-bit time CSR (high read twice to catch a carry between halves).
read_time:
1:  rdtimeh a1
    rdtime  a0
    rdtimeh t0
    bne     a1, t0, 1b
    ret

# --- S-mode trap handler ----------------------------------------------------------------------
# Timer interrupts: count, print, and disarm the timer (set_timer to never also clears the
# pending bit). Breakpoint and illegal instruction: print and step over. Anything else: report
# and shut down with SYSTEM_FAILURE.
    .balign 4
s_trap_vector:
    addi    sp, sp, -TRAP_FRAME
    sw      ra, 0(sp)
    sw      t0, 4(sp)
    sw      t1, 8(sp)
    sw      t2, 12(sp)
    sw      t3, 16(sp)
    sw      t4, 20(sp)
    sw      t5, 24(sp)
    sw      t6, 28(sp)
    sw      a0, 32(sp)
    sw      a1, 36(sp)
    sw      a2, 40(sp)
    sw      a3, 44(sp)
    sw      a4, 48(sp)
    sw      a5, 52(sp)
    sw      a6, 56(sp)
    sw      a7, 60(sp)
    csrr    s7, scause
    li      t0, CAUSE_INTERRUPT | INTR_SUPERVISORTIMER
    beq     s7, t0, s_timer
    li      t0, CAUSE_BREAKPOINT
    beq     s7, t0, s_exception
    li      t0, CAUSE_ILLEGALINSTRUCTION
    beq     s7, t0, s_exception
    SAY     "UNEXPECTED trap: scause="
    mv      a0, s7
    call    put_hex
    SAY     " sepc="
    csrr    a0, sepc
    call    put_hex
    li      a0, '\n'
    call    putc
    li      a0, SBI_SRST_TYPE_SHUTDOWN
    li      a1, SBI_SRST_REASON_SYSTEM_FAILURE
    SBI     SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET
1:  j       1b

s_timer:
    SAY     "trap: scause="
    mv      a0, s7
    call    put_hex
    SAY     " (supervisor timer, delegated)\n"
    lw      t0, timer_interrupts
    addi    t0, t0, 1
    sw      t0, timer_interrupts, t1
    li      a0, TIMER_NEVER
    li      a1, TIMER_NEVER
    SBI     SBI_EXT_TIME, SBI_TIME_SET_TIMER
    csrr    t0, sip
    andi    t0, t0, MIP_STIP
    beqz    t0, s_trap_return
    SAY     "sip.STIP still set after set_timer\n"
    j       s_trap_return

s_exception:
    SAY     "trap: scause="
    mv      a0, s7
    call    put_hex
    li      t0, CAUSE_ILLEGALINSTRUCTION
    bne     s7, t0, 1f
    SAY     " stval="                   # the instruction word (for ebreak, stval may be 0 or
    csrr    a0, stval                   # the pc: QEMU 7.2 gives 0, so it is not printed)
    call    put_hex
1:  SAY     " sepc=entry+"
    csrr    a0, sepc
    la      t0, payload_entry
    sub     a0, a0, t0
    call    put_hex
    SAY     " (delegated exception)\n"
    csrr    t0, sepc
    addi    t0, t0, INSN_BYTES
    csrw    sepc, t0

s_trap_return:
    lw      ra, 0(sp)
    lw      t0, 4(sp)
    lw      t1, 8(sp)
    lw      t2, 12(sp)
    lw      t3, 16(sp)
    lw      t4, 20(sp)
    lw      t5, 24(sp)
    lw      t6, 28(sp)
    lw      a0, 32(sp)
    lw      a1, 36(sp)
    lw      a2, 40(sp)
    lw      a3, 44(sp)
    lw      a4, 48(sp)
    lw      a5, 52(sp)
    lw      a6, 56(sp)
    lw      a7, 60(sp)
    addi    sp, sp, TRAP_FRAME
    sret

# --- console through the SBI ------------------------------------------------------------------

# putc(a0 = byte). Clobbers a0, a6, a7.
putc:
    SBI     SBI_EXT_LEGACY_CONSOLE_PUTCHAR
    ret

# puts(a0 = string). Clobbers a0, a6, a7, t0.
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

# put_hex(a0): "0x" and eight hex digits. Clobbers a0, a6, a7, t0-t2.
put_hex:
    addi    sp, sp, -16
    sw      ra, 12(sp)
    sw      s0, 8(sp)
    sw      s1, 4(sp)
    mv      s0, a0
    li      a0, '0'
    call    putc
    li      a0, 'x'
    call    putc
    li      s1, 8
1:  srli    t0, s0, 28
    slli    s0, s0, 4
    la      t1, hex_digits
    add     t1, t1, t0
    lbu     a0, 0(t1)
    call    putc
    addi    s1, s1, -1
    bnez    s1, 1b
    lw      s1, 4(sp)
    lw      s0, 8(sp)
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
    li      t1, 10
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

    .section .rodata
hex_digits:
    .ascii  "0123456789abcdef"

    .data
    .balign 4
timer_interrupts:
    .word   0

    .bss
    .balign 16
stack:
    .space  STACK_SIZE
stack_top:
