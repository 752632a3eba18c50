/**
 * ELF32 executables: writing our assembler's output and reading executables — ours and those
 * the GNU toolchain links (riscv64-unknown-elf-gcc -march=rv32ima_zicsr -mabi=ilp32 -nostdlib).
 *
 * The writer makes one PT_LOAD program header per section (bss as memsz > filesz), section
 * headers for every section plus .symtab/.strtab/.shstrtab, and e_entry from the result.
 * The reader loads by program headers, as a boot loader does, and takes symbols from .symtab
 * when there is one.
 */
import {
  EF_RISCV_FLOAT_ABI_SOFT, EHDR_SIZE, Ehdr, EI_CLASS, EI_DATA, EI_NIDENT, EI_OSABI, EI_VERSION, ELFCLASS32,
  ELFCLASS64, ELFDATA2LSB, ELFMAG, ELFOSABI_NONE, EM_RISCV, ET_DYN, ET_EXEC, ET_REL, EV_CURRENT, PF_R, PF_W, PF_X,
  PHDR_SIZE, Phdr, PT_LOAD, SHDR_SIZE, Shdr, SHF_ALLOC, SHF_EXECINSTR, SHF_WRITE, SHN_ABS, SHN_UNDEF, SHT_NOBITS,
  SHT_NULL, SHT_PROGBITS, SHT_STRTAB, SHT_SYMTAB, ST_BIND, ST_TYPE, st_info, STB_GLOBAL, STB_LOCAL, STB_WEAK,
  STT_FILE, STT_NOTYPE, STT_SECTION, STV_DEFAULT, SYM_SIZE, Sym,
} from './elf-format.js';
import { alignUp } from './layout.js';
import { sectionAttributes } from './sections.js';
import type { AsmResult } from './types.js';

export interface ElfSegment {
  paddr: number;
  vaddr: number;
  /** The segment's file contents (p_filesz bytes); the rest up to memsz is zero. */
  data: Uint8Array;
  memsz: number;
}

export interface ElfImage {
  entry: number;
  segments: ElfSegment[];
  symbols: Map<string, number>;
}

export class ElfError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ElfError';
  }
}

/** Alignment of the symbol table and section header table in the file. */
const WORD_ALIGN = 4;

/** A string table under construction (offset 0 is the empty string, as ELF requires). */
class StringTable {
  private readonly parts: Uint8Array[] = [new Uint8Array(1)];
  private size = 1;
  private readonly offsets = new Map<string, number>();

