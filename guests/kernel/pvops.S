# pvops.S — the paravirtualization operations: THE one layer through which the kernel does
# anything privileged (like Linux's pv_ops, or xv6's riscv.h accessors).
#
# Every CSR access, sret, sfence.vma, wfi, SBI call, device-register access, page-table-entry
# store and address-space switch in the kernel is one of the PV_* macros below; no other file
# contains a privileged instruction. The `unmodified` build (BUILD_PARAVIRT == 0) expands each
# macro to the real instruction(s), so the kernel is ordinary RISC-V software for the virt
# board: on a hypervisor those instructions trap and are emulated. The `paravirt` build
# (BUILD_PARAVIRT == 1) expands the same macros to hypercalls (src/abi/hypercalls.ts, through
# gen/hypercalls.S) and loads/stores of a page shared with the hypervisor, and never executes a
# privileged instruction; its out-of-line half and its drivers are pv.S and pvdrivers.S. No
# other file changes. docs/pv-ops.md describes each op and both expansions.
#
# A third build, `pvio` (BUILD_PARAVIRT == 0, BUILD_PV_IO == 1), is the unmodified build in
# every respect but the device ops, which call the paravirtual drivers of pvdrivers.S (the
# modern "hardware assist + PV I/O" combination, KVM + virtio or Xen PVH): every CSR, sret,
# sfence.vma, wfi and SBI call is the real instruction; the console, the disk and the device
# events go through hypercalls and the shared page. BUILD_PV_IO defaults to 0.
#
# Conventions every expansion (both builds) must keep:
#  * Instruction-level ops (CSRs, interrupts, fences, PTEs, MMIO, sret, wfi) change only their
#    documented outputs; every other register is preserved. A paravirt expansion that needs
#    scratch registers saves them on the stack: sp must be a valid kernel stack, except for
#    the loads (PV_READ_*) and the trap-vector ops PV_TRAP_ENTRY and PV_TRAP_EXIT.
#  * SBI ops are `ecall`s with the SBI convention: arguments in a0/a1, results in a0 (error)
#    and a1 (value); they clobber a0, a1, a6 and a7 and nothing else.
#  * Device ops (PV_CONSOLE_*, PV_BLK_*, PV_DEVICES_INIT, PV_EXTERNAL_INTR) are function calls
#    with the standard calling convention: arguments in a0.., result in a0, caller-saved
#    registers (ra, t0-t6, a0-a7) clobbered. The drivers behind them are free to differ
#    between builds.
#  * PTE stores may be deferred until PV_PTE_COMMIT (a paravirt build batches them into one
#    hypercall, as Xen's mmu_update); code must not rely on a new mapping before the commit.
#    A page becomes a page table at PV_PT_ALLOC; before that it is ordinary memory.

.ifndef BUILD_PV_IO
  .equ BUILD_PV_IO, 0
.endif
.if BUILD_PV_IO
  .if BUILD_PARAVIRT
    .error "BUILD_PV_IO is a variant of the unmodified build: define BUILD_PARAVIRT = 0 with it"
  .endif
.endif

.if BUILD_PARAVIRT == 0

.if BUILD_PV_IO
# The build's name, for the boot banner.
.macro PV_BUILD_NAME
        .asciz  "pvio"
.endm
# The block driver's name, for the boot banner.
.macro PV_BLK_DRIVER_NAME
        .asciz  "pv block ring"
.endm
.endif
.if BUILD_PV_IO == 0
# The build's name, for the boot banner.
.macro PV_BUILD_NAME
        .asciz  "unmodified"
.endm
# The block driver's name, for the boot banner.
.macro PV_BLK_DRIVER_NAME
        .asciz  "virtio-blk"
.endm
.endif

# ---------------------------------------------------------------------------------------------
# Supervisor CSRs, one accessor per register and direction the kernel needs.
# ---------------------------------------------------------------------------------------------

.macro PV_READ_SSTATUS rd               # rd <- sstatus
        csrr    \rd, sstatus
.endm
.macro PV_WRITE_SSTATUS rs              # sstatus <- rs
        csrw    sstatus, \rs
