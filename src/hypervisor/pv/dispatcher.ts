/**
 * The one hypercall dispatcher (docs/pv-abi.md): an `ecall` from the guest kernel with
 * a7 = PV_EXT, a6 = function, a0..a5 = arguments becomes a call of the handler registered for
 * that function in the ABI table (src/abi/hypercalls.ts); a0 = error, a1 = value, pc += 4.
 * Each back-end registers a table of handlers by ABI name — the paravirt technique all of them
 * (trap-emulate/paravirt.ts), PV I/O under hardware assist the events and io parts (hw/pvio.ts) — and
 * `handlerCoverage` checks at load that a table covers exactly the parts it serves.
 */
import { HYPERCALL_BY_NAME, HYPERCALLS, type HypercallPart, type HypercallSpec } from '../../abi/hypercalls.js';
import { SBI_ERR } from '../../abi/sbi.js';
import { Cause } from '../../isa/causes.js';
import { XREG } from '../../isa/registers.js';
import type { ExitContext } from '../exit-context.js';
import type { ExitKind } from '../exits.js';
import { fail, NO_RETURN, type HcOutcome } from './hypercall-result.js';

/** A hypercall's arguments, a0..a5 (unsigned): the exit's (a Uint32Array refilled at every
 *  exit) or one MULTICALL entry's. */
export type HypercallArgs = ArrayLike<number>;
/** One hypercall's handler on a back-end `T`. */
export type HypercallHandler<T> = (backend: T, args: HypercallArgs) => HcOutcome;
/** Handlers by ABI name. */
export type HandlerTable<T> = Readonly<Record<string, HypercallHandler<T>>>;

const ARG_REGS = [XREG.a0, XREG.a1, XREG.a2, XREG.a3, XREG.a4, XREG.a5] as const;

// Module-level copies of imported constants used at every hypercall: an imported binding is a
// cell load with a hole check at each use, and an imported object's field one more load, which
// V8 does not fold into a constant (see Hart's copies).
const A0 = XREG.a0;
/** The arguments are the registers a0..a5, in a row (checked at load). */
const FIRST_ARG = XREG.a0;
const ARG_COUNT = ARG_REGS.length;
if (ARG_REGS.some((r, i) => r !== FIRST_ARG + i)) throw new Error('hypercall argument registers a0..a5 are not consecutive');
const A1 = XREG.a1;
const A6 = XREG.a6;
const ECALL_FROM_S = Cause.EnvironmentCallFromS;
const DOES_NOT_RETURN: typeof NO_RETURN = NO_RETURN;

/** A registered handler with its ABI entry. */
interface Registered<T> {
  readonly spec: HypercallSpec;
  readonly handler: HypercallHandler<T>;
}

export class HypercallDispatcher<T> {
  /** Function number of the last hypercall an exit made (traces: TRAP_RETURN changes a6 and
   *  a7, so they cannot tell afterwards). */
  lastCall = -1;
  /** By function number (the ABI's numbers are small): an array index, not a hash lookup. */
  private readonly handlers: (Registered<T> | undefined)[] = [];
  /** An exit's arguments, refilled at every exit: a handler reads them before it returns. A
   *  Uint32Array: a store makes the register unsigned, and a value past 2^30 is no heap number
   *  (which an array of numbers would allocate for it at every exit). */
  private readonly args = new Uint32Array(ARG_REGS.length);

  /** `afterCall` runs after every call (pvio: the event line follows the events word). */
  constructor(private readonly ctx: ExitContext, private readonly backend: T, table: HandlerTable<T>, private readonly afterCall?: () => void) {
    for (const [name, handler] of Object.entries(table)) {
      const spec = HYPERCALL_BY_NAME.get(name);
      if (!spec) throw new Error(`hypercall handler for ${name}, which src/abi/hypercalls.ts does not define`);
      this.handlers[spec.number] = { spec, handler };
    }
  }

  /** The ecall exit: one hypercall, its result in a0/a1, pc past the ecall unless it does not
   *  return. */
  serve(): ExitKind {
    const ctx = this.ctx;
    const x = ctx.hart.x;
    const fn = (x[A6] as number) >>> 0;
    this.lastCall = fn;
    const args = this.args;
    for (let i = 0; i < ARG_COUNT; i++) args[i] = x[FIRST_ARG + i] as number;
    // Natively an ecall from S is a trap into the firmware; count it the same way.
    ctx.host.accounting.countGuestTrap(ECALL_FROM_S);
    const r = this.call(fn, args, false);
    if (r !== DOES_NOT_RETURN) {
      x[A0] = r.error | 0;
      x[A1] = r.value | 0;
      ctx.hart.pc = (ctx.hart.pc + 4) | 0;
    }
    return 'hypercall';
  }

  /** One call — by an exit, or one of a MULTICALL's (`inner`): dispatch cost, count, handler. */
  call(fn: number, args: HypercallArgs, inner: boolean): HcOutcome {
    this.ctx.charge('hypercall');
    this.ctx.host.accounting.countHypercall(fn);
    const r = this.invoke(fn, args, inner);
    this.afterCall?.();
    return r;
  }

  private invoke(fn: number, args: HypercallArgs, inner: boolean): HcOutcome {
    const registered = fn < this.handlers.length ? this.handlers[fn] : undefined;
    if (registered === undefined) return fail(SBI_ERR.NOT_SUPPORTED);
    if (inner && !registered.spec.inMulticall) return fail(SBI_ERR.INVALID_PARAM);
    return registered.handler(this.backend, args);
  }
}

/** Which hypercalls of `parts` a table lacks, and which names it has beyond them. */
export function handlerCoverage(table: Readonly<Record<string, unknown>>, parts: readonly HypercallPart[]): { missing: string[]; extra: string[] } {
  const wanted = HYPERCALLS.filter((h) => parts.includes(h.part)).map((h) => h.name);
  return {
    missing: wanted.filter((name) => table[name] === undefined),
    extra: Object.keys(table).filter((name) => !wanted.includes(name)),
  };
}

/** At load: a back-end's table covers exactly the parts it serves. */
export function assertCoverage(backend: string, table: Readonly<Record<string, unknown>>, parts: readonly HypercallPart[]): void {
  const { missing, extra } = handlerCoverage(table, parts);
  if (missing.length > 0 || extra.length > 0) {
    throw new Error(`${backend} hypercall handlers out of step with src/abi/hypercalls.ts: missing ${missing.join(', ') || '-'}, extra ${extra.join(', ') || '-'}`);
  }
}
