/**
 * ELF32 constants and structure sizes, by their names in the System V ABI (gABI) and the
 * RISC-V ELF psABI. Only what an executable with a symbol table needs.
 */

export const ELFMAG = [0x7f, 0x45, 0x4c, 0x46]; // "\x7fELF"
export const EI_CLASS = 4;
export const EI_DATA = 5;
export const EI_VERSION = 6;
export const EI_OSABI = 7;
export const EI_NIDENT = 16;
export const ELFCLASS32 = 1;
export const ELFCLASS64 = 2;
export const ELFDATA2LSB = 1;
export const EV_CURRENT = 1;
export const ELFOSABI_NONE = 0;

export const ET_REL = 1;
export const ET_EXEC = 2;
export const ET_DYN = 3;
export const EM_RISCV = 243;
/** RISC-V e_flags: soft-float ABI (ilp32), no RVC — what -march=rv32ima -mabi=ilp32 produces. */
export const EF_RISCV_FLOAT_ABI_SOFT = 0;

export const PT_LOAD = 1;
export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;

export const SHT_NULL = 0;
export const SHT_PROGBITS = 1;
export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_NOBITS = 8;
export const SHF_WRITE = 0x1;
export const SHF_ALLOC = 0x2;
export const SHF_EXECINSTR = 0x4;
export const SHN_UNDEF = 0;
export const SHN_ABS = 0xfff1;

export const STB_LOCAL = 0;
export const STB_GLOBAL = 1;
export const STB_WEAK = 2;
export const STT_NOTYPE = 0;
export const STT_SECTION = 3;
export const STT_FILE = 4;
export const STV_DEFAULT = 0;

export const st_info = (bind: number, type: number): number => (bind << 4) | (type & 0xf);
export const ST_BIND = (info: number): number => info >> 4;
export const ST_TYPE = (info: number): number => info & 0xf;

/** Structure sizes in ELF32. */
export const EHDR_SIZE = 52;
export const PHDR_SIZE = 32;
export const SHDR_SIZE = 40;
export const SYM_SIZE = 16;

/** Field offsets within Elf32_Ehdr. */
export const Ehdr = {
  e_type: 16, e_machine: 18, e_version: 20, e_entry: 24, e_phoff: 28, e_shoff: 32, e_flags: 36,
  e_ehsize: 40, e_phentsize: 42, e_phnum: 44, e_shentsize: 46, e_shnum: 48, e_shstrndx: 50,
} as const;

/** Field offsets within Elf32_Phdr. */
export const Phdr = {
  p_type: 0, p_offset: 4, p_vaddr: 8, p_paddr: 12, p_filesz: 16, p_memsz: 20, p_flags: 24, p_align: 28,
} as const;

/** Field offsets within Elf32_Shdr. */
export const Shdr = {
  sh_name: 0, sh_type: 4, sh_flags: 8, sh_addr: 12, sh_offset: 16, sh_size: 20, sh_link: 24,
  sh_info: 28, sh_addralign: 32, sh_entsize: 36,
} as const;

/** Field offsets within Elf32_Sym. */
export const Sym = { st_name: 0, st_value: 4, st_size: 8, st_info: 12, st_other: 13, st_shndx: 14 } as const;