.endm
.macro PV_SET_SSTATUS rs                # sstatus |= rs
        csrs    sstatus, \rs
.endm
.macro PV_CLEAR_SSTATUS rs              # sstatus &= ~rs
        csrc    sstatus, \rs
.endm
.macro PV_READ_SCAUSE rd                # rd <- scause
        csrr    \rd, scause
.endm
.macro PV_READ_STVAL rd                 # rd <- stval
        csrr    \rd, stval
.endm
.macro PV_READ_SEPC rd                  # rd <- sepc
        csrr    \rd, sepc
.endm
.macro PV_WRITE_SEPC rs                 # sepc <- rs
        csrw    sepc, \rs
.endm
.macro PV_WRITE_STVEC rs                # stvec <- rs (direct mode: rs is 4-byte aligned)
        csrw    stvec, \rs
.endm
.macro PV_WRITE_SIE rs                  # sie <- rs (which interrupt sources are enabled)
        csrw    sie, \rs
.endm
.macro PV_READ_SSCRATCH rd              # rd <- sscratch
        csrr    \rd, sscratch
.endm
.macro PV_WRITE_SSCRATCH rs             # sscratch <- rs
        csrw    sscratch, \rs
.endm

# The trap vector's first step, when no register is free: from U-mode, sp <- the trap frame
# of the process that ran (what PV_SET_TRAP_FRAME named), the user's sp left for
# PV_READ_SSCRATCH, and on to from_user; from S-mode, fall through with every register as it
# was (sscratch is 0 in the kernel: the swap yields 0 and is undone).
.macro PV_TRAP_ENTRY from_user
        csrrw   sp, sscratch, sp
        bnez    sp, \from_user
        csrrw   sp, sscratch, sp
.endm
# The next trap from U-mode finds the trap frame at rs (the process about to run in U-mode).
.macro PV_SET_TRAP_FRAME rs
        csrw    sscratch, \rs
.endm

# lo:hi <- the 64-bit `time` counter (mtime, timebase ticks). Reads high, low, high again and
# retries if the high half moved, so the pair is consistent. tmp is clobbered.
.macro PV_READ_TIME lo, hi, tmp
99:     csrr    \hi, timeh
        csrr    \lo, time
        csrr    \tmp, timeh
        bne     \hi, \tmp, 99b
.endm

# ---------------------------------------------------------------------------------------------
# Interrupt enable (sstatus.SIE). The kernel itself runs with interrupts off; it turns them on
# only to let them in while idle.
# ---------------------------------------------------------------------------------------------

.macro PV_IRQ_ENABLE
        csrsi   sstatus, SSTATUS_SIE
.endm
.macro PV_IRQ_DISABLE
        csrci   sstatus, SSTATUS_SIE
.endm
# rd <- the old enable state (SSTATUS_SIE or 0), and disable.
.macro PV_IRQ_SAVE rd
        csrrci  \rd, sstatus, SSTATUS_SIE
        andi    \rd, \rd, SSTATUS_SIE
.endm
# Restore a state saved by PV_IRQ_SAVE.
.macro PV_IRQ_RESTORE rs
        csrs    sstatus, \rs
.endm

# ---------------------------------------------------------------------------------------------
# Trap return and waiting.
# ---------------------------------------------------------------------------------------------

# Return from the trap: restore x1, x3..x31 and then sp from the trap frame at sp, and sret
# (pc <- sepc, mode <- sstatus.SPP, SIE <- SPIE).
.macro PV_TRAP_EXIT
        RESTORE_REGS sp
        lw      sp, TF_SP(sp)
        sret
.endm
.macro PV_WFI                           # wait until an interrupt is pending (enabled in sie)
        wfi
.endm

# ---------------------------------------------------------------------------------------------
# Memory management: page-table entries, TLB, address spaces.
# ---------------------------------------------------------------------------------------------

# *ptep <- pte. ptep is the entry's kernel (= physical) address.
.macro PV_SET_PTE ptep, pte
        sw      \pte, 0(\ptep)
