/**
 * Bogus page tables: a root and second-level tables in the guest's own pages whose entries
 * point at the shadow pool, past RAM, at devices, above 4 GiB (an Sv32 PPN reaches 34 bits),
 * at themselves, with reserved permission encodings and misaligned megapages; satp values
 * naming a root in the pool, past RAM or anywhere; then accesses and fetches through them from
 * S and U, sfence.vma, and back to paging off.
 */
import { MEGAPAGE_SHIFT, PAGE_SHIFT, PAGE_SIZE, PTE, SATP } from '../../../isa/csr.js';
import { SHADOW_POOL_BASE } from '../../../hypervisor/guest-memory.js';
import { VIRT } from '../../../machine/memory-map.js';
import { KERNEL_BASE } from '../../../guest/image.js';
import { addressOf, insn, li, storeAt } from '../asm.js';
import { deviceAddress, wildAddress } from '../values.js';
import type { Rng } from '../rng.js';
import type { Generator, SnippetContext } from './generator.js';

const ENTRIES = 1024;
const LEAF = PTE.V | PTE.R | PTE.W | PTE.X | PTE.A | PTE.D;
/** Sv32 physical page numbers are 22 bits: PAs up to 2^34. */
const PPN_SPACE = 1 << 22;
/** Table pages used: the root and second-level tables, at fz_pages. */
const TABLES = 4;

const pte = (pa: number, flags: number): number => (((Math.floor(pa / PAGE_SIZE) % PPN_SPACE) << PTE.PPN_SHIFT) | flags) >>> 0;

/** Where an entry points: the pool, RAM, a device, past RAM, above 4 GiB… */
function target(rng: Rng, ramBytes: number): number {
  switch (rng.below(6)) {
    case 1: return SHADOW_POOL_BASE + PAGE_SIZE * rng.below(64);
    case 2: return deviceAddress(rng);
    case 3: return VIRT.DRAM_BASE + ramBytes + PAGE_SIZE * rng.below(16);
    case 4: return 2 ** 32 + PAGE_SIZE * rng.below(PPN_SPACE / 2);
    case 5: return rng.pick([0, VIRT.DRAM_BASE, KERNEL_BASE]);
    default: return wildAddress(rng, ramBytes);
  }
}

function flags(rng: Rng): number {
  if (rng.chance(0.3)) return PTE.V; // a pointer to a next-level table
  return (rng.word() & 0xff) | (rng.chance(0.8) ? PTE.V : 0);
}

/** Code that writes one random entry into one of the tables (fz_pages + page): pointing at
 *  one of the tables themselves (a level-0 pointer, a loop, a leaf onto a table), or elsewhere. */
function entry(ctx: SnippetContext): string {
  const { rng } = ctx;
  const offset = PAGE_SIZE * rng.below(TABLES) + 4 * rng.below(ENTRIES);
  if (rng.chance(0.7)) return storeAt('fz_pages', offset, pte(target(rng, ctx.ramBytes), flags(rng)));
  return [
    addressOf('fz_pages', PAGE_SIZE * rng.below(TABLES)),
    `    srli    t6, t6, ${PAGE_SHIFT}`, `    slli    t6, t6, ${PTE.PPN_SHIFT}`, `    ori     t4, t6, ${flags(rng)}`,
    addressOf('fz_pages', offset), '    sw      t4, 0(t6)',
  ].join('\n');
}

/** The root's entry for the kernel's megapage: identity, so the code goes on (usually). */
function kernelMegapage(ctx: SnippetContext): string {
  const slot = KERNEL_BASE >>> MEGAPAGE_SHIFT;
  const megaAligned = (KERNEL_BASE >>> MEGAPAGE_SHIFT) << MEGAPAGE_SHIFT;
  // With U the kernel can no longer run its own code (S never fetches from U pages): rarely.
  const user = ctx.rng.chance(0.1) ? PTE.U : 0;
  return storeAt('fz_pages', 4 * slot, pte(megaAligned >>> 0, LEAF | user));
}

function satp(ctx: SnippetContext): string {
  const { rng } = ctx;
  if (rng.chance(0.85)) return ['    la      t0, fz_pages', `    srli    t0, t0, ${PAGE_SHIFT}`, li('t1', SATP.MODE), '    or      t0, t0, t1', '    csrw    satp, t0'].join('\n');
  const ppn = rng.chance(0.5) ? Math.floor(target(rng, ctx.ramBytes) / PAGE_SIZE) % PPN_SPACE : rng.word();
  return [li('t0', (SATP.MODE | ppn) >>> 0), '    csrw    satp, t0'].join('\n');
}

/** Loads, stores and a fetch through the new tables at addresses they may map. */
function accesses(ctx: SnippetContext): string {
  const { rng } = ctx;
  const out: string[] = [];
  for (let i = rng.between(1, 6); i > 0; i--) {
    const va = rng.chance(0.5) ? (rng.below(TABLES * 4) << MEGAPAGE_SHIFT) + rng.below(1 << MEGAPAGE_SHIFT) : rng.word();
    out.push(li('t0', va & ~3), li('t1', rng.word()), rng.chance(0.5) ? '    lw      t2, 0(t0)' : '    sw      t1, 0(t0)');
  }
  if (rng.chance(0.2)) {
    const back = ctx.label();
    out.push(`    la      ra, ${back}`, li('t0', rng.word() & ~3), insn('jalr', { rd: 1, rs1: 5, imm: 0 }), `${back}:`);
  }
  return out.join('\n');
}

export const PAGE_TABLES: Generator = {
  name: 'page-tables',
  doc: 'page tables pointing at the shadow pool, past RAM, at devices, above 4 GiB, at themselves; wild satp; accesses through them',
  snippet(ctx) {
    const { rng } = ctx;
    const parts: string[] = [];
    if (rng.chance(0.9)) parts.push(kernelMegapage(ctx));
    for (let i = rng.between(1, 24); i > 0; i--) parts.push(entry(ctx));
    parts.push(satp(ctx), rng.chance(0.8) ? '    sfence.vma' : '', accesses(ctx));
    if (rng.chance(0.7)) parts.push('    csrw    satp, zero', '    sfence.vma');
    return parts.join('\n');
  },
};
