# fdt.S — reading the flattened device tree the firmware passes in a1 (Devicetree Specification
# v0.4, chapter 5), the way Linux and OpenSBI learn what a real board has: a few routines in the
# manner of libfdt — walk the nodes, find a node's property, decode its cells — and the
# kernel's first question, how much RAM there is (fdt_memory). virtio.S asks the other one:
# which virtio devices there are, and where.
#
# The blob starts with a header (big-endian words): magic, total size, then the offsets of the
# structure block and the strings block. The structure block is a sequence of 32-bit tokens:
# BEGIN_NODE (followed by the node's NUL-terminated name, padded to 4 bytes), END_NODE,
# PROP (followed by the value's length, the offset of the property's name in the strings block,
# then the value, padded), NOP, END. A node's properties come before its child nodes. All
# values are big-endian; RISC-V is little-endian, so words are assembled byte by byte.
#
# A node is named here by the address of its BEGIN_NODE token; its depth counts from the root
# (0). Numbers in `reg` take as many cells as the *parent* node's #address-cells and
# #size-cells say.

# FDT_MAGIC, the header offsets FDT_HDR_* and the tokens come from gen/fdt.S.
.equ FDT_CELL_SIZE, 4
.equ FDT_CELL_SHIFT, 2                          # log2(FDT_CELL_SIZE)
.equ FDT_TOKEN_SIZE, 4
.equ FDT_PROP_LEN, FDT_TOKEN_SIZE                   # after FDT_PROP: the value's length,
.equ FDT_PROP_NAMEOFF, FDT_PROP_LEN + FDT_CELL_SIZE # the name's offset in the strings block,
.equ FDT_PROP_VALUE, FDT_PROP_NAMEOFF + FDT_CELL_SIZE   # then the value
.equ FDT_DEFAULT_ADDRESS_CELLS, 2               # when a node does not say (spec 2.3.5)
.equ FDT_DEFAULT_SIZE_CELLS, 1
.equ FDT_MEMORY_DEPTH, 1                        # the memory node is a child of the root

# rd <- the big-endian 32-bit word at off(base). tmp is clobbered.
.macro BE32 rd, base, off, tmp
        lbu     \rd, \off(\base)
        slli    \rd, \rd, 24
        lbu     \tmp, \off + 1(\base)
        slli    \tmp, \tmp, 16
        or      \rd, \rd, \tmp
        lbu     \tmp, \off + 2(\base)
        slli    \tmp, \tmp, 8
        or      \rd, \rd, \tmp
        lbu     \tmp, \off + 3(\base)
        or      \rd, \rd, \tmp
.endm

# Round the register up to a multiple of 4 (the structure block's alignment).
.macro ALIGN4 reg
        addi    \reg, \reg, FDT_CELL_SIZE - 1
        andi    \reg, \reg, -FDT_CELL_SIZE
.endm

        .text

# ---------------------------------------------------------------------------------------------
# Walking the tree
# ---------------------------------------------------------------------------------------------

# fdt_root(a0 = tree) -> a0 = the root node, or 0 if a0 does not point at a device tree.
        .globl fdt_root
fdt_root:
        BE32    t0, a0, FDT_HDR_MAGIC, t1
        li      t1, FDT_MAGIC
        bne     t0, t1, 2f
        BE32    t0, a0, FDT_HDR_OFF_DT_STRUCT, t1
        add     a0, a0, t0
1:      BE32    t0, a0, 0, t1                   # NOPs may come first
        li      t1, FDT_NOP
        bne     t0, t1, 3f
        addi    a0, a0, FDT_TOKEN_SIZE
        j       1b
3:      li      t1, FDT_BEGIN_NODE
        beq     t0, t1, 4f
2:      li      a0, 0
4:      ret

# fdt_node_body(a0 = node) -> a0 = the token after the node's name (its first property, child
# or its END_NODE).
fdt_node_body:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        addi    s0, a0, FDT_TOKEN_SIZE          # the name
        mv      a0, s0
        call    strlen
        addi    a0, a0, 1                       # its NUL, then padding
        ALIGN4  a0
        add     a0, s0, a0
        lw      ra, 12(sp)
        lw      s0, 8(sp)
        addi    sp, sp, 16
        ret

# fdt_next_node(a0 = node, a1 = its depth) -> a0 = the next node in document order (children
# before siblings), or 0 when the tree ends; a1 = that node's depth.
        .globl fdt_next_node
fdt_next_node:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        mv      s0, a1                          # s0 = the depth the cursor is at
        call    fdt_node_body
1:      BE32    t0, a0, 0, t1
        li      t1, FDT_BEGIN_NODE
        beq     t0, t1, 2f
        li      t1, FDT_PROP
        beq     t0, t1, 3f
        addi    a0, a0, FDT_TOKEN_SIZE
        li      t1, FDT_NOP
        beq     t0, t1, 1b
        li      t1, FDT_END_NODE
        bne     t0, t1, 4f                      # FDT_END (or garbage): no more nodes
        addi    s0, s0, -1                      # out of a node
        bgez    s0, 1b
