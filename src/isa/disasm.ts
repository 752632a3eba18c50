/**
 * The disassembler: one instruction word → one line of assembly in GNU objdump's style
 * (binutils 2.40: `objdump -d`, or `objdump -d -M no-aliases` with `aliases: false`).
 *
 * Nothing here knows an opcode. The decoder names the table row; the row's operand list says
 * what to print; the alias rules (disasm-aliases.ts) are table rows of their own. Output is
 * objdump's text for the same word: a tab after the mnemonic, operands separated by bare commas,
 * ABI register names, CSR names, decimal immediates except the hex ones objdump uses (lui/auipc
 * fields, shift amounts), and branch/jump targets as absolute hex addresses.
 *
 * Differences from objdump, all deliberate (test/isa/objdump.test.ts normalizes exactly these):
 *  - An undecodable word prints as `.word 0x%08x` (objdump 2.40 prints `.4byte 0x%x` inside
 *    code and `.word 0x%08x` inside data); the all-zero word prints as `unimp`, as objdump does
 *    when the C extension is enabled, because zero is RISC-V's designated illegal instruction.
 *  - CSR names are pvlab's (csr.ts, the ones the assembler accepts); CSRs objdump knows but
 *    pvlab does not implement (fcsr, dcsr, hstatus, …) print as numbers.
 *  - Stateless: objdump remembers `lui`/`auipc` results and `__global_pointer$` and annotates
 *    later address arithmetic with `# <address>`; from a single word only the addresses based
 *    on x0 (always 0) or tp (objdump shows tp-relative offsets as addresses, for TLS) are known,
 *    and those get the annotation as objdump prints it.
 *  - Instructions pvlab's table does not have (uret, dret, F/D, C, …) print as `.word`.
 */
import { ABI_REGISTER_NAMES } from './registers.js';
import { CSR_NAMES } from './csr.js';
import { ALIAS_RULES, ALWAYS_RULES, rulesByOp, type AliasRule } from './disasm-aliases.js';
import { csrOf, decodeSpec, immB, immI, immJ, immS, immU, rdOf, rs1Of, rs2Of } from './decode.js';
import { AMO_AQ, AMO_RL, Op, type InstructionSpec, type OperandKind } from './instructions.js';

export interface DisasmOptions {
  /** Print pseudo-instruction aliases as objdump does by default (true), or the base
   *  instructions as with `-M no-aliases` (false). */
  aliases?: boolean;
  /** A label for an address (branch/jump target or a known data address), printed as
   *  objdump does: `80000010 <label>`. Return undefined for none. */
  symbolize?: (addr: number) => string | undefined;
}

/** Integer register ABI names, x0..x31, as objdump prints them (src/isa/registers.ts). */
export { ABI_REGISTER_NAMES };

/** The all-zero word: architecturally guaranteed illegal, and objdump's `unimp`. */
const ZERO_WORD = 0;
const UNIMP = 'unimp';
/** Hex digits of a 32-bit word. */
const WORD_HEX_DIGITS = 8;

/** x0 reads as zero, and objdump treats tp-relative offsets as (TLS) addresses. */
const X0 = 0;
const TP = 4;

/** The reserved fields of fence — fm (inst[31:28]), rs1, rd — and of fence.i — imm, rs1, rd.
 *  The hart ignores them, as the spec requires; objdump has no syntax for them (fence.tso is
 *  its own table row) and prints such words as data. */
const FENCE_RESERVED_MASK = 0xf00f8f80;
const FENCE_I_RESERVED_MASK = 0xffff8f80;

/** fence pred/succ bits in objdump's letter order: i, o, r, w. */
const FENCE_SET_LETTERS: readonly [bit: number, letter: string][] = [
  [8, 'i'], [4, 'o'], [2, 'r'], [1, 'w'],
];
const FENCE_PRED_SHIFT = 24;
const FENCE_SUCC_SHIFT = 20;
const FENCE_SET_MASK = 0xf;
/** The U-type field sits in inst[31:12]. */
const U_IMM_SHIFT = 12;
/** Register field of a CSR immediate (zimm) instruction. */
const ZIMM_MASK = 0x1f;

const ALWAYS_BY_OP = rulesByOp(ALWAYS_RULES);
const ALIASES_BY_OP = rulesByOp(ALIAS_RULES);

/** Disassemble one 32-bit word fetched from `pc`. */
export function disassemble(word: number, pc: number, opts: DisasmOptions = {}): string {
  const w = word >>> 0;
  const spec = decodeSpec(w);
  if (spec === undefined || !objdumpCanPrint(spec, w)) {
    return w === ZERO_WORD ? UNIMP : dataWord(w);
  }
  const rule =
    firstMatch(ALWAYS_BY_OP.get(spec.op), w) ??
    ((opts.aliases ?? true) ? firstMatch(ALIASES_BY_OP.get(spec.op), w) : undefined);
  const mnemonic = (rule?.mnemonic ?? spec.mnemonic) + orderingSuffix(spec, w);
  const operands = rule?.operands ?? spec.operands;

  const line = new Line(spec, w, pc >>> 0, opts.symbolize);
  const text = operands.map((k) => line.operand(k)).join(',');
  return (text === '' ? mnemonic : `${mnemonic}\t${text}`) + line.comment();
}

/** How objdump shows data: a `.word` directive with the value. */
function dataWord(w: number): string {
  return `.word\t0x${w.toString(16).padStart(WORD_HEX_DIGITS, '0')}`;
}

