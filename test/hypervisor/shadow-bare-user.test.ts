/**
 * A guest kernel with paging off (satp = Bare) that runs a program in U-mode: on the real
 * hardware nothing is translated or checked, so the program runs. Under hw-assist-shadow the
 * shadow identity map once had no PTE.U, so every U-mode fetch faulted and was refilled the
 * same way, forever (issue 15, item 2). The same guest must run the same under every technique.
 */
import { describe, expect, it } from 'vitest';
import { SBI_EXT, SBI_SRST_FID, SBI_SRST_TYPE } from '../../src/abi/sbi.js';
import { Cause } from '../../src/isa/causes.js';
import { SSTATUS } from '../../src/isa/csr.js';
import { Hypervisor } from '../../src/hypervisor/hypervisor.js';
import { VM_TECHNIQUES, type VmTechnique } from '../../src/hypervisor/techniques.js';
import type { Vm } from '../../src/hypervisor/vm.js';
import { PRESET, RAM, kernelImage } from './helpers.js';

const CALLS = 10;

/**
 * The kernel enters a user program at `user` with paging off; the program sums 1..100 into
 * memory and makes CALLS system calls; the kernel's handler counts them, returns to the
 * program, and at the end prints the sum's low byte as a character and shuts down.
 * `userPage`: the program in a page of its own, or in the kernel's page (then every switch of
 * privilege also switches which one may fetch from it).
 */
function bareUserGuest(userPage: 'own' | 'shared'): string {
  const user = `
user:
    li      t0, 0
    li      t1, 100
1:  add     t0, t0, t1
    addi    t1, t1, -1
    bnez    t1, 1b
    la      t2, result
    sw      t0, 0(t2)
    li      s1, ${CALLS}
2:  ecall
    addi    s1, s1, -1
    bnez    s1, 2b
3:  j       3b
`;
  return `
    .globl _start
_start:
    la      t0, handler
    csrw    stvec, t0
    li      s0, 0
    la      t0, user
    csrw    sepc, t0
    li      t0, ${SSTATUS.SPP}
    csrc    sstatus, t0
    sret
handler:
    csrr    t3, scause
    li      t4, ${Cause.EnvironmentCallFromU}
    bne     t3, t4, fail
    addi    s0, s0, 1
    li      t4, ${CALLS}
    beq     s0, t4, done
    csrr    t3, sepc
    addi    t3, t3, 4
    csrw    sepc, t3
    sret
done:
    la      t2, result
    lw      a0, 0(t2)
    li      t4, 5050
    sub     a0, a0, t4
    addi    a0, a0, 'A'
    li      a7, ${SBI_EXT.LEGACY_CONSOLE_PUTCHAR}
    ecall
    li      a1, 0
    j       off
fail:
    li      a1, 1
off:
    li      a7, ${SBI_EXT.SRST}
    li      a6, ${SBI_SRST_FID.SYSTEM_RESET}
    li      a0, ${SBI_SRST_TYPE.SHUTDOWN}
    ecall
${userPage === 'own' ? '    .balign 4096' : ''}
${user}
    .data
    .balign 4
result: .word 0
`;
}

function run(technique: VmTechnique, userPage: 'own' | 'shared'): Vm {
  const hv = new Hypervisor();
  const vm = hv.createVm({ name: 'bare-user', technique, build: 'unmodified', preset: PRESET, ramBytes: RAM, image: kernelImage(bareUserGuest(userPage)) });
  vm.powerOn();
  hv.run({ maxInsnsPerVm: 1_000_000, maxExitsPerVm: 100_000 });
  return vm;
}

describe('a U-mode program under a guest kernel with paging off', () => {
  describe.each([['own', 'in a page of its own'], ['shared', 'in the kernel\'s page']] as const)('%s: the program %s', (userPage, _where) => {
    it.each(VM_TECHNIQUES)('%s: runs, makes its system calls and its result is printed', (technique) => {
      const vm = run(technique, userPage);
      expect(vm.stopReason).toEqual({ kind: 'shutdown', code: 0 });
      expect(vm.console).toBe('A');
      expect(vm.accounting.guestTraps.EnvironmentCallFromU).toBe(CALLS);
    });
  });

  it('hw-assist-shadow: a page both privileges fetch from is refilled once per switch, not forever', () => {
    const vm = run('hw-assist-shadow', 'shared');
    const switches = 2 * CALLS;
    expect(vm.hardwareAssist.shadow?.stats.fills).toBeLessThanOrEqual(switches + 8);
  });
});
