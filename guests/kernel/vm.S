# vm.S — virtual memory: Sv32 page tables for the kernel and for each process, demand-zero
# page faults, checked access to user memory, and the memory system calls sbrk, mmap, munmap.
#
# Sv32 in brief: a 32-bit virtual address is VPN[1] (10 bits) | VPN[0] (10 bits) | offset
# (12 bits). satp points at a root table of 1024 entries indexed by VPN[1]; an entry is
# either a leaf mapping a 4 MiB megapage or points at a second-level table of 1024 entries
# indexed by VPN[0], whose leaves map 4 KiB pages. An entry is PPN << 10 | flags.
#
# The kernel maps all of RAM and the devices it drives with megapage leaves at their physical
# addresses (identity), supervisor-only. Every process's root table starts as a copy of those
# kernel entries, so the kernel is mapped in every address space and a trap needs no satp
# switch; the user half (below USER_TOP) uses second-level tables and 4 KiB pages with the U
# bit. Because kernel addresses equal physical addresses, the kernel reaches any physical page
# (a page table, a user page) directly.
#
# A page becomes a page table with PV_PT_ALLOC and stops being one with PV_PT_RELEASE (the
# paravirt build pins it: from then on it is read-only to the kernel). A new root table, and
# each second-level table of a fork's copy, is filled with ordinary stores first — it is still
# a plain page — and then made a table, as Linux fills a new pgd before Xen pins it; a
# second-level table made for one new mapping is made a table while still empty. From then on
# every store into a table is PV_SET_PTE, every TLB flush PV_FLUSH_TLB_*, and every satp write
# PV_SWITCH_AS, so that the paravirt build can turn them into validated hypercalls. All of
# these may be deferred until PV_PTE_COMMIT: each group of them (a system call's range, a
# fork's copy, an exit's teardown) is committed once, at its end, before anything relies on
# it.

# The UART and the virtio-mmio slots must share the megapage kvm_init maps for them.
.if (VIRT_VIRTIO_BASE + VIRT_VIRTIO_COUNT * VIRT_VIRTIO_STRIDE - 1) >> MEGAPAGE_SHIFT != VIRT_UART0_BASE >> MEGAPAGE_SHIFT
  .error "the UART and the virtio slots are not in one megapage"
.endif

        .text

# ---------------------------------------------------------------------------------------------
# The kernel address space
# ---------------------------------------------------------------------------------------------

# kvm_init(a0 = RAM base, a1 = RAM size): build the kernel's root table (RAM and devices,
# identity-mapped with megapages), make it a page table and turn paging on.
        .globl kvm_init
kvm_init:
        addi    sp, sp, -32
        sw      ra, 28(sp)
        sw      s0, 24(sp)
        sw      s1, 20(sp)
        sw      s2, 16(sp)
        srli    s0, a0, MEGAPAGE_SHIFT          # s0 = first RAM megapage (address)
        slli    s0, s0, MEGAPAGE_SHIFT
        li      t0, MEGAPAGE_SIZE - 1           # s1 = number of RAM megapages
        add     s1, a1, t0
        srli    s1, s1, MEGAPAGE_SHIFT
        call    kzalloc
        mv      s2, a0                          # s2 = root table
        bnez    a0, 1f
        la      a0, msg_no_kernel_root
        call    panic

1:      beqz    s1, 3f                          # RAM: read, write, execute
        mv      a0, s2
        mv      a1, s0
        li      a2, PTE_KERNEL_RWX
        call    kvm_map_megapage
        li      t0, MEGAPAGE_SIZE
        add     s0, s0, t0
        addi    s1, s1, -1
        j       1b

3:      mv      a0, s2                          # UART and virtio-mmio slots: read, write
        li      a1, UART_VIRTIO_MAP_BASE
        li      a2, PTE_KERNEL_DEVICE
        call    kvm_map_megapage
        li      s0, VIRT_PLIC_BASE              # the PLIC's megapages
        li      s1, VIRT_PLIC_BASE + PLIC_MAP_SIZE
