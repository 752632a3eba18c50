/**
 * The workload sources: every program assembles (with pvlab's assembler and, when installed,
 * identically with GNU as), starts at `_start` = USER_BASE, and agrees with the catalog —
 * parameters are global words in .data with the catalog's defaults, limits and ABI constants
 * are the same numbers on both sides, and each program names itself as the catalog does.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { flatImage, type AsmResult } from '../../src/asm/index.js';
import { readElf } from '../../src/asm/elf.js';
import { PAGE_SHIFT } from '../../src/isa/csr.js';
import { assembleGuest, USER_BASE } from '../../src/guest/image.js';
import { guestPath } from '../../src/guest/paths.js';
import { FNV_OFFSET_BASIS, FNV_PRIME, USER_ABI, WORKLOADS, workloadByName } from '../../src/guest/workloads.js';

const assembleWorkload = (name: string): AsmResult => assembleGuest(workloadByName(name).source, USER_BASE);

function symbolValue(r: AsmResult, name: string): number {
  const s = r.symbols.find((x) => x.name === name);
  if (s === undefined) throw new Error(`no symbol ${name}`);
  return s.value >>> 0;
}

function wordAt(r: AsmResult, addr: number): number {
  const { base, bytes } = flatImage(r);
  return new DataView(bytes.buffer, bytes.byteOffset).getUint32(addr - base, true);
}

function stringAt(r: AsmResult, addr: number): string {
  const { base, bytes } = flatImage(r);
  const from = addr - base;
  return Buffer.from(bytes.subarray(from, bytes.indexOf(0, from))).toString('latin1');
}

describe('workload sources', () => {
  it('are exactly the catalog (besides the kernel tests ktest_*.S)', () => {
    const files = readdirSync(guestPath('user'))
      .filter((f) => f.endsWith('.S') && !f.startsWith('ktest_'))
      .map((f) => f.slice(0, -2))
      .sort();
    expect(files).toEqual(WORKLOADS.map((w) => w.name).sort());
    for (const w of WORKLOADS) expect(existsSync(guestPath(w.source))).toBe(true);
  });

  it.each(WORKLOADS.map((w) => w.name))('%s assembles, with _start as the first byte of .text at USER_BASE', (name) => {
    const r = assembleWorkload(name);
    const text = r.sections.find((s) => s.name === '.text');
    expect(text?.addr).toBe(USER_BASE);
    expect(symbolValue(r, '_start')).toBe(USER_BASE);
    expect(r.entry).toBe(USER_BASE);
    expect(flatImage(r).base).toBe(USER_BASE);
  });

  it.each(WORKLOADS.map((w) => w.name))('%s declares the catalog parameters as global .data words with the catalog defaults', (name) => {
    const w = workloadByName(name);
    const r = assembleWorkload(name);
    const data = r.sections.find((s) => s.name === '.data');
    const globalsInData = r.symbols.filter((s) => s.global && s.section === '.data').map((s) => s.name).sort();
    expect(globalsInData).toEqual(w.params.map((p) => p.name).sort());
    expect(w.params[0]?.name).toBe('iterations');
    for (const p of w.params) {
      const at = symbolValue(r, p.name);
      expect(at % 4, `${p.name} is word-aligned`).toBe(0);
      expect(at >= (data?.addr ?? 0) && at + 4 <= (data?.addr ?? 0) + (data?.bytes.length ?? 0)).toBe(true);
      expect(wordAt(r, at), `default of ${p.name}`).toBe(p.default);
    }
  });

  it.each(WORKLOADS.map((w) => w.name))('%s names itself as the catalog does', (name) => {
    const r = assembleWorkload(name);
    expect(stringAt(r, symbolValue(r, 'workload_name'))).toBe(name);
  });

  it('uses the ABI constants and limits the catalog assumes', () => {
    const any = assembleWorkload('null-syscall');
    expect(symbolValue(any, 'FD_STDOUT')).toBe(USER_ABI.FD_STDOUT);
    expect(symbolValue(any, 'EXIT_STATUS_MASK')).toBe(USER_ABI.EXIT_STATUS_MASK);
    expect(symbolValue(any, 'SECTOR_SIZE')).toBe(USER_ABI.SECTOR_SIZE);
    expect(symbolValue(any, 'USER_MMAP_BASE')).toBe(USER_ABI.USER_MMAP_BASE);
    expect(symbolValue(any, 'USER_MMAP_SIZE')).toBe(USER_ABI.USER_MMAP_SIZE);
    expect(symbolValue(any, 'FNV_OFFSET_BASIS')).toBe(FNV_OFFSET_BASIS);
    expect(symbolValue(any, 'FNV_PRIME')).toBe(FNV_PRIME);

    const limit = (workload: string, param: string): number =>
      workloadByName(workload).params.find((p) => p.name === param)?.max as number;
    expect(symbolValue(assembleWorkload('console'), 'CONSOLE_MAX_BYTES')).toBe(limit('console', 'bytes'));
    expect(symbolValue(assembleWorkload('block-io'), 'BLOCK_MAX_SECTORS')).toBe(limit('block-io', 'sectors'));
    expect(USER_ABI.USER_MMAP_SIZE >>> PAGE_SHIFT).toBe(limit('mmap', 'pages'));
    expect(symbolValue(assembleWorkload('tlb-walk'), 'TLB_WALK_MAX_PAGES')).toBe(limit('tlb-walk', 'pages'));
  });
});

// ---- GNU as: the same bytes ----------------------------------------------------------------

const AS = 'riscv64-unknown-elf-as';
const LD = 'riscv64-unknown-elf-ld';
const has = (tool: string): boolean => spawnSync(tool, ['--version']).status === 0;

describe.skipIf(!has(AS) || !has(LD))('workloads built by GNU as and ld', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pvlab-workloads-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(WORKLOADS.map((w) => w.name))('%s: GNU gives the same image and symbols', (name) => {
    const ours = assembleWorkload(name);
    const obj = join(dir, `${name}.o`);
    const elfPath = join(dir, `${name}.elf`);
    const script = join(dir, `${name}.ld`);
    // GNU as resolves .include against -I directories rather than the including file.
    execFileSync(AS, [
      '-march=rv32ima_zicsr', '-mabi=ilp32', '-mno-relax', '-I', guestPath('user'), '-I', guestPath('user', 'lib'),
      '-o', obj, guestPath(workloadByName(name).source),
    ], { stdio: 'pipe' });
    const placements = ours.sections.map((s) => `  ${s.name} 0x${s.addr.toString(16)} : { *(${s.name}) }`);
    writeFileSync(script, `ENTRY(_start)\nSECTIONS {\n${placements.join('\n')}\n}\n`);
    execFileSync(LD, ['-m', 'elf32lriscv', '--no-relax', '--no-warn-rwx-segments', '-T', script, '-o', elfPath, obj], { stdio: 'pipe' });
    const elf = readElf(readFileSync(elfPath), elfPath);

    const { base, bytes } = flatImage(ours);
    const theirs = new Uint8Array(bytes.length);
    for (const s of elf.segments) {
      for (let i = 0; i < s.data.length; i++) {
        const at = s.vaddr - base + i;
        if (at >= 0 && at < theirs.length) theirs[at] = s.data[i] as number;
      }
    }
    const lines = new Map(ours.lineMap.map((l) => [l.addr, `${l.file}:${l.line}`]));
    const differing: string[] = [];
    for (let at = 0; at < bytes.length; at += 4) {
      const a = Buffer.from(bytes.subarray(at, at + 4)).toString('hex');
      const b = Buffer.from(theirs.subarray(at, at + 4)).toString('hex');
      if (a !== b) differing.push(`0x${(base + at).toString(16)} ${lines.get(base + at) ?? ''}: pvlab ${a}, GNU ${b}`);
    }
    expect(differing).toEqual([]);
    expect(elf.entry).toBe(ours.entry);
    for (const s of ours.symbols.filter((x) => x.global)) expect(elf.symbols.get(s.name), s.name).toBe(s.value >>> 0);
  });
});