.endm
# Make the PTE stores issued so far take effect (the paravirt build flushes its batch here).
.macro PV_PTE_COMMIT
.endm
# A page at physical address pa becomes / stops being a page table (Linux's
# paravirt_alloc_pte/release_pte): a paravirt hypervisor validates and write-protects it.
.macro PV_PT_ALLOC pa
.endm
.macro PV_PT_RELEASE pa
.endm
# Switch to the address space whose satp value is in rs, and drop stale translations.
.macro PV_SWITCH_AS rs
        csrw    satp, \rs
        sfence.vma zero, zero
.endm
.macro PV_FLUSH_TLB_ALL
        sfence.vma zero, zero
.endm
.macro PV_FLUSH_TLB_PAGE va             # drop translations of the page holding va
        sfence.vma \va, zero
.endm

# ---------------------------------------------------------------------------------------------
# SBI calls to the firmware (arguments in a0/a1; clobber a0, a1, a6, a7).
# ---------------------------------------------------------------------------------------------

.macro PV_SBI_SET_TIMER                 # next timer interrupt at time a1:a0; clears a pending one
        li      a7, SBI_EXT_TIME
        li      a6, SBI_TIME_SET_TIMER
        ecall
.endm
.macro PV_SBI_PUTCHAR                   # legacy console putchar(a0): the early/panic console
        li      a7, SBI_EXT_LEGACY_CONSOLE_PUTCHAR
        ecall
.endm
.macro PV_SBI_SHUTDOWN                  # power off; a0 = reason (SBI_SRST_REASON_*); no return
        mv      a1, a0
        li      a0, SBI_SRST_TYPE_SHUTDOWN
        li      a7, SBI_EXT_SRST
        li      a6, SBI_SRST_SYSTEM_RESET
        ecall
.endm
# Power off with exit status a0; does not return (if refused: t0, a0, a1, a6, a7 clobbered).
# SRST carries only a reason: "none" for status 0, "system failure" for any other.
.macro PV_SHUTDOWN
        li      t0, SBI_SRST_REASON_NONE
        beqz    a0, .Lpv_shutdown_\@
        li      t0, SBI_SRST_REASON_SYSTEM_FAILURE
.Lpv_shutdown_\@:
        mv      a0, t0
        PV_SBI_SHUTDOWN
.endm

.if BUILD_PV_IO == 0
# ---------------------------------------------------------------------------------------------
# Device registers (memory-mapped I/O), used only by the drivers behind the device ops.
# base is a register holding the device's base address, off a constant register offset.
# ---------------------------------------------------------------------------------------------

.macro PV_MMIO_READ8 rd, base, off
        lbu     \rd, \off(\base)
.endm
.macro PV_MMIO_WRITE8 rs, base, off
        sb      \rs, \off(\base)
.endm
.macro PV_MMIO_READ32 rd, base, off
        lw      \rd, \off(\base)
.endm
.macro PV_MMIO_WRITE32 rs, base, off
        sw      \rs, \off(\base)
.endm

# ---------------------------------------------------------------------------------------------
# Device operations (function calls). The unmodified build drives the virt board's devices:
# NS16550A (console.S), the PLIC (plic.S), and the virtio devices the device tree lists
# (virtio.S: virtio-blk, virtio_blk.S).
# ---------------------------------------------------------------------------------------------

# Interrupt controller, console, then the virtio devices the device tree lists (virtio.S);
# before any output.
.macro PV_DEVICES_INIT
        call    plic_init
        call    console_init
        call    virtio_probe
.endm
.macro PV_CONSOLE_WRITE                 # write a1 bytes at kernel address a0 to the console
        call    uart_write
.endm
.macro PV_CONSOLE_READ                  # a0 <- up to a1 bytes of input, copied to kernel address a0
        call    console_read
.endm
.macro PV_EXTERNAL_INTR                 # handle a supervisor external interrupt
        call    plic_dispatch
.endm
# a0 <- 0 or a negative error: move a2 sectors from sector a0 (a3 = BLK_OP_READ or BLK_OP_WRITE) to/from
# the physically contiguous kernel buffer at a1 (at most BLK_MAX_SECTORS). May sleep.
.macro PV_BLK_RW
        call    virtio_blk_rw
