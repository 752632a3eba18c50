# abi.S — the user-level ABI facts a workload relies on that are not system-call numbers.
#
# They belong to the contract between the workloads and the guest kernel (see
# docs/workloads.md, "The user ABI"): where programs and mappings live, what the file
# descriptors are, which exit statuses mean what.

# File descriptors (FD_STDOUT is the console), exit statuses (EXIT_SUCCESS, EXIT_FAILURE; a
# child's status reaches its parent within EXIT_STATUS_MASK) and the mmap window
# (USER_MMAP_BASE, USER_MMAP_SIZE: the kernel accepts mmap(addr, len) inside it) come from
# gen/user-abi.S (src/abi/user-abi.ts), included before this file.

# The size of a disk sector for blkread/blkwrite: the virtio-blk sector.
    .equ SECTOR_SIZE, VIRTIO_BLK_SECTOR_SIZE