4:      bgeu    s0, s1, 5f
        mv      a0, s2
        mv      a1, s0
        li      a2, PTE_KERNEL_DEVICE
        call    kvm_map_megapage
        li      t0, MEGAPAGE_SIZE
        add     s0, s0, t0
        j       4b

5:      PV_PT_ALLOC s2                          # filled: now it is a page table
        sw      s2, kernel_root, t0
        SATP_OF a0, s2, t0
        sw      a0, kernel_satp, t0
        call    vm_switch                       # paging on: nothing moves, it is the identity
        PV_PTE_COMMIT                           # (now, not at the first later commit)
        lw      ra, 28(sp)
        lw      s0, 24(sp)
        lw      s1, 20(sp)
        lw      s2, 16(sp)
        addi    sp, sp, 32
        ret

# kvm_map_megapage(a0 = root, a1 = address (megapage-aligned), a2 = flags): identity leaf,
# stored into a root that is not yet a page table (a plain store).
kvm_map_megapage:
        VPN1_OFFSET t0, a1
        add     t0, a0, t0
        PA2PTE  t1, a1
        or      t1, t1, a2
        sw      t1, 0(t0)
        ret

# vm_switch(a0 = satp value): make that address space current, unless it already is (switching
# back to the same process keeps its TLB entries, as Linux does).
        .globl vm_switch
vm_switch:
        lw      t0, current_satp
        beq     t0, a0, 1f
        sw      a0, current_satp, t0
        PV_SWITCH_AS a0
1:      ret

# ---------------------------------------------------------------------------------------------
# Page-table walks
# ---------------------------------------------------------------------------------------------

# vm_probe(a0 = root, a1 = va) -> a0 = the leaf entry that maps va (a kernel megapage entry or
# a 4 KiB page entry), or 0 if nothing maps it. Reads only; clobbers t0-t3.
        .globl vm_probe
vm_probe:
        VPN1_OFFSET t0, a1
        add     t0, a0, t0
        lw      t1, 0(t0)
        andi    t2, t1, PTE_V
        beqz    t2, 1f
        andi    t2, t1, PTE_LEAF_BITS
        bnez    t2, 2f                          # a megapage leaf (kernel)
        PTE2PA  t3, t1
        VPN0_OFFSET t0, a1
        add     t0, t3, t0
        lw      a0, 0(t0)
        ret
1:      li      a0, 0
        ret
2:      mv      a0, t1
        ret

# vm_walk(a0 = root, a1 = va, a2 = create) -> a0 = address of va's second-level entry, or 0 if
# va lies in a kernel megapage, or its second-level table is missing and create is 0 (or no
# page is left to make one).
vm_walk:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        sw      s1, 4(sp)
        VPN1_OFFSET t0, a1
        add     s0, a0, t0                      # s0 = root entry
        mv      s1, a1                          # s1 = va
        lw      t1, 0(s0)
        andi    t2, t1, PTE_V
        beqz    t2, 1f
        andi    t2, t1, PTE_LEAF_BITS
        bnez    t2, 3f                          # kernel megapage: not for user pages
        PTE2PA  t3, t1
        j       2f
1:      beqz    a2, 3f
        call    kzalloc                         # a new, empty second-level table
        beqz    a0, 3f
        mv      t3, a0
        PV_PT_ALLOC t3
        PA2PTE  t1, t3
        ori     t1, t1, PTE_V                   # V without R/W/X: points to a table
        PV_SET_PTE s0, t1
        PV_PTE_COMMIT                           # later walks read this entry back
2:      VPN0_OFFSET t0, s1
        add     a0, t3, t0
        j       4f
3:      li      a0, 0
4:      lw      ra, 12(sp)
        lw      s0, 8(sp)
        lw      s1, 4(sp)
        addi    sp, sp, 16
        ret

# vm_map_page(a0 = root, a1 = va, a2 = physical page, a3 = flags) -> a0 = 0 or ENOMEM.
# One PTE store (plus one more if a second-level table has to be made).
        .globl vm_map_page
