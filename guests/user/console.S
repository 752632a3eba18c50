# console.S — the cost of console output.
#
# Each operation is one write() of `bytes` bytes to the console. Natively the kernel's console
# driver stores them into the NS16550A UART one by one; under trap-and-emulate every one of
# those MMIO accesses exits to the hypervisor's device model, while a paravirtualized kernel
# hands the hypervisor the whole buffer in one hypercall (Barham et al. 2003's console ring;
# Adams & Agesen 2006 measure the single-access exit as "in"/"out").
#
#   operation   one write(FD_STDOUT, payload, bytes)
#   parameters  iterations   number of writes
#               bytes        bytes per write, 1..CONSOLE_MAX_BYTES
#   output      N * bytes payload bytes — byte k of each write is PAYLOAD_ALPHABET[k mod 64] —
#               then a newline (also when N = 0), then the result line
#   result      result console iterations=N bytes=B checksum=H
#               H folds the N values write returned (B each)
#   self-checks every write returns B

    .include "lib/user.S"

    param   iterations, 100
    param   bytes, 64

    .equ CONSOLE_MAX_BYTES, 4096
    .equ ALPHABET_MASK, 63              # the alphabet has 64 characters

    .text
    .globl  _start
_start:
    load_param s0, iterations           # s0 = N
    load_param s3, bytes                # s3 = B
    li      s11, FNV_PRIME
    li      s2, FNV_OFFSET_BASIS        # s2 = checksum
    check_nonzero s3, "bytes must be at least 1"
    li      t0, CONSOLE_MAX_BYTES
    bgtu    s3, t0, too_many_bytes

    # Setup: payload[k] = alphabet[k & 63], k = 0..B-1.
    la      s4, payload                 # s4 = payload
    la      t1, alphabet
    li      t0, 0
fill:
    andi    t2, t0, ALPHABET_MASK
    add     t2, t1, t2
    lbu     t2, 0(t2)
    add     t3, s4, t0
    sb      t2, 0(t3)
    addi    t0, t0, 1
    bne     t0, s3, fill

    # Warm-up write, not counted, in the run with 0 operations too (it is output like the
    # others): the first write walks the console driver's cold paths, which every later one
    # finds warm, so the measured writes all cost the same.
    li      a0, FD_STDOUT
    mv      a1, s4
    mv      a2, s3
    sys_write
    check_eq a0, s3, "write did not write every byte"

    li      s1, 0                       # s1 = i
loop:
    beq     s1, s0, done
    li      a0, FD_STDOUT
    mv      a1, s4
    mv      a2, s3
    sys_write
    check_eq a0, s3, "write did not write every byte"
    ck_fold s2, a0, s11
    addi    s1, s1, 1
    j       loop

done:
    la      a0, empty
    call    print_line                  # end the payload's line
    call    result_begin
    print_param iterations
    print_param bytes
    mv      a0, s2
    call    result_end
    li      a0, EXIT_SUCCESS
    sys_exit
    unimp                               # not reached

too_many_bytes:
    fail_with "bytes is larger than CONSOLE_MAX_BYTES (4096)", s3

    .section .rodata
    .globl  workload_name
workload_name:
    .asciz  "console"
alphabet:
    .ascii  "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/"
empty:
    .asciz  ""

    .bss
    .balign 4
payload:
    .space  CONSOLE_MAX_BYTES

    .include "lib/runtime.S"