.endm
.macro PV_BLK_CAPACITY                  # a0 <- disk size in sectors (0: no disk)
        call    virtio_blk_capacity
.endm
# The device events need no acknowledgement: these drivers complete them at their devices.
.macro PV_EVENTS_ACK
.endm

.endif   # BUILD_PV_IO == 0
.if BUILD_PV_IO   # the pvio build: the unmodified CPU and MMU, the paravirtual devices
# (Its device registers and device operations are the paravirt build's: see the end of file.)
# Under hw-assist the hypervisor (src/hypervisor/hw/hv-pvio.ts) serves the drivers' hypercalls
# on the ecall exit and shows device events as a virtual external interrupt (hvip.VSEIP), which
# it holds until the driver has taken the events out of the shared page and says so.
# The driver took the device events out of the shared page (pv_external_intr): the events line
# is an interrupt the hypervisor holds (hvip.VSEIP), so ask it to look again (HC_EVENT_CHECK;
# a0, a1, a6, a7 clobbered). Without it the interrupt would be taken over and over, no exit.
.macro PV_EVENTS_ACK
        PV_HYPERCALL HC_EVENT_CHECK
.endm
.endif  # BUILD_PV_IO

.else   # BUILD_PARAVIRT == 1: the paravirtual expansions

# Everything here runs in the guest kernel on pvlab's hypervisor with the PV interface
# (docs/pv-abi.md): no CSR access (but the unprivileged time counter), no sret, wfi or
# sfence.vma, no device register. Instead:
#  * hypercalls: `ecall` with a7 = PV_EXT, a6 = HC_*, arguments a0..a5; a0 = error, a1 = value
#    (PV_HYPERCALL); every other register preserved;
#  * the shared info page `pv_shared` (pv.S), registered first thing (PV_DEVICES_INIT): the
#    virtual sstatus, sie, sip, sepc, scause, stval, sscratch and the event bits, as memory;
#  * out-of-line helpers in pv.S (pv_*), called with PV_OUTOFLINE: they preserve every
#    register, and find their arguments on the stack.
# Scratch registers (t5, t6, and a0/a1/a6/a7 around hypercalls) are saved on the stack, 16
# bytes at a time; so no macro argument may be t5, t6 or sp where PV_NOT_SCRATCH says so.

# The build's name, for the boot banner.
.macro PV_BUILD_NAME
        .asciz  "paravirt"
.endm
# The block driver's name, for the boot banner.
.macro PV_BLK_DRIVER_NAME
        .asciz  "pv block ring"
.endm

# ---------------------------------------------------------------------------------------------
# Helpers of this branch
# ---------------------------------------------------------------------------------------------

# (PV_HYPERCALL fn, the hypercall itself, is defined after this branch, for both builds with
# the paravirtual drivers.)
# The same, with the function number in register fn (not a7).
.macro PV_HYPERCALL_FN fn
        mv      a6, \fn
        li      a7, PV_EXT
        ecall
.endm

# Assembly-time check that a macro argument is not one of the registers the expansion uses
# for itself.
.macro PV_NOT_SCRATCH reg
  .irp bad, t5, t6, x30, x31, sp, x2
    .ifc \reg, \bad
      .error "pvops.S (paravirt): \reg cannot be an argument here (the expansion's scratch register)"
    .endif
  .endr
.endm

# Call an out-of-line helper of pv.S with up to two arguments, which it finds at 0(sp) and
# 4(sp) on entry. The helper preserves every register; ra is saved here.
.macro PV_OUTOFLINE fn, arg=zero, arg2=zero
        addi    sp, sp, -16
        sw      \arg, 0(sp)
        sw      \arg2, 4(sp)
        sw      ra, 8(sp)
        call    \fn
        lw      ra, 8(sp)
        addi    sp, sp, 16
.endm

