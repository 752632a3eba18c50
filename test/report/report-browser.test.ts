/**
 * index.html opens in a real browser and every chart image loads: where Debian's chromium is
 * installed, load a report headless and read the count the page's inline check leaves on <body>.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { defineSuite } from '../../src/harness/suite.js';
import { runSuite } from '../../src/harness/runner.js';
import { writeReport } from '../../src/report/report.js';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
const browser = CANDIDATES.find((p) => existsSync(p));
const tmp = mkdtempSync(join(tmpdir(), 'pvlab-browser-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(!browser)('index.html in headless chromium', () => {
  it('loads every chart image', async () => {
    const suite = defineSuite({
      name: 'browser-test', description: 'two workloads', workloads: ['null-syscall', 'console'],
      techniques: ['native', 'trap-emulate', 'paravirt'], operations: { 'null-syscall': 10, console: 4 },
      charts: ['slowdown', 'exits', 'breakdown'],
    });
    const dir = writeReport(await runSuite(suite, { jobs: 1 }), tmp);
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    const imgs = (html.match(/<img /g) ?? []).length;
    expect(imgs).toBe(5); // slowdown; exits and breakdown as shares beside totals
    const dom = execFileSync(browser as string, [
      '--headless', '--no-sandbox', '--disable-gpu', '--allow-file-access-from-files', `--user-data-dir=${join(tmp, 'profile')}`,
      '--virtual-time-budget=5000', '--dump-dom', pathToFileURL(join(dir, 'index.html')).href,
    ], { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'ignore'] });
    expect(dom).toContain(`data-images="${imgs}/${imgs}"`);
  }, 90_000);
});
