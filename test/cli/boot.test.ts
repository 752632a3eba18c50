import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workloadByName } from '../../src/guest/workloads.js';
import { pvlab } from './helpers.js';

describe('pvlab boot', () => {
  it('boots a workload natively, streams its console and summarizes the run', async () => {
    const r = await pvlab('boot', '--workload', 'null-syscall', '--param', 'iterations=50');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`${workloadByName('null-syscall').expected({ iterations: 50 })}\n`);
    expect(r.stderr).toMatch(/── null-syscall · unmodified guest · native · preset modern-kvm ──/);
    expect(r.stderr).toMatch(/instructions\s+[\d,]+\s+\(user [\d,]+, kernel [\d,]+, firmware [\d,]+\)/);
    expect(r.stderr).toMatch(/traps\s+.*EnvironmentCallFromU/);
    expect(r.stderr).toMatch(/exit\s+status 0/);
  });

  it('--json reports the result line and counters that add up', async () => {
    const r = await pvlab('boot', '--workload', 'compute', '--param', 'iterations=3', '--json', '--ram', '64M');
    const j = JSON.parse(r.stdout);
    expect(j.result).toBe(workloadByName('compute').expected({ iterations: 3 }));
    expect(j.ramBytes).toBe(64 * 1024 * 1024);
    const i = j.counters.instructions;
    expect(i.user + i.kernel + i.firmware).toBe(i.total);
    expect(j.stop).toEqual({ kind: 'shutdown', code: 0 });
  });

  it('refuses unknown workloads and parameters with suggestions', async () => {
    const w = await pvlab('boot', '--workload', 'null_syscall');
    expect(w.status).toBe(1);
    expect(w.stderr).toMatch(/unknown workload 'null_syscall'.*did you mean 'null-syscall'/);
    const p = await pvlab('boot', '--workload', 'null-syscall', '--param', 'iteration=5');
    expect(p.status).toBe(1);
    expect(p.stderr).toMatch(/no parameter 'iteration'.*did you mean 'iterations'/);
    const v = await pvlab('boot', '--workload', 'null-syscall', '--param', 'iterations');
    expect(v.stderr).toMatch(/--param: "iterations" is not name=value/);
    const t = await pvlab('boot', '--workload', 'null-syscall', '--technique', 'magic');
    expect(t.status).toBe(2);
    expect(t.stderr).toMatch(/--technique "magic": not one of native, /);
  });
});

describe('pvlab image', () => {
  it('writes an ELF of the three parts, entered at the firmware', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pvlab-image-'));
    const out = join(dir, 'compute.elf');
    const r = await pvlab('image', '--workload', 'compute', '--param', 'iterations=2', '-o', out);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/wrote .*compute\.elf: firmware \d+ B at 0x80000000, kernel \d+ B at 0x80200000, user \d+ B at 0x802[0-9a-f]{5}/);
    const elf = readFileSync(out);
    expect([...elf.subarray(0, 4)]).toEqual([0x7f, 0x45, 0x4c, 0x46]);
    expect(elf.readUInt32LE(24)).toBe(0x8000_0000); // e_entry: the firmware
  });
});

describe('pvlab boot --technique trap-emulate and pvlab trace', () => {
  it('boots under trap-and-emulate with the same result and an exit summary', async () => {
    const r = await pvlab('boot', '--workload', 'null-syscall', '--param', 'iterations=20', '--technique', 'trap-emulate', '--preset', 'core2-vtx');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(workloadByName('null-syscall').expected({ iterations: 20 }));
    expect(r.stderr).toMatch(/trap-emulate · preset core2-vtx/);
    expect(r.stderr).toMatch(/exits\s+[\d,]+: .*csr [\d,]+/);
    expect(r.stderr).toMatch(/cycles by\s+.*worldSwitch [\d,]+/);
  });

  it('refuses an unknown preset with a suggestion', async () => {
    const r = await pvlab('boot', '--workload', 'compute', '--technique', 'trap-emulate', '--preset', 'core2');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/core2/);
    expect(r.stderr).toMatch(/core2-vtx/);
  });

  it('trace shows the first exits with the instruction, the virtual privilege and the result', async () => {
    const r = await pvlab('trace', '--workload', 'null-syscall', '--param', 'iterations=2', '--exits', '500', '--from', 'boot');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.length).toBe(501);
    expect(r.stdout).toMatch(/^\s+1\s+\d+\s+80200000\s+S\s+page-fault fetch va=80200000/m);
    expect(r.stdout).toMatch(/\bS\s+illegal-instruction\s+csrw\s+stvec,\S+\s+csr\s+S @ /);
    expect(r.stdout).toMatch(/\bU\s+ecall\s+ecall\s+reflect-syscall\s+S @ /);
    expect(r.stdout).toMatch(/\bS\s+illegal-instruction\s+sret\s+sret\s+U @ 000/);
    const json = await pvlab('trace', '--workload', 'compute', '--exits', '3', '--json', '--from', 'boot');
    expect(json.stdout.trim().split('\n').map((l) => JSON.parse(l).n)).toEqual([1, 2, 3]);
  });
});
