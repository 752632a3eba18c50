# syscall.S — system calls: the dispatch table, indexed by the numbers generated from
# src/abi/syscalls.ts (guests/include/gen/syscalls.S), and the calls that belong to no other
# subsystem: write and read (console), getpid, yield, time, shutdown, blkread and blkwrite.
# (exit, fork, wait live in proc.S; sbrk, mmap, munmap in vm.S.)
#
# ABI (as Linux on RISC-V): ecall from U-mode with a7 = number, a0..a5 = arguments; the result
# comes back in a0, negative values being errors (EINVAL, ENOSYS, ...), a1 for a second word.
# Other registers are preserved. Every user pointer is checked against the caller's own page
# table before anything happens (vm.S: user_range_ok, copy_user).

# SYSCALL number, handler: the table entry for that number, checked to be at its place.
.macro SYSCALL number, handler
        .if     . - syscall_table != \number * WORD_SIZE
        .error  "syscall_table: \handler is not at its number's position"
        .endif
        .word   \handler
.endm

        .section .rodata
        .balign 4
        .globl syscall_table
syscall_table:
        .word   sys_nosys                       # 0: no such call
        SYSCALL SYS_EXIT, sys_exit
        SYSCALL SYS_WRITE, sys_write
        SYSCALL SYS_READ, sys_read
        SYSCALL SYS_GETPID, sys_getpid
        SYSCALL SYS_YIELD, sys_yield
        SYSCALL SYS_FORK, sys_fork
        SYSCALL SYS_WAIT, sys_wait
        SYSCALL SYS_SBRK, sys_sbrk
        SYSCALL SYS_MMAP, sys_mmap
        SYSCALL SYS_MUNMAP, sys_munmap
        SYSCALL SYS_BLKREAD, sys_blkread
        SYSCALL SYS_BLKWRITE, sys_blkwrite
        SYSCALL SYS_TIME, sys_time
        SYSCALL SYS_SHUTDOWN, sys_shutdown
        SYSCALL SYS_TICK, sys_tick
.if . - syscall_table != SYS_COUNT * WORD_SIZE
  .error "syscall_table does not cover every number below SYS_COUNT"
.endif

        .text

# syscall_dispatch(a0 = process): run the call named by the saved a7 with the saved a0..a5,
# and store its result in the saved a0. The calls may sleep or switch processes; they return
# here, on this process's kernel stack, when it runs again.
        .globl syscall_dispatch
syscall_dispatch:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        mv      s0, a0
        lw      t0, TF_A7(s0)
        li      t1, SYS_COUNT
        bltu    t0, t1, 1f
        li      t0, 0                           # out of range: entry 0, ENOSYS
1:      la      t1, syscall_table
        slli    t0, t0, WORD_SHIFT
        add     t1, t1, t0
        lw      t2, 0(t1)
        lw      a0, TF_A0(s0)
        lw      a1, TF_A1(s0)
        lw      a2, TF_A2(s0)
        lw      a3, TF_A3(s0)
        lw      a4, TF_A4(s0)
        lw      a5, TF_A5(s0)
        jalr    t2
        sw      a0, TF_A0(s0)
        lw      ra, 12(sp)
        lw      s0, 8(sp)
        addi    sp, sp, 16
        ret

sys_nosys:
        li      a0, ENOSYS
        ret

# getpid() -> the caller's process id
sys_getpid:
        lw      t0, current_proc
        lw      a0, P_PID(t0)
        ret

# yield() -> 0, after the other runnable processes have had their turn
sys_yield:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        call    yield
        li      a0, 0
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

# time() -> a0 = low, a1 = high word of the time counter (timebase ticks)
sys_time:
        PV_READ_TIME a0, a1, t0
        lw      t0, current_proc
        sw      a1, TF_A1(t0)
        ret

# tick(periodic): whether the scheduler tick keeps running while the caller runs alone.
sys_tick:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        call    tick_request
        li      a0, 0
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

# shutdown(status): power off now, with status (0 = success).
sys_shutdown:
        mv      s0, a0                          # never returns: no need to save
        mv      a2, a0
        lw      t0, current_proc
        lw      a1, P_PID(t0)
        la      a0, msg_shutdown
        call    kprintf
        mv      a0, s0
        tail    kernel_shutdown

# write(fd, buf, len) -> len, or EINVAL: fd 1 and 2 both go to the console. The whole buffer is
# checked first; then each piece of it within a page goes out in one PV_CONSOLE_WRITE.
sys_write:
        addi    sp, sp, -32
        sw      ra, 28(sp)
        sw      s0, 24(sp)
        sw      s1, 20(sp)
        sw      s2, 16(sp)
        li      t0, FD_STDOUT
        beq     a0, t0, 6f
        li      t0, FD_STDERR
        bne     a0, t0, 4f
6:
        mv      s0, a1                          # s0 = user address
        mv      s1, a2                          # s1 = bytes left
        mv      s2, a2                          # s2 = length, the result
        mv      a0, a1
        mv      a1, a2
        call    user_range_ok
        bnez    a0, 5f
1:      beqz    s1, 3f
        lw      a0, current_proc
        mv      a1, s0
        call    user_page
        li      t0, PAGE_OFFSET_MASK
        and     t1, s0, t0
        add     a0, a0, t1                      # physical address of the piece
        li      t2, PAGE_SIZE
        sub     a1, t2, t1                      # to the end of the page...
        bleu    a1, s1, 2f
        mv      a1, s1                          # ...or of the buffer
2:      add     s0, s0, a1
        sub     s1, s1, a1
        PV_CONSOLE_WRITE
        j       1b
3:      mv      a0, s2
        j       5f
4:      li      a0, EINVAL
5:      lw      ra, 28(sp)
        lw      s0, 24(sp)
        lw      s1, 20(sp)
        lw      s2, 16(sp)
        addi    sp, sp, 32
        ret

