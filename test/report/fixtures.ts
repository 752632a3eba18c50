/** Plausible chart data, shaped like what the runner will produce. */
import type { BatchingRow, BreakdownRow, ExitsRow, HostTimeRow, SensitivityRow, SlowdownRow, ThroughputRow } from '../../src/report/charts/index.js';

export const WORKLOADS = ['getpid', 'ctxsw', 'fork-exec', 'page-touch', 'blk-read'];

export const SLOWDOWN: SlowdownRow[] = WORKLOADS.flatMap((w, i) => [
  { workload: w, technique: 'native', slowdown: 1 },
  { workload: w, technique: 'trap-emulate', slowdown: [4.2, 9.8, 31, 180, 12][i]! },
  { workload: w, technique: 'paravirt', slowdown: [1.3, 1.9, 2.7, 3.1, 1.6][i]! },
]);

export const EXITS: ExitsRow[] = [
  { workload: 'getpid', technique: 'native', exitsPerOp: {} },
  { workload: 'getpid', technique: 'trap-emulate', exitsPerOp: { 'csr': 6, 'sret': 1, 'reflect-syscall': 1 } },
  { workload: 'getpid', technique: 'paravirt', exitsPerOp: { 'reflect-syscall': 1, 'hypercall': 1 } },
  { workload: 'fork-exec', technique: 'trap-emulate', exitsPerOp: { 'csr': 40, 'sret': 12, 'sfence': 9, 'shadow-fill': 60, 'reflect-page-fault': 25, 'reflect-syscall': 6 } },
  { workload: 'fork-exec', technique: 'paravirt', exitsPerOp: { 'hypercall': 14, 'reflect-page-fault': 25, 'reflect-syscall': 6, 'shadow-fill': 3 } },
  { workload: 'blk-read', technique: 'trap-emulate', exitsPerOp: { 'mmio': 8, 'interrupt': 1, 'csr': 4, 'sret': 1, 'wfi': 1 } },
  { workload: 'blk-read', technique: 'paravirt', exitsPerOp: { 'hypercall': 1, 'interrupt': 1, 'sbi': 1 } },
];

export const BREAKDOWN: BreakdownRow[] = [
  { workload: 'getpid', technique: 'native', cyclesPerOp: { guestUser: 20, guestKernel: 110 } },
  { workload: 'getpid', technique: 'trap-emulate', cyclesPerOp: { guestUser: 20, guestKernel: 110, worldSwitch: 8 * 937, emulation: 8 * 60 } },
  { workload: 'getpid', technique: 'paravirt', cyclesPerOp: { guestUser: 20, guestKernel: 100, worldSwitch: 937, hypercalls: 80 } },
  { workload: 'page-touch', technique: 'native', cyclesPerOp: { guestUser: 40, guestKernel: 900 } },
  { workload: 'page-touch', technique: 'trap-emulate', cyclesPerOp: { guestUser: 40, guestKernel: 900, worldSwitch: 30 * 937, emulation: 2000, shadowPaging: 9000 } },
  { workload: 'page-touch', technique: 'paravirt', cyclesPerOp: { guestUser: 40, guestKernel: 880, worldSwitch: 2 * 937, hypercalls: 400, sbi: 120, devices: 50, idle: 300 } },
];

export const SENSITIVITY: SensitivityRow[] = ['getpid', 'fork-exec', 'page-touch'].flatMap((w, i) =>
  [100, 250, 500, 1000, 2000, 4000].flatMap((c) => [
    { workload: w, technique: 'trap-emulate', exitCycles: c, slowdown: 1 + c * [0.006, 0.02, 0.09][i]! },
    { workload: w, technique: 'paravirt', exitCycles: c, slowdown: 1 + c * [0.0008, 0.001, 0.002][i]! },
  ]));

export const BATCHING: BatchingRow[] = [1, 2, 4, 8, 16, 32, 64, 128, 256].flatMap((b) => [
  { series: 'page-table updates (per page)', batchSize: b, costPerItem: 120 + 1500 / b },
  { series: 'block I/O (per request)', batchSize: b, costPerItem: 400 + 2400 / b },
]);

export const THROUGHPUT: ThroughputRow[] = [
  { run: 'pv + te', vm: 'vm0', technique: 'paravirt', throughput: 410 },
  { run: 'pv + te', vm: 'vm1', technique: 'trap-emulate', throughput: 95 },
  { run: 'pv + pv', vm: 'vm0', technique: 'paravirt', throughput: 300 },
  { run: 'pv + pv', vm: 'vm1', technique: 'paravirt', throughput: 298 },
  { run: 'te + te + pv', vm: 'vm0', technique: 'trap-emulate', throughput: 70 },
  { run: 'te + te + pv', vm: 'vm1', technique: 'trap-emulate', throughput: 71 },
  { run: 'te + te + pv', vm: 'vm2', technique: 'paravirt', throughput: 260 },
];

export const HOST_TIME: HostTimeRow[] = [
  { operation: 'add (native)', kind: 'native', ns: 9 },
  { operation: 'csrr sstatus (native)', kind: 'native', ns: 14 },
  { operation: 'csrr sstatus (trapped)', kind: 'trapped', ns: 410 },
  { operation: 'sfence.vma (trapped)', kind: 'trapped', ns: 2600 },
  { operation: 'HC_MMU_UPDATE', kind: 'hypercall', ns: 520 },
  { operation: 'HC_MULTICALL ×8', kind: 'hypercall', ns: 1900 },
];
