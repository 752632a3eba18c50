/**
 * The disassembler's text for every table row, with and without aliases, and for every alias
 * rule — expectations written out as GNU objdump 2.40 prints them (objdump.test.ts checks the
 * same against the real objdump when it is installed).
 */
import { describe, expect, it } from 'vitest';
import { ALIAS_RULES, ALWAYS_RULES } from '../../src/isa/disasm-aliases.js';
import { ABI_REGISTER_NAMES, disassemble, nearestSymbol } from '../../src/isa/disasm.js';
import { encode, type OperandValues } from '../../src/isa/encode.js';
import { BY_MNEMONIC, INSTRUCTIONS } from '../../src/isa/instructions.js';
import { variantsFor } from './variants.js';

const PC = 0x80000000;

function enc(mnemonic: string, v: OperandValues = {}): number {
  const spec = BY_MNEMONIC.get(mnemonic);
  if (spec === undefined) throw new Error(`no row ${mnemonic}`);
  return encode(spec, v);
}

const r = (name: string): number => {
  const n = (ABI_REGISTER_NAMES as readonly string[]).indexOf(name);
  if (n < 0) throw new Error(`no register ${name}`);
  return n;
};

/** [row, operands, `-M no-aliases` text, default text]: one case per table row at least. */
const ROWS: [string, OperandValues, string, string][] = [
  ['lui', { rd: r('a0'), imm: 0x12345 }, 'lui\ta0,0x12345', 'lui\ta0,0x12345'],
  ['lui', { rd: r('zero'), imm: 0 }, 'lui\tzero,0x0', 'lui\tzero,0x0'],
  ['auipc', { rd: r('t6'), imm: 0xfffff }, 'auipc\tt6,0xfffff', 'auipc\tt6,0xfffff'],
  ['jal', { rd: r('ra'), imm: -4 }, 'jal\tra,7ffffffc', 'jal\t7ffffffc'],
  ['jal', { rd: r('zero'), imm: 0x100 }, 'jal\tzero,80000100', 'j\t80000100'],
  ['jal', { rd: r('a0'), imm: (1 << 20) - 2 }, 'jal\ta0,800ffffe', 'jal\ta0,800ffffe'],
  ['jalr', { rd: r('zero'), rs1: r('ra'), imm: 0 }, 'jalr\tzero,0(ra)', 'ret'],
  ['jalr', { rd: r('zero'), rs1: r('a0'), imm: 0 }, 'jalr\tzero,0(a0)', 'jr\ta0'],
  ['jalr', { rd: r('zero'), rs1: r('a0'), imm: -4 }, 'jalr\tzero,-4(a0)', 'jr\t-4(a0)'],
  ['jalr', { rd: r('ra'), rs1: r('t0'), imm: 0 }, 'jalr\tra,0(t0)', 'jalr\tt0'],
  ['jalr', { rd: r('ra'), rs1: r('t0'), imm: 16 }, 'jalr\tra,16(t0)', 'jalr\t16(t0)'],
  ['jalr', { rd: r('a0'), rs1: r('a1'), imm: 0 }, 'jalr\ta0,0(a1)', 'jalr\ta0,a1'],
  ['jalr', { rd: r('a0'), rs1: r('a1'), imm: 2047 }, 'jalr\ta0,2047(a1)', 'jalr\ta0,2047(a1)'],
  ['beq', { rs1: r('a0'), rs2: r('a1'), imm: 8 }, 'beq\ta0,a1,80000008', 'beq\ta0,a1,80000008'],
  ['bne', { rs1: r('s0'), rs2: r('s1'), imm: -4096 }, 'bne\ts0,s1,7ffff000', 'bne\ts0,s1,7ffff000'],
  ['blt', { rs1: r('t3'), rs2: r('t4'), imm: 4094 }, 'blt\tt3,t4,80000ffe', 'blt\tt3,t4,80000ffe'],
  ['bge', { rs1: r('s10'), rs2: r('s11'), imm: 0 }, 'bge\ts10,s11,80000000', 'bge\ts10,s11,80000000'],
  ['bltu', { rs1: r('zero'), rs2: r('a0'), imm: 2 }, 'bltu\tzero,a0,80000002', 'bltu\tzero,a0,80000002'],
  ['bgeu', { rs1: r('a0'), rs2: r('zero'), imm: -2 }, 'bgeu\ta0,zero,7ffffffe', 'bgeu\ta0,zero,7ffffffe'],
  ['lb', { rd: r('a0'), rs1: r('s0'), imm: -1 }, 'lb\ta0,-1(s0)', 'lb\ta0,-1(s0)'],
  ['lh', { rd: r('a1'), rs1: r('sp'), imm: -2048 }, 'lh\ta1,-2048(sp)', 'lh\ta1,-2048(sp)'],
  ['lw', { rd: r('a0'), rs1: r('sp'), imm: 8 }, 'lw\ta0,8(sp)', 'lw\ta0,8(sp)'],
  ['lbu', { rd: r('t6'), rs1: r('gp'), imm: 2047 }, 'lbu\tt6,2047(gp)', 'lbu\tt6,2047(gp)'],
  ['lhu', { rd: r('zero'), rs1: r('a5'), imm: 0 }, 'lhu\tzero,0(a5)', 'lhu\tzero,0(a5)'],
  ['sb', { rs2: r('a1'), rs1: r('sp'), imm: 2047 }, 'sb\ta1,2047(sp)', 'sb\ta1,2047(sp)'],
  ['sh', { rs2: r('a2'), rs1: r('s1'), imm: -2048 }, 'sh\ta2,-2048(s1)', 'sh\ta2,-2048(s1)'],
  ['sw', { rs2: r('a0'), rs1: r('sp'), imm: -4 }, 'sw\ta0,-4(sp)', 'sw\ta0,-4(sp)'],
  ['addi', { rd: r('a0'), rs1: r('a1'), imm: -2048 }, 'addi\ta0,a1,-2048', 'add\ta0,a1,-2048'],
  ['slti', { rd: r('a0'), rs1: r('a1'), imm: 5 }, 'slti\ta0,a1,5', 'slti\ta0,a1,5'],
  ['sltiu', { rd: r('a0'), rs1: r('a1'), imm: -1 }, 'sltiu\ta0,a1,-1', 'sltiu\ta0,a1,-1'],
  ['xori', { rd: r('a0'), rs1: r('a1'), imm: 2047 }, 'xori\ta0,a1,2047', 'xor\ta0,a1,2047'],
  ['ori', { rd: r('a0'), rs1: r('a1'), imm: 1 }, 'ori\ta0,a1,1', 'or\ta0,a1,1'],
  ['andi', { rd: r('a0'), rs1: r('a1'), imm: 15 }, 'andi\ta0,a1,15', 'and\ta0,a1,15'],
  ['slli', { rd: r('a0'), rs1: r('a1'), imm: 31 }, 'slli\ta0,a1,0x1f', 'sll\ta0,a1,0x1f'],
  ['srli', { rd: r('a0'), rs1: r('a1'), imm: 0 }, 'srli\ta0,a1,0x0', 'srl\ta0,a1,0x0'],
  ['srai', { rd: r('a0'), rs1: r('a1'), imm: 16 }, 'srai\ta0,a1,0x10', 'sra\ta0,a1,0x10'],
  ['add', { rd: r('a0'), rs1: r('a1'), rs2: r('a2') }, 'add\ta0,a1,a2', 'add\ta0,a1,a2'],
  ['sub', { rd: r('t0'), rs1: r('t1'), rs2: r('t2') }, 'sub\tt0,t1,t2', 'sub\tt0,t1,t2'],
  ['sll', { rd: r('s2'), rs1: r('s3'), rs2: r('s4') }, 'sll\ts2,s3,s4', 'sll\ts2,s3,s4'],
  ['slt', { rd: r('s5'), rs1: r('s6'), rs2: r('s7') }, 'slt\ts5,s6,s7', 'slt\ts5,s6,s7'],
  ['sltu', { rd: r('s8'), rs1: r('s9'), rs2: r('a3') }, 'sltu\ts8,s9,a3', 'sltu\ts8,s9,a3'],
  ['xor', { rd: r('a4'), rs1: r('a5'), rs2: r('a6') }, 'xor\ta4,a5,a6', 'xor\ta4,a5,a6'],
  ['srl', { rd: r('a7'), rs1: r('t5'), rs2: r('gp') }, 'srl\ta7,t5,gp', 'srl\ta7,t5,gp'],
  ['sra', { rd: r('tp'), rs1: r('ra'), rs2: r('sp') }, 'sra\ttp,ra,sp', 'sra\ttp,ra,sp'],
  ['or', { rd: r('zero'), rs1: r('zero'), rs2: r('zero') }, 'or\tzero,zero,zero', 'or\tzero,zero,zero'],
  ['and', { rd: r('t6'), rs1: r('t6'), rs2: r('t6') }, 'and\tt6,t6,t6', 'and\tt6,t6,t6'],
  ['fence', { pred: 0b0011, succ: 0b0001 }, 'fence\trw,w', 'fence\trw,w'],
  ['fence', { pred: 0b1010, succ: 0b0101 }, 'fence\tir,ow', 'fence\tir,ow'],
  ['fence', { pred: 0b1111, succ: 0b1111 }, 'fence\tiorw,iorw', 'fence'],
  ['fence.tso', {}, 'fence.tso', 'fence.tso'],
  ['pause', {}, 'pause', 'pause'],
  ['fence.i', {}, 'fence.i', 'fence.i'],
  ['ecall', {}, 'ecall', 'ecall'],
  ['ebreak', {}, 'ebreak', 'ebreak'],
  ['csrrw', { rd: r('a0'), rs1: r('a1'), csr: 0x300 }, 'csrrw\ta0,mstatus,a1', 'csrrw\ta0,mstatus,a1'],
  ['csrrs', { rd: r('a0'), rs1: r('a1'), csr: 0x180 }, 'csrrs\ta0,satp,a1', 'csrrs\ta0,satp,a1'],
  ['csrrc', { rd: r('a0'), rs1: r('a1'), csr: 0x7c0 }, 'csrrc\ta0,0x7c0,a1', 'csrrc\ta0,0x7c0,a1'],
  ['csrrwi', { rd: r('a0'), imm: 31, csr: 0x100 }, 'csrrwi\ta0,sstatus,31', 'csrrw\ta0,sstatus,31'],
  ['csrrsi', { rd: r('a0'), imm: 1, csr: 0x144 }, 'csrrsi\ta0,sip,1', 'csrrs\ta0,sip,1'],
  ['csrrci', { rd: r('a0'), imm: 0, csr: 0xf14 }, 'csrrci\ta0,mhartid,0', 'csrrc\ta0,mhartid,0'],
  ['mul', { rd: r('a0'), rs1: r('a1'), rs2: r('a2') }, 'mul\ta0,a1,a2', 'mul\ta0,a1,a2'],
  ['mulh', { rd: r('a0'), rs1: r('a1'), rs2: r('a2') }, 'mulh\ta0,a1,a2', 'mulh\ta0,a1,a2'],
  ['mulhsu', { rd: r('a0'), rs1: r('a1'), rs2: r('a2') }, 'mulhsu\ta0,a1,a2', 'mulhsu\ta0,a1,a2'],
  ['mulhu', { rd: r('a0'), rs1: r('a1'), rs2: r('a2') }, 'mulhu\ta0,a1,a2', 'mulhu\ta0,a1,a2'],
  ['div', { rd: r('a0'), rs1: r('a1'), rs2: r('a2') }, 'div\ta0,a1,a2', 'div\ta0,a1,a2'],
  ['divu', { rd: r('a0'), rs1: r('a1'), rs2: r('a2') }, 'divu\ta0,a1,a2', 'divu\ta0,a1,a2'],
  ['rem', { rd: r('a0'), rs1: r('a1'), rs2: r('a2') }, 'rem\ta0,a1,a2', 'rem\ta0,a1,a2'],
  ['remu', { rd: r('a0'), rs1: r('a1'), rs2: r('a2') }, 'remu\ta0,a1,a2', 'remu\ta0,a1,a2'],
  ['lr.w', { rd: r('a0'), rs1: r('a1') }, 'lr.w\ta0,(a1)', 'lr.w\ta0,(a1)'],
  ['lr.w', { rd: r('a0'), rs1: r('a1'), aq: true }, 'lr.w.aq\ta0,(a1)', 'lr.w.aq\ta0,(a1)'],
  ['sc.w', { rd: r('a0'), rs2: r('a2'), rs1: r('a1'), rl: true }, 'sc.w.rl\ta0,a2,(a1)', 'sc.w.rl\ta0,a2,(a1)'],
  ['amoswap.w', { rd: r('a0'), rs2: r('a1'), rs1: r('a2') }, 'amoswap.w\ta0,a1,(a2)', 'amoswap.w\ta0,a1,(a2)'],
  ['amoadd.w', { rd: r('a0'), rs2: r('a1'), rs1: r('a2'), aq: true, rl: true }, 'amoadd.w.aqrl\ta0,a1,(a2)', 'amoadd.w.aqrl\ta0,a1,(a2)'],
  ['amoxor.w', { rd: r('t0'), rs2: r('t1'), rs1: r('t2') }, 'amoxor.w\tt0,t1,(t2)', 'amoxor.w\tt0,t1,(t2)'],
  ['amoand.w', { rd: r('t0'), rs2: r('t1'), rs1: r('t2'), aq: true }, 'amoand.w.aq\tt0,t1,(t2)', 'amoand.w.aq\tt0,t1,(t2)'],
  ['amoor.w', { rd: r('zero'), rs2: r('t1'), rs1: r('sp') }, 'amoor.w\tzero,t1,(sp)', 'amoor.w\tzero,t1,(sp)'],
  ['amomin.w', { rd: r('a0'), rs2: r('a1'), rs1: r('a2') }, 'amomin.w\ta0,a1,(a2)', 'amomin.w\ta0,a1,(a2)'],
  ['amomax.w', { rd: r('a0'), rs2: r('a1'), rs1: r('a2') }, 'amomax.w\ta0,a1,(a2)', 'amomax.w\ta0,a1,(a2)'],
  ['amominu.w', { rd: r('a0'), rs2: r('a1'), rs1: r('a2') }, 'amominu.w\ta0,a1,(a2)', 'amominu.w\ta0,a1,(a2)'],
  ['amomaxu.w', { rd: r('a0'), rs2: r('a1'), rs1: r('a2'), rl: true }, 'amomaxu.w.rl\ta0,a1,(a2)', 'amomaxu.w.rl\ta0,a1,(a2)'],
  ['sret', {}, 'sret', 'sret'],
  ['mret', {}, 'mret', 'mret'],
  ['wfi', {}, 'wfi', 'wfi'],
  ['sfence.vma', { rs1: r('a0'), rs2: r('a1') }, 'sfence.vma\ta0,a1', 'sfence.vma\ta0,a1'],
  ['hfence.vvma', { rs1: r('a0'), rs2: r('a1') }, 'hfence.vvma\ta0,a1', 'hfence.vvma\ta0,a1'],
  ['hfence.gvma', { rs1: r('a0'), rs2: r('a1') }, 'hfence.gvma\ta0,a1', 'hfence.gvma\ta0,a1'],
  ['hlv.b', { rd: r('a0'), rs1: r('a1') }, 'hlv.b\ta0,(a1)', 'hlv.b\ta0,(a1)'],
  ['hlv.bu', { rd: r('t0'), rs1: r('sp') }, 'hlv.bu\tt0,(sp)', 'hlv.bu\tt0,(sp)'],
  ['hlv.h', { rd: r('a0'), rs1: r('a1') }, 'hlv.h\ta0,(a1)', 'hlv.h\ta0,(a1)'],
  ['hlv.hu', { rd: r('s0'), rs1: r('s1') }, 'hlv.hu\ts0,(s1)', 'hlv.hu\ts0,(s1)'],
  ['hlvx.hu', { rd: r('a0'), rs1: r('a1') }, 'hlvx.hu\ta0,(a1)', 'hlvx.hu\ta0,(a1)'],
  ['hlv.w', { rd: r('zero'), rs1: r('t6') }, 'hlv.w\tzero,(t6)', 'hlv.w\tzero,(t6)'],
  ['hlvx.wu', { rd: r('a0'), rs1: r('a1') }, 'hlvx.wu\ta0,(a1)', 'hlvx.wu\ta0,(a1)'],
  ['hsv.b', { rs2: r('a0'), rs1: r('a1') }, 'hsv.b\ta0,(a1)', 'hsv.b\ta0,(a1)'],
  ['hsv.h', { rs2: r('t1'), rs1: r('gp') }, 'hsv.h\tt1,(gp)', 'hsv.h\tt1,(gp)'],
  ['hsv.w', { rs2: r('a0'), rs1: r('a1') }, 'hsv.w\ta0,(a1)', 'hsv.w\ta0,(a1)'],
];

/** [row, operands, default text] for the alias rules; `-M no-aliases` prints the base row. */
const ALIASES: [string, OperandValues, string][] = [
  ['addi', {}, 'nop'],
  ['addi', { rd: r('a0'), imm: 5 }, 'li\ta0,5'],
  ['addi', { rd: r('a0'), imm: -2048 }, 'li\ta0,-2048'],
  ['addi', { rd: r('a0'), imm: 0 }, 'li\ta0,0'],
  ['addi', { rd: r('zero'), imm: 1 }, 'li\tzero,1'],
  ['addi', { rd: r('a0'), rs1: r('a1') }, 'mv\ta0,a1'],
  ['addi', { rd: r('zero'), rs1: r('a1') }, 'mv\tzero,a1'],
  ['xori', { rd: r('a0'), rs1: r('a1'), imm: -1 }, 'not\ta0,a1'],
  ['andi', { rd: r('a0'), rs1: r('a1'), imm: 255 }, 'zext.b\ta0,a1'],
  ['sub', { rd: r('a0'), rs2: r('a1') }, 'neg\ta0,a1'],
  ['sub', { rd: r('a0') }, 'neg\ta0,zero'],
  ['sltiu', { rd: r('a0'), rs1: r('a1'), imm: 1 }, 'seqz\ta0,a1'],
  ['sltu', { rd: r('a0'), rs2: r('a1') }, 'snez\ta0,a1'],
  ['slt', { rd: r('a0'), rs1: r('a1') }, 'sltz\ta0,a1'],
  ['slt', { rd: r('a0'), rs2: r('a1') }, 'sgtz\ta0,a1'],
  ['slt', { rd: r('a0') }, 'sltz\ta0,zero'],
  ['beq', { rs1: r('a0'), imm: 16 }, 'beqz\ta0,80000010'],
  ['beq', { rs2: r('a0'), imm: 16 }, 'beq\tzero,a0,80000010'],
  ['bne', { rs1: r('a0'), imm: 16 }, 'bnez\ta0,80000010'],
  ['bge', { rs2: r('a0'), imm: 16 }, 'blez\ta0,80000010'],
  ['bge', { rs1: r('a0'), imm: 16 }, 'bgez\ta0,80000010'],
  ['bge', { imm: 16 }, 'blez\tzero,80000010'],
  ['blt', { rs1: r('a0'), imm: 16 }, 'bltz\ta0,80000010'],
  ['blt', { rs2: r('a0'), imm: 16 }, 'bgtz\ta0,80000010'],
  ['blt', { imm: 16 }, 'bltz\tzero,80000010'],
  ['bltu', { rs2: r('a0'), imm: 16 }, 'bltu\tzero,a0,80000010'],
  ['jal', { imm: -16 }, 'j\t7ffffff0'],
  ['jal', { rd: r('ra'), imm: -16 }, 'jal\t7ffffff0'],
  ['jalr', { rs1: r('ra') }, 'ret'],
  ['jalr', { rd: r('ra'), rs1: r('ra') }, 'jalr\tra'],
  ['jalr', { rd: r('zero'), rs1: r('ra'), imm: 4 }, 'jr\t4(ra)'],
  ['csrrs', { rd: r('a0'), csr: 0xc00 }, 'rdcycle\ta0'],
  ['csrrs', { rd: r('a0'), csr: 0xc01 }, 'rdtime\ta0'],
  ['csrrs', { rd: r('a0'), csr: 0xc02 }, 'rdinstret\ta0'],
  ['csrrs', { rd: r('a0'), csr: 0xc80 }, 'rdcycleh\ta0'],
  ['csrrs', { rd: r('a0'), csr: 0xc81 }, 'rdtimeh\ta0'],
  ['csrrs', { rd: r('a0'), csr: 0xc82 }, 'rdinstreth\ta0'],
  ['csrrs', { rd: r('zero'), csr: 0xc00 }, 'rdcycle\tzero'],
  ['csrrs', { rd: r('a0'), rs1: r('a1'), csr: 0xc00 }, 'csrrs\ta0,cycle,a1'],
  ['csrrs', { rd: r('a0'), csr: 0x300 }, 'csrr\ta0,mstatus'],
  ['csrrs', { rd: r('zero'), csr: 0x300 }, 'csrr\tzero,mstatus'],
  ['csrrs', { rd: r('a0'), csr: 0xfff }, 'csrr\ta0,0xfff'],
  ['csrrs', { rs1: r('a0'), csr: 0x304 }, 'csrs\tmie,a0'],
  ['csrrw', { rs1: r('a0'), csr: 0x305 }, 'csrw\tmtvec,a0'],
  ['csrrw', { csr: 0xc01 }, 'csrw\ttime,zero'],
  ['csrrc', { rs1: r('a0'), csr: 0x344 }, 'csrc\tmip,a0'],
  ['csrrwi', { imm: 5, csr: 0x300 }, 'csrw\tmstatus,5'],
  ['csrrsi', { imm: 8, csr: 0x100 }, 'csrs\tsstatus,8'],
  ['csrrci', { imm: 2, csr: 0x100 }, 'csrc\tsstatus,2'],
  ['sfence.vma', {}, 'sfence.vma'],
  ['sfence.vma', { rs1: r('a0') }, 'sfence.vma\ta0'],
  ['sfence.vma', { rs2: r('a1') }, 'sfence.vma\tzero,a1'],
  ['hfence.vvma', {}, 'hfence.vvma'],
  ['hfence.vvma', { rs1: r('a0') }, 'hfence.vvma\ta0'],
  ['hfence.gvma', {}, 'hfence.gvma'],
  ['hfence.gvma', { rs1: r('a0') }, 'hfence.gvma\ta0'],
];

