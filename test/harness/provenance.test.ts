/** Every run records where its figures came from (DESIGN §5; issue 14 item 5). */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectProvenance, pvlabVersion, versionLine } from '../../src/harness/provenance.js';
import { defineSuite } from '../../src/harness/suite.js';
import { runSuite } from '../../src/harness/runner.js';
import { writeReport } from '../../src/report/report.js';

const tmp = mkdtempSync(join(tmpdir(), 'pvlab-provenance-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('provenance', () => {
  it('names pvlab\'s version, the commit, Node, the command and the host', () => {
    const p = collectProvenance(['run', 'default', '--filter', 'workload=fork technique=native']);
    expect(p.pvlab).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
    expect(p.commit === null || /^[0-9a-f]{40}$/.test(p.commit)).toBe(true);
    expect(p.node).toBe(process.version);
    expect(p.command).toEqual(['run', 'default', '--filter', 'workload=fork technique=native']);
    expect(p.host.cores).toBeGreaterThanOrEqual(1);
    expect(p.host.cpu).not.toBe('');
    expect(versionLine({ pvlab: '1.2.3', commit: 'abcdef0123456789', dirty: true, node: 'v20.1.0' })).toBe('pvlab 1.2.3 (git abcdef012345, modified) on Node v20.1.0');
    expect(versionLine({ pvlab: pvlabVersion(), commit: null, node: 'v20.1.0' })).toBe(`pvlab ${pvlabVersion()} on Node v20.1.0`);
  });

  it('is in results.json, config.json and the report header', async () => {
    const suite = defineSuite({ name: 'prov', description: 'd', workloads: ['null-syscall'], techniques: ['native'], operations: 5, charts: ['slowdown'] });
    const r = await runSuite(suite, { jobs: 1, command: ['run', 'prov', '--filter', "it's"] });
    const dir = writeReport(r, tmp);
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(results.provenance.command).toEqual(['run', 'prov', '--filter', "it's"]);
    expect(config.provenance).toEqual(results.provenance);
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(md).toContain(`Produced by pvlab ${pvlabVersion()}`);
    expect(md).toContain("with `pvlab run prov --filter 'it'\\''s'`");
    expect(readFileSync(join(dir, 'index.html'), 'utf8')).toContain(`Produced by pvlab ${pvlabVersion()}`);
  });
});
