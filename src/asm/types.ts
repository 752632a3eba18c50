/**
 * The assembler's public data types. Other layers (the CLI, the machine's loader, the
 * harness that patches workload parameters by symbol) code against exactly these shapes.
 */

export interface AsmOptions {
  /** Name used in diagnostics and the line map for the top-level source. */
  fileName?: string;
  /** Address of the first section (default 0x8000_0000, RAM on QEMU's virt board). */
  base?: number;
  /** How `.include` reads a file (default: the file system). Tests supply files from memory. */
  readFile?: (path: string) => string;
  /** Predefined absolute symbols, as `--defsym name=value` would (e.g. to pick a guest build). */
  defines?: Record<string, number>;
}

export interface AsmDiagnostic {
  file: string;
  line: number;
  col: number;
  message: string;
}

export interface AsmSection {
  name: string;
  addr: number;
  /** The section's contents; for a bss (nobits) section, zeros of the section's size. */
  bytes: Uint8Array;
  nobits: boolean;
}

export interface AsmSymbol {
  name: string;
  /** Final value: an address for labels, the constant for `.equ` symbols (as uint32). */
  value: number;
  global: boolean;
  /** Section the symbol is defined in, or null for absolute (`.equ`) symbols. */
  section: string | null;
}

export interface LineMapEntry {
  addr: number;
  file: string;
  line: number;
}

export interface AsmResult {
  sections: AsmSection[];
  symbols: AsmSymbol[];
  /** `_start` if defined, else the base address. */
  entry: number;
  /** One entry per emitted instruction word, sorted by address. */
  lineMap: LineMapEntry[];
}
