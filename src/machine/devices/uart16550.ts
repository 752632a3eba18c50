/**
 * NS16550A UART, as QEMU virt has at 0x1000_0000 (reg-shift 0, byte registers), with register
 * and bit names from the TI/National PC16550D datasheet.
 *
 *   offset  DLAB=0 read   DLAB=0 write   DLAB=1
 *     0     RBR           THR            DLL (divisor latch, low)
 *     1     IER           IER            DLM (divisor latch, high)
 *     2     IIR           FCR
 *     3     LCR (bit 7 = DLAB)
 *     4     MCR
 *     5     LSR
 *     6     MSR
 *     7     SCR (scratch)
 *
 * The eight registers repeat through the device's window (offset & 7), as in QEMU; an access
 * of any width reaches the one byte register at its offset.
 *
 * Time model: transmission is instantaneous in simulated time. A THR write hands the byte to
 * the sink at once and the transmitter is empty again (LSR.THRE and LSR.TEMT stay set), so a
 * guest polling THRE never waits and the THRE interrupt re-arms immediately after each write —
 * what QEMU does when its chardev backend accepts the byte at once. The divisor latch and the
 * line settings are stored for software to read back but do not slow anything down.
 *
 * Receive: bytes the host pushes wait in an unbounded host-side queue (the "line") and move into
 * the receiver — the 16-byte FIFO, or the single holding register when FIFOs are off — as room
 * appears, so the host never overruns the guest. A FIFO reset discards what had arrived, as on
 * the real part. With no time model there is no 4-character timeout: when FIFOs are on and fewer
 * bytes than the trigger level wait, IIR reports the character-timeout interrupt immediately,
 * which Linux's 8250 driver and xv6 treat like receive-data-available.
 *
 * Interrupt identification, highest priority first (datasheet table 4):
 *   receiver line status (RLS) > received data available (RDA) / character timeout (CTI)
 *   > transmitter holding register empty (THRE) > modem status (MS).
 * THRE follows the 8250 behaviour Linux relies on: it is pending after the transmitter empties,
 * cleared by reading IIR while it is the reported source or by writing THR, and re-armed when
 * IER.ETBEI is turned on while THR is empty (QEMU hw/char/serial.c does the same). The IRQ line
 * is asserted while IIR reports any interrupt (MCR.OUT2 does not gate it, as on QEMU).
 *
 * Loopback (MCR.LOOP): transmitted bytes come back to the receiver instead of the sink, host
 * input waits in its queue, and MSR's CTS/DSR/RI/DCD follow MCR's RTS/DTR/OUT1/OUT2.
 */
import type { AccessWidth, Device, IrqLine } from '../device.js';

/** Register offsets (reg-shift 0). Names that share an offset are told apart by DLAB and
 *  by direction. */
export const UART_REG = {
  RBR: 0, THR: 0, DLL: 0,
  IER: 1, DLM: 1,
  IIR: 2, FCR: 2,
  LCR: 3,
  MCR: 4,
  LSR: 5,
  MSR: 6,
  SCR: 7,
} as const;

/** Interrupt Enable Register. */
export const IER = {
  /** Enable received data available interrupt. */
  ERBFI: 0x01,
  /** Enable transmitter holding register empty interrupt. */
  ETBEI: 0x02,
  /** Enable receiver line status interrupt. */
  ELSI: 0x04,
  /** Enable modem status interrupt. */
  EDSSI: 0x08,
} as const;
const IER_WRITABLE = IER.ERBFI | IER.ETBEI | IER.ELSI | IER.EDSSI;

/** Interrupt Identification Register. */
export const IIR = {
  /** Bit 0 set: no interrupt pending. */
  NO_INT: 0x01,
  /** Interrupt ID field (bits 3:1 with the pending bit clear). */
  ID_MASK: 0x0f,
  MS: 0x00,
  THRE: 0x02,
  RDA: 0x04,
  RLS: 0x06,
  CTI: 0x0c,
  /** Bits 7:6 read 1 when FCR enabled the FIFOs. */
  FIFOS_ENABLED: 0xc0,
} as const;

