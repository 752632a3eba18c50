/**
 * Random hypercalls (docs/pv-abi.md) with arguments a hostile guest would try, and the lists
 * and pages hypercalls take, built wrong: MULTICALL lists with nested MULTICALLs, TRAP_RETURNs
 * and counts past the maximum; MMU_UPDATE lists naming unpinned and foreign entries and
 * values pointing anywhere; pages pinned with garbage in them; the shared info page over the
 * guest's own code; a block ring full of bad requests; console writes from nowhere. Under the
 * other techniques the same calls reach the SBI (unknown extension) or PV I/O.
 */
import { HC, PV_EXT, PV_MMU_UPDATE, PV_MULTICALL, PV_RING } from '../../../abi/hypercalls.js';
import { PAGE_SIZE, PTE } from '../../../isa/csr.js';
import { SHADOW_POOL_BASE } from '../../../hypervisor/guest-memory.js';
import { VIRT } from '../../../machine/memory-map.js';
import { KERNEL_BASE } from '../../../guest/image.js';
import { addressOf, li, storeAt } from '../asm.js';
import { FRAME_PAGES } from '../guest-frame.js';
import { wildAddress, wildTime, wildValue } from '../values.js';
import type { Generator, SnippetContext } from './generator.js';

const FUNCTIONS = [...Object.values(HC), 17, 255, 0xffff_ffff];
/** Entries a list may have: past every maximum (MULTICALL 64, MMU_UPDATE 1024). */
const MAX_LIST = 1100;
const SCRATCH_BYTES = 4096;

/** An argument: a page of ours, RAM, the pool, RAM's end, code, small, ones, anything. */
function arg(ctx: SnippetContext): number {
  const { rng } = ctx;
  switch (rng.below(7)) {
    case 0: return KERNEL_BASE + rng.below(0x8000);
    case 1: return (SHADOW_POOL_BASE + rng.below(0x10_0000)) >>> 0;
    case 2: return VIRT.DRAM_BASE + ctx.ramBytes - 0x100 + rng.below(0x200);
    case 3: return rng.below(2048);
    case 4: return wildAddress(rng, ctx.ramBytes);
    case 5: return (1 << rng.below(32)) >>> 0;
    default: return wildValue(rng);
  }
}

/** a0 = fz_pages + page (a page of ours), or a wild argument. */
function pageArg(ctx: SnippetContext): string {
  if (ctx.rng.chance(0.3)) return li('a0', arg(ctx));
  return [addressOf('fz_pages', PAGE_SIZE * ctx.rng.below(FRAME_PAGES)), '    mv      a0, t6'].join('\n');
}

function hypercall(fn: number, setup: string): string {
  return [setup, li('a7', PV_EXT), li('a6', fn), '    ecall'].join('\n');
}

function plain(ctx: SnippetContext): string {
  const args = Array.from({ length: 6 }, (_, i) => li(`a${i}`, arg(ctx))).join('\n');
  return hypercall(ctx.rng.pick(FUNCTIONS), args);
}

/** Entries written into fz_scratch, then the call on it (or on a wild list). */
function list(ctx: SnippetContext, fn: number, entrySize: number, fill: (at: number) => string[]): string {
  const { rng } = ctx;
  const count = rng.chance(0.8) ? rng.between(0, 8) : rng.below(MAX_LIST);
  const written = Math.min(count, Math.floor(SCRATCH_BYTES / entrySize));
  const out: string[] = [];
  for (let i = 0; i < written; i++) out.push(...fill(i * entrySize));
  out.push(rng.chance(0.85) ? '    la      a0, fz_scratch' : li('a0', arg(ctx)), li('a1', count));
  return hypercall(fn, out.join('\n'));
}

function multicall(ctx: SnippetContext): string {
  const { rng } = ctx;
  return list(ctx, HC.MULTICALL, PV_MULTICALL.SIZE, (at) => [
    storeAt('fz_scratch', at + PV_MULTICALL.FUNCTION, rng.pick(FUNCTIONS)),
    ...Array.from({ length: PV_MULTICALL.ARG_COUNT }, (_, k) => storeAt('fz_scratch', at + PV_MULTICALL.ARGS + 4 * k, arg(ctx))),
  ]);
}

