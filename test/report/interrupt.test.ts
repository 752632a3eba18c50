/**
 * Ctrl-C while a report is written (issue 15 item 7): the writer stops at the next file,
 * removes its `<run-id>.partial` and leaves nothing half-made; the CLI turns that into status 130.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defineSuite } from '../../src/harness/suite.js';
import { runSuite } from '../../src/harness/runner.js';
import { ReportInterrupted, writeReportAsync, writeReportToAsync } from '../../src/report/report.js';
import { interruptible, INTERRUPTED_STATUS } from '../../src/cli/interrupt.js';
import { UserError } from '../../src/cli/errors.js';

const tmp = mkdtempSync(join(tmpdir(), 'pvlab-interrupt-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const suite = defineSuite({
  name: 'interrupt-test', description: 'two cells, two charts', workloads: ['null-syscall'], techniques: ['native', 'trap-emulate'],
  operations: 5, charts: ['slowdown', 'exits'],
});
const results = await runSuite(suite, { jobs: 1 });

describe('an interrupted report', () => {
  it.each([1, 2, 3, 4, 5])('aborted after %i file(s): no directory, no .partial, no temporary file', async (files) => {
    const ac = new AbortController();
    let written = 0;
    const root = join(tmp, `after-${files}`);
    const p = writeReportAsync(results, root, { signal: ac.signal, onFile: () => { if (++written === files) ac.abort(); } });
    await expect(p).rejects.toThrow(ReportInterrupted);
    const dir = join(root, results.suite);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('replacing an existing report: the old one stays whole', async () => {
    const dir = join(tmp, 'existing');
    await writeReportToAsync(results, dir);
    const before = readdirSync(dir).sort();
    const ac = new AbortController();
    ac.abort();
    await expect(writeReportToAsync(results, dir, { signal: ac.signal })).rejects.toThrow(/interrupted while writing the report/);
    expect(readdirSync(dir).sort()).toEqual(before);
    expect(existsSync(`${dir}.partial`)).toBe(false);
  });

  it('SIGINT during interruptible() aborts the work and becomes status 130', async () => {
    const work = interruptible(async (signal) => {
      process.emit('SIGINT', 'SIGINT');
      expect(signal.aborted).toBe(true);
      throw new ReportInterrupted('interrupted while writing the report; x was not written');
    });
    const e = await work.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).exitCode).toBe(INTERRUPTED_STATUS);
    expect(process.listenerCount('SIGINT')).toBe(0);
  });
});