vm_map_page:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        sw      s1, 4(sp)
        mv      s0, a2
        mv      s1, a3
        li      a2, 1
        call    vm_walk
        beqz    a0, 1f
        PA2PTE  t0, s0
        or      t0, t0, s1
        PV_SET_PTE a0, t0
        li      a0, 0
        j       2f
1:      li      a0, ENOMEM
2:      lw      ra, 12(sp)
        lw      s0, 8(sp)
        lw      s1, 4(sp)
        addi    sp, sp, 16
        ret

# vm_unmap_page(a0 = root, a1 = va): if a user page is mapped at va, unmap it, flush its
# translation and free it. One PTE store and one TLB flush per page; the caller commits
# (PV_PTE_COMMIT) once for its whole range, before anything can use the address again — the
# page freed here is handed out again only after that.
        .globl vm_unmap_page
vm_unmap_page:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        mv      s0, a1
        li      a2, 0
        call    vm_walk
        beqz    a0, 1f
        lw      t0, 0(a0)
        andi    t1, t0, PTE_V
        beqz    t1, 1f
        PV_SET_PTE a0, zero
        PV_FLUSH_TLB_PAGE s0
        PTE2PA  a0, t0
        call    kfree
1:      lw      ra, 12(sp)
        lw      s0, 8(sp)
        addi    sp, sp, 16
        ret

# ---------------------------------------------------------------------------------------------
# Process address spaces
# ---------------------------------------------------------------------------------------------

# uvm_create() -> a0 = a new root table holding the kernel's entries (nothing of the user's
# yet), or 0 if memory is full. The entries are copied while the page is still a plain page;
# then it becomes a page table.
        .globl uvm_create
uvm_create:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        call    kzalloc
        mv      s0, a0
        beqz    a0, 3f
        lw      t0, kernel_root                 # copy every non-empty kernel entry
        mv      t1, s0
        li      t2, PAGE_SIZE
        add     t2, t0, t2
1:      lw      t3, 0(t0)
        beqz    t3, 2f
        sw      t3, 0(t1)
2:      addi    t0, t0, PTE_SIZE
        addi    t1, t1, PTE_SIZE
        bltu    t0, t2, 1b
        PV_PT_ALLOC s0                          # filled: now it is a page table
3:      mv      a0, s0
        lw      ra, 12(sp)
        lw      s0, 8(sp)
        addi    sp, sp, 16
        ret

# uvm_free(a0 = root): free every user page, every second-level table and the root.
# The address space must not be the current one. Each table is written (by kfree) only after
# the commit that made it a plain page again: one commit per second-level table — the first
# also carries the switch away from this space that exit queued — and one for the root.
        .globl uvm_free
uvm_free:
        addi    sp, sp, -32
        sw      ra, 28(sp)
        sw      s0, 24(sp)
        sw      s1, 20(sp)
        sw      s2, 16(sp)
        sw      s3, 12(sp)
        mv      s0, a0                          # s0 = root
        li      s1, 0                           # s1 = offset of the root entry
.Lfree_l1:
        add     t0, s0, s1
        lw      t1, 0(t0)
        andi    t2, t1, PTE_V
        beqz    t2, .Lfree_l1_next
        andi    t2, t1, PTE_LEAF_BITS
        bnez    t2, .Lfree_l1_next              # kernel megapage: shared, not ours
        PTE2PA  s2, t1                          # s2 = second-level table
        li      s3, 0
.Lfree_l0:
        add     t0, s2, s3
        lw      t1, 0(t0)
        andi    t2, t1, PTE_V
        beqz    t2, 1f
        PTE2PA  a0, t1
        call    kfree
1:      addi    s3, s3, PTE_SIZE
        li      t0, PAGE_SIZE
        bltu    s3, t0, .Lfree_l0
        PV_PT_RELEASE s2
        PV_PTE_COMMIT
        mv      a0, s2
        call    kfree
