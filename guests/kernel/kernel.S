# kernel.S — the pvlab teaching kernel: the top-level file the image builder assembles.
#
# A small Unix-like kernel in the style of xv6, for one RV32 hart in S-mode on QEMU's `virt`
# board: processes with their own Sv32 address spaces, a round-robin scheduler preempted by
# the timer, system calls, demand-zero paging, a page allocator, an NS16550A console driver
# and a virtio-blk driver with interrupts through the PLIC.
#
# It is assembled at 0x8020_0000 (where the firmware enters it) with BUILD_PARAVIRT defined:
# 0 for the `unmodified` build, 1 for the `paravirt` build; BUILD_PV_IO = 1 (with
# BUILD_PARAVIRT = 0) makes the `pvio` build, the unmodified kernel with the paravirtual device
# drivers. The builds differ only in pvops.S, the one layer of macros through which every
# privileged operation goes, and in the drivers behind its device ops (the virt board's, or
# the paravirtual ones of pvdrivers.S).
# See docs/kernel.md for the structure, memory layout and system-call ABI, and docs/pv-ops.md
# for every pv-op.
#
# This file only includes the others, in dependency order: constants and macros first (they
# must be defined before use), then one file per subsystem. Code order does not matter:
# labels are resolved after the whole program has been read.

.ifndef BUILD_PARAVIRT
  .error "define BUILD_PARAVIRT (0 = unmodified, 1 = paravirt) when assembling the kernel"
.endif

# Constants generated from pvlab's TypeScript tables (never bare numbers in the kernel).
.include "../include/gen/riscv.S"
.include "../include/gen/virt.S"
.include "../include/gen/sbi.S"
.include "../include/gen/syscalls.S"
.include "../include/gen/user-abi.S"
.include "../include/gen/fdt.S"
.include "../include/gen/hypercalls.S"

.include "defs.S"         # kernel-wide constants, memory layout and structure layouts
.include "pvops.S"        # THE privileged-operation layer (macros only)

# Subsystems. entry.S comes first so that _start is the first instruction of .text,
# at the address the firmware jumps to.
.include "entry.S"        # boot: _start and kmain
.include "trap.S"         # trap entry/exit, user and kernel trap handlers
.include "syscall.S"      # system-call table and dispatch; console, disk, time syscalls
.include "proc.S"         # processes: table, fork/exit/wait, sleep/wakeup, scheduler
.include "vm.S"           # Sv32 page tables, demand-zero faults, user memory, sbrk/mmap
.include "kalloc.S"       # physical page allocator
.include "fdt.S"          # reading the device tree: nodes, properties, the RAM size
.if BUILD_PARAVIRT || BUILD_PV_IO
# The paravirtual drivers behind the device ops (paravirt and pvio builds), and in the
# paravirt build the out-of-line half of its CPU and MMU ops.
.include "pvshared.S"     # the shared info page (events word; the paravirt build's CPU state)
.if BUILD_PARAVIRT
.include "pv.S"           # trap-entry words, batched page-table updates (in the shared page)
.endif
.include "pvdrivers.S"    # console by hypercall, block ring, event channels
.else
# The virt board's devices, driven through their registers (the unmodified build's drivers).
.include "console.S"      # NS16550A UART driver and console input buffer
.include "virtio.S"       # the virtio-mmio transports of the device tree, by device ID
.include "virtio_blk.S"   # virtio-blk driver (virtio-mmio version 2, one split virtqueue)
.include "plic.S"         # PLIC: interrupt routing and external-interrupt dispatch
.endif
.include "timer.S"        # the preemption timer (SBI set_timer)
.include "util.S"         # memcpy, memset, strings, printing numbers, panic

# Where the image builder tells the kernel about the workload it placed right after the
# kernel image (the first process runs it). Both are patched by symbol; 0 means "none".
        .data
        .balign 4
        .globl user_image_addr
user_image_addr:
        .word 0
        .globl user_image_size
user_image_size:
        .word 0

# The end of the kernel image, bss included: the page allocator starts above it (and above
# the workload image that follows it). Nothing may be placed in .bss after this.
        .bss
        .balign PAGE_SIZE
        .globl kernel_end
kernel_end:
