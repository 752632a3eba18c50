# pv.S — the out-of-line half of the paravirt build's pv-ops (pvops.S, BUILD_PARAVIRT == 1):
# the shared info page, the words the trap vector uses, and the batch of page-table updates.
# Assembled only into the paravirt build. docs/pv-ops.md describes the design, docs/pv-abi.md
# the interface (src/abi/hypercalls.ts, generated into gen/hypercalls.S).
#
# Every helper here is reached through pvops.S's PV_OUTOFLINE (or a `call` inside a pv-op
# macro) and preserves every register but ra, which the macro saves: the kernel code around a
# pv-op sees it change only its documented outputs, as the unmodified build's one instruction
# would. Arguments are on the caller's stack: the first at 0(sp), the second at 4(sp), as sp
# is on entry.

# Entries the update batch holds; pv_mmu_batch (patchable, default PV_MMU_BATCH_DEFAULT) says
# how many are gathered before they are submitted, 1..PV_MMU_BATCH_MAX.
.equ PV_MMU_BATCH_MAX, 128
.equ PV_MMU_BATCH_DEFAULT, 16
.equ PV_FRAME, 32                               # a helper's own stack frame

        .text

# ---------------------------------------------------------------------------------------------
# Events
# ---------------------------------------------------------------------------------------------

# pv_event_check(): events were just unmasked (or sie changed): if one is pending and enabled
# (shared sip & sie) while SIE is set, ask the hypervisor to deliver it now — it arrives as a
# trap from S-mode at the instruction after the hypercall (Xen's evtchn_upcall_pending check).
        .globl pv_event_check
pv_event_check:
        addi    sp, sp, -PV_FRAME
        sw      t0, 0(sp)
        sw      t1, 4(sp)
        sw      a0, 8(sp)
        sw      a1, 12(sp)
        sw      a6, 16(sp)
        sw      a7, 20(sp)
        la      t0, pv_shared
        lw      t1, PV_SHARED_SSTATUS(t0)
        andi    t1, t1, SSTATUS_SIE
        beqz    t1, 1f
        lw      t1, PV_SHARED_SIP(t0)
        lw      t0, PV_SHARED_SIE(t0)
        and     t1, t1, t0
        beqz    t1, 1f
        PV_HYPERCALL HC_EVENT_CHECK
1:      lw      t0, 0(sp)
        lw      t1, 4(sp)
        lw      a0, 8(sp)
        lw      a1, 12(sp)
        lw      a6, 16(sp)
        lw      a7, 20(sp)
        addi    sp, sp, PV_FRAME
        ret

# pv_set_callback(0(sp) = entry): HC_SET_CALLBACK. Traps and events are delivered there.
        .globl pv_set_callback
pv_set_callback:
        addi    sp, sp, -PV_FRAME
        sw      ra, 24(sp)
        call    pv_save_hc_regs
        lw      a0, PV_FRAME + 0(sp)
        PV_HYPERCALL HC_SET_CALLBACK
        la      t0, msg_pv_callback
        bnez    a0, pv_refused
        j       pv_helper_out

# ---------------------------------------------------------------------------------------------
# Page tables: pinning, the update batch, flushes, address spaces
# ---------------------------------------------------------------------------------------------

# pv_set_pte(0(sp) = ptep, 4(sp) = pte): append {ptep, pte, PV_NO_FLUSH} to the batch; submit
# it once it holds pv_mmu_batch entries.
        .globl pv_set_pte
pv_set_pte:
        addi    sp, sp, -PV_FRAME
        sw      ra, 24(sp)
        call    pv_save_hc_regs
        lw      t0, pv_mmu_count
        call    pv_mmu_entry                    # t1 = entry number t0
        lw      t2, PV_FRAME + 0(sp)
        sw      t2, PV_MMU_UPDATE_PTE_GPA(t1)
        lw      t2, PV_FRAME + 4(sp)
        sw      t2, PV_MMU_UPDATE_VALUE(t1)
        li      t2, PV_NO_FLUSH
        sw      t2, PV_MMU_UPDATE_FLUSH_VA(t1)
        addi    t0, t0, 1
        sw      t0, pv_mmu_count, t1
        call    pv_mmu_limit                    # t1 = the batch size in effect
        bltu    t0, t1, 1f
        call    pv_mmu_flush
1:      j       pv_helper_out

# pv_flush_tlb_page(0(sp) = va): drop the translations of va's page after the updates batched
# so far. Folded into the batch: the last entry's flush_va if it has none yet (the hypervisor
# flushes after writing that entry, so after every earlier one too), else one more entry
# rewriting the last PTE with the same value and this flush. With nothing batched: one
# HC_TLB_FLUSH(va).
        .globl pv_flush_tlb_page
