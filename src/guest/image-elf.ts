/**
 * A guest image as one ELF32 executable, for running elsewhere:
 * `qemu-system-riscv32 -M virt -bios none -kernel image.elf` loads each part at its physical
 * address and starts the firmware, exactly as pvlab boots it. Symbols of the kernel keep their
 * names (so traces and objdump read naturally); the firmware's are prefixed `firmware.`; the
 * workload's, whose values are user virtual addresses, are prefixed `user.`.
 */
import type { AsmResult, AsmSection, AsmSymbol } from '../asm/index.js';
import { writeElf } from '../asm/elf.js';
import type { GuestImage, ImagePart } from './image.js';

const SECTION_OF: Record<ImagePart['name'], string> = {
  firmware: '.text.firmware',
  kernel: '.text.kernel',
  user: '.data.workload',
};

export function imageToElf(image: GuestImage): Uint8Array {
  const sections: AsmSection[] = image.parts.map((p) => ({
    name: SECTION_OF[p.name], addr: p.addr, bytes: p.bytes, nobits: false,
  }));
  const symbols: AsmSymbol[] = [];
  for (const p of image.parts) {
    for (const s of p.asm.symbols) {
      if (s.section === null) continue; // .equ constants are not addresses
      const name = p.name === 'kernel' ? s.name : `${p.name}.${s.name}`;
      symbols.push({ name, value: s.value, global: s.global, section: p.name === 'user' ? null : SECTION_OF[p.name] });
    }
  }
  const combined: AsmResult = { sections, symbols, entry: image.entry, lineMap: [] };
  return writeElf(combined);
}
