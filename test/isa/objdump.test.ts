/**
 * Differential test against GNU binutils (riscv64-unknown-elf-as / -objdump; skipped when they
 * are not on PATH). Every table row in many operand variants is written as GNU assembly,
 * assembled by GNU as — whose words must equal pvlab's encoder's — and disassembled by objdump
 * with and without `-M no-aliases`; pvlab's disassembly of each word must be objdump's text.
 * Random words (valid and not), the fence encodings and all 4096 CSR numbers go through `.insn`.
 * Finally GNU as assembles pvlab's disassembly of every row back to the same word.
 *
 * The only differences accepted are the documented ones (see src/isa/disasm.ts):
 *  - objdump's `.4byte 0x…` for undecodable code is pvlab's `.word 0x%08x`;
 *  - CSRs objdump names but pvlab does not implement print as numbers here;
 *  - instructions outside pvlab's ISA that objdump still decodes (uret, dret) are `.word` here.
 * Each kind is counted and the counts are checked, so a new kind of difference fails the test.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSR_NAMES } from '../../src/isa/csr.js';
import { csrOf, decodeSpec } from '../../src/isa/decode.js';
import { disassemble, nearestSymbol } from '../../src/isa/disasm.js';
import { encode } from '../../src/isa/encode.js';
import { INSTRUCTIONS, Op, type InstructionSpec } from '../../src/isa/instructions.js';
import { INSN_BYTES, roundTripCases, roundTripSource, wrongWords } from './roundtrip-cases.js';
import { gnuSource, prng, variantsFor } from './variants.js';

const AS = 'riscv64-unknown-elf-as';
const OBJDUMP = 'riscv64-unknown-elf-objdump';
const OBJCOPY = 'riscv64-unknown-elf-objcopy';

function onPath(tool: string): boolean {
  return spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0;
}
const HAVE_BINUTILS = onPath(AS) && onPath(OBJDUMP) && onPath(OBJCOPY);

/** Instruction words objdump decodes but pvlab's ISA does not have: the withdrawn N extension's
 *  uret, debug mode's dret, and the privileged spec 1.9 leftovers sfence.vm and hret. */
const FOREIGN_TO_PVLAB = new Set(['uret', 'dret', 'sfence.vm', 'hret']);
/** objdump decodes RV64's 6-bit shift amounts even for RV32, where shamt[5] = 1 is reserved. */
const SHIFTS = new Set(['slli', 'srli', 'srai', 'sll', 'srl', 'sra']);
const RV32_SHAMT_LIMIT = 32;

/** Major opcodes (low 7 bits) of pvlab's rows, for steering random words. */
const OUR_OPCODES = [...new Set(INSTRUCTIONS.map((s) => s.match & 0x7f))];
/** lui/auipc make objdump remember an address for later instructions (state pvlab's one-word
 *  disassembler does not have), so they get an object file of their own. */
const UPPER_OPS = new Set<Op>([Op.LUI, Op.AUIPC]);
const LOW7 = 0x7f;
/** Low five bits 11111: an encoding of 48 bits or more, which objdump would read as one. */
const LONG_ENCODING = 0x1f;
const CSR_COUNT = 1 << 12;
/** csrrs a0,<csr>,a1: a CSR access that no alias rewrites. */
const CSRRS_A0_A1 = 0x0005a573;
const CSR_SHIFT = 20;

interface Item {
  /** Source line. */
  src: string;
  /** The word GNU as must produce, when the line is assembly rather than `.insn`. */
  want?: number;
}

interface Dumped {
  addr: number;
  word: number;
  text: string;
}

let dir = '';
let march = 'rv32imah_zicsr_zifencei_zihintpause';
let asFlags: string[] = [];
let hasPause = true;

function assemble(name: string, items: readonly Item[]): { plain: Dumped[]; aliased: Dumped[] } {
  const src = join(dir, `${name}.s`);
  const obj = join(dir, `${name}.o`);
  writeFileSync(src, `\t.text\n_start:\n${items.map((i) => `\t${i.src}\n`).join('')}`);
  execFileSync(AS, [...asFlags, src, '-o', obj]);
  const dump = (extra: string[]): Dumped[] =>
    parse(execFileSync(OBJDUMP, ['-d', '-z', ...extra, obj], { maxBuffer: 1 << 28 }).toString());
  return { plain: dump(['-M', 'no-aliases']), aliased: dump([]) };
}

/** objdump -d lines: `   8:\t7e208fe3          \tbeq\tra,sp,1006 <_start+0x1006>`. */
function parse(out: string): Dumped[] {
  const lines: Dumped[] = [];
  for (const line of out.split('\n')) {
    const m = /^\s*([0-9a-f]+):\t([0-9a-f]{8}) +\t(.*?)\s*$/.exec(line);
    if (m) lines.push({ addr: parseInt(m[1]!, 16), word: parseInt(m[2]!, 16) >>> 0, text: m[3]! });
  }
  return lines;
}

