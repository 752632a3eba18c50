/**
 * Privileged instructions with random operands: every CSR the hart knows (supervisor,
 * hypervisor, machine, counters) and random CSR numbers, read, written, set and cleared with
 * edge values; sret and mret to wherever sepc/sstatus say; wfi; sfence.vma and the H fences.
 */
import { CSR, SSTATUS } from '../../../isa/csr.js';
import { insn, li } from '../asm.js';
import { wildAddress, wildValue } from '../values.js';
import { TEMPS, type Generator, type SnippetContext } from './generator.js';

const CSR_NUMBERS = Object.values(CSR) as number[];
const CSR_OPS = ['csrrw', 'csrrs', 'csrrc'] as const;
const CSRI_OPS = ['csrrwi', 'csrrsi', 'csrrci'] as const;
const FENCES = ['sfence.vma', 'hfence.vvma', 'hfence.gvma'] as const;
const CSR_SPACE = 1 << 12;
const ZIMM_SPACE = 1 << 5;

function csrNumber(ctx: SnippetContext): number {
  return ctx.rng.chance(0.8) ? ctx.rng.pick(CSR_NUMBERS) : ctx.rng.below(CSR_SPACE);
}

function csrAccess(ctx: SnippetContext): string {
  const { rng } = ctx;
  const rs1 = rng.pick(TEMPS);
  const rd = rng.chance(0.5) ? 0 : rng.pick(TEMPS);
  if (rng.chance(0.3)) return insn(rng.pick(CSRI_OPS), { rd, csr: csrNumber(ctx), imm: rng.below(ZIMM_SPACE) });
  return [li(`x${rs1}`, wildValue(rng)), insn(rng.pick(CSR_OPS), { rd, rs1, csr: csrNumber(ctx) })].join('\n');
}

/** sret (or mret) to a random place or just past it, from virtual S to S or U. */
function trapReturn(ctx: SnippetContext): string {
  const { rng } = ctx;
  const next = ctx.label();
  const target = rng.chance(0.7) ? `    la      t0, ${next}` : li('t0', wildAddress(rng, ctx.ramBytes));
  const spp = rng.chance(0.5) ? 'csrs' : 'csrc';
  return [target, '    csrw    sepc, t0', li('t1', SSTATUS.SPP | (rng.chance(0.5) ? SSTATUS.SPIE : 0)), `    ${spp}    sstatus, t1`,
    rng.chance(0.8) ? '    sret' : '    mret', `${next}:`].join('\n');
}

function fence(ctx: SnippetContext): string {
  const { rng } = ctx;
  const rs1 = rng.pick([0, ...TEMPS]);
  return [li('t0', wildAddress(rng, ctx.ramBytes)), insn(rng.pick(FENCES), { rs1, rs2: rng.pick([0, ...TEMPS]) })].join('\n');
}

export const PRIVILEGED: Generator = {
  name: 'privileged',
  doc: 'CSR accesses to every CSR and random ones with edge values; sret/mret anywhere; wfi; sfence.vma and hfence',
  snippet(ctx) {
    const n = ctx.rng.between(1, 12);
    return Array.from({ length: n }, () => {
      switch (ctx.rng.below(8)) {
        case 0: return trapReturn(ctx);
        case 1: return fence(ctx);
        case 2: return ctx.rng.pick(['    wfi', '    ebreak', '    ecall']);
        default: return csrAccess(ctx);
      }
    }).join('\n');
  },
};
