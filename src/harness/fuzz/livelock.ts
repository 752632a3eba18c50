/**
 * The fuzzer's livelock detector, on simulated progress only. A guest makes progress when an
 * instruction of it completes — retired by the hart, or emulated by the hypervisor (a CSR
 * access, sret, a fence, wfi, an SBI call or hypercall, a device access, a page-table write) —
 * or when it spends time waiting for an event. Fills, deliveries and interrupt exits alone are
 * not progress: a VM that takes LIVELOCK_EXITS exits in a row without any is livelocked, and
 * the hypervisor should have stopped it long before (its trap-loop guard after 64 deliveries,
 * its no-progress guard after GUEST_STUCK_EXITS exits at one pc). The detector only watches;
 * the run's exit bound ends such a run either way.
 *
 * It is deliberately not the hypervisor's own rule (same pc, nothing retired): it looks at
 * what the exits were, not where the guest resumed, so a blind spot of the guard is not one of
 * the detector's.
 */
import { GUEST_STUCK_EXITS } from '../../hypervisor/progress-guard.js';
import type { Exit, ExitKind } from '../../hypervisor/exits.js';
import type { VcpuView } from '../../hypervisor/vm-host.js';

/** Four times the hypervisor's own limit: the guards must have acted by then. */
export const LIVELOCK_EXITS = 4 * GUEST_STUCK_EXITS;

/** Exits that complete the guest instruction that trapped. */
const COMPLETING: ReadonlySet<ExitKind> = new Set<ExitKind>(['csr', 'sret', 'sfence', 'wfi', 'sbi', 'hypercall', 'mmio', 'pte-write']);

export interface Livelock {
  /** Where the guest was at the exit that made LIVELOCK_EXITS. */
  pc: number;
  kind: ExitKind;
}

export class LivelockDetector {
  found: Livelock | null = null;
  private retired = -1;
  private idle = -1;
  private without = 0;

  /** An ExitObserver: look at the vCPU after each exit. */
  readonly observe = (_exit: Exit, kind: ExitKind, vcpu: VcpuView): void => {
    const hart = vcpu.hart;
    if (COMPLETING.has(kind) || hart.retired !== this.retired || hart.idleCycles !== this.idle) {
      this.retired = hart.retired;
      this.idle = hart.idleCycles;
      this.without = 0;
      return;
    }
    if (++this.without === LIVELOCK_EXITS && this.found === null) this.found = { pc: hart.pc >>> 0, kind };
  };
}
