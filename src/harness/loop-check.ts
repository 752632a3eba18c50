/**
 * The check that makes per-operation costs by difference exact (docs/workloads.md, "Measuring
 * by difference"): the run with N operations and the run with none must differ only in what
 * the operations do. Each run records its events — VM exits (kind and pc) under a hypervisor,
 * traps (cause and pc) natively — and its console. Then:
 *
 *   - the two consoles are the same once each run's own workload output is taken out (a result
 *     line whose length grew with N, or a message only one run printed, fails);
 *   - the two event sequences agree up to where the N-run starts its loop (boot and setup, by
 *     construction), and everything the 0-run does after that point (the end of the program,
 *     process teardown, shutdown) the N-run does too, kind for kind — it may do more (its
 *     operations, and teardown that grows with them: N pages to free), never less — beyond a
 *     share of 1 % of the operations' own events, for the hypervisor's caches (MAX_MISSED_SHARE).
 *     A run with N operations that skipped something the run with none paid for (a page the
 *     loop happened to map for the result line, a tick that fell in one run's shutdown) would
 *     make the difference smaller than the operations' cost.
 */
import { workloadByName } from '../guest/workloads.js';

/** Kind names by small number, shared by every log of the process: a log stores numbers, so
 *  recording an event allocates nothing (a run can take a million of them). */
const kindIds = new Map<string, number>();
const kindNames: string[] = [];

function kindId(kind: string): number {
  let id = kindIds.get(kind);
  if (id === undefined) {
    id = kindNames.length;
    kindNames.push(kind);
    kindIds.set(kind, id);
  }
  return id;
}

/** One run's events: kind and pc of each, in order. */
export class EventLog {
  private kinds = new Uint16Array(1024);
  private pcs = new Int32Array(1024);
  length = 0;

  add(kind: string, pc: number): void {
    if (this.length === this.kinds.length) this.grow();
    this.kinds[this.length] = kindId(kind);
    this.pcs[this.length++] = pc | 0;
  }

  /** The kind of event `i`, as a number (kindName gives its name). */
  kindAt(i: number): number {
    return this.kinds[i] as number;
  }

  /** Event `i` is event `j` of `other`: the same kind at the same pc. */
  same(i: number, other: EventLog, j: number): boolean {
    return this.kinds[i] === other.kinds[j] && this.pcs[i] === other.pcs[j];
  }

  private grow(): void {
    const kinds = new Uint16Array(this.kinds.length * 2);
    kinds.set(this.kinds);
    const pcs = new Int32Array(this.pcs.length * 2);
    pcs.set(this.pcs);
    this.kinds = kinds;
    this.pcs = pcs;
  }
}

/** The share of the operations' own events that events only the run with none takes may reach. */
export const MAX_MISSED_SHARE = 0.01;

/** Why the two runs differ outside the loop, or null when they do not. */
export function loopOnlyDifference(withN: EventLog, withZero: EventLog): string | null {
  let prefix = 0;
  while (prefix < withN.length && prefix < withZero.length && withN.same(prefix, withZero, prefix)) prefix++;
  // After setup, by kind: where a page is first touched may move with N (the loop may touch it
  // first), so places are not compared — only that nothing the run with none pays for is missing.
  const left = new Int32Array(kindNames.length);
  for (let i = prefix; i < withN.length; i++) left[withN.kindAt(i)]++;
  const missing = new Int32Array(kindNames.length);
  let missed = 0;
  for (let i = prefix; i < withZero.length; i++) {
    const k = withZero.kindAt(i);
    if (left[k]! > 0) left[k]--;
    else { missing[k]++; missed++; }
  }
  // A cache the hypervisor keeps (shadow tables) may hold a little more or less at the end of
  // one run than of the other; that changes the difference by far less than the operations'
  // own events and is tolerated up to MAX_MISSED_SHARE of them. More is a real bias.
  const operationEvents = withN.length - withZero.length;
  if (missed === 0 || missed <= MAX_MISSED_SHARE * operationEvents) return null;
  const what = [...missing].flatMap((n, k) => (n > 0 ? [`${n} ${kindNames[k]}`] : [])).join(', ');
  return `after setup the run with none takes events the run with N operations never takes (${what}), against ${operationEvents} events the operations added`;
}

/** The console without the workload's own output (its payload and result line). */
export function consoleOutside(workload: string, params: Readonly<Record<string, number>>, console: string): string {
  const own = workloadByName(workload).expectedOutput(params);
  const at = console.indexOf(own);
  return at < 0 ? console : console.slice(0, at) + console.slice(at + own.length);
}
