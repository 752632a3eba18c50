# defs.S — kernel-wide constants: tunables, the memory layout, and the layout of the kernel's
# structures (trap frame, saved context, process). Like xv6's param.h, memlayout.h and the
# struct definitions of proc.h, in one place so that every file agrees.
#
# Architectural, board and ABI numbers come from the generated includes (riscv.S, virt.S,
# sbi.S, syscalls.S); what is defined here is the kernel's own choice, named and explained.

# ---------------------------------------------------------------------------------------------
# Tunables
# ---------------------------------------------------------------------------------------------

.equ NPROC, 16                          # size of the process table
.equ KSTACK_SIZE, PAGE_SIZE             # one kernel stack per process slot
.equ BOOT_STACK_SIZE, PAGE_SIZE         # the boot stack, later the scheduler's stack

# Preemption quantum in timebase ticks: 1 ms at the virt board's 10 MHz timebase. A process
# that never gives up the CPU is preempted after this long.
.equ TIMER_QUANTUM_TICKS, VIRT_TIMEBASE_HZ / 1000

.equ CONSOLE_RX_SIZE, 64                # console input ring (a power of two)

# virtio-blk: the virtqueue size the driver asks for (a power of two, at most QueueNumMax).
# The block system calls move data through a bounce buffer of BLK_BOUNCE_PAGES contiguous
# pages, BLK_MAX_SECTORS at a time: each PV_BLK_RW gets up to that many sectors (one virtio
# request natively; several ring requests, notified as one batch, in the paravirt build).
.equ BLK_QUEUE_SIZE, 8
.equ BLK_BOUNCE_PAGES, 8
.equ BLK_MAX_SECTORS, BLK_BOUNCE_PAGES * PAGE_SIZE / VIRTIO_BLK_SECTOR_SIZE
.equ BLK_OP_READ, 0                     # PV_BLK_RW directions
.equ BLK_OP_WRITE, 1

# ---------------------------------------------------------------------------------------------
# Memory layout (see docs/kernel.md for the picture)
# ---------------------------------------------------------------------------------------------

# User programs are linked at USER_BASE, user addresses end at USER_TOP (below RAM, which the
# kernel identity-maps supervisor-only into the same page tables), and the stack has
# USER_STACK_PAGES: all from the generated gen/user-abi.S (src/abi/user-abi.ts).

# The user stack grows down from USER_STACK_TOP (the page above it is an unmapped guard); its
# pages are demand-zero, mapped on first touch, down to USER_STACK_LIMIT.
.equ USER_STACK_TOP, USER_TOP - PAGE_SIZE
.equ USER_STACK_LIMIT, USER_STACK_TOP - USER_STACK_PAGES * PAGE_SIZE

# The heap (sbrk) starts at the page after the program image and may grow up to, but not
# into, the first device megapage the kernel maps in the low half (the PLIC's), so that it can
# never meet a kernel mapping.
.equ USER_HEAP_LIMIT, VIRT_PLIC_BASE

# Device windows the kernel maps (identity, megapages). The PLIC spans two megapages; the UART
# and the virtio-mmio slots share one.
.equ PLIC_MAP_SIZE, VIRT_PLIC_SIZE
.equ UART_VIRTIO_MAP_BASE, VIRT_UART0_BASE

# Sv32 geometry: 1024 four-byte entries per table; the virtual page number fields.
.equ PTE_SIZE, 4
.equ PTE_SIZE_SHIFT, 2                  # log2(PTE_SIZE)
.equ PTES_PER_TABLE, PAGE_SIZE / PTE_SIZE
.equ VPN_MASK, PTES_PER_TABLE - 1
.equ PTE_LEAF_BITS, PTE_R | PTE_W | PTE_X       # a valid entry with none of these points to a table
.equ PTE_FLAGS_MASK, (1 << PTE_PPN_SHIFT) - 1
.equ PAGE_OFFSET_MASK, PAGE_SIZE - 1

# Leaf permissions the kernel uses.
.equ PTE_KERNEL_RWX, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D | PTE_G
.equ PTE_KERNEL_DEVICE, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D | PTE_G
# A/D are set up front so that no hart needs to fault (or update memory) to set them.
.equ PTE_USER_RWX, PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D   # program image
.equ PTE_USER_RW, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D            # heap, stack, mmap

# ---------------------------------------------------------------------------------------------
# Trap frame: the user (or interrupted kernel) registers, saved by trap_entry.
# Register xN is at N*4; slot 0 (x0 is always zero) holds sepc.
# ---------------------------------------------------------------------------------------------

.equ TF_EPC, 0
.equ TF_RA, 1 * 4
.equ TF_SP, 2 * 4
.equ TF_A0, 10 * 4
.equ TF_A1, 11 * 4
.equ TF_A2, 12 * 4
.equ TF_A3, 13 * 4
.equ TF_A4, 14 * 4
.equ TF_A5, 15 * 4
.equ TF_A6, 16 * 4
.equ TF_A7, 17 * 4
.equ TF_SSTATUS, 32 * 4
.equ TF_SIZE, 36 * 4                    # rounded up to keep stacks 16-byte aligned

