/* The hypervisor extension (privileged spec 20211203, chapter 8): entering VS and VU through
 * mret with mstatush.MPV, the VS CSRs standing in for the S CSRs under V=1, illegal vs
 * virtual-instruction exceptions (CSR classes, sret/wfi/sfence.vma/hfence with and without
 * hstatus.VTSR/VTW/VTVM), trap delivery to VS (medeleg + hedeleg), HS (medeleg only; hstatus
 * SPV/SPVP) and M (mstatush.MPV/GVA), VS interrupts injected through hvip (delegated by
 * hideleg or not), the vsip/vsie/hip/hvip views, and two-stage translation: VS-stage Sv32
 * under G-stage Sv32x4, guest-page faults with the guest-physical address >> 2 in
 * mtval2/htval, implicit faults on the VS page tables, G-stage U and R/W permissions, A/D
 * bits in both stages; VS-mode time with a negative htimedelta.
 *
 * Only spec-mandated values are printed: QEMU has GEILEN > 0 and VMIDLEN > 0 (hgatp.VMID,
 * hgeie/hgeip and SGEI bits are masked off), and QEMU 7.2 writes zero to htinst/mtinst (legal),
 * so the transformed instructions and pseudoinstructions are left to pvlab's own tests
 * (test/machine/hext.test.ts), as is the VS A/D update on a G-stage read-only table page
 * (QEMU 7.2 does not check G-stage write permission for it) and sret with mstatus.TSR in VS
 * (TSR affects HS only; QEMU 7.2 applies it in VS too).
 *
 * The handlers (M, HS, VS) record the last trap: s8 counts, s9 cause, s10 tval, s11 epc,
 * s2 mtval2/htval, s4 mstatus / sstatus / vsstatus, s5 mstatush / hstatus / 0, s6 the level
 * (3 M, 1 HS, 2 VS). An exception resumes after the trapping instruction, or at s3 when s3 is
 * non-zero (s3 is then cleared); an interrupt masks itself (M: mie, HS: hvip, VS: vsie) and
 * resumes. An ecall with a7 = 0x4d continues in M-mode at s3: how each section gets back. */
#include "common.inc"

#define HSTATUS 0x600
#define HEDELEG 0x602
#define HIDELEG 0x603
#define HIE 0x604
#define HCOUNTEREN 0x606
#define HTVAL 0x643
#define HIP 0x644
#define HVIP 0x645
#define HGATP 0x680
#define VSSTATUS 0x200
#define VSIE 0x204
#define VSTVEC 0x205
#define VSSCRATCH 0x240
#define VSEPC 0x241
#define VSCAUSE 0x242
#define VSTVAL 0x243
#define VSIP 0x244
#define VSATP 0x280
#define MSTATUSH 0x310
#define MTVAL2 0x34b

#define MPV 0x80
#define GVA_M 0x40
#define SPV 0x80
#define SPVP 0x100
#define VTVM (1 << 20)
#define VTW (1 << 21)
#define VTSR (1 << 22)
#define HFENCE_VVMA .word 0x22000073
#define HFENCE_GVMA .word 0x62000073
/* The hypervisor virtual-machine loads and stores (SYSTEM, funct3 100, funct7 by width). */
#define HLV_W(rd, rs1) .insn r 0x73, 4, 0x34, rd, rs1, x0
#define HSV_W(rs2, rs1) .insn r 0x73, 4, 0x35, x0, rs1, rs2
#define HSV_B(rs2, rs1) .insn r 0x73, 4, 0x31, x0, rs1, rs2

/* PTE bits */
#define V_ 0x01
#define R_ 0x02
#define W_ 0x04
#define X_ 0x08
#define U_ 0x10
#define A_ 0x40
#define D_ 0x80

/* print reg & mask */
.macro PUTM reg, mask
  li t0, \mask
  and a0, \reg, t0
  call puthex
.endm

/* from M: enter privilege mpp (0 U, 1 S) with V = mpv at label */
.macro ENTER mpp, mpv, label
  li t0, 0x1800
  csrc mstatus, t0
  li t0, (\mpp << 11)
  csrs mstatus, t0
  li t0, MPV
  .if \mpv
  csrs MSTATUSH, t0
  .else
  csrc MSTATUSH, t0
  .endif
  la t0, \label
  csrw mepc, t0
  mret
.endm