# rs -> a word of the shared info page (a plain store).
.macro PV_SHARED_STORE rs, field
        PV_NOT_SCRATCH \rs
        addi    sp, sp, -16
        sw      t6, 0(sp)
        sw      \rs, pv_shared + \field, t6
        lw      t6, 0(sp)
        addi    sp, sp, 16
.endm

# ---------------------------------------------------------------------------------------------
# Supervisor CSRs: words of the shared info page. The hypervisor reads them at every exit and
# writes its own view before every entry; a trap is delivered into sepc/scause/stval.
# ---------------------------------------------------------------------------------------------

.macro PV_READ_SSTATUS rd
        lw      \rd, pv_shared + PV_SHARED_SSTATUS
.endm
# A whole new sstatus; if it enables events, one that is pending is taken now.
.macro PV_WRITE_SSTATUS rs
        PV_NOT_SCRATCH \rs
        addi    sp, sp, -16
        sw      t6, 0(sp)
        sw      ra, 4(sp)
        sw      \rs, pv_shared + PV_SHARED_SSTATUS, t6
        andi    t6, \rs, SSTATUS_SIE
        beqz    t6, .Lpv_wsstatus_\@
        call    pv_event_check
.Lpv_wsstatus_\@:
        lw      ra, 4(sp)
        lw      t6, 0(sp)
        addi    sp, sp, 16
.endm
# sstatus |= rs and sstatus &= ~rs: atomic read-modify-writes (amoor/amoand), so an event
# delivered in between cannot be lost or undone.
.macro PV_SET_SSTATUS rs
        PV_NOT_SCRATCH \rs
        addi    sp, sp, -16
        sw      t6, 0(sp)
        sw      ra, 4(sp)
        la      t6, pv_shared + PV_SHARED_SSTATUS
        amoor.w zero, \rs, (t6)
        andi    t6, \rs, SSTATUS_SIE
        beqz    t6, .Lpv_ssstatus_\@
        call    pv_event_check
.Lpv_ssstatus_\@:
        lw      ra, 4(sp)
        lw      t6, 0(sp)
        addi    sp, sp, 16
.endm
.macro PV_CLEAR_SSTATUS rs
        PV_NOT_SCRATCH \rs
        addi    sp, sp, -16
        sw      t5, 0(sp)
        sw      t6, 4(sp)
        la      t5, pv_shared + PV_SHARED_SSTATUS
        not     t6, \rs
        amoand.w zero, t6, (t5)
        lw      t6, 4(sp)
        lw      t5, 0(sp)
        addi    sp, sp, 16
.endm
.macro PV_READ_SCAUSE rd
        lw      \rd, pv_shared + PV_SHARED_SCAUSE
.endm
.macro PV_READ_STVAL rd
        lw      \rd, pv_shared + PV_SHARED_STVAL
.endm
.macro PV_READ_SEPC rd
        lw      \rd, pv_shared + PV_SHARED_SEPC
.endm
.macro PV_WRITE_SEPC rs                 # read by HC_TRAP_RETURN
        PV_SHARED_STORE \rs, PV_SHARED_SEPC
.endm
# The trap entry point: registered with the hypervisor (Xen's set_callbacks).
.macro PV_WRITE_STVEC rs
        PV_OUTOFLINE pv_set_callback, \rs
.endm
# Which events the kernel takes; one now enabled and pending is taken now.
.macro PV_WRITE_SIE rs
        PV_NOT_SCRATCH \rs
        addi    sp, sp, -16
        sw      t6, 0(sp)
        sw      ra, 4(sp)
        sw      \rs, pv_shared + PV_SHARED_SIE, t6
        call    pv_event_check
        lw      ra, 4(sp)
        lw      t6, 0(sp)
        addi    sp, sp, 16
.endm
.macro PV_READ_SSCRATCH rd
        lw      \rd, pv_shared + PV_SHARED_SSCRATCH
.endm
.macro PV_WRITE_SSCRATCH rs
        PV_SHARED_STORE \rs, PV_SHARED_SSCRATCH
.endm

