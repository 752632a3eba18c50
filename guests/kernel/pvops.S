# pvops.S — the paravirtualization operations: THE one layer through which the kernel does
# anything privileged (like Linux's pv_ops, or xv6's riscv.h accessors).
#
# Every CSR access, sret, sfence.vma, wfi, SBI call, device-register access, page-table-entry
# store and address-space switch in the kernel is one of the PV_* macros below; no other file
# contains a privileged instruction. The `unmodified` build (BUILD_PARAVIRT == 0) expands each
# macro to the real instruction(s), so the kernel is ordinary RISC-V software for the virt
# board: on a hypervisor those instructions trap and are emulated. The `paravirt` build will
# expand the same macros to hypercalls and loads/stores of a page shared with the hypervisor,
# without changing any other file. docs/pv-ops.md describes each op and both expansions.
#
# Conventions every expansion (both builds) must keep:
#  * Instruction-level ops (CSRs, interrupts, fences, PTEs, MMIO, sret, wfi) change only their
#    documented outputs; every other register is preserved.
#  * SBI ops are `ecall`s with the SBI convention: arguments in a0/a1, results in a0 (error)
#    and a1 (value); they clobber a0, a1, a6 and a7 and nothing else.
#  * Device ops (PV_CONSOLE_*, PV_BLK_*, PV_DEVICES_INIT, PV_EXTERNAL_INTR) are function calls
#    with the standard calling convention: arguments in a0.., result in a0, caller-saved
#    registers (ra, t0-t6, a0-a7) clobbered. The drivers behind them are free to differ
#    between builds.
#  * PTE stores may be deferred until PV_PTE_COMMIT (a paravirt build batches them into one
#    hypercall, as Xen's mmu_update); code must not rely on a new mapping before the commit.

.if BUILD_PARAVIRT == 0

# The build's name, for the boot banner.
.macro PV_BUILD_NAME
        .asciz  "unmodified"
.endm

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
# Exchange reg with sscratch in one step: the first instruction of the trap vector, when no
# register is free yet.
.macro PV_SWAP_SSCRATCH reg
        csrrw   \reg, sscratch, \reg
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

.macro PV_SRET                          # return from the trap: pc <- sepc, mode <- sstatus.SPP
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
# NS16550A (console.S), virtio-blk on virtio-mmio (virtio_blk.S), the PLIC (plic.S).
# ---------------------------------------------------------------------------------------------

.macro PV_DEVICES_INIT                  # console, interrupt controller, disk; before any output
        call    console_init
        call    plic_init
        call    virtio_blk_init
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

.else

  .error "paravirt build: not written yet"

.endif
