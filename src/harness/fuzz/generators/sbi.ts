/**
 * Random SBI calls: every extension the hypervisor serves and others, every function number
 * nearby and random ones, the legacy calls, with arguments at the edges (a shutdown or reboot
 * now and then ends the guest early, as it may).
 */
import { SBI_EXT } from '../../../abi/sbi.js';
import { PV_EXT } from '../../../abi/hypercalls.js';
import { ecall } from '../asm.js';
import { wildAddress, wildValue } from '../values.js';
import type { Generator, SnippetContext } from './generator.js';

const LEGACY_EIDS = 9;
const ARGS = 6;

function call(ctx: SnippetContext): string {
  const { rng } = ctx;
  const eid = rng.chance(0.8) ? rng.pick([...Object.values(SBI_EXT), PV_EXT, rng.below(LEGACY_EIDS)]) : rng.word();
  // SRST ends the guest: rarely.
  if (eid === SBI_EXT.SRST && rng.chance(0.8)) return '';
  const fid = rng.chance(0.8) ? rng.below(8) : rng.word();
  const args = Array.from({ length: ARGS }, () => (rng.chance(0.3) ? wildAddress(rng, ctx.ramBytes) : wildValue(rng)));
  return ecall(eid, fid, args);
}

export const SBI_CALLS: Generator = {
  name: 'sbi-calls',
  doc: 'SBI calls to every extension and random ones, with random function numbers and arguments',
  snippet: (ctx) => Array.from({ length: ctx.rng.between(1, 12) }, () => call(ctx)).join('\n'),
};
