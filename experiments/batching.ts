/**
 * Paravirtual batching: cost per page as the guest gathers more page-table updates per
 * MMU_UPDATE (pv_mmu_batch, Xen's mmu_update batching), and cost per request as the block
 * driver queues more requests per notify (pv_blk_batch, Xen's I/O rings). Native and
 * trap-and-emulate run once per size as the reference (their build has no batch parameter).
 */
import { defineSuite } from '../src/harness/suite.js';

export default defineSuite({
  name: 'batching',
  description: 'PV batch size vs cost: pv_mmu_batch 1..128 with mmap, pv_blk_batch 1..32 with block I/O',
  workloads: ['mmap', 'block-io'],
  techniques: ['native', 'trap-emulate', 'paravirt'],
  params: {
    mmap: { pages: [4, 32], pv_mmu_batch: [1, 2, 4, 8, 16, 32, 64, 128] },
    'block-io': { sectors: [64, 256], pv_blk_batch: [1, 2, 4, 8, 16, 32] },
  },
  operations: { mmap: 8, 'block-io': 4 },
  presets: ['modern-kvm'],
  charts: ['batching', 'exits'],
});