/* back to M-mode at label */
.macro TO_M label
  la s3, \label
  li a7, 0x4d
  ecall
.endm

/* run one instruction and print the cause it raised (ffffffff: none) */
.macro PROBE insn:vararg
  li s9, -1
  \insn
  PUT s9
.endm

/* t0 = table, t1 = index, a0 = physical address, a1 = flags: table[index] = PTE */
set_pte:
  slli t1, t1, 2
  add t0, t0, t1
  srli a0, a0, 12
  slli a0, a0, 10
  or a0, a0, a1
  sw a0, 0(t0)
  ret

.macro PTE table, index, pa, flags
  la t0, \table
  li t1, \index
  li a0, \pa
  li a1, \flags
  call set_pte
.endm

.macro PTEL table, index, label, flags
  la t0, \table
  li t1, \index
  la a0, \label
  li a1, \flags
  call set_pte
.endm

main:
  la t0, m_handler
  csrw mtvec, t0
  la t0, hs_handler
  csrw stvec, t0
  la t0, vs_handler
  csrw VSTVEC, t0
  li s3, 0
  li s8, 0

  SAY "registers"
  csrr a0, misa
  srli a0, a0, 7
  andi a0, a0, 1
  call puthex                       /* misa.H */
  li t0, -1
  csrw HEDELEG, t0
  csrr a0, HEDELEG
  call puthex                       /* the writable bits of table 8.2 */
  li t0, -1
  csrw HIDELEG, t0
  csrr t1, HIDELEG
  PUTM t1, 0x1fff
  csrw HEDELEG, zero
  csrw HIDELEG, zero
  csrw mideleg, zero
  csrr t1, mideleg
  PUTM t1, 0x444                    /* VS interrupts: read-only one */
  li t0, -1
  csrw HVIP, t0
  csrr t1, HVIP
  PUTM t1, 0x1fff
  csrw HVIP, zero
  li t0, VTSR | VTW | VTVM | SPVP | SPV | 0x40
  csrw HSTATUS, t0
  csrr t1, HSTATUS
  PUTM t1, VTSR | VTW | VTVM | SPVP | SPV | 0x40
  csrw HSTATUS, zero
  la t0, g_root
  srli t0, t0, 12
  li t1, 0x80000000 | (3 << 22)     /* Sv32x4, VMID 3 */
  or t0, t0, t1
  csrw HGATP, t0
  csrr t1, HGATP
  PUTM t1, 0x803fffff               /* MODE and PPN (VMID is WARL) */
  csrw HGATP, zero
  li t0, (1 << 7) | (1 << 6)
  csrw MSTATUSH, t0
  csrr t1, MSTATUSH
  PUTM t1, 0xc0
  csrw MSTATUSH, zero

  SAY "enter VS and VU"
  ENTER 1, 1, vs_enter
vs_enter:
  ecall
  PUT s9                            /* 0xa: ecall from VS */
  PUTM s5, MPV
  srli a0, s4, 11
  andi a0, a0, 3
  call puthex                       /* MPP = S */
  la t0, vu_enter
  csrw sepc, t0
  li t0, 0x100
  csrc sstatus, t0                  /* vsstatus.SPP = 0 */
  sret
vu_enter:
  ecall
  PUT s9                            /* 8: ecall from VU */
  PUTM s5, MPV
  srli a0, s4, 11
  andi a0, a0, 3
  call puthex                       /* MPP = U */
  TO_M m_subst

m_subst:
  SAY "substitution"
  csrw VSSTATUS, zero
  csrw sscratch, zero
  li t0, 0x11110000
  csrw VSSCRATCH, t0
  ENTER 1, 1, vs_subst
vs_subst:
  li t0, 0x40000                    /* SUM */
  csrs sstatus, t0
  csrr a0, sscratch
  call puthex                       /* vsscratch */
  li t0, 0x2222
  csrw sscratch, t0
  li t0, 0x4444
  csrw stval, t0
  TO_M m_subst2
m_subst2:
  csrr t1, VSSTATUS
  PUTM t1, 0x40000
  csrr t1, mstatus
  PUTM t1, 0x40000
  csrr a0, VSSCRATCH
  call puthex
  csrr a0, sscratch
  call puthex
  csrr a0, VSTVAL
  call puthex
  csrr a0, stval
  call puthex

  SAY "virtual instruction from VS"
  li t0, 5                          /* CY, IR */
  csrw mcounteren, t0
  li t0, 1                          /* CY */
  csrw HCOUNTEREN, t0
  ENTER 1, 1, vs_vi