describe('disassemble: every table row', () => {
  for (const [m, v, plain, aliased] of ROWS) {
    it(`${m} ${JSON.stringify(v)}`, () => {
      const w = enc(m, v);
      expect(disassemble(w, PC, { aliases: false })).toBe(plain);
      expect(disassemble(w, PC)).toBe(aliased);
      expect(disassemble(w, PC, { aliases: true })).toBe(aliased);
    });
  }

  it('has a case above for every row', () => {
    const covered = new Set(ROWS.map(([m]) => m));
    expect(INSTRUCTIONS.map((s) => s.mnemonic).filter((m) => !covered.has(m))).toEqual([]);
  });

  it('prints every variant of every row under its own mnemonic with -M no-aliases', () => {
    const bad: string[] = [];
    for (const spec of INSTRUCTIONS) {
      for (const v of variantsFor(spec)) {
        const w = encode(spec, v);
        const text = disassemble(w, PC, { aliases: false });
        const mnemonic = text.split('\t')[0] ?? '';
        const base = mnemonic.replace(/\.(aq|rl|aqrl)$/, '');
        if (base !== spec.mnemonic && text !== 'unimp') bad.push(`${spec.mnemonic}: ${text}`);
        if (text.includes(' ') && !text.includes(' # ')) bad.push(`space in ${text}`);
      }
    }
    expect(bad).toEqual([]);
  });
});

