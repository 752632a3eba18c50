/**
 * The pv-ops rule: every privileged instruction of the kernel comes from a PV_* macro of
 * guests/kernel/pvops.S, so that the paravirt build can differ in that file alone. Checked on
 * the binary (each CSR access, sret, wfi, sfence.vma and ecall is traced through the line map
 * to the source line that produced it) and on the sources. Also: the paravirt side stops the
 * build with a clear message until it is written, and GNU as + ld build the same bytes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble, flatImage } from '../../src/asm/index.js';
import { guestPath } from '../../src/guest/paths.js';
import { KERNEL_BASE } from '../../src/guest/image.js';
import { decodeSpec } from '../../src/isa/decode.js';

const KERNEL = guestPath('kernel', 'kernel.S');
const build = (paravirt: 0 | 1) =>
  assemble(readFileSync(KERNEL, 'utf8'), { fileName: KERNEL, base: KERNEL_BASE, defines: { BUILD_PARAVIRT: paravirt } });

/** Instructions that only privileged software uses (or that call the firmware). */
const PRIVILEGED = /^(csrr[wsc]i?|sret|mret|wfi|sfence\.vma|ecall)$/;

describe('the pv-ops layer', () => {
  it('every privileged instruction in the kernel binary is the expansion of a PV_ macro', () => {
    const r = build(0);
    const text = r.sections.find((s) => s.name === '.text')!;
    const lines = new Map<string, string[]>();
    const sourceLine = (file: string, line: number): string => {
      if (!lines.has(file)) lines.set(file, readFileSync(file, 'utf8').split('\n'));
      return (lines.get(file) as string[])[line - 1] ?? '';
    };
    const view = new DataView(text.bytes.buffer, text.bytes.byteOffset, text.bytes.byteLength);
    let privileged = 0;
    const offenders: string[] = [];
    for (const entry of r.lineMap) {
      if (entry.addr < text.addr || entry.addr >= text.addr + text.bytes.length) continue;
      const spec = decodeSpec(view.getUint32(entry.addr - text.addr, true));
      if (!spec || !PRIVILEGED.test(spec.mnemonic)) continue;
      privileged++;
      const src = sourceLine(entry.file, entry.line);
      if (!/^\s*(?:[\w.]+:\s*)*PV_[A-Z0-9_]+\b/.test(src)) offenders.push(`${entry.file}:${entry.line}: ${src.trim()} (${spec.mnemonic})`);
    }
    expect(privileged).toBeGreaterThan(20);
    expect(offenders).toEqual([]);
  });

  it('no kernel source but pvops.S names a privileged instruction or CSR', () => {
    const dir = guestPath('kernel');
    const offenders: string[] = [];
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.S') && n !== 'pvops.S')) {
      readFileSync(join(dir, f), 'utf8').split('\n').forEach((line, i) => {
        const code = line.replace(/#.*/, '');
        if (/\b(csrr?[wsc]?i?|sret|mret|wfi|sfence\.vma|ecall|rdtime|rdcycle)\b/.test(code) ||
            /\b(sstatus|sie|sip|stvec|sepc|scause|stval|sscratch|satp)\b/.test(code.replace(/"[^"]*"/g, ''))) {
          offenders.push(`${f}:${i + 1}: ${line.trim()}`);
        }
      });
    }
    expect(offenders).toEqual([]);
  });

  it('the paravirt build stops at pvops.S with a clear message until it is written', () => {
    expect(() => build(1)).toThrow(/pvops\.S:\d+:\d+: paravirt build: not written yet/);
  });

  it('builds without BUILD_PARAVIRT are refused', () => {
    expect(() => assemble(readFileSync(KERNEL, 'utf8'), { fileName: KERNEL, base: KERNEL_BASE }))
      .toThrow(/define BUILD_PARAVIRT/);
  });
});

const GNU = ['riscv64-unknown-elf-as', 'riscv64-unknown-elf-ld', 'riscv64-unknown-elf-objcopy'];
const haveGnu = GNU.every((t) => spawnSync(t, ['--version']).status === 0);

describe.skipIf(!haveGnu)('GNU binutils', () => {
  it('GNU as + ld build the kernel byte for byte as pvlab\'s assembler does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pvlab-kernel-gnu-'));
    try {
      const obj = join(dir, 'kernel.o');
      const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: 'pipe' });
      run('riscv64-unknown-elf-as', ['-march=rv32ima_zicsr_zifencei', '-mabi=ilp32', '-I', guestPath('kernel'),
        '--defsym', 'BUILD_PARAVIRT=0', KERNEL, '-o', obj]);
      const script = join(dir, 'kernel.ld');
      writeFileSync(script, `OUTPUT_ARCH(riscv)
ENTRY(_start)
SECTIONS
{
  . = 0x${KERNEL_BASE.toString(16)};
  .kernel : { ${obj}(.text) ${obj}(.rodata) ${obj}(.data) ${obj}(.bss) }
  /DISCARD/ : { *(.riscv.attributes) }
}
`);
      const elf = join(dir, 'kernel.elf');
      run('riscv64-unknown-elf-ld', ['-m', 'elf32lriscv', '--no-relax', '-T', script, obj, '-o', elf]);
      const bin = join(dir, 'kernel.bin');
      run('riscv64-unknown-elf-objcopy', ['-O', 'binary', elf, bin]);
      const gnu = new Uint8Array(readFileSync(bin));
      const ours = flatImage(build(0));
      expect(ours.base).toBe(KERNEL_BASE);
      expect(gnu.length).toBe(ours.bytes.length);
      expect(Buffer.compare(Buffer.from(gnu), Buffer.from(ours.bytes))).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