vs_vi:
  PROBE csrr a0, HSTATUS
  PROBE csrr a0, VSSTATUS
  PROBE csrr a0, HGATP
  PROBE csrr a0, mstatus
  PROBE csrr a0, MSTATUSH
  PROBE csrr a0, sstatus
  PROBE csrr a0, satp
  PROBE csrr a0, cycle
  PROBE csrr a0, instret
  PROBE csrr a0, time
  PROBE sfence.vma
  PROBE HFENCE_VVMA
  PROBE HFENCE_GVMA
  PROBE mret
  TO_M m_vi2
m_vi2:
  li t0, VTSR | VTW | VTVM
  csrw HSTATUS, t0
  ENTER 1, 1, vs_vi2
vs_vi2:
  PROBE sret
  PROBE wfi
  /* (satp from VS with VTVM is a virtual instruction too; QEMU 7.2 lets it through, so it
   * is left to pvlab's own tests.) */
  PROBE sfence.vma
  TO_M m_vi3
m_vi3:
  csrw HSTATUS, zero
  li t0, (1 << 21)                  /* mstatus.TW */
  csrs mstatus, t0
  ENTER 1, 1, vs_vi3
vs_vi3:
  PROBE wfi
  TO_M m_vi4
m_vi4:
  li t0, (1 << 21)
  csrc mstatus, t0

  SAY "virtual instruction from VU"
  li t0, 1
  csrw scounteren, zero
  ENTER 0, 1, vu_vi
vu_vi:
  /* (S CSRs, sret, sfence.vma and the hfences from VU are virtual instructions by §8.6.1, as
   * in pvlab and Spike; QEMU 7.2 raises illegal instruction, so they are left to pvlab's own
   * tests.) */
  PROBE csrr a0, HSTATUS
  PROBE csrr a0, VSSTATUS
  PROBE csrr a0, mstatus
  PROBE csrr a0, cycle
  PROBE csrr a0, time
  PROBE wfi
  TO_M m_vu2
m_vu2:
  li t0, 1
  csrw scounteren, t0
  ENTER 0, 1, vu_vi2
vu_vi2:
  PROBE csrr a0, cycle
  TO_M m_hfence
m_hfence:
  SAY "hfence from HS and U"
  ENTER 1, 0, hs_fence
hs_fence:
  PROBE HFENCE_VVMA
  PROBE HFENCE_GVMA
  TO_M m_fence2
m_fence2:
  ENTER 0, 0, u_fence
u_fence:
  PROBE HFENCE_VVMA
  TO_M m_deleg

m_deleg:
  SAY "delegation"
  csrw mcounteren, zero
  csrw HCOUNTEREN, zero
  csrw scounteren, zero
  li t0, (1 << 2) | (1 << 3) | (1 << 10)
  csrw medeleg, t0
  /* (Breakpoints go to VS, illegal instructions to HS: QEMU 7.2 reports an exception with
   * cause 2, 6 or 10 delegated to VS as cause − 1, as though it were a VS interrupt.) */
  li t0, (1 << 3)
  csrw HEDELEG, t0
  li t0, 2                          /* vsstatus.SIE */
  csrw VSSTATUS, t0
  ENTER 1, 1, vs_deleg
vs_deleg:
vs_bad:
  ebreak                            /* to VS */
  PUT s9
  PUT s6
  la t0, vs_bad
  sub a0, s11, t0
  call puthex
  PUTM s4, 0x122                    /* vsstatus: SPP, SPIE, SIE */
vs_brk:
  csrr a0, mstatus                  /* illegal: to HS */
  PUT s9
  PUT s6
  la t0, vs_brk
  sub a0, s11, t0
  call puthex
  PUTM s5, SPV | SPVP
  PUTM s4, 0x100                    /* sstatus.SPP */
  ecall                             /* from VS, medeleg: HS */
  PUT s9
  PUT s6
  PUTM s5, SPV | SPVP
  li t0, 0x100
  csrc sstatus, t0
  la t0, vu_deleg
  csrw sepc, t0
  sret
