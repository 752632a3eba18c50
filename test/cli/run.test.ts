import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HOST_OPERATIONS } from '../../src/harness/host-bench.js';
import { pvlab } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'pvlab-cli-run-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('pvlab run', () => {
  it('runs part of a suite, writes the report and prints its path (quiet when not a TTY)', async () => {
    const out = join(tmp, 'r1');
    const r = await pvlab('run', 'default', '--filter', 'workload=null-syscall', '--out', out, '--jobs', '1', '--no-host-bench');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const dir = r.stdout.trim();
    expect(dir.startsWith(join(out, 'default'))).toBe(true);
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(['config.json', 'results.json', 'results.csv', 'slowdown.png', 'exits.png', 'breakdown.png', 'report.md', 'index.html']));
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(results.cells.map((c: { id: string }) => c.id)).toEqual([
      'null-syscall/native/unmodified/modern-kvm/r0', 'null-syscall/trap-emulate/unmodified/modern-kvm/r0', 'null-syscall/paravirt/paravirt/modern-kvm/r0',
      'null-syscall/hw-assist/unmodified/modern-kvm/r0']);
  });

  // Host time is whatever this machine gives (noisy, even negative differences on a busy host):
  // the test checks that it is measured, recorded and labelled, never what it amounts to.
  it('measures host time when asked (--host-bench-ms) and reports it as host time', async () => {
    const out = join(tmp, 'hb');
    const r = await pvlab('run', 'default', '--filter', 'workload=null-syscall technique=native', '--out', out, '--host-bench-ms', '100');
    expect(r.status, r.stderr).toBe(0);
    const dir = r.stdout.trim();
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(results.hostBench.map((h: { operation: string }) => h.operation)).toEqual(HOST_OPERATIONS.map((o) => o.operation));
    for (const h of results.hostBench) expect(typeof h.ns, h.operation).toBe('number');
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toMatch(/HOST time: micro-benchmarks[^]*not simulated cycles/);
  });

  it('--json prints the results', async () => {
    const r = await pvlab('run', 'default', '--no-host-bench', '--filter', 'workload=console technique=native', '--out', join(tmp, 'r2'), '--json', '--repeat', '2');
    expect(r.status).toBe(0);
    const results = JSON.parse(r.stdout);
    expect(results.suite).toBe('default');
    expect(results.cells).toHaveLength(2);
    expect(results.selection).toMatchObject({ filter: 'workload=console technique=native', repeat: 2 });
  });

  it('unknown suites, bad filters, shards and counts are clear errors', async () => {
    const a = await pvlab('run', 'defualt');
    expect(a.status).toBe(2);
    expect(a.stderr).toMatch(/unknown suite 'defualt' \(did you mean 'default'\?\)/);
    const b = await pvlab('run', 'default', '--no-host-bench', '--filter', 'worklod=fork', '--out', join(tmp, 'x'));
    expect(b.status).toBe(2);
    expect(b.stderr).toMatch(/unknown key 'worklod' \(did you mean 'workload'\?\)/);
    const c = await pvlab('run', 'default', '--no-host-bench', '--shard', '3/2', '--out', join(tmp, 'x'));
    expect(c.stderr).toMatch(/shard/);
    const d = await pvlab('run', 'default', '--no-host-bench', '--jobs', 'many', '--out', join(tmp, 'x'));
    expect(d.stderr).toMatch(/--jobs "many"/);
    expect(existsSync(join(tmp, 'x'))).toBe(false);
  });
});