.Lfree_l1_next:
        addi    s1, s1, PTE_SIZE
        li      t0, PAGE_SIZE
        bltu    s1, t0, .Lfree_l1
        PV_PT_RELEASE s0
        PV_PTE_COMMIT
        mv      a0, s0
        call    kfree
        lw      ra, 28(sp)
        lw      s0, 24(sp)
        lw      s1, 20(sp)
        lw      s2, 16(sp)
        lw      s3, 12(sp)
        addi    sp, sp, 32
        ret

# uvm_copy(a0 = source root, a1 = destination root) -> a0 = 0 or ENOMEM: give the destination
# its own copy of every user page mapped in the source, at the same address with the same
# permissions (fork). Each second-level table of the copy is built while it is still a plain
# page — an entry written as each page is copied — then made a page table and linked into the
# destination root; the links are committed once, at the end. On failure the destination
# keeps what was copied (the table being built is linked too); the caller frees it.
        .globl uvm_copy
uvm_copy:
        addi    sp, sp, -48
        sw      ra, 44(sp)
        sw      s0, 40(sp)
        sw      s1, 36(sp)
        sw      s2, 32(sp)
        sw      s3, 28(sp)
        sw      s4, 24(sp)
        sw      s5, 20(sp)
        sw      s6, 16(sp)
        sw      s7, 12(sp)
        mv      s0, a0                          # s0 = source root
        mv      s1, a1                          # s1 = destination root
        li      s2, 0                           # s2 = offset of the root entry
        li      s7, 0                           # s7 = result
.Lcopy_l1:
        add     t0, s0, s2
        lw      t1, 0(t0)
        andi    t2, t1, PTE_V
        beqz    t2, .Lcopy_l1_next
        andi    t2, t1, PTE_LEAF_BITS
        bnez    t2, .Lcopy_l1_next              # kernel megapage: already in the new root
        PTE2PA  s3, t1                          # s3 = source second-level table
        call    kzalloc
        beqz    a0, .Lcopy_nomem
        mv      s4, a0                          # s4 = its copy, a plain page for now
        li      s5, 0                           # s5 = offset of the second-level entry
.Lcopy_l0:
        add     t0, s3, s5
        lw      s6, 0(t0)                       # s6 = source entry
        andi    t2, s6, PTE_V
        beqz    t2, .Lcopy_l0_next
        call    kalloc
        beqz    a0, 1f
        add     t0, s4, s5                      # the copy's entry: same flags, new page
        PA2PTE  t1, a0
        andi    t2, s6, PTE_FLAGS_MASK
        or      t1, t1, t2
        sw      t1, 0(t0)
        PTE2PA  a1, s6
        call    page_copy
.Lcopy_l0_next:
        addi    s5, s5, PTE_SIZE
        li      t0, PAGE_SIZE
        bltu    s5, t0, .Lcopy_l0
        j       2f
1:      li      s7, ENOMEM                      # no page: link what was copied, and stop
2:      PV_PT_ALLOC s4                          # filled: now it is a page table...
        PA2PTE  t1, s4
        ori     t1, t1, PTE_V
        add     t0, s1, s2
        PV_SET_PTE t0, t1                       # ...linked into the new root
        bnez    s7, 3f
.Lcopy_l1_next:
        addi    s2, s2, PTE_SIZE
        li      t0, PAGE_SIZE
        bltu    s2, t0, .Lcopy_l1
        j       3f
.Lcopy_nomem:
        li      s7, ENOMEM
3:      PV_PTE_COMMIT
        mv      a0, s7
        lw      ra, 44(sp)
        lw      s0, 40(sp)
        lw      s1, 36(sp)
        lw      s2, 32(sp)
        lw      s3, 28(sp)
        lw      s4, 24(sp)
        lw      s5, 20(sp)
        lw      s6, 16(sp)
        lw      s7, 12(sp)
        addi    sp, sp, 48
        ret

