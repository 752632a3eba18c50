/**
 * PLIC — the platform-level interrupt controller, SiFive layout as on QEMU virt
 * (RISC-V PLIC specification 1.0; hw/intc/sifive_plic.c).
 *
 *   0x000000 + 4*source              priority[source]       (source 0 does not exist: reads 0)
 *   0x001000 + 4*word                pending bits 32*word .. 32*word+31 (read-only)
 *   0x002000 + 0x80*ctx + 4*word     enable bits of context ctx
 *   0x200000 + 0x1000*ctx            threshold of context ctx
 *   0x200004 + 0x1000*ctx            claim (read) / complete (write) of context ctx
 *
 * Contexts follow QEMU virt's "MS" hart configuration: context 2h is hart h in M-mode and
 * drives its mip.MEIP, context 2h+1 is hart h in S-mode and drives its mip.SEIP.
 *
 * Sources are level-triggered and pass through a gateway (spec §"Interrupt Gateways"): the
 * first assertion sets the pending bit; claiming clears it and marks the source in service;
 * while in service the gateway forwards nothing more; completion ends service, and if the line
 * is still asserted a new request is pending at once. A request, once forwarded, is not
 * retracted when the line drops — the handler finds the device no longer needs service.
 *
 * A context's EIP output is set while some source is pending, enabled for it, and of a priority
 * above its threshold. Claim returns the highest such source (ties to the lowest id) or 0.
 * Like QEMU, claim honours the threshold (the spec says it need not); software written for
 * virt runs the same on both.
 *
 * The registers are 32-bit and the spec says they are accessed with LW/SW only: narrower reads
 * return 0 and narrower writes are ignored, with no side effect.
 */
import { MIP } from '../../isa/csr.js';
import type { AccessWidth, Device, InterruptPins, IrqLine } from '../device.js';
import { VIRT } from '../memory-map.js';

/** Register block offsets and strides, by the spec's names. */
export const PLIC = {
  PRIORITY_BASE: 0x00_0000,
  PENDING_BASE: 0x00_1000,
  ENABLE_BASE: 0x00_2000,
  ENABLE_STRIDE: 0x80,
  CONTEXT_BASE: 0x20_0000,
  CONTEXT_STRIDE: 0x1000,
  /** Offsets within a context's block. */
  THRESHOLD: 0x0,
  CLAIM_COMPLETE: 0x4,
} as const;

/** Contexts per hart: M-mode then S-mode. */
export const PLIC_CONTEXTS_PER_HART = 2;
/** A hart's contexts, in QEMU virt's order: context 2h is hart h's M-mode, 2h + 1 its S-mode. */
export const PLIC_CONTEXT = {
  MACHINE: 0,
  SUPERVISOR: 1,
} as const;
/** QEMU virt implements 7 priority levels (3 WARL bits). */
export const PLIC_DEFAULT_PRIORITY_BITS = 3;

const BITS_PER_WORD = 32;
/** log2(BITS_PER_WORD): source >>> WORD_SHIFT is its word, source & BIT_MASK its bit. */
const WORD_SHIFT = 5;
const BIT_MASK = BITS_PER_WORD - 1;
const WORD_BYTES = 4;
const NO_INTERRUPT = 0;
/** Source 0 plus at least one real source. */
const MIN_SOURCES = 2;

export interface PlicOptions {
  /** Interrupt inputs of each hart, indexed by hart id. */
  readonly harts: readonly InterruptPins[];
  /** Number of sources including the non-existent source 0 (virt: 96). */
  readonly sources?: number;
  /** Width of the priority and threshold registers (virt: 3, priorities 1..7). */
  readonly priorityBits?: number;
  /** Bytes of address space decoded (virt reserves 0x60_0000). */
  readonly size?: number;
  readonly name?: string;
}

export class Plic implements Device {
  readonly name: string;
  readonly size: number;
  readonly sourceCount: number;
  readonly contextCount: number;
  private readonly harts: readonly InterruptPins[];
  private readonly words: number;
  private readonly priorityMask: number;
  private readonly priority: Uint32Array;
  private readonly pending: Uint32Array;
  /** Sources claimed and not yet completed (in service at their gateway). */
  private readonly claimed: Uint32Array;
  /** Current level of each source's input line. */
  private readonly level: Uint8Array;
  private readonly enable: Uint32Array;
  private readonly threshold: Uint32Array;
  /** Level currently driven on each context's EIP output. */
  private readonly eip: boolean[];
  private readonly lines: IrqLine[] = [];

