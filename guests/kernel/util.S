# util.S — small library routines: memory copy/fill, strings, formatted console output
# (kprintf), panic and power-off. Standard calling convention throughout (arguments in a0..,
# result in a0; t*, a* and ra clobbered, s* preserved).

        .text

# ---------------------------------------------------------------------------------------------
# memset(a0 = dst, a1 = byte, a2 = len): fill. Word stores when dst and len allow.
# ---------------------------------------------------------------------------------------------
        .globl memset
memset:
        or      t0, a0, a2
        andi    t0, t0, 3
        add     t1, a0, a2                      # end
        mv      t2, a0
        bnez    t0, 2f
        andi    t3, a1, 0xff                    # replicate the byte into a word
        slli    t4, t3, 8
        or      t3, t3, t4
        slli    t4, t3, 16
        or      t3, t3, t4
1:      bgeu    t2, t1, 3f
        sw      t3, 0(t2)
        addi    t2, t2, 4
        j       1b
2:      bgeu    t2, t1, 3f
        sb      a1, 0(t2)
        addi    t2, t2, 1
        j       2b
3:      ret

# ---------------------------------------------------------------------------------------------
# memcpy(a0 = dst, a1 = src, a2 = len): copy (regions must not overlap). Word copies when
# both addresses and the length are multiples of 4.
# ---------------------------------------------------------------------------------------------
        .globl memcpy
memcpy:
        or      t0, a0, a1
        or      t0, t0, a2
        andi    t0, t0, 3
        add     t1, a0, a2                      # end of dst
        mv      t2, a0
        bnez    t0, 2f
1:      bgeu    t2, t1, 3f
        lw      t3, 0(a1)
        sw      t3, 0(t2)
        addi    t2, t2, 4
        addi    a1, a1, 4
        j       1b
2:      bgeu    t2, t1, 3f
        lbu     t3, 0(a1)
        sb      t3, 0(t2)
        addi    t2, t2, 1
        addi    a1, a1, 1
        j       2b
3:      ret

# ---------------------------------------------------------------------------------------------
# page_zero(a0 = page): zero one page, four words per iteration (the hot path of demand-zero
# faults and page-table allocation).
# ---------------------------------------------------------------------------------------------
        .globl page_zero
page_zero:
        li      t0, PAGE_SIZE
        add     t0, a0, t0
1:      sw      zero, 0(a0)
        sw      zero, 4(a0)
        sw      zero, 8(a0)
        sw      zero, 12(a0)
        addi    a0, a0, 16
        bltu    a0, t0, 1b
        ret

# page_copy(a0 = dst page, a1 = src page): copy one page (fork's hot path).
        .globl page_copy
page_copy:
        li      t0, PAGE_SIZE
        add     t0, a0, t0
1:      lw      t1, 0(a1)
        lw      t2, 4(a1)
        lw      t3, 8(a1)
        lw      t4, 12(a1)
        sw      t1, 0(a0)
        sw      t2, 4(a0)
        sw      t3, 8(a0)
        sw      t4, 12(a0)
        addi    a0, a0, 16
        addi    a1, a1, 16
        bltu    a0, t0, 1b
        ret

# ---------------------------------------------------------------------------------------------
# Strings.
# ---------------------------------------------------------------------------------------------

# strlen(a0 = s) -> a0 = length
        .globl strlen
strlen:
        mv      t0, a0
1:      lbu     t1, 0(t0)
        beqz    t1, 2f
        addi    t0, t0, 1
        j       1b
2:      sub     a0, t0, a0
        ret

# streq(a0 = s, a1 = t) -> a0 = 1 if the strings are equal, else 0
        .globl streq
streq:
1:      lbu     t0, 0(a0)
        lbu     t1, 0(a1)
        bne     t0, t1, 2f
        beqz    t0, 3f
        addi    a0, a0, 1
        addi    a1, a1, 1
        j       1b