# uvm_load_image(a0 = root, a1 = image address, a2 = image size) -> a0 = 0 or ENOMEM: copy a
# flat program image into fresh pages mapped at USER_BASE (read, write, execute: the image
# mixes code and data), zero-filling the last page.
        .globl uvm_load_image
uvm_load_image:
        addi    sp, sp, -32
        sw      ra, 28(sp)
        sw      s0, 24(sp)
        sw      s1, 20(sp)
        sw      s2, 16(sp)
        sw      s3, 12(sp)
        sw      s4, 8(sp)
        mv      s0, a0                          # s0 = root
        mv      s1, a1                          # s1 = source
        mv      s2, a2                          # s2 = bytes left
        li      s3, USER_BASE                   # s3 = destination va
1:      blez    s2, 3f
        call    kzalloc
        beqz    a0, 4f
        mv      s4, a0
        mv      a1, s1
        li      a2, PAGE_SIZE
        bgeu    s2, a2, 2f
        mv      a2, s2
2:      call    memcpy
        mv      a0, s0
        mv      a1, s3
        mv      a2, s4
        li      a3, PTE_USER_RWX
        call    vm_map_page
        bnez    a0, 5f
        li      t0, PAGE_SIZE
        add     s1, s1, t0
        add     s3, s3, t0
        sub     s2, s2, t0
        j       1b
5:      mv      a0, s4
        call    kfree
4:      PV_PTE_COMMIT
        li      a0, ENOMEM
        j       6f
3:      PV_PTE_COMMIT
        li      a0, 0
6:      lw      ra, 28(sp)
        lw      s0, 24(sp)
        lw      s1, 20(sp)
        lw      s2, 16(sp)
        lw      s3, 12(sp)
        lw      s4, 8(sp)
        addi    sp, sp, 32
        ret

# ---------------------------------------------------------------------------------------------
# Demand-zero pages
# ---------------------------------------------------------------------------------------------

# in_demand_range(a0 = proc, a1 = va) -> a0 = 1 if va is in the process's heap (below the
# break) or stack range, whose pages are created zeroed on first touch; else 0.
in_demand_range:
        lw      t0, P_HEAP_BASE(a0)
        lw      t1, P_BRK(a0)
        bltu    a1, t0, 1f
        bltu    a1, t1, 2f
1:      li      t0, USER_STACK_LIMIT
        li      t1, USER_STACK_TOP
        bltu    a1, t0, 3f
        bltu    a1, t1, 2f
3:      li      a0, 0
        ret
2:      li      a0, 1
        ret

# demand_map(a0 = proc, a1 = va) -> a0 = physical address of a new zeroed page now mapped at
# va's page, or 0 if memory is full.
demand_map:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        sw      s1, 4(sp)
        sw      s2, 0(sp)
        lw      s0, P_ROOT(a0)
        mv      s1, a1
        PAGE_ROUND_DOWN s1
        call    kzalloc
        beqz    a0, 1f
        mv      s2, a0
        mv      a0, s0
        mv      a1, s1
        mv      a2, s2
        li      a3, PTE_USER_RW
        call    vm_map_page
        bnez    a0, 2f
        PV_FLUSH_TLB_PAGE s1                    # the hart may remember that va was unmapped
        PV_PTE_COMMIT
        mv      a0, s2
        j       3f
2:      mv      a0, s2
        call    kfree
1:      li      a0, 0
3:      lw      ra, 12(sp)
        lw      s0, 8(sp)
        lw      s1, 4(sp)
        lw      s2, 0(sp)
        addi    sp, sp, 16
        ret

# vm_fault(a0 = proc, a1 = faulting va) -> a0 = 0 if the fault was a first touch of a
# demand-zero page and is now mapped (retry the instruction), else non-zero (a real fault: an
# unmapped address outside the heap and stack, a permission violation, or no memory left).
        .globl vm_fault