# The trap vector's first step. The hypervisor enters trap_entry with the trap in the shared
# page and events masked; from U-mode it has also swapped sp with the shared sscratch (Xen's
# stack switch), and PV_SET_TRAP_FRAME left there the address of pv_trap_frame, which holds
# the trap frame. So one spill slot exists below sp either way — the free kernel stack below
# the kernel's sp, or pv_trap_spill right below pv_trap_frame — and t0 goes there while
# sstatus.SPP says where the trap came from.
.macro PV_TRAP_ENTRY from_user
        sw      t0, -4(sp)
        lw      t0, pv_shared + PV_SHARED_SSTATUS
        andi    t0, t0, SSTATUS_SPP
        bnez    t0, .Lpv_from_kernel_\@
        lw      sp, 0(sp)                       # from U: the trap frame
        lw      t0, pv_trap_spill
        j       \from_user
.Lpv_from_kernel_\@:
        lw      t0, -4(sp)
.endm
# Before a return to U-mode: pv_trap_frame <- rs, and the shared sscratch (the sp the next
# trap from U-mode is entered with) <- its address.
.macro PV_SET_TRAP_FRAME rs
        PV_NOT_SCRATCH \rs
        addi    sp, sp, -16
        sw      t5, 0(sp)
        sw      t6, 4(sp)
        la      t5, pv_trap_frame
        sw      \rs, 0(t5)
        sw      t5, pv_shared + PV_SHARED_SSCRATCH, t6
        lw      t6, 4(sp)
        lw      t5, 0(sp)
        addi    sp, sp, 16
.endm

# The 64-bit time counter: the unprivileged `time` CSR, readable without an exit (the
# hypervisor sets [ms]counteren.TM); the same retry on a moved high word as natively.
.macro PV_READ_TIME lo, hi, tmp
99:     rdtimeh \hi
        rdtime  \lo
        rdtimeh \tmp
        bne     \hi, \tmp, 99b
.endm

# ---------------------------------------------------------------------------------------------
# Interrupt enable: the shared sstatus.SIE is the event mask (Xen's evtchn_upcall_mask).
# Masking is one atomic store, no exit; unmasking checks for an event that became pending
# while masked (sip & sie) and, only then, asks for its delivery (HC_EVENT_CHECK).
# ---------------------------------------------------------------------------------------------

.macro PV_IRQ_ENABLE
        addi    sp, sp, -16
        sw      t6, 0(sp)
        sw      ra, 4(sp)
        sw      t5, 8(sp)
        la      t5, pv_shared + PV_SHARED_SSTATUS
        li      t6, SSTATUS_SIE
        amoor.w zero, t6, (t5)
        call    pv_event_check
        lw      t5, 8(sp)
        lw      ra, 4(sp)
        lw      t6, 0(sp)
        addi    sp, sp, 16
.endm
.macro PV_IRQ_DISABLE
        addi    sp, sp, -16
        sw      t5, 0(sp)
        sw      t6, 4(sp)
        la      t5, pv_shared + PV_SHARED_SSTATUS
        li      t6, ~SSTATUS_SIE
        amoand.w zero, t6, (t5)
        lw      t6, 4(sp)
        lw      t5, 0(sp)
        addi    sp, sp, 16
.endm
.macro PV_IRQ_SAVE rd
        PV_NOT_SCRATCH \rd
        addi    sp, sp, -16
        sw      t5, 0(sp)
        sw      t6, 4(sp)
        la      t5, pv_shared + PV_SHARED_SSTATUS
        li      t6, ~SSTATUS_SIE
        amoand.w \rd, t6, (t5)
        lw      t6, 4(sp)
        lw      t5, 0(sp)
        addi    sp, sp, 16
        andi    \rd, \rd, SSTATUS_SIE
.endm
.macro PV_IRQ_RESTORE rs
        PV_NOT_SCRATCH \rs
        addi    sp, sp, -16
        sw      t6, 0(sp)
        sw      ra, 4(sp)
        la      t6, pv_shared + PV_SHARED_SSTATUS
        amoor.w zero, \rs, (t6)
        beqz    \rs, .Lpv_irqrestore_\@
        call    pv_event_check
