# cbench start-up: M-mode entry at RAM base (QEMU virt's -bios none -kernel convention).
#
# bench_mode (a word patched by symbol) chooses how main() runs:
#   0  in M-mode, no translation;
#   1  in S-mode with Sv32 on (the tables of ../sv32-bench.inc: 4 KiB pages for RAM's first
#      4 MiB — code, data, stack — and identity megapages for the test device and the UART).
# main() returns the checksum; then we power off through the SiFive test device.

    .include "../sv32-bench.inc"
    .equ MODE_SUPERVISOR_SV32, 1

    .section .text.start
    .globl _start
_start:
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    la      sp, stack_top
    PMP_OPEN_ALL

    lw      t0, bench_mode
    li      t1, MODE_SUPERVISOR_SV32
    bne     t0, t1, run_main
    SV32_BENCH_TABLES pt_root, pt_level0
    SV32_PREPARE_SUPERVISOR pt_root, run_main
    mret

run_main:
    call    main
    li      t0, TEST_BASE
    li      t1, FINISHER_PASS
    sw      t1, 0(t0)
1:  j       1b

    .data
    .balign 4
    .globl bench_mode
bench_mode:
    .word   MODE_SUPERVISOR_SV32

    SV32_BENCH_TABLE_SPACE
    .space  16384
stack_top:
