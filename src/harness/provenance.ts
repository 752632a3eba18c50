/**
 * Where a run's figures came from (DESIGN §5, as gem5's config.json): which pvlab (version and
 * git commit), which Node, which command line, which host. Recorded beside the results so any
 * figure can be traced back and reproduced. None of it enters a simulated figure.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, platform, arch, totalmem, availableParallelism } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../guest/paths.js';

export interface Provenance {
  /** pvlab's version (package.json). */
  pvlab: string;
  /** The git commit of the checkout that ran, or null outside a git checkout. */
  commit: string | null;
  /** The checkout had uncommitted changes to tracked files (the commit alone does not reproduce it). */
  dirty?: boolean;
  /** process.version, e.g. "v20.19.0". */
  node: string;
  /** The command line as given (arguments after the program), e.g. ["run", "default"]. */
  command: string[];
  host: { cpu: string; cores: number; platform: string; arch: string; memoryBytes: number };
}

let version: string | undefined;

export function pvlabVersion(): string {
  version ??= (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}

function git(args: string[]): string | null {
  try {
    return execFileSync('git', ['-C', packageRoot(), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim();
  } catch {
    return null; // not a checkout, or no git: the version alone must do
  }
}

let checkout: { commit: string | null; dirty?: boolean } | undefined;

/** The commit and whether tracked files differ from it (asked of git once per process). */
export function gitCheckout(): { commit: string | null; dirty?: boolean } {
  if (checkout) return checkout;
  const commit = git(['rev-parse', 'HEAD']);
  const status = commit === null ? null : git(['status', '--porcelain', '--untracked-files=no']);
  checkout = commit === null ? { commit } : { commit, ...(status !== null ? { dirty: status !== '' } : {}) };
  return checkout;
}

export function hostDescription(): Provenance['host'] {
  return { cpu: cpus()[0]?.model.trim() ?? 'unknown', cores: availableParallelism(), platform: platform(), arch: arch(), memoryBytes: totalmem() };
}

/** The provenance of this process running `command` (default: its own arguments). */
export function collectProvenance(command: readonly string[] = process.argv.slice(2)): Provenance {
  return { pvlab: pvlabVersion(), ...gitCheckout(), node: process.version, command: [...command], host: hostDescription() };
}

/** One line for `pvlab --version` and report headers: "pvlab 0.1.0 (git 1a2b3c4d, modified) on Node v20.19.0". */
export function versionLine(p: Pick<Provenance, 'pvlab' | 'commit' | 'dirty' | 'node'>): string {
  const git = p.commit === null ? '' : ` (git ${p.commit.slice(0, 12)}${p.dirty ? ', modified' : ''})`;
  return `pvlab ${p.pvlab}${git} on Node ${p.node}`;
}
