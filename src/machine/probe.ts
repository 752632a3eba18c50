/**
 * Instrumentation. The hart calls a probe at the few points an experiment may care about
 * (traps, privilege changes); with the default null probe it costs one null check per trap and
 * nothing per instruction. The CPU loop knows nothing about experiments.
 */
import { causeName } from '../isa/causes.js';
import type { PrivLevel } from '../isa/csr.js';

export interface Probe {
  /** A trap was taken: `cause` as written to xcause, from privilege `from` into `to`. */
  trap(cause: number, tval: number, epc: number, from: PrivLevel, to: PrivLevel): void;
  /** With Hart.exitToHost: a trap handed to the host as a VM exit instead of being taken. */
  exit?(cause: number, tval: number, epc: number, from: PrivLevel): void;
}

/** Counts traps by cause name and by target privilege. */
export class CountingProbe implements Probe {
  readonly byCause = new Map<string, number>();
  readonly intoM = { count: 0 };
  readonly intoS = { count: 0 };
  total = 0;

  trap(cause: number, _tval: number, _epc: number, _from: PrivLevel, to: PrivLevel): void {
    const name = causeName(cause);
    this.byCause.set(name, (this.byCause.get(name) ?? 0) + 1);
    this.total++;
    if (to === 3) this.intoM.count++;
    else this.intoS.count++;
  }

  /** Counts sorted by name, for stable output. */
  sorted(): [string, number][] {
    return [...this.byCause.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }
}
