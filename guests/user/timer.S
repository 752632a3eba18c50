# timer.S — the cost of timer interrupts, measured on compute long enough to suffer many.
#
# The kernel's scheduler tick is a timer interrupt that arrives however busy the program is —
# when it runs: the kernel ticks only while another process waits to run, or while the running
# one asked for it (tick(1)), which this workload does around its measured loop.
# Natively a tick costs a trap, the kernel's handler and an SBI call to set the next deadline
# (an ecall to the firmware); under trap-and-emulate the hypervisor must also inject the
# virtual interrupt and emulate every privileged instruction of the handler, and under
# paravirtualization the deadline is a hypercall. This workload runs fixed chunks of
# register-only computation — no memory, no system calls — so that the difference between
# techniques is the interrupts (cf. the clock-interrupt overheads discussed by Adams & Agesen
# 2006 and Barham et al. 2003).
#
#   operation   one chunk: `chunk` xorshift32 steps summed in registers, then one fold of the sum
#               into the checksum. Its cost includes the timer interrupts that land in it, so
#               (per-operation cycles - chunk's own instructions) / (timer interrupts per
#               operation, from the trap counters) is the cost of one tick.
#   parameters  iterations   number of chunks
#               chunk        xorshift32 steps per chunk
#   result      result timer iterations=N chunk=C checksum=H
#               x starts at TIMER_SEED and runs on across chunks; the sum starts at 0 and runs on
#               too; H folds the sum after each chunk. Interrupts must not change it.
#   self-checks none: the result line is the check (an interrupt that corrupted a register
#               would change it)

    .include "lib/user.S"

    param   iterations, 100
    param   chunk, 100000

    .equ TIMER_SEED, 2463534242         # the example seed of Marsaglia's "Xorshift RNGs" (2003)

    .text
    .globl  _start
_start:
    load_param s0, iterations           # s0 = N
    load_param s5, chunk                # s5 = C
    li      s11, FNV_PRIME
    li      s2, FNV_OFFSET_BASIS        # s2 = checksum
    li      s3, TIMER_SEED              # s3 = x
    li      s4, 0                       # s4 = sum

    li      a0, 1                       # the tick runs even while this process runs alone
    sys_tick
    li      s1, 0                       # s1 = chunk number
loop:
    beq     s1, s0, done
    mv      t1, s5                      # t1 = steps left in this chunk
    beqz    t1, chunk_done
step:
    slli    t0, s3, 13                  # xorshift32 (13, 17, 5)
    xor     s3, s3, t0
    srli    t0, s3, 17
    xor     s3, s3, t0
    slli    t0, s3, 5
    xor     s3, s3, t0
    add     s4, s4, s3
    addi    t1, t1, -1
    bnez    t1, step
chunk_done:
    ck_fold s2, s4, s11
    addi    s1, s1, 1
    j       loop

done:
    li      a0, 0                       # back to the tick on demand: none while printing
    sys_tick
    call    result_begin
    print_param iterations
    print_param chunk
    mv      a0, s2
    call    result_end
    li      a0, EXIT_SUCCESS
    sys_exit
    unimp                               # not reached

    .section .rodata
    .globl  workload_name
workload_name:
    .asciz  "timer"

    .include "lib/runtime.S"