2:      li      a0, 0
        ret
3:      li      a0, 1
        ret

# has_prefix(a0 = s, a1 = prefix) -> a0 = 1 if s starts with prefix, else 0
        .globl has_prefix
has_prefix:
1:      lbu     t1, 0(a1)
        beqz    t1, 3f                          # prefix exhausted: match
        lbu     t0, 0(a0)
        bne     t0, t1, 2f
        addi    a0, a0, 1
        addi    a1, a1, 1
        j       1b
2:      li      a0, 0
        ret
3:      li      a0, 1
        ret

# ---------------------------------------------------------------------------------------------
# kprintf(a0 = format, a1..a5 = arguments): formatted console output.
#   %d signed decimal   %u unsigned decimal   %x 0x and eight hex digits   %s string
#   %c character        %% a percent sign
# The text is gathered in a buffer on the stack and handed to the console in one
# PV_CONSOLE_WRITE (or more, if it is longer than the buffer), so that a paravirt build makes
# one hypercall per message rather than one trap per character.
# ---------------------------------------------------------------------------------------------

.equ KP_BUF_SIZE, 128
.equ KP_ARGS, 0                                 # a1..a5 spilled here, consumed in order
.equ KP_DIGITS, KP_ARGS + 5 * 4                 # scratch for number conversion (12 bytes)
.equ KP_BUF, KP_DIGITS + 12
.equ KP_SAVE, KP_BUF + KP_BUF_SIZE              # ra, s0..s4
.equ KP_FRAME, (KP_SAVE + 6 * 4 + 15) / 16 * 16

# Register use: s0 = format cursor, s1 = next argument, s2 = bytes in the buffer,
# s3 = number being converted, s4 = digit count.

# Hand the buffered text to the console.
.macro KP_FLUSH
        addi    a0, sp, KP_BUF
        mv      a1, s2
        PV_CONSOLE_WRITE
        li      s2, 0
.endm

# Append the byte in register c to the buffer (c must not be t5 or t6).
.macro KP_EMIT c
        addi    t6, sp, KP_BUF
        add     t6, t6, s2
        sb      \c, 0(t6)
        addi    s2, s2, 1
        li      t6, KP_BUF_SIZE
        bne     s2, t6, 98f
        KP_FLUSH
98:
.endm

        .globl kprintf
kprintf:
        addi    sp, sp, -KP_FRAME
        sw      ra, KP_SAVE + 0(sp)
        sw      s0, KP_SAVE + 4(sp)
        sw      s1, KP_SAVE + 8(sp)
        sw      s2, KP_SAVE + 12(sp)
        sw      s3, KP_SAVE + 16(sp)
        sw      s4, KP_SAVE + 20(sp)
        sw      a1, KP_ARGS + 0(sp)
        sw      a2, KP_ARGS + 4(sp)
        sw      a3, KP_ARGS + 8(sp)
        sw      a4, KP_ARGS + 12(sp)
        sw      a5, KP_ARGS + 16(sp)
        mv      s0, a0
        addi    s1, sp, KP_ARGS
        li      s2, 0

.Lkp_next:
        lbu     t0, 0(s0)
        beqz    t0, .Lkp_done
        addi    s0, s0, 1
        li      t1, '%'
        beq     t0, t1, .Lkp_conv
        KP_EMIT t0
        j       .Lkp_next

.Lkp_conv:
        lbu     t0, 0(s0)
        beqz    t0, .Lkp_done                   # a lone % at the end: ignore it
        addi    s0, s0, 1
        li      t1, 'd'
        beq     t0, t1, .Lkp_signed
        li      t1, 'u'
        beq     t0, t1, .Lkp_unsigned
        li      t1, 'x'
        beq     t0, t1, .Lkp_hex
        li      t1, 's'
        beq     t0, t1, .Lkp_string
        li      t1, 'c'
        beq     t0, t1, .Lkp_char
        KP_EMIT t0                              # %% (or an unknown letter): print it as is
        j       .Lkp_next