# Store / load x1 and x3..x31 at their trap-frame slots (xN at N*4) from base; sp (x2) is
# handled by the caller because it is usually the base. (trap.S saves with them; pvops.S's
# PV_TRAP_EXIT restores with them.)
.macro SAVE_REGS base
        .irp r, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        sw      x\r, \r*4(\base)
        .endr
.endm
.macro RESTORE_REGS base
        .irp r, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        lw      x\r, \r*4(\base)
        .endr
.endm

# ---------------------------------------------------------------------------------------------
# Saved kernel context: what swtch saves (the callee-saved registers, ra and sp).
# ---------------------------------------------------------------------------------------------

.equ CTX_RA, 0
.equ CTX_SP, 4
.equ CTX_S0, 8                          # s0..s11 follow, 4 bytes each
.equ CTX_SIZE, CTX_S0 + 12 * 4

# ---------------------------------------------------------------------------------------------
# Process structure. The trap frame comes first, so a process pointer is also a pointer to
# its trap frame (sscratch holds it while the process runs in U-mode).
# ---------------------------------------------------------------------------------------------

.equ P_TF, 0
.equ P_CONTEXT, P_TF + TF_SIZE
.equ P_STATE, P_CONTEXT + CTX_SIZE
.equ P_PID, P_STATE + 4
.equ P_PARENT, P_PID + 4                # struct proc * (0 for init)
.equ P_CHAN, P_PARENT + 4               # what a SLEEPING process waits for
.equ P_XSTATUS, P_CHAN + 4              # exit status, for the parent's wait
.equ P_ROOT, P_XSTATUS + 4              # physical address of the root page table
.equ P_SATP, P_ROOT + 4                 # satp value selecting that table
.equ P_HEAP_BASE, P_SATP + 4            # first heap address (page after the image)
.equ P_BRK, P_HEAP_BASE + 4             # current program break
.equ P_KSTACK_TOP, P_BRK + 4
.equ P_SIZE, P_KSTACK_TOP + 4

# Process states.
.equ PROC_UNUSED, 0
.equ PROC_EMBRYO, 1                     # being created
.equ PROC_RUNNABLE, 2
.equ PROC_RUNNING, 3
.equ PROC_SLEEPING, 4
.equ PROC_ZOMBIE, 5

.equ INIT_PID, 1
.equ FD_STDIN, 0                        # file descriptors: all three are the console
.equ FD_STDOUT, 1
.equ FD_STDERR, 2
.equ WORD_SIZE, 4
.equ WORD_SHIFT, 2
.equ COPY_IN, 0                         # copy_user directions (vm.S)
.equ COPY_OUT, 1
.equ INSN_SIZE, 4                       # no compressed instructions: ecall is 4 bytes
.equ EXIT_STATUS_KILLED, -1             # what wait reports for a process the kernel killed

# ---------------------------------------------------------------------------------------------
# Helper macros (plain arithmetic; nothing privileged)
# ---------------------------------------------------------------------------------------------

# reg <- reg rounded down to a page boundary
.macro PAGE_ROUND_DOWN reg
        srli    \reg, \reg, PAGE_SHIFT
        slli    \reg, \reg, PAGE_SHIFT
.endm

# reg <- reg rounded up to a page boundary (tmp clobbered)
.macro PAGE_ROUND_UP reg, tmp
        li      \tmp, PAGE_SIZE - 1
        add     \reg, \reg, \tmp
        PAGE_ROUND_DOWN \reg
.endm

# Sv32 entries and addresses (used by vm.S and proc.S).

# rd <- physical address a PTE points at
.macro PTE2PA rd, pte
        srli    \rd, \pte, PTE_PPN_SHIFT
        slli    \rd, \rd, PAGE_SHIFT
.endm
# rd <- the PPN field for physical address pa (flags still to be or-ed in)
.macro PA2PTE rd, pa
        srli    \rd, \pa, PAGE_SHIFT
        slli    \rd, \rd, PTE_PPN_SHIFT
.endm
# rd <- byte offset of va's entry in the root table
.macro VPN1_OFFSET rd, va
        srli    \rd, \va, MEGAPAGE_SHIFT
        slli    \rd, \rd, PTE_SIZE_SHIFT
.endm
# rd <- byte offset of va's entry in a second-level table
.macro VPN0_OFFSET rd, va
        srli    \rd, \va, PAGE_SHIFT
        andi    \rd, \rd, VPN_MASK
        slli    \rd, \rd, PTE_SIZE_SHIFT
.endm
# rd <- the satp value selecting the root table at physical address root (tmp clobbered)
.macro SATP_OF rd, root, tmp
        srli    \rd, \root, PAGE_SHIFT
        li      \tmp, SATP_MODE_SV32_BIT
        or      \rd, \rd, \tmp
.endm
