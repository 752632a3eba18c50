/**
 * The counters every guest run reports, and arithmetic on them. Simulated quantities only, so
 * two runs of the same configuration give identical counters.
 */

export interface RunCounters {
  /** Retired instructions by where they ran: firmware (M), kernel (S), user (U). */
  instructions: { total: number; firmware: number; kernel: number; user: number };
  /** Simulated cycles, including idle time in WFI. */
  cycles: number;
  idleCycles: number;
  /** Traps taken, by cause name (causeName()). */
  traps: Record<string, number>;
  /** TLB misses (page-table walks) and page-table entries read by them. */
  tlbMisses: number;
  pteReads: number;
  /** VM exits (0 on the bare machine). */
  exits: number;
}

/** a − b, field by field (trap causes missing on one side count as 0). */
export function subtractCounters(a: RunCounters, b: RunCounters): RunCounters {
  const traps: Record<string, number> = {};
  for (const k of new Set([...Object.keys(a.traps), ...Object.keys(b.traps)])) {
    traps[k] = (a.traps[k] ?? 0) - (b.traps[k] ?? 0);
  }
  return {
    instructions: {
      total: a.instructions.total - b.instructions.total,
      firmware: a.instructions.firmware - b.instructions.firmware,
      kernel: a.instructions.kernel - b.instructions.kernel,
      user: a.instructions.user - b.instructions.user,
    },
    cycles: a.cycles - b.cycles,
    idleCycles: a.idleCycles - b.idleCycles,
    traps,
    tlbMisses: a.tlbMisses - b.tlbMisses,
    pteReads: a.pteReads - b.pteReads,
    exits: a.exits - b.exits,
  };
}

/** Every field divided by n (per-operation figures; fractional where the work is). */
export function scaleCounters(c: RunCounters, n: number): RunCounters {
  const traps: Record<string, number> = {};
  for (const [k, v] of Object.entries(c.traps)) traps[k] = v / n;
  return {
    instructions: {
      total: c.instructions.total / n,
      firmware: c.instructions.firmware / n,
      kernel: c.instructions.kernel / n,
      user: c.instructions.user / n,
    },
    cycles: c.cycles / n,
    idleCycles: c.idleCycles / n,
    traps,
    tlbMisses: c.tlbMisses / n,
    pteReads: c.pteReads / n,
    exits: c.exits / n,
  };
}