# read(fd, buf, len) -> bytes read (0 if no input is waiting), or EINVAL. Only fd 0, the
# console; never blocks.
.equ READ_FRAME, 16 + CONSOLE_RX_SIZE
sys_read:
        addi    sp, sp, -READ_FRAME
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        sw      s1, 4(sp)
        sw      s2, 0(sp)
        li      t0, FD_STDIN
        bne     a0, t0, 2f
        mv      s0, a1                          # s0 = user buffer
        mv      s1, a2                          # s1 = length
        mv      a0, a1
        mv      a1, a2
        call    user_range_ok
        bnez    a0, 3f
        addi    a0, sp, 16                      # take what is waiting, into a stack buffer
        mv      a1, s1
        li      t0, CONSOLE_RX_SIZE
        bleu    a1, t0, 1f
        mv      a1, t0
1:      PV_CONSOLE_READ
        mv      s2, a0
        mv      a0, s0                          # then out to the user
        addi    a1, sp, 16
        mv      a2, s2
        li      a3, COPY_OUT
        call    copy_user
        bnez    a0, 3f
        mv      a0, s2
        j       3f
2:      li      a0, EINVAL
3:      lw      ra, 12(sp)
        lw      s0, 8(sp)
        lw      s1, 4(sp)
        lw      s2, 0(sp)
        addi    sp, sp, READ_FRAME
        ret

# blkread(sector, buf, count) / blkwrite(sector, buf, count) -> count, or EINVAL (bad buffer,
# sectors beyond the disk), EIO (no disk, or the disk failed). Data goes through a contiguous
# bounce buffer, BLK_MAX_SECTORS at a time, because the user buffer need not be physically
# contiguous; the buffer is held by one process at a time (blk_lock).
sys_blkread:
        li      a3, BLK_OP_READ
        j       blk_syscall
sys_blkwrite:
        li      a3, BLK_OP_WRITE
blk_syscall:
        addi    sp, sp, -32
        sw      ra, 28(sp)
        sw      s0, 24(sp)
        sw      s1, 20(sp)
        sw      s2, 16(sp)
        sw      s3, 12(sp)
        sw      s4, 8(sp)
        sw      s5, 4(sp)
        mv      s0, a0                          # s0 = next sector
        mv      s1, a1                          # s1 = user address
        mv      s2, a2                          # s2 = sectors left
        mv      s3, a3                          # s3 = direction
        mv      s5, a2                          # s5 = count, the result
        beqz    s2, .Lblk_done
        li      t0, USER_TOP / VIRTIO_BLK_SECTOR_SIZE
        bgeu    s2, t0, .Lblk_einval            # more than user memory can hold
        mv      a0, s1
        li      t0, VIRTIO_BLK_SECTOR_SIZE
        mul     a1, s2, t0
        call    user_range_ok
        bnez    a0, .Lblk_out
        PV_BLK_CAPACITY
        beqz    a0, .Lblk_eio
        add     t0, s0, s2                      # within the disk?
        bltu    t0, s0, .Lblk_einval
        bgtu    t0, a0, .Lblk_einval

1:      lw      t0, blk_locked                  # take the bounce buffer
        beqz    t0, 2f
        la      a0, blk_locked
        call    sleep
        j       1b
2:      li      t0, 1
        sw      t0, blk_locked, t1

3:      beqz    s2, .Lblk_unlock
        mv      s4, s2                          # s4 = sectors in this request
        li      t0, BLK_MAX_SECTORS
        bleu    s4, t0, 4f
        mv      s4, t0
4:      li      t0, BLK_OP_WRITE
        bne     s3, t0, 5f
        mv      a0, s1                          # writing: user -> bounce buffer
        la      a1, blk_bounce
        li      t0, VIRTIO_BLK_SECTOR_SIZE
        mul     a2, s4, t0
        li      a3, COPY_IN
        call    copy_user
5:      mv      a0, s0
        la      a1, blk_bounce
        mv      a2, s4
        mv      a3, s3
        PV_BLK_RW
        bnez    a0, .Lblk_fail
        li      t0, BLK_OP_READ
        bne     s3, t0, 6f
        mv      a0, s1                          # reading: bounce buffer -> user
        la      a1, blk_bounce
        li      t0, VIRTIO_BLK_SECTOR_SIZE
        mul     a2, s4, t0
        li      a3, COPY_OUT
        call    copy_user
6:      add     s0, s0, s4
        sub     s2, s2, s4
        li      t0, VIRTIO_BLK_SECTOR_SIZE
        mul     t0, s4, t0
        add     s1, s1, t0
        j       3b

.Lblk_fail:
        mv      s5, a0                          # the driver's error is the result
.Lblk_unlock:
        sw      zero, blk_locked, t0
        la      a0, blk_locked
        call    wakeup
.Lblk_done:
        mv      a0, s5
        j       .Lblk_out
.Lblk_einval:
        li      a0, EINVAL
        j       .Lblk_out
.Lblk_eio:
        li      a0, EIO
.Lblk_out:
        lw      ra, 28(sp)
        lw      s0, 24(sp)
        lw      s1, 20(sp)
        lw      s2, 16(sp)
        lw      s3, 12(sp)
        lw      s4, 8(sp)
        lw      s5, 4(sp)
        addi    sp, sp, 32
        ret

        .section .rodata
msg_shutdown:
        .asciz  "[kernel] shutdown by pid %d, status %d\n"

        .bss
        .balign 4
blk_locked:                                     # 1 while a process is using blk_bounce
        .space  4
        .balign PAGE_SIZE
blk_bounce:                                     # physically contiguous pages
        .space  BLK_BOUNCE_PAGES * PAGE_SIZE