/** objdump names addresses after the nearest preceding symbol: here the only one, `_start`. */
const symbolize = nearestSymbol([{ name: '_start', value: 0 }]);

/** objdump text with the one purely notational difference removed. */
function normalize(text: string): string {
  return text.replace(/^\.4byte\t0x([0-9a-f]+)$/, (_, h: string) => `.word\t0x${h.padStart(8, '0')}`);
}

type Verdict = 'same' | 'csr-not-in-pvlab' | 'foreign' | 'rv64-shamt' | 'no-pause' | 'DIFFERENT';

function judge(word: number, ours: string, theirs: string): Verdict {
  const t = normalize(theirs);
  if (ours === t) return 'same';
  const spec = decodeSpec(word);
  const [mnemonic = '', operands = ''] = t.split('\t');
  if (spec === undefined && FOREIGN_TO_PVLAB.has(mnemonic)) return 'foreign';
  if (spec === undefined && SHIFTS.has(mnemonic) &&
      parseInt(operands.split(',')[2] ?? '', 16) >= RV32_SHAMT_LIMIT) return 'rv64-shamt';
  if (!hasPause && spec?.op === Op.PAUSE && t === 'fence\tw,unknown') return 'no-pause';
  if (spec !== undefined && (spec.format === 'CSR' || spec.format === 'CSRI') && !CSR_NAMES.has(csrOf(word))) {
    // Ours with the numeric CSR replaced by any name must be objdump's line.
    const num = `0x${csrOf(word).toString(16)}`;
    const pattern = ours.split(num).map(escapeRegExp).join('[a-z][a-z0-9.]*');
    if (new RegExp(`^${pattern}$`).test(t)) return 'csr-not-in-pvlab';
  }
  return 'DIFFERENT';
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface Report {
  counts: Record<Verdict, number>;
  differences: string[];
  /** objdump's mnemonics for the accepted differences other than CSR names. */
  foreign: Set<string>;
  /** Words GNU as produced that pvlab's encoder did not. */
  encodings: string[];
}

function compare(items: readonly Item[], name: string): Report {
  const { plain, aliased } = assemble(name, items);
  expect(plain.length, 'objdump printed one line per item').toBe(items.length);
  expect(aliased.length).toBe(items.length);
  const report: Report = {
    counts: { same: 0, 'csr-not-in-pvlab': 0, foreign: 0, 'rv64-shamt': 0, 'no-pause': 0, DIFFERENT: 0 },
    differences: [],
    foreign: new Set(),
    encodings: [],
  };
  items.forEach((item, i) => {
    const p = plain[i]!;
    const a = aliased[i]!;
    if (item.want !== undefined && p.word !== item.want) {
      report.encodings.push(`${item.src}: as 0x${hex(p.word)}, pvlab 0x${hex(item.want)}`);
    }
    for (const [d, aliases] of [[p, false], [a, true]] as const) {
      const ours = disassemble(d.word, d.addr, { aliases, symbolize });
      const verdict = judge(d.word, ours, d.text);
      report.counts[verdict]++;
      if (verdict === 'foreign' || verdict === 'rv64-shamt') report.foreign.add(d.text.split('\t')[0]!);
      if (verdict === 'DIFFERENT') {
        report.differences.push(`0x${hex(d.word)} ${aliases ? '' : '-M no-aliases '}objdump "${d.text}" pvlab "${ours}"`);
      }
    }
  });
  // PVLAB_DEBUG=1 shows how many comparisons fell in each category.
  if (process.env.PVLAB_DEBUG) console.log(name, items.length, report.counts, [...report.foreign]);
  return report;
}

function hex(w: number): string {
  return (w >>> 0).toString(16).padStart(8, '0');
}

function insn(word: number): Item {
  return { src: `.insn 4, 0x${hex(word)}` };
}

function rowItems(filter: (s: InstructionSpec) => boolean): Item[] {
  const items: Item[] = [];
  for (const spec of INSTRUCTIONS.filter(filter)) {
    for (const v of variantsFor(spec)) {
      const want = encode(spec, v);
      items.push(spec.op === Op.PAUSE && !hasPause ? insn(want) : { src: gnuSource(spec, v), want });
    }
  }
  return items;
}

describe.skipIf(!HAVE_BINUTILS)('disassembler vs GNU objdump', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pvlab-objdump-'));
    const probe = join(dir, 'probe.s');
    writeFileSync(probe, '\tpause\n');
    const tryFlags = (flags: string[]): boolean =>
      spawnSync(AS, [...flags, probe, '-o', join(dir, 'probe.o')], { stdio: 'ignore' }).status === 0;
    // Privileged spec 1.12 makes objdump name the CSRs pvlab has (menvcfg, mconfigptr, …).
    const base = ['-mabi=ilp32', '-mno-relax'];
    const priv = tryFlags([...base, '-mpriv-spec=1.12', `-march=${march}`]) ? ['-mpriv-spec=1.12'] : [];
    if (!tryFlags([...base, ...priv, `-march=${march}`])) {
      march = 'rv32imah_zicsr_zifencei';
      hasPause = false;
    }
    asFlags = [...base, ...priv, `-march=${march}`];
  });

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('every row in every variant: GNU as encodes as pvlab does, objdump prints as pvlab does', () => {
    const items = rowItems((s) => !UPPER_OPS.has(s.op));
    const report = compare(items, 'rows');
    expect(report.encodings).toEqual([]);
    expect(report.differences).toEqual([]);
    // Each variant is compared twice (aliases on and off).
    expect(report.counts.same + report.counts['csr-not-in-pvlab'] + report.counts['no-pause'])
      .toBe(2 * items.length);
  });

  it('lui and auipc in every variant and random fields', () => {
    const rand = prng(7);
    const RANDOM_PER_ROW = 200;
    const items = rowItems((s) => UPPER_OPS.has(s.op));
    for (const s of INSTRUCTIONS.filter((x) => UPPER_OPS.has(x.op))) {
      for (let i = 0; i < RANDOM_PER_ROW; i++) items.push(insn(((rand() & ~s.mask) | s.match) >>> 0));
    }
    const report = compare(items, 'upper');
    expect(report.encodings).toEqual([]);
    expect(report.differences).toEqual([]);
    expect(report.counts.same).toBe(2 * items.length);
  });

  it('random words: each row with random operand fields, and random words in its opcodes', () => {
    const rand = prng(2024);
    const PER_ROW = 150;
    const PER_OPCODE = 1500;
    const items: Item[] = [];
    const add = (w: number): void => {
      const word = w >>> 0;
      if ((word & 3) !== 3 || (word & LONG_ENCODING) === LONG_ENCODING) return;
      if (UPPER_OPS.has(decodeSpec(word)?.op ?? Op.ILLEGAL)) return;
      items.push(insn(word));
    };
    for (const s of INSTRUCTIONS) for (let i = 0; i < PER_ROW; i++) add((rand() & ~s.mask) | s.match);
    for (const opcode of OUR_OPCODES) for (let i = 0; i < PER_OPCODE; i++) add((rand() & ~LOW7) | opcode);
    // Hand-picked: every fence fm/pred/succ corner, the SYSTEM funct12 space, reserved fields.
    for (const fm of [0, 8, 15]) for (const sets of [0x00, 0x10, 0x33, 0xff, 0x01, 0x20]) {
      add(0x0000000f | (fm << 28) | (sets << 20));
    }
    for (let f12 = 0; f12 < 0x800; f12 += 1) add(0x00000073 | (f12 << 20));
    for (const w of [0x0010100f, 0x0000100f | (1 << 7), 0x1025a52f, 0x120000f3, 0x02051513, 0x00008073]) add(w);

    const report = compare(items, 'random');
    expect(report.differences).toEqual([]);
    expect(report.counts.DIFFERENT).toBe(0);
    // What objdump decodes and pvlab rejects: the foreign SYSTEM instructions (all in the
    // funct12 sweep) and RV64 shift amounts (whichever of them the random words hit).
    const foreign = [...report.foreign];
    expect(foreign.filter((m) => !FOREIGN_TO_PVLAB.has(m) && !SHIFTS.has(m))).toEqual([]);
    expect([...FOREIGN_TO_PVLAB].filter((m) => !report.foreign.has(m))).toEqual([]);
  });

  it('GNU as reads back pvlab\'s disassembly of every row as the same word', () => {
    const cases = roundTripCases();
    const src = join(dir, 'roundtrip.s');
    const obj = join(dir, 'roundtrip.o');
    const bin = join(dir, 'roundtrip.bin');
    // Without Zihintpause GNU as does not know `pause`; give it the word instead.
    const readable = hasPause ? cases : cases.map((c) => (c.src === 'pause' ? { ...c, src: insn(c.word).src } : c));
    writeFileSync(src, roundTripSource(readable));
    execFileSync(AS, [...asFlags, src, '-o', obj]);
    execFileSync(OBJCOPY, ['-O', 'binary', '-j', '.text', obj, bin]);
    const bytes = readFileSync(bin);
    expect(bytes.length).toBe(cases.length * INSN_BYTES);
    expect(wrongWords(cases, bytes)).toEqual([]);
  });

  it('all 4096 CSR numbers: every name pvlab prints is objdump\'s', () => {
    const items: Item[] = [];
    for (let csr = 0; csr < CSR_COUNT; csr++) items.push(insn((CSRRS_A0_A1 | (csr << CSR_SHIFT)) >>> 0));
    const report = compare(items, 'csrs');
    expect(report.differences).toEqual([]);
    // Every CSR pvlab names is printed identically (twice: with and without aliases).
    expect(report.counts.same).toBeGreaterThanOrEqual(2 * CSR_NAMES.size);
  });
});
