# hv-exits.S — the guest behind `npm run bench:hv`: a kernel-less loop of the two exits that
# matter most under trap-and-emulate, run as the guest kernel (virtual S-mode) of a VM.
#
#   csr_loop:      `iterations` writes of sscratch — each one traps and is emulated.
#   syscall_loop:  `iterations` round trips from virtual U-mode: ecall (reflected to the
#                  guest's handler), the handler steps sepc past it and returns with sret
#                  (emulated) — a reflected system call, as a guest kernel sees it.
#
# `mode` selects the loop (0 = csr, 1 = syscall, 2 = neither: the fixed costs, for the
# difference); `iterations` is patched by symbol. Ends with SBI SRST shutdown.

    .include "../include/gen/riscv.S"
    .include "../include/gen/sbi.S"

    .equ MODE_CSR, 0
    .equ MODE_SYSCALL, 1

    .text
    .globl _start
_start:
    la      t0, iterations
    lw      s0, 0(t0)
    la      t0, mode
    lw      t1, 0(t0)
    li      t2, MODE_CSR
    beq     t1, t2, csr_loop
    li      t2, MODE_SYSCALL
    beq     t1, t2, syscall_setup
    j       done

csr_loop:
    beqz    s0, done
1:  csrw    sscratch, s0
    addi    s0, s0, -1
    bnez    s0, 1b
    j       done

syscall_setup:
    la      t0, trap_handler
    csrw    stvec, t0
    la      t0, user_loop
    csrw    sepc, t0
    li      t0, SSTATUS_SPP
    csrc    sstatus, t0                 # sret goes to U-mode
    sret

# Runs in virtual U-mode with paging off (the guest's bare view): ecall s0 times, then a
# final ecall with a7 = 1 asks the handler to finish.
user_loop:
    beqz    s0, 2f
1:  li      a7, 0
    ecall
    addi    s0, s0, -1
    bnez    s0, 1b
2:  li      a7, 1
    ecall

trap_handler:
    bnez    a7, done
    csrr    t0, sepc
    addi    t0, t0, 4
    csrw    sepc, t0
    sret

done:
    li      a7, SBI_EXT_SRST
    li      a6, SBI_SRST_SYSTEM_RESET
    li      a0, SBI_SRST_TYPE_SHUTDOWN
    li      a1, SBI_SRST_REASON_NONE
    ecall
3:  j       3b

    .data
    .balign 4
    .globl iterations, mode
iterations: .word 1000
mode:       .word MODE_CSR
