/**
 * Differential test against the GNU toolchain: the same sources assembled by pvlab and by
 * riscv64-unknown-elf-as, the latter linked by riscv64-unknown-elf-ld with a script placing
 * each section where pvlab's layout put it, must give identical bytes and symbol values.
 * Skips when the cross tools are not installed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readElf, type ElfImage } from '../../src/asm/elf.js';
import { assemble, flatImage, type AsmResult } from '../../src/asm/index.js';
import { HANDWRITTEN, LI_VALUES, tableSource } from './gnu-sources.js';

const AS = 'riscv64-unknown-elf-as';
const LD = 'riscv64-unknown-elf-ld';
const GCC = 'riscv64-unknown-elf-gcc';
/** Zihintpause for `pause`, which the ISA table includes. */
const MARCH = '-march=rv32imah_zicsr_zifencei_zihintpause';

const has = (tool: string): boolean => spawnSync(tool, ['--version']).status === 0;

const dir = mkdtempSync(join(tmpdir(), 'pvlab-gnu-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Assembles and links `source` with GNU, sections at pvlab's addresses. */
function gnuBuild(name: string, source: string, ours: AsmResult): ElfImage {
  const src = join(dir, `${name}.S`);
  const obj = join(dir, `${name}.o`);
  const elf = join(dir, `${name}.elf`);
  const script = join(dir, `${name}.ld`);
  writeFileSync(src, source);
  execFileSync(AS, [MARCH, '-mabi=ilp32', '-mno-relax', '-o', obj, src], { stdio: 'pipe' });
  const placements = ours.sections.map((s) => `  ${s.name} 0x${s.addr.toString(16)} : { *(${s.name}) }`);
  writeFileSync(script, `ENTRY(_start)\nSECTIONS {\n${placements.join('\n')}\n}\n`);
  execFileSync(LD, ['-m', 'elf32lriscv', '--no-relax', '--no-warn-rwx-segments', '-T', script, '-o', elf, obj], { stdio: 'pipe' });
  return readElf(readFileSync(elf), elf);
}

/** GNU's image over the same address range as ours. */
function gnuImage(elf: ElfImage, base: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (const s of elf.segments) {
    for (let i = 0; i < s.data.length; i++) {
      const at = s.vaddr - base + i;
      if (at >= 0 && at < length) out[at] = s.data[i] as number;
    }
  }
  return out;
}

/** Words that differ, with the source line that produced them. */
function differences(ours: AsmResult, theirs: Uint8Array): string[] {
  const { base, bytes } = flatImage(ours);
  const lines = new Map(ours.lineMap.map((l) => [l.addr, `${l.file}:${l.line}`]));
  const out: string[] = [];
  for (let at = 0; at < bytes.length; at += 4) {
    const a = bytes.subarray(at, at + 4);
    const b = theirs.subarray(at, at + 4);
    if (a.some((x, i) => x !== b[i])) {
      const hex = (x: Uint8Array): string => Buffer.from(x).toString('hex');
      out.push(`0x${(base + at).toString(16)} ${lines.get(base + at) ?? ''}: pvlab ${hex(a)}, GNU ${hex(b)}`);
    }
  }
  return out;
}

function compare(name: string, source: string): void {
  const ours = assemble(source, { fileName: `${name}.S` });
  const elf = gnuBuild(name, source, ours);
  const { base, bytes } = flatImage(ours);
  expect(differences(ours, gnuImage(elf, base, bytes.length))).toEqual([]);
  expect(elf.entry).toBe(ours.entry);
  const wrongSymbols = ours.symbols
    .filter((s) => elf.symbols.has(s.name) && elf.symbols.get(s.name) !== s.value)
    .map((s) => `${s.name}: pvlab 0x${s.value.toString(16)}, GNU 0x${elf.symbols.get(s.name)?.toString(16)}`);
  expect(wrongSymbols).toEqual([]);
  // Every label GNU keeps is one of ours.
  const ourNames = new Set(ours.symbols.map((s) => s.name));
  expect([...elf.symbols.keys()].filter((n) => !ourNames.has(n) && !n.startsWith('$'))).toEqual([]);
}

describe.skipIf(!has(AS) || !has(LD))('pvlab assembler vs GNU as', () => {
  it('encodes every table row, ordering suffix and pseudo-instruction form identically', () => {
    compare('table', tableSource());
  });

  it("expands li exactly as GNU as does, for every boundary of its lui/addi choice", () => {
    const lines = LI_VALUES.map((v, i) => `\tli x${(i % 31) + 1}, ${v}`);
    compare('li', `\t.equ CONST, 0x4567\n\t.text\n_start:\n${lines.join('\n')}\n`);
  });

  it('lays out directives, macros, expressions, local labels and relocations identically', () => {
    compare('handwritten', HANDWRITTEN);
  });

  it('pads code and data alignment gaps as GNU as does', () => {
    const gaps = [1, 2, 3, 5, 6, 7].map((n) => `\t.fill ${n}, 1, 0xee\n\t.p2align 3\n\t.word 0xffffffff\n`);
    compare('align', `\t.text\n_start:\n${gaps.join('')}\t.byte 1\n\t.p2align 2\n\t.byte 2\n` +
      `\t.data\n${gaps.join('')}\t.byte 9\n`);
  });
});

/** A C program exercising what GCC emits: %hi/%lo, jump tables, strings, data, bss, calls. */
const C_PROGRAM = `
struct node { int key; struct node *next; };
static struct node pool[16];
static int used;
const char *names[] = { "zero", "one", "two" };
int counter = 5;
long long big = 0x123456789abcdefLL;
static struct node *alloc(int key) { struct node *n = &pool[used++ % 16]; n->key = key; n->next = 0; return n; }
int sum(struct node *n) { int s = 0; for (; n; n = n->next) s += n->key; return s; }
unsigned divmod(unsigned a, unsigned b) { return a / b + a % b; }
int pick(int x) { switch (x) { case 0: return 3; case 1: return 7; case 2: return 9; case 3: return 11; default: return -1; } }
void _start(void) {
  struct node *head = 0;
  for (int i = 0; i < 10; i++) { struct node *n = alloc(i); n->next = head; head = n; }
  counter += sum(head) + divmod(counter, 3) + names[1][0] + pick(counter & 7) + (int)(big >> 33);
  for (;;) __asm__ volatile ("wfi");
}
`;

describe.skipIf(!has(GCC) || !has(AS) || !has(LD))('GCC output', () => {
  it.each(['-O0', '-O2', '-Os'])('assembles what riscv64-unknown-elf-gcc %s -S emits exactly as GNU as does', (opt) => {
    const c = join(dir, `gcc${opt}.c`);
    writeFileSync(c, C_PROGRAM);
    const asm = execFileSync(GCC, ['-S', opt, '-march=rv32ima_zicsr', '-mabi=ilp32', '-fno-pic', '-o', '-', c], { encoding: 'utf8' });
    compare(`gcc${opt}`, asm);
  });
});

describe.skipIf(!has(GCC))('readElf on a GNU-linked executable', () => {
  it('loads what riscv64-unknown-elf-gcc -nostdlib links: entry, segments and symbols', () => {
    const c = join(dir, 'prog.c');
    const elf = join(dir, 'prog.elf');
    writeFileSync(c, [
      'volatile unsigned counter = 0x1234;',
      'const char greeting[] = "hi";',
      'unsigned zeroed[64];',
      'void _start(void) { for (;;) counter += greeting[0] + zeroed[3]; }',
    ].join('\n'));
    execFileSync(GCC, ['-march=rv32ima_zicsr', '-mabi=ilp32', '-nostdlib', '-O1', '-Wl,-Ttext=0x80000000', c, '-o', elf], { stdio: 'pipe' });
    const image = readElf(readFileSync(elf), elf);
    const start = image.symbols.get('_start');
    expect(start).toBe(0x8000_0000);
    expect(image.entry).toBe(start);
    const at = (addr: number): { seg: ElfImage['segments'][number]; off: number } => {
      const seg = image.segments.find((s) => addr >= s.vaddr && addr < s.vaddr + s.memsz);
      if (seg === undefined) throw new Error(`no segment holds 0x${addr.toString(16)}`);
      return { seg, off: addr - seg.vaddr };
    };
    // The header-mapping prefix GNU ld adds below .text is trimmed away.
    expect(Math.min(...image.segments.map((s) => s.vaddr))).toBe(0x8000_0000);
    const counter = at(image.symbols.get('counter') as number);
    expect(new DataView(counter.seg.data.buffer, counter.seg.data.byteOffset).getUint32(counter.off, true)).toBe(0x1234);
    const greeting = at(image.symbols.get('greeting') as number);
    expect(String.fromCharCode(...greeting.seg.data.subarray(greeting.off, greeting.off + 2))).toBe('hi');
    const zeroed = at(image.symbols.get('zeroed') as number);
    expect(zeroed.seg.memsz - zeroed.off).toBeGreaterThanOrEqual(64 * 4);
  });
});