vu_deleg:
  ebreak                            /* to VS */
  PUT s9
  PUT s6
  PUTM s4, 0x100
  csrr a0, mstatus                  /* to HS */
  PUT s9
  PUT s6
  PUTM s5, SPV | SPVP
  PUTM s4, 0x100
  TO_M m_deleg2
m_deleg2:
  csrr a0, VSCAUSE
  call puthex
  csrr a0, scause
  call puthex
  li t0, SPVP
  csrw HSTATUS, t0
  ENTER 1, 0, hs_deleg
hs_deleg:
  csrr a0, mstatus                  /* from V=0 to HS: SPVP stays (§8.2.1) */
  PUT s9
  PUT s6
  PUTM s5, SPV | SPVP
  TO_M m_irq
m_irq:
  csrw medeleg, zero
  csrw HEDELEG, zero
  csrw HSTATUS, zero

  SAY "VS interrupts"
  li t0, 0x40                       /* VSTIP */
  csrw HIE, t0
  csrw HIDELEG, t0
  li t0, 0x20
  csrw VSIE, t0
  li t0, 2
  csrw VSSTATUS, t0                 /* SIE */
  li t0, 0x40
  csrw HVIP, t0
  li s8, 0
  ENTER 1, 1, vs_irq
vs_irq:
  nop
  PUT s8
  PUT s9                            /* 0x80000005 */
  PUT s6
  csrr a0, sie
  call puthex                       /* the handler cleared vsie */
  TO_M m_irq2
m_irq2:
  csrr a0, VSIE
  call puthex
  li t0, 0x20
  csrw VSIE, t0                     /* vsie.STIE, SIE = 0: pending, not taken */
  csrw VSSTATUS, zero
  li s8, 0
  ENTER 1, 1, vs_irq2
vs_irq2:
  nop
  PUT s8
  /* (vsip.STIP reads 1 here — it aliases hip.VSTIP; QEMU 7.2 reads 0.) */
  csrsi sstatus, 2
  nop
  PUT s8
  PUT s9
  TO_M m_irq3
m_irq3:
  csrw HIDELEG, zero                /* not delegated: HS's, whatever vsstatus.SIE */
  csrw VSSTATUS, zero
  li t0, 0x40
  csrw HIE, t0                      /* (the VS handler's vsie write cleared it) */
  csrw HVIP, t0
  li s8, 0
  ENTER 1, 1, vs_irq3
vs_irq3:
  nop
  PUT s8
  PUT s9                            /* 0x80000006 */
  PUT s6
  PUTM s5, SPV | SPVP
  TO_M m_views
