/**
 * `pvlab compare --workload X`: one workload under several techniques, side by side in the
 * terminal — simulated cycles, slowdown, exits and instructions per operation. Runs in-process
 * as a one-workload suite, so the figures are exactly those `pvlab run` would give.
 */
import type { Argv } from 'yargs';
import { EXIT_KINDS } from '../../hypervisor/accounting.js';
import { DEFAULT_PRESET_NAME } from '../../hypervisor/cost-presets.js';
import { TECHNIQUES, type Technique } from '../../hypervisor/techniques.js';
import { runSuite } from '../../harness/runner.js';
import { KERNEL_PARAM_NAMES, validateSuite } from '../../harness/suite.js';
import { WORKLOADS } from '../../guest/workloads.js';
import { EXIT, UserError } from '../errors.js';
import { asUserError, positiveInt } from './run.js';
import { countOption } from '../sizes.js';

export interface CompareArgs {
  workload: string;
  technique?: string[] | undefined;
  preset: string;
  param?: string[] | undefined;
  operations?: string | number | undefined;
  json: boolean;
}

export function compareBuilder(y: Argv): Argv<CompareArgs> {
  return y
    .option('workload', { type: 'string', demandOption: true, describe: 'the workload (pvlab list shows them)' })
    .option('technique', { type: 'string', array: true, describe: `techniques to compare (default: ${TECHNIQUES.join(', ')})` })
    .option('preset', { type: 'string', default: DEFAULT_PRESET_NAME, describe: 'cost preset' })
    .option('param', { type: 'string', array: true, describe: 'a workload or kernel parameter, k=v (repeatable; pvlab list shows each workload\'s; iterations=N is --operations N)' })
    .option('operations', countOption('N of the per-operation measurement (default: the suite default for the workload)'))
    .option('json', { type: 'boolean', default: false, describe: 'print the rows as JSON' })
    .example('$0 compare --workload fork', 'fork under every technique')
    .example('$0 compare --workload null-syscall --operations 500', 'N = 500 operations (--param iterations=500 says the same)')
    .example('$0 compare --workload mmap --param pages=32 --param pv_mmu_batch=1', 'with parameters') as unknown as Argv<CompareArgs>;
}

function parseParams(list: readonly string[] | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of list ?? []) {
    const m = /^\s*([A-Za-z_][\w-]*)\s*=\s*(-?\d+)\s*$/.exec(p);
    if (!m) throw new UserError(`--param ${JSON.stringify(p)}: expected name=integer, e.g. pages=32`, EXIT.USAGE);
    out[m[1] as string] = Number(m[2]);
  }
  return out;
}

/**
 * `iterations` is the N of the measurement: given as --param it is --operations (the per-operation
 * cost is measured at N and at 0, so it cannot be a swept parameter). Unknown names are refused
 * with the full list, `iterations` included.
 */
function splitIterations(workload: string, params: Record<string, number>, operations: number | undefined): number | undefined {
  const { iterations, ...rest } = params;
  const w = WORKLOADS.find((x) => x.name === workload);
  if (w) {
    const known = [...w.params.map((p) => p.name), ...KERNEL_PARAM_NAMES];
    const unknown = Object.keys(rest).find((k) => !known.includes(k));
    if (unknown !== undefined) {
      throw new UserError(`--param ${unknown}=${rest[unknown]}: ${workload} has no parameter '${unknown}'; its parameters: ` +
        `${known.map((k) => (k === 'iterations' ? 'iterations (= --operations)' : k)).join(', ')}`, EXIT.USAGE);
    }
  }
  for (const k of Object.keys(params)) if (!(k in rest)) delete params[k];
  if (iterations === undefined) return operations;
  if (operations !== undefined && operations !== iterations) {
    throw new UserError(`--param iterations=${iterations} and --operations ${operations} disagree: iterations is the N of --operations; give one`, EXIT.USAGE);
  }
  return positiveInt('param iterations', iterations);
}

export async function runCompare(args: CompareArgs): Promise<number> {
  const techniques = (args.technique ?? [...TECHNIQUES]).flatMap((t) => t.split(',')).filter((t) => t !== '');
  const params = parseParams(args.param);
  const operations = splitIterations(args.workload, params, positiveInt('operations', args.operations));
  const suite = await asUserError(() => validateSuite({
    name: 'compare', description: `compare ${args.workload}`, workloads: [args.workload],
    techniques: techniques as Technique[], presets: [args.preset],
    ...(Object.keys(params).length ? { params: { [args.workload]: params } } : {}),
    ...(operations !== undefined ? { operations } : {}),
  }));
  const results = await asUserError(() => runSuite(suite, { jobs: 1 }));
  const rows = results.cells.map((c) => {
    const r = c.result?.kind === 'matrix' ? c.result : undefined;
    const exits = r?.exitsPerOp ? EXIT_KINDS.filter((k) => (r.exitsPerOp?.[k] ?? 0) > 0)
      .sort((a, b) => (r.exitsPerOp?.[b] ?? 0) - (r.exitsPerOp?.[a] ?? 0)).map((k) => `${k} ${(r.exitsPerOp?.[k] ?? 0).toFixed(2)}`) : [];
    return {
      id: c.id, technique: c.config.kind === 'matrix' ? c.config.technique : '', build: c.config.kind === 'matrix' ? c.config.build : '',
      status: c.status, error: c.error, cyclesPerOp: r?.perOp.cycles, slowdown: c.config.kind === 'matrix' && c.config.technique === 'native' && r ? 1 : c.slowdown,
      exitsPerOp: r?.perOp.exits, instructionsPerOp: r?.perOp.instructions.total, exitsByReason: exits.join(', '),
      unit: r ? `${r.unit.name}${r.unit.perOperation !== 1 ? ` (${r.unit.perOperation} per op)` : ''}` : '',
    };
  });
  if (args.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  } else {
    const cfg = results.cells[0]?.config;
    process.stdout.write(`${args.workload}, preset ${args.preset}${cfg?.kind === 'matrix' ? `, N=${cfg.operations}` : ''}` +
      `${Object.keys(params).length ? `, ${Object.entries(params).map(([k, v]) => `${k}=${v}`).join(' ')}` : ''} — simulated, per operation\n\n`);
    const head = ['technique', 'build', 'cycles/op', 'slowdown', 'exits/op', 'insns/op', 'exits by reason'];
    const body = rows.map((r) => r.status === 'ok'
      ? [r.technique, r.build, (r.cyclesPerOp ?? 0).toFixed(1), r.slowdown === undefined ? '' : `${r.slowdown.toFixed(2)}×`,
        (r.exitsPerOp ?? 0).toFixed(2), (r.instructionsPerOp ?? 0).toFixed(1), r.exitsByReason]
      : [r.technique, r.build, 'FAILED', '', '', '', (r.error ?? '').split('\n')[0] ?? '']);
    const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
    const line = (cols: string[]): string => cols.map((c, i) => (i < 2 || i === cols.length - 1 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ').trimEnd();
    process.stdout.write(`${line(head)}\n${widths.map((w) => '─'.repeat(w)).join('  ')}\n${body.map(line).join('\n')}\n`);
    if (rows[0]?.unit) process.stdout.write(`\none operation: ${rows[0].unit}\n`);
  }
  return rows.some((r) => r.status !== 'ok') ? 1 : 0;
}
