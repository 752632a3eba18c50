/**
 * The workload catalog: the user programs of guests/user/, what each measures, its parameters,
 * and — for every parameter setting — the exact result line the guest must print, computed
 * here in TypeScript. A run of any technique is correct when its console holds that line, so
 * correctness never needs a second technique to compare with.
 *
 * Every workload follows the same shape (see docs/workloads.md): parameters are `.globl` words
 * in the program's .data that the image builder patches by symbol; `iterations` counts the
 * measured operations, and the per-operation cost is (counters with N − counters with 0) / N,
 * so a run with iterations = 0 does all the same setup and prints the same kind of line; the
 * program ends with exit(0) after printing
 *
 *     result <name> <param>=<value> ... checksum=0x<8 hex digits>
 *
 * (parameters in catalog order) or exit(1) after a line starting `FAIL <name>:`.
 *
 *   import { WORKLOADS, workloadByName } from './workloads.js';
 *   const w = workloadByName('null-syscall');
 *   w.expected({ iterations: 1000 });   // 'result null-syscall iterations=1000 checksum=0x…'
 */
import { didYouMean } from '../util/suggest.js';
import { PAGE_SHIFT } from '../isa/csr.js';
import { GUEST_LAYOUT, USER_EXIT, USER_FD } from '../abi/user-abi.js';
import { VIRTIO_BLK_SECTOR_SIZE } from '../machine/devices/virtio-blk.js';

/** Values of a workload's parameters by name. */
export type WorkloadParams = Readonly<Record<string, number>>;

export interface WorkloadParam {
  readonly name: string;
  readonly default: number;
  readonly doc: string;
  /** Smallest and largest value the program accepts (inclusive). */
  readonly min: number;
  readonly max: number;
}

export interface Workload {
  readonly name: string;
  /** Source file, relative to guests/. */
  readonly source: string;
  /** One line: what it measures. */
  readonly description: string;
  /** What one operation is: the unit of the per-operation cost. */
  readonly operation: string;
  /** The parameter that counts operations; the measurement runs it at N and at 0. Always `iterations`. */
  readonly iterationParam: 'iterations';
  /** In catalog order, which is also the order they appear in the result line. */
  readonly params: readonly WorkloadParam[];
  /** Smaller events one operation consists of (e.g. 2 context switches per round trip). */
  readonly unit: { readonly name: string; perOperation(params: WorkloadParams): number };
  /** The disk the workload needs (virtio-blk in slot 0), or null. */
  readonly disk: { bytes(params: WorkloadParams): number } | null;
  /** The published benchmark(s) it mirrors. */
  readonly mirrors: string;
  /** The result line (without newline) the guest must print with these parameters. */
  expected(params?: Partial<WorkloadParams>): string;
  /** Everything the workload writes to the console (the kernel may print around it). */
  expectedOutput(params?: Partial<WorkloadParams>): string;
}

export class WorkloadError extends Error {}

// ---- the user ABI facts the workloads rely on (src/abi/user-abi.ts; a test checks the guest) --

export const USER_ABI = {
  /** The first process (the workload) has this pid. */
  FIRST_PID: 1,
  FD_STDOUT: USER_FD.STDOUT,
  EXIT_STATUS_MASK: USER_EXIT.STATUS_MASK,
  SECTOR_SIZE: VIRTIO_BLK_SECTOR_SIZE,
  USER_MMAP_BASE: GUEST_LAYOUT.USER_MMAP_BASE,
  USER_MMAP_SIZE: GUEST_LAYOUT.USER_MMAP_SIZE,
} as const;

// ---- the checksum and generators, exactly as guests/user/lib/macros.S and the programs ------

export const FNV_OFFSET_BASIS = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;
const GOLDEN_RATIO_32 = 0x9e3779b9;
const XORSHIFT_SEED = 2463534242;
const U32_MAX = 0xffff_ffff;

/** The workloads' running checksum: hash = (hash ^ word) * FNV_PRIME (mod 2^32). */
export class Checksum {
  value = FNV_OFFSET_BASIS;

  fold(word: number): this {
    this.value = Math.imul((this.value ^ word) >>> 0, FNV_PRIME) >>> 0;
    return this;
  }

  hex(): string {
    return `0x${this.value.toString(16).padStart(8, '0')}`;
  }
}

/** One step of Marsaglia's xorshift32 with shifts (13, 17, 5). */
function xorshift32(x: number): number {
  x = (x ^ (x << 13)) >>> 0;
  x = (x ^ (x >>> 17)) >>> 0;
  return (x ^ (x << 5)) >>> 0;
}

/** (a * b) mod 2^32. */
const mul32 = (a: number, b: number): number => Math.imul(a, b) >>> 0;

// ---- the catalog --------------------------------------------------------------------------

const ITERATIONS = (def: number, what: string): WorkloadParam => ({
  name: 'iterations', default: def, doc: `number of operations: ${what}`, min: 0, max: U32_MAX,
});

interface Definition {
  name: string;
  description: string;
  operation: string;
  params: WorkloadParam[];
  unit: Workload['unit'];
  disk: Workload['disk'];
  mirrors: string;
  /** The checksum of a run with fully resolved parameters. */
  checksum(p: WorkloadParams): Checksum;
  /** Console output before the result line (default none). */
  preamble?(p: WorkloadParams): string;
}

const CONSOLE_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/';
const CONSOLE_MAX_BYTES = 4096;
const BLOCK_MAX_SECTORS = 256;
const BLOCK_STAMP_SHIFT = 16;
const COMPUTE_TABLE_WORDS = 2048;
const FORK_STATUS_MUL = 13;
const FORK_STATUS_ADD = 7;
/** tlb-walk's limit on `pages` (TLB_WALK_MAX_PAGES in guests/user/tlb-walk.S): 16 MiB. */
const TLB_WALK_MAX_PAGES = 4096;

const n = (p: WorkloadParams, name: string): number => p[name] as number;

/** Digits of a parameter in a result line: always 10, zero-padded (the runtime's put_dec), so
 *  the line's length does not depend on N (docs/workloads.md, "Measuring by difference"). */
const RESULT_DIGITS = 10;
export const resultNumber = (v: number): string => String(v >>> 0).padStart(RESULT_DIGITS, '0');

const DEFINITIONS: Definition[] = [
  {
    name: 'null-syscall',
    description: 'the cheapest system call: getpid() in a loop',
    operation: 'one getpid() system call',
    params: [ITERATIONS(1000, 'getpid calls')],
    unit: { name: 'system call', perOperation: () => 1 },
    disk: null,
    mirrors: 'lmbench lat_syscall null (McVoy & Staelin 1996); "syscall" in Adams & Agesen (ASPLOS 2006)',
    checksum: (p) => {
      const h = new Checksum();
      // N measured calls and the warm-up pass before them.
      for (let i = 0; i <= n(p, 'iterations'); i++) h.fold(USER_ABI.FIRST_PID);
      return h;
    },
  },
  {
    name: 'context-switch',
    description: 'switching between two processes (fork, then both yield in turn)',
    operation: 'one round trip: parent yields to child, child yields back (2 context switches)',
    params: [ITERATIONS(1000, 'yield() calls made by each of the two processes')],
    unit: { name: 'context switch', perOperation: () => 2 },
    disk: null,
    mirrors: 'lmbench lat_ctx with 2 processes (McVoy & Staelin 1996); context-switch times in Barham et al. (SOSP 2003)',
    checksum: (p) => {
      const parent = new Checksum();
      const child = new Checksum();
      for (let i = 0; i < n(p, 'iterations'); i++) {
        parent.fold(0);
        child.fold(0);
      }
      return parent.fold(child.value & USER_ABI.EXIT_STATUS_MASK);
    },
  },
  {
    name: 'page-fault',
    description: 'demand-zero page faults: grow the heap with sbrk, then one store per fresh page',
    operation: 'the first store to one fresh heap page (one page fault)',
    params: [ITERATIONS(256, 'fresh heap pages touched')],
    unit: { name: 'page fault', perOperation: () => 1 },
    disk: null,
    mirrors: 'lmbench lat_pagefault (McVoy & Staelin 1996); "pgfault" in Adams & Agesen (ASPLOS 2006)',
    checksum: (p) => {
      const h = new Checksum();
      let v = 0;
      for (let i = 0; i < n(p, 'iterations'); i++) {
        v = (v + GOLDEN_RATIO_32) >>> 0;
        h.fold(v);
      }
      return h;
    },
  },
  {
    name: 'mmap',
    description: 'page-table updates: mmap pages, touch each, munmap them',
    operation: 'mmap of `pages` pages, one load and one store per page, munmap of them',
    params: [
      ITERATIONS(200, 'map/touch/unmap rounds'),
      { name: 'pages', default: 4, doc: 'pages mapped per round', min: 1, max: USER_ABI.USER_MMAP_SIZE >>> PAGE_SHIFT },
    ],
    unit: { name: 'page mapped and unmapped', perOperation: (p) => n(p, 'pages') },
    disk: null,
    mirrors: 'lmbench lat_mmap (McVoy & Staelin 1996); "ptemod" in Adams & Agesen (ASPLOS 2006); Xen mmu_update batching (Barham et al., SOSP 2003)',
    checksum: (p) => {
      const h = new Checksum();
      let v = 0;
      for (let i = 0; i < n(p, 'iterations') * n(p, 'pages'); i++) {
        v = (v + GOLDEN_RATIO_32) >>> 0;
        h.fold(v);
      }
      return h;
    },
  },
  {
    name: 'fork',
    description: 'address-space creation: fork, the child exits, the parent waits',
    operation: 'one fork() + exit() in the child + wait() in the parent',
    params: [ITERATIONS(100, 'children created one after another')],
    unit: { name: 'process created and reaped', perOperation: () => 1 },
    disk: null,
    mirrors: 'lmbench lat_proc fork (McVoy & Staelin 1996); fork in Barham et al. (SOSP 2003)',
    checksum: (p) => {
      const h = new Checksum();
      for (let i = 0; i < n(p, 'iterations'); i++) {
        h.fold((mul32(i, FORK_STATUS_MUL) + FORK_STATUS_ADD) & USER_ABI.EXIT_STATUS_MASK);
      }
      return h;
    },
  },
  {
    name: 'console',
    description: 'console output: write() of a buffer to the console',
    operation: 'one write() of `bytes` bytes to the console',
    params: [
      ITERATIONS(100, 'write() calls'),
      { name: 'bytes', default: 64, doc: 'bytes per write', min: 1, max: CONSOLE_MAX_BYTES },
    ],
    unit: { name: 'byte written', perOperation: (p) => n(p, 'bytes') },
    disk: null,
    mirrors: 'the console ring of Barham et al. (SOSP 2003); the "in" I/O-exit nanobenchmark of Adams & Agesen (ASPLOS 2006)',
    checksum: (p) => {
      const h = new Checksum();
      for (let i = 0; i < n(p, 'iterations'); i++) h.fold(n(p, 'bytes'));
      return h;
    },
    preamble: (p) => {
      let payload = '';
      for (let k = 0; k < n(p, 'bytes'); k++) payload += CONSOLE_ALPHABET[k % CONSOLE_ALPHABET.length];
      // One warm-up write before the measured ones (console.S), then one per operation.
      return `${payload.repeat(n(p, 'iterations') + 1)}\n`;
    },
  },
  {
    name: 'block-io',
    description: 'disk I/O: write sectors with blkwrite, read them back with blkread',
    operation: 'one blkwrite of `sectors` sectors, then one blkread of them',
    params: [
      ITERATIONS(16, 'write + read-back rounds'),
      { name: 'sectors', default: 8, doc: 'sectors per request (the disk holds exactly that many)', min: 1, max: BLOCK_MAX_SECTORS },
    ],
    unit: { name: 'sector transferred', perOperation: (p) => 2 * n(p, 'sectors') },
    disk: { bytes: (p) => Math.max(1, n(p, 'sectors')) * USER_ABI.SECTOR_SIZE },
    mirrors: 'the I/O rings of Barham et al. (SOSP 2003); device-exit costs in Adams & Agesen (ASPLOS 2006)',
    checksum: (p) => {
      const h = new Checksum();
      const wordsPerSector = USER_ABI.SECTOR_SIZE / 4;
      for (let i = 0; i < n(p, 'iterations'); i++) {
        for (let j = 0; j < n(p, 'sectors'); j++) {
          h.fold(((i << BLOCK_STAMP_SHIFT) + j) >>> 0);
          h.fold(mul32(j * wordsPerSector + 2, GOLDEN_RATIO_32)); // word j*128+1 is (w+1)*G
        }
      }
      return h;
    },
  },
  {
    name: 'compute',
    description: 'pure computation that never enters the kernel (xorshift32 and a table in memory)',
    operation: 'one step: x = xorshift32(x); table[x mod 2048] += x; fold that word',
    params: [ITERATIONS(100_000, 'computation steps')],
    unit: { name: 'step', perOperation: () => 1 },
    disk: null,
    mirrors: 'the SPEC INT bars of Barham et al. (SOSP 2003, Figure 3): user code runs at native speed',
    checksum: (p) => {
      const h = new Checksum();
      const table = new Uint32Array(COMPUTE_TABLE_WORDS);
      let x = XORSHIFT_SEED;
      for (let i = 0; i < n(p, 'iterations'); i++) {
        x = xorshift32(x);
        const at = x & (COMPUTE_TABLE_WORDS - 1);
        table[at] = ((table[at] as number) + x) >>> 0;
        h.fold(table[at] as number);
      }
      return h;
    },
  },
  {
    name: 'timer',
    description: 'timer-interrupt load: register-only compute long enough to take many scheduler ticks',
    operation: 'one chunk of `chunk` xorshift32 steps, including the timer interrupts that land in it',
    params: [
      ITERATIONS(100, 'chunks'),
      { name: 'chunk', default: 100_000, doc: 'xorshift32 steps per chunk (about 9 instructions each)', min: 0, max: U32_MAX },
    ],
    unit: { name: 'xorshift step', perOperation: (p) => n(p, 'chunk') },
    disk: null,
    mirrors: 'clock-interrupt virtualization costs (Adams & Agesen, ASPLOS 2006; Barham et al., SOSP 2003)',
    checksum: (p) => {
      const h = new Checksum();
      let x = XORSHIFT_SEED;
      let sum = 0;
      const chunk = n(p, 'chunk');
      for (let i = 0; i < n(p, 'iterations'); i++) {
        for (let k = 0; k < chunk; k++) {
          x = xorshift32(x);
          sum = (sum + x) >>> 0;
        }
        h.fold(sum);
      }
      return h;
    },
  },
  {
    name: 'tlb-walk',
    description: 'TLB misses: sweep one word in each of `pages` pages (more pages than the TLB holds), no kernel entry',
    operation: 'one sweep: one load from each of the `pages` pages, folded (one TLB miss per page when pages >= 512)',
    params: [
      ITERATIONS(100, 'sweeps over the pages'),
      {
        name: 'pages', default: 1024,
        doc: 'pages mapped and swept; >= 512 (twice the 256-entry direct-mapped TLB) misses on every load, <= 256 never once warm',
        min: 1, max: Math.min(TLB_WALK_MAX_PAGES, USER_ABI.USER_MMAP_SIZE >>> PAGE_SHIFT),
      },
    ],
    unit: { name: 'page touched', perOperation: (p) => n(p, 'pages') },
    disk: null,
    mirrors: 'the TLB-miss-heavy workloads of Bhargava, Serebrin, Spadini & Manne (ASPLOS 2008), where 2D page walks cost most; the flip side of "ptemod" in Adams & Agesen (ASPLOS 2006)',
    checksum: (p) => {
      const h = new Checksum();
      const words: number[] = [];
      let v = 0;
      for (let k = 0; k < n(p, 'pages'); k++) {
        v = (v + GOLDEN_RATIO_32) >>> 0;
        words.push(v);
      }
      for (let i = 0; i < n(p, 'iterations'); i++) for (const w of words) h.fold(w);
      return h;
    },
  },
];

function makeWorkload(d: Definition): Workload {
  const expectedLines = new Map<string, string>();
  const w: Workload = {
    name: d.name,
    source: `user/${d.name}.S`,
    description: d.description,
    operation: d.operation,
    iterationParam: 'iterations',
    params: d.params,
    unit: d.unit,
    disk: d.disk,
    mirrors: d.mirrors,
    expected(params = {}) {
      const p = resolveParams(w, params);
      const key = JSON.stringify(p);
      let line = expectedLines.get(key);
      if (line === undefined) {
        const shown = d.params.map((q) => ` ${q.name}=${resultNumber(n(p, q.name))}`).join('');
        line = `result ${d.name}${shown} checksum=${d.checksum(p).hex()}`;
        // The checksum replays the workload (N operations); a suite asks for each line twice per run.
        if (expectedLines.size >= 256) expectedLines.clear();
        expectedLines.set(key, line);
      }
      return line;
    },
    expectedOutput(params = {}) {
      const p = resolveParams(w, params);
      return `${d.preamble?.(p) ?? ''}${w.expected(p)}\n`;
    },
  };
  return Object.freeze(w);
}

export const WORKLOADS: readonly Workload[] = Object.freeze(DEFINITIONS.map(makeWorkload));

export const WORKLOAD_NAMES: readonly string[] = WORKLOADS.map((w) => w.name);

