# fdt.S — learning the RAM size from the flattened device tree the firmware passes in a1,
# the way Linux does on real boards (Devicetree Specification v0.4, chapter 5).
#
# The blob starts with a header (big-endian words): magic, total size, then the offsets of the
# structure block and the strings block. The structure block is a sequence of 32-bit tokens:
# BEGIN_NODE (followed by the node's NUL-terminated name, padded to 4 bytes), END_NODE,
# PROP (followed by the value's length, the offset of the property's name in the strings block,
# then the value, padded), NOP, END. The kernel walks it looking for the root's #address-cells
# and #size-cells and for a node directly under the root whose name is "memory" or
# "memory@<address>"; that node's `reg` property holds <address, size> in those many cells.
# All values are big-endian; RISC-V is little-endian, so words are assembled byte by byte.

# FDT_MAGIC, the header offsets FDT_HDR_* and the tokens come from gen/fdt.S.
.equ FDT_CELL_SIZE, 4
.equ FDT_PROP_HEADER_SIZE, 2 * FDT_CELL_SIZE    # len, nameoff
.equ FDT_DEFAULT_ADDRESS_CELLS, 2               # when the root does not say (spec 2.3.5)
.equ FDT_DEFAULT_SIZE_CELLS, 1
.equ FDT_ROOT_DEPTH, 1                          # depth of the root node while inside it
.equ FDT_MEMORY_DEPTH, 2                        # depth of its children

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

# fdt_memory(a0 = device tree) -> a0 = RAM base, a1 = RAM size; a1 = 0 if the tree is not a
# device tree or has no usable memory node. A size reaching past 4 GiB is cut at 4 GiB.
        .globl fdt_memory
fdt_memory:
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
        mv      s0, a0
        BE32    t0, s0, FDT_HDR_MAGIC, t1
        li      t1, FDT_MAGIC
        bne     t0, t1, .Lfdt_fail
        BE32    t0, s0, FDT_HDR_OFF_DT_STRUCT, t1
        add     s1, s0, t0                      # s1 = cursor in the structure block
        BE32    t0, s0, FDT_HDR_OFF_DT_STRINGS, t1
        add     s2, s0, t0                      # s2 = strings block
        li      s3, 0                           # s3 = depth
        li      s4, FDT_DEFAULT_ADDRESS_CELLS   # s4 = root #address-cells
        li      s5, FDT_DEFAULT_SIZE_CELLS      # s5 = root #size-cells
        li      s6, 0                           # s6 = inside a memory node

.Lfdt_token:
        BE32    t0, s1, 0, t1
        addi    s1, s1, FDT_CELL_SIZE
        li      t1, FDT_BEGIN_NODE
        beq     t0, t1, .Lfdt_begin
        li      t1, FDT_END_NODE
        beq     t0, t1, .Lfdt_end_node
        li      t1, FDT_PROP
        beq     t0, t1, .Lfdt_prop
        li      t1, FDT_NOP
        beq     t0, t1, .Lfdt_token
        j       .Lfdt_fail                      # FDT_END (no memory node) or garbage

.Lfdt_begin:
        addi    s3, s3, 1
        li      t0, FDT_MEMORY_DEPTH
        bne     s3, t0, 1f
        mv      a0, s1                          # a child of the root: is it memory[@...]?
        la      a1, str_memory
        call    has_prefix
        beqz    a0, 1f
        la      a0, str_memory                  # the name may continue after "memory" only
        call    strlen                          # with "@unit-address"
        add     t0, s1, a0
        lbu     t0, 0(t0)
        li      t1, '@'
        beq     t0, t1, 2f
        bnez    t0, 1f
2:      li      s6, 1
1:      mv      a0, s1                          # skip the name and its padding
        call    strlen
        addi    a0, a0, 1
        ALIGN4  a0
        add     s1, s1, a0
        j       .Lfdt_token

.Lfdt_end_node:
        li      t0, FDT_MEMORY_DEPTH
        bne     s3, t0, 1f
        li      s6, 0
1:      addi    s3, s3, -1
        j       .Lfdt_token

.Lfdt_prop:
        BE32    s7, s1, 0, t1                   # s7 = value length
        addi    s1, s1, FDT_PROP_HEADER_SIZE    # s1 = value
        BE32    t0, s1, -FDT_CELL_SIZE, t1      # name offset
        add     a0, s2, t0                      # a0 = property name
        li      t0, FDT_ROOT_DEPTH
        beq     s3, t0, .Lfdt_root_prop
        li      t0, FDT_MEMORY_DEPTH            # only the memory node's own properties
        bne     s3, t0, .Lfdt_skip_value
        beqz    s6, .Lfdt_skip_value
        la      a1, str_reg
        call    streq
        beqz    a0, .Lfdt_skip_value
        add     t0, s4, s5                      # reg = <address size>: long enough?
        slli    t0, t0, 2
        bltu    s7, t0, .Lfdt_skip_value

        mv      t2, s1                          # the address: keep the last (low) cell
        mv      t3, s4
        li      a0, 0
1:      beqz    t3, 2f
        BE32    a0, t2, 0, t1
        addi    t2, t2, FDT_CELL_SIZE
        addi    t3, t3, -1
        j       1b
2:      mv      t3, s5                          # the size: low cell, noting higher ones
        li      a1, 0
        li      t4, 0                           # t4 = some higher size cell is non-zero
3:      beqz    t3, 4f
        or      t4, t4, a1
        BE32    a1, t2, 0, t1
        addi    t2, t2, FDT_CELL_SIZE
        addi    t3, t3, -1
        j       3b
4:      sub     t5, zero, a0                    # t5 = bytes from base to 4 GiB
        beqz    t5, .Lfdt_out                   # (0: base 0, every 32-bit size fits)
        bnez    t4, 5f                          # reaching past 4 GiB: cut there
        bleu    a1, t5, .Lfdt_out
5:      mv      a1, t5
        j       .Lfdt_out

.Lfdt_root_prop:
        mv      s7, a0
        la      a1, str_address_cells
        call    streq
        beqz    a0, 1f
        BE32    s4, s1, 0, t1
        j       .Lfdt_reload_len
1:      mv      a0, s7
        la      a1, str_size_cells
        call    streq
        beqz    a0, .Lfdt_reload_len
        BE32    s5, s1, 0, t1
.Lfdt_reload_len:
        BE32    s7, s1, -FDT_PROP_HEADER_SIZE, t1
.Lfdt_skip_value:
        mv      t0, s7
        ALIGN4  t0
        add     s1, s1, t0
        j       .Lfdt_token

.Lfdt_fail:
        li      a0, 0
        li      a1, 0
.Lfdt_out:
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

        .section .rodata
str_memory:
        .asciz  "memory"
str_reg:
        .asciz  "reg"
str_address_cells:
        .asciz  "#address-cells"
str_size_cells:
        .asciz  "#size-cells"
