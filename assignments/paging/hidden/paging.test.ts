/**
 * Assignment paging, hidden tests: the G-stage leaves are what the spec requires (4 KiB
 * identity leaves with V R W X U A D, pointer entries with V only), a TLB miss under nested
 * paging reads 8 page-table entries, and the answers Q5–Q6 and E1–E2.
 */
import { describe, expect, it } from 'vitest';
import { close, compareFigures, perOperation } from '../../../src/course/testing.js';
import { PAGE_SIZE, PTE } from '../../../src/isa/csr.js';
import { presetByName } from '../../../src/hypervisor/cost-presets.js';
import { Hypervisor } from '../../../src/hypervisor/hypervisor.js';
import { SHADOW_POOL_BASE } from '../../../src/hypervisor/guest-memory.js';
import { ANSWERS } from '../../paging/answers.js';
import { createGuestVm } from '../../../src/harness/run-guest.js';

const LEAF = PTE.V | PTE.R | PTE.W | PTE.X | PTE.U | PTE.A | PTE.D;

describe('paging (hidden): the G-stage itself', () => {
  it('every G-stage entry is a pointer (V only) or a 4 KiB leaf mapping a guest RAM page to itself with V R W X U A D', () => {
    const hv = new Hypervisor();
    const vm = createGuestVm(hv, { name: 'g', build: 'unmodified', workload: 'fork', params: { iterations: 3 }, technique: 'hw-assist', preset: presetByName('modern-kvm'), ramBytes: 32 << 20 });
    vm.powerOn();
    hv.run({ maxInsnsPerVm: 50_000_000 });
    expect(vm.stopReason, 'the VM must finish fork').toEqual({ kind: 'shutdown', code: 0 });
    const cpu = vm.hardwareAssist;
    const pool = vm.mem.shadowPool.i32;
    let leaves = 0;
    for (let i = 0; i < 2048; i++) {
      const l1 = pool[i] as number;
      if ((l1 & PTE.V) === 0) continue;
      expect(l1 & 0x3ff, `root entry ${i} must point to a table (V only)`).toBe(PTE.V);
      const table = ((l1 >>> PTE.PPN_SHIFT) * PAGE_SIZE - SHADOW_POOL_BASE) >>> 2;
      for (let j = 0; j < 1024; j++) {
        const leaf = pool[table + j] as number;
        if ((leaf & PTE.V) === 0) continue;
        leaves++;
        const gpa = (i * 1024 + j) * PAGE_SIZE;
        expect((leaf >>> PTE.PPN_SHIFT) * PAGE_SIZE, `leaf for guest-physical 0x${gpa.toString(16)}`).toBe(gpa);
        expect(leaf & 0x3ff, `flags of the leaf for 0x${gpa.toString(16)}`).toBe(LEAF);
      }
    }
    expect(leaves).toBe(cpu.gstage?.stats.fills);
    expect(leaves).toBeGreaterThan(10);
  });

  it('a TLB miss under nested paging reads (2+1)(2+1)-1 = 8 page-table entries (tlb-walk, 1024 pages)', () => {
    const m = perOperation({ technique: 'hw-assist', workload: 'tlb-walk', params: { pages: 1024 } }, 4);
    expect(m.perOp.pteReads / m.perOp.tlbMisses).toBeCloseTo(8, 1);
  });
});

describe('paging (hidden): the answers, Q5–Q6 and the explanations', () => {
  it('Q5: the slowdown of tlb-walk under hw-assist', async () => {
    const f = await compareFigures('tlb-walk', ['native', 'hw-assist']);
    const q5 = ANSWERS.q5_tlb_walk_slowdown_nested;
    expect(q5, 'Q5 is not answered').not.toBeNull();
    expect(close(q5 as number, f['hw-assist']!.slowdown), `Q5: ${q5} is not within 2% of the measured slowdown`).toBe(true);
  }, 120_000);

  it('Q6: page-table reads per TLB miss under hw-assist', () => {
    const q6 = ANSWERS.q6_pte_reads_per_miss_nested;
    expect(q6, 'Q6 is not answered').not.toBeNull();
    expect(close(q6 as number, 8), `Q6: ${q6} page-table reads per miss`).toBe(true);
  });

  it('E1-E2: both explanations are written (at least two sentences each)', () => {
    for (const [k, v] of [['E1', ANSWERS.e1_why_fork], ['E2', ANSWERS.e2_why_tlb_walk]] as const) {
      expect((v ?? '').trim().length, `${k} is not answered (assignments/paging/answers.ts)`).toBeGreaterThanOrEqual(80);
    }
  });
});
