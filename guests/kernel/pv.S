# pv.S — the out-of-line half of the paravirt build's pv-ops (pvops.S, BUILD_PARAVIRT == 1):
# the shared info page, the words the trap vector uses, and the queue of memory-management
# hypercalls. Assembled only into the paravirt build. docs/pv-ops.md describes the design,
# docs/pv-abi.md the interface (src/abi/hypercalls.ts, generated into gen/hypercalls.S).
#
# Every helper here is reached through pvops.S's PV_OUTOFLINE (or a `call` inside a pv-op
# macro) and preserves every register but ra, which the macro saves: the kernel code around a
# pv-op sees it change only its documented outputs, as the unmodified build's one instruction
# would. Arguments are on the caller's stack: the first at 0(sp), the second at 4(sp), as sp
# is on entry.
#
# The MMU queue (Linux's lazy MMU mode on Xen, with Xen's multicall batching). Page-table
# updates (PV_SET_PTE) are gathered into MMU_UPDATE entries; pins, unpins, address-space
# switches and whole-TLB flushes are queued, in program order, as the entries of one
# MULTICALL, each run of updates between them becoming one MMU_UPDATE call in it. The queue is
# committed — one exit — at PV_PTE_COMMIT (the kernel's commit points: the end of each group
# of updates, the return to user mode), or when pv_mmu_batch updates are waiting, or when a
# buffer is full. A commit of one call makes it directly; of several, one MULTICALL. So
# fork's whole new address space (pin the second-level table, pin the root, link them) is one
# exit, and so is exit's teardown (leave the space, unpin its tables).

# Entries the update buffer holds; pv_mmu_batch (patchable, default PV_MMU_BATCH_DEFAULT) says
# how many updates are gathered before they are submitted, 1..PV_MMU_BATCH_MAX.
.equ PV_MMU_BATCH_MAX, 128
.equ PV_MMU_BATCH_DEFAULT, 16
# Calls one MULTICALL holds; a queue operation adds at most two (a closed run of updates and
# the operation), so the queue is committed once fewer than two places are left.
.equ PV_MC_MAX, 16
.equ PV_FRAME, 64                               # a helper's own stack frame
.equ PV_FRAME_RA, 60

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
        sw      ra, PV_FRAME_RA(sp)
        call    pv_save_regs
        la      t0, pv_shared
        lw      t1, PV_SHARED_SSTATUS(t0)
        andi    t1, t1, SSTATUS_SIE
        beqz    t1, 1f
        lw      t1, PV_SHARED_SIP(t0)
        lw      t0, PV_SHARED_SIE(t0)
        and     t1, t1, t0
        beqz    t1, 1f
        PV_HYPERCALL HC_EVENT_CHECK
1:      j       pv_helper_out

# pv_set_callback(0(sp) = entry): HC_SET_CALLBACK. Traps and events are delivered there.
        .globl pv_set_callback
pv_set_callback:
        addi    sp, sp, -PV_FRAME
        sw      ra, PV_FRAME_RA(sp)
        call    pv_save_regs
        lw      a0, PV_FRAME + 0(sp)
        PV_HYPERCALL HC_SET_CALLBACK
        beqz    a0, 1f
        mv      a2, a0
        lw      a1, PV_FRAME + 0(sp)
        la      a0, msg_pv_callback
        call    panic
1:      j       pv_helper_out

# ---------------------------------------------------------------------------------------------
# The MMU queue: the pv-ops' entry points
# ---------------------------------------------------------------------------------------------

# pv_set_pte(0(sp) = ptep, 4(sp) = pte): queue the update {ptep, pte, PV_NO_FLUSH}. If
# pv_mmu_batch updates already wait in the current run (or the buffer is full), commit them
# first — not right after the last one is queued, so that the flush which usually follows an
# update can still ride on it.
        .globl pv_set_pte
pv_set_pte:
        addi    sp, sp, -PV_FRAME
        sw      ra, PV_FRAME_RA(sp)
        call    pv_save_regs
# ASSIGNMENT batching BEGIN step 1: gather updates, submit pv_mmu_batch at a time
        lw      t0, pv_mmu_count
        li      t1, PV_MMU_BATCH_MAX
        bgeu    t0, t1, 1f                      # the buffer is full
        lw      t1, pv_mmu_open
        sub     t3, t0, t1                      # t3 = updates in the current run
        call    pv_mmu_limit                    # t1 = the batch size in effect
        bltu    t3, t1, 2f
