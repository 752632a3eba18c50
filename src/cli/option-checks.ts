/**
 * Checks yargs does not make on its own: an option meant to be given once but given twice
 * (yargs would quietly turn `--workload a --workload b` into an array and crash later), and a
 * "did you mean" for a value that is not one of an option's choices.
 */
import type { Argv } from 'yargs';
import { suggest } from '../harness/suite.js';
import { EXIT, UserError } from './errors.js';

interface ParsedOptions {
  array: string[];
  boolean: string[];
  count: string[];
  key: Record<string, unknown>;
  alias: Record<string, string[]>;
}

/** Middleware (before validation): refuse a single-valued option that was given more than once. */
export function refuseRepeatedOptions(argv: Record<string, unknown>, y: Argv): void {
  const o = (y as unknown as { getOptions(): ParsedOptions }).getOptions();
  const multi = new Set([...o.array, ...o.boolean, ...o.count]);
  for (const key of Object.keys(o.key)) {
    if (multi.has(key) || key.length === 1 || !Array.isArray(argv[key])) continue;
    const values = (argv[key] as unknown[]).map((v) => JSON.stringify(v)).join(', ');
    throw new UserError(`--${key} given ${(argv[key] as unknown[]).length} times (${values}); give it once`, EXIT.USAGE);
  }
}

/** yargs' "Invalid values: Argument: technique, Given: "paravrt", Choices: …" as one line
 *  with a suggestion; other messages unchanged. */
export function explainChoices(msg: string): string {
  const m = /Argument: ([\w-]+), Given: (.+?), Choices: (.+)$/s.exec(msg);
  if (!m) return msg;
  const [, option, given, choices] = m as unknown as [string, string, string, string];
  const names = [...choices.matchAll(/"([^"]*)"/g)].map((x) => x[1] as string);
  const word = given.replace(/^"|"$/g, '');
  return `--${option} ${given}: not one of ${names.join(', ')}${suggest(word, names)}`;
}
