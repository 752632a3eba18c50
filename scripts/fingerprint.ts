/**
 * The refactoring referee: every simulated counter of every cell of the shipped suites, in one
 * canonical JSON, so a change that must not alter behaviour (a refactor, a faster hart) can be
 * checked cell by cell against the tree before it.
 *
 *   npm run fingerprint -- --out before.json [suite…]     record (default: the five suites below)
 *   npm run fingerprint -- --compare before.json [suite…]  record again and list every difference
 *       [--ignore REGEX]   …except at paths matching REGEX (e.g. a preset field added on purpose:
 *                          --ignore 'config\.preset\.gstageFill$')
 *
 * Host-time figures (hostMs, host micro-benchmarks) and wall-clock names are left out: they are
 * not simulated. Exit status 1 when --compare finds a difference.
 */
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { SUITES } from '../experiments/index.js';
import { runSuite } from '../src/harness/runner.js';
import { tuneV8 } from '../src/util/v8-tuning.js';

const DEFAULT_SUITES = ['default', 'microbench', 'lmbench', 'paging', 'pvio'];
const NOT_SIMULATED = new Set(['hostMs', 'startedAt', 'runId', 'hostBench', 'hostBenchError', 'jobs', 'provenance']);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** A copy without host-time fields, keys sorted, so two runs compare as text. */
function canonical(value: unknown): Json {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const out: { [k: string]: Json } = {};
    for (const k of Object.keys(value).sort()) {
      if (!NOT_SIMULATED.has(k)) out[k] = canonical((value as Record<string, unknown>)[k]);
    }
    return out;
  }
  return value as Json;
}

/** Leaf paths where a and b differ (at most `limit`). */
function differences(a: Json, b: Json, path: string, out: string[], limit: number, ignore: RegExp | null): void {
  if (out.length >= limit || (ignore !== null && ignore.test(path))) return;
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) differences((a as Record<string, Json>)[k] ?? null, (b as Record<string, Json>)[k] ?? null, `${path}.${k}`, out, limit, ignore);
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`${path}: ${JSON.stringify(a)} → ${JSON.stringify(b)}`);
}

async function main(): Promise<number> {
  tuneV8(); // as the pvlab command does (src/util/v8-tuning.ts)
  const args = process.argv.slice(2);
  let out: string | undefined;
  let compare: string | undefined;
  let ignore: RegExp | null = null;
  const names: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--out') out = args[++i];
    else if (a === '--compare') compare = args[++i];
    else if (a === '--ignore') ignore = new RegExp(args[++i] as string);
    else names.push(a);
  }
  const suites = names.length > 0 ? names : DEFAULT_SUITES;
  const record: { [suite: string]: Json } = {};
  for (const name of suites) {
    const suite = SUITES.find((s) => s.name === name);
    if (!suite) {
      console.error(`fingerprint: unknown suite '${name}'`);
      return 2;
    }
    const t0 = Date.now();
    const r = await runSuite(suite, { now: new Date(0) });
    const failed = r.cells.filter((c) => c.status !== 'ok').length;
    console.error(`${name}: ${r.cells.length} cells (${failed} failed), ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    record[name] = canonical(r);
  }
  const text = `${JSON.stringify(record, null, 1)}\n`;
  if (out) {
    writeFileSync(`${out}.tmp`, text);
    renameSync(`${out}.tmp`, out);
    console.error(`fingerprint written to ${out}`);
  }
  if (compare) {
    const before = JSON.parse(readFileSync(compare, 'utf8')) as { [suite: string]: Json };
    let total = 0;
    for (const name of suites) {
      const diffs: string[] = [];
      differences(before[name] ?? null, record[name] ?? null, name, diffs, 40, ignore);
      total += diffs.length;
      console.log(diffs.length === 0 ? `${name}: identical` : `${name}: ${diffs.length}${diffs.length >= 40 ? '+' : ''} differences\n  ${diffs.join('\n  ')}`);
    }
    return total === 0 ? 0 : 1;
  }
  return 0;
}

main().then((code) => { process.exitCode = code; }, (e: unknown) => {
  console.error(`fingerprint: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 2;
});
