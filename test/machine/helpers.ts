/**
 * Shared scaffolding for the hart/MMU acceptance tests: assemble a program, load it on a
 * VirtBoard at 0x8000_0000, run it, and look at registers, CSRs and memory afterwards.
 */
import { VirtBoard, type BoardOptions } from '../../src/machine/board.js';
import type { HartStop } from '../../src/machine/hart.js';
import { assemble, flatImage } from '../../src/asm/index.js';

export const RAM_BASE = 0x8000_0000;

const ABI = [
  'zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6',
];

/** Register number of an ABI or x-name. */
export function regNum(name: string): number {
  const abi = ABI.indexOf(name);
  if (abi >= 0) return abi;
  const m = /^x(\d+)$/.exec(name);
  if (m && Number(m[1]) < 32) return Number(m[1]);
  throw new Error(`not a register: ${name}`);
}
export const TEST_DEVICE = 0x0010_0000;

export interface Program {
  base: number;
  bytes: Uint8Array;
  symbols: Map<string, number>;
}

export function assembleProgram(source: string, base = RAM_BASE): Program {
  const r = assemble(source, { fileName: 'test.S', base });
  const image = flatImage(r);
  const symbols = new Map<string, number>();
  for (const s of r.symbols) symbols.set(s.name, s.value >>> 0);
  return { base: image.base, bytes: image.bytes, symbols };
}

/** Power off through the SiFive test device with exit code 0 (clobbers t5, t6). */
export const POWER_OFF = `
  li t6, 0x100000
  li t5, 0x5555
  sw t5, 0(t6)
`;

/** Exit with `code` through the test device (clobbers t5, t6). */
export const exitWith = (code: number): string => `
  li t6, 0x100000
  li t5, ${((code << 16) | 0x3333) >>> 0}
  sw t5, 0(t6)
`;

/**
 * An M-mode trap handler that records the last trap and resumes after the trapping
 * instruction: s8 counts traps, s9 = mcause, s10 = mtval, s11 = mepc. Clobbers s7.
 * Programs start at `_start`, which installs it and jumps to `main`.
 */
export const RECORDING_PRELUDE = `
_start:
  la t0, m_trap
  csrw mtvec, t0
  j main
m_trap:
  addi s8, s8, 1
  csrr s9, mcause
  csrr s10, mtval
  csrr s11, mepc
  addi s7, s11, 4
  csrw mepc, s7
  mret
`;

/** The same for S-mode: traps delegated to S are recorded in s8..s11 and skipped. */
export const S_RECORDING_HANDLER = `
s_trap:
  addi s8, s8, 1
  csrr s9, scause
  csrr s10, stval
  csrr s11, sepc
  addi s7, s11, 4
  csrw sepc, s7
  sret
`;

export interface Run {
  board: VirtBoard;
  stop: HartStop;
  program: Program;
  /** Console output so far. */
  out: () => string;
  sym: (name: string) => number;
  reg: (name: string) => number;
  /** Unsigned register value. */
  ureg: (name: string) => number;
  word: (addr: number) => number;
  byte: (addr: number) => number;
}

export interface LoadOptions extends BoardOptions {
  /** Called after the program is loaded and before run(): page tables, device setup. */
  setup?: (board: VirtBoard, program: Program) => void;
}

/** Assemble `source`, load it at RAM_BASE on a fresh board, and return handles to it. */
export function load(source: string, opts: LoadOptions = {}): Omit<Run, 'stop'> {
  const chars: number[] = [];
  const { setup, ...boardOpts } = opts;
  const board = new VirtBoard({ ramBytes: 8 << 20, consoleOut: (b) => chars.push(b), ...boardOpts });
  const program = assembleProgram(source);
  board.loadPhysical(program.base, program.bytes);
  const entry = program.symbols.get('_start') ?? program.base;
  board.hart.reset(entry);
  setup?.(board, program);
  return handles(board, program, chars);
}

function handles(board: VirtBoard, program: Program, chars: number[]): Omit<Run, 'stop'> {
  const sym = (name: string): number => {
    const v = program.symbols.get(name);
    if (v === undefined) throw new Error(`no symbol ${name}`);
    return v >>> 0;
  };
  const word = (addr: number): number => {
    const v = board.bus.read(addr >>> 0, 4);
    if (v === undefined) throw new Error(`nothing at 0x${(addr >>> 0).toString(16)}`);
    return v >>> 0;
  };
  return {
    board,
    program,
    out: () => String.fromCharCode(...chars),
    sym,
    reg: (name) => board.hart.x[regNum(name)] as number,
    ureg: (name) => (board.hart.x[regNum(name)] as number) >>> 0,
    word,
    byte: (addr) => board.bus.read(addr >>> 0, 1) as number,
  };
}

/** Assemble, load and run until the program stops (power-off by default). */
export function run(source: string, opts: LoadOptions & { maxInsns?: number } = {}): Run {
  const { maxInsns, ...rest } = opts;
  const h = load(source, rest);
  const stop = h.board.run(maxInsns ?? 1_000_000);
  return { ...h, stop };
}

/** A deterministic PRNG (xorshift32) so "random" operands are the same on every run. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s | 0;
  };
}

/** Interesting 32-bit operands for ALU edge cases. */
export const EDGE_VALUES = [
  0, 1, -1, 2, -2, 0x7fff_ffff, -0x8000_0000, 0x8000_0001 | 0, 0x0000_ffff, 0xffff_0000 | 0,
  0x1234_5678, 0xdead_beef | 0, 31, 32, 33, 0x7ff, -0x800,
];

export const hex = (v: number): string => `0x${(v >>> 0).toString(16).padStart(8, '0')}`;

const PRIV_NUM = { U: 0, S: 1, M: 3 } as const;

/** From M-mode: drop to `mode` at `label` through mret (clobbers t0). */
export const enterMode = (mode: keyof typeof PRIV_NUM, label: string): string => `
  li t0, 0x1800
  csrc mstatus, t0
  li t0, ${PRIV_NUM[mode] << 11}
  csrs mstatus, t0
  la t0, ${label}
  csrw mepc, t0
  mret
`;