4:      li      a0, 0
        j       5f
2:      addi    a1, s0, 1                       # a node: one level below the cursor
        j       5f
3:      BE32    t0, a0, FDT_PROP_LEN, t1        # a property: skip it
        ALIGN4  t0
        addi    a0, a0, FDT_PROP_VALUE
        add     a0, a0, t0
        j       1b
5:      lw      ra, 12(sp)
        lw      s0, 8(sp)
        addi    sp, sp, 16
        ret

# fdt_getprop(a0 = tree, a1 = node, a2 = property name) -> a0 = the property's value, or 0 if
# the node has no such property; a1 = the value's length in bytes.
        .globl fdt_getprop
fdt_getprop:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        sw      s1, 4(sp)
        sw      s2, 0(sp)
        BE32    t0, a0, FDT_HDR_OFF_DT_STRINGS, t1
        add     s1, a0, t0                      # s1 = strings block
        mv      s2, a2                          # s2 = the name wanted
        mv      a0, a1
        call    fdt_node_body
        mv      s0, a0                          # s0 = cursor over the node's properties
1:      BE32    t0, s0, 0, t1
        li      t1, FDT_NOP
        bne     t0, t1, 2f
        addi    s0, s0, FDT_TOKEN_SIZE
        j       1b
2:      li      t1, FDT_PROP
        bne     t0, t1, 3f                      # a child or the node's end: no such property
        BE32    t0, s0, FDT_PROP_NAMEOFF, t1
        add     a0, s1, t0
        mv      a1, s2
        call    streq
        bnez    a0, 4f
        BE32    t0, s0, FDT_PROP_LEN, t1        # not this one: skip its value
        ALIGN4  t0
        addi    s0, s0, FDT_PROP_VALUE
        add     s0, s0, t0
        j       1b
3:      li      a0, 0
        li      a1, 0
        j       5f
4:      BE32    a1, s0, FDT_PROP_LEN, t1
        addi    a0, s0, FDT_PROP_VALUE
5:      lw      ra, 12(sp)
        lw      s0, 8(sp)
        lw      s1, 4(sp)
        lw      s2, 0(sp)
        addi    sp, sp, 16
        ret

# ---------------------------------------------------------------------------------------------
# Reading values
# ---------------------------------------------------------------------------------------------

# fdt_cells_of(a0 = tree, a1 = node) -> a0 = the node's #address-cells, a1 = its #size-cells
# (the spec's defaults when it does not say): how its children's `reg` values are laid out.
        .globl fdt_cells_of
fdt_cells_of:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        sw      s1, 4(sp)
        sw      s2, 0(sp)
        mv      s0, a0
        mv      s1, a1
        la      a2, str_address_cells
        li      a3, FDT_DEFAULT_ADDRESS_CELLS
        call    fdt_u32
        mv      s2, a0
        mv      a0, s0
        mv      a1, s1
        la      a2, str_size_cells
        li      a3, FDT_DEFAULT_SIZE_CELLS
        call    fdt_u32
        mv      a1, a0
        mv      a0, s2
        lw      ra, 12(sp)
        lw      s0, 8(sp)
        lw      s1, 4(sp)
        lw      s2, 0(sp)
        addi    sp, sp, 16
        ret

# fdt_u32(a0 = tree, a1 = node, a2 = property name, a3 = default) -> a0 = the property's first
# cell, or the default if the node has no such property (or an empty one).
        .globl fdt_u32
fdt_u32:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        mv      s0, a3
        call    fdt_getprop
        li      t0, FDT_CELL_SIZE
        bltu    a1, t0, 1f
        BE32    s0, a0, 0, t1
1:      mv      a0, s0
        lw      ra, 12(sp)
        lw      s0, 8(sp)
        addi    sp, sp, 16
        ret

# fdt_read_cells(a0 = value, a1 = number of cells) -> a0 = the number's low 32 bits, a1 = 1 if
# a higher cell is non-zero (the number needs more than 32 bits), else 0; a2 = the address
# after the cells.
        .globl fdt_read_cells
fdt_read_cells:
        mv      a2, a0
        li      a0, 0
        li      t2, 0                           # t2 = some higher cell is non-zero
1:      beqz    a1, 2f
        or      t2, t2, a0
        BE32    a0, a2, 0, t1
        addi    a2, a2, FDT_CELL_SIZE
        addi    a1, a1, -1
        j       1b
2:      snez    a1, t2
        ret

# fdt_node_is(a0 = node, a1 = name) -> a0 = 1 if the node is called `name` or
# `name@<unit-address>` (so "memory" matches memory@80000000, not memory-controller).
        .globl fdt_node_is
