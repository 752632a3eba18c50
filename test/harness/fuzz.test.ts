/**
 * The hostile-guest fuzzer (src/harness/fuzz/, `npm run fuzz`): a short run with a fixed seed
 * — every generator under every technique, each guest beside a well-behaved neighbour — must
 * find nothing: no host exception, no livelock, no effect on the neighbour, no bound exceeded.
 * And the fuzzer itself: same seed, same guests, same verdicts; its oracles notice what they
 * are there to notice.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Campaign, type Tally } from '../../src/harness/fuzz/campaign.js';
import { caseSpec, DEFAULT_FUZZ_CONFIG, type FuzzConfig } from '../../src/harness/fuzz/case.js';
import { findingRecord } from '../../src/harness/fuzz/findings.js';
import { GENERATORS } from '../../src/harness/fuzz/generators/index.js';
import { guestKernelSource } from '../../src/harness/fuzz/guest-spec.js';
import { LIVELOCK_EXITS, LivelockDetector } from '../../src/harness/fuzz/livelock.js';
import { differences } from '../../src/harness/fuzz/snapshot.js';
import { FUZZ_TARGETS, targetName } from '../../src/harness/fuzz/targets.js';
import type { VcpuView } from '../../src/hypervisor/vm-host.js';
import type { Hart } from '../../src/machine/hart.js';

const SEED = 15;
const CASES = 64;
/** Tighter bounds than a long run's: the neighbours still finish well within them. */
const CONFIG: FuzzConfig = { ...DEFAULT_FUZZ_CONFIG, limits: { maxInsnsPerVm: 400_000, maxExitsPerVm: 20_000, maxCyclesPerVm: 2 ** 40 } };

describe(`a fixed-seed fuzz run: ${CASES} cases of ${CONFIG.guestsPerCase} hostile guests and a neighbour`, () => {
  let tally: Tally;
  beforeAll(() => {
    tally = new Campaign(SEED, CONFIG).run(0, CASES);
  }, 120_000);

  it('finds nothing: no host exception, livelock, neighbour effect or bound exceeded', () => {
    expect(tally.findings.map((f) => findingRecord(f, CONFIG))).toEqual([]);
    expect(tally.guests).toBe(CASES * CONFIG.guestsPerCase);
  });

  it('ran every generator and every technique (both shadow-paging modes)', () => {
    expect(Object.keys(tally.generators).sort()).toEqual(GENERATORS.map((g) => g.name).sort());
    expect(Object.keys(tally.targets).sort()).toEqual(FUZZ_TARGETS.map(targetName).sort());
  });

  it('the guests ended every way a guest can: shut down, stuck, waiting forever, at a bound', () => {
    for (const kind of ['shutdown', 'stuck', 'waiting-forever', 'insn-limit', 'exit-limit']) expect(tally.stops[kind] ?? 0, kind).toBeGreaterThan(0);
    expect(tally.stops.error ?? 0).toBe(0);
  });
});

describe('the fuzzer is deterministic', () => {
  it('the same seed names the same guests', () => {
    const a = caseSpec(SEED, 7, CONFIG);
    const b = caseSpec(SEED, 7, CONFIG);
    expect(b).toEqual(a);
    expect(a.guests.map(guestKernelSource)).toEqual(b.guests.map(guestKernelSource));
    expect(caseSpec(SEED + 1, 7, CONFIG)).not.toEqual(a);
  });

  it('a case run twice gives every VM the same counters, console, memory and disk (recheck)', () => {
    const recheck = new Campaign(SEED, { ...CONFIG, recheck: true });
    for (const index of [3, 11]) expect(recheck.runCase(index).findings.map((f) => findingRecord(f, CONFIG))).toEqual([]);
  });
});

describe('the fuzzer\'s oracles', () => {
  const view = (retired: number, idleCycles: number): VcpuView => ({
    hart: { pc: 0x8020_0000, retired, idleCycles } as unknown as Hart,
    guestLevel: () => 1, instructionAt: () => undefined, lastHypercall: () => -1,
  });

  it('the livelock detector: fills without an instruction completed, LIVELOCK_EXITS in a row', () => {
    const d = new LivelockDetector();
    d.observe({ reason: 'interrupt' }, 'csr', view(5, 0));
    for (let i = 0; i < LIVELOCK_EXITS - 1; i++) d.observe({ reason: 'interrupt' }, 'shadow-fill', view(5, 0));
    expect(d.found).toBeNull();
    d.observe({ reason: 'interrupt' }, 'shadow-fill', view(5, 0));
    expect(d.found).toEqual({ pc: 0x8020_0000, kind: 'shadow-fill' });
  });

  it('…but not an emulated instruction, a retired one or time spent waiting', () => {
    const d = new LivelockDetector();
    for (let i = 0; i < 3 * LIVELOCK_EXITS; i++) {
      const kind = i % 1000 === 999 ? 'csr' : 'reflect-exception';
      d.observe({ reason: 'interrupt' }, kind, view(5, 0));
    }
    for (let i = 0; i < 2 * LIVELOCK_EXITS; i++) d.observe({ reason: 'interrupt' }, 'interrupt', view(5, i >> 10));
    expect(d.found).toBeNull();
  });

  it('snapshot differences name the path that changed', () => {
    expect(differences({ console: 'ok', accounting: { exits: { mmio: 3 } } }, { console: 'ok', accounting: { exits: { mmio: 4 } } })).toEqual(['accounting.exits.mmio: 3 → 4']);
  });
});
