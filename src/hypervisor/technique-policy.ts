/**
 * What a virtualization technique plugs into the one vCPU core (vcpu.ts): how the guest is set
 * up on the hart, how traps reach it, how its interrupts are delivered, and the handlers of the
 * exits only this technique takes. The core owns everything else — the run loop, charging,
 * counting, observing, the trap-loop guard — so a new technique writes a policy, never a loop.
 *
 *   trap-emulate/trap-emulate.ts   the guest in real U-mode: virtual CSRs, shadow paging,
 *                                  software trap delivery (with the PV interface: paravirt)
 *   hw/hw-assist.ts                the guest in VS/VU-mode on the H extension: nested or
 *                                  shadow paging, injection through the hart's VS path
 */
import type { PrivLevel } from '../isa/csr.js';
import type { MachineTiming } from '../machine/hart.js';
import type { CostPreset } from './cost-model.js';
import type { ExitContext } from './exit-context.js';
import type { Exit, ExitKind } from './exits.js';

/** The exits a technique handles itself; the core handles `exception` (deliver it to the
 *  guest) and `interrupt` (count it) the same way for all. */
export type TechniqueExit = Exclude<Exit, { reason: 'exception' } | { reason: 'interrupt' }>;

export interface TechniquePolicy {
  /** What delivering a trap costs (cost-table.ts): `reflect` when the hypervisor performs the
   *  trap in software, `inject` when the hart's VS entry performs it. */
  readonly delivery: 'reflect' | 'inject';
  /** Whether a virtual interrupt line changing while the guest runs needs an exit (the
   *  hypervisor delivers it) or not (the hardware injects it). */
  readonly interruptsExit: boolean;
  /** Power-on state beyond the hart's reset and the boot arguments. */
  reset(): void;
  /** The guest's privilege now: its virtual one, or the hart's (VS/VU seen as S/U). */
  guestLevel(): PrivLevel;
  /** The guest privilege that instructions retired at hart privilege `priv` ran at. */
  guestLevelOfHart(priv: PrivLevel): PrivLevel;
  /** Before each entry into the guest: deliver what is pending, store what the guest reads. */
  enter(): void;
  /** After the hart hands control back, before the exit is looked at: load what the guest
   *  wrote. */
  leave(): void;
  /** Perform a trap into the guest kernel (Vcpu.deliver charges it and guards against loops). */
  deliverTrap(cause: number, tval: number, epc: number): void;
  /** The technique's own exits, one handler per reason, each returning what it turned out to be. */
  handle(exit: TechniqueExit): ExitKind;
  /** The VM's supervisor interrupt lines are now `lines`; `raised` are the bits that rose. */
  linesChanged(lines: number, raised: number): void;
  /** The instruction at guest-virtual `pc` through the guest's translation (traces). */
  instructionAt(pc: number): number | undefined;
  /** The function number of the last hypercall served, or -1 (traces). */
  lastHypercall(): number;
}

/** How a technique is put on a vCPU: the hart's timing, then the policy over the core. */
export interface PolicyFactory {
  /** The hart's own costs (trap entry and return, page-walk references) under this technique:
   *  what the hardware charges by itself rather than the hypervisor. */
  timing(preset: CostPreset): MachineTiming;
  create(ctx: ExitContext): TechniquePolicy;
}

/** An exit a technique cannot take (its hart never produces it): a model error, which stops
 *  the VM with this message rather than being handled as something else. */
export function impossibleExit(exit: Exit, technique: string): never {
  throw new Error(`${exit.reason} exit under ${technique}: the hart cannot produce it`);
}
