/**
 * Sections being assembled: their attributes, contents and location counters.
 *
 * The attributes follow ELF conventions — `.text*` is code, `.rodata*` read-only data,
 * `.data*` writable data, `.bss*` zero-initialised (no file contents) — and an explicit
 * `.section name, "flags", @type` overrides the guess from the name.
 */
import { encode } from '../isa/encode.js';
import { SourceError } from './diagnostics.js';
import { spec } from './machine-insn.js';

/** Layout class: sections are placed text, then rodata, then data, then bss. */
export type SectionClass = 'text' | 'rodata' | 'data' | 'bss';

export interface SectionAttributes {
  cls: SectionClass;
  /** Allocated (loaded into memory). Non-alloc sections (e.g. `.comment`) are not placed. */
  alloc: boolean;
  /** Contains instructions: alignment padding is nops. */
  code: boolean;
  writable: boolean;
  /** Occupies no file space (bss). */
  nobits: boolean;
}

/** Instructions are 4 bytes and sections start at least this aligned. */
export const INSN_BYTES = 4;
const MIN_SECTION_ALIGN = INSN_BYTES;
/** c.nop. GNU as pads a 2-byte gap in code with it (only ever executed by RVC harts). */
const C_NOP_BYTES = [0x01, 0x00];
const NOP_WORD = encode(spec('addi'), { rd: 0, rs1: 0, imm: 0 });
const NOP_BYTES = [NOP_WORD & 0xff, (NOP_WORD >>> 8) & 0xff, (NOP_WORD >>> 16) & 0xff, NOP_WORD >>> 24];

/**
 * GNU as's code padding (riscv_make_nops): a zero byte if the gap is odd, at most one c.nop,
 * then 4-byte nops.
 */
export function codePadding(n: number): number[] {
  const out: number[] = [];
  if (n % 2 === 1) out.push(0);
  if ((n - out.length) % INSN_BYTES === 2) out.push(...C_NOP_BYTES);
  while (out.length < n) out.push(...NOP_BYTES);
  return out;
}


const startsWithAny = (name: string, prefixes: readonly string[]): boolean =>
  prefixes.some((p) => name === p || name.startsWith(`${p}.`));

/**
 * Attributes from a section's name, overridden by `.section` flags (`a` alloc, `w` write,
 * `x` execute) and type (`@nobits` / `@progbits`) when given.
 */
export function sectionAttributes(name: string, flags?: string, type?: string): SectionAttributes {
  let code = startsWithAny(name, ['.text', '.init', '.fini']);
  let nobits = startsWithAny(name, ['.bss', '.sbss', '.tbss']);
  let writable = nobits || startsWithAny(name, ['.data', '.sdata', '.tdata']) ||
    !(code || startsWithAny(name, ['.rodata', '.srodata']));
  // Metadata GNU tools attach to objects; never part of the loaded image.
  let alloc = !startsWithAny(name, ['.comment', '.note', '.debug', '.riscv.attributes', '.stab', '.line']) &&
    !name.startsWith('.debug_');
  if (flags !== undefined) {
    for (const f of flags) {
      if (!'awxMSGTRo?'.includes(f)) throw new SourceError(`unknown section flag '${f}' (known: a, w, x)`);
    }
    alloc = flags.includes('a');
    writable = flags.includes('w');
    code = flags.includes('x');
  }
  if (type !== undefined) {
    if (type === 'nobits') nobits = true;
    else if (type === 'progbits') nobits = false;
    else if (type !== 'note' && type !== 'init_array' && type !== 'fini_array') {
      throw new SourceError(`unknown section type '@${type}' (known: @progbits, @nobits)`);
    }
  }
  const cls: SectionClass = code ? 'text' : nobits ? 'bss' : writable ? 'data' : 'rodata';
  return { cls, alloc, code, writable, nobits };
}

const INITIAL_CAPACITY = 256;
/** Sections are built in memory; beyond this a typo in a .space is likelier than a real need. */
const MAX_CONTENTS_SIZE = 512 * 1024 * 1024;
/** A bss section costs no memory here, only address space. */
const MAX_NOBITS_SIZE = 2 ** 32 - 1;