vm_fault:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        sw      s1, 4(sp)
        mv      s0, a0
        mv      s1, a1
        lw      a0, P_ROOT(s0)
        call    vm_probe
        bnez    a0, 1f                          # mapped: a permission fault
        mv      a0, s0
        mv      a1, s1
        call    in_demand_range
        beqz    a0, 1f
        mv      a0, s0
        mv      a1, s1
        call    demand_map
        beqz    a0, 1f
        li      a0, 0
        j       2f
1:      li      a0, 1
2:      lw      ra, 12(sp)
        lw      s0, 8(sp)
        lw      s1, 4(sp)
        addi    sp, sp, 16
        ret

# ---------------------------------------------------------------------------------------------
# User memory, as seen from the kernel. User pointers are never dereferenced as virtual
# addresses: each page is looked up in the process's own table (it must be a valid user page,
# or a demand-zero page, which is created) and reached through its physical address. So a
# pointer into the kernel, the devices or another process's memory can never be followed.
# ---------------------------------------------------------------------------------------------

# user_page(a0 = proc, a1 = va) -> a0 = physical address of the user page holding va
# (creating it if it is a demand-zero page not touched yet), or 0 if va is not the process's.
        .globl user_page
user_page:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        sw      s1, 4(sp)
        mv      s0, a0
        mv      s1, a1
        li      t0, USER_TOP
        bgeu    a1, t0, 2f
        lw      a0, P_ROOT(s0)
        call    vm_probe
        beqz    a0, 1f
        andi    t0, a0, PTE_V | PTE_U
        li      t1, PTE_V | PTE_U
        bne     t0, t1, 2f                      # a kernel mapping
        PTE2PA  a0, a0
        j       3f
1:      mv      a0, s0                          # not mapped: a demand-zero page?
        mv      a1, s1
        call    in_demand_range
        beqz    a0, 3f
        mv      a0, s0
        mv      a1, s1
        call    demand_map
        j       3f
2:      li      a0, 0
3:      lw      ra, 12(sp)
        lw      s0, 8(sp)
        lw      s1, 4(sp)
        addi    sp, sp, 16
        ret

# user_range_ok(a0 = va, a1 = length) -> a0 = 0 if [va, va + length) is entirely the current
# process's memory (demand-zero pages in it are created), else EINVAL (or ENOMEM if a
# demand-zero page could not be made). Call it before acting, so a bad pointer has no effect.
        .globl user_range_ok
user_range_ok:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        sw      s1, 4(sp)
        beqz    a1, 3f                          # nothing to check
        add     s1, a0, a1                      # s1 = end
        bltu    s1, a0, 4f                      # wraps around
        li      t0, USER_TOP
        bgtu    s1, t0, 4f
        mv      s0, a0
        PAGE_ROUND_DOWN s0                      # s0 = page being checked
1:      bgeu    s0, s1, 3f
        lw      a0, current_proc
        mv      a1, s0
        call    user_page
        beqz    a0, 2f
        li      t0, PAGE_SIZE
        add     s0, s0, t0
        j       1b
2:      lw      a0, current_proc                # why not: out of memory, or not the user's?
        mv      a1, s0
        call    in_demand_range
        beqz    a0, 4f
        li      a0, ENOMEM
        j       5f
3:      li      a0, 0
        j       5f
4:      li      a0, EINVAL
5:      lw      ra, 12(sp)
        lw      s0, 8(sp)
        lw      s1, 4(sp)
        addi    sp, sp, 16
        ret

# copy_user(a0 = user va, a1 = kernel address, a2 = length, a3 = COPY_OUT or COPY_IN)
#   -> a0 = 0, or EINVAL if part of the user range is not the current process's.
# COPY_OUT copies kernel -> user, COPY_IN user -> kernel, a page piece at a time.
        .globl copy_user
copy_user:
        addi    sp, sp, -32
        sw      ra, 28(sp)
        sw      s0, 24(sp)
        sw      s1, 20(sp)
        sw      s2, 16(sp)
        sw      s3, 12(sp)
        sw      s4, 8(sp)
        mv      s0, a0                          # s0 = user va
        mv      s1, a1                          # s1 = kernel address
        mv      s2, a2                          # s2 = bytes left
        mv      s3, a3                          # s3 = direction
