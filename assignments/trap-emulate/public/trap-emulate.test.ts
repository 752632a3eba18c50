/**
 * Assignment trap-emulate, public tests: the unmodified kernel boots and runs a system-call
 * workload under trap-and-emulate. Run: npx vitest run assignments/trap-emulate/public
 */
import { describe, expect, it } from 'vitest';
import type { GuestRunResult } from '../../../src/harness/run-guest.js';
import { exitSummary, run, runToResult } from '../../../src/course/testing.js';

/** What the symptoms say is missing. */
export function hint(r: GuestRunResult): string | undefined {
  const e = r.exits ?? {};
  if ((e.csr ?? 0) === 0) {
    return 'no CSR instruction was emulated (exits of kind csr: 0): csrrw/csrrs/csrrc on the guest\'s supervisor CSRs are not emulated yet — ' +
      'the guest kernel\'s first `csrw stvec` at boot was reflected back to it as an illegal instruction (step 1, csr() in src/hypervisor/emulate.ts)';
  }
  if ((e.sret ?? 0) === 0) {
    return 'sret is not emulated (exits of kind sret: 0): the guest kernel cannot return from a trap to its user program (step 2, sret() in src/hypervisor/emulate.ts)';
  }
  return undefined;
}

describe('trap-emulate: the unmodified kernel under trap-and-emulate', () => {
  it('step 1: with the CSR instructions emulated, the kernel boots as far as starting its first process', () => {
    const r = run({ technique: 'trap-emulate', workload: 'null-syscall', params: { iterations: 2 } });
    const ok = r.console.includes('[kernel] pvlab teaching kernel') && r.console.includes('init: pid 1');
    expect(ok, `the kernel did not boot as far as "init: pid 1" (exits by kind: ${exitSummary(r)}; console: ${JSON.stringify(r.console.slice(0, 200))})` +
      `${(r.exits?.csr ?? 0) === 0 ? ' — no CSR instruction was emulated: step 1, csr() in src/hypervisor/emulate.ts' : ''}`).toBe(true);
    expect(r.exits?.csr ?? 0, 'exits of kind csr').toBeGreaterThan(0);
  });

  it('boots and runs null-syscall to its result line', () => {
    const r = runToResult({ technique: 'trap-emulate', workload: 'null-syscall', params: { iterations: 20 } }, hint);
    expect(r.exitCode).toBe(0);
  });

  it('emulates CSR instructions (csr exits) and returns from every system call with an emulated sret', () => {
    const r = runToResult({ technique: 'trap-emulate', workload: 'null-syscall', params: { iterations: 20 } }, hint);
    const e = r.exits ?? {};
    expect(e.csr ?? 0, 'exits of kind csr').toBeGreaterThan(0);
    expect(e.sret ?? 0, 'every reflected system call returns with an sret').toBeGreaterThanOrEqual(e['reflect-syscall'] ?? 0);
  });

  it('charges each emulated instruction to the emulation category', () => {
    const r = runToResult({ technique: 'trap-emulate', workload: 'null-syscall', params: { iterations: 20 } }, hint);
    expect(r.breakdown?.emulation ?? 0, 'cycles in the emulation category').toBeGreaterThan(0);
  });
});
