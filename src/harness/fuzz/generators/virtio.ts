/**
 * virtio abuse: the block device's virtio-mmio transport driven out of order and with bad
 * values (status sequences, features, queue sizes past the maximum, queue areas in the pool,
 * past RAM, above 4 GiB, over the guest's code), descriptor chains that loop, nest indirect
 * tables, point anywhere, have huge lengths or ask the device to write over code, avail
 * indices far ahead, notifies of queues that do not exist; empty slots poked too. Then the
 * guest waits a little so that what it started completes (or fails) while it runs.
 */
import { VIRTIO_MMIO, VIRTIO_STATUS } from '../../../machine/devices/virtio-mmio.js';
import { VIRTQ_DESC_F, VIRTQ_LAYOUT } from '../../../machine/devices/virtqueue.js';
import { VIRTIO_BLK_T } from '../../../machine/devices/virtio-blk.js';
import { VIRT } from '../../../machine/memory-map.js';
import { PAGE_SIZE } from '../../../isa/csr.js';
import { KERNEL_BASE } from '../../../guest/image.js';
import { addressOf, li, storeAt } from '../asm.js';
import { FRAME_PAGES } from '../guest-frame.js';
import { wildAddress, wildValue } from '../values.js';
import type { Generator, SnippetContext } from './generator.js';

/** fz_pages: descriptors, avail ring, used ring, request header and data. */
const DESC_PAGE = 0;
const AVAIL_PAGE = 1;
const USED_PAGE = 2;
const DATA_PAGE = 3;
const QUEUE_SIZES = [0, 1, 2, 8, 256, 257, 1024, 0xffff, 0xffff_ffff];
const SPIN = 2000;

function reg(slotBase: number, offset: number, value: string): string {
  return [li('t0', slotBase), value, `    sw      t1, ${offset}(t0)`].join('\n');
}

const set = (v: number): string => li('t1', v);
const ours = (page: number): string => [addressOf('fz_pages', page * PAGE_SIZE), '    mv      t1, t6'].join('\n');

/** An address for a queue area or a buffer: one of our pages, code, anything. */
function area(ctx: SnippetContext, page: number): string {
  switch (ctx.rng.below(5)) {
    case 0: return set(KERNEL_BASE);
    case 1: return set(wildAddress(ctx.rng, ctx.ramBytes));
    default: return ours(page);
  }
}

function setup(ctx: SnippetContext, base: number): string[] {
  const { rng } = ctx;
  const M = VIRTIO_MMIO;
  const S = VIRTIO_STATUS;
  const steps = [
    reg(base, M.Status, set(rng.chance(0.2) ? 0 : S.ACKNOWLEDGE | S.DRIVER)),
    reg(base, M.DriverFeaturesSel, set(rng.below(3))),
    reg(base, M.DriverFeatures, set(rng.chance(0.5) ? 1 : rng.word())),
    reg(base, M.Status, set(S.ACKNOWLEDGE | S.DRIVER | S.FEATURES_OK)),
    reg(base, M.QueueSel, set(rng.chance(0.8) ? 0 : rng.below(4))),
    reg(base, M.QueueNum, set(rng.pick(QUEUE_SIZES))),
    reg(base, M.QueueDescLow, area(ctx, DESC_PAGE)),
    reg(base, M.QueueDescHigh, set(rng.chance(0.9) ? 0 : rng.below(4))),
    reg(base, M.QueueDriverLow, area(ctx, AVAIL_PAGE)),
    reg(base, M.QueueDeviceLow, area(ctx, USED_PAGE)),
    reg(base, M.QueueReady, set(rng.chance(0.9) ? 1 : rng.word())),
    reg(base, M.Status, set(rng.chance(0.85) ? S.ACKNOWLEDGE | S.DRIVER | S.FEATURES_OK | S.DRIVER_OK : rng.below(256))),
  ];
  // A step left out, or two swapped, now and then.
  const kept = steps.filter(() => rng.chance(0.92));
  for (let i = 0; i + 1 < kept.length; i++) {
    if (rng.chance(0.1)) [kept[i], kept[i + 1]] = [kept[i + 1] as string, kept[i] as string];
  }
  return kept;
}

