# ktest_lib.S — helpers for the kernel's test programs (guests/user/ktest_*.S, run by
# test/kernel/). Included after lib/user.S; emits no code or data by itself.
#
#   report "label"      print "label 0x<a0 in hex>" on a line of its own; a0 is kept
#   say "text"          print the text and a newline
#
# s10 and s11 belong to these macros (the test programs keep their state in s0..s9).

    .equ KT_FD_STDIN, 0
    .equ KT_FD_STDERR, 2

    .macro report label
    .pushsection .rodata
.Lreport_label\@:
    .asciz  "\label "
    .popsection
    mv      s10, a0
    la      a0, .Lreport_label\@
    call    put_str
    mv      a0, s10
    call    put_hex
    li      a0, '\n'
    call    put_char
    call    put_flush
    mv      a0, s10
    .endm

    .macro say text
    .pushsection .rodata
.Lsay_text\@:
    .asciz  "\text"
    .popsection
    la      a0, .Lsay_text\@
    call    print_line
    .endm
