/**
 * Trap handlers that fault: the handler is an illegal word, an ebreak, a load from nowhere
 * before it returns, an sret straight back to the faulting instruction, a jump into the void;
 * stvec changed to somewhere unmapped, misaligned or vectored at random; then traps to take.
 */
import { TVEC } from '../../../isa/csr.js';
import { li, word } from '../asm.js';
import { wildAddress } from '../values.js';
import { RANDOM_INSNS, randomInstruction } from './words.js';
import type { Generator, SnippetContext } from './generator.js';

function handler(ctx: SnippetContext): string {
  const { rng } = ctx;
  const body = (() => {
    switch (rng.below(6)) {
      case 0: return word(0);
      case 1: return '    ebreak';
      case 2: return [li('t6', wildAddress(rng, ctx.ramBytes)), '    lw      t6, 0(t6)', '    csrr    t6, sepc', '    addi    t6, t6, 4', '    csrw    sepc, t6', '    sret'].join('\n');
      case 3: return '    sret'; // back to the instruction that trapped, which traps again
      case 4: return [li('t6', wildAddress(rng, ctx.ramBytes)), '    jr      t6'].join('\n');
      default: return Array.from({ length: rng.between(1, 6) }, () => word(randomInstruction(ctx))).join('\n') + '\n    sret';
    }
  })();
  return `\nfz_handler:\n${body}`;
}

/** Something that traps: a breakpoint, garbage, a misaligned load, a wild store, stvec moved. */
function trigger(ctx: SnippetContext): string {
  const { rng } = ctx;
  switch (rng.below(5)) {
    case 0: return '    ebreak';
    case 1: return RANDOM_INSNS.snippet(ctx);
    case 2: return ['    la      t0, fz_scratch', '    lw      t1, 1(t0)'].join('\n');
    case 3: return [li('t0', wildAddress(rng, ctx.ramBytes)), '    sw      t0, 0(t0)'].join('\n');
    default: {
      const mode = rng.pick([TVEC.MODE_DIRECT, TVEC.MODE_VECTORED, 2, 3]);
      const base = rng.chance(0.5) ? '    la      t0, fz_handler' : li('t0', wildAddress(rng, ctx.ramBytes));
      return [base, `    ori     t0, t0, ${mode}`, '    csrw    stvec, t0', '    ebreak'].join('\n');
    }
  }
}

export const FAULTING_HANDLERS: Generator = {
  name: 'faulting-handlers',
  doc: 'trap handlers that fault, loop back onto the trapping instruction or jump away; stvec anywhere, misaligned, vectored',
  snippet: (ctx) => Array.from({ length: ctx.rng.between(1, 4) }, () => trigger(ctx)).join('\n'),
  handler,
};