function descriptor(ctx: SnippetContext, index: number): string[] {
  const { rng } = ctx;
  const L = VIRTQ_LAYOUT;
  const at = DESC_PAGE * PAGE_SIZE + index * L.DESC_SIZE;
  const flags = rng.pick([VIRTQ_DESC_F.NEXT, VIRTQ_DESC_F.NEXT | VIRTQ_DESC_F.WRITE, VIRTQ_DESC_F.WRITE, VIRTQ_DESC_F.INDIRECT, 0, rng.below(8)]);
  const next = rng.chance(0.6) ? index + 1 : rng.chance(0.5) ? index : rng.below(0x1_0000);
  const addr = rng.chance(0.5) ? [addressOf('fz_pages', (DATA_PAGE + rng.below(FRAME_PAGES - DATA_PAGE)) * PAGE_SIZE), '    mv      t4, t6'].join('\n')
    : li('t4', rng.chance(0.3) ? KERNEL_BASE : wildAddress(rng, ctx.ramBytes));
  return [
    addr, addressOf('fz_pages', at + L.DESC_ADDR), '    sw      t4, 0(t6)', '    sw      zero, 4(t6)',
    storeAt('fz_pages', at + L.DESC_LEN, rng.pick([16, 512, 1, 0, 4096, rng.word()])),
    storeAt('fz_pages', at + L.DESC_FLAGS, ((next & 0xffff) << 16) | flags),
  ];
}

/** A block request header at the start of the data page: a read, a write or nonsense. */
function header(ctx: SnippetContext): string[] {
  const { rng } = ctx;
  const type = rng.pick([VIRTIO_BLK_T.IN, VIRTIO_BLK_T.OUT, rng.word()]);
  return [storeAt('fz_pages', DATA_PAGE * PAGE_SIZE, type), storeAt('fz_pages', DATA_PAGE * PAGE_SIZE + 8, rng.chance(0.7) ? rng.below(16) : rng.word())];
}

function avail(ctx: SnippetContext): string[] {
  const { rng } = ctx;
  const L = VIRTQ_LAYOUT;
  const idx = rng.chance(0.7) ? rng.between(1, 4) : rng.below(0x1_0000);
  const ring = Array.from({ length: rng.between(1, 4) }, (_, i) => storeAt('fz_pages', AVAIL_PAGE * PAGE_SIZE + L.AVAIL_RING + 4 * i, rng.chance(0.8) ? rng.below(4) : wildValue(rng)));
  return [...ring, storeAt('fz_pages', AVAIL_PAGE * PAGE_SIZE + L.AVAIL_FLAGS, (idx << 16) | rng.below(2))];
}

function notifyAndWait(ctx: SnippetContext, base: number): string[] {
  const { rng } = ctx;
  const out = [];
  for (let i = rng.between(1, 3); i > 0; i--) out.push(reg(base, VIRTIO_MMIO.QueueNotify, set(rng.chance(0.8) ? 0 : rng.word())));
  const loop = ctx.label();
  out.push(li('t2', SPIN), `${loop}:`, '    addi    t2, t2, -1', `    bnez    t2, ${loop}`);
  out.push(reg(base, VIRTIO_MMIO.InterruptACK, set(rng.below(4))), li('t0', base), `    lw      t1, ${VIRTIO_MMIO.InterruptStatus}(t0)`);
  return out;
}

export const VIRTIO: Generator = {
  name: 'virtio',
  doc: 'virtio-mmio driven out of order; queues in the pool, past RAM, over code; looping and wild descriptor chains',
  snippet(ctx) {
    const slot = ctx.rng.chance(0.85) ? 0 : ctx.rng.below(VIRT.VIRTIO_COUNT);
    const base = VIRT.VIRTIO_BASE + slot * VIRT.VIRTIO_STRIDE;
    const descs = Array.from({ length: ctx.rng.between(1, 4) }, (_, i) => descriptor(ctx, i)).flat();
    return [...header(ctx), ...descs, ...avail(ctx), ...setup(ctx, base), ...notifyAndWait(ctx, base)].join('\n');
  },
};