/** FIFO Control Register (write-only). */
export const FCR = {
  FIFO_ENABLE: 0x01,
  RCVR_FIFO_RESET: 0x02,
  XMIT_FIFO_RESET: 0x04,
  DMA_MODE: 0x08,
  /** Bits 7:6: receiver trigger level, 1, 4, 8 or 14 bytes. */
  RCVR_TRIGGER: 0xc0,
} as const;
const FCR_TRIGGER_SHIFT = 6;
const RCVR_TRIGGER_LEVELS = [1, 4, 8, 14] as const;
/** FCR bits that persist (the reset bits are self-clearing). */
const FCR_STORED = FCR.FIFO_ENABLE | FCR.DMA_MODE | FCR.RCVR_TRIGGER;

/** Line Control Register. */
export const LCR = {
  /** Word length select, bits 1:0 (5..8 bits). */
  WLS: 0x03,
  STB: 0x04,
  PEN: 0x08,
  EPS: 0x10,
  STICK_PARITY: 0x20,
  SET_BREAK: 0x40,
  /** Divisor latch access bit. */
  DLAB: 0x80,
} as const;

/** Modem Control Register. */
export const MCR = {
  DTR: 0x01,
  RTS: 0x02,
  OUT1: 0x04,
  OUT2: 0x08,
  LOOP: 0x10,
} as const;
const MCR_WRITABLE = MCR.DTR | MCR.RTS | MCR.OUT1 | MCR.OUT2 | MCR.LOOP;

/** Line Status Register. */
export const LSR = {
  /** Data ready. */
  DR: 0x01,
  /** Overrun error. */
  OE: 0x02,
  /** Parity error. */
  PE: 0x04,
  /** Framing error. */
  FE: 0x08,
  /** Break interrupt. */
  BI: 0x10,
  /** Transmitter holding register empty. */
  THRE: 0x20,
  /** Transmitter empty. */
  TEMT: 0x40,
  /** Error in receiver FIFO. */
  RCVR_FIFO_ERROR: 0x80,
} as const;
/** The conditions that raise a receiver line status interrupt, cleared by reading LSR. */
const LSR_LINE_ERRORS = LSR.OE | LSR.PE | LSR.FE | LSR.BI;

/** Modem Status Register. */
export const MSR = {
  DCTS: 0x01,
  DDSR: 0x02,
  TERI: 0x04,
  DDCD: 0x08,
  CTS: 0x10,
  DSR: 0x20,
  RI: 0x40,
  DCD: 0x80,
} as const;
const MSR_DELTAS = MSR.DCTS | MSR.DDSR | MSR.TERI | MSR.DDCD;
/** Lines seen from an attached, ready terminal when not in loopback (QEMU's reset value). */
const MSR_CONNECTED = MSR.DCD | MSR.DSR | MSR.CTS;

/** Depth of the receive FIFO of a 16550. */
export const UART_FIFO_DEPTH = 16;
/** Registers repeat every 8 bytes through the window. */
const REG_INDEX_MASK = 7;
/** QEMU virt's window for the UART. */
export const UART_DEFAULT_SIZE = 0x100;
const BYTE_MASK = 0xff;

export interface Uart16550Options {
  /** Interrupt output (PLIC source 10 on virt). */
  readonly irq: IrqLine;
  /** Receives every transmitted byte, in order. */
  readonly sink: (byte: number) => void;
  readonly name?: string;
  /** Bytes of address space decoded (virt: 0x100). */
  readonly size?: number;
}

export class Uart16550 implements Device {
  readonly name: string;
  readonly size: number;
  private readonly irq: IrqLine;
  private readonly sink: (byte: number) => void;

  private ier = 0;
  private lcr = 0;
  private mcr = 0;
  private fcr = 0;
  private scr = 0;
  private dll = 0;
  private dlm = 0;
  /** Error bits of LSR (OE/PE/FE/BI); DR, THRE and TEMT are computed. */
  private lsrErrors = 0;
  private msr = MSR_CONNECTED;
  /** THRE interrupt condition (the 8250's thr_ipending). */
  private thrIpending = false;
  /** Receiver: FIFO or holding register contents, oldest first. */
  private rx: number[] = [];
  /** Host input not yet in the receiver. */
  private input: number[] = [];
  private inputHead = 0;
  private irqLevel = false;

  constructor(options: Uart16550Options) {
    this.name = options.name ?? 'uart0';
    this.size = options.size ?? UART_DEFAULT_SIZE;
    this.irq = options.irq;
    this.sink = options.sink;
  }

