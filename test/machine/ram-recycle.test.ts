/**
 * Ram.release: a finished run's RAM buffer, zeroed where writes reached it, is the next RAM's
 * (V8 collects garbage at once for every fresh 128 MiB buffer). That is only sound if every
 * write to guest RAM is seen — by noteWrite or by the store TLB entry a hart fills — so every
 * workload runs here under every technique with Ram.checkReleases on, and a recycled RAM must
 * be indistinguishable from a fresh one: all zero, and the same run on it gives the same figures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKLOADS } from '../../src/guest/workloads.js';
import { runGuest } from '../../src/harness/run-guest.js';
import { presetByName } from '../../src/hypervisor/cost-presets.js';
import { IMPLIED_BUILD, TECHNIQUES } from '../../src/hypervisor/techniques.js';
import { Ram } from '../../src/machine/ram.js';

const RAM_BYTES = 16 * 1024 * 1024;
const preset = presetByName('modern-kvm');

beforeAll(() => { Ram.checkReleases = true; });
afterAll(() => { Ram.checkReleases = false; });

function run(technique: (typeof TECHNIQUES)[number], workload: string) {
  return runGuest({ technique, build: IMPLIED_BUILD[technique], workload, params: { iterations: 2 }, preset, ramBytes: RAM_BYTES });
}

describe('every write to guest RAM is tracked (Ram.release would refuse otherwise)', () => {
  it.each(TECHNIQUES)('%s, every workload', (technique) => {
    for (const w of WORKLOADS) {
      const r = run(technique, w.name);
      expect(r.stop, `${w.name} under ${technique}`).toEqual({ kind: 'shutdown', code: 0 });
    }
  });
});

describe('a recycled RAM is a fresh one', () => {
  it('is all zero, with no page marked written', () => {
    const dirty = new Ram(RAM_BYTES);
    dirty.load(0x1234, new Uint8Array([1, 2, 3]));
    dirty.write(RAM_BYTES - 4, 4, -1);
    dirty.release();
    const again = new Ram(RAM_BYTES);
    expect(again.buffer).toBe(dirty.buffer);
    expect(again.i32.every((w) => w === 0)).toBe(true);
    expect(again.written.every((p) => p === 0)).toBe(true);
    again.release();
  });

  it('a run on recycled memory gives the figures of a run on fresh memory', () => {
    const first = run('trap-emulate', 'fork');
    const second = run('trap-emulate', 'fork');
    expect(second).toEqual(first);
  });

  it('memory the hypervisor writes unseen (the shadow-table pool) is zeroed whole', () => {
    const pool = new Ram(256 * 1024, { writesTracked: false });
    pool.i32[100] = 7;
    expect(() => pool.release()).not.toThrow();
    const again = new Ram(256 * 1024, { writesTracked: false });
    expect(again.i32[100]).toBe(0);
  });

  it('a write that bypasses the tracking is caught', () => {
    const ram = new Ram(RAM_BYTES);
    ram.i32[4096] = 1;
    expect(ram.untrackedPages()).toEqual([4]);
    expect(() => ram.release()).toThrow(/1 pages hold data no tracked write put there, the first at offset 0x4000/);
  });
});