m_views:
  csrw HIE, zero
  csrw VSIE, zero

  SAY "views"
  li t0, 0x444
  csrw HVIP, t0
  csrr a0, VSIP
  call puthex                       /* hideleg = 0: nothing */
  li t0, 0x44
  csrw HIDELEG, t0
  csrr t1, VSIP
  PUTM t1, 0x2                      /* SSIP (STIP too, but QEMU 7.2 drops it) */
  li t0, -1
  csrw VSIE, t0
  csrr t1, HIE
  PUTM t1, 0x444
  csrr a0, VSIE
  call puthex
  csrw VSIP, zero                   /* clears hvip.VSSIP */
  csrr t1, HVIP
  PUTM t1, 0x444
  li t0, 4
  csrs HIP, t0
  csrr t1, HVIP
  PUTM t1, 0x444
  csrr t1, mip
  PUTM t1, 0x444
  csrr t1, HIP
  PUTM t1, 0x444
  csrr a0, sip
  call puthex
  csrw HVIP, zero
  csrw HIE, zero
  csrw HIDELEG, zero

  SAY "two-stage"
  /* G stage (Sv32x4): code, test device and UART megapages identity-mapped with U; the
   * window GPA 0xc000_0000 page by page: +0 RW, +1 missing, +2 without U, +3 read-only,
   * +4 RW with A = D = 0. */
  PTE g_root, 0x200, 0x80000000, V_|R_|W_|X_|U_|A_|D_
  PTE g_root, 0, 0, V_|R_|W_|U_|A_|D_
  PTE g_root, 0x40, 0x10000000, V_|R_|W_|U_|A_|D_
  PTEL g_root, 0x300, g_l0, V_
  PTEL g_l0, 0, data0, V_|R_|W_|U_|A_|D_
  PTEL g_l0, 2, data2, V_|R_|W_|A_|D_
  PTEL g_l0, 3, data3, V_|R_|U_|A_
  PTEL g_l0, 4, data4, V_|R_|W_|U_
  /* VS stage (Sv32, guest-physical = host-physical for the tables): the same megapages,
   * VA 0x4000_0000 + n pages → GPA 0xc000_0000 + n pages (n = 0..4; n = 4 with A = D = 0),
   * n = 5 unmapped, n = 6 executable onto the missing GPA +6; VA 0x5000_0000 through a
   * level-0 table at GPA 0xc002_0000, which the G stage does not map. */
  PTE vs_root, 0x200, 0x80000000, V_|R_|W_|X_|A_|D_
  PTE vs_root, 0, 0, V_|R_|W_|A_|D_
  PTE vs_root, 0x40, 0x10000000, V_|R_|W_|A_|D_
  PTEL vs_root, 0x100, vs_l0, V_
  PTE vs_root, 0x140, 0xc0020000, V_
  PTE vs_l0, 0, 0xc0000000, V_|R_|W_|A_|D_
  PTE vs_l0, 1, 0xc0001000, V_|R_|W_|A_|D_
  PTE vs_l0, 2, 0xc0002000, V_|R_|W_|A_|D_
  PTE vs_l0, 3, 0xc0003000, V_|R_|W_|A_|D_
  PTE vs_l0, 4, 0xc0004000, V_|R_|W_
  PTE vs_l0, 6, 0xc0006000, V_|R_|X_|A_|D_
  la t0, data0
  li t1, 0x11111111
  sw t1, 0(t0)
  la t0, data3
  li t1, 0x33333333
  sw t1, 0(t0)
  la t0, g_root
  srli t0, t0, 12
  li t1, 0x80000000
  or t0, t0, t1
  csrw HGATP, t0
  la t0, vs_root
  srli t0, t0, 12
  li t1, 0x80000000
  or t0, t0, t1
  csrw VSATP, t0
  HFENCE_GVMA
  li s8, 0
  ENTER 1, 1, vs_2s
vs_2s:
  li t4, 0x40000000
  lw a0, 0(t4)
  call puthex
  li t1, 0x7777
  sw t1, 4(t4)
  li t4, 0x40003000
  lw a0, 0(t4)
  call puthex                       /* read-only in the G stage: loads work */
  PUT s8
  li t4, 0x40001000
  lw a0, 8(t4)                      /* G leaf missing */
  PUT s9
  PUT s10
  PUT s2
  PUTM s5, MPV | GVA_M
  li t4, 0x40001000
  sw a0, 12(t4)
  PUT s9
  PUT s10
  PUT s2
  li t4, 0x40002000
  lw a0, 0(t4)                      /* G leaf without U */
  PUT s9
  PUT s2
  li t4, 0x40003000
  sw a0, 0(t4)                      /* G read-only */
  PUT s9
  PUT s2
  li t4, 0x50000010
  lw a0, 0(t4)                      /* implicit: the VS level-0 table is not in the G stage */
  PUT s9
  PUT s10
  PUT s2
  /* (A store there is a store guest-page fault — the original access type, §8.5.1; QEMU 7.2
   * reports a load guest-page fault, so it is left to pvlab's own tests.) */
  li t4, 0x40005000
  lw a0, 0(t4)                      /* the guest's own page fault */
  PUT s9
  PUT s10
  la s3, vs_2s_fetched
  li t4, 0x40006000
  jr t4                             /* instruction guest-page fault */
vs_2s_fetched:
  PUT s9
  PUT s10
  PUT s2
  li t4, 0x40004000
  sw zero, 0(t4)                    /* A and D in both stages */
  TO_M m_2s
