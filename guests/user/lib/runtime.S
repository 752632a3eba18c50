# runtime.S — the library's routines, included at the end of every workload.
#
# Console output is built in a line buffer and written with one write(FD_STDOUT, ...) per
# flush, so a result line reaches the console in a single system call:
#
#   put_char(a0 = byte)           append one byte
#   put_str(a0 = NUL-terminated)  append a string
#   put_dec(a0 = unsigned)        append a number in decimal, 10 digits zero-padded
#   put_hex(a0 = word)            append 0x and 8 hex digits
#   put_flush()                   write the buffer out (a full buffer flushes by itself)
#   print_line(a0 = string)       put_str, a newline, put_flush
#
#   result_begin()                start the result line: "result <workload_name>"
#   result_param(a0 = name, a1 = value)   " name=value" (value in 10 digits)
#   result_end(a0 = checksum)     " checksum=0x........", newline, flush
#   fail(a0 = message, a1 = value)        "FAIL <workload_name>: message (got 0x........)",
#                                 then exit(EXIT_FAILURE); never returns
#   checksum_words(a0 = hash, a1 = address, a2 = word count) -> a0 = hash folded over them
#
# Every routine follows the RISC-V calling convention: a0..a7 and t0..t6 may be clobbered,
# s0..s11 and sp are preserved. Each workload defines `workload_name`, its name as a string.

    .equ OUT_BUFFER_SIZE, 128
    .equ DECIMAL_RADIX, 10
    .equ MAX_DECIMAL_DIGITS, 10         # 4294967295
    .equ HEX_DIGIT_BITS, 4
    .equ HEX_DIGIT_MASK, 0xf
    .equ HEX_DIGITS_PER_WORD, 8

    .text

# put_char(a0 = byte)
put_char:
    la      t0, out_length
    lw      t1, 0(t0)
    la      t2, out_buffer
    add     t2, t2, t1
    sb      a0, 0(t2)
    addi    t1, t1, 1
    sw      t1, 0(t0)
    li      t2, OUT_BUFFER_SIZE
    beq     t1, t2, put_flush           # full: write it out (tail call)
    ret

# put_flush(): write the buffered bytes to the console and empty the buffer.
put_flush:
    la      t0, out_length
    lw      a2, 0(t0)
    beqz    a2, 1f
    sw      zero, 0(t0)
    la      a1, out_buffer
    li      a0, FD_STDOUT
    sys_write
1:  ret

# put_str(a0 = NUL-terminated string)
put_str:
    addi    sp, sp, -16
    sw      ra, 12(sp)
    sw      s0, 8(sp)
    mv      s0, a0
1:  lbu     a0, 0(s0)
    beqz    a0, 2f
    call    put_char
    addi    s0, s0, 1
    j       1b
2:  lw      s0, 8(sp)
    lw      ra, 12(sp)
    addi    sp, sp, 16
    ret

# put_dec(a0 = unsigned number): always MAX_DECIMAL_DIGITS digits, zero-padded (%010u), so a
# result line has the same length whatever N is: a run with N operations and one with none then
# print exactly as many bytes, and their difference is the operations' alone. The digits are
# produced last-first into a small buffer on the stack, then appended in order.
put_dec:
    addi    sp, sp, -32
    sw      ra, 28(sp)
    sw      s0, 24(sp)
    sw      s1, 20(sp)
    addi    s0, sp, MAX_DECIMAL_DIGITS  # one past the last digit slot (slots sp+0..sp+9)
    mv      s1, s0
    li      t1, DECIMAL_RADIX
1:  remu    t2, a0, t1
    divu    a0, a0, t1
    addi    t2, t2, '0'
    addi    s0, s0, -1
    sb      t2, 0(s0)
    bne     s0, sp, 1b                  # every slot, leading zeros included
2:  lbu     a0, 0(s0)
    call    put_char
    addi    s0, s0, 1
    bne     s0, s1, 2b
    lw      s1, 20(sp)
    lw      s0, 24(sp)
    lw      ra, 28(sp)
    addi    sp, sp, 32
    ret