.Lkp_char:
        lw      t0, 0(s1)
        addi    s1, s1, 4
        KP_EMIT t0
        j       .Lkp_next

.Lkp_string:
        lw      s3, 0(s1)
        addi    s1, s1, 4
1:      lbu     t0, 0(s3)
        beqz    t0, .Lkp_next
        KP_EMIT t0
        addi    s3, s3, 1
        j       1b

.Lkp_hex:
        lw      s3, 0(s1)
        addi    s1, s1, 4
        li      t0, '0'
        KP_EMIT t0
        li      t0, 'x'
        KP_EMIT t0
        li      s4, 8                           # eight nibbles, most significant first
1:      srli    t0, s3, 28
        slli    s3, s3, 4
        li      t1, 10
        bltu    t0, t1, 2f
        addi    t0, t0, 'a' - '0' - 10
2:      addi    t0, t0, '0'
        KP_EMIT t0
        addi    s4, s4, -1
        bnez    s4, 1b
        j       .Lkp_next

.Lkp_signed:
        lw      s3, 0(s1)
        addi    s1, s1, 4
        bgez    s3, .Lkp_udigits
        li      t0, '-'
        KP_EMIT t0
        neg     s3, s3
        j       .Lkp_udigits

.Lkp_unsigned:
        lw      s3, 0(s1)
        addi    s1, s1, 4
.Lkp_udigits:                                   # digits of s3, least significant first
        li      s4, 0
        li      t1, 10
1:      remu    t0, s3, t1
        divu    s3, s3, t1
        addi    t0, t0, '0'
        addi    t2, sp, KP_DIGITS
        add     t2, t2, s4
        sb      t0, 0(t2)
        addi    s4, s4, 1
        bnez    s3, 1b
2:      addi    s4, s4, -1                      # then emitted in reverse
        addi    t2, sp, KP_DIGITS
        add     t2, t2, s4
        lbu     t0, 0(t2)
        KP_EMIT t0
        bnez    s4, 2b
        j       .Lkp_next

.Lkp_done:
        beqz    s2, 1f
        KP_FLUSH
1:      lw      ra, KP_SAVE + 0(sp)
        lw      s0, KP_SAVE + 4(sp)
        lw      s1, KP_SAVE + 8(sp)
        lw      s2, KP_SAVE + 12(sp)
        lw      s3, KP_SAVE + 16(sp)
        lw      s4, KP_SAVE + 20(sp)
        addi    sp, sp, KP_FRAME
        ret

# ---------------------------------------------------------------------------------------------
# panic(a0 = message, a1..a4 = kprintf arguments for it): a kernel bug or an impossible
# condition. Prints "[kernel] panic: <message>" and powers off with a failure status.
# ---------------------------------------------------------------------------------------------
        .globl panic
panic:
        mv      s0, a0                          # never returns: no need to save anything
        mv      s1, a1
        mv      s2, a2
        mv      s3, a3
        mv      s4, a4
        la      a0, msg_panic
        call    kprintf
        mv      a0, s0
        mv      a1, s1
        mv      a2, s2
        mv      a3, s3
        mv      a4, s4
        call    kprintf
        la      a0, msg_newline
        call    kprintf
        li      a0, EXIT_STATUS_KILLED
        tail    kernel_shutdown

# kernel_shutdown(a0 = status): power the machine off with that exit status (natively through
# SBI SRST: reason "none" for status 0, "system failure" otherwise, so that a failing run is
# visible to whoever started the machine). Never returns.
        .globl kernel_shutdown
kernel_shutdown:
        PV_SHUTDOWN
1:      PV_WFI                                  # refused: wait forever
        j       1b

        .section .rodata
msg_panic:
        .asciz  "[kernel] panic: "
msg_newline:
        .asciz  "\n"