  /** Power-on state (datasheet table 5). Host input the guest has not read yet survives a
   *  board reset: it goes back to the host-side queue. */
  reset(): void {
    this.ier = this.lcr = this.mcr = this.fcr = this.scr = this.dll = this.dlm = 0;
    this.lsrErrors = 0;
    this.msr = MSR_CONNECTED;
    this.thrIpending = false;
    this.input = this.rx.concat(this.input.slice(this.inputHead));
    this.inputHead = 0;
    this.rx = [];
    this.refill();
    this.updateIrq();
  }

  /** Queue bytes from the host side (a terminal, a script) for the guest to receive.
   *  A string is sent as UTF-8. */
  pushInput(bytes: ArrayLike<number> | string): void {
    const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
    for (let i = 0; i < data.length; i++) this.input.push((data[i] as number) & BYTE_MASK);
    this.refill();
    this.updateIrq();
  }

  /** Host input bytes not yet read by the guest (in the queue or the receiver). */
  get pendingInput(): number {
    return this.input.length - this.inputHead + this.rx.length;
  }

  read(offset: number, _width: AccessWidth): number {
    switch (offset & REG_INDEX_MASK) {
      case UART_REG.RBR: return this.dlab ? this.dll : this.readRbr();
      case UART_REG.IER: return this.dlab ? this.dlm : this.ier;
      case UART_REG.IIR: return this.readIir();
      case UART_REG.LCR: return this.lcr;
      case UART_REG.MCR: return this.mcr;
      case UART_REG.LSR: return this.readLsr();
      case UART_REG.MSR: return this.readMsr();
      default: return this.scr;
    }
  }

  write(offset: number, _width: AccessWidth, value: number): void {
    const v = value & BYTE_MASK;
    switch (offset & REG_INDEX_MASK) {
      case UART_REG.THR:
        if (this.dlab) this.dll = v;
        else this.transmit(v);
        break;
      case UART_REG.IER:
        if (this.dlab) this.dlm = v;
        else this.writeIer(v);
        break;
      case UART_REG.FCR: this.writeFcr(v); break;
      case UART_REG.LCR: this.lcr = v; break;
      case UART_REG.MCR: this.writeMcr(v); break;
      case UART_REG.LSR: break; // read-only (factory test register on some parts)
      case UART_REG.MSR: break; // read-only
      default: this.scr = v; break;
    }
  }

  // ---- registers ----------------------------------------------------------------------------

  private get dlab(): boolean {
    return (this.lcr & LCR.DLAB) !== 0;
  }

  private get fifoEnabled(): boolean {
    return (this.fcr & FCR.FIFO_ENABLE) !== 0;
  }

  private get loopback(): boolean {
    return (this.mcr & MCR.LOOP) !== 0;
  }

  private readRbr(): number {
    const byte = this.rx.shift() ?? 0;
    this.refill();
    this.updateIrq();
    return byte;
  }

  private readIir(): number {
    const id = this.interruptId();
    // Reading IIR while it reports THRE is how the 8250 acknowledges that interrupt.
    if (id === IIR.THRE) {
      this.thrIpending = false;
      this.updateIrq();
    }
    return id | (this.fifoEnabled ? IIR.FIFOS_ENABLED : 0);
  }

  private readLsr(): number {
    const value = this.lsrErrors | (this.rx.length > 0 ? LSR.DR : 0) | LSR.THRE | LSR.TEMT;
    if (this.lsrErrors !== 0) {
      this.lsrErrors = 0; // error bits clear on read, ending a line status interrupt
      this.updateIrq();
    }
    return value;
  }

  private readMsr(): number {
    const value = this.msr;
    if (this.msr & MSR_DELTAS) {
      this.msr &= ~MSR_DELTAS; // delta bits clear on read, ending a modem status interrupt
      this.updateIrq();
    }
    return value;
  }

  private writeIer(v: number): void {
    const changed = (this.ier ^ v) & IER_WRITABLE;
    this.ier = v & IER_WRITABLE;
    // Turning ETBEI on while THR is empty raises THRE again even if it had been acknowledged
    // (Linux's 8250 probe and Windows rely on it); turning it off forgets the condition.
    if (changed & IER.ETBEI) this.thrIpending = (this.ier & IER.ETBEI) !== 0;
    this.updateIrq();
  }