  constructor(options: PlicOptions) {
    this.name = options.name ?? 'plic';
    this.harts = options.harts;
    this.sourceCount = options.sources ?? VIRT.PLIC_SOURCES;
    this.size = options.size ?? VIRT.PLIC_SIZE;
    const priorityBits = options.priorityBits ?? PLIC_DEFAULT_PRIORITY_BITS;
    if (this.sourceCount < MIN_SOURCES || this.sourceCount > (PLIC.PENDING_BASE - PLIC.PRIORITY_BASE) / WORD_BYTES) {
      throw new RangeError(`PLIC source count ${this.sourceCount} out of range`);
    }
    if (priorityBits < 1 || priorityBits > BITS_PER_WORD) throw new RangeError(`PLIC priority width ${priorityBits} out of range`);
    this.contextCount = this.harts.length * PLIC_CONTEXTS_PER_HART;
    if (this.contextCount < 1 || PLIC.CONTEXT_BASE + this.contextCount * PLIC.CONTEXT_STRIDE > this.size) {
      throw new RangeError(`PLIC of ${this.size} bytes cannot hold ${this.contextCount} contexts`);
    }
    this.words = Math.ceil(this.sourceCount / BITS_PER_WORD);
    this.priorityMask = priorityBits === BITS_PER_WORD ? 0xffff_ffff : (1 << priorityBits) - 1;
    this.priority = new Uint32Array(this.sourceCount);
    this.pending = new Uint32Array(this.words);
    this.claimed = new Uint32Array(this.words);
    this.level = new Uint8Array(this.sourceCount);
    this.enable = new Uint32Array(this.words * this.contextCount);
    this.threshold = new Uint32Array(this.contextCount);
    this.eip = new Array<boolean>(this.contextCount).fill(false);
    for (let s = 0; s < this.sourceCount; s++) this.lines.push({ set: (lvl) => this.setLevel(s, lvl) });
    this.reset();
  }

  /** The input line of interrupt source `source` (1..sources-1), for a device to drive. */
  irqLine(source: number): IrqLine {
    if (!Number.isInteger(source) || source < 1 || source >= this.sourceCount) {
      throw new RangeError(`PLIC has no interrupt source ${source} (valid: 1..${this.sourceCount - 1})`);
    }
    return this.lines[source] as IrqLine;
  }

  /** Power-on state: every priority, enable and threshold 0, nothing pending or in service.
   *  Line levels are the devices' and survive; an asserted line becomes pending again. */
  reset(): void {
    this.priority.fill(0);
    this.pending.fill(0);
    this.claimed.fill(0);
    this.enable.fill(0);
    this.threshold.fill(0);
    for (let s = 1; s < this.sourceCount; s++) if (this.level[s]) this.setBit(this.pending, s, true);
    for (let c = 0; c < this.contextCount; c++) {
      this.eip[c] = true; // force the output to be driven low by update()
    }
    this.update();
  }

  read(offset: number, width: AccessWidth): number {
    if (width !== WORD_BYTES) return 0;
    if (offset < PLIC.PENDING_BASE) {
      const source = (offset - PLIC.PRIORITY_BASE) / WORD_BYTES;
      return source < this.sourceCount ? (this.priority[source] as number) : 0;
    }
    if (offset < PLIC.ENABLE_BASE) {
      const word = (offset - PLIC.PENDING_BASE) / WORD_BYTES;
      return word < this.words ? (this.pending[word] as number) : 0;
    }
    if (offset < PLIC.CONTEXT_BASE) {
      const slot = this.enableSlot(offset);
      return slot >= 0 ? (this.enable[slot] as number) : 0;
    }
    const ctx = Math.floor((offset - PLIC.CONTEXT_BASE) / PLIC.CONTEXT_STRIDE);
    if (ctx >= this.contextCount) return 0;
    switch ((offset - PLIC.CONTEXT_BASE) % PLIC.CONTEXT_STRIDE) {
      case PLIC.THRESHOLD: return this.threshold[ctx] as number;
      case PLIC.CLAIM_COMPLETE: return this.claim(ctx);
      default: return 0;
    }
  }