/** Hands out increasing numbers, recording the order in which sections are first used. */
export class UseClock {
  private now = 0;
  tick(): number {
    return this.now++;
  }
}

export class Section {
  /** Largest alignment requested by `.align` in this section, at least MIN_SECTION_ALIGN. */
  align = MIN_SECTION_ALIGN;
  /** Whether a label was defined here (an empty section with labels is still reported). */
  hasLabels = false;
  /**
   * When the section first received bytes or a label: layout follows this order, so a program
   * that starts with `.section .text.init` has it placed before the implicit `.text`.
   */
  firstUse = Number.POSITIVE_INFINITY;
  private buf = new Uint8Array(INITIAL_CAPACITY);
  private length = 0;

  constructor(readonly name: string, readonly attrs: SectionAttributes, private readonly clock: UseClock) {}

  private touch(): void {
    if (this.firstUse === Number.POSITIVE_INFINITY) this.firstUse = this.clock.tick();
  }

  /** Records that a label was defined here. */
  markLabel(): void {
    this.hasLabels = true;
    this.touch();
  }

  /** The location counter: offset of the next byte. */
  get size(): number {
    return this.length;
  }

  private grow(n: number): number {
    this.touch();
    const off = this.length;
    const need = off + n;
    const limit = this.attrs.nobits ? MAX_NOBITS_SIZE : MAX_CONTENTS_SIZE;
    if (need > limit) {
      throw new SourceError(`${this.name} would grow to ${need} bytes, beyond the ${limit}-byte limit for ${this.attrs.nobits ? 'a bss' : 'a'} section`);
    }
    if (!this.attrs.nobits && need > this.buf.length) {
      let cap = this.buf.length;
      while (cap < need) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.buf.subarray(0, off));
      this.buf = next;
    }
    this.length = need;
    return off;
  }

  /** Reserves n bytes (zero, or `fill`) and returns their offset. */
  reserve(n: number, fill = 0): number {
    if (fill !== 0 && this.attrs.nobits) throw new SourceError(`cannot fill ${this.name} (a nobits section) with non-zero bytes`);
    const off = this.grow(n);
    if (fill !== 0) this.buf.fill(fill & 0xff, off, off + n);
    return off;
  }

  /** Appends bytes and returns their offset. */
  append(bytes: ArrayLike<number>): number {
    if (this.attrs.nobits) {
      for (let i = 0; i < bytes.length; i++) {
        if (bytes[i] !== 0) throw new SourceError(`cannot put data in ${this.name}, which is zero-initialised (nobits); only .space/.zero/.align are allowed`);
      }
      return this.grow(bytes.length);
    }
    const off = this.grow(bytes.length);
    this.buf.set(bytes, off);
    return off;
  }

  /** Appends n bytes of code padding (nops, as codePadding), checking the size limit before
   *  building anything: a huge `.balign` in code is refused, not allocated as a JS array. */
  padCode(n: number): void {
    const off = this.grow(n);
    // codePadding's lead-in (an odd zero byte, a c.nop), then whole nops, written in place.
    const lead = (n % 2) + ((n - (n % 2)) % INSN_BYTES === 2 ? 2 : 0);
    this.buf.set(codePadding(lead), off);
    for (let at = off + lead; at < off + n; at += INSN_BYTES) this.buf.set(NOP_BYTES, at);
  }

  /** Writes a little-endian value of `width` bytes at `off` (pass 2). */
  patch(off: number, value: bigint, width: number): void {
    let v = BigInt.asUintN(width * 8, value);
    for (let i = 0; i < width; i++) {
      this.buf[off + i] = Number(v & 0xffn);
      v >>= 8n;
    }
  }

  /** GNU as pads the end of a code section to the section's alignment; done after pass 1. */
  padEnd(): void {
    if (this.attrs.code) this.padCode((this.align - (this.size % this.align)) % this.align);
  }

  contents(): Uint8Array {
    return this.attrs.nobits ? new Uint8Array(this.length) : this.buf.slice(0, this.length);
  }
}
