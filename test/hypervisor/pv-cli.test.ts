/**
 * The paravirt technique on the command line: `pvlab boot --technique paravirt` runs the
 * paravirt build unless --guest says otherwise, and `pvlab trace` names the hypercalls.
 */
import { describe, expect, it } from 'vitest';
import { workloadByName } from '../../src/guest/workloads.js';
import { pvlab } from '../cli/helpers.js';

describe('pvlab boot and trace with --technique paravirt', () => {
  it('boots the paravirt build by default, with the result, exits and hypercalls by name', async () => {
    const r = await pvlab('boot', '--workload', 'null-syscall', '--param', 'iterations=20', '--technique', 'paravirt');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(workloadByName('null-syscall').expected({ iterations: 20 }));
    expect(r.stdout).toContain('(paravirt build)');
    expect(r.stderr).toMatch(/null-syscall · paravirt guest · paravirt · preset modern-kvm/);
    expect(r.stderr).toMatch(/exits\s+[\d,]+: .*hypercall [\d,]+/);
    expect(r.stderr).toMatch(/hypercalls\s+[\d,]+: .*TRAP_RETURN [\d,]+/);
    expect(r.stderr).toMatch(/cycles by\s+.*hypercalls [\d,]+/);
  });

  it('--guest unmodified runs the unmodified build under paravirt; --json reports both', async () => {
    const r = await pvlab('boot', '--workload', 'compute', '--param', 'iterations=100', '--technique', 'paravirt', '--guest', 'unmodified', '--json');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.guest).toBe('unmodified');
    expect(j.technique).toBe('paravirt');
    expect(j.exits.hypercall).toBe(0);
    expect(j.exits.csr).toBeGreaterThan(0);
    const pv = JSON.parse((await pvlab('boot', '--workload', 'compute', '--param', 'iterations=100', '--technique', 'paravirt', '--json')).stdout);
    expect(pv.guest).toBe('paravirt');
    expect(pv.hypercalls.SET_SHARED_INFO).toBe(1);
    expect(pv.result).toBe(workloadByName('compute').expected({ iterations: 100 }));
    // The other techniques still default to the unmodified build.
    const te = JSON.parse((await pvlab('boot', '--workload', 'compute', '--param', 'iterations=100', '--technique', 'trap-emulate', '--json')).stdout);
    expect(te.guest).toBe('unmodified');
  });

  it('trace --technique paravirt names each hypercall', async () => {
    const r = await pvlab('trace', '--workload', 'null-syscall', '--param', 'iterations=2', '--technique', 'paravirt', '--exits', '400', '--from', 'boot');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\bS\s+ecall SET_SHARED_INFO\s+ecall\s+hypercall\s+S @ /);
    expect(r.stdout).toMatch(/\bS\s+ecall TRAP_RETURN\s+ecall\s+hypercall\s+U @ /);
    expect(r.stdout).toMatch(/\bU\s+ecall\s+ecall\s+reflect-syscall\s+S @ /);
    expect(r.stdout).not.toMatch(/illegal-instruction/);
  });
});
