/* Sv32 from S-mode: 4 KiB pages and megapages, permissions (R/W/X, U with and without SUM,
 * MXR), page faults delegated to S with scause/stval, a misaligned megapage, A/D bits set by
 * the walk, a misaligned word across two pages, and a remap made visible by sfence.vma. */
#include "common.inc"

#define PTE_V 0x01
#define PTE_R 0x02
#define PTE_W 0x04
#define PTE_X 0x08
#define PTE_U 0x10
#define PTE_A 0x40
#define PTE_D 0x80

/* t0 = entry address, a0 = physical address, a1 = flags */
set_pte:
  srli a0, a0, 12
  slli a0, a0, 10
  or a0, a0, a1
  sw a0, 0(t0)
  ret

.macro PTE table, index, pa, flags
  la t0, \table
  addi t0, t0, 4 * \index
  la a0, \pa
  li a1, \flags
  call set_pte
.endm

.macro MEGA index, pa, flags
  la t0, root
  li t1, 4 * \index
  add t0, t0, t1
  li a0, \pa
  li a1, \flags
  call set_pte
.endm

main:
  la t0, m_handler
  csrw mtvec, t0
  MEGA 512, 0x80000000, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D
  MEGA 64, 0x10000000, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  MEGA 768, 0x80000000, PTE_V | PTE_R | PTE_A
  MEGA 769, 0x80001000, PTE_V | PTE_R | PTE_A
  PTE root, 256, l0a, PTE_V
  PTE l0a, 0, page_b, PTE_V | PTE_R | PTE_W
  PTE l0a, 1, page_a, PTE_V | PTE_R | PTE_W
  PTE l0a, 2, page_a, PTE_V | PTE_R
  PTE l0a, 3, page_x, PTE_V | PTE_X
  PTE l0a, 4, page_a, PTE_V | PTE_R | PTE_W | PTE_U | PTE_X
  la t0, root
  srli t0, t0, 12
  li t1, 0x80000000
  or t0, t0, t1
  csrw satp, t0
  sfence.vma
  li t0, (1 << 12) | (1 << 13) | (1 << 15)
  csrw medeleg, t0
  la t0, s_handler
  csrw stvec, t0
  li t0, 0x1800
  csrc mstatus, t0
  li t0, 0x800
  csrs mstatus, t0
  la t0, s_main
  csrw mepc, t0
  mret

s_main:
  SAY "pages"
  li s0, 0x40000000
  lw a0, 0(s0)
  call puthex
  li s1, 0x40001000
  lw a0, 0(s1)
  call puthex
  SAY "megapage"
  la t0, marker
  li t1, 0x40000000
  add t0, t0, t1                    /* 0xc0000000 + (marker - 0x80000000) */
  lw a0, 0(t0)
  call puthex
  li t0, 0xc0400000
  lw a0, 0(t0)                      /* misaligned megapage */
  SAY "permissions"
  li s5, 0x40002000
  lw a0, 4(s5)
  call puthex
  sw a0, 4(s5)                      /* read-only */
  li s2, 0x40003000
  lw a0, 0(s2)                      /* execute-only */
  li t0, 0x80000
  csrs sstatus, t0                  /* MXR */
  lw a0, 0(s2)
  call puthex
  csrc sstatus, t0
  la ra, 1f
  jr s2                             /* runs page_x: a0 = 0x777 */
1:
  call puthex
  li s3, 0x40004000
  lw a0, 8(s3)                      /* U page from S */
  li t0, 0x40000
  csrs sstatus, t0                  /* SUM */
  la ra, 2f
  jr s3                             /* fetch from a U page in S: fault even with SUM */
2:
  /* (The fetch comes before any SUM load of the page: QEMU 7.2 lets S execute a U page
   * whose translation a SUM load left in its TLB.) */
  lw a0, 8(s3)
  call puthex
  li t0, 0x40000
  csrc sstatus, t0
  li t0, 0x40005000
  lw a0, 0(t0)                      /* invalid PTE */
  SAY "accessed and dirty"
  la s4, l0a
  lw a0, 0(s4)
  andi a0, a0, 0xc0
  call puthex                       /* page_b: loaded: A */
  sw zero, 12(s0)
  lw a0, 0(s4)
  andi a0, a0, 0xc0
  call puthex                       /* and now stored: A | D */
  lw a0, 8(s4)
  andi a0, a0, 0xc0
  call puthex                       /* the read-only page: loaded only */
  lw a0, 12(s4)
  andi a0, a0, 0xc0
  call puthex                       /* the execute-only page: fetched */
  SAY "misaligned across pages"
  li s6, 0x40000ffe
  lw a0, 0(s6)
  call puthex
  li t1, 0x44332211
  sw t1, 0(s6)
  li t0, 0x40000ffc
  lw a0, 0(t0)
  call puthex
  lw a0, 0(s1)
  call puthex
  SAY "remap"
  la t0, page_b
  srli t0, t0, 12
  slli t0, t0, 10
  ori t0, t0, PTE_V | PTE_R | PTE_W
  sw t0, 4(s4)                      /* 0x40001000 -> page_b */
  sfence.vma s1
  lw a0, 0(s1)
  call puthex
  ecall

s_done:
  SAY "done"
  li a0, 0
  j exit

s_handler:
  csrw sscratch, ra
  SAY "S trap"
  csrr a0, scause
  call puthex
  csrr a0, stval
  call puthex
  csrr t0, scause
  li t1, 12
  csrr ra, sscratch
  bne t0, t1, 1f
  csrw sepc, ra                     /* fetch fault: back to the caller */
  sret
1:
  csrr t0, sepc
  addi t0, t0, 4
  csrw sepc, t0
  sret

m_handler:
  csrr t0, mcause
  li t1, 9
  beq t0, t1, 1f
  SAY "unexpected M trap"
  csrr a0, mcause
  call puthex
  li a0, 1
  j exit
1:
  li t0, 0x1800
  csrs mstatus, t0
  la t0, s_done
  csrw mepc, t0
  mret

  .section .data
  .balign 4096
root: .space 4096
l0a: .space 4096
page_a:
  .word 0xaaaa0000, 0xaaaa0001, 0xaaaa0002, 0xaaaa0003
  .balign 4096
page_b:
  .word 0xbbbb0000, 0xbbbb0001, 0xbbbb0002, 0xbbbb0003
  .space 4096 - 24
  .word 0x12345678
  .word 0x9abcdef0
page_x:
  li a0, 0x777
  ret
  .balign 4096
marker:
  .word 0x6d61726b
