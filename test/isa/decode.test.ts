/**
 * The decoder on words no assembler would produce: reserved encodings, the fence hints, and a
 * brute-force check that the 15-bit fast table agrees with a plain mask/match scan.
 */
import { describe, expect, it } from 'vitest';
import { DECODE_SLOW, DECODE_TABLE, decode, decodeKey, decodeSlow } from '../../src/isa/decode.js';
import { INSTRUCTIONS, Op, Opcode, type InstructionSpec } from '../../src/isa/instructions.js';
import { prng } from './variants.js';

/** The one row a word matches, choosing the strictly most specific if several do. */
function bruteDecode(word: number): Op {
  const w = word >>> 0;
  const hits = INSTRUCTIONS.filter((s) => ((w & s.mask) >>> 0) === s.match);
  if (hits.length === 0) return Op.ILLEGAL;
  const best = hits.filter((a) => hits.every((b) => ((a.mask & b.mask) >>> 0) === (b.mask >>> 0)));
  if (best.length !== 1) throw new Error(`ambiguous word 0x${w.toString(16)}: ${hits.map((h) => h.mnemonic)}`);
  return (best[0] as InstructionSpec).op;
}

const KEY_BITS = 15;
const KEY_COUNT = 1 << KEY_BITS;
/** Bits of a word outside the key fields (opcode, funct3, funct7). */
const NON_KEY_MASK = ~((0x7f << 25) | (0x7 << 12) | 0x7f) >>> 0;

function wordForKey(key: number, rest: number): number {
  const keyBits = (((key & 31) << 2) | 3) | (((key >>> 5) & 7) << 12) | (((key >>> 8) & 127) << 25);
  return ((keyBits | (rest & NON_KEY_MASK)) >>> 0);
}

