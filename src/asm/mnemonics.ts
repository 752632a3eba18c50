/**
 * Every mnemonic the assembler accepts and its forms: each row of the ISA table (with the
 * .aq/.rl/.aqrl ordering suffixes for atomics) followed by the alias and pseudo-instruction
 * forms of pseudo.ts. Matching a statement tries the forms in order, like GNU as.
 */
import { INSTRUCTIONS } from '../isa/instructions.js';
import { Cursor } from './cursor.js';
import { SourceError } from './diagnostics.js';
import { Operands, tableForm, type ExpandContext, type Form, type MachineInsn } from './machine-insn.js';
import { parseOperand, type Operand, type OperandParseContext } from './operands.js';
import { PSEUDO_FORMS } from './pseudo.js';

const ORDERING_SUFFIXES = [
  { suffix: '.aq', aq: true, rl: false },
  { suffix: '.rl', aq: false, rl: true },
  { suffix: '.aqrl', aq: true, rl: true },
] as const;

const FORMS: ReadonlyMap<string, readonly Form[]> = (() => {
  const m = new Map<string, Form[]>();
  const add = (name: string, f: Form): void => {
    const list = m.get(name) ?? [];
    list.push(f);
    m.set(name, list);
  };
  for (const s of INSTRUCTIONS) {
    add(s.mnemonic, tableForm(s));
    if (s.format === 'AMO' || s.format === 'LR') {
      for (const o of ORDERING_SUFFIXES) add(s.mnemonic + o.suffix, tableForm(s, o));
    }
  }
  for (const [name, forms] of PSEUDO_FORMS) for (const f of forms) add(name, f);
  return m;
})();

/** All mnemonics, for "did you mean" suggestions. */
export const MNEMONICS: readonly string[] = [...FORMS.keys()];

export function isMnemonic(name: string): boolean {
  return FORMS.has(name);
}

/**
 * Parses the operand groups against the mnemonic's forms and builds the instructions of the
 * first form that fits. When none fits, reports the error of the form that got furthest.
 */
export function assembleInstruction(
  mnemonic: string, groups: readonly Cursor[], ctx: OperandParseContext, x: ExpandContext, col: number,
): MachineInsn[] {
  const forms = FORMS.get(mnemonic);
  if (forms === undefined) throw new Error(`not a mnemonic: ${mnemonic}`);
  let best: { parsed: number; error: SourceError } | undefined;
  for (const f of forms) {
    if (f.names.length !== groups.length) continue;
    const ops: Operand[] = [];
    try {
      f.syntax.forEach((syntax, i) => {
        const g = groups[i] as Cursor;
        ops.push(parseOperand(syntax, new Cursor(g.tokens, g.endCol), ctx));
      });
    } catch (e) {
      if (!(e instanceof SourceError)) throw e;
      if (best === undefined || ops.length > best.parsed) best = { parsed: ops.length, error: e };
      continue;
    }
    return f.build(new Operands(f.names, ops), x);
  }
  if (best !== undefined) throw best.error;
  const usages = forms.map((f) => (f.usage === '' ? mnemonic : `${mnemonic} ${f.usage}`));
  const n = groups.length;
  throw new SourceError(
    `wrong number of operands for '${mnemonic}' (got ${n}); expected ${usages.map((u) => `'${u}'`).join(' or ')}`,
    col,
  );
}
