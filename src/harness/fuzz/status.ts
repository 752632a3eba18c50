/**
 * The fuzzer's progress and summary lines: runs (hostile guests run), their rate, findings by
 * verdict, host memory.
 */
import type { Verdict } from './case.js';
import type { Tally } from './campaign.js';

const MIB = 1024 * 1024;

const VERDICT_LABELS: readonly [Verdict, string][] = [
  ['host-exception', 'host exceptions'], ['livelock', 'livelocks'], ['neighbour-effect', 'neighbour effects'],
  ['bound-exceeded', 'bounds exceeded'], ['hang', 'hangs'], ['nondeterministic', 'nondeterministic'],
  ['untracked-write', 'untracked writes'],
];

export function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function rssMiB(): number {
  return process.memoryUsage().rss / MIB;
}

/** `12:30  runs 9120 (12.2/s)  host exceptions 0  …  RSS 214 MiB` */
export function statusLine(t: Tally, elapsedMs: number): string {
  const rate = t.guests / Math.max(elapsedMs / 1000, 1e-3);
  const verdicts = VERDICT_LABELS.map(([v, label]) => `${label} ${t.byVerdict[v] ?? 0}`).join('  ');
  return `${clock(elapsedMs).padStart(6)}  runs ${t.guests} (${rate.toFixed(1)}/s, ${t.cases} cases)  ${verdicts}  RSS ${rssMiB().toFixed(0)} MiB`;
}

/** How the guests stopped, and what ran, most first. */
export function coverageLines(t: Tally): string[] {
  const list = (m: Record<string, number>): string => Object.entries(m).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ');
  return [`  stops       ${list(t.stops)}`, `  generators  ${list(t.generators)}`, `  targets     ${list(t.targets)}`];
}
