/**
 * A bounded execution trace: the last N instructions (with disassembly and, for assembled
 * programs, the source line) and the traps among them, kept in a ring so that tracing a long
 * run costs memory for N records only.
 */
import { causeName } from '../isa/causes.js';
import type { PrivLevel } from '../isa/csr.js';
import { disassemble } from '../isa/disasm.js';
import type { Hart } from '../machine/hart.js';
import type { Probe } from '../machine/probe.js';
import type { Program } from './program.js';

type Record =
  | { kind: 'insn'; pc: number; insn: number; priv: PrivLevel }
  | { kind: 'trap'; cause: number; tval: number; epc: number; from: PrivLevel; to: PrivLevel };

const PRIV_LETTER = ['U', 'S', '?', 'M'];

export class TraceRing implements Probe {
  private readonly ring: Record[] = [];
  private next = 0;
  total = 0;

  constructor(private readonly capacity: number, private readonly inner: Probe | null) {}

  attach(hart: Hart): void {
    hart.traceHook = (pc, insn, priv) => this.push({ kind: 'insn', pc, insn, priv });
    hart.probe = this;
  }

  trap(cause: number, tval: number, epc: number, from: PrivLevel, to: PrivLevel): void {
    this.push({ kind: 'trap', cause, tval, epc, from, to });
    this.inner?.trap(cause, tval, epc, from, to);
  }

  private push(r: Record): void {
    this.total++;
    if (this.ring.length < this.capacity) this.ring.push(r);
    else this.ring[this.next] = r;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Oldest first. */
  records(): Record[] {
    return this.ring.length < this.capacity ? [...this.ring] : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
  }

  format(program: Program): string[] {
    const bySymbol = new Map<number, string>();
    for (const [name, addr] of program.symbols) if (!bySymbol.has(addr >>> 0)) bySymbol.set(addr >>> 0, name);
    const lines = new Map<number, string>();
    for (const l of program.asm?.lineMap ?? []) lines.set(l.addr >>> 0, `${l.file}:${l.line}`);
    const out: string[] = [];
    for (const r of this.records()) {
      if (r.kind === 'trap') {
        out.push(`  -- trap ${causeName(r.cause)} tval=0x${hex(r.tval)} epc=0x${hex(r.epc)} ` +
          `${PRIV_LETTER[r.from]}→${PRIV_LETTER[r.to]}`);
        continue;
      }
      const label = bySymbol.get(r.pc);
      if (label !== undefined) out.push(`${label}:`);
      const text = disassemble(r.insn, r.pc, { symbolize: (a) => bySymbol.get(a >>> 0) });
      const where = lines.get(r.pc);
      out.push(`  ${PRIV_LETTER[r.priv]} ${hex(r.pc)}: ${hex(r.insn)}  ${text.replace('\t', ' ').padEnd(32)}` +
        (where ? `  ${where}` : ''));
    }
    return out;
  }
}

function hex(v: number): string {
  return (v >>> 0).toString(16).padStart(8, '0');
}
