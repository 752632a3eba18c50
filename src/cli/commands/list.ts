/**
 * `pvlab list`: what there is to run — suites, workloads, techniques, guest builds, cost presets.
 */
import type { Argv } from 'yargs';
import { SUITES } from '../../../experiments/index.js';
import { expandMatrix } from '../../harness/matrix.js';
import { GUEST_BUILDS } from '../../guest/image.js';
import { WORKLOADS } from '../../guest/workloads.js';
import { COST_PRESETS, DEFAULT_PRESET_NAME } from '../../hypervisor/cost-presets.js';
import { TECHNIQUES } from '../../hypervisor/techniques.js';

export interface ListArgs {
  json: boolean;
}

export function listBuilder(y: Argv): Argv<ListArgs> {
  return y.option('json', { type: 'boolean', default: false, describe: 'print everything as one JSON object' }) as unknown as Argv<ListArgs>;
}

const TECHNIQUE_DOC: Record<string, string> = {
  'native': 'the guest on the bare simulated machine (no hypervisor)',
  'trap-emulate': 'the unmodified guest deprivileged; every privileged instruction traps and is emulated, shadow page tables',
  'paravirt': 'the paravirt guest calls the hypervisor (hypercalls, batched MMU updates, I/O rings)',
  'hw-assist': 'the unmodified guest in VS-mode (RISC-V H extension): CSRs, sret, syscalls and page faults in hardware; two-stage (nested) paging; exits for MMIO, SBI and G-stage faults',
  'hw-assist-shadow': 'hw-assist with the G-stage replaced by shadow page tables (first-generation VT-x without EPT): satp and sfence.vma exit',
};
const BUILD_DOC: Record<string, string> = {
  unmodified: 'the teaching kernel as written for the bare machine',
  paravirt: 'the same kernel with its privileged operations replaced by hypercalls',
  pvio: 'the unmodified kernel with the paravirtual device drivers (console, block ring, events by hypercall): hardware assist + PV I/O, for hw-assist and hw-assist-shadow',
};

export function listing(): {
  suites: { name: string; description: string; kind: string; cells: number; charts: readonly string[] }[];
  workloads: { name: string; description: string; params: { name: string; default: number; doc: string }[] }[];
  techniques: { name: string; description: string }[];
  builds: { name: string; description: string }[];
  presets: { name: string; description: string; default: boolean }[];
} {
  return {
    suites: SUITES.map((s) => ({ name: s.name, description: s.description, kind: s.kind, cells: expandMatrix(s).length, charts: s.charts })),
    workloads: WORKLOADS.map((w) => ({ name: w.name, description: w.description, params: w.params.map((p) => ({ name: p.name, default: p.default, doc: p.doc })) })),
    techniques: TECHNIQUES.map((t) => ({ name: t, description: TECHNIQUE_DOC[t] ?? '' })),
    builds: GUEST_BUILDS.map((b) => ({ name: b, description: BUILD_DOC[b] ?? '' })),
    presets: COST_PRESETS.map((p) => ({ name: p.name, description: p.description, default: p.name === DEFAULT_PRESET_NAME })),
  };
}

export function runList(args: ListArgs): number {
  const l = listing();
  if (args.json) {
    process.stdout.write(`${JSON.stringify(l, null, 2)}\n`);
    return 0;
  }
  const w = (s: string): boolean => process.stdout.write(s);
  const pad = (xs: { name: string }[]): number => Math.max(...xs.map((x) => x.name.length)) + 2;
  w('Suites (pvlab run <suite>):\n');
  const ps = pad(l.suites);
  for (const s of l.suites) w(`  ${s.name.padEnd(ps)}${String(s.cells).padStart(4)} cells  ${s.description}\n`);
  w('\nWorkloads (parameters: name=default):\n');
  const pw = pad(l.workloads);
  for (const x of l.workloads) w(`  ${x.name.padEnd(pw)}${x.description}\n  ${''.padEnd(pw)}${x.params.map((p) => `${p.name}=${p.default}`).join(' ')}\n`);
  w('\nTechniques:\n');
  const pt = pad(l.techniques);
  for (const t of l.techniques) w(`  ${t.name.padEnd(pt)}${t.description}\n`);
  w('\nGuest builds:\n');
  const pb = pad(l.builds);
  for (const b of l.builds) w(`  ${b.name.padEnd(pb)}${b.description}\n`);
  w('\nCost presets:\n');
  const pp = pad(l.presets);
  for (const p of l.presets) w(`  ${p.name.padEnd(pp)}${p.description}${p.default ? ' (default)' : ''}\n`);
  return 0;
}