# put_hex(a0 = word): "0x" and eight lowercase hex digits, most significant first.
put_hex:
    addi    sp, sp, -16
    sw      ra, 12(sp)
    sw      s0, 8(sp)
    sw      s1, 4(sp)
    mv      s0, a0
    li      a0, '0'
    call    put_char
    li      a0, 'x'
    call    put_char
    li      s1, (HEX_DIGITS_PER_WORD - 1) * HEX_DIGIT_BITS   # shift of the next digit: 28, 24, ..., 0
1:  srl     a0, s0, s1
    andi    a0, a0, HEX_DIGIT_MASK
    la      t0, hex_digits              # a table, not a branch: every value prints in the same
    add     t0, t0, a0                  # number of instructions (a checksum must not change
    lbu     a0, 0(t0)                   # what the run it ends costs)
    call    put_char
    addi    s1, s1, -HEX_DIGIT_BITS
    bgez    s1, 1b
    lw      s1, 4(sp)
    lw      s0, 8(sp)
    lw      ra, 12(sp)
    addi    sp, sp, 16
    ret

# print_line(a0 = string): the string and a newline, written out at once.
print_line:
    addi    sp, sp, -16
    sw      ra, 12(sp)
    call    put_str
    li      a0, '\n'
    call    put_char
    call    put_flush
    lw      ra, 12(sp)
    addi    sp, sp, 16
    ret

# result_begin(): "result <workload_name>"
result_begin:
    addi    sp, sp, -16
    sw      ra, 12(sp)
    la      a0, str_result
    call    put_str
    la      a0, workload_name
    call    put_str
    lw      ra, 12(sp)
    addi    sp, sp, 16
    ret

# result_param(a0 = name, a1 = value): " name=value"
result_param:
    addi    sp, sp, -16
    sw      ra, 12(sp)
    sw      s0, 8(sp)
    sw      s1, 4(sp)
    mv      s0, a0
    mv      s1, a1
    li      a0, ' '
    call    put_char
    mv      a0, s0
    call    put_str
    li      a0, '='
    call    put_char
    mv      a0, s1
    call    put_dec
    lw      s1, 4(sp)
    lw      s0, 8(sp)
    lw      ra, 12(sp)
    addi    sp, sp, 16
    ret

# result_end(a0 = checksum): " checksum=0x........" and the end of the line.
result_end:
    addi    sp, sp, -16
    sw      ra, 12(sp)
    sw      s0, 8(sp)
    mv      s0, a0
    la      a0, str_checksum
    call    put_str
    mv      a0, s0
    call    put_hex
    li      a0, '\n'
    call    put_char
    call    put_flush
    lw      s0, 8(sp)
    lw      ra, 12(sp)
    addi    sp, sp, 16
    ret

# fail(a0 = message, a1 = value): report a failed self-check and exit(EXIT_FAILURE).
fail:
    mv      s0, a0
    mv      s1, a1
    call    put_flush                   # whatever was pending goes out first
    la      a0, str_fail
    call    put_str
    la      a0, workload_name
    call    put_str
    la      a0, str_colon
    call    put_str
    mv      a0, s0
    call    put_str
    la      a0, str_got
    call    put_str
    mv      a0, s1
    call    put_hex
    la      a0, str_close
    call    print_line
    li      a0, EXIT_FAILURE
    sys_exit
    unimp                               # not reached: exit does not return

# checksum_words(a0 = hash, a1 = address, a2 = count): fold `count` words into the hash.
checksum_words:
    li      t0, FNV_PRIME
    beqz    a2, 2f
1:  lw      t1, 0(a1)
    ck_fold a0, t1, t0
    addi    a1, a1, 4
    addi    a2, a2, -1
    bnez    a2, 1b
2:  ret

    .section .rodata
hex_digits:     .ascii "0123456789abcdef"
str_result:     .asciz "result "
str_checksum:   .asciz " checksum="
str_fail:       .asciz "FAIL "
str_colon:      .asciz ": "
str_got:        .asciz " (got "
str_close:      .asciz ")"

    # In .data, not .bss: the program image is mapped when it is loaded, while .bss (and the
    # heap that follows it in the same page) is demand-zero. A workload that touches heap pages
    # in its loop would otherwise take, in its run with 0 operations only, the fault that maps
    # this buffer for the result line — and the difference of the two runs would be off by it.
    .data
    .balign 4
out_length:     .space 4
out_buffer:     .space OUT_BUFFER_SIZE
