/* Exceptions (causes, mtval, mepc), delegation to S and the status stacking, interrupts from
 * the CLINT (software, timer), WFI, vectored mode and interrupt priority. Exits with code 3.
 *
 * The M and S handlers print cause, tval, epc (relative to _start) and the status bits, then
 * resume after the trapping instruction. t6 belongs to the handlers. */
#include "common.inc"
#define CLINT_MSIP 0x2000000
#define CLINT_MTIMECMP 0x2004000
#define CLINT_MTIME 0x200bff8
#define MSTATUS_SHOWN 0x1988   /* MPP | MPIE | MIE | ... SPP SPIE SIE: 0x1800|0x80|0x8|0x100|0x20|0x2 */

main:
  la t0, m_handler
  csrw mtvec, t0
  SAY "exceptions in M"
  ecall
  .word 0xffffffff
  .word 0x00000000
  csrw mhartid, zero
  csrr a0, 0x600                    /* hstatus: no H extension */
  la t0, 1f
  addi t0, t0, 2
  jalr zero, 0(t0)                  /* misaligned target */
1:
  /* (A misaligned jal or taken branch target: the spec's mtval is the target, as pvlab and
   * Spike report; QEMU 7.2 reports the jump's own pc, so those are left to pvlab's tests.) */
  bne zero, zero, .+2               /* not taken: no trap */
  li t0, 0x0a000000
  lw a0, 0(t0)                      /* nothing there: access faults */
  sw a0, 4(t0)
  la ra, 2f
  jr t0
2:
  la t0, cell
  addi t0, t0, 1
  lr.w a0, (t0)
  /* (A misaligned AMO is a store/AMO misaligned exception, cause 6, by the spec; QEMU 7.2
   * reports cause 4, so the AMO case is left to pvlab's own tests.) */

  SAY "delegation"
  li t0, (1 << 8) | (1 << 2)
  csrw medeleg, t0
  la t0, s_handler
  csrw stvec, t0
  li t0, 0x1800
  csrc mstatus, t0                  /* MPP = U */
  li t0, 0x80
  csrs mstatus, t0                  /* MPIE = 1 */
  la t0, u_code
  csrw mepc, t0
  mret
u_code:
  ecall
  .word 0
  csrr a0, sstatus                  /* S CSR from U: illegal, delegated */
  li a7, 99
  ecall                             /* the S handler takes this as "go back to M" */

s_to_m:
  ecall                             /* from S: cause 9, not delegable here: M */

m_continue:
  csrci mstatus, 8                  /* mret from the S ecall restored MIE from MPIE */
  SAY "interrupts"
  li t0, 0x8
  csrw mie, t0                      /* MSIE */
  li t0, CLINT_MSIP
  li t1, 1
  sw t1, 0(t0)
  csrr a0, mip
  andi a0, a0, 0x8
  call puthex                       /* pending, not taken: MIE = 0 */
  csrsi mstatus, 8                  /* taken right after this */
  csrci mstatus, 8

  li t0, 0x80
  csrw mie, t0                      /* MTIE only */
  li t0, CLINT_MTIME
  lw t1, 0(t0)
  li t2, 5000
  add t1, t1, t2
  li t0, CLINT_MTIMECMP
  sw zero, 4(t0)
  sw t1, 0(t0)
  wfi                               /* MIE = 0: wakes without a trap once MTIP rises */
  csrr a0, mip
  andi a0, a0, 0x80
  call puthex
  csrsi mstatus, 8                  /* taken now */
  csrci mstatus, 8

  SAY "vectored"
  la t0, vectors
  ori t0, t0, 1
  csrw mtvec, t0
  li t0, 0x8
  csrw mie, t0
  li t0, CLINT_MSIP
  li t1, 1
  sw t1, 0(t0)
  csrsi mstatus, 8                  /* MSI at vectors + 12 */
  csrci mstatus, 8
  ecall                             /* exceptions at vectors + 0 */

  SAY "priority"
  /* (Only MSI before MTI: QEMU 7.2 takes the S-level ones in bit order, not the spec's
   * SEI, SSI, STI after the M-level ones; pvlab's own tests check the full order.) */
  la t0, m_handler
  csrw mtvec, t0
  li t0, CLINT_MSIP
  li t1, 1
  sw t1, 0(t0)
  li t0, CLINT_MTIMECMP
  sw zero, 0(t0)
  sw zero, 4(t0)
  li t0, 0x88
  csrw mie, t0
  csrsi mstatus, 8
  nop
  csrci mstatus, 8

  SAY "done"
  li a0, 3
  j exit

  .balign 64
