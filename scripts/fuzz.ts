/**
 * npm run fuzz — hostile guests beside a well-behaved neighbour, on every technique
 * (src/harness/fuzz/, docs/hypervisor.md "Bounds" and "The fuzzer").
 *
 *   npm run fuzz -- [--minutes M | --cases N] [--seed S] [--jobs J] [--guests K]
 *                   [--generator a,b] [--target t,u] [--recheck] [--watchdog SECONDS]
 *                   [--status SECONDS] [--out DIR]
 *   npm run fuzz -- --seed S --case N        run one case again, every guest's stop printed
 *   npm run fuzz -- --replay FILE.json       the same, for a saved finding
 *   npm run fuzz -- --list                   the generators and targets
 *
 * Prints a status line every --status seconds (runs, runs/s, findings by verdict, RSS) and a
 * summary; saves each finding as JSON under --out (default reports/fuzz) with the command that
 * reproduces it. Exit status 1 when anything was found.
 */
import { readFileSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import { addCase, addFindings, Campaign, emptyTally, type Tally } from '../src/harness/fuzz/campaign.js';
import { DEFAULT_FUZZ_CONFIG, type CaseResult, type Finding, type FuzzConfig } from '../src/harness/fuzz/case.js';
import { findingRecord, reproCommand, saveFinding, type FindingRecord } from '../src/harness/fuzz/findings.js';
import { GENERATORS, generatorByName } from '../src/harness/fuzz/generators/index.js';
import { runPool } from '../src/harness/fuzz/pool.js';
import { clock, coverageLines, rssMiB, statusLine } from '../src/harness/fuzz/status.js';
import { FUZZ_TARGETS, targetByName, targetName } from '../src/harness/fuzz/targets.js';
import { tuneV8 } from '../src/util/v8-tuning.js';

interface Args {
  seed: number;
  minutes: number | null;
  cases: number | null;
  jobs: number;
  guests: number;
  generators: string[];
  targets: string[];
  recheck: boolean;
  watchdog: number;
  status: number;
  out: string;
  caseIndex: number | null;
  replay: string | null;
  list: boolean;
}

const DEFAULT_MINUTES = 1;
const UINT32 = 2 ** 32;

class ArgError extends Error {}

function count(name: string, text: string | undefined, min = 1): number {
  const n = Number(text);
  if (text === undefined || !Number.isInteger(n) || n < min) throw new ArgError(`--${name} ${text ?? ''}: a whole number of at least ${min} is wanted`);
  return n;
}

function parse(argv: readonly string[]): Args {
  const a: Args = {
    seed: randomInt(UINT32), minutes: null, cases: null, jobs: 1, guests: DEFAULT_FUZZ_CONFIG.guestsPerCase, generators: [], targets: [],
    recheck: false, watchdog: 120, status: 30, out: 'reports/fuzz', caseIndex: null, replay: null, list: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    const value = (): string | undefined => argv[++i];
    switch (flag) {
      case '--seed': a.seed = count('seed', value(), 0); break;
      case '--minutes': a.minutes = Number(value()); if (!(a.minutes > 0)) throw new ArgError('--minutes: a positive number is wanted'); break;
      case '--cases': a.cases = count('cases', value()); break;
      case '--jobs': a.jobs = count('jobs', value()); break;
      case '--guests': a.guests = count('guests', value()); break;
      case '--generator': a.generators = (value() ?? '').split(',').filter(Boolean); break;
      case '--target': a.targets = (value() ?? '').split(',').filter(Boolean); break;
      case '--recheck': a.recheck = true; break;
      case '--watchdog': a.watchdog = count('watchdog', value()); break;
      case '--status': a.status = count('status', value()); break;
      case '--out': a.out = value() ?? ''; break;
      case '--case': a.caseIndex = count('case', value(), 0); break;
      case '--replay': a.replay = value() ?? null; break;
      case '--list': a.list = true; break;
      default: throw new ArgError(`unknown option ${flag} (see the header of scripts/fuzz.ts)`);
    }
  }
  return a;
}

function configOf(a: Args): FuzzConfig {
  a.generators.forEach(generatorByName); // an unknown name is an error here, not in a worker
  return { ...DEFAULT_FUZZ_CONFIG, guestsPerCase: a.guests, recheck: a.recheck, generators: a.generators, targets: a.targets.map(targetByName) };
}

function list(): void {
  for (const g of GENERATORS) console.log(`${g.name.padEnd(18)} ${g.doc}`);
  console.log(`\ntargets: ${FUZZ_TARGETS.map(targetName).join(', ')}`);
}

/** One case, in this process, told in full. */
function replay(seed: number, index: number, config: FuzzConfig): number {
  const r = new Campaign(seed, config).runCase(index);
  const n = r.spec.neighbour;
  console.log(`case ${index} of seed ${seed}: preset ${r.spec.preset}, quantum ${r.spec.quantumCycles} cycles, neighbour ${n.workload} (${n.build} build) under ${targetName(n.target)}`);
  r.spec.guests.forEach((g, i) => console.log(`  guest ${i}: ${g.generator} under ${targetName(g.target)}, ${g.ramBytes >> 20} MiB, seed ${g.seed} → ${JSON.stringify(r.stops[i])}`));
  for (const f of r.findings) console.log(`FOUND ${JSON.stringify(findingRecord(f, config), null, 2)}`);
  if (r.findings.length === 0) console.log('nothing found');
  return r.findings.length > 0 ? 1 : 0;
}

async function campaign(a: Args, config: FuzzConfig): Promise<number> {
  const deadline = a.minutes !== null ? Date.now() + a.minutes * 60_000 : a.cases !== null ? Infinity : Date.now() + DEFAULT_MINUTES * 60_000;
  const start = Date.now();
  const rssStart = rssMiB();
  let rssMax = rssStart;
  const tally: Tally = emptyTally();
  console.log(`fuzz: seed ${a.seed}, ${a.jobs} job(s), ${config.guestsPerCase} hostile guests + 1 neighbour per case, watchdog ${a.watchdog} s, findings in ${a.out}/`);
  const record = (findings: readonly Finding[]): void => {
    for (const f of findings) console.log(`FOUND ${f.verdict}: ${saveFinding(a.out, f, config)}\n  ${f.detail.split('\n')[0]}\n  reproduce: ${reproCommand(f, config)}`);
  };
  const timer = setInterval(() => {
    rssMax = Math.max(rssMax, rssMiB());
    console.log(statusLine(tally, Date.now() - start));
  }, a.status * 1000);
  await runPool({
    runSeed: a.seed, config, jobs: a.jobs, watchdogMs: a.watchdog * 1000, from: 0,
    more: (next) => (a.cases === null || next < a.cases) && Date.now() < deadline,
    onResult: (r: CaseResult) => { addCase(tally, r); record(r.findings); },
    onLost: (f) => { addFindings(tally, [f]); record([f]); },
  });
  clearInterval(timer);
  rssMax = Math.max(rssMax, rssMiB());
  const elapsed = Date.now() - start;
  console.log(`\nsummary after ${clock(elapsed)}: ${tally.guests} runs in ${tally.cases} cases, ${(tally.guests / (elapsed / 1000)).toFixed(1)} runs/s (${a.jobs} job(s))`);
  console.log(statusLine(tally, elapsed));
  console.log(`  RSS         start ${rssStart.toFixed(0)} MiB, end ${rssMiB().toFixed(0)} MiB, max ${rssMax.toFixed(0)} MiB`);
  for (const line of coverageLines(tally)) console.log(line);
  return tally.findings.length > 0 ? 1 : 0;
}

async function main(): Promise<number> {
  tuneV8(); // as the pvlab command does (src/util/v8-tuning.ts)
  const a = parse(process.argv.slice(2));
  if (a.list) {
    list();
    return 0;
  }
  const config = configOf(a);
  if (a.replay !== null) {
    const saved = JSON.parse(readFileSync(a.replay, 'utf8')) as FindingRecord;
    return replay(saved.seed, saved.case, {
      ...config, guestsPerCase: saved.guestsPerCase, generators: saved.generators, targets: saved.targets.map(targetByName),
    });
  }
  if (a.caseIndex !== null) return replay(a.seed, a.caseIndex, config);
  return campaign(a, config);
}

main().then((code) => { process.exitCode = code; }, (e: unknown) => {
  process.stderr.write(`fuzz: ${e instanceof ArgError ? e.message : e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exitCode = 2;
});