pv_flush_tlb_page:
        addi    sp, sp, -PV_FRAME
        sw      ra, 24(sp)
        call    pv_save_hc_regs
        lw      t0, pv_mmu_count
        beqz    t0, 3f
        addi    t0, t0, -1
        call    pv_mmu_entry                    # t1 = the last entry
        lw      t2, PV_MMU_UPDATE_FLUSH_VA(t1)
        li      a0, PV_NO_FLUSH
        bne     t2, a0, 1f
        lw      t2, PV_FRAME + 0(sp)            # fold the flush into it
        sw      t2, PV_MMU_UPDATE_FLUSH_VA(t1)
        j       pv_helper_out
1:      mv      a1, t1                          # it has a flush: a copy with this one
        addi    t0, t0, 1
        call    pv_mmu_entry
        lw      t2, PV_MMU_UPDATE_PTE_GPA(a1)
        sw      t2, PV_MMU_UPDATE_PTE_GPA(t1)
        lw      t2, PV_MMU_UPDATE_VALUE(a1)
        sw      t2, PV_MMU_UPDATE_VALUE(t1)
        lw      t2, PV_FRAME + 0(sp)
        sw      t2, PV_MMU_UPDATE_FLUSH_VA(t1)
        addi    t0, t0, 1
        sw      t0, pv_mmu_count, t1
        call    pv_mmu_limit
        bltu    t0, t1, 2f
        call    pv_mmu_flush
2:      j       pv_helper_out
3:      lw      a0, PV_FRAME + 0(sp)
        PV_HYPERCALL HC_TLB_FLUSH
        j       pv_helper_out

# pv_flush_tlb_all(): the batch, then HC_TLB_FLUSH(PV_FLUSH_ALL).
        .globl pv_flush_tlb_all
pv_flush_tlb_all:
        addi    sp, sp, -PV_FRAME
        sw      ra, 24(sp)
        call    pv_save_hc_regs
        call    pv_mmu_flush
        li      a0, PV_FLUSH_ALL
        PV_HYPERCALL HC_TLB_FLUSH
        j       pv_helper_out

# pv_pin_table(0(sp) = page): HC_PIN_TABLE. The batch need not go first: entries pointing at
# this table are validated when the batch is submitted, after the pin.
        .globl pv_pin_table
pv_pin_table:
        addi    sp, sp, -PV_FRAME
        sw      ra, 24(sp)
        call    pv_save_hc_regs
        lw      a0, PV_FRAME + 0(sp)
        PV_HYPERCALL HC_PIN_TABLE
        la      t0, msg_pv_pin
        bnez    a0, pv_refused
        j       pv_helper_out

# pv_unpin_table(0(sp) = page): the batch (it may write into this table), then
# HC_UNPIN_TABLE.
        .globl pv_unpin_table
pv_unpin_table:
        addi    sp, sp, -PV_FRAME
        sw      ra, 24(sp)
        call    pv_save_hc_regs
        call    pv_mmu_flush
        lw      a0, PV_FRAME + 0(sp)
        PV_HYPERCALL HC_UNPIN_TABLE
        la      t0, msg_pv_unpin
        bnez    a0, pv_refused
        j       pv_helper_out

# pv_switch_as(0(sp) = satp): the batch (the new space must be complete), then
# HC_SET_PT_BASE, which drops the old translations.
        .globl pv_switch_as
pv_switch_as:
        addi    sp, sp, -PV_FRAME
        sw      ra, 24(sp)
        call    pv_save_hc_regs
        call    pv_mmu_flush
        lw      a0, PV_FRAME + 0(sp)
        PV_HYPERCALL HC_SET_PT_BASE
        la      t0, msg_pv_pt_base
        bnez    a0, pv_refused
        j       pv_helper_out

# pv_mmu_flush(): submit the batch, if anything is in it: HC_MMU_UPDATE(list, count). A
# refused entry is a kernel bug: panic, naming it. Preserves every register but ra.
        .globl pv_mmu_flush
pv_mmu_flush:
        addi    sp, sp, -PV_FRAME
        sw      ra, 24(sp)
        call    pv_save_hc_regs
        lw      a1, pv_mmu_count
        beqz    a1, 1f
        la      a0, pv_mmu_buf
        PV_HYPERCALL HC_MMU_UPDATE
        bnez    a0, 2f
        sw      zero, pv_mmu_count, t0
