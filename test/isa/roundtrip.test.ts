/**
 * Disassembler → assembler round trip over every table row: each variant's word is
 * disassembled (with and without aliases), the text is assembled back by pvlab's assembler,
 * and the assembler must produce the same word. Together with objdump.test.ts (which does the
 * same with GNU as) this pins both tools to GNU's syntax: what the disassembler prints, the
 * assembler reads. See roundtrip-cases.ts for how a disassembly line becomes source.
 */
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AsmDiagnostic, AsmOptions, AsmResult } from '../../src/asm/types.js';
import { BASE, FIRST_LINE, INSN_BYTES, roundTripCases, roundTripSource, wrongWords } from './roundtrip-cases.js';

const ASM_INDEX = new URL('../../src/asm/index.ts', import.meta.url);
const HAVE_ASSEMBLER = existsSync(ASM_INDEX);

interface AsmModule {
  assemble(source: string, opts?: AsmOptions): AsmResult;
}

/** The text section's name in the assembler's output. */
const TEXT = '.text';

describe.skipIf(!HAVE_ASSEMBLER)('disassemble → assemble round trip', () => {
  let asm: AsmModule;
  beforeAll(async () => {
    // Imported dynamically so this file loads (and skips) while the assembler is absent.
    asm = (await import(ASM_INDEX.href)) as AsmModule;
  });

  it('gives back the word for every row, every variant, with and without aliases', () => {
    const cases = roundTripCases();
    let result: AsmResult;
    try {
      result = asm.assemble(roundTripSource(cases), { fileName: 'roundtrip.s', base: BASE });
    } catch (e) {
      const diags = (e as { diagnostics?: AsmDiagnostic[] }).diagnostics;
      if (diags === undefined) throw e;
      // Name the disassembly each error came from.
      const failures = diags.map((d) => {
        const c = cases[d.line - FIRST_LINE];
        return `${c?.text.replace(/\t/g, ' ') ?? '?'} (0x${(c?.word ?? 0).toString(16)}): ${d.message}`;
      });
      expect(failures).toEqual([]);
      return;
    }
    const text = result.sections.find((s) => s.name === TEXT);
    expect(text, 'a .text section').toBeDefined();
    expect(text!.addr).toBe(BASE);
    expect(text!.bytes.length).toBe(cases.length * INSN_BYTES);
    expect(wrongWords(cases, text!.bytes)).toEqual([]);
  });
});