vectors:
  j vec_exc
  j m_handler
  j m_handler
  j vec_msi
  j m_handler
  j m_handler
  j m_handler
  j m_handler
vec_exc:
  SAY "vector 0"
  j m_handler
vec_msi:
  SAY "vector 3"
  j m_handler

/* ---- M handler ---------------------------------------------------------------------- */
m_handler:
  la t6, msave
  sw ra, 0(t6)
  sw t0, 4(t6)
  sw t1, 8(t6)
  sw t2, 12(t6)
  sw t3, 16(t6)
  sw a0, 20(t6)
  sw t4, 24(t6)
  sw t5, 28(t6)
  SAY "M trap"
  csrr a0, mcause
  call puthex
  csrr a0, mtval
  call puthex
  csrr a0, mepc
  la t0, _start
  sub a0, a0, t0
  call puthex
  csrr a0, mstatus
  li t0, MSTATUS_SHOWN
  and a0, a0, t0
  call puthex
  la t6, msave
  csrr t4, mcause
  bltz t4, m_irq
  li t5, 1
  beq t4, t5, m_fetch_fault
  li t5, 9
  beq t4, t5, m_from_s
  csrr t5, mepc
  addi t5, t5, 4
  csrw mepc, t5
  j m_ret
m_fetch_fault:
  lw t5, 0(t6)
  csrw mepc, t5                     /* resume at ra */
  j m_ret
m_from_s:
  la t5, m_continue
  csrw mepc, t5
  li t5, 0x1800
  csrs mstatus, t5                  /* back to M */
  j m_ret
m_irq:
  slli t4, t4, 1
  srli t4, t4, 1
  li t5, 3
  beq t4, t5, m_msi
  li t5, 7
  beq t4, t5, m_mti
  li t5, 1
  sll t5, t5, t4
  csrc mip, t5                      /* S-level software bits */
  j m_ret
m_msi:
  li t5, CLINT_MSIP
  sw zero, 0(t5)
  j m_ret
m_mti:
  li t5, CLINT_MTIMECMP
  li t4, -1
  sw t4, 4(t5)
  sw t4, 0(t5)
m_ret:
  lw ra, 0(t6)
  lw t0, 4(t6)
  lw t1, 8(t6)
  lw t2, 12(t6)
  lw t3, 16(t6)
  lw a0, 20(t6)
  lw t4, 24(t6)
  lw t5, 28(t6)
  mret

/* ---- S handler ---------------------------------------------------------------------- */
s_handler:
  la t6, ssave
  sw ra, 0(t6)
  sw t0, 4(t6)
  sw t1, 8(t6)
  sw t2, 12(t6)
  sw t3, 16(t6)
  sw a0, 20(t6)
  SAY "S trap"
  csrr a0, scause
  call puthex
  csrr a0, stval
  call puthex
  csrr a0, sepc
  la t0, _start
  sub a0, a0, t0
  call puthex
  csrr a0, sstatus
  li t0, 0x122
  and a0, a0, t0
  call puthex
  la t6, ssave
  csrr t0, scause
  li t1, 8
  bne t0, t1, 1f
  li t1, 99
  bne a7, t1, 1f
  la t0, s_to_m                     /* leave U for good: continue in S */
  csrw sepc, t0
  li t0, 0x100
  csrs sstatus, t0                  /* SPP = S */
  j s_ret
1:
  csrr t0, sepc
  addi t0, t0, 4
  csrw sepc, t0
s_ret:
  lw ra, 0(t6)
  lw t0, 4(t6)
  lw t1, 8(t6)
  lw t2, 12(t6)
  lw t3, 16(t6)
  lw a0, 20(t6)
  sret

  .section .data
  .balign 4
cell: .word 0, 0
msave: .space 32
ssave: .space 32