1:      beqz    s2, 3f
        lw      a0, current_proc
        mv      a1, s0
        call    user_page
        beqz    a0, 4f
        li      t0, PAGE_OFFSET_MASK            # this piece: up to the end of the page
        and     t1, s0, t0
        add     a0, a0, t1                      # a0 = physical address of va
        li      t2, PAGE_SIZE
        sub     s4, t2, t1
        bleu    s4, s2, 2f
        mv      s4, s2                          # s4 = piece length
2:      mv      a1, s1
        mv      a2, s4
        li      t0, COPY_OUT
        beq     s3, t0, 5f
        mv      t1, a0                          # copy in: swap source and destination
        mv      a0, a1
        mv      a1, t1
5:      call    memcpy
        add     s0, s0, s4
        add     s1, s1, s4
        sub     s2, s2, s4
        j       1b
3:      li      a0, 0
        j       6f
4:      li      a0, EINVAL
6:      lw      ra, 28(sp)
        lw      s0, 24(sp)
        lw      s1, 20(sp)
        lw      s2, 16(sp)
        lw      s3, 12(sp)
        lw      s4, 8(sp)
        addi    sp, sp, 32
        ret

# ---------------------------------------------------------------------------------------------
# System calls: sbrk, mmap, munmap
# ---------------------------------------------------------------------------------------------

# sbrk(increment) -> the previous break, or ENOMEM. Growing only moves the break: the new pages
# are demand-zero. Shrinking unmaps and frees the pages wholly above the new break.
        .globl sys_sbrk
sys_sbrk:
        addi    sp, sp, -32
        sw      ra, 28(sp)
        sw      s0, 24(sp)
        sw      s1, 20(sp)
        sw      s2, 16(sp)
        sw      s3, 12(sp)
        lw      s0, current_proc
        lw      s1, P_BRK(s0)                   # s1 = old break
        add     s2, s1, a0                      # s2 = new break
        bltz    a0, 1f
        bltu    s2, s1, 9f                      # wrapped
        li      t0, USER_HEAP_LIMIT
        bgtu    s2, t0, 9f
        j       3f
1:      bgtu    s2, s1, 9f                      # wrapped below 0
        lw      t0, P_HEAP_BASE(s0)
        bltu    s2, t0, 9f
        mv      s3, s2                          # free [round_up(new), round_up(old))
        PAGE_ROUND_UP s3, t0
2:      mv      t1, s1
        PAGE_ROUND_UP t1, t0
        bgeu    s3, t1, 3f
        lw      a0, P_ROOT(s0)
        mv      a1, s3
        call    vm_unmap_page
        li      t0, PAGE_SIZE
        add     s3, s3, t0
        j       2b
3:      PV_PTE_COMMIT                           # the shrink's updates (none when growing)
        sw      s2, P_BRK(s0)
        mv      a0, s1
        j       10f
9:      li      a0, ENOMEM
10:     lw      ra, 28(sp)
        lw      s0, 24(sp)
        lw      s1, 20(sp)
        lw      s2, 16(sp)
        lw      s3, 12(sp)
        addi    sp, sp, 32
        ret

# check_user_pages(a0 = addr, a1 = len) -> a0 = end address (addr + len rounded up to pages),
# or 0 if addr is not page-aligned, len is 0, or the range leaves [PAGE_SIZE, USER_TOP).
check_user_pages:
        li      t0, PAGE_OFFSET_MASK
        and     t0, a0, t0
        bnez    t0, 1f
        beqz    a1, 1f
        li      t0, PAGE_SIZE
        bltu    a0, t0, 1f                      # page 0 is never mapped
        add     t1, a0, a1
        bltu    t1, a0, 1f                      # wraps
        li      t0, USER_TOP
        bgtu    t1, t0, 1f
        PAGE_ROUND_UP t1, t0
        mv      a0, t1
        ret
