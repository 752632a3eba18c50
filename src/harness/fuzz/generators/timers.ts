/**
 * Timers far in the future and waits: the timer armed through SBI set_timer, the SET_TIMER
 * hypercall, the VM's CLINT (mtimecmp, whose machine-level interrupt leads nowhere) or the
 * stimecmp CSR, at now, soon, 2^40..2^53 ticks and past, or never; interrupts enabled or
 * not; then wfi, BLOCK, or a spin on the time CSR.
 */
import { HC, PV_EXT } from '../../../abi/hypercalls.js';
import { SBI_EXT, SBI_TIME_FID } from '../../../abi/sbi.js';
import { CLINT } from '../../../machine/devices/clint.js';
import { VIRT } from '../../../machine/memory-map.js';
import { CSR, MIP, SSTATUS } from '../../../isa/csr.js';
import { ecall, insn, li } from '../asm.js';
import { wildTime } from '../values.js';
import type { Generator, SnippetContext } from './generator.js';

const INTERRUPTS = [MIP.STIP, MIP.SEIP, MIP.SSIP];
const SPIN = 500;
const T0 = 5;

function arm(ctx: SnippetContext): string {
  const { rng } = ctx;
  const [lo, hi] = wildTime(rng);
  switch (rng.below(4)) {
    case 0: return ecall(SBI_EXT.TIME, SBI_TIME_FID.SET_TIMER, [lo, hi]);
    case 1: return ecall(PV_EXT, HC.SET_TIMER, [lo, hi]);
    case 2: return [li('t0', VIRT.CLINT_BASE + CLINT.MTIMECMP), li('t1', hi), '    sw      t1, 4(t0)', li('t1', lo), '    sw      t1, 0(t0)'].join('\n');
    default: return [li('t0', lo), insn('csrrw', { rd: 0, rs1: T0, csr: CSR.stimecmp }), li('t0', hi), insn('csrrw', { rd: 0, rs1: T0, csr: CSR.stimecmph })].join('\n');
  }
}

function enable(ctx: SnippetContext): string {
  const { rng } = ctx;
  const sie = INTERRUPTS.filter(() => rng.chance(0.5)).reduce((m, b) => m | b, 0);
  return [li('t0', sie), '    csrw    sie, t0', li('t0', SSTATUS.SIE), rng.chance(0.5) ? '    csrs    sstatus, t0' : '    csrc    sstatus, t0'].join('\n');
}

function wait(ctx: SnippetContext): string {
  switch (ctx.rng.below(3)) {
    case 0: return '    wfi';
    case 1: return ecall(PV_EXT, HC.BLOCK);
    default: {
      const loop = ctx.label();
      return [li('t2', SPIN), `${loop}:`, '    rdtime  t3', '    addi    t2, t2, -1', `    bnez    t2, ${loop}`].join('\n');
    }
  }
}

export const TIMERS: Generator = {
  name: 'timers',
  doc: 'timers at now, soon, far in the future (2^40..2^53 ticks) or never, by SBI, hypercall, CLINT or stimecmp; then wfi, BLOCK or a spin',
  snippet(ctx) {
    return Array.from({ length: ctx.rng.between(1, 4) }, () => [enable(ctx), arm(ctx), wait(ctx)].join('\n')).join('\n');
  },
};
