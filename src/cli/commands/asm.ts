/**
 * `pvlab asm`: assemble GNU-as syntax into an ELF32 executable or a flat binary.
 */
import type { Argv } from 'yargs';
import { basename, extname } from 'node:path';
import { assemble, flatImage } from '../../asm/index.js';
import { writeElf } from '../../asm/elf.js';
import { VIRT } from '../../machine/memory-map.js';
import { writeFileAtomic } from '../../fs/write-atomic.js';
import { UserError } from '../errors.js';
import { parseAddress } from '../sizes.js';
import { readFileSync } from 'node:fs';

export interface AsmArgs {
  source: string;
  output?: string | undefined;
  format: string;
  base: string;
  symbols: boolean;
}

const FORMATS = ['elf', 'bin'] as const;

export function asmBuilder(y: Argv): Argv<AsmArgs> {
  return y
    .positional('source', { type: 'string', demandOption: true, describe: 'assembly source (GNU as syntax)' })
    .option('output', { alias: 'o', type: 'string', describe: 'output file (default: source name with .elf or .bin)' })
    .option('format', { type: 'string', default: 'elf', choices: FORMATS as unknown as string[], describe: 'ELF32 executable or flat binary' })
    .option('base', { type: 'string', default: `0x${VIRT.DRAM_BASE.toString(16)}`, describe: 'address of the first section' })
    .option('symbols', { type: 'boolean', default: false, describe: 'print the symbol table' }) as unknown as Argv<AsmArgs>;
}

export function runAsm(args: AsmArgs): number {
  let text: string;
  try {
    text = readFileSync(args.source, 'utf8');
  } catch (e) {
    throw new UserError(`${args.source}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  const base = parseAddress('base', args.base);
  const result = assemble(text, { fileName: args.source, base });
  const out = args.output ?? `${basename(args.source, extname(args.source))}.${args.format}`;
  const bytes = args.format === 'bin' ? flatImage(result).bytes : writeElf(result);
  writeFileAtomic(out, bytes);
  if (args.symbols) {
    for (const s of [...result.symbols].sort((a, b) => a.value - b.value)) {
      process.stdout.write(`${(s.value >>> 0).toString(16).padStart(8, '0')} ${s.global ? 'g' : 'l'} ${s.section ?? '*ABS*'} ${s.name}\n`);
    }
  }
  return 0;
}