.Lpv_irqrestore_\@:
        lw      ra, 4(sp)
        lw      t6, 0(sp)
        addi    sp, sp, 16
.endm

# ---------------------------------------------------------------------------------------------
# Trap return and waiting.
# ---------------------------------------------------------------------------------------------

# The paravirtual sret (Xen's iret): registers from the frame at sp, then HC_TRAP_RETURN, which
# resumes at the shared sepc in the mode the shared sstatus.SPP names, SIE <- SPIE. The
# hypercall itself needs a6 and a7, so the frame's a6 and a7 go to the shared page first
# (PV_SHARED_A6/A7), from where the hypervisor restores them — as Xen's iret restores from the
# guest's frame the registers its own hypercall instruction uses.
.macro PV_TRAP_EXIT
        lw      t0, TF_A6(sp)
        lw      t1, TF_A7(sp)
        la      t2, pv_shared
        sw      t0, PV_SHARED_A6(t2)
        sw      t1, PV_SHARED_A7(t2)
        RESTORE_REGS sp
        lw      sp, TF_SP(sp)
        PV_HYPERCALL HC_TRAP_RETURN             # does not return here
.endm
# Wait until an event is pending and enabled in sie, whatever SIE says (Xen's SCHEDOP_block):
# the hypervisor runs other VMs meanwhile.
.macro PV_WFI
        addi    sp, sp, -16
        sw      a0, 0(sp)
        sw      a1, 4(sp)
        sw      a6, 8(sp)
        sw      a7, 12(sp)
        PV_HYPERCALL HC_BLOCK
        lw      a7, 12(sp)
        lw      a6, 8(sp)
        lw      a1, 4(sp)
        lw      a0, 0(sp)
        addi    sp, sp, 16
.endm

# ---------------------------------------------------------------------------------------------
# Memory management: the tables are read-only to the kernel once pinned; every change is a
# validated update (Xen's direct paging). Every op here is queued in program order and takes
# effect at the next PV_PTE_COMMIT, all in one exit (pv.S: "The MMU queue"): the contract the
# kernel already keeps for PTE stores, extended to pins, unpins and switches — a released
# page is not written, and a new space not used from U-mode, before the commit.
# ---------------------------------------------------------------------------------------------

# Queue {ptep, pte, no flush}; committed once pv_mmu_batch updates wait.
.macro PV_SET_PTE ptep, pte
        PV_OUTOFLINE pv_set_pte, \ptep, \pte
.endm
# Commit the MMU queue, if anything is in it: one exit (an update run alone is one
# HC_MMU_UPDATE; several calls are one HC_MULTICALL).
.macro PV_PTE_COMMIT
        addi    sp, sp, -16
        sw      t6, 0(sp)
        sw      ra, 4(sp)
        sw      t5, 8(sp)
        lw      t6, pv_mmu_count
        lw      t5, pv_mc_count
        or      t6, t6, t5
        beqz    t6, .Lpv_commit_\@
        call    pv_commit_queue
.Lpv_commit_\@:
        lw      t5, 8(sp)
        lw      ra, 4(sp)
        lw      t6, 0(sp)
        addi    sp, sp, 16
.endm
.macro PV_PT_ALLOC pa                   # HC_PIN_TABLE: validated, read-only from then on
        PV_OUTOFLINE pv_pin_table, \pa
.endm
.macro PV_PT_RELEASE pa                 # HC_UNPIN_TABLE: writable memory after the commit
        PV_OUTOFLINE pv_unpin_table, \pa
.endm
.macro PV_SWITCH_AS rs                  # HC_SET_PT_BASE, which flushes
        PV_OUTOFLINE pv_switch_as, \rs
.endm
.macro PV_FLUSH_TLB_ALL                 # HC_TLB_FLUSH(PV_FLUSH_ALL)
        PV_OUTOFLINE pv_flush_tlb_all
.endm
# Folded into the queued updates as the flush_va of the last one (the update it follows), so
# a range of unmaps is one hypercall; with no update queued since the last call, a queued
# HC_TLB_FLUSH(va).
.macro PV_FLUSH_TLB_PAGE va
        PV_OUTOFLINE pv_flush_tlb_page, \va
