/* CSR access rules and WARL values that the specification defines (values are masked to the
 * fields both an implementation with and without optional extensions must agree on), counter
 * gating, TVM/TSR/TW, and Sstc. The M handler prints the cause of every trap and skips the
 * instruction; t6 belongs to it. */
#include "common.inc"

.macro SHOW csr, mask
  csrr a0, \csr
  li t0, \mask
  and a0, a0, t0
  call puthex
.endm

main:
  la t0, m_handler
  csrw mtvec, t0

  SAY "mstatus and sstatus"
  li s0, -1
  csrw mstatus, s0
  SHOW mstatus, 0x007e19aa
  SHOW sstatus, 0x000c0122
  csrw mstatus, zero
  csrw sstatus, s0
  SHOW mstatus, 0x007e19aa
  csrw mstatus, zero

  SAY "delegation and interrupt enables"
  csrw medeleg, s0
  SHOW medeleg, 0xb3ff
  csrw medeleg, zero
  csrw mideleg, s0
  SHOW mideleg, 0xaaa   /* QEMU 7.2 also keeps the VS bits without H */
  csrw mie, s0
  SHOW mie, 0xaaa
  csrw mie, zero
  csrw mip, s0
  SHOW mip, 0x222
  csrw mip, zero
  li t0, 0x222
  csrw mideleg, t0
  csrw sie, s0
  SHOW sie, 0xaaa
  SHOW mie, 0xaaa
  li t0, 0x2
  csrw mideleg, t0
  SHOW sie, 0xaaa
  csrw sie, zero
  SHOW mie, 0xaaa
  li t0, 0x222
  csrw mideleg, t0
  csrw sip, s0
  SHOW sip, 0xaaa
  SHOW mip, 0x222
  csrw mip, zero
  csrw mie, zero
  csrw mideleg, zero

  SAY "read-write forms"
  li t0, 0xf0f0
  csrw mscratch, t0
  li t1, 0x0f0f
  csrrs a0, mscratch, t1
  call puthex
  li t1, 0xf00f
  csrrc a0, mscratch, t1
  call puthex
  csrrwi a0, mscratch, 31
  call puthex
  csrrsi a0, mscratch, 0
  call puthex
  csrrci a0, mscratch, 5
  call puthex
  csrr a0, mscratch
  call puthex
  li t0, 0x80012345
  csrw satp, t0
  csrr a0, satp
  call puthex
  csrw satp, zero
  csrr a0, mhartid
  call puthex
  csrrs a0, mhartid, zero           /* no write: fine */
  csrrsi a0, mhartid, 0
  /* (csrrs a0, mhartid, s1 with s1 = 0 is a write by the spec and so illegal on a read-only
   * CSR, as pvlab does; QEMU 7.2 looks at the value instead. pvlab's own tests cover it.) */
  csrrw zero, mhartid, zero         /* illegal */
  csrrci a0, cycle, 1               /* illegal */

  SAY "counters from S and U"
  la s2, phases
next_phase:
  lw t0, 0(s2)
  bltz t0, phases_done
  csrw mcounteren, t0
  lw t0, 4(s2)
  csrw scounteren, t0
  lw t0, 8(s2)
  addi s2, s2, 12
  li t1, 0x1800
  csrc mstatus, t1
  slli t0, t0, 11
  csrs mstatus, t0
  la t0, probe_counters
  csrw mepc, t0
  mret
probe_counters:
  SAY "phase"
  csrr a0, cycle
  csrr a0, time
  csrr a0, instret
  csrr a0, cycleh
  csrr a0, timeh
  csrr a0, instreth
  li a7, 1
  ecall                             /* back to M: next phase */
phases_done:
  csrw mcounteren, zero
  csrw scounteren, zero

  SAY "TVM TSR TW"
  li t0, (1 << 20) | (1 << 21) | (1 << 22)
  csrs mstatus, t0
  csrr a0, satp                     /* fine in M */
  li t0, 0x1800
  csrc mstatus, t0
  li t0, 0x800
  csrs mstatus, t0
  la t0, s_probe
  csrw mepc, t0
  mret
s_probe:
  csrr a0, satp
  sfence.vma
  wfi
  sret
  li a7, 2
  ecall                             /* back to M */
after_s_probe:
  li t0, (1 << 20) | (1 << 21) | (1 << 22)
  csrc mstatus, t0

  SAY "illegal from U"
  li t0, 0x1800
  csrc mstatus, t0
  la t0, u_probe
  csrw mepc, t0
  mret
u_probe:
  csrr a0, sstatus
  csrr a0, mstatus
  sret
  mret
  wfi
  sfence.vma
  li a7, 3
  ecall
after_u_probe:

  SAY "Sstc"
  li t0, 0x80000000
  csrw menvcfgh, t0
  SHOW menvcfgh, 0x80000000
  csrwi mcounteren, 2
  li t0, 0x20
  csrw mideleg, t0
  la t0, s_handler
  csrw stvec, t0
  li t0, 0x1800
  csrc mstatus, t0
  li t0, 0x800
  csrs mstatus, t0
  la t0, s_timer
  csrw mepc, t0
  mret
s_timer:
  li t0, 0x20
  csrs sie, t0
  rdtime t1
  li t2, 5000
  add t1, t1, t2
  csrw stimecmph, zero
  csrw stimecmp, t1
  SHOW sip, 0x20
  wfi                               /* SIE = 0: wakes without a trap once STIP rises */
  SHOW sip, 0x20
  csrsi sstatus, 2                  /* taken now */
  SHOW sip, 0x20
  li a7, 4
  ecall

all_done:
  SAY "done"
  li a0, 0
  j exit

s_handler:
  SAY "S trap"
  csrr a0, scause
  call puthex
  li t0, -1
  csrw stimecmph, t0                /* clears STIP */
  sret

m_handler:
  la t6, msave
  sw ra, 0(t6)
  sw t0, 4(t6)
  sw t1, 8(t6)
  sw t2, 12(t6)
  sw t3, 16(t6)
  sw a0, 20(t6)
  csrr t0, mcause
  li t1, 8
  beq t0, t1, m_ecall
  li t1, 9
  beq t0, t1, m_ecall
  SAY "trap"
  csrr a0, mcause
  call puthex
  csrr a0, mtval
  call puthex
  csrr t0, mepc
  addi t0, t0, 4
  csrw mepc, t0
  la t6, msave
  lw ra, 0(t6)
  lw t0, 4(t6)
  lw t1, 8(t6)
  lw t2, 12(t6)
  lw t3, 16(t6)
  lw a0, 20(t6)
  mret
m_ecall:                            /* from S or U: a7 says where to continue in M */
  li t0, 0x1800
  csrs mstatus, t0
  li t0, 1
  la t1, next_phase
  beq a7, t0, 1f
  li t0, 2
  la t1, after_s_probe
  beq a7, t0, 1f
  li t0, 3
  la t1, after_u_probe
  beq a7, t0, 1f
  la t1, all_done
1:
  csrw mepc, t1
  mret

  .section .data
  .balign 4
phases:
  .word 0, 0, 1
  .word 1, 0, 1
  .word 7, 0, 1
  .word 0, 7, 0
  .word 7, 0, 0
  .word 5, 1, 0
  .word 7, 7, 0
  .word -1
msave: .space 32
