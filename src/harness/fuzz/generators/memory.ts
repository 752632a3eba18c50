/**
 * Wild loads, stores and atomics: every width, at the guest's devices (all their registers,
 * the test device that powers off included), the hypervisor's shadow pool, just past its RAM,
 * nowhere, its own code; aligned or not.
 */
import { insn, li } from '../asm.js';
import { wildAddress, wildValue } from '../values.js';
import type { Generator, SnippetContext } from './generator.js';

const LOADS = [['lb', 1], ['lh', 2], ['lw', 4], ['lbu', 1], ['lhu', 2]] as const;
const STORES = [['sb', 1], ['sh', 2], ['sw', 4]] as const;
const AMOS = ['lr.w', 'sc.w', 'amoswap.w', 'amoadd.w', 'amoxor.w', 'amoand.w', 'amoor.w', 'amomin.w', 'amomax.w', 'amominu.w', 'amomaxu.w'] as const;
const T0 = 5;
const T1 = 6;
const T2 = 7;

function access(ctx: SnippetContext): string {
  const { rng } = ctx;
  const kind = rng.below(5);
  if (kind === 4) {
    return [li('t0', wildAddress(rng, ctx.ramBytes)), li('t1', wildValue(rng)), insn(rng.pick(AMOS), { rd: T2, rs1: T0, rs2: T1 })].join('\n');
  }
  const [op, width] = kind < 2 ? rng.pick(LOADS) : rng.pick(STORES);
  const operands = kind < 2 ? { rd: T2, rs1: T0, imm: 0 } : { rs1: T0, rs2: T1, imm: 0 };
  return [li('t0', wildAddress(rng, ctx.ramBytes, width)), li('t1', wildValue(rng)), insn(op, operands)].join('\n');
}

export const WILD_ACCESS: Generator = {
  name: 'wild-access',
  doc: 'loads, stores and AMOs of every width at devices, the shadow pool, past RAM, nowhere, misaligned',
  snippet: (ctx) => Array.from({ length: ctx.rng.between(1, 16) }, () => access(ctx)).join('\n'),
};
