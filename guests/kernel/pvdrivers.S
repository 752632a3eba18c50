# pvdrivers.S — the paravirtual drivers, behind the device pv-ops (pvops.S) of the paravirt
# build (BUILD_PARAVIRT == 1) and of the pvio build (BUILD_PV_IO == 1: the unmodified kernel
# with these drivers, under hardware assist): no device register anywhere, only hypercalls and
# memory shared with the hypervisor (docs/pv-abi.md). They use only PV_HYPERCALL, the shared
# page's events word (pvshared.S) and PV_EVENTS_ACK, which both builds define.
#
#  * Set-up (PV_DEVICES_INIT): register the shared info page (HC_SET_SHARED_INFO) — the first
#    hypercall the kernel makes — and the block ring (HC_BLK_SETUP, which answers the disk's
#    size, or NOT_SUPPORTED without a disk).
#  * Console output (PV_CONSOLE_WRITE): one HC_CONSOLE_WRITE per buffer, however long.
#    Console input (PV_CONSOLE_READ): the PV ABI has no input channel (the console event has
#    no data to go with it), so read() always finds nothing waiting — 0 bytes.
#  * Block I/O (PV_BLK_RW): Xen's split driver. Requests of at most PV_BLK_REQ_SECTORS go into
#    the shared ring, up to pv_blk_batch (patchable) of them before one HC_BLK_NOTIFY hands
#    the batch over. The hypervisor serves a batch during the notify and posts the responses,
#    so the driver finds them at once and asks for no completion event (rsp_event is kept far
#    ahead). A back-end that had not answered yet would be waited for: rsp_event is set to
#    the batch's last response and the caller sleeps until the block event wakes it.
#  * Events (PV_EXTERNAL_INTR): the shared events word's device bits, taken and cleared with
#    one atomic and-not; the block event wakes a sleeping request.

.equ PV_BLK_REQ_SECTORS, 8                      # the most one ring request moves
.equ PV_BLK_BATCH_DEFAULT, PV_RING_SLOTS        # requests per notify, by default
.equ PV_BLK_NO_EVENT, 0x80000000                # rsp_event distance that is never reached
.equ PV_CONSOLE_CHUNK, PAGE_SIZE                # bytes per HC_CONSOLE_WRITE at most
.equ SECTOR_SHIFT, 9
.if (1 << SECTOR_SHIFT) != VIRTIO_BLK_SECTOR_SIZE
  .error "SECTOR_SHIFT does not match the sector size"
.endif

        .text

# pv_devices_init(): register the shared info page and the block ring.
        .globl pv_devices_init
pv_devices_init:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        la      a0, pv_shared
        PV_HYPERCALL HC_SET_SHARED_INFO
        beqz    a0, 1f
        mv      a2, a0
        la      a1, pv_shared
        la      a0, msg_pv_shared
        call    panic
1:      la      t0, pv_blk_ring                 # no completion event wanted
        li      t1, PV_BLK_NO_EVENT
        sw      t1, PV_RING_RSP_EVENT(t0)
        mv      a0, t0
        PV_HYPERCALL HC_BLK_SETUP
        bnez    a0, 2f                          # NOT_SUPPORTED: no disk
        sw      a1, pv_blk_capacity_sectors, t0
2:      lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

# pv_console_write(a0 = buffer, a1 = length): HC_CONSOLE_WRITE, a page at most per call (the
# hypervisor may take less than it is offered: the rest follows).
        .globl pv_console_write
pv_console_write:
# ASSIGNMENT hypercall BEGIN step 3: the console driver
        mv      t0, a0                          # t0 = next byte
        mv      t1, a1                          # t1 = bytes left
1:      beqz    t1, 3f
        mv      a0, t0
        mv      a1, t1
        li      t2, PV_CONSOLE_CHUNK
        bleu    a1, t2, 2f
        mv      a1, t2
2:      PV_HYPERCALL HC_CONSOLE_WRITE
        bnez    a0, 3f                          # refused: nothing more to do
        beqz    a1, 3f
        add     t0, t0, a1
        sub     t1, t1, a1
        j       1b
