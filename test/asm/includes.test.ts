/** .include: resolution relative to the including file, a resolver for in-memory files, errors. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/index.js';
import { diagnostics, expectSameCode, wordsOf } from './helpers.js';

/** A resolver over in-memory files that records what was asked for. */
function files(map: Record<string, string>): { readFile: (p: string) => string; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    readFile: (p) => {
      asked.push(p);
      const text = map[p];
      if (text === undefined) throw new Error('ENOENT: no such file');
      return text;
    },
  };
}

describe('.include', () => {
  it('reads files through the resolver, relative to the including file', () => {
    const fs = files({
      'kernel/defs.inc': '.equ STACK_SIZE, 4096\n.include "sub/regs.inc"',
      'kernel/sub/regs.inc': '.macro zero_reg r\n mv \\r, zero\n.endm',
    });
    const r = assemble('.include "defs.inc"\n li sp, STACK_SIZE\n zero_reg a0', { fileName: 'kernel/main.S', readFile: fs.readFile });
    expect(fs.asked).toEqual(['kernel/defs.inc', 'kernel/sub/regs.inc']);
    expect(wordsOf(r.sections[0]?.bytes as Uint8Array)).toEqual(wordsOf(assemble('lui sp, 1\n mv a0, zero').sections[0]?.bytes as Uint8Array));
  });

  it('reads from the file system by default', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pvlab-inc-'));
    try {
      mkdirSync(join(dir, 'inc'));
      writeFileSync(join(dir, 'inc', 'a.inc'), '.word 7\n.include "b.inc"\n');
      writeFileSync(join(dir, 'inc', 'b.inc'), '.word 8\n');
      expectSameCode(`.include "${join(dir, 'inc', 'a.inc')}"`, '.word 7, 8');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('puts the included file name and lines in diagnostics and the line map', () => {
    const fs = files({ 'lib.inc': ' nop\n addi a0, a0, 9999\n' });
    const d = diagnostics('.include "lib.inc"\n nop', { fileName: 'main.S', readFile: fs.readFile });
    expect(d).toEqual([{ file: 'lib.inc', line: 2, col: 15, message: 'immediate 9999 out of range [-2048, 2047] for addi' }]);
    const ok = files({ 'lib.inc': ' nop\n nop\n' });
    const r = assemble(' nop\n.include "lib.inc"\n nop', { fileName: 'main.S', readFile: ok.readFile });
    expect(r.lineMap.map((l) => `${l.file}:${l.line}`)).toEqual(['main.S:1', 'lib.inc:1', 'lib.inc:2', 'main.S:3']);
  });

  it('reports a missing file at the .include', () => {
    const d = diagnostics(' nop\n .include "nope.inc"', { fileName: 'main.S', readFile: files({}).readFile });
    expect(d).toEqual([{ file: 'main.S', line: 2, col: 2, message: "cannot read include file 'nope.inc': ENOENT: no such file" }]);
  });

  it('stops a file that includes itself', () => {
    const fs = files({ 'loop.inc': '.include "loop.inc"' });
    const d = diagnostics('.include "loop.inc"', { readFile: fs.readFile });
    expect(d).toHaveLength(1);
    expect(d[0]?.message).toMatch(/nested more than \d+ deep/);
  });
});
