/**
 * A run of many cases: cases `from`, `from + step`, … of one seed, in order, with a tally of
 * what happened — guests run, findings by verdict, how the guests stopped, which generators
 * and targets were exercised. The test suite, the command line and its workers all use it.
 */
import type { VmStopReason } from '../../hypervisor/vm.js';
import { caseSpec, runCase, type CaseResult, type Finding, type FuzzConfig, type Verdict } from './case.js';
import { AloneRuns } from './neighbour.js';
import { targetName } from './targets.js';

export interface Tally {
  cases: number;
  guests: number;
  findings: Finding[];
  byVerdict: Partial<Record<Verdict, number>>;
  /** Guests by how they stopped. */
  stops: Record<string, number>;
  generators: Record<string, number>;
  targets: Record<string, number>;
}

export function emptyTally(): Tally {
  return { cases: 0, guests: 0, findings: [], byVerdict: {}, stops: {}, generators: {}, targets: {} };
}

const bump = (m: Record<string, number>, k: string): void => { m[k] = (m[k] ?? 0) + 1; };

export function addCase(t: Tally, r: CaseResult): void {
  t.cases++;
  t.guests += r.spec.guests.length;
  r.spec.guests.forEach((g, i) => {
    bump(t.generators, g.generator);
    bump(t.targets, targetName(g.target));
    bump(t.stops, stopKind(r.stops[i] ?? null));
  });
  addFindings(t, r.findings);
}

export function addFindings(t: Tally, findings: readonly Finding[]): void {
  for (const f of findings) {
    t.findings.push(f);
    t.byVerdict[f.verdict] = (t.byVerdict[f.verdict] ?? 0) + 1;
  }
}

function stopKind(s: VmStopReason | null): string {
  return s === null ? 'running' : s.kind;
}

export class Campaign {
  private readonly alone: AloneRuns;

  constructor(readonly runSeed: number, readonly config: FuzzConfig) {
    this.alone = new AloneRuns(config.limits);
  }

  runCase(index: number): CaseResult {
    return runCase(caseSpec(this.runSeed, index, this.config), this.config, this.alone);
  }

  /** Cases from, from + step, … below `to`, into a tally. */
  run(from: number, to: number, step = 1, onCase?: (r: CaseResult) => void): Tally {
    const t = emptyTally();
    for (let i = from; i < to; i += step) {
      const r = this.runCase(i);
      addCase(t, r);
      onCase?.(r);
    }
    return t;
  }
}
