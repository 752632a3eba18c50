/**
 * CLINT — the SiFive core-local interruptor, laid out as on QEMU virt (hw/intc/riscv_aclint.c,
 * SiFive FU540-C000 manual ch. 9): per-hart software interrupts and timer comparators, and the
 * shared mtime counter.
 *
 *   0x0000 + 4*hart   msip[hart]       bit 0 drives the hart's mip.MSIP; bits 31:1 read 0
 *   0x4000 + 8*hart   mtimecmp[hart]   64 bits: low word at +0, high word at +4
 *   0xBFF8            mtime            64 bits: low word at 0xBFF8, high word at 0xBFFC
 *
 * mip.MTIP of hart h is (mtime >= mtimecmp[h]). mtime is not stored here: it is the board's
 * Clock, a function of the simulated cycle count, so the CLINT never polls. Instead, whenever
 * a comparator changes it computes the exact cycle at which mtime reaches it and schedules an
 * event there; MTIP rises at that cycle and not one instruction later or earlier.
 *
 * Writes to mtime are ignored. mtime is the same counter the hart's `time` CSR reads, so
 * shifting it here alone would make the two disagree; software on virt never writes it.
 *
 * Narrow (byte/halfword) accesses act on the bytes of the containing 32-bit register.
 */
import { MIP } from '../../isa/csr.js';
import type { AccessWidth, Clock, Device, InterruptPins } from '../device.js';
import type { EventQueue } from '../events.js';
import { mergeSubword, readSubword, wordOffset } from './register-word.js';

/** Register offsets, by the names of the SiFive CLINT documentation. */
export const CLINT = {
  MSIP: 0x0000,
  MSIP_STRIDE: 4,
  MTIMECMP: 0x4000,
  MTIMECMP_STRIDE: 8,
  MTIME: 0xbff8,
  /** Address space the CLINT decodes (0x0200_0000..0x0200_FFFF on virt). */
  SIZE: 0x1_0000,
} as const;

/** Offset of the high word within a 64-bit register. */
const HIGH_WORD = 4;
const MSIP_BIT = 1;
const WORD_BYTES = 4;
const TWO_POW_32 = 0x1_0000_0000;
/** mtimecmp after reset: all ones, i.e. never (as on QEMU). */
const MTIMECMP_RESET = 0xffff_ffff;
/** The most harts the register layout has room for (mtimecmp runs into mtime after this). */
export const CLINT_MAX_HARTS = (CLINT.MTIME - CLINT.MTIMECMP) / CLINT.MTIMECMP_STRIDE;

export interface ClintOptions {
  readonly clock: Clock;
  readonly events: EventQueue;
  /** Interrupt inputs of each hart, indexed by hart id. */
  readonly harts: readonly InterruptPins[];
  readonly name?: string;
}

export class Clint implements Device {
  readonly name: string;
  readonly size = CLINT.SIZE;
  private readonly clock: Clock;
  private readonly events: EventQueue;
  private readonly harts: readonly InterruptPins[];
  private readonly msip: Uint32Array;
  private readonly mtimecmpLo: Uint32Array;
  private readonly mtimecmpHi: Uint32Array;
  /** Level currently driven on each hart's MTIP, so the pin is only touched on a change. */
  private readonly mtip: boolean[];

  constructor(options: ClintOptions) {
    const n = options.harts.length;
    if (n < 1 || n > CLINT_MAX_HARTS) throw new RangeError(`CLINT supports 1..${CLINT_MAX_HARTS} harts, not ${n}`);
    this.name = options.name ?? 'clint';
    this.clock = options.clock;
    this.events = options.events;
    this.harts = options.harts;
    this.msip = new Uint32Array(n);
    this.mtimecmpLo = new Uint32Array(n);
    this.mtimecmpHi = new Uint32Array(n);
    this.mtip = new Array<boolean>(n).fill(false);
    this.reset();
  }

  /** Power-on state: no software interrupts, every comparator at "never". */
  reset(): void {
    for (let h = 0; h < this.harts.length; h++) {
      this.msip[h] = 0;
      this.pins(h).setPending(MIP.MSIP, false);
      this.mtimecmpLo[h] = MTIMECMP_RESET;
      this.mtimecmpHi[h] = MTIMECMP_RESET;
      this.mtip[h] = true; // force the pin to be driven low by rearm
      this.rearm(h);
    }
  }

