# firmware.S — pvlab's machine-mode firmware: a small SBI implementation for QEMU's virt board.
#
# What it does, in the order a boot sees it (docs/firmware.md has the whole story):
#   boot.S        reset entry in M-mode: trap vector, PMP, delegation of traps to S-mode,
#                 counters, the timer disarmed; then mret into the S-mode payload at
#                 FW_PAYLOAD_ADDR (0x8020_0000) with a0 = hart id, a1 = the device tree address
#                 it was given.
#   trap.S        every trap that reaches M-mode: SBI calls (ecall from S), the machine timer
#                 interrupt (forwarded to S-mode as a supervisor timer interrupt), and a panic
#                 line on the UART plus a failing power-off for anything else.
#   sbi-calls.S   the SBI calls: base, TIME set_timer, SRST system_reset, legacy console
#                 putchar/getchar; the extension table and dispatch.
#   hsm.S         HSM: where harts other than the boot hart wait, hart_start, hart_stop,
#                 hart_get_status.
#   ipi.S         IPI send_ipi and RFENCE remote fences, by machine software interrupts.
#   console.S     polled NS16550A output/input and hex printing for the panic line.
#
# The same source builds with pvlab's assembler and with GNU as (add `-I guests/firmware` so
# the .include lines resolve), and runs unchanged on
#   qemu-system-riscv32 -M virt -bios none -kernel image.elf
# where QEMU's reset code enters it at 0x8000_0000 with a0 = hart id, a1 = FDT address.

    .include "../include/gen/riscv.S"
    .include "../include/gen/virt.S"
    .include "../include/gen/sbi.S"
    .include "fw-defs.S"

    .include "boot.S"
    .include "trap.S"
    .include "sbi-calls.S"
    .include "hsm.S"
    .include "ipi.S"
    .include "console.S"

# ---------------------------------------------------------------------------------------------
# Each hart's data (fw-defs.S, HART_*): its HSM state — the boot hart STARTED, every other
# STOPPED until a hart_start — and the requests other harts post to it.
    .data
    .balign HART_DATA_SIZE
fw_hart_data:
    .set    fw_hart, 0
    .rept   FW_MAX_HARTS
    .if     fw_hart == FW_BOOT_HART
    .word   SBI_HSM_STATE_STARTED
    .else
    .word   SBI_HSM_STATE_STOPPED
    .endif
    .space  HART_DATA_SIZE - REGBYTES
    .set    fw_hart, fw_hart + 1
    .endr

# Machine-mode memory: one stack per hart, hart h's the h-th from the top, with the hart's trap
# frame at its top (THIS_HART_FRAME).
    .bss
    .balign 16
fw_stack:
    .space  FW_MAX_HARTS * FW_STACK_SIZE
fw_stack_top:
