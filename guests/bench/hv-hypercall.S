# hv-hypercall.S — the paravirtual counterpart of hv-exits.S, behind the `hypercall` row of
# src/harness/host-bench.ts: a kernel-less loop of the cheapest hypercall, run as the guest
# kernel (virtual S-mode) of a VM under the paravirt interface.
#
#   hc_loop:  `iterations` EVENT_CHECK hypercalls (ecall with a7 = PV_EXT, a6 = function; the
#             hypercall preserves every register but a0/a1, so a6/a7 are set once, as the CSR
#             write in hv-exits.S's loop needs no set-up either).
#
# `iterations` is patched by symbol (0 = the fixed costs only, for the difference). Ends with
# SBI SRST shutdown (an ordinary SBI call: the PV interface leaves other extensions alone).

    .include "../include/gen/sbi.S"
    .include "../include/gen/hypercalls.S"

    .text
    .globl _start
_start:
    la      t0, iterations
    lw      s0, 0(t0)
    beqz    s0, done
    li      a7, PV_EXT
    li      a6, HC_EVENT_CHECK
1:  ecall
    addi    s0, s0, -1
    bnez    s0, 1b

done:
    li      a7, SBI_EXT_SRST
    li      a6, SBI_SRST_SYSTEM_RESET
    li      a0, SBI_SRST_TYPE_SHUTDOWN
    li      a1, SBI_SRST_REASON_NONE
    ecall
3:  j       3b

    .data
    .balign 4
    .globl iterations
iterations: .word 1000