describe('decode', () => {
  it('rejects 16-bit (compressed) encodings: low bits other than 0b11', () => {
    for (const w of [0x00000000, 0x00000001, 0x00000002, 0x00150510, 0x12345678, 0xfffffffc]) {
      expect(decode(w), w.toString(16)).toBe(Op.ILLEGAL);
    }
  });

  it('rejects major opcodes outside RV32IMA (F loads, OP-32, custom, 48-bit…)', () => {
    const ours = new Set<number>(Object.values(Opcode));
    for (let opcode = 3; opcode < 128; opcode += 4) {
      if (ours.has(opcode)) continue;
      for (const rest of [0, 0xfffff000 | 0xf80, 0x12345000]) {
        expect(decode((rest | opcode) >>> 0), `opcode ${opcode.toString(2)}`).toBe(Op.ILLEGAL);
      }
    }
  });

  const reserved: [number, string][] = [
    [0x00003003, 'ld (RV64 load funct3 011)'],
    [0x00006003, 'lwu (funct3 110)'],
    [0x00007003, 'load funct3 111'],
    [0x00003023, 'sd (store funct3 011)'],
    [0x00002063, 'branch funct3 010'],
    [0x00003063, 'branch funct3 011'],
    [0x00001067, 'jalr funct3 001'],
    [0x02051513, 'slli with shamt[5] (RV64 only)'],
    [0x42055513, 'srai with shamt[5]'],
    [0x40051513, 'slli with funct7 0100000'],
    [0x20000033, 'OP funct7 0010000'],
    [0x40001033, 'sll with funct7 0100000'],
    [0x40002033, 'slt with funct7 0100000'],
    [0x0000002f, 'amoadd with funct3 000 (not .w)'],
    [0x0000302f, 'amoadd.d (funct3 011)'],
    [0x1025a52f, 'lr.w with rs2 ≠ 0'],
    [0x2800202f, 'AMO funct5 00101 (unassigned)'],
    [0x0000200f, 'MISC-MEM funct3 010 (cbo.* not implemented)'],
    [0x000000f3, 'ecall with rd ≠ 0'],
    [0x00008073, 'ecall with rs1 ≠ 0'],
    [0x00200073, 'uret (N extension, withdrawn)'],
    [0x7b200073, 'dret (debug mode)'],
    [0x10200073 | (1 << 15), 'sret with rs1 ≠ 0'],
    [0x30200073 | (1 << 7), 'mret with rd ≠ 0'],
    [0x10400073, 'SYSTEM funct12 0x104 (unassigned)'],
    [0x120000f3, 'sfence.vma with rd ≠ 0'],
    [0x22000073 | (1 << 7), 'hfence.vvma with rd ≠ 0'],
    [0x00004073, 'SYSTEM funct3 100, funct7 0 (no hypervisor load or store)'],
    [0x60204073, 'hlv with rs2 00010 (unassigned)'],
    [0x68104073, 'hlv.wu (RV64 only)'],
    [0x600040f3 | (1 << 25), 'hsv.b with rd ≠ 0'],
    [0xffffffff, 'all ones'],
  ];
  for (const [w, what] of reserved) {
    it(`0x${w.toString(16).padStart(8, '0')} is illegal: ${what}`, () => {
      expect(decode(w)).toBe(Op.ILLEGAL);
      expect(bruteDecode(w)).toBe(Op.ILLEGAL);
    });
  }

  it('tells the fence hints from fence by their exact encodings', () => {
    expect(decode(0x0100000f)).toBe(Op.PAUSE); // fence w,0
    expect(decode(0x8330000f)).toBe(Op.FENCE_TSO); // fm=1000 rw,rw
    expect(decode(0x0ff0000f)).toBe(Op.FENCE); // fence iorw,iorw
    expect(decode(0x0330000f)).toBe(Op.FENCE); // fm=0 rw,rw: not TSO
    expect(decode(0x0110000f)).toBe(Op.FENCE); // fence w,w: not pause
    expect(decode(0x0200000f)).toBe(Op.FENCE); // fence r,0: a hint, not pause
    expect(decode(0x0000000f)).toBe(Op.FENCE); // fence 0,0
    expect(decode(0x8ff0000f)).toBe(Op.FENCE); // reserved fm with iorw: executes as fence
    expect(decode(0x8310000f)).toBe(Op.FENCE); // fm=1000 but r,w: not TSO
    expect(decode(0x0000100f)).toBe(Op.FENCE_I);
  });

  it('ignores the reserved fields of fence and fence.i (rd, rs1, fm; fence.i imm), as the spec requires', () => {
    expect(decode(0x0ff0008f)).toBe(Op.FENCE); // rd ≠ 0
    expect(decode(0x0ff5000f)).toBe(Op.FENCE); // rs1 ≠ 0
    expect(decode(0x5ff5058f)).toBe(Op.FENCE); // reserved fm, rd and rs1
    expect(decode(0x8335008f)).toBe(Op.FENCE); // fence.tso's bits with rd, rs1 ≠ 0: a plain fence
    expect(decode(0x0000100f | (1 << 7))).toBe(Op.FENCE_I); // rd ≠ 0
    expect(decode(0x0010100f)).toBe(Op.FENCE_I); // imm ≠ 0
    expect(decode(0xffff908f)).toBe(Op.FENCE_I); // every reserved bit set
  });

  it('sends exactly the keys that need more than opcode/funct3/funct7 to the slow path', () => {
    const keyMask = ~NON_KEY_MASK;
    const bad: string[] = [];
    for (let key = 0; key < KEY_COUNT; key++) {
      const w = wordForKey(key, 0);
      const rows = INSTRUCTIONS.filter((s) => ((w ^ s.match) & s.mask & keyMask) === 0);
      const [only] = rows;
      const want =
        only === undefined ? Op.ILLEGAL
        : rows.length === 1 && (only.mask & NON_KEY_MASK) === 0 ? only.op
        : DECODE_SLOW;
      if (DECODE_TABLE[key] !== want) bad.push(`key ${key}: ${DECODE_TABLE[key]} ≠ ${want}`);
    }
    expect(bad).toEqual([]);
  });

  // Checks collect mismatches and assert once: an expect() per word would dominate the run time.
  it('agrees with a brute mask/match scan for every table key with random other bits', () => {
    const rand = prng(0x5eed);
    const WORDS_PER_KEY = 4;
    const bad: string[] = [];
    for (let key = 0; key < KEY_COUNT; key++) {
      for (let i = 0; i < WORDS_PER_KEY; i++) {
        // The first word has all other fields zero, which the fixed-field rows need to match.
        const w = wordForKey(key, i === 0 ? 0 : rand());
        if (decodeKey(w) !== key || decode(w) !== bruteDecode(w)) bad.push(hex(w));
      }
    }
    expect(bad).toEqual([]);
  });

  it('agrees with the brute scan on random words and on every row with random operands', () => {
    const rand = prng(42);
    const RANDOM_WORDS = 100_000;
    const WORDS_PER_ROW = 1_000;
    const bad: string[] = [];
    for (let i = 0; i < RANDOM_WORDS; i++) {
      const w = rand();
      if (decode(w) !== bruteDecode(w)) bad.push(hex(w));
    }
    for (const s of INSTRUCTIONS) {
      for (let i = 0; i < WORDS_PER_ROW; i++) {
        const w = ((rand() & ~s.mask) | s.match) >>> 0;
        const got = decode(w);
        if (got !== bruteDecode(w) || decodeSlow(w) !== got) bad.push(`${s.mnemonic} ${hex(w)}`);
      }
    }
    expect(bad).toEqual([]);
  });
});

function hex(w: number): string {
  return `0x${(w >>> 0).toString(16).padStart(8, '0')}`;
}
