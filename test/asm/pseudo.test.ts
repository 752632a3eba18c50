/**
 * Pseudo-instructions and alias forms expand to the real instructions GNU as uses
 * (binutils opcodes/riscv-opc.c). Each case is checked against the same program written with
 * real instructions only; gnu-differential.test.ts checks the bytes against GNU as itself.
 */
import { describe, expect, it } from 'vitest';
import { decodeSpec } from '../../src/isa/decode.js';
import { INSTRUCTIONS } from '../../src/isa/instructions.js';
import { expectSameCode, words } from './helpers.js';

/** [pseudo, real equivalent] */
const EXPANSIONS: [string, string][] = [
  ['nop', 'addi x0, x0, 0'],
  ['mv a0, a1', 'addi a0, a1, 0'],
  ['move a0, a1', 'addi a0, a1, 0'],
  ['not a0, a1', 'xori a0, a1, -1'],
  ['neg a0, a1', 'sub a0, zero, a1'],
  ['seqz a0, a1', 'sltiu a0, a1, 1'],
  ['snez a0, a1', 'sltu a0, zero, a1'],
  ['sltz a0, a1', 'slt a0, a1, zero'],
  ['sgtz a0, a1', 'slt a0, zero, a1'],
  ['sgt a0, a1, a2', 'slt a0, a2, a1'],
  ['sgtu a0, a1, a2', 'sltu a0, a2, a1'],
  ['zext.b a0, a1', 'andi a0, a1, 255'],
  ['add a0, a1, 5', 'addi a0, a1, 5'],
  ['and a0, a1, 5', 'andi a0, a1, 5'],
  ['or a0, a1, 5', 'ori a0, a1, 5'],
  ['xor a0, a1, 5', 'xori a0, a1, 5'],
  ['slt a0, a1, 5', 'slti a0, a1, 5'],
  ['sltu a0, a1, 5', 'sltiu a0, a1, 5'],
  ['sll a0, a1, 5', 'slli a0, a1, 5'],
  ['srl a0, a1, 5', 'srli a0, a1, 5'],
  ['sra a0, a1, 5', 'srai a0, a1, 5'],
  ['1: beqz a0, 1b', '1: beq a0, zero, 1b'],
  ['1: bnez a0, 1b', '1: bne a0, zero, 1b'],
  ['1: bltz a0, 1b', '1: blt a0, zero, 1b'],
  ['1: bgez a0, 1b', '1: bge a0, zero, 1b'],
  ['1: blez a0, 1b', '1: bge zero, a0, 1b'],
  ['1: bgtz a0, 1b', '1: blt zero, a0, 1b'],
  ['1: bgt a0, a1, 1b', '1: blt a1, a0, 1b'],
  ['1: ble a0, a1, 1b', '1: bge a1, a0, 1b'],
  ['1: bgtu a0, a1, 1b', '1: bltu a1, a0, 1b'],
  ['1: bleu a0, a1, 1b', '1: bgeu a1, a0, 1b'],
  ['1: j 1b', '1: jal zero, 1b'],
  ['1: jal 1b', '1: jal ra, 1b'],
  ['ret', 'jalr zero, 0(ra)'],
  ['jr a0', 'jalr zero, 0(a0)'],
  ['jr 8(a0)', 'jalr zero, 8(a0)'],
  ['jr a0, 8', 'jalr zero, 8(a0)'],
  ['jalr a0', 'jalr ra, 0(a0)'],
  ['jalr 8(a0)', 'jalr ra, 8(a0)'],
  ['jalr a0, 8', 'jalr ra, 8(a0)'],
  ['jalr t0, a0', 'jalr t0, 0(a0)'],
  ['jalr t0, a0, 8', 'jalr t0, 8(a0)'],
  ['f: call f', 'f: auipc ra, 0\n jalr ra, 0(ra)'],
  ['f: tail f', 'f: auipc t1, 0\n jalr zero, 0(t1)'],
  ['f: call t0, f', 'f: auipc t1, 0\n jalr t0, 0(t1)'],
  ['f: jump f, t2', 'f: auipc t2, 0\n jalr zero, 0(t2)'],
  ['csrr a0, mstatus', 'csrrs a0, mstatus, zero'],
  ['csrw mstatus, a0', 'csrrw zero, mstatus, a0'],
  ['csrs mstatus, a0', 'csrrs zero, mstatus, a0'],
  ['csrc mstatus, a0', 'csrrc zero, mstatus, a0'],
  ['csrw mstatus, 8', 'csrrwi zero, mstatus, 8'],
  ['csrs mstatus, 8', 'csrrsi zero, mstatus, 8'],
  ['csrc mstatus, 8', 'csrrci zero, mstatus, 8'],
  ['csrwi mstatus, 8', 'csrrwi zero, mstatus, 8'],
  ['csrsi mstatus, 8', 'csrrsi zero, mstatus, 8'],
  ['csrci mstatus, 8', 'csrrci zero, mstatus, 8'],
  ['csrrw a0, mstatus, 8', 'csrrwi a0, mstatus, 8'],
  ['csrrs a0, mstatus, 8', 'csrrsi a0, mstatus, 8'],
  ['csrrc a0, mstatus, 8', 'csrrci a0, mstatus, 8'],
  ['csrr a0, 0x300', 'csrrs a0, mstatus, zero'],
  ['rdcycle a0', 'csrrs a0, cycle, zero'],
  ['rdtime a0', 'csrrs a0, time, zero'],
  ['rdinstret a0', 'csrrs a0, instret, zero'],
  ['rdcycleh a0', 'csrrs a0, cycleh, zero'],
  ['rdtimeh a0', 'csrrs a0, timeh, zero'],
  ['rdinstreth a0', 'csrrs a0, instreth, zero'],
  ['fence', 'fence iorw, iorw'],
  ['sfence.vma', 'sfence.vma zero, zero'],
  ['sfence.vma a0', 'sfence.vma a0, zero'],
  ['scall', 'ecall'],
  ['sbreak', 'ebreak'],
  ['unimp', 'csrrw zero, cycle, zero'],
  ['amoadd.w a0, a1, 0(a2)', 'amoadd.w a0, a1, (a2)'],
  ['lw a0, 0(a1)', 'lw a0, (a1)'],
  ['addi fp, fp, 1', 'addi s0, x8, 1'],
];

