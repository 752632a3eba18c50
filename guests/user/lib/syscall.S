# syscall.S — one macro per system call, named after the call.
#
# The calling convention (as Linux on RISC-V): put the arguments in a0..a5, the call number in
# a7, execute `ecall`; the result comes back in a0 (negative = an error code: EINVAL, ENOSYS,
# ENOMEM, ECHILD, EIO), a second word in a1 (time). A macro only sets a7 and traps, so load
# the arguments first:
#
#       li      a0, FD_STDOUT
#       la      a1, message
#       li      a2, 12
#       sys_write                       # a0 = bytes written
#
# The workloads treat a0..a7 and t0..t6 as clobbered by every call and keep their own state in
# s0..s11, so they work with any kernel that follows the standard RISC-V calling convention.
# Numbers come from the generated include (src/abi/syscalls.ts), never written here.

# syscall NUMBER — the generic form the named macros below expand to.
    .macro syscall number
    li      a7, \number
    ecall
    .endm

    .macro sys_exit             # exit(a0 = status): does not return
    syscall SYS_EXIT
    .endm
    .macro sys_write            # write(a0 = fd, a1 = buf, a2 = len) -> bytes written
    syscall SYS_WRITE
    .endm
    .macro sys_read             # read(a0 = fd, a1 = buf, a2 = len) -> bytes read
    syscall SYS_READ
    .endm
    .macro sys_getpid           # getpid() -> process id
    syscall SYS_GETPID
    .endm
    .macro sys_yield            # yield() -> 0
    syscall SYS_YIELD
    .endm
    .macro sys_fork             # fork() -> child pid in the parent, 0 in the child
    syscall SYS_FORK
    .endm
    .macro sys_wait             # wait(a0 = status_ptr or 0) -> pid of the exited child
    syscall SYS_WAIT
    .endm
    .macro sys_sbrk             # sbrk(a0 = increment) -> previous break
    syscall SYS_SBRK
    .endm
    .macro sys_mmap             # mmap(a0 = addr, a1 = len) -> addr
    syscall SYS_MMAP
    .endm
    .macro sys_munmap           # munmap(a0 = addr, a1 = len) -> 0
    syscall SYS_MUNMAP
    .endm
    .macro sys_blkread          # blkread(a0 = sector, a1 = buf, a2 = count) -> sectors read
    syscall SYS_BLKREAD
    .endm
    .macro sys_blkwrite         # blkwrite(a0 = sector, a1 = buf, a2 = count) -> sectors written
    syscall SYS_BLKWRITE
    .endm
    .macro sys_time             # time() -> a0 = mtime low, a1 = mtime high
    syscall SYS_TIME
    .endm
    .macro sys_shutdown         # shutdown(a0 = status): does not return
    syscall SYS_SHUTDOWN
    .endm
    .macro sys_tick             # tick(a0 = periodic) -> 0
    syscall SYS_TICK
    .endm