1:      li      a0, 0
        ret

# mmap(addr, len) -> addr, or EINVAL / ENOMEM: map fresh zeroed pages at [addr, addr + len)
# now, one PTE store per page. addr must be page-aligned and every page in the range free
# (not mapped, not a kernel address). No TLB flush: the pages were unmapped, and neither
# pvlab nor QEMU keeps translations of unmapped pages (the behaviour RISC-V's Svvptc extension
# names).
        .globl sys_mmap
sys_mmap:
        addi    sp, sp, -32
        sw      ra, 28(sp)
        sw      s0, 24(sp)
        sw      s1, 20(sp)
        sw      s2, 16(sp)
        sw      s3, 12(sp)
        sw      s4, 8(sp)
        mv      s0, a0                          # s0 = addr
        call    check_user_pages
        beqz    a0, 8f
        mv      s1, a0                          # s1 = end
        lw      t0, current_proc
        lw      s3, P_ROOT(t0)                  # s3 = root
        mv      s2, s0                          # first pass: is every page free?
1:      bgeu    s2, s1, 2f
        mv      a0, s3
        mv      a1, s2
        call    vm_probe
        bnez    a0, 8f
        li      t0, PAGE_SIZE
        add     s2, s2, t0
        j       1b
2:      mv      s2, s0                          # second pass: map
3:      bgeu    s2, s1, 5f
        call    kzalloc
        beqz    a0, 6f
        mv      s4, a0
        mv      a0, s3
        mv      a1, s2
        mv      a2, s4
        li      a3, PTE_USER_RW
        call    vm_map_page
        bnez    a0, 4f
        li      t0, PAGE_SIZE
        add     s2, s2, t0
        j       3b
4:      mv      a0, s4
        call    kfree
6:      PV_PTE_COMMIT                           # out of memory: undo [addr, s2)
7:      bgeu    s0, s2, 9f
        mv      a0, s3
        mv      a1, s0
        call    vm_unmap_page
        li      t0, PAGE_SIZE
        add     s0, s0, t0
        j       7b
5:      PV_PTE_COMMIT
        mv      a0, s0
        j       10f
8:      li      a0, EINVAL
        j       10f
9:      PV_PTE_COMMIT                           # the undo's updates
        li      a0, ENOMEM
10:     lw      ra, 28(sp)
        lw      s0, 24(sp)
        lw      s1, 20(sp)
        lw      s2, 16(sp)
        lw      s3, 12(sp)
        lw      s4, 8(sp)
        addi    sp, sp, 32
        ret

# munmap(addr, len) -> 0 or EINVAL: unmap and free the pages of [addr, addr + len) that are
# mapped (others are skipped), one PTE store and one TLB flush per page, committed once for
# the range (the paravirt build: one batch of updates, each carrying its flush).
        .globl sys_munmap
sys_munmap:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        sw      s1, 4(sp)
        sw      s2, 0(sp)
        mv      s0, a0
        call    check_user_pages
        beqz    a0, 2f
        mv      s1, a0
        lw      t0, current_proc
        lw      s2, P_ROOT(t0)
1:      bgeu    s0, s1, 3f
        mv      a0, s2
        mv      a1, s0
        call    vm_unmap_page
        li      t0, PAGE_SIZE
        add     s0, s0, t0
        j       1b
2:      li      a0, EINVAL
        j       4f
3:      PV_PTE_COMMIT
        li      a0, 0
4:      lw      ra, 12(sp)
        lw      s0, 8(sp)
        lw      s1, 4(sp)
        lw      s2, 0(sp)
        addi    sp, sp, 16
        ret

        .section .rodata
msg_no_kernel_root:
        .asciz  "no memory for the kernel page table"

        .bss
        .balign 4
        .globl kernel_root
kernel_root:                                    # physical address of the kernel's root table
        .space  4
        .globl kernel_satp
kernel_satp:                                    # satp value selecting it
        .space  4
current_satp:                                   # the address space now in satp
        .space  4
