/**
 * results.json is checked against the published schema (docs/results.schema.json) and the
 * consistency rules before `pvlab report` or `pvlab merge` use it: a malformed file is one line
 * naming the file and the JSON path, status 1, and nothing written.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defineSuite, CHARTS } from '../../src/harness/suite.js';
import { runSuite } from '../../src/harness/runner.js';
import { TECHNIQUES } from '../../src/hypervisor/techniques.js';
import { GUEST_BUILDS } from '../../src/guest/image.js';
import { HOST_TIME_KINDS } from '../../src/harness/host-time-row.js';
import { RESULTS_FORMAT } from '../../src/harness/runner.js';
import { checkResults, resultsSchema } from '../../src/report/results-check.js';
import { pvlab } from '../cli/helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'pvlab-schema-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const suite = defineSuite({
  name: 'schema-test', description: 'two cells', workloads: ['null-syscall'], techniques: ['native', 'paravirt'], operations: 5,
});
const good = JSON.parse(JSON.stringify(await runSuite(suite, { jobs: 1 })));
const copy = (): typeof good => JSON.parse(JSON.stringify(good));

describe('the published schema', () => {
  const defs = (resultsSchema() as { $defs: Record<string, { enum?: string[] }>; properties: { format: { const: string } } });
  it('names what the code knows: format, techniques, builds, charts, host-time kinds', () => {
    expect(defs.properties.format.const).toBe(RESULTS_FORMAT);
    expect(defs.$defs['technique']?.enum).toEqual([...TECHNIQUES]);
    expect(defs.$defs['build']?.enum).toEqual([...GUEST_BUILDS]);
    expect(defs.$defs['chart']?.enum).toEqual([...CHARTS]);
    expect(defs.$defs['hostTimeRow']).toMatchObject({ properties: { kind: { enum: [...HOST_TIME_KINDS] } } });
  });

  it('accepts what a run writes', () => {
    expect(() => checkResults(copy(), 'r.json')).not.toThrow();
  });
});

describe('malformed results', () => {
  const cases: [string, (r: ReturnType<typeof copy>) => void, RegExp][] = [
    ['a null cell', (r) => { r.cells[1] = null; }, /cells\.1: must be object/],
    ['a cell without config', (r) => { delete r.cells[0].config; }, /cells\.0: must have required property 'config'/],
    ['"NaN" as a number', (r) => { r.cells[1].result.perOp.cycles = 'NaN'; }, /cells\.1\.result.*must be number|cells\.1\.result: must match exactly one schema/],
    ['an unknown technique', (r) => { r.cells[1].config.technique = 'magic'; }, /cells\.1\.config/],
    ['an ok cell without result', (r) => { delete r.cells[0].result; }, /cells\.0: must have required property 'result'/],
    ['a suite contradicting suiteConfig', (r) => { r.suite = 'other'; }, /suiteConfig\.name is "schema-test" but suite is "other"/],
    ['a duplicate cell id', (r) => { r.cells[1] = r.cells[0]; }, /cells\.1: cell id ".*" appears twice/],
    ['a cell id its config contradicts', (r) => { r.cells[1].config.id = 'x'; }, /cells\.1: config\.id "x" is not the cell's id/],
    ['a baseline that is not a cell', (r) => { r.cells[1].baseline = 'nowhere'; }, /cells\.1: baseline "nowhere" is not a cell of this file/],
    ['another format', (r) => { r.format = 'pvlab-results/0'; }, /the top level|format: must be equal to constant/],
  ];
  it.each(cases)('%s', (_, spoil, message) => {
    const r = copy();
    spoil(r);
    expect(() => checkResults(r, 'r.json')).toThrow(message);
  });

  it.each([['report'], ['merge']])('pvlab %s refuses them with one line and writes nothing', async (command) => {
    const r = copy();
    r.cells[1].config = undefined;
    const file = join(tmp, `${command}.json`);
    writeFileSync(file, JSON.stringify(r));
    const out = join(tmp, `${command}-out`);
    const res = command === 'report' ? await pvlab('report', file, '--out', out) : await pvlab('merge', file, '--out', out);
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(new RegExp(`^pvlab: .*${command}\\.json: not valid pvlab results \\(docs/results\\.schema\\.json\\): cells\\.1: must have required property 'config'\\n$`));
    expect(existsSync(out) || existsSync(`${out}.partial`)).toBe(false);
  });

  it('pvlab report of a file that is not JSON', async () => {
    const file = join(tmp, 'bad.json');
    writeFileSync(file, '{"format": ');
    const res = await pvlab('report', file);
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/bad\.json: not JSON/);
    expect(readFileSync(file, 'utf8')).toBe('{"format": ');
  });
});