.endm

# ---------------------------------------------------------------------------------------------
# The SBI calls become hypercalls (a0/a1 in, a0/a1/a6/a7 clobbered, as the SBI's).
# ---------------------------------------------------------------------------------------------

.macro PV_SBI_SET_TIMER                 # timer event at time a1:a0; clears a pending one
        PV_HYPERCALL HC_SET_TIMER
.endm
.macro PV_SBI_PUTCHAR                   # one byte a0, as a one-byte console write
# ASSIGNMENT hypercall BEGIN step 3: the early console's putchar
        la      a1, pv_putchar_byte
        sb      a0, 0(a1)
        mv      a0, a1
        li      a1, 1
        PV_HYPERCALL HC_CONSOLE_WRITE
# ASSIGNMENT hypercall END
.endm
.macro PV_SBI_SHUTDOWN                  # a0 = reason: status 0 for "none", 1 for any other
        addi    a0, a0, -SBI_SRST_REASON_NONE
        snez    a0, a0
        PV_HYPERCALL HC_SHUTDOWN
.endm
.macro PV_SHUTDOWN                      # exit status a0, whole: HC_SHUTDOWN(status)
        PV_HYPERCALL HC_SHUTDOWN
.endm

# Device registers and operations: the paravirtual drivers, shared with pvio (end of file).
# Nothing to acknowledge: the hypervisor reads the events word at every exit.
.macro PV_EVENTS_ACK
.endm

.endif

# ---------------------------------------------------------------------------------------------
# The two builds with the paravirtual drivers (paravirt and pvio) share what follows: no device
# registers, the device operations of pvdrivers.S, and the hypercall itself (the shared page is
# pvshared.S). Defined last; macros are expanded where they are invoked, so the expansions above
# may use them.
# ---------------------------------------------------------------------------------------------
.if BUILD_PARAVIRT || BUILD_PV_IO
# ---------------------------------------------------------------------------------------------
# Device registers: none in either build with the paravirtual drivers (paravirt, pvio). They
# use hypercalls and shared memory only; a driver that still needed a register would not build.
# ---------------------------------------------------------------------------------------------

.macro PV_MMIO_READ8 rd, base, off
  .error "a build with the paravirtual drivers has no device registers (PV_MMIO_READ8)"
.endm
.macro PV_MMIO_WRITE8 rs, base, off
  .error "a build with the paravirtual drivers has no device registers (PV_MMIO_WRITE8)"
.endm
.macro PV_MMIO_READ32 rd, base, off
  .error "a build with the paravirtual drivers has no device registers (PV_MMIO_READ32)"
.endm
.macro PV_MMIO_WRITE32 rs, base, off
  .error "a build with the paravirtual drivers has no device registers (PV_MMIO_WRITE32)"
.endm

# ---------------------------------------------------------------------------------------------
# Device operations: the paravirtual drivers of pvdrivers.S (paravirt and pvio alike).
# ---------------------------------------------------------------------------------------------

.macro PV_DEVICES_INIT                  # shared info page, block ring
        call    pv_devices_init
.endm
.macro PV_CONSOLE_WRITE                 # one HC_CONSOLE_WRITE for the buffer
        call    pv_console_write
.endm
.macro PV_CONSOLE_READ                  # no input channel in the PV ABI: always 0 bytes
        call    pv_console_read
.endm
.macro PV_EXTERNAL_INTR                 # the device events of the shared page
        call    pv_external_intr
.endm
.macro PV_BLK_RW                        # requests in the block ring, one notify per batch
        call    pv_blk_rw
.endm
.macro PV_BLK_CAPACITY                  # what HC_BLK_SETUP answered
        call    pv_blk_capacity
.endm
# A hypercall: function fn, arguments already in a0..a5. Returns a0 = error (SBI_ERR_*),
# a1 = value; clobbers a0, a1, a6, a7 only.
.macro PV_HYPERCALL fn
        li      a7, PV_EXT
        li      a6, \fn
        ecall
.endm
.endif
