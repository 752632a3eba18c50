/**
 * `pvlab disasm`: disassemble a program in GNU objdump's style (named CSRs, pseudo-instruction
 * aliases unless --no-aliases).
 */
import type { Argv } from 'yargs';
import { disassemble } from '../../isa/disasm.js';
import { VIRT } from '../../machine/memory-map.js';
import { loadProgram } from '../program.js';
import { parseAddress } from '../sizes.js';

export interface DisasmArgs {
  file: string;
  base: string;
  aliases: boolean;
}

export function disasmBuilder(y: Argv): Argv<DisasmArgs> {
  return y
    .positional('file', { type: 'string', demandOption: true, describe: 'program.elf, program.bin or program.S' })
    .option('base', { type: 'string', default: `0x${VIRT.DRAM_BASE.toString(16)}`, describe: 'load address of a flat binary' })
    .option('aliases', { type: 'boolean', default: true, describe: 'print pseudo-instructions (--no-aliases for raw)' }) as unknown as Argv<DisasmArgs>;
}

export function runDisasm(args: DisasmArgs): number {
  const program = loadProgram(args.file, parseAddress('base', args.base));
  const labels = new Map<number, string>();
  for (const [name, addr] of program.symbols) if (!labels.has(addr >>> 0)) labels.set(addr >>> 0, name);
  const hex = (v: number): string => (v >>> 0).toString(16).padStart(8, '0');
  const lines: string[] = [];
  for (const seg of program.segments) {
    const view = new DataView(seg.bytes.buffer, seg.bytes.byteOffset, seg.bytes.byteLength);
    for (let off = 0; off + 4 <= seg.bytes.length; off += 4) {
      const addr = (seg.addr + off) >>> 0;
      const label = labels.get(addr);
      if (label !== undefined) lines.push(`\n${hex(addr)} <${label}>:`);
      const word = view.getUint32(off, true);
      const text = disassemble(word, addr, { aliases: args.aliases, symbolize: (a) => labels.get(a >>> 0) });
      lines.push(`${addr.toString(16).padStart(8, ' ')}:\t${hex(word)}          \t${text}`);
    }
  }
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}
