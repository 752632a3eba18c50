/**
 * What the fuzzer keeps of a finding: a small JSON file (seed, case, guest, generator,
 * technique, what happened) and the one command line that runs that case again.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { caseSpec, DEFAULT_FUZZ_CONFIG, type Finding, type FuzzConfig } from './case.js';
import { targetName } from './targets.js';

export interface FindingRecord {
  verdict: Finding['verdict'];
  seed: number;
  case: number;
  guest: number | null;
  generator: string | null;
  technique: string | null;
  shadowPaging: string | null;
  guestSeed: number | null;
  detail: string;
  /** Every guest of the case, as generator@target (the guest is not known for a hang). */
  caseGuests: string[];
  /** What picks a case's guests besides the seed (CLI flags). */
  guestsPerCase: number;
  generators: string[];
  targets: string[];
  repro: string;
}

/** Runs the case again, with every guest's stop and every finding printed. */
export function reproCommand(f: Pick<Finding, 'runSeed' | 'caseIndex'>, config: FuzzConfig): string {
  return [
    `npm run fuzz -- --seed ${f.runSeed} --case ${f.caseIndex}`,
    config.guestsPerCase !== DEFAULT_FUZZ_CONFIG.guestsPerCase ? ` --guests ${config.guestsPerCase}` : '',
    config.generators.length > 0 ? ` --generator ${config.generators.join(',')}` : '',
    config.targets.length > 0 ? ` --target ${config.targets.map(targetName).join(',')}` : '',
  ].join('');
}

export function findingRecord(f: Finding, config: FuzzConfig): FindingRecord {
  return {
    verdict: f.verdict, seed: f.runSeed, case: f.caseIndex, guest: f.guest?.index ?? null,
    generator: f.guest?.generator ?? null, technique: f.guest?.target.technique ?? null,
    shadowPaging: f.guest?.target.shadowPaging ?? null, guestSeed: f.guest?.seed ?? null,
    detail: f.detail,
    caseGuests: caseSpec(f.runSeed, f.caseIndex, config).guests.map((g) => `${g.generator}@${targetName(g.target)}`),
    guestsPerCase: config.guestsPerCase, generators: [...config.generators],
    targets: config.targets.map(targetName), repro: reproCommand(f, config),
  };
}

/** Write the finding into `dir` (created if need be); returns the file's path. */
export function saveFinding(dir: string, f: Finding, config: FuzzConfig): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${f.verdict}-seed${f.runSeed}-case${f.caseIndex}${f.guest ? `-guest${f.guest.index}` : ''}.json`);
  writeFileSync(file, JSON.stringify(findingRecord(f, config), null, 2) + '\n');
  return file;
}