1:      call    pv_commit
# ASSIGNMENT batching END
2:      lw      t0, pv_mmu_count
        call    pv_mmu_entry                    # t1 = entry t0
        lw      t2, PV_FRAME + 0(sp)
        sw      t2, PV_MMU_UPDATE_PTE_GPA(t1)
        lw      t2, PV_FRAME + 4(sp)
        sw      t2, PV_MMU_UPDATE_VALUE(t1)
        li      t2, PV_NO_FLUSH
        sw      t2, PV_MMU_UPDATE_FLUSH_VA(t1)
        addi    t0, t0, 1
        sw      t0, pv_mmu_count, t1
        j       pv_helper_out

# pv_flush_tlb_page(0(sp) = va): drop the translations of va's page after the updates queued
# so far. Folded into the current run of updates: the last one's flush_va if it has none yet
# (the hypervisor flushes after writing that entry, so after every earlier one too), else one
# more update rewriting the last PTE with the same value and this flush. With no run open, a
# queued HC_TLB_FLUSH(va).
        .globl pv_flush_tlb_page
pv_flush_tlb_page:
        addi    sp, sp, -PV_FRAME
        sw      ra, PV_FRAME_RA(sp)
        call    pv_save_regs
        lw      t0, pv_mmu_count
        lw      t1, pv_mmu_open
        beq     t0, t1, 3f                      # no run open
        addi    t0, t0, -1
        call    pv_mmu_entry                    # t1 = the last update
        lw      t2, PV_MMU_UPDATE_FLUSH_VA(t1)
        li      t3, PV_NO_FLUSH
        bne     t2, t3, 1f
        lw      t2, PV_FRAME + 0(sp)            # fold the flush into it
        sw      t2, PV_MMU_UPDATE_FLUSH_VA(t1)
        j       pv_helper_out
1:      addi    t0, t0, 1                       # it has a flush: a copy with this one
        li      t2, PV_MMU_BATCH_MAX
        bgeu    t0, t2, 3f                      # (no room: a flush call instead)
        mv      t3, t1
        call    pv_mmu_entry
        lw      t2, PV_MMU_UPDATE_PTE_GPA(t3)
        sw      t2, PV_MMU_UPDATE_PTE_GPA(t1)
        lw      t2, PV_MMU_UPDATE_VALUE(t3)
        sw      t2, PV_MMU_UPDATE_VALUE(t1)
        lw      t2, PV_FRAME + 0(sp)
        sw      t2, PV_MMU_UPDATE_FLUSH_VA(t1)
        addi    t0, t0, 1
        sw      t0, pv_mmu_count, t1
        j       pv_helper_out
3:      li      t3, HC_TLB_FLUSH
        lw      t4, PV_FRAME + 0(sp)
        call    pv_queue_call
        j       pv_helper_out

# pv_flush_tlb_all(): queue HC_TLB_FLUSH(PV_FLUSH_ALL).
        .globl pv_flush_tlb_all
pv_flush_tlb_all:
        addi    sp, sp, -PV_FRAME
        sw      ra, PV_FRAME_RA(sp)
        call    pv_save_regs
        li      t3, HC_TLB_FLUSH
        li      t4, PV_FLUSH_ALL
        j       pv_queue_and_out

# pv_pin_table(0(sp) = page): queue HC_PIN_TABLE. The page is made a table before any later
# queued update that writes into it or links to it.
        .globl pv_pin_table
pv_pin_table:
        addi    sp, sp, -PV_FRAME
        sw      ra, PV_FRAME_RA(sp)
        call    pv_save_regs
        li      t3, HC_PIN_TABLE
        j       pv_queue_arg_and_out

# pv_unpin_table(0(sp) = page): queue HC_UNPIN_TABLE, after every earlier queued update (some
# may write into this table). The page is writable again after the next commit.
        .globl pv_unpin_table
pv_unpin_table:
        addi    sp, sp, -PV_FRAME
        sw      ra, PV_FRAME_RA(sp)
        call    pv_save_regs
        li      t3, HC_UNPIN_TABLE
        j       pv_queue_arg_and_out

# pv_switch_as(0(sp) = satp): queue HC_SET_PT_BASE, after the updates that complete the new
# space. The kernel's own mappings are the same in every space, so the kernel runs on in the
# old one until the commit (at the latest, the return to user mode).
        .globl pv_switch_as
pv_switch_as:
        addi    sp, sp, -PV_FRAME
        sw      ra, PV_FRAME_RA(sp)
        call    pv_save_regs
        li      t3, HC_SET_PT_BASE
        # fall through