  private writeFcr(v: number): void {
    let value = v;
    // Switching FIFOs on or off resets both of them.
    if ((value ^ this.fcr) & FCR.FIFO_ENABLE) value |= FCR.RCVR_FIFO_RESET | FCR.XMIT_FIFO_RESET;
    if (value & FCR.RCVR_FIFO_RESET) {
      this.rx = [];
      this.lsrErrors &= ~LSR.BI;
    }
    // The transmitter is always empty; resetting it re-announces that.
    if (value & FCR.XMIT_FIFO_RESET) this.thrIpending = true;
    this.fcr = value & FCR_STORED;
    this.refill();
    this.updateIrq();
  }

  private writeMcr(v: number): void {
    const wasLoopback = this.loopback;
    this.mcr = v & MCR_WRITABLE;
    if (this.loopback || wasLoopback) this.setModemLines(this.loopback ? this.loopbackLines() : MSR_CONNECTED);
    if (wasLoopback && !this.loopback) this.refill();
    this.updateIrq();
  }

  /** MSR line bits as wired back from MCR in loopback mode. */
  private loopbackLines(): number {
    return (this.mcr & MCR.RTS ? MSR.CTS : 0) | (this.mcr & MCR.DTR ? MSR.DSR : 0) |
      (this.mcr & MCR.OUT1 ? MSR.RI : 0) | (this.mcr & MCR.OUT2 ? MSR.DCD : 0);
  }

  /** Set MSR's line bits and the delta bits for the ones that changed. */
  private setModemLines(lines: number): void {
    const old = this.msr;
    let deltas = old & MSR_DELTAS;
    if ((old ^ lines) & MSR.CTS) deltas |= MSR.DCTS;
    if ((old ^ lines) & MSR.DSR) deltas |= MSR.DDSR;
    if ((old ^ lines) & MSR.DCD) deltas |= MSR.DDCD;
    if (old & MSR.RI && !(lines & MSR.RI)) deltas |= MSR.TERI; // trailing edge of RI
    this.msr = lines | deltas;
  }

  // ---- data path ----------------------------------------------------------------------------

  private transmit(byte: number): void {
    if (this.loopback) this.receive(byte);
    else this.sink(byte);
    // Instantaneous transmission: THR is empty again at once, so THRE is pending again.
    this.thrIpending = true;
    this.updateIrq();
  }

  /** A byte arriving at the receiver from the (loopback) line; lost with OE when full. */
  private receive(byte: number): void {
    if (this.rx.length < this.rxCapacity) this.rx.push(byte);
    else this.lsrErrors |= LSR.OE;
  }

  private get rxCapacity(): number {
    return this.fifoEnabled ? UART_FIFO_DEPTH : 1;
  }

  /** Move host input into the receiver while it has room (never in loopback). */
  private refill(): void {
    if (this.loopback) return;
    while (this.rx.length < this.rxCapacity && this.inputHead < this.input.length) {
      this.rx.push(this.input[this.inputHead++] as number);
    }
    if (this.inputHead === this.input.length) {
      this.input = [];
      this.inputHead = 0;
    }
  }

  // ---- interrupts ---------------------------------------------------------------------------

  private interruptId(): number {
    if (this.ier & IER.ELSI && this.lsrErrors & LSR_LINE_ERRORS) return IIR.RLS;
    if (this.ier & IER.ERBFI && this.rx.length > 0) {
      if (!this.fifoEnabled || this.rx.length >= this.triggerLevel) return IIR.RDA;
      return IIR.CTI;
    }
    if (this.ier & IER.ETBEI && this.thrIpending) return IIR.THRE;
    if (this.ier & IER.EDSSI && this.msr & MSR_DELTAS) return IIR.MS;
    return IIR.NO_INT;
  }

  private get triggerLevel(): number {
    return RCVR_TRIGGER_LEVELS[(this.fcr & FCR.RCVR_TRIGGER) >>> FCR_TRIGGER_SHIFT] as number;
  }

  private updateIrq(): void {
    const level = this.interruptId() !== IIR.NO_INT;
    if (level === this.irqLevel) return;
    this.irqLevel = level;
    this.irq.set(level);
  }
}