m_2s:
  la t0, data0
  lw a0, 4(t0)
  call puthex                       /* the store through both stages */
  la t0, vs_l0
  lw t1, 16(t0)
  PUTM t1, A_|D_
  la t0, g_l0
  lw t1, 16(t0)
  PUTM t1, A_|D_
  /* hlv/hsv from M (V = 0): as VS (hstatus.SPVP), through both stages. */
  li t0, SPVP
  csrw HSTATUS, t0
  li s8, 0
  li t4, 0x40000000
  HLV_W(a0, t4)
  call puthex
  li t1, 0xa5
  HSV_B(t1, t4)
  /* (hlvx of a page that is not executable is a load page fault; QEMU 7.2 reads it, so that
   * is left to pvlab's own tests.) */
  la t0, data0
  lw a0, 0(t0)
  call puthex
  li t4, 0x40001008
  HLV_W(a0, t4)                     /* G leaf missing: GVA although V was 0 */
  PUT s9
  PUT s10
  PUT s2
  PUTM s5, MPV | GVA_M
  /* M-mode with MPRV, MPP = S and MPV: loads translate as VS, so GVA again. (The cause is a
   * load guest-page fault; QEMU 7.2 reports a load page fault, so only tval and GVA here.) */
  li t0, MPV
  csrs MSTATUSH, t0
  li t0, 0x1800
  csrc mstatus, t0
  li t0, 0x20800                    /* MPRV, MPP = S */
  csrs mstatus, t0
  li t4, 0x40001010
  lw a0, 0(t4)
  li t0, 0x20000
  csrc mstatus, t0
  PUT s10
  PUTM s5, MPV | GVA_M
  PUT s8
  csrw HSTATUS, zero
  li t0, (1 << 21)                  /* load guest-page faults: to HS */
  csrw medeleg, t0
  ENTER 1, 1, vs_2s_hs
vs_2s_hs:
  li t4, 0x40001000
  lw a0, 4(t4)
  PUT s9
  PUT s6
  PUT s10
  PUT s2
  PUTM s5, SPV | SPVP | 0x40
  TO_M m_done
m_done:
  csrw medeleg, zero
  csrw VSATP, zero
  csrw HGATP, zero

  SAY "htimedelta"
  li t0, 2                          /* TM */
  csrw mcounteren, t0
  csrw HCOUNTEREN, t0
  li t0, -16                        /* a 64-bit delta of -16 */
  csrw 0x605, t0
  li t0, -1
  csrw 0x615, t0
1:
  csrr s1, time
  li t0, 100
  bltu s1, t0, 1b
  ENTER 1, 1, vs_time
vs_time:
  csrr a4, time
  csrr a5, timeh
  TO_M m_time
m_time:
  PUT a5                            /* wrapped: 0 */
  addi a4, a4, 16
  sub a4, a4, s1
  li t0, 0x1000000
  sltu a0, a4, t0
  call puthex                       /* VS time + 16 is just after the host's */
  SAY "done"
  li a0, 0
  j exit

/* ---- trap handlers ---------------------------------------------------------------------- */
  .balign 4
m_handler:
  li s7, 0x4d
  bne a7, s7, 1f
  li a7, 0
  mv t0, s3
  li s3, 0
  jr t0
1:
  addi s8, s8, 1
  li s6, 3
  csrr s9, mcause
  csrr s10, mtval
  csrr s11, mepc
  csrr s2, MTVAL2
  csrr s4, mstatus
  csrr s5, MSTATUSH
  bltz s9, 3f
  addi s7, s11, 4
  beqz s3, 2f
  mv s7, s3
  li s3, 0
2:
  csrw mepc, s7
  mret
3:
  csrw mie, zero
  mret

  .balign 4
hs_handler:
  addi s8, s8, 1
  li s6, 1
  csrr s9, scause
  csrr s10, stval
  csrr s11, sepc
  csrr s2, HTVAL
  csrr s4, sstatus
  csrr s5, HSTATUS
  bltz s9, 3f
  addi s7, s11, 4
  beqz s3, 2f
  mv s7, s3
  li s3, 0
2:
  csrw sepc, s7
  sret
3:
  csrw HVIP, zero
  sret

  .balign 4
vs_handler:
  addi s8, s8, 1
  li s6, 2
  csrr s9, scause
  csrr s10, stval
  csrr s11, sepc
  li s2, 0
  csrr s4, sstatus
  li s5, 0
  bltz s9, 3f
  addi s7, s11, 4
  beqz s3, 2f
  mv s7, s3
  li s3, 0
2:
  csrw sepc, s7
  sret
3:
  csrw sie, zero
  sret

  .section .bss
  .balign 16384
g_root:
  .space 16384
g_l0:
  .space 4096
vs_root:
  .space 4096
vs_l0:
  .space 4096
data0:
  .space 4096
data1:
  .space 4096
data2:
  .space 4096
data3:
  .space 4096
data4:
  .space 4096
