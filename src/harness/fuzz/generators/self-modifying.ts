/**
 * Self-modifying code: instructions rewritten just before they run (with and without
 * fence.i), the storing instruction overwriting itself, a hot loop whose body changes every
 * time round (translated code must follow), the trap handler overwritten, and a page of
 * random instructions written at run time and jumped into.
 */
import { PAGE_SIZE } from '../../../isa/csr.js';
import { encode } from '../../../isa/encode.js';
import { BY_MNEMONIC } from '../../../isa/instructions.js';
import { addressOf, li } from '../asm.js';
import { FRAME_PAGES } from '../guest-frame.js';
import { randomInstruction } from './words.js';
import type { Generator, SnippetContext } from './generator.js';

const LOOP_TURNS = 200;
const ADDI = BY_MNEMONIC.get('addi');
const T3 = 28;

/** A random instruction, or a harmless one (so that code keeps running sometimes). */
function newWord(ctx: SnippetContext): number {
  if (ctx.rng.chance(0.5) && ADDI) return encode(ADDI, { rd: T3, rs1: T3, imm: ctx.rng.between(-2048, 2047) });
  return randomInstruction(ctx);
}

function rewriteAhead(ctx: SnippetContext): string {
  const at = ctx.label();
  return [`    la      t0, ${at}`, li('t1', newWord(ctx)), '    sw      t1, 0(t0)', ctx.rng.chance(0.5) ? '    fence.i' : '', `${at}:`, '    nop'].join('\n');
}

function rewriteSelf(ctx: SnippetContext): string {
  const at = ctx.label();
  const again = ctx.label();
  return [li('t2', 2), `${again}:`, `    la      t0, ${at}`, li('t1', newWord(ctx)), `${at}:`, '    sw      t1, 0(t0)', '    addi    t2, t2, -1', `    bnez    t2, ${again}`].join('\n');
}

/** A loop that flips one of its own instructions between two encodings every turn. */
function hotLoop(ctx: SnippetContext): string {
  const loop = ctx.label();
  const slot = ctx.label();
  const a = newWord(ctx);
  const b = newWord(ctx);
  return [
    li('t2', LOOP_TURNS), li('t3', 0),
    `${loop}:`, `    la      t0, ${slot}`, '    andi    t4, t2, 1', li('t1', a), `    beqz    t4, 1f`, li('t1', b), '1:  sw      t1, 0(t0)',
    `${slot}:`, '    nop', '    addi    t2, t2, -1', `    bnez    t2, ${loop}`,
  ].join('\n');
}

function overwriteHandler(ctx: SnippetContext): string {
  return ['    la      t0, fz_handler', li('t1', newWord(ctx)), '    sw      t1, 0(t0)', '    ebreak'].join('\n');
}

/** Random instructions written into one of our pages, then a call into them. */
function jumpIntoWritten(ctx: SnippetContext): string {
  const { rng } = ctx;
  const page = PAGE_SIZE * rng.below(FRAME_PAGES);
  const out = [addressOf('fz_pages', page), '    mv      t0, t6'];
  const n = rng.between(1, 16);
  for (let i = 0; i < n; i++) out.push(li('t1', newWord(ctx)), `    sw      t1, ${4 * i}(t0)`);
  out.push(li('t1', 0x0000_8067), `    sw      t1, ${4 * n}(t0)`); // ret
  out.push(rng.chance(0.5) ? '    fence.i' : '', '    jalr    t0');
  return out.join('\n');
}

export const SELF_MODIFYING: Generator = {
  name: 'self-modifying',
  doc: 'code rewritten just before it runs, by itself, in a hot loop, in the handler; random code written and called',
  snippet(ctx) {
    switch (ctx.rng.below(5)) {
      case 0: return rewriteAhead(ctx);
      case 1: return rewriteSelf(ctx);
      case 2: return hotLoop(ctx);
      case 3: return overwriteHandler(ctx);
      default: return jumpIntoWritten(ctx);
    }
  },
};