3:      ret
# ASSIGNMENT hypercall END

# pv_console_read(a0 = buffer, a1 = max) -> a0 = 0: no console input under the PV ABI.
        .globl pv_console_read
pv_console_read:
        li      a0, 0
        ret

# pv_blk_capacity() -> a0 = sectors (0: no disk).
        .globl pv_blk_capacity
pv_blk_capacity:
        lw      a0, pv_blk_capacity_sectors
        ret

# pv_external_intr(): take the device events of the shared page (leaving the timer's), clear
# them, and act: a block event wakes the request waiting for its responses; a console event
# has nothing to fetch.
        .globl pv_external_intr
pv_external_intr:
        la      t0, pv_shared + PV_SHARED_EVENTS
        li      t1, ~(PV_EVENT_CONSOLE | PV_EVENT_BLOCK)
        amoand.w t2, t1, (t0)
        PV_EVENTS_ACK                           # pvio: the hypervisor drops the event line
        andi    t2, t2, PV_EVENT_BLOCK
        beqz    t2, 1f
        la      a0, pv_blk_ring
        tail    wakeup
1:      ret

# pv_blk_rw(a0 = sector, a1 = buffer, a2 = sectors, a3 = BLK_OP_READ or BLK_OP_WRITE)
#   -> a0 = 0, or EIO. The buffer is physically contiguous kernel memory. May sleep.
        .globl pv_blk_rw
pv_blk_rw:
        addi    sp, sp, -48
        sw      ra, 44(sp)
        sw      s0, 40(sp)
        sw      s1, 36(sp)
        sw      s2, 32(sp)
        sw      s3, 28(sp)
        sw      s4, 24(sp)
        sw      s5, 20(sp)
        sw      s6, 16(sp)
        mv      s0, a0                          # s0 = next sector
        mv      s1, a1                          # s1 = next buffer byte
        mv      s2, a2                          # s2 = sectors left
        mv      s3, a3                          # s3 = operation
        li      s6, 0                           # s6 = result
        lw      t0, pv_blk_capacity_sectors
        beqz    t0, .Lpvblk_eio
1:      lw      t0, pv_blk_busy                 # one caller at a time
        beqz    t0, 2f
        la      a0, pv_blk_busy
        call    sleep
        j       1b
2:      li      t0, 1
        sw      t0, pv_blk_busy, t1
        li      t0, BLK_OP_WRITE                # the ring's operation codes
        li      t1, PV_BLK_OP_WRITE
        beq     s3, t0, 3f
        li      t1, PV_BLK_OP_READ
3:      mv      s3, t1

.Lpvblk_batch:                                  # one batch: queue, notify, collect
        beqz    s2, .Lpvblk_done
        lw      s5, pv_blk_batch                # s5 = requests in this batch at most
        bnez    s5, 4f
        li      s5, 1
4:      li      t0, PV_RING_SLOTS
        bleu    s5, t0, 5f
        mv      s5, t0
5:      la      t5, pv_blk_ring
        lw      t6, PV_RING_REQ_PROD(t5)        # t6 = req_prod (ours alone)
        li      s4, 0                           # s4 = requests queued
6:      beqz    s2, 8f
        bgeu    s4, s5, 8f
        mv      t0, s2                          # t0 = sectors in this request
        li      t1, PV_BLK_REQ_SECTORS
        bleu    t0, t1, 7f
        mv      t0, t1
7:      andi    t1, t6, PV_RING_SLOTS - 1       # the slot
        li      t2, PV_RING_REQ_SIZE
        mul     t1, t1, t2
        add     t1, t1, t5
        sw      s3, PV_RING_REQUESTS + PV_RING_REQ_OP(t1)
        sw      s0, PV_RING_REQUESTS + PV_RING_REQ_SECTOR(t1)
        sw      s1, PV_RING_REQUESTS + PV_RING_REQ_BUF(t1)
        sw      t0, PV_RING_REQUESTS + PV_RING_REQ_COUNT(t1)
        sw      t6, PV_RING_REQUESTS + PV_RING_REQ_ID(t1)
        add     s0, s0, t0
        slli    t2, t0, SECTOR_SHIFT
        add     s1, s1, t2
        sub     s2, s2, t0
        addi    t6, t6, 1
        addi    s4, s4, 1
        j       6b
