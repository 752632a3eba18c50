/**
 * Programs as users hand them to pvlab: assembly source (.S/.s, assembled here), an ELF32
 * executable (ours or the GNU toolchain's), or a flat binary loaded at a base address.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { assemble, type AsmResult } from '../asm/index.js';
import { readElf } from '../asm/elf.js';
import { VIRT } from '../machine/memory-map.js';
import { UserError } from './errors.js';

export interface LoadSegment {
  addr: number;
  bytes: Uint8Array;
}

export interface Program {
  /** Where execution starts (QEMU's -bios none -kernel jumps to the ELF entry / RAM base). */
  entry: number;
  segments: LoadSegment[];
  /** Symbol → address, for traces. */
  symbols: Map<string, number>;
  /** Present when the program was assembled here: source lines for traces. */
  asm?: AsmResult;
}

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];

function readInput(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`${path}: cannot read (${code === 'ENOENT' ? 'no such file' : code ?? String(e)})`);
  }
}

export function loadProgram(path: string, base: number = VIRT.DRAM_BASE): Program {
  const bytes = readInput(path);
  const ext = extname(path).toLowerCase();
  if (bytes.length === 0) throw new UserError(`${path}: empty file, nothing to run`);
  if (ELF_MAGIC.every((b, i) => bytes[i] === b)) return checkedElf(path, bytes);
  if (ext === '.elf') throw new UserError(`${path}: not an ELF file (it does not start with the ELF magic 7f 45 4c 46)`);
  if (ext === '.s' || ext === '.asm') {
    const asm = assemble(Buffer.from(bytes).toString('utf8'), { fileName: path, base });
    return fromAsm(asm);
  }
  return { entry: base, segments: [{ addr: base, bytes }], symbols: new Map() };
}

const hex = (v: number): string => `0x${(v >>> 0).toString(16).padStart(8, '0')}`;

/** An ELF as a loader would take it: its entry on an instruction boundary, no two segments
 *  loaded over each other. */
function checkedElf(path: string, bytes: Uint8Array): Program {
  const elf = readElf(bytes, path);
  if (elf.entry % 4 !== 0) {
    throw new UserError(`${path}: entry point ${hex(elf.entry)} is not 4-byte aligned (RV32I without compressed instructions)`);
  }
  const segments = elf.segments.map((s) => {
    const full = new Uint8Array(s.memsz);
    full.set(s.data);
    return { addr: s.paddr, bytes: full };
  });
  refuseOverlaps(path, segments);
  return { entry: elf.entry, segments, symbols: elf.symbols };
}

function refuseOverlaps(path: string, segments: readonly LoadSegment[]): void {
  const spans = segments.map((s, i) => ({ i, start: s.addr >>> 0, end: (s.addr >>> 0) + s.bytes.length }))
    .filter((s) => s.end > s.start).sort((a, b) => a.start - b.start);
  for (let k = 1; k < spans.length; k++) {
    const a = spans[k - 1] as (typeof spans)[number];
    const b = spans[k] as (typeof spans)[number];
    if (b.start < a.end) {
      throw new UserError(`${path}: loadable segments ${a.i} (${hex(a.start)}-${hex(a.end - 1)}) and ${b.i} ` +
        `(${hex(b.start)}-${hex(b.end - 1)}) overlap`);
    }
  }
}

export function fromAsm(asm: AsmResult): Program {
  return {
    entry: asm.entry,
    segments: asm.sections
      .filter((s) => s.bytes.length > 0)
      .map((s) => ({ addr: s.addr, bytes: s.bytes })),
    symbols: new Map(asm.symbols.map((s) => [s.name, s.value])),
    asm,
  };
}
