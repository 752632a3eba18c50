# virtio_blk.S — driver for a virtio block device on a virtio-mmio transport (version 2), the
# first one virtio.S finds in the device tree (Virtual I/O Device (VIRTIO) Version 1.1: §4.2
# virtio-mmio, §2.6 split virtqueues, §5.2 block device).
#
# Initialisation follows §3.1.1: reset, ACKNOWLEDGE, DRIVER, feature negotiation (only
# VIRTIO_F_VERSION_1, which a version-2 transport requires), FEATURES_OK (checked), one
# virtqueue of BLK_QUEUE_SIZE entries, DRIVER_OK. A request is a chain of three descriptors
# — the 16-byte header (type, reserved, sector), the data, the 1-byte status the device writes
# — put in the available ring, announced with a QueueNotify; the caller sleeps until the
# completion interrupt shows the chain in the used ring. One request is in flight at a time.
# With no block device in the tree (or one that fails initialisation) the capacity stays 0
# and every request fails with EIO.
#
# Register accesses use PV_MMIO_*; the rings and buffers are ordinary memory the device reads
# and writes (DMA). The rest of the kernel calls this driver only through PV_BLK_RW and
# PV_BLK_CAPACITY (and virtio.S's driver table: attach, interrupt).

# Feature bits 32..63 are read and written as word 1 through the *FeaturesSel registers.
.equ FEATURE_BITS_PER_WORD, 32
.equ FEATURE_WORD_VERSION_1, VIRTIO_F_VERSION_1 / FEATURE_BITS_PER_WORD
.equ FEATURE_BIT_VERSION_1, 1 << (VIRTIO_F_VERSION_1 % FEATURE_BITS_PER_WORD)
.equ FEATURE_WORD_LOW, 0

.equ VIRTIO_QUEUE_READY, 1                     # QueueReady value: the queue may be used
.equ BLK_STATUS_SIZE, 1                        # the status the device writes is one byte

# Descriptor numbers of the one request chain.
.equ DESC_HEADER, 0
.equ DESC_DATA, 1
.equ DESC_STATUS, 2

# Split-virtqueue memory for BLK_QUEUE_SIZE entries (§2.6: descriptor table 16-aligned,
# available ring 2-aligned, used ring 4-aligned).
.equ VQ_DESC_BYTES, BLK_QUEUE_SIZE * VIRTQ_DESC_SIZE
.equ VQ_AVAIL_BYTES, VIRTQ_AVAIL_RING + BLK_QUEUE_SIZE * VIRTQ_AVAIL_ELEM_SIZE
.equ VQ_USED_BYTES, VIRTQ_USED_RING + BLK_QUEUE_SIZE * VIRTQ_USED_ELEM_SIZE

# Request header (struct virtio_blk_req, first part).
.equ REQ_TYPE, 0
.equ REQ_RESERVED, 4
.equ REQ_SECTOR_LO, 8
.equ REQ_SECTOR_HI, 12

.if BLK_QUEUE_SIZE < 3
  .error "a block request needs three descriptors"
.endif

        .text

# virtio_blk_attach(a0 = transport registers) -> a0 = 0 if the device is
# now this driver's disk, else 1: it drives one disk (the first), and declines a device that
# does not initialise. virtio.S has checked the transport and that a block device is behind it.
        .globl virtio_blk_attach
