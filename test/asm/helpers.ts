/** Shared helpers for the assembler tests. */
import { expect } from 'vitest';
import { AsmError, assemble, type AsmDiagnostic, type AsmOptions, type AsmResult } from '../../src/asm/index.js';

export const BASE = 0x8000_0000;

export function section(r: AsmResult, name: string): { addr: number; bytes: Uint8Array; nobits: boolean } {
  const s = r.sections.find((x) => x.name === name);
  if (s === undefined) throw new Error(`no section ${name} in ${r.sections.map((x) => x.name).join(', ')}`);
  return s;
}

/** Little-endian 32-bit words of a byte array. */
export function wordsOf(bytes: Uint8Array): number[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = [];
  for (let i = 0; i + 4 <= bytes.length; i += 4) out.push(v.getUint32(i, true));
  return out;
}

/** The words of .text. */
export function words(source: string, opts?: AsmOptions): number[] {
  const r = assemble(source, opts);
  return r.sections.some((s) => s.name === '.text') ? wordsOf(section(r, '.text').bytes) : [];
}

/** Bytes of a section as an array. */
export function bytesOf(source: string, name: string, opts?: AsmOptions): number[] {
  return [...section(assemble(source, opts), name).bytes];
}

export function symbol(r: AsmResult, name: string): number {
  const s = r.symbols.find((x) => x.name === name);
  if (s === undefined) throw new Error(`no symbol ${name}`);
  return s.value;
}

/** The diagnostics of a source that must fail to assemble. */
export function diagnostics(source: string, opts?: AsmOptions): AsmDiagnostic[] {
  try {
    assemble(source, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(AsmError);
    return (e as AsmError).diagnostics;
  }
  throw new Error('expected the source to fail to assemble');
}

/** `line:col: message` of each diagnostic, for compact assertions. */
export function errors(source: string, opts?: AsmOptions): string[] {
  return diagnostics(source, opts).map((d) => `${d.line}:${d.col}: ${d.message}`);
}

/** Asserts that two sources assemble to the same .text words. */
export function expectSameCode(source: string, expected: string): void {
  expect(words(source), `${source}  ≡  ${expected}`).toEqual(words(expected));
}
