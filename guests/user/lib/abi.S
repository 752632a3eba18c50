# abi.S — the user-level ABI facts a workload relies on that are not system-call numbers.
#
# They belong to the contract between the workloads and the guest kernel (see
# docs/workloads.md, "The user ABI"): where programs and mappings live, what the file
# descriptors are, which exit statuses mean what.

# File descriptors of write(2): the console is fd 1 (fd 2 is the console too).
    .equ FD_STDOUT, 1

# exit() statuses. The kernel powers the machine off with the first process's status, so
# these are also what the simulator (or QEMU) reports.
    .equ EXIT_SUCCESS, 0
    .equ EXIT_FAILURE, 1
# Statuses a child passes to its parent through exit/wait stay within 7 bits, which every
# Unix-like wait reports intact.
    .equ EXIT_STATUS_MASK, 0x7f

# The size of a disk sector for blkread/blkwrite: the virtio-blk sector.
    .equ SECTOR_SIZE, VIRTIO_BLK_SECTOR_SIZE

# Where the mmap workload maps its pages: a page-aligned user address far from the program
# (linked at USER_BASE = 0x0001_0000), its heap and its stack. The kernel must accept
# mmap(addr, len) for addr in [USER_MMAP_BASE, USER_MMAP_BASE + USER_MMAP_SIZE).
    .equ USER_MMAP_BASE, 0x40000000
    .equ USER_MMAP_SIZE, 0x10000000