function mmuUpdate(ctx: SnippetContext): string {
  const { rng } = ctx;
  return list(ctx, HC.MMU_UPDATE, PV_MMU_UPDATE.SIZE, (at) => [
    rng.chance(0.6)
      ? [addressOf('fz_pages', PAGE_SIZE * rng.below(FRAME_PAGES) + 4 * rng.below(PAGE_SIZE / 4)), '    la      t5, fz_scratch', li('t4', at + PV_MMU_UPDATE.PTE_GPA), '    add     t5, t5, t4', '    sw      t6, 0(t5)'].join('\n')
      : storeAt('fz_scratch', at + PV_MMU_UPDATE.PTE_GPA, arg(ctx)),
    storeAt('fz_scratch', at + PV_MMU_UPDATE.VALUE, ((Math.floor(arg(ctx) / PAGE_SIZE) << PTE.PPN_SHIFT) | (rng.word() & 0xff)) >>> 0),
    storeAt('fz_scratch', at + PV_MMU_UPDATE.FLUSH_VA, rng.chance(0.5) ? 0xffff_ffff : arg(ctx)),
  ]);
}

/** A page of ours filled with some random words, then pinned (or unpinned, or made the base). */
function pinning(ctx: SnippetContext): string {
  const { rng } = ctx;
  const page = rng.below(FRAME_PAGES);
  const out: string[] = [];
  for (let i = rng.below(8); i > 0; i--) out.push(storeAt('fz_pages', PAGE_SIZE * page + 4 * rng.below(PAGE_SIZE / 4), rng.word()));
  out.push(addressOf('fz_pages', PAGE_SIZE * page), '    mv      a0, t6');
  const fn = rng.pick([HC.PIN_TABLE, HC.PIN_TABLE, HC.UNPIN_TABLE, HC.SET_PT_BASE]);
  if (fn === HC.SET_PT_BASE) out.push('    srli    a0, a0, 12', li('t5', 0x8000_0000), '    or      a0, a0, t5');
  return hypercall(fn, out.join('\n'));
}

/** The block ring in a page of ours with random indices and requests, set up and notified. */
function blockRing(ctx: SnippetContext): string {
  const { rng } = ctx;
  const page = PAGE_SIZE * rng.below(FRAME_PAGES);
  const out: string[] = [];
  for (const off of [PV_RING.REQ_PROD, PV_RING.RSP_PROD, PV_RING.RSP_EVENT]) out.push(storeAt('fz_pages', page + off, rng.chance(0.5) ? rng.below(40) : rng.word()));
  for (let i = rng.below(6); i > 0; i--) {
    const req = page + PV_RING.REQUESTS + PV_RING.REQ_SIZE * rng.below(PV_RING.SLOTS);
    for (const f of [PV_RING.REQ_OP, PV_RING.REQ_SECTOR, PV_RING.REQ_BUF, PV_RING.REQ_COUNT, PV_RING.REQ_ID]) out.push(storeAt('fz_pages', req + f, rng.chance(0.5) ? rng.below(16) : arg(ctx)));
  }
  out.push(addressOf('fz_pages', page), '    mv      a0, t6');
  return [hypercall(HC.BLK_SETUP, out.join('\n')), hypercall(HC.BLK_NOTIFY, '')].join('\n');
}

function special(ctx: SnippetContext): string {
  const { rng } = ctx;
  switch (rng.below(6)) {
    case 0: return hypercall(HC.SET_SHARED_INFO, rng.chance(0.3) ? li('a0', KERNEL_BASE) : pageArg(ctx));
    case 1: {
      const [lo, hi] = wildTime(rng);
      return hypercall(HC.SET_TIMER, [li('a0', lo), li('a1', hi)].join('\n'));
    }
    case 2: return hypercall(HC.CONSOLE_WRITE, [li('a0', arg(ctx)), li('a1', rng.chance(0.5) ? rng.below(64) : rng.below(5000))].join('\n'));
    case 3: return hypercall(rng.pick([HC.BLOCK, HC.YIELD, HC.EVENT_CHECK, HC.TRAP_RETURN]), '');
    case 4: return hypercall(HC.SET_CALLBACK, rng.chance(0.5) ? '    la      a0, fz_handler' : li('a0', arg(ctx)));
    default: return hypercall(HC.TLB_FLUSH, li('a0', rng.chance(0.5) ? 0xffff_ffff : arg(ctx)));
  }
}

export const HYPERCALLS: Generator = {
  name: 'hypercalls',
  doc: 'random hypercalls; MULTICALL and MMU_UPDATE lists built wrong; garbage pinned; the shared page over code; a bad block ring',
  snippet(ctx) {
    return Array.from({ length: ctx.rng.between(1, 6) }, () => {
      switch (ctx.rng.below(6)) {
        case 0: return multicall(ctx);
        case 1: return mmuUpdate(ctx);
        case 2: return pinning(ctx);
        case 3: return blockRing(ctx);
        case 4: return special(ctx);
        default: return plain(ctx);
      }
    }).join('\n');
  },
};