function objdumpCanPrint(spec: InstructionSpec, w: number): boolean {
  if (spec.op === Op.FENCE) return (w & FENCE_RESERVED_MASK) === 0;
  if (spec.op === Op.FENCE_I) return (w & FENCE_I_RESERVED_MASK) === 0;
  return true;
}

function firstMatch(rules: readonly AliasRule[] | undefined, w: number): AliasRule | undefined {
  return rules?.find((r) => ((w & r.mask) >>> 0) === r.match);
}

/** Atomics carry their memory-ordering bits in the mnemonic: `amoadd.w.aqrl`. */
function orderingSuffix(spec: InstructionSpec, w: number): string {
  if (spec.format !== 'AMO' && spec.format !== 'LR') return '';
  const bits = (w & AMO_AQ ? 'aq' : '') + (w & AMO_RL ? 'rl' : '');
  return bits === '' ? '' : `.${bits}`;
}

/** Hex as objdump prints addresses: unsigned 32-bit, no prefix, no leading zeros. */
function address(addr: number): string {
  return (addr >>> 0).toString(16);
}

/** One line being printed: operand formatting plus the `# address` note objdump appends. */
class Line {
  /** An address objdump would note after the operands, once known. */
  private noted: number | undefined;

  constructor(
    private readonly spec: InstructionSpec,
    private readonly w: number,
    private readonly pc: number,
    private readonly symbolize: ((addr: number) => string | undefined) | undefined,
  ) {}

  operand(kind: OperandKind): string {
    const w = this.w;
    switch (kind) {
      case 'rd':
        return reg(rdOf(w));
      case 'rs1':
        // objdump notes the jump target of `jr`/`jalr` through x0 or tp.
        if (this.spec.op === Op.JALR) this.noteBase(rs1Of(w), 0);
        return reg(rs1Of(w));
      case 'rs2':
        return reg(rs2Of(w));
      case 'imm': {
        const imm = immI(w);
        // addi's immediate is an address offset to objdump (the `la`/TLS idiom) unless the
        // base is x0, where it is `li`'s constant.
        if (this.spec.op === Op.ADDI && rs1Of(w) !== X0) this.noteBase(rs1Of(w), imm);
        return String(imm);
      }
      case 'shamt':
        return `0x${rs2Of(w).toString(16)}`;
      case 'uimm20':
        return `0x${(immU(w) >>> U_IMM_SHIFT).toString(16)}`;
      case 'mem': {
        const offset = this.spec.format === 'S' ? immS(w) : immI(w);
        this.noteBase(rs1Of(w), offset);
        return `${offset}(${reg(rs1Of(w))})`;
      }
      case 'amem':
        return `(${reg(rs1Of(w))})`;
      case 'target':
        return this.label(this.pc + (this.spec.format === 'B' ? immB(w) : immJ(w)));
      case 'csr': {
        const csr = csrOf(w);
        return CSR_NAMES.get(csr) ?? `0x${csr.toString(16)}`;
      }
      case 'zimm':
        return String(rs1Of(w) & ZIMM_MASK);
      case 'pred':
        return fenceSet((w >>> FENCE_PRED_SHIFT) & FENCE_SET_MASK);
      case 'succ':
        return fenceSet((w >>> FENCE_SUCC_SHIFT) & FENCE_SET_MASK);
      default: {
        const never: never = kind;
        throw new Error(`disassembler: unknown operand kind ${String(never)}`);
      }
    }
  }

  /** ` # addr <sym>` when an operand produced a known address, else ''. */
  comment(): string {
    return this.noted === undefined ? '' : ` # ${this.label(this.noted)}`;
  }

  private noteBase(base: number, offset: number): void {
    if (base === X0 || base === TP) this.noted = offset;
  }

  private label(addr: number): string {
    const sym = this.symbolize?.(addr >>> 0);
    return sym === undefined ? address(addr) : `${address(addr)} <${sym}>`;
  }
}

function reg(n: number): string {
  return ABI_REGISTER_NAMES[n] ?? `x${n}`;
}

/** A fence ordering set as objdump prints it: letters of iorw, or `unknown` when empty. */
function fenceSet(bits: number): string {
  const s = FENCE_SET_LETTERS.filter(([bit]) => bits & bit).map(([, l]) => l).join('');
  return s === '' ? 'unknown' : s;
}

/**
 * A `symbolize` function that names addresses as objdump does: after the nearest symbol at or
 * below the address, `label` or `label+0x10`; undefined below every symbol. When several
 * symbols share an address the first given wins.
 */
export function nearestSymbol(
  symbols: Iterable<{ readonly name: string; readonly value: number }>,
): (addr: number) => string | undefined {
  const sorted: { name: string; value: number }[] = [];
  const seen = new Set<number>();
  for (const s of symbols) {
    const value = s.value >>> 0;
    if (seen.has(value)) continue;
    seen.add(value);
    sorted.push({ name: s.name, value });
  }
  sorted.sort((a, b) => a.value - b.value);
  return (addr) => {
    const a = addr >>> 0;
    // Binary search for the last symbol with value <= a.
    let lo = 0;
    let hi = sorted.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if ((sorted[mid] as { value: number }).value <= a) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    const sym = sorted[found];
    if (sym === undefined) return undefined;
    const offset = a - sym.value;
    return offset === 0 ? sym.name : `${sym.name}+0x${offset.toString(16)}`;
  };
}
