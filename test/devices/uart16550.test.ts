import { describe, expect, it } from 'vitest';
import { FCR, IER, IIR, LCR, LSR, MCR, MSR, Uart16550, UART_REG } from '../../src/machine/devices/index.js';
import { FakeIrq } from './fakes.js';

function uart(): { u: Uart16550; out: number[]; irq: FakeIrq } {
  const out: number[] = [];
  const irq = new FakeIrq();
  return { u: new Uart16550({ irq, sink: (b) => out.push(b) }), out, irq };
}

const rd = (u: Uart16550, reg: number) => u.read(reg, 1);
const wr = (u: Uart16550, reg: number, v: number) => u.write(reg, 1, v);
/** Interrupt ID of IIR without the FIFO bits. */
const iid = (u: Uart16550) => rd(u, UART_REG.IIR) & IIR.ID_MASK;

describe('NS16550A UART', () => {
  it('comes out of reset idle: THR empty, no interrupt, modem lines up', () => {
    const { u, irq } = uart();
    expect(rd(u, UART_REG.LSR)).toBe(LSR.THRE | LSR.TEMT);
    expect(rd(u, UART_REG.IIR)).toBe(IIR.NO_INT);
    expect(rd(u, UART_REG.IER)).toBe(0);
    expect(rd(u, UART_REG.LCR)).toBe(0);
    expect(rd(u, UART_REG.MSR)).toBe(MSR.DCD | MSR.DSR | MSR.CTS);
    expect(irq.level).toBe(false);
  });

  it('transmits THR writes to the sink at once, leaving THRE and TEMT set', () => {
    const { u, out } = uart();
    for (const c of 'hi\n') wr(u, UART_REG.THR, c.charCodeAt(0));
    expect(String.fromCharCode(...out)).toBe('hi\n');
    expect(rd(u, UART_REG.LSR) & (LSR.THRE | LSR.TEMT)).toBe(LSR.THRE | LSR.TEMT);
  });

  it('LCR.DLAB switches offsets 0 and 1 to the divisor latch', () => {
    const { u, out } = uart();
    wr(u, UART_REG.IER, IER.ERBFI);
    wr(u, UART_REG.LCR, LCR.DLAB | 0x03);
    wr(u, UART_REG.DLL, 0x01);
    wr(u, UART_REG.DLM, 0x02);
    expect(rd(u, UART_REG.DLL)).toBe(0x01);
    expect(rd(u, UART_REG.DLM)).toBe(0x02);
    expect(out).toEqual([]); // the DLL write did not transmit
    wr(u, UART_REG.LCR, 0x03);
    expect(rd(u, UART_REG.IER)).toBe(IER.ERBFI); // IER untouched
    expect(rd(u, UART_REG.LCR)).toBe(0x03);
  });

  it('receives host input through RBR with LSR.DR, one byte at a time without FIFOs', () => {
    const { u } = uart();
    u.pushInput('ok');
    expect(rd(u, UART_REG.LSR) & LSR.DR).toBe(LSR.DR);
    expect(rd(u, UART_REG.RBR)).toBe('o'.charCodeAt(0));
    expect(rd(u, UART_REG.RBR)).toBe('k'.charCodeAt(0));
    expect(rd(u, UART_REG.LSR) & LSR.DR).toBe(0);
    expect(u.pendingInput).toBe(0);
  });

  it('queues any amount of host input without overrun, and sends strings as UTF-8', () => {
    const { u } = uart();
    u.pushInput('é'.repeat(50));
    const got: number[] = [];
    while (rd(u, UART_REG.LSR) & LSR.DR) got.push(rd(u, UART_REG.RBR));
    expect(new TextDecoder().decode(new Uint8Array(got))).toBe('é'.repeat(50));
    expect(rd(u, UART_REG.LSR) & LSR.OE).toBe(0);
  });

  it('raises received-data-available through the IRQ line while data waits', () => {
    const { u, irq } = uart();
    wr(u, UART_REG.IER, IER.ERBFI);
    expect(irq.level).toBe(false);
    u.pushInput([0x41]);
    expect(irq.level).toBe(true);
    expect(iid(u)).toBe(IIR.RDA);
    rd(u, UART_REG.RBR);
    expect(irq.level).toBe(false);
    expect(iid(u)).toBe(IIR.NO_INT);
  });

  it('reports FIFO mode in IIR and the trigger level: timeout below it, RDA at it', () => {
    const { u } = uart();
    wr(u, UART_REG.FCR, FCR.FIFO_ENABLE | 0x40); // trigger level 4
    wr(u, UART_REG.IER, IER.ERBFI);
    expect(rd(u, UART_REG.IIR) & IIR.FIFOS_ENABLED).toBe(IIR.FIFOS_ENABLED);
    u.pushInput([1, 2]);
    expect(iid(u)).toBe(IIR.CTI);
    u.pushInput([3, 4]);
    expect(iid(u)).toBe(IIR.RDA);
    expect([1, 2, 3, 4].map(() => rd(u, UART_REG.RBR))).toEqual([1, 2, 3, 4]);
  });

  it('the receive FIFO holds 16 bytes; the rest waits on the host side', () => {
    const { u } = uart();
    wr(u, UART_REG.FCR, FCR.FIFO_ENABLE);
    u.pushInput(new Uint8Array(40).map((_, i) => i));
    expect(u.pendingInput).toBe(40);
    // A FIFO reset discards only what had arrived in the FIFO.
    wr(u, UART_REG.FCR, FCR.FIFO_ENABLE | FCR.RCVR_FIFO_RESET);
    expect(u.pendingInput).toBe(24);
    expect(rd(u, UART_REG.RBR)).toBe(16);
  });

  it('THRE interrupt: pending when enabled, acknowledged by reading IIR, re-armed by IER and THR writes', () => {
    const { u, irq } = uart();
    wr(u, UART_REG.IER, IER.ETBEI);
    expect(irq.level).toBe(true);
    expect(iid(u)).toBe(IIR.THRE); // this read acknowledges it
    expect(irq.level).toBe(false);
    expect(iid(u)).toBe(IIR.NO_INT);
    // Toggling ETBEI off and on re-arms it (Linux's 8250 relies on this).
    wr(u, UART_REG.IER, 0);
    wr(u, UART_REG.IER, IER.ETBEI);
    expect(irq.level).toBe(true);
    expect(iid(u)).toBe(IIR.THRE);
    // Writing THR: the byte goes out at once and THR is empty again.
    wr(u, UART_REG.THR, 0x21);
    expect(irq.level).toBe(true);
    expect(iid(u)).toBe(IIR.THRE);
    // Rewriting IER with ETBEI unchanged does not re-arm.
    wr(u, UART_REG.IER, IER.ETBEI);
    expect(irq.level).toBe(false);
  });

  it('received data outranks THRE; line status outranks both', () => {
    const { u } = uart();
    wr(u, UART_REG.IER, IER.ETBEI | IER.ERBFI | IER.ELSI);
    u.pushInput([7]);
    expect(iid(u)).toBe(IIR.RDA);
    rd(u, UART_REG.RBR);
    expect(iid(u)).toBe(IIR.THRE);
    // Overrun in loopback: RLS first, cleared by reading LSR.
    wr(u, UART_REG.MCR, MCR.LOOP);
    wr(u, UART_REG.THR, 1);
    wr(u, UART_REG.THR, 2); // holding register full (no FIFO): overrun
    expect(iid(u)).toBe(IIR.RLS);
    expect(rd(u, UART_REG.LSR) & LSR.OE).toBe(LSR.OE);
    expect(rd(u, UART_REG.LSR) & LSR.OE).toBe(0);
    expect(iid(u)).toBe(IIR.RDA);
    expect(rd(u, UART_REG.RBR)).toBe(1);
  });

  it('loopback returns transmitted bytes to the receiver and holds host input back', () => {
    const { u, out } = uart();
    wr(u, UART_REG.FCR, FCR.FIFO_ENABLE);
    wr(u, UART_REG.MCR, MCR.LOOP);
    u.pushInput([0x99]);
    for (const b of [0x10, 0x20, 0x30]) wr(u, UART_REG.THR, b);
    expect(out).toEqual([]);
    const got: number[] = [];
    while (rd(u, UART_REG.LSR) & LSR.DR) got.push(rd(u, UART_REG.RBR));
    expect(got).toEqual([0x10, 0x20, 0x30]);
    wr(u, UART_REG.MCR, 0);
    expect(rd(u, UART_REG.RBR)).toBe(0x99);
  });

  it('in loopback MSR follows MCR, with delta bits and a modem status interrupt', () => {
    const { u, irq } = uart();
    wr(u, UART_REG.MCR, MCR.LOOP);
    expect(rd(u, UART_REG.MSR) & 0xf0).toBe(0);
    wr(u, UART_REG.IER, IER.EDSSI);
    wr(u, UART_REG.MCR, MCR.LOOP | MCR.RTS | MCR.DTR | MCR.OUT1 | MCR.OUT2);
    expect(irq.level).toBe(true);
    expect(iid(u)).toBe(IIR.MS);
    const msr = rd(u, UART_REG.MSR);
    expect(msr & (MSR.CTS | MSR.DSR | MSR.RI | MSR.DCD)).toBe(MSR.CTS | MSR.DSR | MSR.RI | MSR.DCD);
    expect(msr & (MSR.DCTS | MSR.DDSR | MSR.DDCD)).toBe(MSR.DCTS | MSR.DDSR | MSR.DDCD);
    expect(rd(u, UART_REG.MSR) & 0x0f).toBe(0); // deltas clear on read
    expect(irq.level).toBe(false);
    wr(u, UART_REG.MCR, MCR.LOOP | MCR.RTS | MCR.DTR | MCR.OUT2); // RI falls: TERI
    expect(rd(u, UART_REG.MSR) & MSR.TERI).toBe(MSR.TERI);
  });

  it('keeps the scratch register and aliases registers every 8 bytes', () => {
    const { u } = uart();
    wr(u, UART_REG.SCR, 0x5a);
    expect(rd(u, UART_REG.SCR)).toBe(0x5a);
    expect(u.read(8 + UART_REG.SCR, 1)).toBe(0x5a);
    expect(u.read(UART_REG.LSR, 4)).toBe(LSR.THRE | LSR.TEMT);
  });

  it('reset() returns to power-on state but keeps queued host input', () => {
    const { u, irq } = uart();
    wr(u, UART_REG.IER, IER.ETBEI);
    wr(u, UART_REG.LCR, LCR.DLAB);
    u.pushInput('ab');
    u.reset();
    expect(irq.level).toBe(false);
    expect(rd(u, UART_REG.LCR)).toBe(0);
    expect(rd(u, UART_REG.RBR)).toBe('a'.charCodeAt(0));
  });
});