virtio_blk_attach:
        lw      t0, blk_regs
        bnez    t0, .Lblk_attach_declined       # already has its disk
        mv      t0, a0                          # t0 = the registers
        PV_MMIO_WRITE32 zero, t0, VIRTIO_MMIO_STATUS        # reset
        li      t3, VIRTIO_STATUS_ACKNOWLEDGE                # t3 = status so far
        PV_MMIO_WRITE32 t3, t0, VIRTIO_MMIO_STATUS
        ori     t3, t3, VIRTIO_STATUS_DRIVER
        PV_MMIO_WRITE32 t3, t0, VIRTIO_MMIO_STATUS

        li      t1, FEATURE_WORD_VERSION_1                   # the device must offer VERSION_1
        PV_MMIO_WRITE32 t1, t0, VIRTIO_MMIO_DEVICEFEATURESSEL
        PV_MMIO_READ32 t1, t0, VIRTIO_MMIO_DEVICEFEATURES
        li      t2, FEATURE_BIT_VERSION_1
        and     t1, t1, t2
        beqz    t1, .Lblk_init_failed
        li      t1, FEATURE_WORD_LOW                         # and we take nothing else
        PV_MMIO_WRITE32 t1, t0, VIRTIO_MMIO_DRIVERFEATURESSEL
        PV_MMIO_WRITE32 zero, t0, VIRTIO_MMIO_DRIVERFEATURES
        li      t1, FEATURE_WORD_VERSION_1
        PV_MMIO_WRITE32 t1, t0, VIRTIO_MMIO_DRIVERFEATURESSEL
        PV_MMIO_WRITE32 t2, t0, VIRTIO_MMIO_DRIVERFEATURES
        ori     t3, t3, VIRTIO_STATUS_FEATURES_OK
        PV_MMIO_WRITE32 t3, t0, VIRTIO_MMIO_STATUS
        PV_MMIO_READ32 t1, t0, VIRTIO_MMIO_STATUS           # did the device accept them?
        andi    t1, t1, VIRTIO_STATUS_FEATURES_OK
        beqz    t1, .Lblk_init_failed

        PV_MMIO_WRITE32 zero, t0, VIRTIO_MMIO_QUEUESEL      # queue 0
        PV_MMIO_READ32 t1, t0, VIRTIO_MMIO_QUEUENUMMAX
        li      t2, BLK_QUEUE_SIZE
        bltu    t1, t2, .Lblk_init_failed
        PV_MMIO_WRITE32 t2, t0, VIRTIO_MMIO_QUEUENUM
        la      t1, vq_desc
        PV_MMIO_WRITE32 t1, t0, VIRTIO_MMIO_QUEUEDESCLOW
        PV_MMIO_WRITE32 zero, t0, VIRTIO_MMIO_QUEUEDESCHIGH
        la      t1, vq_avail
        PV_MMIO_WRITE32 t1, t0, VIRTIO_MMIO_QUEUEDRIVERLOW
        PV_MMIO_WRITE32 zero, t0, VIRTIO_MMIO_QUEUEDRIVERHIGH
        la      t1, vq_used
        PV_MMIO_WRITE32 t1, t0, VIRTIO_MMIO_QUEUEDEVICELOW
        PV_MMIO_WRITE32 zero, t0, VIRTIO_MMIO_QUEUEDEVICEHIGH
        li      t1, VIRTIO_QUEUE_READY
        PV_MMIO_WRITE32 t1, t0, VIRTIO_MMIO_QUEUEREADY

        ori     t3, t3, VIRTIO_STATUS_DRIVER_OK
        PV_MMIO_WRITE32 t3, t0, VIRTIO_MMIO_STATUS

        PV_MMIO_READ32 t1, t0, VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CONFIG_CAPACITY
        PV_MMIO_READ32 t2, t0, VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CONFIG_CAPACITY + WORD_SIZE
        beqz    t2, 1f
        li      t1, -1                          # 2^32 sectors or more: as many as we can name
1:      sw      t1, blk_capacity, t2
        sw      t0, blk_regs, t2
        li      a0, 0
        ret
.Lblk_init_failed:
        li      t1, VIRTIO_STATUS_FAILED
        PV_MMIO_WRITE32 t1, t0, VIRTIO_MMIO_STATUS
.Lblk_attach_declined:
        li      a0, 1
        ret

# virtio_blk_capacity() -> a0 = the disk's size in sectors, 0 if there is no (working) disk
        .globl virtio_blk_capacity
virtio_blk_capacity:
        lw      a0, blk_capacity
        ret

# virtio_blk_rw(a0 = sector, a1 = buffer, a2 = sectors, a3 = BLK_OP_READ or BLK_OP_WRITE)
#   -> a0 = 0, or EIO. The buffer is physically contiguous kernel memory. Sleeps until done.
        .globl virtio_blk_rw
virtio_blk_rw:
        addi    sp, sp, -32
        sw      ra, 28(sp)
        sw      s0, 24(sp)
        sw      s1, 20(sp)
        sw      s2, 16(sp)
        sw      s3, 12(sp)
        mv      s0, a0
        mv      s1, a1
        mv      s2, a2
        mv      s3, a3
        lw      t0, blk_capacity
        beqz    t0, .Lblk_rw_eio
1:      lw      t0, blk_busy                    # one request at a time
        beqz    t0, 2f
        la      a0, blk_busy
        call    sleep
        j       1b
2:      li      t0, 1
        sw      t0, blk_busy, t1

        la      t0, blk_header                  # the header
        li      t1, VIRTIO_BLK_T_IN
        li      t2, BLK_OP_WRITE
        bne     s3, t2, 3f
        li      t1, VIRTIO_BLK_T_OUT
3:      sw      t1, REQ_TYPE(t0)
        sw      zero, REQ_RESERVED(t0)
        sw      s0, REQ_SECTOR_LO(t0)
        sw      zero, REQ_SECTOR_HI(t0)
        li      t1, VIRTIO_BLK_S_IOERR          # overwritten by the device when it is done
        sb      t1, blk_status, t2

        la      t3, vq_desc                     # the chain: header -> data -> status
        la      t0, blk_header
        li      t1, VIRTIO_BLK_REQ_HEADER_SIZE
        li      t2, VIRTQ_DESC_F_NEXT
        li      t4, DESC_DATA
        addi    a0, t3, DESC_HEADER * VIRTQ_DESC_SIZE
        call    set_desc
        mv      t0, s1
        li      t1, VIRTIO_BLK_SECTOR_SIZE
        mul     t1, t1, s2
        li      t2, VIRTQ_DESC_F_NEXT
        li      t4, BLK_OP_WRITE
        beq     s3, t4, 4f
        li      t2, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE      # reading: the device writes it