  /** The 64-bit comparator of `hart` (exact below 2^53; beyond that it is never reached). */
  mtimecmp(hart: number): number {
    return (this.mtimecmpHi[hart] as number) * TWO_POW_32 + (this.mtimecmpLo[hart] as number);
  }

  read(offset: number, width: AccessWidth): number {
    const word = this.readWord(wordOffset(offset));
    return width === WORD_BYTES ? word : readSubword(word, offset, width);
  }

  write(offset: number, width: AccessWidth, value: number): void {
    const at = wordOffset(offset);
    const word = width === WORD_BYTES ? value >>> 0 : mergeSubword(this.readWord(at), offset, width, value);
    this.writeWord(at, word);
  }

  private readWord(at: number): number {
    const msipHart = this.msipHart(at);
    if (msipHart >= 0) return this.msip[msipHart] as number;
    const cmp = this.mtimecmpSlot(at);
    if (cmp) return (cmp.high ? this.mtimecmpHi : this.mtimecmpLo)[cmp.hart] as number;
    if (at === CLINT.MTIME) return this.clock.mtime() >>> 0;
    if (at === CLINT.MTIME + HIGH_WORD) return Math.floor(this.clock.mtime() / TWO_POW_32) >>> 0;
    return 0;
  }

  private writeWord(at: number, value: number): void {
    const msipHart = this.msipHart(at);
    if (msipHart >= 0) {
      this.msip[msipHart] = value & MSIP_BIT;
      this.pins(msipHart).setPending(MIP.MSIP, (value & MSIP_BIT) !== 0);
      return;
    }
    const cmp = this.mtimecmpSlot(at);
    if (cmp) {
      (cmp.high ? this.mtimecmpHi : this.mtimecmpLo)[cmp.hart] = value;
      this.rearm(cmp.hart);
    }
    // mtime and unused offsets: ignored (see the header comment).
  }

  /** Hart whose msip register is at word offset `at`, or -1. */
  private msipHart(at: number): number {
    if (at < CLINT.MSIP || at >= CLINT.MTIMECMP) return -1;
    const hart = (at - CLINT.MSIP) / CLINT.MSIP_STRIDE;
    return hart < this.harts.length ? hart : -1;
  }

  private mtimecmpSlot(at: number): { hart: number; high: boolean } | undefined {
    if (at < CLINT.MTIMECMP || at >= CLINT.MTIME) return undefined;
    const rel = at - CLINT.MTIMECMP;
    const hart = Math.floor(rel / CLINT.MTIMECMP_STRIDE);
    if (hart >= this.harts.length) return undefined;
    return { hart, high: rel % CLINT.MTIMECMP_STRIDE === HIGH_WORD };
  }

  /**
   * Bring MTIP of `hart` in line with its comparator: raise it if mtime has already reached
   * mtimecmp, otherwise lower it (the comparator may have moved into the future) and schedule
   * the cycle at which it will be reached.
   */
  private rearm(hart: number): void {
    const key = `${this.name}.mtimecmp.${hart}`;
    const cmp = this.mtimecmp(hart);
    if (this.clock.mtime() >= cmp) {
      this.events.cancel(key);
      this.setMtip(hart, true);
      return;
    }
    this.setMtip(hart, false);
    if (cmp > Number.MAX_SAFE_INTEGER) {
      // Beyond 2^53 ticks (centuries at 10 MHz): never reached, nothing to schedule.
      this.events.cancel(key);
      return;
    }
    // At least one cycle ahead, so that a clock whose cycleOfMtime rounds down can never make
    // the event fire, find mtime still short, and re-schedule itself at the same cycle forever.
    const at = Math.max(this.clock.cycleOfMtime(cmp), this.clock.cycles() + 1);
    this.events.schedule(key, at, () => this.rearm(hart));
  }

  private setMtip(hart: number, level: boolean): void {
    if (this.mtip[hart] === level) return;
    this.mtip[hart] = level;
    this.pins(hart).setPending(MIP.MTIP, level);
  }

  private pins(hart: number): InterruptPins {
    return this.harts[hart] as InterruptPins;
  }
}
