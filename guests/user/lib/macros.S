# macros.S — the small vocabulary the workloads are written in.
#
#   param NAME, DEFAULT         declare a parameter: a global word in .data that the image
#                               builder patches by symbol name (src/guest/image.ts)
#   load_param REG, NAME        REG = the parameter's current value
#   ck_fold HASH, WORD, PRIME   fold WORD into the running checksum HASH (PRIME holds FNV_PRIME)
#   check_eq X, Y, "message"    fail (print why, exit 1) unless X == Y
#   check_ok REG, "message"     fail unless REG >= 0, i.e. a system call did not return an error
#   check_nonzero REG, "message"
#   print_param NAME            append " NAME=<value>" to the result line being built
#
# A failed check calls `fail` (runtime.S) with a0 = the message and a1 = the offending value:
#       FAIL <workload>: <message> (got 0x........)
# Check messages are stored in .rodata next to nothing else; each check costs one branch when
# it passes, so checks may sit inside measured loops.

# ---- parameters --------------------------------------------------------------------------

    .macro param name, default
    .pushsection .data
    .balign 4
    .globl  \name
\name:
    .word   \default
    .popsection
    .endm

    .macro load_param reg, name
    la      \reg, \name
    lw      \reg, 0(\reg)
    .endm

# ---- checksum ----------------------------------------------------------------------------
# A 32-bit FNV-1a-style hash over words: hash = (hash ^ word) * FNV_PRIME, starting from
# FNV_OFFSET_BASIS (Fowler, Noll, Vo; http://www.isthe.com/chongo/tech/comp/fnv/). The same
# fold is in src/guest/workloads.ts, which computes every result line the guest must print.

    .equ FNV_OFFSET_BASIS, 0x811c9dc5
    .equ FNV_PRIME, 0x01000193

    .macro ck_fold hash, word, prime
    xor     \hash, \hash, \word
    mul     \hash, \hash, \prime
    .endm

# ---- self-checks -------------------------------------------------------------------------

    .macro fail_with message, value
    .pushsection .rodata
.Lfail_message\@:
    .asciz  "\message"
    .popsection
    mv      a1, \value
    la      a0, .Lfail_message\@
    j       fail
    .endm

    .macro check_eq x, y, message
    beq     \x, \y, .Lcheck_passed\@
    fail_with "\message", \x
.Lcheck_passed\@:
    .endm

    .macro check_ok reg, message
    bgez    \reg, .Lcheck_passed\@
    fail_with "\message", \reg
.Lcheck_passed\@:
    .endm

    .macro check_nonzero reg, message
    bnez    \reg, .Lcheck_passed\@
    fail_with "\message", \reg
.Lcheck_passed\@:
    .endm

# ---- the result line ---------------------------------------------------------------------
# A workload prints exactly one result line:
#       result <workload> <param>=<value> ... checksum=0x<8 hex digits>
# built with  call result_begin / print_param NAME ... / mv a0, HASH; call result_end.

    .macro print_param name
    .pushsection .rodata
.Lparam_name\@:
    .asciz  "\name"
    .popsection
    la      a0, .Lparam_name\@
    load_param a1, \name
    call    result_param
    .endm
