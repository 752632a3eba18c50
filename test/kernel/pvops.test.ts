/**
 * The pv-ops rule: every privileged instruction of the kernel comes from a PV_* macro of
 * guests/kernel/pvops.S, so that the paravirt build can differ in that file (and the drivers
 * behind its device ops) alone. Checked on the binary (each CSR access, sret, wfi, sfence.vma
 * and ecall is traced through the line map to the source line that produced it) and on the
 * sources. The paravirt binary holds no privileged instruction at all — its only ecalls are
 * hypercalls, its only CSR accesses reads of the unprivileged time counter — and none of the
 * virt board's drivers. GNU as + ld build the same bytes as pvlab's assembler, both builds.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble, flatImage, type AsmResult } from '../../src/asm/index.js';
import { PV_EXT } from '../../src/abi/hypercalls.js';
import { CSR } from '../../src/isa/csr.js';
import { guestPath } from '../../src/guest/paths.js';
import { KERNEL_BASE } from '../../src/guest/image.js';
import { decodeSpec } from '../../src/isa/decode.js';

const KERNEL = guestPath('kernel', 'kernel.S');
const builds = new Map<number, AsmResult>();
/** 0 unmodified, 1 paravirt, 2 pvio (BUILD_PARAVIRT 0 with BUILD_PV_IO 1). */
const build = (paravirt: 0 | 1 | 2): AsmResult => {
  let r = builds.get(paravirt);
  if (!r) {
    const defines: Record<string, number> = paravirt === 2 ? { BUILD_PARAVIRT: 0, BUILD_PV_IO: 1 } : { BUILD_PARAVIRT: paravirt };
    r = assemble(readFileSync(KERNEL, 'utf8'), { fileName: KERNEL, base: KERNEL_BASE, defines });
    builds.set(paravirt, r);
  }
  return r;
};

interface TextInsn {
  word: number;
  mnemonic: string;
  /** The source line that produced it (a macro's invocation line), and where it is. */
  source: string;
  where: string;
  /** The two instructions before it load a7 with PV_EXT (lui + addi, as `li` expands). */
  a7IsPvExt: boolean;
}

const sourceLines = new Map<string, string[]>();
function sourceLine(file: string, line: number): string {
  if (!sourceLines.has(file)) sourceLines.set(file, readFileSync(file, 'utf8').split('\n'));
  return (sourceLines.get(file) as string[])[line - 1] ?? '';
}

/** Every instruction of .text with its source line. */
function textInstructions(r: AsmResult): TextInsn[] {
  const text = r.sections.find((s) => s.name === '.text')!;
  const view = new DataView(text.bytes.buffer, text.bytes.byteOffset, text.bytes.byteLength);
  const words: number[] = [];
  for (let off = 0; off + 4 <= text.bytes.length; off += 4) words.push(view.getUint32(off, true));
  const out: TextInsn[] = [];
  for (const entry of r.lineMap) {
    if (entry.addr < text.addr || entry.addr >= text.addr + text.bytes.length) continue;
    const i = (entry.addr - text.addr) / 4;
    const word = words[i] as number;
    const spec = decodeSpec(word);
    if (!spec) continue;
    out.push({
      word, mnemonic: spec.mnemonic, source: sourceLine(entry.file, entry.line), where: `${entry.file}:${entry.line}`,
      a7IsPvExt: loadsA7(words.slice(Math.max(0, i - 4), i)),
    });
  }
  return out;
}

/** Fields of an I-type/CSR instruction word. */
function decodeFields(word: number): { rd: number; rs1: number; csr: number } {
  return { rd: (word >>> 7) & 31, rs1: (word >>> 15) & 31, csr: word >>> 20 };
}

/** Whether the value a7 (x17) holds after these instructions, computed from lui/addi on a7
 *  alone, is PV_EXT. */