8:      fence                                   # the requests before the index
        sw      t6, PV_RING_REQ_PROD(t5)
        PV_HYPERCALL HC_BLK_NOTIFY              # the back-end takes the whole batch
        bnez    a0, .Lpvblk_broken

        lw      s5, pv_blk_rsp_cons             # s5 = first response of the batch
9:      la      t5, pv_blk_ring                 # wait until rsp_prod - rsp_cons >= s4
        lw      t0, PV_RING_RSP_PROD(t5)
        sub     t0, t0, s5
        bgeu    t0, s4, 10f
        add     t1, s5, s4                      # not yet: an event when the batch's last
        sw      t1, PV_RING_RSP_EVENT(t5)       # response is in, then look once more
        fence
        lw      t0, PV_RING_RSP_PROD(t5)
        sub     t0, t0, s5
        bgeu    t0, s4, 10f
        la      a0, pv_blk_ring
        call    sleep
        j       9b
10:     fence                                   # the responses after the index
        li      t1, PV_BLK_NO_EVENT             # no event wanted again
        add     t1, t1, s5
        sw      t1, PV_RING_RSP_EVENT(t5)
        li      t0, 0                           # check every response of the batch
11:     bgeu    t0, s4, 12f
        add     t1, s5, t0
        andi    t1, t1, PV_RING_SLOTS - 1
        slli    t1, t1, 3                       # PV_RING_RSP_SIZE = 8
        add     t1, t1, t5
        lw      t2, PV_RING_RESPONSES + PV_RING_RSP_STATUS(t1)
        beqz    t2, 13f                         # PV_BLK_STATUS_OK
        li      s6, EIO
13:     addi    t0, t0, 1
        j       11b
12:     add     s5, s5, s4
        sw      s5, pv_blk_rsp_cons, t0
        j       .Lpvblk_batch

.Lpvblk_broken:                                 # the back-end refused the notify: no disk
        sw      zero, pv_blk_capacity_sectors, t0
        li      s6, EIO
.Lpvblk_done:
        sw      zero, pv_blk_busy, t0
        la      a0, pv_blk_busy
        call    wakeup
        mv      a0, s6
        j       .Lpvblk_out
.Lpvblk_eio:
        li      a0, EIO
.Lpvblk_out:
        lw      ra, 44(sp)
        lw      s0, 40(sp)
        lw      s1, 36(sp)
        lw      s2, 32(sp)
        lw      s3, 28(sp)
        lw      s4, 24(sp)
        lw      s5, 20(sp)
        lw      s6, 16(sp)
        addi    sp, sp, 48
        ret
.if PV_RING_RSP_SIZE != 8 || PV_BLK_STATUS_OK != 0
  .error "pv_blk_rw assumes 8-byte responses and status 0 for success"
.endif
.if PV_RING_SLOTS & (PV_RING_SLOTS - 1)
  .error "pv_blk_rw assumes a power-of-two ring"
.endif

        .section .rodata
msg_pv_shared:
        .asciz  "the hypervisor refused the shared info page at %x (error %d)"

        .data
        .balign 4
# Block requests handed over per HC_BLK_NOTIFY at most (patched by symbol by experiments; 1
# notifies for every request, as an unbatched driver would).
        .globl pv_blk_batch
pv_blk_batch:
        .word   PV_BLK_BATCH_DEFAULT

        .bss
        .balign PAGE_SIZE
# The block ring (PV_RING_* layout), registered with HC_BLK_SETUP.
        .globl pv_blk_ring
pv_blk_ring:
        .space  PAGE_SIZE
        .balign 4
        .globl pv_blk_capacity_sectors
pv_blk_capacity_sectors:                        # sectors; 0 = no disk
        .space  4
pv_blk_rsp_cons:                                # responses consumed (Xen's rsp_cons)
        .space  4
pv_blk_busy:                                    # 1 while a caller is using the ring
        .space  4
