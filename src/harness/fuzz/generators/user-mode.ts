/**
 * A guest program in U-mode: entered with sret from a kernel with paging off (satp = Bare) or
 * with a one-megapage identity table (with or without PTE.U), running random instructions,
 * CSR accesses, wild accesses and system calls; its own handler brings it back to S when it
 * asks (ecall with a7 = USER_DONE), and steps over everything else.
 */
import { MEGAPAGE_SHIFT, PAGE_SHIFT, PTE, SATP, SSTATUS } from '../../../isa/csr.js';
import { KERNEL_BASE } from '../../../guest/image.js';
import { Cause } from '../../../isa/causes.js';
import { li, storeAt } from '../asm.js';
import { FRAME_TRAP_LIMIT } from '../guest-frame.js';
import { PRIVILEGED } from './privileged.js';
import { RANDOM_INSNS } from './words.js';
import { WILD_ACCESS } from './memory.js';
import type { Generator, SnippetContext } from './generator.js';

/** a7 of the system call that ends the U-mode part: back to S at a0. */
const USER_DONE = 0x5553_4552;
const MEGA_LEAF = PTE.V | PTE.R | PTE.W | PTE.X | PTE.A | PTE.D;
const MEGAPAGE = 1 << MEGAPAGE_SHIFT;

const handler = (): string => `
fz_handler:
    addi    s11, s11, 1
    li      t6, ${FRAME_TRAP_LIMIT}
    bgeu    s11, t6, fz_finish
    csrr    t6, scause
    li      t5, ${Cause.EnvironmentCallFromU}
    bne     t6, t5, 1f
    li      t5, ${USER_DONE}
    bne     a7, t5, 1f
    csrw    sepc, a0
    li      t5, ${SSTATUS.SPP}
    csrs    sstatus, t5
    sret
1:  csrr    t6, sepc
    addi    t6, t6, 4
    csrw    sepc, t6
    sret`;

/** Paging off, or the kernel's megapage mapped twice: as itself for the kernel (S never
 *  fetches from a U page) and one megapage higher for the program (usually with PTE.U).
 *  Returns the code and the program's offset from the kernel's addresses. */
function paging(ctx: SnippetContext): { code: string; alias: number } {
  if (ctx.rng.chance(0.5)) return { code: '    csrw    satp, zero', alias: 0 };
  const slot = KERNEL_BASE >>> MEGAPAGE_SHIFT;
  const leaf = (((((KERNEL_BASE >>> MEGAPAGE_SHIFT) << MEGAPAGE_SHIFT) >>> PAGE_SHIFT) << PTE.PPN_SHIFT) | MEGA_LEAF) >>> 0;
  const user = ctx.rng.chance(0.8) ? PTE.U : 0;
  return {
    code: [storeAt('fz_pages', 4 * slot, leaf), storeAt('fz_pages', 4 * (slot + 1), (leaf | user) >>> 0),
      '    la      t0, fz_pages', `    srli    t0, t0, ${PAGE_SHIFT}`, li('t1', SATP.MODE), '    or      t0, t0, t1', '    csrw    satp, t0', '    sfence.vma'].join('\n'),
    alias: MEGAPAGE,
  };
}

function userBody(ctx: SnippetContext): string {
  return Array.from({ length: ctx.rng.between(1, 4) }, () => {
    switch (ctx.rng.below(4)) {
      case 0: return RANDOM_INSNS.snippet(ctx);
      case 1: return PRIVILEGED.snippet(ctx);
      case 2: return WILD_ACCESS.snippet(ctx);
      default: return '    ecall';
    }
  }).join('\n');
}

export const USER_MODE: Generator = {
  name: 'user-mode',
  doc: 'a U-mode program under paging off or an identity megapage: random instructions, CSRs, wild accesses, system calls',
  snippet(ctx) {
    const user = ctx.label();
    const back = ctx.label();
    const { code, alias } = paging(ctx);
    return [
      code, `    la      t0, ${user}`, li('t1', alias), '    add     t0, t0, t1', '    csrw    sepc, t0', li('t0', SSTATUS.SPP), '    csrc    sstatus, t0', '    sret',
      `${user}:`, userBody(ctx), `    la      a0, ${back}`, li('a7', USER_DONE), '    ecall',
      `${back}:`, '    csrw    satp, zero', '    sfence.vma',
    ].join('\n');
  },
  handler,
};
