/** ELF32: writeElf → readElf round trip, the file's structure, and clear errors for bad files. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ElfError, readElf, writeElf } from '../../src/asm/elf.js';
import { EM_RISCV, ET_EXEC, ET_REL, Ehdr } from '../../src/asm/elf-format.js';
import { assemble } from '../../src/asm/index.js';
import { BASE } from './helpers.js';

const PROGRAM = `
	.globl _start
	.text
_start:	la a0, msg
	call puts
1:	j 1b
puts:	ret
	.section .rodata
msg:	.asciz "hello"
	.data
	.align 3
count:	.word 42
	.bss
	.align 4
stack:	.space 256
	.equ STACK_SIZE, 256
`;

describe('writeElf → readElf', () => {
  const r = assemble(PROGRAM, { fileName: 'prog.S' });
  const image = readElf(writeElf(r), 'prog.elf');

  it('keeps the entry point', () => {
    expect(image.entry).toBe(r.entry);
    expect(image.entry).toBe(BASE);
  });

  it('has one loadable segment per section, bss as memory without file bytes', () => {
    expect(image.segments.map((s) => [s.vaddr, s.paddr, s.data.length, s.memsz])).toEqual(
      r.sections.map((s) => [s.addr, s.addr, s.nobits ? 0 : s.bytes.length, s.bytes.length]),
    );
    for (const [i, s] of r.sections.entries()) if (!s.nobits) expect(image.segments[i]?.data).toEqual(s.bytes);
  });

  it('carries every symbol', () => {
    expect(Object.fromEntries(image.symbols)).toEqual(Object.fromEntries(r.symbols.map((s) => [s.name, s.value])));
    expect(image.symbols.get('STACK_SIZE')).toBe(256);
  });
});

describe('ELF file structure', () => {
  const bytes = writeElf(assemble(PROGRAM));
  const view = new DataView(bytes.buffer);

  it('is a little-endian ELF32 RISC-V executable', () => {
    expect([...bytes.subarray(0, 6)]).toEqual([0x7f, 0x45, 0x4c, 0x46, 1, 1]);
    expect(view.getUint16(Ehdr.e_type, true)).toBe(ET_EXEC);
    expect(view.getUint16(Ehdr.e_machine, true)).toBe(EM_RISCV);
  });

  const readelf = spawnSync('riscv64-unknown-elf-readelf', ['--version']).status === 0;
  it.skipIf(!readelf)('reads cleanly with GNU readelf and objdump', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pvlab-elf-'));
    try {
      const file = join(dir, 'prog.elf');
      writeFileSync(file, bytes);
      const re = spawnSync('riscv64-unknown-elf-readelf', ['-W', '-h', '-l', '-S', '-s', file], { encoding: 'utf8' });
      expect(re.stderr).toBe('');
      expect(re.stdout).toMatch(/Type:\s+EXEC/);
      expect(re.stdout).toMatch(/LOAD\s+0x[0-9a-f]+ 0x80000000 0x80000000 0x0+18 0x0+18 R E/);
      expect(re.stdout).toMatch(/\.bss\s+NOBITS\s+[0-9a-f]+ [0-9a-f]+ 000100 00\s+WA/);
      expect(re.stdout).toMatch(/GLOBAL\s+DEFAULT\s+1 _start/);
      expect(re.stdout).toMatch(/LOCAL\s+DEFAULT\s+ABS STACK_SIZE/);
      const od = spawnSync('riscv64-unknown-elf-objdump', ['-d', file], { encoding: 'utf8' });
      expect(od.stdout).toMatch(/8000000c:\s+00c080e7\s+jalr\s+12\(ra\) # 80000014 <puts>/);
      expect(od.stdout).toMatch(/<puts>:\n80000014:\s+00008067\s+ret/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('readElf errors name the file and the problem', () => {
  const good = writeElf(assemble(PROGRAM));
  const patched = (edit: (b: Uint8Array, v: DataView) => void): Uint8Array => {
    const b = good.slice();
    edit(b, new DataView(b.buffer));
    return b;
  };
  const error = (bytes: Uint8Array): string => {
    try {
      readElf(bytes, 'k.elf');
    } catch (e) {
      expect(e).toBeInstanceOf(ElfError);
      return (e as Error).message;
    }
    throw new Error('expected readElf to fail');
  };

  it.each([
    ['not ELF', new TextEncoder().encode('#!/bin/sh\necho hi\n'), 'k.elf: not an ELF file (bad magic number)'],
    ['empty', new Uint8Array(0), 'k.elf: not an ELF file (bad magic number)'],
    ['64-bit', patched((b) => { b[4] = 2; }), 'k.elf: is a 64-bit ELF file; pvlab runs RV32 programs (build with -march=rv32ima_zicsr -mabi=ilp32)'],
    ['big-endian', patched((b) => { b[5] = 2; }), 'k.elf: not a little-endian ELF file'],
    ['x86', patched((_b, v) => v.setUint16(Ehdr.e_machine, 3, true)), 'k.elf: not a RISC-V executable (e_machine 3, RISC-V is 243)'],
    ['object file', patched((_b, v) => v.setUint16(Ehdr.e_type, ET_REL, true)), 'k.elf: is a relocatable object file (.o), not an executable: link it first'],
    ['header cut', good.slice(0, 40), 'k.elf: truncated: 40 bytes is shorter than the ELF header'],
    ['program headers cut', good.slice(0, 60), 'k.elf: truncated: the program header table runs past the end of the file'],
  ])('%s', (_name, bytes, message) => expect(error(bytes)).toBe(message));

  it('reports a segment that runs past the end of the file', () => {
    const offset = new DataView(good.buffer).getUint32(Ehdr.e_shoff, true);
    expect(error(good.slice(0, offset - 1))).toMatch(/^k\.elf: truncated: /);
  });
});
