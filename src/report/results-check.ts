/**
 * Reading a results.json back (pvlab report, pvlab merge): it must be pvlab results before
 * anything draws from it. Two layers: the published JSON Schema (docs/results.schema.json,
 * validated with Ajv) for shape and types, then what a schema cannot say — cell ids unique, each
 * cell's id, suite and kind agreeing with its configuration, its result and the run's suite, a
 * baseline that names a cell of the file. Every message names the file and the JSON path.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { packageRoot } from '../guest/paths.js';
import type { SuiteResults } from '../harness/runner.js';

/** A results.json that cannot be read as pvlab results. */
export class ReportError extends Error {}

export const RESULTS_SCHEMA_FILE = 'docs/results.schema.json';

let validator: ValidateFunction | undefined;

export function resultsSchema(): object {
  return JSON.parse(readFileSync(join(packageRoot(), RESULTS_SCHEMA_FILE), 'utf8')) as object;
}

function validate(): ValidateFunction {
  validator ??= new Ajv2020({ allErrors: false, strict: false }).compile(resultsSchema());
  return validator;
}

/** One line for the first schema error: where (a JSON path) and what. */
function describeSchemaError(e: ErrorObject): string {
  const at = e.instancePath === '' ? 'the top level' : e.instancePath.slice(1).replace(/\//g, '.');
  const detail = e.keyword === 'enum' ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')})`
    : e.keyword === 'const' ? ` (${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)})` : '';
  return `${at}: ${e.message ?? 'is invalid'}${detail}`;
}

/** What the schema cannot check; the first problem, or undefined. */
export function consistencyProblem(r: SuiteResults): string | undefined {
  if (r.suiteConfig.name !== r.suite) return `suiteConfig.name is "${r.suiteConfig.name}" but suite is "${r.suite}"`;
  const ids = new Set<string>();
  for (const [i, c] of r.cells.entries()) {
    const at = `cells.${i}`;
    if (ids.has(c.id)) return `${at}: cell id "${c.id}" appears twice`;
    ids.add(c.id);
    if (c.config.id !== c.id) return `${at}: config.id "${c.config.id}" is not the cell's id "${c.id}"`;
    if (c.config.suite !== r.suite) return `${at}: config.suite "${c.config.suite}" is not the run's suite "${r.suite}"`;
    if (c.result && c.result.kind !== c.config.kind) return `${at}: a ${c.config.kind} cell with a ${c.result.kind} result`;
    if (c.result && c.result.cellId !== c.id) return `${at}: result.cellId "${c.result.cellId}" is not the cell's id`;
  }
  const bad = r.cells.findIndex((c) => c.baseline !== undefined && !ids.has(c.baseline));
  if (bad >= 0) return `cells.${bad}: baseline "${r.cells[bad]?.baseline}" is not a cell of this file`;
  return undefined;
}

/** Parsed JSON → SuiteResults, or ReportError naming `path` and the first problem. */
export function checkResults(v: unknown, path: string): SuiteResults {
  const ok = validate();
  if (!ok(v)) {
    const first = ok.errors?.[0];
    throw new ReportError(`${path}: not valid pvlab results (${RESULTS_SCHEMA_FILE}): ${first ? describeSchemaError(first) : 'invalid'}`);
  }
  const problem = consistencyProblem(v as SuiteResults);
  if (problem) throw new ReportError(`${path}: inconsistent pvlab results: ${problem}`);
  return v as SuiteResults;
}

/** Read and check a results.json written by a run (or by merge). */
export function readResults(path: string): SuiteResults {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ReportError(`cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message}`);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new ReportError(`${path}: not JSON: ${(e as Error).message}`);
  }
  return checkResults(v, path);
}