fdt_node_is:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        sw      s1, 4(sp)
        addi    s0, a0, FDT_TOKEN_SIZE          # s0 = the node's name
        mv      s1, a1
        mv      a0, s0
        call    has_prefix
        beqz    a0, 2f
        mv      a0, s1                          # after the name: its end, or "@"
        call    strlen
        add     t0, s0, a0
        lbu     t0, 0(t0)
        li      a0, 1
        beqz    t0, 2f
        li      t1, '@'
        xor     t0, t0, t1
        seqz    a0, t0
2:      lw      ra, 12(sp)
        lw      s0, 8(sp)
        lw      s1, 4(sp)
        addi    sp, sp, 16
        ret

# fdt_compatible(a0 = tree, a1 = node, a2 = compatible string) -> a0 = 1 if the string is one
# of those the node's `compatible` property lists (a list of NUL-terminated strings).
        .globl fdt_compatible
fdt_compatible:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        sw      s1, 4(sp)
        sw      s2, 0(sp)
        mv      s2, a2
        la      a2, str_compatible
        call    fdt_getprop
        mv      s0, a0                          # s0 = the next string of the list
        add     s1, a0, a1                      # s1 = the list's end
        beqz    a0, 2f
1:      bgeu    s0, s1, 2f
        mv      a0, s0
        mv      a1, s2
        call    streq
        bnez    a0, 3f
        mv      a0, s0
        call    strlen
        add     s0, s0, a0
        addi    s0, s0, 1
        j       1b
2:      li      a0, 0
3:      lw      ra, 12(sp)
        lw      s0, 8(sp)
        lw      s1, 4(sp)
        lw      s2, 0(sp)
        addi    sp, sp, 16
        ret

# ---------------------------------------------------------------------------------------------
# RAM
# ---------------------------------------------------------------------------------------------

# fdt_memory(a0 = device tree) -> a0 = RAM base, a1 = RAM size; a1 = 0 if the tree is not a
# device tree or has no usable memory node. The memory node is a child of the root named
# "memory" or "memory@<address>" (not, say, memory-controller, nor a memory@... node deeper in
# the tree); its `reg` holds <address size> in the root's cells. A size reaching past 4 GiB is
# cut at 4 GiB.
        .globl fdt_memory
fdt_memory:
        addi    sp, sp, -32
        sw      ra, 28(sp)
        sw      s0, 24(sp)
        sw      s1, 20(sp)
        sw      s2, 16(sp)
        sw      s3, 12(sp)
        sw      s4, 8(sp)
        mv      s0, a0                          # s0 = tree
        call    fdt_root
        beqz    a0, .Lmem_none
        mv      s1, a0                          # s1 = node, s2 = its depth
        li      s2, 0
        mv      a1, a0
        mv      a0, s0
        call    fdt_cells_of
        mv      s3, a0                          # s3 = root's #address-cells
        mv      s4, a1                          # s4 = root's #size-cells

.Lmem_next:
        mv      a0, s1
        mv      a1, s2
        call    fdt_next_node
        beqz    a0, .Lmem_none
        mv      s1, a0
        mv      s2, a1
        li      t0, FDT_MEMORY_DEPTH
        bne     s2, t0, .Lmem_next
        mv      a0, s1
        la      a1, str_memory
        call    fdt_node_is
        beqz    a0, .Lmem_next
        mv      a0, s0
        mv      a1, s1
        la      a2, str_reg
        call    fdt_getprop
        add     t0, s3, s4                      # reg = <address size>: long enough?
        slli    t0, t0, FDT_CELL_SHIFT
        bltu    a1, t0, .Lmem_next
        mv      a1, s3                          # the address: its low cell
        call    fdt_read_cells
        mv      s1, a0
        mv      a0, a2                          # the size: low cell, and whether it is larger
        mv      a1, s4
        call    fdt_read_cells
        sub     t0, zero, s1                    # t0 = bytes from base to 4 GiB
        beqz    t0, .Lmem_out                   # (0: base 0, every 32-bit size fits)
        bnez    a1, 1f                          # reaching past 4 GiB: cut there
        bleu    a0, t0, .Lmem_out
1:      mv      a0, t0
        j       .Lmem_out
.Lmem_none:
        li      s1, 0
        li      a0, 0
.Lmem_out:
        mv      a1, a0
        mv      a0, s1
        lw      ra, 28(sp)
        lw      s0, 24(sp)
        lw      s1, 20(sp)
        lw      s2, 16(sp)
        lw      s3, 12(sp)
        lw      s4, 8(sp)
        addi    sp, sp, 32
        ret

        .section .rodata
str_memory:
        .asciz  "memory"
str_reg:
        .asciz  "reg"
str_address_cells:
        .asciz  "#address-cells"
str_size_cells:
        .asciz  "#size-cells"
str_compatible:
        .asciz  "compatible"