/** The suggestion for a near miss: edit distance first, then a unique name containing the word. */
function suggestion(word: string, candidates: readonly string[]): string {
  const lower = word.toLowerCase();
  const byDistance = didYouMean(lower, candidates);
  if (byDistance !== '') return byDistance;
  const squashed = lower.replace(/[^a-z0-9]/g, '');
  const containing = candidates.filter((c) => squashed !== '' && c.replace(/[^a-z0-9]/g, '').includes(squashed));
  return containing.length === 1 ? ` (did you mean '${containing[0]}'?)` : '';
}

/** The workload called `name`; a WorkloadError naming the known ones (and the likely one) otherwise. */
export function workloadByName(name: string): Workload {
  const w = WORKLOADS.find((x) => x.name === name);
  if (w) return w;
  throw new WorkloadError(`unknown workload '${name}'${suggestion(name, WORKLOAD_NAMES)}; known workloads: ${WORKLOAD_NAMES.join(', ')}`);
}

/**
 * Every parameter of `w`, from the defaults overridden by `params`. Throws a WorkloadError for
 * an unknown name (with a suggestion) or a value the program would reject.
 */
export function resolveParams(w: Workload, params: Partial<WorkloadParams> = {}): Record<string, number> {
  const out: Record<string, number> = {};
  for (const q of w.params) out[q.name] = q.default;
  const known = w.params.map((q) => q.name);
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    const q = w.params.find((x) => x.name === name);
    if (!q) {
      throw new WorkloadError(`workload ${w.name} has no parameter '${name}'${suggestion(name, known)}; its parameters: ${known.join(', ')}`);
    }
    if (!Number.isInteger(value) || value < q.min || value > q.max) {
      throw new WorkloadError(`parameter ${name}=${value} of workload ${w.name} must be a whole number in ${q.min}..${q.max}`);
    }
    out[name] = value;
  }
  return out;
}

/** The result line of `workload` in a console transcript, if there is exactly one. */
export function findResultLine(console: string, workload: string): string | undefined {
  const prefix = `result ${workload} `;
  const lines = console.split(/\r?\n/).filter((l) => l.startsWith(prefix));
  return lines.length === 1 ? lines[0] : undefined;
}

/** A `FAIL <workload>: ...` line the program printed before exit(1), if any. */
export function findFailure(console: string, workload: string): string | undefined {
  return console.split(/\r?\n/).find((l) => l.startsWith(`FAIL ${workload}:`));
}
