/**
 * The frame every hostile guest kernel is built in: it installs a trap handler, runs the
 * generator's snippets one after another, and shuts down through SBI SRST. The snippets may do
 * anything — the frame only gives them somewhere to start and a few labelled areas:
 *
 *   fz_scratch   one page of data (lists, buffers, rings)
 *   fz_pages     FRAME_PAGES page-aligned pages (page tables, a shared info page, queues)
 *   fz_handler   the default handler: counts traps in s11, steps past the trapping
 *                instruction, and shuts down after FRAME_TRAP_LIMIT traps
 *   fz_finish    the shutdown
 *
 * A generator may bring its own handler (one that faults, one that never returns) or none at
 * all. The kernel is entered as the VM enters any: virtual S-mode at KERNEL_BASE, paging off.
 */
import { assemble, flatImage } from '../../asm/index.js';
import { SBI_EXT, SBI_SRST_FID, SBI_SRST_TYPE } from '../../abi/sbi.js';
import { KERNEL_BASE } from '../../guest/image.js';
import type { VmImage } from '../../hypervisor/vm.js';
import { li } from './asm.js';

export const FRAME_PAGES = 8;
/** Traps the default handler takes before it shuts the guest down. */
export const FRAME_TRAP_LIMIT = 1024;

export interface GuestProgram {
  /** The snippets, in order. */
  readonly body: string;
  /** The handler: the default one (undefined), none — stvec stays 0 — (null), or this text,
   *  which must define `fz_handler`. */
  readonly handler?: string | null;
}

const SHUTDOWN = [
  li('a7', SBI_EXT.SRST), li('a6', SBI_SRST_FID.SYSTEM_RESET), li('a0', SBI_SRST_TYPE.SHUTDOWN), li('a1', 0), '    ecall',
].join('\n');

const DEFAULT_HANDLER = `
fz_handler:
    addi    s11, s11, 1
    li      t6, ${FRAME_TRAP_LIMIT}
    bgeu    s11, t6, fz_finish
    csrr    t6, sepc
    addi    t6, t6, 4
    csrw    sepc, t6
    sret`;

export function guestSource(p: GuestProgram): string {
  const handler = p.handler === undefined ? DEFAULT_HANDLER : p.handler ?? '';
  return `
    .globl _start
_start:
${p.handler === null ? '' : '    la      t0, fz_handler\n    csrw    stvec, t0'}
    li      s11, 0
${p.body}
fz_finish:
${SHUTDOWN}
1:  j       1b
${handler}
    .data
    .balign 4096
fz_scratch: .space 4096
    .bss
    .balign 4096
fz_pages: .space ${FRAME_PAGES * 4096}
`;
}

/** Assemble a guest kernel: a VM image with its one part at KERNEL_BASE. A generator that
 *  writes assembly the assembler refuses is a fuzzer bug, and throws. */
export function guestImage(source: string): VmImage {
  const asm = assemble(source, {
    fileName: 'fuzz-guest.S', base: KERNEL_BASE,
    readFile: (path) => { throw new Error(`fuzz guests include nothing (${path})`); },
  });
  const { base, bytes } = flatImage(asm);
  return { parts: [{ name: 'kernel', addr: base, bytes }] };
}
