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
  if (ELF_MAGIC.every((b, i) => bytes[i] === b)) {
    const elf = readElf(bytes, path);
    return {
      entry: elf.entry,
      segments: elf.segments.map((s) => {
        const full = new Uint8Array(s.memsz);
        full.set(s.data);
        return { addr: s.paddr, bytes: full };
      }),
      symbols: elf.symbols,
    };
  }
  const ext = extname(path).toLowerCase();
  if (ext === '.s' || ext === '.asm') {
    const asm = assemble(Buffer.from(bytes).toString('utf8'), { fileName: path, base });
    return fromAsm(asm);
  }
  return { entry: base, segments: [{ addr: base, bytes }], symbols: new Map() };
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