  add(s: string): number {
    if (s === '') return 0;
    const known = this.offsets.get(s);
    if (known !== undefined) return known;
    const bytes = new TextEncoder().encode(`${s}\0`);
    const off = this.size;
    this.parts.push(bytes);
    this.size += bytes.length;
    this.offsets.set(s, off);
    return off;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

interface SectionHeader {
  name: number;
  type: number;
  flags: number;
  addr: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  addralign: number;
  entsize: number;
}

/**
 * sh_addralign for a section: AsmSection records only the address, so use the largest power of
 * two the address is aligned to (at least a word, at most a page) — always a valid claim.
 */
function sectionAlign(addr: number): number {
  const PAGE = 4096;
  let a = 1;
  while (a < PAGE && addr % (a * 2) === 0) a *= 2;
  return Math.max(a, WORD_ALIGN);
}

export function writeElf(r: AsmResult): Uint8Array {
  const shstr = new StringTable();
  const strtab = new StringTable();
  const sections = r.sections;
  const loadable = sections.filter((s) => s.bytes.length > 0);

  // File layout: header, program headers, section contents, symbols, strings, section headers.
  let offset = EHDR_SIZE + PHDR_SIZE * loadable.length;
  const headers: SectionHeader[] = [{ name: 0, type: SHT_NULL, flags: 0, addr: 0, offset: 0, size: 0, link: 0, info: 0, addralign: 0, entsize: 0 }];
  const contentOffsets: number[] = [];
  for (const s of sections) {
    const align = sectionAlign(s.addr);
    // p_offset ≡ p_vaddr (mod p_align), as loaders expect.
    offset = alignUp(offset, align);
    contentOffsets.push(offset);
    // AsmSection carries no flags; they follow from the name as they did when assembling.
    const attrs = sectionAttributes(s.name);
    const flags = SHF_ALLOC | (attrs.code ? SHF_EXECINSTR : 0) | (attrs.writable || s.nobits ? SHF_WRITE : 0);
    headers.push({
      name: shstr.add(s.name), type: s.nobits ? SHT_NOBITS : SHT_PROGBITS, flags, addr: s.addr, offset,
      size: s.bytes.length, link: 0, info: 0, addralign: align, entsize: 0,
    });
    if (!s.nobits) offset += s.bytes.length;
  }

  // Symbols: the null symbol, then locals, then globals (sh_info = index of the first global).
  const sectionIndex = new Map(sections.map((s, i) => [s.name, i + 1]));
  const ordered = [...r.symbols.filter((s) => !s.global), ...r.symbols.filter((s) => s.global)];
  const symtab = new Uint8Array(SYM_SIZE * (ordered.length + 1));
  const sv = new DataView(symtab.buffer);
  ordered.forEach((s, i) => {
    const at = SYM_SIZE * (i + 1);
    sv.setUint32(at + Sym.st_name, strtab.add(s.name), true);
    sv.setUint32(at + Sym.st_value, s.value >>> 0, true);
    sv.setUint32(at + Sym.st_size, 0, true);
    sv.setUint8(at + Sym.st_info, st_info(s.global ? STB_GLOBAL : STB_LOCAL, STT_NOTYPE));
    sv.setUint8(at + Sym.st_other, STV_DEFAULT);
    const shndx = s.section === null ? SHN_ABS : sectionIndex.get(s.section) ?? SHN_ABS;
    sv.setUint16(at + Sym.st_shndx, shndx, true);
  });
  const firstGlobal = 1 + ordered.filter((s) => !s.global).length;

  const symtabIndex = headers.length;
  const strtabIndex = symtabIndex + 1;
  const shstrtabIndex = symtabIndex + 2;
  offset = alignUp(offset, WORD_ALIGN);
  const symtabOffset = offset;
  headers.push({
    name: shstr.add('.symtab'), type: SHT_SYMTAB, flags: 0, addr: 0, offset, size: symtab.length,
    link: strtabIndex, info: firstGlobal, addralign: WORD_ALIGN, entsize: SYM_SIZE,
  });
  offset += symtab.length;
  const strBytes = strtab.bytes();
  const strtabOffset = offset;
  headers.push({ name: shstr.add('.strtab'), type: SHT_STRTAB, flags: 0, addr: 0, offset, size: strBytes.length, link: 0, info: 0, addralign: 1, entsize: 0 });
  offset += strBytes.length;
  const shstrName = shstr.add('.shstrtab');
  const shstrBytes = shstr.bytes();
  const shstrOffset = offset;
  headers.push({ name: shstrName, type: SHT_STRTAB, flags: 0, addr: 0, offset, size: shstrBytes.length, link: 0, info: 0, addralign: 1, entsize: 0 });
  offset += shstrBytes.length;
  const shoff = alignUp(offset, WORD_ALIGN);
  const total = shoff + SHDR_SIZE * headers.length;

  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  out.set(ELFMAG, 0);
  out[EI_CLASS] = ELFCLASS32;
  out[EI_DATA] = ELFDATA2LSB;
  out[EI_VERSION] = EV_CURRENT;
  out[EI_OSABI] = ELFOSABI_NONE;
  v.setUint16(Ehdr.e_type, ET_EXEC, true);
  v.setUint16(Ehdr.e_machine, EM_RISCV, true);
  v.setUint32(Ehdr.e_version, EV_CURRENT, true);
  v.setUint32(Ehdr.e_entry, r.entry >>> 0, true);
  v.setUint32(Ehdr.e_phoff, loadable.length > 0 ? EHDR_SIZE : 0, true);
  v.setUint32(Ehdr.e_shoff, shoff, true);
  v.setUint32(Ehdr.e_flags, EF_RISCV_FLOAT_ABI_SOFT, true);
  v.setUint16(Ehdr.e_ehsize, EHDR_SIZE, true);
  v.setUint16(Ehdr.e_phentsize, PHDR_SIZE, true);
  v.setUint16(Ehdr.e_phnum, loadable.length, true);
  v.setUint16(Ehdr.e_shentsize, SHDR_SIZE, true);
  v.setUint16(Ehdr.e_shnum, headers.length, true);
  v.setUint16(Ehdr.e_shstrndx, shstrtabIndex, true);

  let ph = EHDR_SIZE;
  sections.forEach((s, i) => {
    const h = headers[i + 1] as SectionHeader;
    if (!s.nobits) out.set(s.bytes, contentOffsets[i] as number);
    if (s.bytes.length === 0) return;
    v.setUint32(ph + Phdr.p_type, PT_LOAD, true);
    v.setUint32(ph + Phdr.p_offset, h.offset, true);
    v.setUint32(ph + Phdr.p_vaddr, s.addr, true);
    v.setUint32(ph + Phdr.p_paddr, s.addr, true);
    v.setUint32(ph + Phdr.p_filesz, s.nobits ? 0 : s.bytes.length, true);
    v.setUint32(ph + Phdr.p_memsz, s.bytes.length, true);
    const flags = PF_R | ((h.flags & SHF_EXECINSTR) !== 0 ? PF_X : 0) | ((h.flags & SHF_WRITE) !== 0 ? PF_W : 0);
    v.setUint32(ph + Phdr.p_flags, flags, true);
    v.setUint32(ph + Phdr.p_align, h.addralign, true);
    ph += PHDR_SIZE;
  });
  out.set(symtab, symtabOffset);
  out.set(strBytes, strtabOffset);
  out.set(shstrBytes, shstrOffset);
  headers.forEach((h, i) => {
    const at = shoff + SHDR_SIZE * i;
    v.setUint32(at + Shdr.sh_name, h.name, true);
    v.setUint32(at + Shdr.sh_type, h.type, true);
    v.setUint32(at + Shdr.sh_flags, h.flags, true);
    v.setUint32(at + Shdr.sh_addr, h.addr, true);
    v.setUint32(at + Shdr.sh_offset, h.offset, true);
    v.setUint32(at + Shdr.sh_size, h.size, true);
    v.setUint32(at + Shdr.sh_link, h.link, true);
    v.setUint32(at + Shdr.sh_info, h.info, true);
    v.setUint32(at + Shdr.sh_addralign, h.addralign, true);
    v.setUint32(at + Shdr.sh_entsize, h.entsize, true);
  });
  return out;
}

// ---- reading ----------------------------------------------------------------------------------

const ELF_TYPE_PROBLEMS: Readonly<Record<number, string>> = {
  [ET_REL]: 'is a relocatable object file (.o), not an executable: link it first',
  [ET_DYN]: 'is a shared object or position-independent executable; link a static, non-PIE executable',
};

export function readElf(bytes: Uint8Array, fileName = 'ELF image'): ElfImage {
  const fail = (what: string): never => {
    throw new ElfError(`${fileName}: ${what}`);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = bytes.length;
  if (size < EI_NIDENT || !ELFMAG.every((b, i) => bytes[i] === b)) fail('not an ELF file (bad magic number)');
  if (bytes[EI_CLASS] === ELFCLASS64) fail('is a 64-bit ELF file; pvlab runs RV32 programs (build with -march=rv32ima_zicsr -mabi=ilp32)');
  if (bytes[EI_CLASS] !== ELFCLASS32) fail(`not a 32-bit ELF file (EI_CLASS ${bytes[EI_CLASS]})`);
  if (bytes[EI_DATA] !== ELFDATA2LSB) fail('not a little-endian ELF file');
  if (size < EHDR_SIZE) fail(`truncated: ${size} bytes is shorter than the ELF header`);
  const u16 = (at: number): number => view.getUint16(at, true);
  const u32 = (at: number): number => view.getUint32(at, true);

  const machine = u16(Ehdr.e_machine);
  if (machine !== EM_RISCV) fail(`not a RISC-V executable (e_machine ${machine}, RISC-V is ${EM_RISCV})`);
  const type = u16(Ehdr.e_type);
  if (type !== ET_EXEC) fail(ELF_TYPE_PROBLEMS[type] ?? `not an executable (e_type ${type})`);

  const phoff = u32(Ehdr.e_phoff);
  const phnum = u16(Ehdr.e_phnum);
  const phentsize = u16(Ehdr.e_phentsize);
  if (phnum > 0 && phentsize < PHDR_SIZE) fail(`bad program header size ${phentsize}`);
  if (phoff + phnum * phentsize > size) fail('truncated: the program header table runs past the end of the file');
  const segments: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (u32(at + Phdr.p_type) !== PT_LOAD) continue;
    const offset = u32(at + Phdr.p_offset);
    const filesz = u32(at + Phdr.p_filesz);
    const memsz = u32(at + Phdr.p_memsz);
    if (memsz === 0) continue;
    if (filesz > memsz) fail(`program header ${i}: file size ${filesz} exceeds memory size ${memsz}`);
    if (offset + filesz > size) fail(`truncated: segment ${i} runs past the end of the file`);
    segments.push({
      paddr: u32(at + Phdr.p_paddr),
      vaddr: u32(at + Phdr.p_vaddr),
      data: bytes.slice(offset, offset + filesz),
      memsz,
    });
  }
  const sections = readAllocSections(bytes, view, fail);
  return {
    entry: u32(Ehdr.e_entry),
    segments: segments.map((seg) => trimToSections(seg, sections)),
    symbols: readSymbols(bytes, view, fail),
  };
}

/**
 * GNU ld's first PT_LOAD usually also maps the ELF and program headers, in the page below
 * .text (0x7fff_f000 for -Ttext=0x8000_0000) — not program content, and often outside RAM.
 * When section headers say where the content is, a segment is trimmed to the allocated
 * sections it holds, which is what objcopy -O binary keeps.
 */
function trimToSections(seg: ElfSegment, sections: readonly { addr: number; size: number }[]): ElfSegment {
  const inside = sections.filter((s) => s.addr >= seg.vaddr && s.addr + s.size <= seg.vaddr + seg.memsz);
  if (inside.length === 0) return seg;
  const start = Math.min(...inside.map((s) => s.addr));
  const end = Math.max(...inside.map((s) => s.addr + s.size));
  const skip = start - seg.vaddr;
  return {
    paddr: seg.paddr + skip,
    vaddr: start,
    data: seg.data.slice(Math.min(skip, seg.data.length), Math.min(end - seg.vaddr, seg.data.length)),
    memsz: end - start,
  };
}

/** Address ranges of the allocated, non-empty sections (none for a file without section headers). */
function readAllocSections(bytes: Uint8Array, view: DataView, fail: (what: string) => never): { addr: number; size: number }[] {
  const u16 = (at: number): number => view.getUint16(at, true);
  const u32 = (at: number): number => view.getUint32(at, true);
  const shoff = u32(Ehdr.e_shoff);
  const shnum = u16(Ehdr.e_shnum);
  const shentsize = u16(Ehdr.e_shentsize);
  if (shoff === 0 || shnum === 0) return [];
  if (shentsize < SHDR_SIZE) fail(`bad section header size ${shentsize}`);
  if (shoff + shnum * shentsize > bytes.length) fail('truncated: the section header table runs past the end of the file');
  const out: { addr: number; size: number }[] = [];
  for (let i = 0; i < shnum; i++) {
    const sh = shoff + i * shentsize;
    const size = u32(sh + Shdr.sh_size);
    if ((u32(sh + Shdr.sh_flags) & SHF_ALLOC) !== 0 && size > 0) out.push({ addr: u32(sh + Shdr.sh_addr), size });
  }
  return out;
}

/** Symbols from .symtab (empty for a stripped file). Globals win over locals of the same name. */
function readSymbols(bytes: Uint8Array, view: DataView, fail: (what: string) => never): Map<string, number> {
  const symbols = new Map<string, number>();
  const u16 = (at: number): number => view.getUint16(at, true);
  const u32 = (at: number): number => view.getUint32(at, true);
  const shoff = u32(Ehdr.e_shoff);
  const shnum = u16(Ehdr.e_shnum);
  const shentsize = u16(Ehdr.e_shentsize);
  if (shoff === 0 || shnum === 0) return symbols;
  if (shentsize < SHDR_SIZE) fail(`bad section header size ${shentsize}`);
  if (shoff + shnum * shentsize > bytes.length) fail('truncated: the section header table runs past the end of the file');
  const header = (i: number): number => shoff + i * shentsize;
  const decoder = new TextDecoder();

  for (let i = 0; i < shnum; i++) {
    const sh = header(i);
    if (u32(sh + Shdr.sh_type) !== SHT_SYMTAB) continue;
    const off = u32(sh + Shdr.sh_offset);
    const len = u32(sh + Shdr.sh_size);
    const entsize = u32(sh + Shdr.sh_entsize) || SYM_SIZE;
    const link = u32(sh + Shdr.sh_link);
    if (off + len > bytes.length) fail('truncated: the symbol table runs past the end of the file');
    if (link >= shnum) fail(`symbol table links to string table ${link}, which does not exist`);
    const strOff = u32(header(link) + Shdr.sh_offset);
    const strLen = u32(header(link) + Shdr.sh_size);
    if (strOff + strLen > bytes.length) fail('truncated: the string table runs past the end of the file');
    const name = (at: number): string => {
      let end = strOff + at;
      while (end < strOff + strLen && bytes[end] !== 0) end++;
      return decoder.decode(bytes.subarray(strOff + at, end));
    };
    const locals: [string, number][] = [];
    const globals: [string, number][] = [];
    for (let at = off; at + SYM_SIZE <= off + len; at += entsize) {
      const info = bytes[at + Sym.st_info] as number;
      const kind = ST_TYPE(info);
      const shndx = u16(at + Sym.st_shndx);
      const nameOff = u32(at + Sym.st_name);
      if (nameOff === 0 || kind === STT_SECTION || kind === STT_FILE || shndx === SHN_UNDEF) continue;
      if (nameOff >= strLen) fail(`symbol name offset ${nameOff} is outside the string table`);
      const bind = ST_BIND(info);
      const entry: [string, number] = [name(nameOff), u32(at + Sym.st_value)];
      (bind === STB_GLOBAL || bind === STB_WEAK ? globals : locals).push(entry);
    }
    for (const [n, v] of [...locals, ...globals]) symbols.set(n, v);
  }
  return symbols;
}

/**
 * A copy of an ELF executable with the 32-bit little-endian word at (physical) address `addr`
 * set to `value` — a parameter patched by symbol for a loader that reads the file itself
 * (QEMU's -kernel). The word must lie in the file contents of a PT_LOAD segment.
 */
export function patchElfWord(bytes: Uint8Array, addr: number, value: number): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const u32 = (at: number): number => view.getUint32(at, true);
  const phoff = u32(Ehdr.e_phoff);
  const phentsize = view.getUint16(Ehdr.e_phentsize, true);
  for (let i = 0; i < view.getUint16(Ehdr.e_phnum, true); i++) {
    const at = phoff + i * phentsize;
    if (u32(at + Phdr.p_type) !== PT_LOAD) continue;
    const rel = (addr >>> 0) - u32(at + Phdr.p_paddr);
    if (rel < 0 || rel + 4 > u32(at + Phdr.p_filesz)) continue;
    view.setUint32(u32(at + Phdr.p_offset) + rel, value >>> 0, true);
    return out;
  }
  throw new ElfError(`no loadable file contents at 0x${(addr >>> 0).toString(16)} to patch`);
}
