/**
 * pvlab's assembler: GNU-as-compatible RISC-V (RV32IMA + Zicsr + Zifencei + privileged)
 * assembly → sections, symbols and a line map; see docs/assembler.md for the accepted syntax.
 *
 *   const r = assemble(source, { fileName: 'hello.S' });
 *   const { base, bytes } = flatImage(r);       // or writeElf(r) from './elf.js'
 */
import { Assembler } from './assembler.js';
import type { AsmOptions, AsmResult } from './types.js';

export { AsmError, formatDiagnostic } from './diagnostics.js';
export { flatImage } from './layout.js';
export type { AsmDiagnostic, AsmOptions, AsmResult, AsmSection, AsmSymbol, LineMapEntry } from './types.js';

/** Assembles one program (one source plus whatever it .includes). Throws AsmError listing every problem. */
export function assemble(source: string, opts: AsmOptions = {}): AsmResult {
  return new Assembler(opts).run(source);
}