describe('disassemble: aliases', () => {
  for (const [m, v, aliased] of ALIASES) {
    it(`${m} ${JSON.stringify(v)} → ${aliased.replace('\t', ' ')}`, () => {
      const w = enc(m, v);
      expect(disassemble(w, PC)).toBe(aliased);
      expect(disassemble(w, PC, { aliases: false }).split('\t')[0]).toBe(m);
    });
  }

  it('exercises every alias rule in the cases above', () => {
    const words = [...ROWS, ...ALIASES].map(([m, v]) => enc(m, v));
    // The rule that prints a word: the first of its base row's rules whose fields match.
    const chosen = (w: number) =>
      ALIAS_RULES.find((a) => ((w & a.base.mask) >>> 0) === a.base.match && ((w & a.mask) >>> 0) === a.match);
    const unused = ALIAS_RULES.filter((rule) => !words.some((w) => chosen(w) === rule));
    expect(unused.map((a) => `${a.mnemonic} ${a.operands.join(',')}`)).toEqual([]);
  });

  it('prints csrrw zero,cycle,zero as unimp even without aliases (objdump lists it as an instruction)', () => {
    expect(ALWAYS_RULES.map((a) => a.mnemonic)).toEqual(['unimp']);
    const w = enc('csrrw', { csr: 0xc00 });
    expect(w).toBe(0xc0001073);
    expect(disassemble(w, PC)).toBe('unimp');
    expect(disassemble(w, PC, { aliases: false })).toBe('unimp');
    // The neighbours are ordinary CSR writes.
    expect(disassemble(enc('csrrw', { csr: 0xc00, rd: 1 }), PC)).toBe('csrrw\tra,cycle,zero');
    expect(disassemble(enc('csrrw', { csr: 0xc00, rs1: 1 }), PC)).toBe('csrw\tcycle,ra');
  });
});

