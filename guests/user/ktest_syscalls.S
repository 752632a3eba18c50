# ktest_syscalls.S — every system call once, with good and bad arguments; each result is
# printed as "label 0x<a0>" for test/kernel/syscalls.test.ts to compare. Ends with exit(42).

    .include "lib/user.S"
    .include "ktest_lib.S"

    .equ KERNEL_ADDR, VIRT_DRAM_BASE + 0x200000     # the kernel's first page
    .equ MMAP_AT, USER_MMAP_BASE
    .equ HELLO_LEN, 6                           # "hello\n"

    .text
    .globl  _start
_start:
    sys_getpid
    report  "getpid"

    li      a0, FD_STDOUT               # write
    la      a1, hello
    li      a2, HELLO_LEN
    sys_write
    report  "write-stdout"
    li      a0, KT_FD_STDERR
    la      a1, hello
    li      a2, HELLO_LEN
    sys_write
    report  "write-stderr"
    li      a0, FD_STDOUT
    la      a1, hello
    li      a2, 0
    sys_write
    report  "write-empty"
    li      a0, 3
    la      a1, hello
    li      a2, 1
    sys_write
    report  "write-bad-fd"
    li      a0, FD_STDOUT
    li      a1, 0
    li      a2, 4
    sys_write
    report  "write-null"
    li      a0, FD_STDOUT
    li      a1, KERNEL_ADDR
    li      a2, 4
    sys_write
    report  "write-kernel"
    li      a0, FD_STDOUT
    li      a1, VIRT_UART0_BASE
    li      a2, 1
    sys_write
    report  "write-device"
    li      a0, FD_STDOUT
    la      a1, hello
    li      a2, -1
    sys_write
    report  "write-huge"
    li      a0, FD_STDOUT               # the first page is stack, the next the guard page
    li      a1, 0x7fffeff8
    li      a2, 16
    sys_write
    report  "write-past-stack"

    li      a0, KT_FD_STDIN             # read
    la      a1, buffer
    li      a2, 16
    sys_read
    report  "read-nothing"
    li      a0, FD_STDOUT
    la      a1, buffer
    li      a2, 16
    sys_read
    report  "read-bad-fd"
    li      a0, KT_FD_STDIN
    li      a1, KERNEL_ADDR
    li      a2, 16
    sys_read
    report  "read-kernel"

    syscall 0                           # numbers
    report  "sys-0"
    syscall SYS_COUNT
    report  "sys-count"
    li      a7, -1
    ecall
    report  "sys-minus-1"

    sys_yield
    report  "yield"

    sys_time                            # time moves forward
    mv      s0, a0
    mv      s1, a1
    sys_time
    sltu    t0, s1, a1                  # (a1:a0) > (s1:s0)?
    bnez    t0, 1f
    bne     s1, a1, 2f
    sltu    t0, s0, a0
    j       1f
2:  li      t0, 0
1:  mv      a0, t0
    report  "time-advances"

    li      a0, 0                       # wait
    sys_wait
    report  "wait-no-children"
    li      a0, KERNEL_ADDR
    sys_wait
    report  "wait-kernel-ptr"

    li      a0, 0                       # sbrk
    sys_sbrk
    mv      s0, a0
    slli    a0, a0, 32 - PAGE_SHIFT     # the offset within the page
    report  "sbrk-aligned"
    li      a0, PAGE_SIZE
    sys_sbrk
    sub     a0, a0, s0
    report  "sbrk-grow"
    li      a0, 0
    sys_sbrk
    sub     a0, a0, s0
    report  "sbrk-new-break"
    li      a0, -2 * PAGE_SIZE
    sys_sbrk
    report  "sbrk-below-base"
    li      a0, 0x10000000
    sys_sbrk
    report  "sbrk-too-much"
    li      a0, -PAGE_SIZE
    sys_sbrk
    sub     a0, a0, s0
    report  "sbrk-shrink"

    li      a0, MMAP_AT + 1             # mmap / munmap arguments
    li      a1, PAGE_SIZE
    sys_mmap
    report  "mmap-unaligned"
    li      a0, MMAP_AT
    li      a1, 0
    sys_mmap
    report  "mmap-empty"
    li      a0, 0
    li      a1, PAGE_SIZE
    sys_mmap
    report  "mmap-page-0"
    li      a0, 0x10000                 # USER_BASE: the program itself
    li      a1, PAGE_SIZE
    sys_mmap
    report  "mmap-over-program"
    li      a0, VIRT_PLIC_BASE          # a kernel megapage below RAM
    li      a1, PAGE_SIZE
    sys_mmap
    report  "mmap-kernel-slot"
    li      a0, VIRT_DRAM_BASE
    li      a1, PAGE_SIZE
    sys_mmap
    report  "mmap-kernel"
    li      a0, 0x7ffff000
    li      a1, 2 * PAGE_SIZE
    sys_mmap
    report  "mmap-past-top"
    li      a0, MMAP_AT + 1
    li      a1, PAGE_SIZE
    sys_munmap
    report  "munmap-unaligned"
    li      a0, MMAP_AT
    li      a1, PAGE_SIZE
    sys_munmap
    report  "munmap-unmapped"

    li      a0, 0                       # blkread / blkwrite arguments
    li      a1, KERNEL_ADDR
    li      a2, 1
    sys_blkread
    report  "blkread-kernel"
    li      a0, 0
    la      a1, buffer
    li      a2, 0
    sys_blkread
    report  "blkread-none"

    li      a0, 42
    sys_exit
    unimp

    .section .rodata
hello:
    .ascii  "hello\n"
    .globl  workload_name
workload_name:
    .asciz  "ktest_syscalls"

    .bss
    .balign 4
buffer:
    .space  64

    .include "lib/runtime.S"