# Common tail of the queueing entry points: queue call t3 with the argument at 0(sp) (or with
# t4), and return from the helper.
pv_queue_arg_and_out:
        lw      t4, PV_FRAME + 0(sp)
pv_queue_and_out:
        call    pv_queue_call
        j       pv_helper_out

# pv_commit_queue(): PV_PTE_COMMIT's slow path: commit whatever is queued.
        .globl pv_commit_queue
pv_commit_queue:
        addi    sp, sp, -PV_FRAME
        sw      ra, PV_FRAME_RA(sp)
        call    pv_save_regs
        call    pv_commit
        j       pv_helper_out

# ---------------------------------------------------------------------------------------------
# The MMU queue: inside (called from the entry points above, which saved the registers; each
# clobbers t0-t5, a0-a7)
# ---------------------------------------------------------------------------------------------

# pv_queue_call(t3 = function, t4 = argument): close the current run of updates, then append
# the call; commit if fewer than two places are left.
pv_queue_call:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        call    pv_close_run
        lw      t0, pv_mc_count
        call    pv_mc_entry                     # t1 = call t0
        sw      t3, PV_MULTICALL_FUNCTION(t1)
        sw      t4, PV_MULTICALL_ARGS(t1)
        addi    t0, t0, 1
        sw      t0, pv_mc_count, t1
        li      t1, PV_MC_MAX - 2
        bleu    t0, t1, 1f
        call    pv_commit
1:      lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

# pv_close_run(): the updates queued since the last call (if any) become one MMU_UPDATE call.
# There is always room for it (pv_queue_call keeps two places).
pv_close_run:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        lw      t2, pv_mmu_count
        lw      t0, pv_mmu_open
        beq     t0, t2, 1f
        sw      t2, pv_mmu_open, t1
        sub     t5, t2, t0                      # t5 = updates in the run
        call    pv_mmu_entry                    # t1 = its first
        mv      a0, t1
        lw      t0, pv_mc_count
        call    pv_mc_entry
        li      t2, HC_MMU_UPDATE
        sw      t2, PV_MULTICALL_FUNCTION(t1)
        sw      a0, PV_MULTICALL_ARGS + 0(t1)   # list
        sw      t5, PV_MULTICALL_ARGS + 4(t1)   # count
        addi    t0, t0, 1
        sw      t0, pv_mc_count, t1
1:      lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

# pv_commit(): make every queued call: one directly, several as one MULTICALL. A refusal is a
# kernel bug: panic, naming it. Then the queue is empty.
pv_commit:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        call    pv_close_run
        lw      t5, pv_mc_count
        beqz    t5, 4f
        li      t0, 1
        bne     t5, t0, 1f
        la      t4, pv_mc_buf                   # one call: make it
        lw      a0, PV_MULTICALL_ARGS + 0(t4)
        lw      a1, PV_MULTICALL_ARGS + 4(t4)
        lw      a2, PV_MULTICALL_ARGS + 8(t4)
        lw      a3, PV_MULTICALL_ARGS + 12(t4)
        lw      a4, PV_MULTICALL_ARGS + 16(t4)
        lw      t3, PV_MULTICALL_FUNCTION(t4)
        PV_HYPERCALL_FN t3
        sw      a0, PV_MULTICALL_ERROR(t4)
        sw      a1, PV_MULTICALL_VALUE(t4)
        j       2f
1:      la      a0, pv_mc_buf                   # several: one MULTICALL
        mv      a1, t5
        PV_HYPERCALL HC_MULTICALL
        bnez    a0, .Lpv_multicall_refused
2:      la      t4, pv_mc_buf                   # every call's result
        li      t0, 0
3:      bgeu    t0, t5, 5f
        lw      t1, PV_MULTICALL_ERROR(t4)
        bnez    t1, .Lpv_call_refused
        addi    t4, t4, PV_MULTICALL_SIZE
        addi    t0, t0, 1
        j       3b
5:      sw      zero, pv_mc_count, t0
        sw      zero, pv_mmu_count, t0
        sw      zero, pv_mmu_open, t0
4:      lw      ra, 12(sp)
        addi    sp, sp, 16
        ret
.Lpv_multicall_refused:
        mv      a2, a0
        mv      a1, t5
        la      a0, msg_pv_multicall
        call    panic
.Lpv_call_refused:                              # t4 = the call; t1 = its error
        lw      a1, PV_MULTICALL_FUNCTION(t4)
        li      t2, HC_MMU_UPDATE
        beq     a1, t2, 6f
        lw      a2, PV_MULTICALL_ARGS(t4)
        mv      a3, t1
        lw      a4, PV_MULTICALL_VALUE(t4)
        la      a0, msg_pv_call
        call    panic
6:      lw      t0, PV_MULTICALL_VALUE(t4)      # MMU_UPDATE: updates applied; the next was bad
        lw      t2, PV_MULTICALL_ARGS(t4)
        slli    a1, t0, 3                       # its address: list + 12 * index
        slli    t3, t0, 2
        add     a1, a1, t3
        add     t2, t2, a1
        mv      a1, t0
        mv      a2, t1
        lw      a3, PV_MMU_UPDATE_PTE_GPA(t2)
        lw      a4, PV_MMU_UPDATE_VALUE(t2)
        la      a0, msg_pv_mmu_update
        call    panic

# t1 <- address of update entry t0 (clobbers t2).
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

# t1 <- address of multicall entry t0 (clobbers t2).
.if PV_MULTICALL_SIZE != 32
  .error "pv_mc_entry assumes 32-byte MULTICALL entries"
.endif
pv_mc_entry:
        slli    t1, t0, 5
        la      t2, pv_mc_buf
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

# pv_save_regs: called first thing by a helper that has made its PV_FRAME frame and saved ra
# at PV_FRAME_RA(sp): saves the registers the helpers use (t0-t5, a0-a4, a6, a7) in it.
pv_save_regs:
        sw      t0, 0(sp)
        sw      t1, 4(sp)
        sw      t2, 8(sp)
        sw      t3, 12(sp)
        sw      t4, 16(sp)
        sw      t5, 20(sp)
        sw      a0, 24(sp)
        sw      a1, 28(sp)
        sw      a2, 32(sp)
        sw      a3, 36(sp)
        sw      a4, 40(sp)
        sw      a6, 44(sp)
        sw      a7, 48(sp)
        ret

# pv_helper_out: restore what pv_save_regs saved, and ra, and return from the helper.
pv_helper_out:
        lw      t0, 0(sp)
        lw      t1, 4(sp)
        lw      t2, 8(sp)
        lw      t3, 12(sp)
        lw      t4, 16(sp)
        lw      t5, 20(sp)
        lw      a0, 24(sp)
        lw      a1, 28(sp)
        lw      a2, 32(sp)
        lw      a3, 36(sp)
        lw      a4, 40(sp)
        lw      a6, 44(sp)
        lw      a7, 48(sp)
        lw      ra, PV_FRAME_RA(sp)
        addi    sp, sp, PV_FRAME
        ret

        .section .rodata
msg_pv_callback:
        .asciz  "the hypervisor refused the trap entry %x (error %d)"
msg_pv_multicall:
        .asciz  "the hypervisor refused a multicall of %d calls (error %d)"
msg_pv_call:
        .asciz  "the hypervisor refused hypercall %d (%x): error %d, value %d"
msg_pv_mmu_update:
        .asciz  "the hypervisor refused page-table update %d (error %d): entry %x <- %x"

        .data
        .balign 4
# Page-table updates gathered before they are submitted (patched by symbol by experiments; 1
# submits every update on its own, as an unbatched guest would).
        .globl pv_mmu_batch
pv_mmu_batch:
        .word   PV_MMU_BATCH_DEFAULT

        .bss
# The kernel's own PV words, in the shared info page right after the PV_SHARED_SIZE bytes of
# the ABI (pvshared.S, included just before this file), which the hypervisor never touches —
# so that the trap path has one page to touch, not two (as Linux places Xen's vcpu_info among
# its own per-CPU data).
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
pv_mmu_count:                                   # updates in pv_mmu_buf
        .space  4
pv_mmu_open:                                    # the first update of the current run
        .space  4
        .globl pv_mc_count
pv_mc_count:                                    # calls in pv_mc_buf
        .space  4
pv_putchar_byte:                                # PV_SBI_PUTCHAR's one-byte buffer
        .space  4
pv_mc_buf:                                      # the queued calls: MULTICALL entries
        .space  PV_MC_MAX * PV_MULTICALL_SIZE
pv_mmu_buf:                                     # the updates: MMU_UPDATE entries
        .space  PV_MMU_BATCH_MAX * PV_MMU_UPDATE_SIZE
pv_shared_end:
.if pv_shared_end - pv_shared > PAGE_SIZE
  .error "the kernel's PV words no longer fit in the shared info page"
.endif
        .balign PAGE_SIZE