describe('disassemble: words that are not instructions', () => {
  it.each([
    [0x00000000, 'unimp'],
    [0xffffffff, '.word\t0xffffffff'],
    [0x00000001, '.word\t0x00000001'],
    [0x0000000b, '.word\t0x0000000b'],
    [0x00200073, '.word\t0x00200073'],
    [0x0010100f, '.word\t0x0010100f'],
    // fence and fence.i with reserved fields set: the hart ignores them, objdump prints data.
    [0x0ff0008f, '.word\t0x0ff0008f'],
    [0x0000108f, '.word\t0x0000108f'],
    // fm = 1000 with sets other than rw,rw: the hart treats it as a fence, objdump as data.
    [0x8ff0000f, '.word\t0x8ff0000f'],
  ])('%d', (w, text) => {
    expect(disassemble(w, PC)).toBe(text);
    expect(disassemble(w, PC, { aliases: false })).toBe(text);
  });

  it('prints empty fence sets as objdump does', () => {
    expect(disassemble(0x0000000f, PC)).toBe('fence\tunknown,unknown');
    expect(disassemble(0x0300000f, PC)).toBe('fence\trw,unknown');
    expect(disassemble(0x00f0000f, PC)).toBe('fence\tunknown,iorw');
  });

  it('accepts negative (signed) words', () => {
    expect(disassemble(0xfff00093 | 0, 0)).toBe('li\tra,-1');
  });
});

