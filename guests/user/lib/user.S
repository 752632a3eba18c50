# user.S — what every workload includes first: the ABI constants and the library's macros.
#
# A workload starts with
#       .include "lib/user.S"
# and ends with
#       .include "lib/runtime.S"
# This file emits no code or data (only constants and macros), so the workload's own `_start`
# is the first byte of .text; runtime.S, included last, brings the library's routines.
#
# Includes resolve relative to the including file (pvlab's assembler). GNU as resolves them
# against -I directories instead: assemble with  -I guests/user -I guests/user/lib.

    .include "../../include/gen/syscalls.S"     # SYS_* numbers, error codes
    .include "../../include/gen/riscv.S"        # PAGE_SIZE, PAGE_SHIFT
    .include "../../include/gen/virt.S"         # VIRTIO_BLK_SECTOR_SIZE
    .include "../../include/gen/user-abi.S"     # USER_BASE, USER_MMAP_*, FD_*, EXIT_*
    .include "abi.S"                            # user-level ABI: fds, exit statuses, layout
    .include "syscall.S"                        # sys_* wrapper macros
    .include "macros.S"                         # param, load_param, ck_fold, check_*, print_param