describe('pseudo-instructions expand as GNU as expands them', () => {
  it.each(EXPANSIONS)('%s', (pseudo, real) => expectSameCode(pseudo, real));

  it('la, lla and symbol loads/stores are auipc + %pcrel_lo pairs', () => {
    const data = '\n.data\nx: .word 0';
    expectSameCode(`la a0, x${data}`, `1: auipc a0, %pcrel_hi(x)\n addi a0, a0, %pcrel_lo(1b)${data}`);
    expectSameCode(`lla a0, x${data}`, `1: auipc a0, %pcrel_hi(x)\n addi a0, a0, %pcrel_lo(1b)${data}`);
    for (const op of ['lb', 'lh', 'lw', 'lbu', 'lhu']) {
      expectSameCode(`${op} a0, x${data}`, `1: auipc a0, %pcrel_hi(x)\n ${op} a0, %pcrel_lo(1b)(a0)${data}`);
    }
    for (const op of ['sb', 'sh', 'sw']) {
      expectSameCode(`${op} a0, x, t0${data}`, `1: auipc t0, %pcrel_hi(x)\n ${op} a0, %pcrel_lo(1b)(t0)${data}`);
    }
  });

  it('la of a known constant loads it like li (GNU as, non-PIC)', () => {
    expectSameCode('.equ UART, 0x10000000\n la a0, UART', 'lui a0, 0x10000');
  });

  it('call splits a far offset into auipc/jalr, rounding the upper part for a negative low part', () => {
    // far is 8 + 0x12345 bytes after the auipc: hi 0x12, lo 0x34d.
    expect(words('call far\n .space 0x12345\nfar: nop').slice(0, 2)).toEqual(words('auipc ra, 0x12\n jalr ra, 0x34d(ra)'));
    // 8 + 0x12945 = 0x1294d: lo 0x94d is negative as 12 bits (-0x6b3), so hi rounds up to 0x13.
    expect(words('call far\n .space 0x12945\nfar: nop').slice(0, 2)).toEqual(words('auipc ra, 0x13\n jalr ra, -0x6b3(ra)'));
  });

  it('accepts .aq, .rl and .aqrl on every atomic', () => {
    expect(words('amoswap.w.aq a0, a1, (a2)')).toEqual([0x0cb6252f]);
    expect(words('amoswap.w.rl a0, a1, (a2)')).toEqual([0x0ab6252f]);
    expect(words('amoswap.w.aqrl a0, a1, (a2)')).toEqual([0x0eb6252f]);
    expect(words('lr.w.aqrl a0, (a1)')).toEqual([0x1605a52f]);
    expect(words('sc.w.aq a0, a1, (a2)')).toEqual([0x1cb6252f]);
  });
});

describe('li', () => {
  const cases: [string, string][] = [
    ['0', 'addi a0, zero, 0'],
    ['2047', 'addi a0, zero, 2047'],
    ['-2048', 'addi a0, zero, -2048'],
    ['2048', 'lui a0, 1\n addi a0, a0, -2048'],
    ['4096', 'lui a0, 1'],
    ['-2049', 'lui a0, 0xfffff\n addi a0, a0, 2047'],
    ['0x12345678', 'lui a0, 0x12345\n addi a0, a0, 0x678'],
    ['0x7ffff800', 'lui a0, 0x80000\n addi a0, a0, -2048'],
    ['0x80000000', 'lui a0, 0x80000'],
    ['0xffffffff', 'addi a0, zero, -1'],
    ['-1', 'addi a0, zero, -1'],
    ["'A'", 'addi a0, zero, 65'],
  ];
  it.each(cases)('li a0, %s', (value, real) => expectSameCode(`li a0, ${value}`, real));

  it('uses a constant defined earlier with .equ, and an expression of them', () => {
    expectSameCode('.equ BASE, 0x10000000\n.equ OFF, 5\n li t0, BASE + OFF * 4', 'lui t0, 0x10000\n addi t0, t0, 20');
  });
});

describe('every row of the ISA table', () => {
  it('assembles to an instruction the decoder maps back to that row', () => {
    const samples: Record<string, string> = {
      rd: 'a0', rs1: 'a1', rs2: 'a2', imm: '5', shamt: '3', uimm20: '7', mem: '4(a1)', amem: '(a1)', target: '.',
      csr: 'sstatus', zimm: '1', pred: 'rw', succ: 'rw',
    };
    for (const s of INSTRUCTIONS) {
      const src = `${s.mnemonic} ${s.operands.map((o) => samples[o]).join(', ')}`;
      const [w] = words(src);
      expect(decodeSpec(w as number)?.mnemonic, src).toBe(s.mnemonic);
    }
  });
});