describe('disassemble: addresses', () => {
  const symbols = new Map<number, string>([[0x80000000, '_start'], [0x80000100, 'loop']]);
  const symbolize = (a: number): string | undefined => symbols.get(a);

  it('labels branch and jump targets through symbolize', () => {
    expect(disassemble(enc('jal', { imm: 0x100 }), PC, { symbolize })).toBe('j\t80000100 <loop>');
    expect(disassemble(enc('beq', { rs1: 10, rs2: 11, imm: 0 }), PC, { symbolize, aliases: false }))
      .toBe('beq\ta0,a1,80000000 <_start>');
    expect(disassemble(enc('bne', { rs1: 10, imm: 8 }), PC, { symbolize })).toBe('bnez\ta0,80000008');
  });

  it('wraps targets around the 32-bit address space', () => {
    expect(disassemble(enc('jal', { imm: -8 }), 4)).toBe('j\tfffffffc');
    expect(disassemble(enc('beq', { rs1: 10, imm: 16 }), 0xfffffff8)).toBe('beqz\ta0,8');
    expect(disassemble(enc('jal', { imm: 4 }), -4 | 0)).toBe('j\t0');
  });

  it('notes addresses objdump knows from one word: x0- and tp-relative', () => {
    const sym = (a: number): string | undefined => (a === 8 ? 'var' : undefined);
    expect(disassemble(enc('lw', { rd: 10, rs1: 0, imm: 8 }), PC, { symbolize: sym })).toBe('lw\ta0,8(zero) # 8 <var>');
    expect(disassemble(enc('lw', { rd: 10, rs1: 0, imm: -8 }), PC)).toBe('lw\ta0,-8(zero) # fffffff8');
    expect(disassemble(enc('sw', { rs2: 10, rs1: 4, imm: 8 }), PC)).toBe('sw\ta0,8(tp) # 8');
    expect(disassemble(enc('addi', { rd: 10, rs1: 4, imm: 8 }), PC)).toBe('add\ta0,tp,8 # 8');
    expect(disassemble(enc('addi', { rd: 10, rs1: 4, imm: 0 }), PC)).toBe('mv\ta0,tp');
    expect(disassemble(enc('addi', { rd: 10, rs1: 4, imm: 0 }), PC, { aliases: false })).toBe('addi\ta0,tp,0 # 0');
    expect(disassemble(enc('addi', { rd: 10, rs1: 0, imm: 8 }), PC, { aliases: false })).toBe('addi\ta0,zero,8');
    expect(disassemble(enc('jalr', { rd: 0, rs1: 0, imm: 0 }), PC)).toBe('jr\tzero # 0');
    expect(disassemble(enc('jalr', { rd: 1, rs1: 4, imm: 0 }), PC)).toBe('jalr\ttp # 0');
    expect(disassemble(enc('jalr', { rd: 1, rs1: 0, imm: -8 }), PC)).toBe('jalr\t-8(zero) # fffffff8');
    expect(disassemble(enc('jalr', { rd: 10, rs1: 0, imm: 0 }), PC)).toBe('jalr\ta0,zero # 0');
    // Other bases, other immediates and atomics get no note.
    expect(disassemble(enc('lw', { rd: 10, rs1: 3, imm: 8 }), PC)).toBe('lw\ta0,8(gp)');
    expect(disassemble(enc('xori', { rd: 10, rs1: 4, imm: 8 }), PC)).toBe('xor\ta0,tp,8');
    expect(disassemble(enc('lr.w', { rd: 10, rs1: 0 }), PC)).toBe('lr.w\ta0,(zero)');
  });

  it('names addresses after the nearest preceding symbol with nearestSymbol, as objdump does', () => {
    const near = nearestSymbol([
      { name: 'loop', value: 0x80000100 }, { name: '_start', value: 0x80000000 },
      { name: 'alias_of_start', value: 0x80000000 }, { name: 'top', value: 0xfffffff0 | 0 },
    ]);
    expect(near(0x80000000)).toBe('_start');
    expect(near(0x80000008)).toBe('_start+0x8');
    expect(near(0x80000100)).toBe('loop');
    expect(near(0x800fff00)).toBe('loop+0xffe00');
    expect(near(0x7ffffffc)).toBeUndefined();
    expect(near(0xfffffffc | 0)).toBe('top+0xc');
    expect(disassemble(enc('jal', { imm: 0x104 }), PC, { symbolize: near })).toBe('j\t80000104 <loop+0x4>');
    expect(nearestSymbol([])(0)).toBeUndefined();
  });
});
