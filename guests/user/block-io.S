# block-io.S — the cost of disk I/O: write sectors, read them back.
#
# Each operation writes `sectors` sectors with one blkwrite and reads them back with one
# blkread. Natively the kernel's virtio-blk driver builds a request in the virtqueue, notifies
# the device with one MMIO store and sleeps until the completion interrupt; under
# trap-and-emulate each of the driver's MMIO accesses (notify, interrupt status and
# acknowledge, PLIC claim/complete) exits to the hypervisor, while a paravirtualized driver
# uses a shared ring with one notification per batch (Barham et al. 2003's I/O rings).
#
#   operation   blkwrite(0, wbuf, sectors) then blkread(0, rbuf, sectors)
#   parameters  iterations   number of write + read-back rounds
#               sectors      sectors per request, 1..BLOCK_MAX_SECTORS (the disk must hold them)
#   data        word w of the write buffer is (w + 1) * GOLDEN_RATIO_32, except the first word of
#               each sector j, which round i stamps with (i << STAMP_SHIFT) + j
#   result      result block-io iterations=N sectors=S checksum=H
#               H folds, for each round i and sector j, the stamp and then the second word of
#               the sector as read back
#   self-checks both calls return S; the stamp and the second word of every sector read back
#               equal what was written (the read buffer's copies are cleared before each read)

    .include "lib/user.S"

    param   iterations, 16
    param   sectors, 8

    .equ BLOCK_MAX_SECTORS, 256
    .equ DISK_FIRST_SECTOR, 0
    .equ GOLDEN_RATIO_32, 0x9e3779b9
    .equ STAMP_SHIFT, 16
    .equ WORD_SIZE, 4

    .text
    .globl  _start
_start:
    load_param s0, iterations           # s0 = N
    load_param s3, sectors              # s3 = S
    li      s11, FNV_PRIME
    li      s2, FNV_OFFSET_BASIS        # s2 = checksum
    check_nonzero s3, "sectors must be at least 1"
    li      t0, BLOCK_MAX_SECTORS
    bgtu    s3, t0, too_many_sectors
    li      t0, SECTOR_SIZE
    mul     s10, s3, t0                 # s10 = bytes per request

    # Setup 1: two page-aligned buffers of S sectors each from the heap.
    li      a0, 0
    sys_sbrk
    check_ok a0, "sbrk(0) failed"
    li      t0, PAGE_SIZE - 1
    add     t1, a0, t0
    li      t0, -PAGE_SIZE
    and     t1, t1, t0
    sub     a0, t1, a0
    sys_sbrk
    check_ok a0, "sbrk to align the break failed"
    slli    a0, s10, 1                  # two buffers of S sectors
    sys_sbrk
    check_ok a0, "sbrk of the buffers failed"
    mv      s4, a0                      # s4 = wbuf
    add     s5, a0, s10                 # s5 = rbuf

    # Setup 2: touch every page of both buffers now, so that no page fault lands in the
    # measured loop (nor in the kernel's copy of a buffer).
    mv      t0, s4
    slli    t1, s10, 1                  # both buffers
    add     t1, s4, t1                  # t1 = end of rbuf
    li      t2, PAGE_SIZE
touch:
    sw      zero, 0(t0)
    add     t0, t0, t2
    bltu    t0, t1, touch

    # Setup 3: the write buffer's pattern, word w = (w + 1) * GOLDEN_RATIO_32.
    mv      t0, s4
    add     t1, s4, s10
    li      t2, GOLDEN_RATIO_32
    mv      t3, t2
pattern:
    sw      t3, 0(t0)
    add     t3, t3, t2
    addi    t0, t0, WORD_SIZE
    bltu    t0, t1, pattern

    # Warm-up round, not counted, in the run with 0 operations too: the first write and read
    # set up the driver's paths and the device's queues that every later round reuses, so the
    # measured rounds all cost the same. Each round stamps and writes its sectors before it
    # reads them, so nothing of this one shows in the result.
    li      a0, DISK_FIRST_SECTOR
    mv      a1, s4
    mv      a2, s3
    sys_blkwrite
    check_eq a0, s3, "blkwrite did not write every sector"
    li      a0, DISK_FIRST_SECTOR
    mv      a1, s5
    mv      a2, s3
    sys_blkread
    check_eq a0, s3, "blkread did not read every sector"

    li      s1, 0                       # s1 = round i
round:
    beq     s1, s0, done
    # Stamp each sector of wbuf and clear the checked words of rbuf.
    slli    s6, s1, STAMP_SHIFT         # s6 = stamp of sector 0
    mv      t0, s4
    mv      t1, s5
    mv      t2, s6
    add     t3, s4, s10                 # t3 = end of wbuf
    li      t4, SECTOR_SIZE
stamp:
    sw      t2, 0(t0)
    sw      zero, 0(t1)
    sw      zero, WORD_SIZE(t1)
    addi    t2, t2, 1
    add     t0, t0, t4
    add     t1, t1, t4
    bltu    t0, t3, stamp

    li      a0, DISK_FIRST_SECTOR
    mv      a1, s4
    mv      a2, s3
    sys_blkwrite
    check_eq a0, s3, "blkwrite did not write every sector"
    li      a0, DISK_FIRST_SECTOR
    mv      a1, s5
    mv      a2, s3
    sys_blkread
    check_eq a0, s3, "blkread did not read every sector"

    # Check and fold what came back.
    mv      s7, s4                      # s7 = sector in wbuf
    mv      s8, s5                      # s8 = sector in rbuf
    mv      s9, s6                      # s9 = expected stamp
verify:
    lw      t0, 0(s8)
    check_eq t0, s9, "a sector's stamp did not read back"
    ck_fold s2, t0, s11
    lw      t0, WORD_SIZE(s8)
    lw      t1, WORD_SIZE(s7)
    check_eq t0, t1, "a sector's data did not read back"
    ck_fold s2, t0, s11
    addi    s9, s9, 1
    addi    s7, s7, SECTOR_SIZE
    addi    s8, s8, SECTOR_SIZE
    bltu    s7, s5, verify              # wbuf ends where rbuf begins

    addi    s1, s1, 1
    j       round

done:
    call    result_begin
    print_param iterations
    print_param sectors
    mv      a0, s2
    call    result_end
    li      a0, EXIT_SUCCESS
    sys_exit
    unimp                               # not reached

too_many_sectors:
    fail_with "sectors is larger than BLOCK_MAX_SECTORS (256)", s3

    .section .rodata
    .globl  workload_name
workload_name:
    .asciz  "block-io"

    .include "lib/runtime.S"
