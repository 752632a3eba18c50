# compute.S — pure computation: the cost of code that never enters the kernel.
#
# The control group of every comparison, like the SPEC INT bars of Barham et al. (SOSP 2003,
# Figure 3): user code runs directly on the processor under every technique, so its cost should
# not change — except for what timer interrupts and TLB misses add while it runs (see timer.S
# for the interrupts on purpose). Each step is a xorshift32 random-number step (Marsaglia 2003)
# and a read-modify-write of a table word, so it exercises the ALU, the multiplier (the
# checksum) and data memory.
#
#   operation   one step: x = xorshift32(x); table[x & (TABLE_WORDS - 1)] += x; fold that word
#   parameters  iterations   number of steps
#   result      result compute iterations=N checksum=H
#               x starts at COMPUTE_SEED, the table (TABLE_WORDS words) at zero; H folds the
#               updated table word of every step
#   self-checks none needed: the result line is the check

    .include "lib/user.S"

    param   iterations, 100000

    .equ COMPUTE_SEED, 2463534242       # the example seed of Marsaglia's "Xorshift RNGs" (2003)
    .equ TABLE_WORDS, 2048              # 8 KiB: two pages
    .equ WORD_SHIFT, 2

    .text
    .globl  _start
_start:
    load_param s0, iterations           # s0 = N
    li      s11, FNV_PRIME
    li      s2, FNV_OFFSET_BASIS        # s2 = checksum
    li      s3, COMPUTE_SEED            # s3 = x
    la      s4, table                   # s4 = table

    # Setup: store to every page of the table, so the loop itself takes no page fault.
    mv      t0, s4
    li      t1, TABLE_WORDS << WORD_SHIFT
    add     t1, s4, t1
    li      t2, PAGE_SIZE
touch:
    sw      zero, 0(t0)
    add     t0, t0, t2
    bltu    t0, t1, touch
    # Warm-up: load and store every page of the table again once the kernel has mapped them all
    # (its fences, and a hypervisor's flush at each world switch, dropped the translations touch
    # made), so the first measured iteration finds them in the TLB as every later one does. Both
    # access types: loads and stores have TLBs of their own, and the loop does both.
    mv      t0, s4
warm:
    lw      t3, 0(t0)
    sw      t3, 0(t0)
    add     t0, t0, t2
    bltu    t0, t1, warm

    li      s1, 0                       # s1 = i
loop:
    beq     s1, s0, done
    slli    t0, s3, 13                  # xorshift32 (13, 17, 5)
    xor     s3, s3, t0
    srli    t0, s3, 17
    xor     s3, s3, t0
    slli    t0, s3, 5
    xor     s3, s3, t0
    andi    t1, s3, TABLE_WORDS - 1
    slli    t1, t1, WORD_SHIFT
    add     t1, s4, t1
    lw      t2, 0(t1)
    add     t2, t2, s3
    sw      t2, 0(t1)
    ck_fold s2, t2, s11
    addi    s1, s1, 1
    j       loop

done:
    call    result_begin
    print_param iterations
    mv      a0, s2
    call    result_end
    li      a0, EXIT_SUCCESS
    sys_exit
    unimp                               # not reached

    .section .rodata
    .globl  workload_name
workload_name:
    .asciz  "compute"

    .bss
    .balign PAGE_SIZE                  # the table starts on a page
table:
    .space  TABLE_WORDS << WORD_SHIFT

    .include "lib/runtime.S"