  write(offset: number, width: AccessWidth, value: number): void {
    if (width !== WORD_BYTES) return;
    if (offset < PLIC.PENDING_BASE) {
      const source = (offset - PLIC.PRIORITY_BASE) / WORD_BYTES;
      if (source >= 1 && source < this.sourceCount) {
        this.priority[source] = value & this.priorityMask;
        this.update();
      }
      return;
    }
    if (offset < PLIC.ENABLE_BASE) return; // pending bits are read-only
    if (offset < PLIC.CONTEXT_BASE) {
      const slot = this.enableSlot(offset);
      if (slot >= 0) {
        this.enable[slot] = value & this.validSourceMask(slot % this.words);
        this.update();
      }
      return;
    }
    const ctx = Math.floor((offset - PLIC.CONTEXT_BASE) / PLIC.CONTEXT_STRIDE);
    if (ctx >= this.contextCount) return;
    switch ((offset - PLIC.CONTEXT_BASE) % PLIC.CONTEXT_STRIDE) {
      case PLIC.THRESHOLD:
        this.threshold[ctx] = value & this.priorityMask;
        this.update();
        break;
      case PLIC.CLAIM_COMPLETE:
        this.complete(ctx, value >>> 0);
        break;
      default:
        break;
    }
  }

  // ---- gateway and core ---------------------------------------------------------------------

  private setLevel(source: number, level: boolean): void {
    const lvl = level ? 1 : 0;
    if (this.level[source] === lvl) return;
    this.level[source] = lvl;
    // Only an assertion forwards a request; a drop does not retract one already pending.
    if (level && !this.getBit(this.claimed, source)) {
      this.setBit(this.pending, source, true);
      this.update();
    }
  }

  private claim(ctx: number): number {
    const source = this.best(ctx);
    if (source !== NO_INTERRUPT) {
      this.setBit(this.pending, source, false);
      this.setBit(this.claimed, source, true);
      this.update();
    }
    return source;
  }

  private complete(ctx: number, source: number): void {
    // Spec: a completion naming a source not enabled for this context is silently ignored.
    if (source < 1 || source >= this.sourceCount || !this.getBit(this.enable, source, ctx * this.words)) return;
    if (!this.getBit(this.claimed, source)) return;
    this.setBit(this.claimed, source, false);
    if (this.level[source]) this.setBit(this.pending, source, true);
    this.update();
  }

  /** Highest-priority source pending and enabled for `ctx` above its threshold; ties go to the
   *  lowest id; 0 when there is none. */
  private best(ctx: number): number {
    let bestSource = NO_INTERRUPT;
    let bestPriority = this.threshold[ctx] as number;
    const base = ctx * this.words;
    for (let w = 0; w < this.words; w++) {
      let bits = ((this.pending[w] as number) & (this.enable[base + w] as number)) >>> 0;
      while (bits !== 0) {
        const bit = BITS_PER_WORD - 1 - Math.clz32(bits & -bits);
        bits = (bits & (bits - 1)) >>> 0;
        const source = w * BITS_PER_WORD + bit;
        const p = this.priority[source] as number;
        if (p > bestPriority) {
          bestPriority = p;
          bestSource = source;
        }
      }
    }
    return bestSource;
  }

  /** Recompute every context's EIP and drive the pins that changed. */
  private update(): void {
    for (let ctx = 0; ctx < this.contextCount; ctx++) {
      const level = this.best(ctx) !== NO_INTERRUPT;
      if (this.eip[ctx] === level) continue;
      this.eip[ctx] = level;
      const pins = this.harts[Math.floor(ctx / PLIC_CONTEXTS_PER_HART)] as InterruptPins;
      pins.setPending(ctx % PLIC_CONTEXTS_PER_HART === 0 ? MIP.MEIP : MIP.SEIP, level);
    }
  }

  // ---- bit arrays ---------------------------------------------------------------------------

  private enableSlot(offset: number): number {
    const rel = offset - PLIC.ENABLE_BASE;
    const ctx = Math.floor(rel / PLIC.ENABLE_STRIDE);
    const word = (rel % PLIC.ENABLE_STRIDE) / WORD_BYTES;
    return ctx < this.contextCount && word < this.words ? ctx * this.words + word : -1;
  }

  /** Bits of enable word `word` that name real sources (never source 0, none past the last). */
  private validSourceMask(word: number): number {
    let mask = 0xffff_ffff;
    if (word === 0) mask &= ~1;
    const beyond = this.sourceCount - word * BITS_PER_WORD;
    if (beyond < BITS_PER_WORD) mask &= (1 << beyond) - 1;
    return mask >>> 0;
  }

  private getBit(bits: Uint32Array, source: number, base = 0): boolean {
    return (((bits[base + (source >>> WORD_SHIFT)] as number) >>> (source & BIT_MASK)) & 1) !== 0;
  }

  private setBit(bits: Uint32Array, source: number, on: boolean): void {
    const w = source >>> WORD_SHIFT;
    const m = 1 << (source & BIT_MASK);
    bits[w] = on ? (bits[w] as number) | m : (bits[w] as number) & ~m;
  }
}