1:      j       pv_helper_out
2:      mv      t0, a1                          # a1 = entries applied: the next was refused
        call    pv_mmu_entry
        mv      a2, a0
        lw      a3, PV_MMU_UPDATE_PTE_GPA(t1)
        lw      a4, PV_MMU_UPDATE_VALUE(t1)
        la      a0, msg_pv_mmu_update
        call    panic

# t1 <- address of batch entry t0 (clobbers t2).
.if PV_MMU_UPDATE_SIZE != 12
  .error "pv_mmu_entry assumes 12-byte MMU_UPDATE entries"
.endif
pv_mmu_entry:
        slli    t1, t0, 3                       # t0 * 12 = t0 * 8 + t0 * 4
        slli    t2, t0, 2
        add     t1, t1, t2
        la      t2, pv_mmu_buf
        add     t1, t1, t2
        ret

# t1 <- the batch size in effect: pv_mmu_batch, at least 1 and at most PV_MMU_BATCH_MAX
# (clobbers t2).
pv_mmu_limit:
        lw      t1, pv_mmu_batch
        bnez    t1, 1f
        li      t1, 1
1:      li      t2, PV_MMU_BATCH_MAX
        bleu    t1, t2, 2f
        mv      t1, t2
2:      ret

# ---------------------------------------------------------------------------------------------
# The helpers' common prologue and epilogue
# ---------------------------------------------------------------------------------------------

# pv_save_hc_regs: called first thing by a helper that has made its PV_FRAME frame and saved
# ra at 24(sp): saves t0-t2, a0, a1 (a6, a7 below them) in the frame.
pv_save_hc_regs:
        sw      t0, 0(sp)
        sw      t1, 4(sp)
        sw      t2, 8(sp)
        sw      a0, 12(sp)
        sw      a1, 16(sp)
        sw      a6, 20(sp)
        sw      a7, 28(sp)
        ret

# pv_helper_out: restore what pv_save_hc_regs saved, and ra, and return from the helper.
pv_helper_out:
        lw      t0, 0(sp)
        lw      t1, 4(sp)
        lw      t2, 8(sp)
        lw      a0, 12(sp)
        lw      a1, 16(sp)
        lw      a6, 20(sp)
        lw      ra, 24(sp)
        lw      a7, 28(sp)
        addi    sp, sp, PV_FRAME
        ret

# pv_refused (a0 = error, a1 = value, t0 = what was refused): the hypervisor said no to a
# call the kernel cannot do without. A kernel bug: panic with the message.
pv_refused:
        mv      a2, a0
        lw      a1, PV_FRAME + 0(sp)
        mv      a0, t0
        call    panic

        .section .rodata
msg_pv_callback:
        .asciz  "the hypervisor refused the trap entry %x (error %d)"
msg_pv_pin:
        .asciz  "the hypervisor refused to pin %x as a page table (error %d)"
msg_pv_unpin:
        .asciz  "the hypervisor refused to unpin the page table %x (error %d)"
msg_pv_pt_base:
        .asciz  "the hypervisor refused the address space %x (error %d)"
msg_pv_mmu_update:
        .asciz  "the hypervisor refused page-table update %d (error %d): entry %x <- %x"

        .data
        .balign 4
# Page-table updates gathered per HC_MMU_UPDATE (patched by symbol by experiments; 1 submits
# every update on its own, as an unbatched guest would).
        .globl pv_mmu_batch
pv_mmu_batch:
        .word   PV_MMU_BATCH_DEFAULT

        .bss
        .balign PAGE_SIZE
# The shared info page (PV_SHARED_* offsets), registered with HC_SET_SHARED_INFO at boot; its
# physical address is its kernel address.
        .globl pv_shared
pv_shared:
        .space  PAGE_SIZE
        .balign 4
# The trap vector's words (PV_TRAP_ENTRY, PV_SET_TRAP_FRAME): the shared sscratch points at
# pv_trap_frame while a process runs in U-mode, so the hypervisor's stack switch enters the
# vector with sp = &pv_trap_frame, and t0 is spilled just below it.
pv_trap_spill:
        .space  4
        .globl pv_trap_frame
pv_trap_frame:                                  # the trap frame of the process in U-mode
        .space  4
.if pv_trap_frame - pv_trap_spill != 4
  .error "pv_trap_spill must be the word right below pv_trap_frame"
.endif
        .globl pv_mmu_count
pv_mmu_count:                                   # entries in the batch
        .space  4
pv_putchar_byte:                                # PV_SBI_PUTCHAR's one-byte buffer
        .space  4
        .balign 4
pv_mmu_buf:                                     # the batch: {pte_gpa, value, flush_va}
        .space  PV_MMU_BATCH_MAX * PV_MMU_UPDATE_SIZE