describe('pvlab merge and report', () => {
  it('merges shards into the same figures as one run, and refuses duplicates and other suites', async () => {
    const filter = 'workload=null-syscall|console';
    const whole = JSON.parse((await pvlab('run', 'default', '--no-host-bench', '--filter', filter, '--out', join(tmp, 'w'), '--json')).stdout);
    const s1 = (await pvlab('run', 'default', '--no-host-bench', '--filter', filter, '--shard', '1/2', '--out', join(tmp, 's'))).stdout.trim();
    const s2 = (await pvlab('run', 'default', '--no-host-bench', '--filter', filter, '--shard', '2/2', '--out', join(tmp, 's'))).stdout.trim();
    const out = join(tmp, 'merged');
    const m = await pvlab('merge', join(s1, 'results.json'), join(s2, 'results.json'), '--out', out);
    expect(m.stderr).toBe('');
    expect(m.status).toBe(0);
    const merged = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    const sim = (r: { cells: { id: string; slowdown?: number; result: { perOp: unknown } }[] }) => r.cells.map((c) => [c.id, c.slowdown, c.result.perOp]);
    expect(sim(merged)).toEqual(sim(whole));
    expect(merged.selection.shards).toEqual(['1/2', '2/2']);
    expect(readdirSync(out)).toContain('slowdown.png');

    const dup = await pvlab('merge', join(s1, 'results.json'), join(s1, 'results.json'), '--out', join(tmp, 'dup'));
    expect(dup.status).toBe(1);
    expect(dup.stderr).toMatch(/cell .* is in both/);
    const other = (await pvlab('run', 'microbench', '--filter', 'workload=null-syscall technique=native', '--out', join(tmp, 'o'))).stdout.trim();
    const mix = await pvlab('merge', join(s1, 'results.json'), join(other, 'results.json'), '--out', join(tmp, 'mix'));
    expect(mix.stderr).toMatch(/from suite 'microbench'/);
    expect(existsSync(join(tmp, 'dup')) || existsSync(join(tmp, 'mix'))).toBe(false);
  });

  it('report re-renders from results.json', async () => {
    const dir = (await pvlab('run', 'default', '--no-host-bench', '--filter', 'workload=null-syscall', '--out', join(tmp, 'rr'))).stdout.trim();
    const out = join(tmp, 'rerendered');
    const r = await pvlab('report', join(dir, 'results.json'), '--out', out);
    expect(r.status).toBe(0);
    expect(readFileSync(join(out, 'results.csv'), 'utf8')).toBe(readFileSync(join(dir, 'results.csv'), 'utf8'));
    expect(readFileSync(join(out, 'slowdown.png'))).toEqual(readFileSync(join(dir, 'slowdown.png')));
    const again = await pvlab('report', join(dir, 'results.json'));
    expect(again.stdout.trim()).toBe(dir);
    // The directory pvlab run printed stands for its results.json.
    const byDir = await pvlab('report', dir);
    expect(byDir.status).toBe(0);
    expect(byDir.stdout.trim()).toBe(dir);
    const bad = await pvlab('report', join(tmp, 'nope.json'));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/cannot read/);
  });
});

describe('pvlab list and compare', () => {
  it('lists suites, workloads, techniques, builds and presets', async () => {
    const r = await pvlab('list');
    expect(r.status).toBe(0);
    for (const w of ['Suites', 'default', 'microbench', 'mixed', 'Workloads', 'null-syscall', 'Techniques', 'trap-emulate', 'Guest builds', 'unmodified', 'Cost presets', 'modern-kvm']) {
      expect(r.stdout).toContain(w);
    }
    const j = JSON.parse((await pvlab('list', '--json')).stdout);
    expect(j.suites.map((s: { name: string }) => s.name)).toEqual(['default', 'microbench', 'lmbench', 'sensitivity', 'batching', 'mixed', 'paging', 'pvio', 'replicate']);
    expect(j.techniques.map((t: { name: string }) => t.name)).toEqual(['native', 'trap-emulate', 'paravirt', 'hw-assist', 'hw-assist-shadow']);
    expect(j.builds.map((t: { name: string }) => t.name)).toEqual(['unmodified', 'paravirt', 'pvio']);
    expect(j.presets.some((p: { name: string; default: boolean }) => p.name === 'modern-kvm' && p.default)).toBe(true);
  });

  it('compares techniques on one workload', async () => {
    const r = await pvlab('compare', '--workload', 'null-syscall', '--operations', '10');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/technique\s+build\s+cycles\/op\s+slowdown/);
    expect(r.stdout).toMatch(/^trap-emulate\s+unmodified\s+\d+\.\d\s+\d+\.\d\d×/m);
    const j = JSON.parse((await pvlab('compare', '--workload', 'mmap', '--technique', 'native', 'paravirt', '--param', 'pages=4', '--param', 'pv_mmu_batch=1', '--operations', '2', '--json')).stdout);
    expect(j.map((x: { technique: string }) => x.technique)).toEqual(['native', 'paravirt']);
    expect(j[0].slowdown).toBe(1);
    expect(j[1].slowdown).toBeGreaterThan(1);
  });

  it('compare errors name the bad value', async () => {
    const a = await pvlab('compare', '--workload', 'nul-syscall');
    expect(a.status).toBe(2);
    expect(a.stderr).toMatch(/nul-syscall.*did you mean 'null-syscall'/);
    const b = await pvlab('compare', '--workload', 'fork', '--param', 'x');
    expect(b.stderr).toMatch(/--param "x"/);
  });
});