4:      li      t4, DESC_STATUS
        addi    a0, t3, DESC_DATA * VIRTQ_DESC_SIZE
        call    set_desc
        la      t0, blk_status
        li      t1, BLK_STATUS_SIZE
        li      t2, VIRTQ_DESC_F_WRITE
        li      t4, 0
        addi    a0, t3, DESC_STATUS * VIRTQ_DESC_SIZE
        call    set_desc

        la      t0, vq_avail                    # offer the chain
        lhu     t1, VIRTQ_AVAIL_IDX(t0)
        andi    t2, t1, BLK_QUEUE_SIZE - 1
        li      t4, VIRTQ_AVAIL_ELEM_SIZE
        mul     t2, t2, t4
        add     t2, t0, t2
        li      t4, DESC_HEADER
        sh      t4, VIRTQ_AVAIL_RING(t2)
        fence                                   # ring entry before the index
        addi    t1, t1, 1
        sh      t1, VIRTQ_AVAIL_IDX(t0)
        fence                                   # index before the notify
        lw      t0, blk_regs
        PV_MMIO_WRITE32 zero, t0, VIRTIO_MMIO_QUEUENOTIFY   # queue 0

5:      la      t0, vq_used                     # sleep until the used ring moves
        lhu     t1, VIRTQ_USED_IDX(t0)
        lhu     t2, blk_used_seen
        bne     t1, t2, 6f
        lw      t3, blk_broken
        bnez    t3, 7f
        la      a0, blk_used_seen
        call    sleep
        j       5b
6:      addi    t2, t2, 1
        sh      t2, blk_used_seen, t3
        lbu     t0, blk_status
        li      t1, VIRTIO_BLK_S_OK
        li      a0, 0
        beq     t0, t1, 8f
7:      li      a0, EIO
8:      mv      s0, a0
        sw      zero, blk_busy, t0
        la      a0, blk_busy
        call    wakeup
        mv      a0, s0
        j       9f
.Lblk_rw_eio:
        li      a0, EIO
9:      lw      ra, 28(sp)
        lw      s0, 24(sp)
        lw      s1, 20(sp)
        lw      s2, 16(sp)
        lw      s3, 12(sp)
        addi    sp, sp, 32
        ret

# set_desc(a0 = descriptor, t0 = buffer address, t1 = length, t2 = flags, t4 = next): fill one
# descriptor (the 64-bit address's high word is 0: RAM is below 4 GiB). Leaves t0-t4 alone.
set_desc:
        sw      t0, VIRTQ_DESC_ADDR(a0)
        sw      zero, VIRTQ_DESC_ADDR + WORD_SIZE(a0)
        sw      t1, VIRTQ_DESC_LEN(a0)
        sh      t2, VIRTQ_DESC_FLAGS(a0)
        sh      t4, VIRTQ_DESC_NEXT(a0)
        ret

# virtio_blk_intr(): the device interrupted: acknowledge, and wake the waiting request.
# A configuration-change interrupt with DEVICE_NEEDS_RESET means the device gave up on us.
        .globl virtio_blk_intr
virtio_blk_intr:
        lw      t0, blk_regs
        PV_MMIO_READ32 t1, t0, VIRTIO_MMIO_INTERRUPTSTATUS
        PV_MMIO_WRITE32 t1, t0, VIRTIO_MMIO_INTERRUPTACK
        andi    t1, t1, VIRTIO_MMIO_INT_CONFIG
        beqz    t1, 1f
        PV_MMIO_READ32 t1, t0, VIRTIO_MMIO_STATUS
        andi    t1, t1, VIRTIO_STATUS_DEVICE_NEEDS_RESET
        beqz    t1, 1f
        li      t1, 1
        sw      t1, blk_broken, t2
1:      la      a0, blk_used_seen
        tail    wakeup

        .bss
        .balign PAGE_SIZE
vq_desc:                                        # descriptor table
        .space  VQ_DESC_BYTES
        .balign 4
vq_avail:                                       # available ring (driver -> device)
        .space  VQ_AVAIL_BYTES
        .balign 4
vq_used:                                        # used ring (device -> driver)
        .space  VQ_USED_BYTES
        .balign 16
blk_header:                                     # the request header
        .space  VIRTIO_BLK_REQ_HEADER_SIZE
blk_status:                                     # the status byte the device writes
        .space  4
blk_used_seen:                                  # used-ring entries consumed (16 bits)
        .space  4
blk_busy:                                       # 1 while a request is in flight
        .space  4
blk_broken:                                     # 1 once the device asked to be reset
        .space  4
        .globl blk_capacity
blk_capacity:                                   # sectors; 0 = no disk
        .space  4
blk_regs:                                       # the disk's transport registers; 0 = no disk
        .space  4