function loadsA7(before: number[]): boolean {
  let a7: number | undefined;
  for (const w of before) {
    const rd = (w >>> 7) & 31;
    if (rd !== 17) continue;
    const op = w & 0x7f;
    if (op === 0x37) a7 = w & 0xfffff000; // lui
    else if (op === 0x13 && ((w >>> 12) & 7) === 0 && ((w >>> 15) & 31) === 17 && a7 !== undefined) a7 = (a7 + (w >> 20)) >>> 0; // addi a7, a7
    else if (op === 0x13 && ((w >>> 12) & 7) === 0 && ((w >>> 15) & 31) === 0) a7 = (w >> 20) >>> 0; // li a7, small
    else a7 = undefined;
  }
  return a7 === PV_EXT;
}

/** Instructions that only privileged software uses (or that call the firmware). */
const PRIVILEGED = /^(csrr[wsc]i?|sret|mret|wfi|sfence\.vma|ecall)$/;

describe('the pv-ops layer', () => {
  for (const pv of [0, 1] as const) {
    it(`every privileged instruction in the ${pv ? 'paravirt' : 'unmodified'} kernel binary is the expansion of a PV_ macro`, () => {
      const offenders: string[] = [];
      let privileged = 0;
      for (const insn of textInstructions(build(pv))) {
        if (!PRIVILEGED.test(insn.mnemonic)) continue;
        privileged++;
        if (!/^\s*(?:[\w.]+:\s*)*PV_[A-Z0-9_]+\b/.test(insn.source)) offenders.push(`${insn.where}: ${insn.source.trim()} (${insn.mnemonic})`);
      }
      expect(privileged).toBeGreaterThan(pv ? 10 : 20);
      expect(offenders).toEqual([]);
    });
  }

  it('the paravirt kernel binary executes no privileged instruction: hypercalls and time reads only', () => {
    const counters = new Set<number>([CSR.cycle, CSR.time, CSR.instret, CSR.cycleh, CSR.timeh, CSR.instreth]);
    const offenders: string[] = [];
    let hypercalls = 0;
    let timeReads = 0;
    for (const insn of textInstructions(build(1))) {
      if (insn.mnemonic === 'ecall') {
        // A hypercall: the PV_HYPERCALL helper (or a pv-op built on it) sets a7 = PV_EXT.
        hypercalls++;
        if (!insn.a7IsPvExt) offenders.push(`${insn.where}: ecall without a7 = PV_EXT`);
        continue;
      }
      if (/^csrr[wsc]i?$/.test(insn.mnemonic)) {
        const f = decodeFields(insn.word);
        // Only csrrs rd, <counter>, x0 (rdtime, rdcycle, ...): unprivileged, no exit.
        if (insn.mnemonic === 'csrrs' && f.rs1 === 0 && counters.has(f.csr)) { timeReads++; continue; }
        offenders.push(`${insn.where}: ${insn.source.trim()} (${insn.mnemonic} 0x${f.csr.toString(16)})`);
        continue;
      }
      if (PRIVILEGED.test(insn.mnemonic)) offenders.push(`${insn.where}: ${insn.source.trim()} (${insn.mnemonic})`);
    }
    expect(offenders).toEqual([]);
    expect(hypercalls).toBeGreaterThan(10);
    expect(timeReads).toBeGreaterThan(0);
  });

  it('the paravirt kernel holds none of the virt board\'s drivers (no device register anywhere)', () => {
    const r = build(1);
    const files = new Set(r.lineMap.map((e) => e.file.replace(/.*\//, '')));
    for (const driver of ['console.S', 'virtio_blk.S', 'plic.S']) expect(files).not.toContain(driver);
    expect(files).toContain('pvdrivers.S');
    // And the macros a driver would need refuse to expand.
    const src = readFileSync(guestPath('kernel', 'pvops.S'), 'utf8');
    expect(src).toMatch(/a build with the paravirtual drivers has no device registers \(PV_MMIO_WRITE32\)/);
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

  it('the two builds differ: the banner names each, and only the paravirt one defines the PV words', () => {
    const names = (pv: 0 | 1) => new Set(build(pv).symbols.map((x) => x.name));
    const [u, p] = [names(0), names(1)];
    for (const sym of ['pv_shared', 'pv_mmu_batch', 'pv_blk_batch', 'pv_blk_ring']) {
      expect(p).toContain(sym);
      expect(u).not.toContain(sym);
    }
    const text = (pv: 0 | 1) => Buffer.from(flatImage(build(pv)).bytes).toString('latin1');
    expect(text(0)).toContain('unmodified\0');
    expect(text(1)).toContain('paravirt\0');
  });

  it('both builds define the same operations, and every one of them assembles — those the kernel does not use yet too', () => {
    const src = readFileSync(guestPath('kernel', 'pvops.S'), 'utf8');
    const [unmodifiedPart, paravirtPart] = src.split(/^\.else\b.*$/m) as [string, string];
    const names = (part: string) => new Set([...part.matchAll(/^\.macro\s+(PV_[A-Z0-9_]+)/gm)].map((m) => m[1] as string));
    const ops = names(unmodifiedPart);
    const paravirtOps = names(paravirtPart);
    for (const op of ops) expect(paravirtOps, op).toContain(op);
    // One invocation of each, appended to the kernel (the paravirt ops call into pv.S).
    const ARGS: Record<string, string> = {
      PV_READ_SSTATUS: 't0', PV_WRITE_SSTATUS: 't0', PV_SET_SSTATUS: 't0', PV_CLEAR_SSTATUS: 't0',
      PV_READ_SCAUSE: 't0', PV_READ_STVAL: 't0', PV_READ_SEPC: 't0', PV_WRITE_SEPC: 't0', PV_WRITE_STVEC: 't0',
      PV_WRITE_SIE: 't0', PV_READ_SSCRATCH: 't0', PV_WRITE_SSCRATCH: 'zero', PV_TRAP_ENTRY: '1f',
      PV_SET_TRAP_FRAME: 'a0', PV_READ_TIME: 'a0, a1, t0', PV_IRQ_SAVE: 't1', PV_IRQ_RESTORE: 't1',
      PV_SET_PTE: 't0, t1', PV_PT_ALLOC: 'a0', PV_PT_RELEASE: 'a0', PV_SWITCH_AS: 'a0', PV_FLUSH_TLB_PAGE: 'a0',
      PV_MMIO_READ8: 't1, t0, 0', PV_MMIO_WRITE8: 't1, t0, 0', PV_MMIO_READ32: 't1, t0, 0', PV_MMIO_WRITE32: 't1, t0, 0',
    };
    const DATA = new Set(['PV_BUILD_NAME', 'PV_BLK_DRIVER_NAME']);
    const kernelText = readFileSync(KERNEL, 'utf8');
    const withOps = (pv: 0 | 1, only: (op: string) => boolean) => {
      const code = [...ops].filter(only).map((op) => `${DATA.has(op) ? '        .section .rodata\n' : '        .text\n'}        ${op} ${ARGS[op] ?? ''}\n1:`);
      return assemble(`${kernelText}\n${code.join('\n')}\n`, { fileName: KERNEL, base: KERNEL_BASE, defines: { BUILD_PARAVIRT: pv } });
    };
    const mmio = (op: string) => op.startsWith('PV_MMIO_');
    expect(() => withOps(0, () => true)).not.toThrow();
    expect(() => withOps(1, (op) => !mmio(op))).not.toThrow();
    // The paravirt build has no device registers: a driver that wanted one would not build.
    expect(() => withOps(1, mmio)).toThrow(/a build with the paravirtual drivers has no device registers \(PV_MMIO_READ8\)/);
  });

  it('the pvio build: the unmodified kernel\'s privileged instructions, the paravirtual drivers, none of pv.S', () => {
    const pvio = build(2);
    const files = new Set(pvio.lineMap.map((e) => e.file.replace(/.*\//, '')));
    for (const driver of ['console.S', 'virtio_blk.S', 'plic.S', 'pv.S']) expect(files).not.toContain(driver);
    expect(files).toContain('pvdrivers.S');
    const syms = new Set(pvio.symbols.map((x) => x.name));
    for (const sym of ['pv_shared', 'pv_blk_ring', 'pv_blk_batch']) expect(syms).toContain(sym);
    for (const sym of ['pv_mmu_batch', 'pv_trap_frame', 'pv_set_pte', 'pv_event_check']) expect(syms).not.toContain(sym);
    expect(Buffer.from(flatImage(pvio).bytes).toString('latin1')).toContain('pvio\0');
    // Every privileged instruction is a pv-op's; the CSR accesses, sret, wfi and sfence.vma
    // are exactly the unmodified build's; the extra ecalls are hypercalls, all from the drivers.
    const privileged = (pv: 0 | 2) => textInstructions(build(pv)).filter((i) => PRIVILEGED.test(i.mnemonic));
    const offenders = privileged(2).filter((i) => !/^\s*(?:[\w.]+:\s*)*PV_[A-Z0-9_]+\b/.test(i.source));
    expect(offenders.map((i) => i.where)).toEqual([]);
    const cpuOps = (pv: 0 | 2) => privileged(pv).filter((i) => i.mnemonic !== 'ecall')
      .map((i) => `${i.mnemonic} ${i.mnemonic.startsWith('csr') ? decodeFields(i.word).csr : ''}`).sort();
    expect(cpuOps(2)).toEqual(cpuOps(0));
    const hypercalls = privileged(2).filter((i) => i.mnemonic === 'ecall' && i.a7IsPvExt);
    expect(hypercalls.length).toBeGreaterThanOrEqual(4);
    for (const h of hypercalls) expect(h.where).toMatch(/pvdrivers\.S/);
    expect(privileged(2).filter((i) => i.mnemonic === 'ecall' && !i.a7IsPvExt).length)
      .toBe(privileged(0).filter((i) => i.mnemonic === 'ecall').length);
  });

  it('the pvio build defines every operation, and has no device registers either', () => {
    const kernelText = readFileSync(KERNEL, 'utf8');
    const withOp = (op: string, args: string) => assemble(`${kernelText}\n        .text\n        ${op} ${args}\n`,
      { fileName: KERNEL, base: KERNEL_BASE, defines: { BUILD_PARAVIRT: 0, BUILD_PV_IO: 1 } });
    expect(() => withOp('PV_EVENTS_ACK', '')).not.toThrow();
    expect(() => withOp('PV_SWITCH_AS', 'a0')).not.toThrow();
    expect(() => withOp('PV_MMIO_READ8', 't1, t0, 0')).toThrow(/a build with the paravirtual drivers has no device registers \(PV_MMIO_READ8\)/);
    expect(() => assemble(kernelText, { fileName: KERNEL, base: KERNEL_BASE, defines: { BUILD_PARAVIRT: 1, BUILD_PV_IO: 1 } }))
      .toThrow(/BUILD_PV_IO is a variant of the unmodified build/);
  });

  it('builds without BUILD_PARAVIRT are refused', () => {
    expect(() => assemble(readFileSync(KERNEL, 'utf8'), { fileName: KERNEL, base: KERNEL_BASE }))
      .toThrow(/define BUILD_PARAVIRT/);
  });
});

const GNU = ['riscv64-unknown-elf-as', 'riscv64-unknown-elf-ld', 'riscv64-unknown-elf-objcopy'];
const haveGnu = GNU.every((t) => spawnSync(t, ['--version']).status === 0);

describe.skipIf(!haveGnu)('GNU binutils', () => {
  it.each([0, 1] as const)('GNU as + ld build the kernel (BUILD_PARAVIRT=%i) byte for byte as pvlab\'s assembler does', (pv) => {
    const dir = mkdtempSync(join(tmpdir(), 'pvlab-kernel-gnu-'));
    try {
      const obj = join(dir, 'kernel.o');
      const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: 'pipe' });
      run('riscv64-unknown-elf-as', ['-march=rv32ima_zicsr_zifencei', '-mabi=ilp32', '-I', guestPath('kernel'),
        '--defsym', `BUILD_PARAVIRT=${pv}`, KERNEL, '-o', obj]);
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
      const ours = flatImage(build(pv));
      expect(ours.base).toBe(KERNEL_BASE);
      expect(gnu.length).toBe(ours.bytes.length);
      expect(Buffer.compare(Buffer.from(gnu), Buffer.from(ours.bytes))).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
