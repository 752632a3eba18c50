/**
 * Shadow paging (src/hypervisor/shadow-mmu.ts): a guest page table in guest RAM, a hart on the
 * vCPU's bus running in real U-mode with exitToHost, and a small exit loop that answers hidden
 * page faults with handleFault and stops at anything else.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { assemble, flatImage } from '../../src/asm/index.js';
import { Cause } from '../../src/isa/causes.js';
import { PTE, Priv, SSTATUS, type PrivLevel } from '../../src/isa/csr.js';
import { EventQueue } from '../../src/machine/events.js';
import { Hart, type HartStop } from '../../src/machine/hart.js';
import { Access } from '../../src/machine/mmu.js';
import { tagOf } from '../../src/machine/tlb.js';
import { GuestMemory, SHADOW_POOL_BASE } from '../../src/hypervisor/guest-memory.js';
import { ShadowMmu, type ShadowResult } from '../../src/hypervisor/shadow/shadow-mmu.js';

const { V, R, W, X, U, A, D } = PTE;

const RAM = 0x8000_0000;
/** 6 MiB: the megapage at 0x8040_0000 is half inside RAM, half beyond it. */
const RAM_BYTES = 6 << 20;
const RAM_END = RAM + RAM_BYTES;
const ROOT = 0x8010_0000;
const UART = 0x1000_0000;
const isDevice = (gpa: number): boolean => gpa >= UART && gpa < UART + 0x9000;

// Guest virtual layout.
const K_CODE = 0xc000_0000; // → RAM + 0x0000 (R X)
const K_DATA = 0xc000_1000; // → RAM + 0x1000 (R W, no A/D)
const K_XONLY = 0xc000_2000; // → RAM + 0x2000 (X only)
const K_RO = 0xc000_3000; // → RAM + 0x3000 (R)
const K_DIRTY = 0xc000_4000; // → RAM + 0x4000 (R W A D)
const K_MEGA = 0xc040_0000; // megapage → 0x8040_0000 (R W X A D)
const U_CODE = 0x0001_0000; // → RAM + 0x1_0000 (U R X)
const U_DATA = 0x0001_1000; // → RAM + 0x1_1000 (U R W)
const U_XONLY = 0x0001_2000; // → RAM + 0x1_2000 (U X)
const U_RO = 0x0001_3000; // → RAM + 0x1_3000 (U R)
const DEV = 0xd000_0000; // → the UART
const BEYOND = 0xd000_1000; // → 0x9000_0000: neither RAM nor device
const POOL = 0xd000_2000; // → the shadow pool
const ABOVE_4G = 0xd000_3000; // → 0x2_8000_0000 (RAM + 8 GiB: aliases RAM modulo 2^32)
const LAST = 0xd000_4000; // → the last page of RAM
const PAST_END = 0xd000_5000; // → the first page after RAM
const W_ONLY = 0xd000_6000; // W without R: reserved
const UNMAPPED = 0xd000_7000; // V = 0
const T_BEYOND = 0xe000_0000; // L1 → a table at 0x9000_0000
const T_POOL = 0xe040_0000; // L1 → a table in the pool
const T_ABOVE_4G = 0xe080_0000; // L1 → a table at 0x1_8010_0000 (aliases ROOT modulo 2^32)
const T_NONLEAF0 = 0xe0c0_0000; // level-0 entry that points at another table
const MISALIGNED = 0xe100_0000; // megapage with PPN[0] != 0

/** Position-independent access stubs, loaded at the start of the kernel and user code pages. */
const STUBS = assembleStubs(`
  load:  lw a0, 0(a1)
         ecall
  store: sw a2, 0(a1)
         ecall
  fetch: jalr ra, 0(a1)
         ecall
  rmw:   lw a0, 0(a1)
         sw a2, 0(a1)
         lw a3, 0(a1)
         ecall
`);
/** What X-only pages hold: `li a0, 77; ecall`. */
const XCODE = assembleStubs(`
  li a0, 77
  ecall
`);

function assembleStubs(src: string): { bytes: Uint8Array; at: Record<string, number> } {
  const r = assemble(src, { fileName: 'stubs.S', base: 0 });
  const at: Record<string, number> = {};
  for (const s of r.symbols) at[s.name] = s.value;
  return { bytes: flatImage(r).bytes, at };
}

const pte = (pa: number, flags: number): number => ((Math.floor(pa / 4096) * 1024) + flags) >>> 0;

class GuestTables {
  private next: number;
  constructor(private readonly mem: GuestMemory, readonly root: number) {
    this.next = root + 0x1000;
  }

  /** Map the 4 KiB page at va; returns the leaf PTE's address. */
  map(va: number, pa: number, flags: number): number {
    const l1 = this.root + (va >>> 22) * 4;
    let e = this.mem.read32(l1) as number;
    if ((e & V) === 0) {
      e = pte(this.next, V);
      this.next += 0x1000;
      this.mem.write32(l1, e);
    }
    const leaf = (e >>> 10) * 4096 + ((va >>> 12) & 0x3ff) * 4;
    this.mem.write32(leaf, pte(pa, flags));
    return leaf;
  }

  /** Write the level-1 entry for va; returns its address. */
  setL1(va: number, value: number): number {
    const l1 = this.root + (va >>> 22) * 4;
    this.mem.write32(l1, value >>> 0);
    return l1;
  }

  get(addr: number): number {
    return this.mem.read32(addr) as number;
  }

  set(addr: number, value: number): void {
    this.mem.write32(addr, value >>> 0);
  }
}

interface Env {
  mem: GuestMemory;
  hart: Hart;
  shadow: ShadowMmu;
  pt: GuestTables;
  /** Leaf PTE addresses by VA. */
  leaf: Map<number, number>;
  vpriv: PrivLevel;
  vsatp: number;
  vsstatus: number;
}

const SV32 = (root: number): number => (0x8000_0000 | (root >>> 12)) >>> 0;

function setup(opts: { poolBytes?: number; isDevice?: (gpa: number) => boolean } = {}): Env {
  const mem = new GuestMemory(RAM_BYTES, opts.poolBytes ?? 64 * 1024);
  const hart = new Hart(mem.bus, new EventQueue(), { cyclesPerTick: 100 });
  hart.reset(0);
  hart.priv = Priv.U;
  hart.exitToHost = true;
  const shadow = new ShadowMmu(mem, hart, opts.isDevice ?? isDevice);
  const pt = new GuestTables(mem, ROOT);
  const leaf = new Map<number, number>();
  const map = (va: number, pa: number, flags: number): void => { leaf.set(va, pt.map(va, pa, flags)); };

  mem.load(RAM, STUBS.bytes);
  mem.load(RAM + 0x1_0000, STUBS.bytes);
  mem.load(RAM + 0x2000, XCODE.bytes);
  mem.load(RAM + 0x1_2000, XCODE.bytes);
  mem.write32(RAM + 0x1000, 111);
  mem.write32(RAM + 0x3000, 333);
  mem.write32(RAM + 0x4000, 222);
  mem.write32(RAM + 0x1_1000, 0x1111);
  mem.write32(RAM + 0x1_3000, 0x1333);
  mem.write32(0x8040_0000, 0x4000);
  mem.write32(0x8040_1000, 0x4001);
  mem.write32(RAM_END - 4096, 0xeeee);

  map(K_CODE, RAM, V | R | X);
  map(K_DATA, RAM + 0x1000, V | R | W);
  map(K_XONLY, RAM + 0x2000, V | X | A);
  map(K_RO, RAM + 0x3000, V | R | A);
  map(K_DIRTY, RAM + 0x4000, V | R | W | A | D);
  map(U_CODE, RAM + 0x1_0000, V | R | X | U | A);
  map(U_DATA, RAM + 0x1_1000, V | R | W | U);
  map(U_XONLY, RAM + 0x1_2000, V | X | U | A);
  map(U_RO, RAM + 0x1_3000, V | R | U | A);
  leaf.set(K_MEGA, pt.setL1(K_MEGA, pte(0x8040_0000, V | R | W | X | A | D)));
  map(DEV, UART, V | R | W | X);
  map(BEYOND, 0x9000_0000, V | R | W | X);
  map(POOL, SHADOW_POOL_BASE, V | R | W | X);
  map(ABOVE_4G, 0x2_8000_0000, V | R | W | X);
  map(LAST, RAM_END - 4096, V | R | W | A | D);
  map(PAST_END, RAM_END, V | R | W | X | A | D);
  map(W_ONLY, RAM + 0x1000, V | W);
  map(UNMAPPED, RAM + 0x1000, 0);
  pt.setL1(T_BEYOND, pte(0x9000_0000, V));
  pt.setL1(T_POOL, pte(SHADOW_POOL_BASE, V));
  pt.setL1(T_ABOVE_4G, pte(0x1_8010_0000, V));
  map(T_NONLEAF0, RAM + 0x5000, V); // a pointer at level 0
  pt.setL1(MISALIGNED, pte(RAM + 0x1000, V | R | W));

  return { mem, hart, shadow, pt, leaf, vpriv: Priv.S, vsatp: SV32(ROOT), vsstatus: 0 };
}

function accessOf(cause: number): Access | undefined {
  switch (cause) {
    case Cause.InstructionPageFault: case Cause.InstructionAccessFault: return Access.Fetch;
    case Cause.LoadPageFault: case Cause.LoadAccessFault: return Access.Load;
    case Cause.StorePageFault: case Cause.StoreAccessFault: return Access.Store;
    default: return undefined;
  }
}

interface Outcome {
  stop: HartStop;
  /** The first handleFault result that was not 'filled'. */
  result?: ShadowResult;
  /** Hidden faults resolved on the way. */
  fills: number;
}

/** The test's exit loop: run from `entry` until an exit that is not a resolved hidden fault. */
function runGuest(env: Env, entry: number): Outcome {
  env.hart.pc = entry | 0;
  let fills = 0;
  for (let i = 0; i < 64; i++) {
    env.shadow.enter(env.vpriv, env.vsatp, env.vsstatus);
    const stop = env.hart.run(10_000);
    if (stop.kind !== 'trap') return { stop, fills };
    const access = accessOf(stop.cause);
    if (access === undefined) return { stop, fills };
    const result = env.shadow.handleFault(access, stop.tval);
    if (result.kind !== 'filled') return { stop, result, fills };
    fills++;
  }
  throw new Error('no progress after 64 exits');
}

/** Where the stubs run in the current view. */
function stubBase(env: Env): number {
  if ((env.vsatp >>> 31) === 0) return RAM;
  return env.vpriv === Priv.S ? K_CODE : U_CODE;
}

const ECALL_U = Cause.EnvironmentCallFromU;

function stub(env: Env, name: string, va: number, value = 0): Outcome {
  env.hart.x[11] = va | 0; // a1
  env.hart.x[12] = value | 0; // a2
  return runGuest(env, stubBase(env) + (STUBS.at[name] as number));
}

/** Load a word through the guest's view: the value, or the shadow result that stopped it. */
function load(env: Env, va: number): number | ShadowResult {
  const o = stub(env, 'load', va);
  if (o.result) return o.result;
  expect(o.stop).toMatchObject({ kind: 'trap', cause: ECALL_U });
  return env.hart.x[10] as number;
}

function store(env: Env, va: number, value: number): true | ShadowResult {
  const o = stub(env, 'store', va, value);
  if (o.result) return o.result;
  expect(o.stop).toMatchObject({ kind: 'trap', cause: ECALL_U });
  return true;
}

/** Jump to va: the a0 the code there leaves (77 for the X pages), or the shadow result. */
function fetch(env: Env, va: number): number | ShadowResult {
  env.hart.x[10] = 0;
  const o = stub(env, 'fetch', va);
  if (o.result) return o.result;
  expect(o.stop).toMatchObject({ kind: 'trap', cause: ECALL_U });
  return env.hart.x[10] as number;
}

const guestFault = (cause: number, tval: number): ShadowResult => ({ kind: 'guest-fault', cause, tval: tval >>> 0 });
const accessFault = (cause: number, tval: number): ShadowResult => ({ kind: 'access-fault', cause, tval: tval >>> 0 });

/** Every shadow leaf maps a page of guest RAM, and nothing else. */
function expectOnlyRam(env: Env): void {
  for (const m of env.shadow.mappings()) {
    expect(m.pa >= RAM && m.pa + 4096 <= RAM_END, `shadow maps 0x${m.pa.toString(16)}`).toBe(true);
    expect(m.flags & (U | A | D | V)).toBe(U | A | D | V);
  }
}

const mappingOf = (env: Env, va: number) => env.shadow.mappings().filter((m) => m.va === va >>> 0);

let env: Env;
beforeEach(() => {
  env = setup();
});

describe('fills', () => {
  it('fills lazily on hidden faults and re-executes the instruction', () => {
    const o = stub(env, 'load', K_DATA);
    expect(o.result).toBeUndefined();
    expect(o.stop).toMatchObject({ kind: 'trap', cause: ECALL_U });
    expect(env.hart.x[10]).toBe(111);
    expect(o.fills).toBe(2); // the stub's code page, then the data page
    expect(env.shadow.stats.fills).toBe(2);
    expect(env.shadow.stats.guestPteReads).toBe(4);
    // Everything is in the shadow now: the same access runs without a single exit.
    env.hart.translationChanged();
    expect(stub(env, 'load', K_DATA).fills).toBe(0);
    expect(env.shadow.stats.fills).toBe(2);
  });

  it('points the hart at a shadow root in the pool, with U, A and D on every leaf', () => {
    load(env, K_DATA);
    const satp = env.hart.csr.satp >>> 0;
    expect(satp >>> 31).toBe(1);
    const root = (satp & 0x3fffff) * 4096;
    expect(root).toBeGreaterThanOrEqual(SHADOW_POOL_BASE);
    expect(root).toBeLessThan(SHADOW_POOL_BASE + env.mem.shadowPool.size);
    expect(env.shadow.view).toBe('kernel');
    expect(env.shadow.mappings().map((m) => m.va)).toEqual([K_CODE, K_DATA]);
    expectOnlyRam(env);
  });

  it('enter() with nothing changed keeps the hart TLB', () => {
    load(env, K_DATA);
    const set = env.hart.tlb.set(Priv.U);
    const slot = (K_DATA >>> 12) & 255;
    expect(set.loadTag[slot]).toBe(tagOf(K_DATA >>> 12));
    env.shadow.enter(Priv.S, env.vsatp, 0);
    expect(set.loadTag[slot]).toBe(tagOf(K_DATA >>> 12));
    env.shadow.enter(Priv.U, env.vsatp, 0); // another root: the untagged TLB is flushed
    expect(set.loadTag[slot]).toBe(-1);
  });

  it('keeps one root per view: switching views does not refill', () => {
    expect(load(env, K_DATA)).toBe(111);
    env.vpriv = Priv.U;
    expect(load(env, U_DATA)).toBe(0x1111);
    const fills = env.shadow.stats.fills;
    const kernelSatp = (env.shadow.enter(Priv.S, env.vsatp, 0), env.hart.csr.satp);
    env.vpriv = Priv.S;
    expect(load(env, K_DATA)).toBe(111);
    env.vpriv = Priv.U;
    expect(load(env, U_DATA)).toBe(0x1111);
    expect(env.hart.csr.satp).not.toBe(kernelSatp);
    expect(env.shadow.stats.fills).toBe(fills);
    expect(env.shadow.stats.flushes).toBe(0);
  });

  it('fills megapages 4 KiB at a time', () => {
    expect(load(env, K_MEGA)).toBe(0x4000);
    expect(load(env, K_MEGA + 0x1000)).toBe(0x4001);
    expect(load(env, K_MEGA + 0x1ff000)).toBe(0xeeee); // the last RAM page, in the megapage
    const pieces = env.shadow.mappings().filter((m) => m.va >= K_MEGA && m.va < K_MEGA + (4 << 20));
    expect(pieces.map((m) => [m.va, m.pa])).toEqual([
      [K_MEGA, 0x8040_0000], [K_MEGA + 0x1000, 0x8040_1000], [K_MEGA + 0x1ff000, 0x805f_f000],
    ]);
  });

  it('translate() is a pure lookup: no fill, no A bit', () => {
    const before = env.pt.get(env.leaf.get(K_DATA) as number);
    env.shadow.enter(Priv.S, env.vsatp, 0);
    expect(env.shadow.translate(Access.Load, K_DATA + 8)).toEqual({ gpa: RAM + 0x1008 });
    expect(env.shadow.translate(Access.Store, K_DATA)).toEqual({ gpa: RAM + 0x1000 });
    expect(env.shadow.translate(Access.Fetch, K_MEGA + 0x1234)).toEqual({ gpa: 0x8040_1234 });
    expect(env.shadow.translate(Access.Load, DEV + 5)).toEqual({ fault: { kind: 'mmio', gpa: UART + 5 } });
    expect(env.shadow.translate(Access.Fetch, DEV)).toEqual({ fault: accessFault(Cause.InstructionAccessFault, DEV) });
    expect(env.shadow.translate(Access.Store, K_RO)).toEqual({ fault: guestFault(Cause.StorePageFault, K_RO) });
    expect(env.shadow.translate(Access.Load, T_BEYOND)).toEqual({ fault: accessFault(Cause.LoadAccessFault, T_BEYOND) });
    expect(env.pt.get(env.leaf.get(K_DATA) as number)).toBe(before);
    expect(env.shadow.stats.fills).toBe(0);
    expect(env.shadow.mappings()).toEqual([]);
    expect(env.shadow.stats.guestPteReads).toBe(13);
  });
});

describe('permissions of each view', () => {
  it('kernel view: supervisor pages by their R/W/X, user pages never', () => {
    expect(load(env, K_RO)).toBe(333);
    expect(store(env, K_RO, 1)).toEqual(guestFault(Cause.StorePageFault, K_RO));
    expect(fetch(env, K_XONLY)).toBe(77);
    expect(load(env, K_XONLY)).toEqual(guestFault(Cause.LoadPageFault, K_XONLY));
    expect(fetch(env, K_DATA)).toEqual(guestFault(Cause.InstructionPageFault, K_DATA));
    expect(load(env, U_DATA)).toEqual(guestFault(Cause.LoadPageFault, U_DATA));
    expect(store(env, U_DATA, 1)).toEqual(guestFault(Cause.StorePageFault, U_DATA));
    expect(fetch(env, U_CODE)).toEqual(guestFault(Cause.InstructionPageFault, U_CODE));
  });

  it('kernel view with SUM: user pages for loads and stores, never for fetch', () => {
    env.vsstatus = SSTATUS.SUM;
    expect(load(env, U_DATA)).toBe(0x1111);
    expect(store(env, U_DATA, 5)).toBe(true);
    expect(env.mem.read32(RAM + 0x1_1000)).toBe(5);
    expect(store(env, U_RO, 5)).toEqual(guestFault(Cause.StorePageFault, U_RO));
    expect(fetch(env, U_CODE)).toEqual(guestFault(Cause.InstructionPageFault, U_CODE));
    // The shadow leaf of a user page in the kernel view is never executable.
    expect(mappingOf(env, U_DATA)[0]?.flags ?? 0).toSatisfy((f: number) => (f & X) === 0);
    // Turning SUM off again selects the SUM=0 root, which never mapped the page.
    env.vsstatus = 0;
    expect(load(env, U_DATA)).toEqual(guestFault(Cause.LoadPageFault, U_DATA));
    env.vsstatus = SSTATUS.SUM;
    const fills = env.shadow.stats.fills;
    expect(load(env, U_DATA)).toBe(5); // back to the SUM=1 root: still filled
    expect(env.shadow.stats.fills).toBe(fills);
  });

  it('kernel view with MXR: execute-only pages become readable', () => {
    env.vsstatus = SSTATUS.MXR;
    expect(load(env, K_XONLY)).toBe((env.mem.read32(RAM + 0x2000) as number) | 0);
    expect(fetch(env, K_XONLY)).toBe(77);
    expect(store(env, K_XONLY, 1)).toEqual(guestFault(Cause.StorePageFault, K_XONLY));
    // MXR without SUM still excludes user pages; with SUM it makes X-only user pages readable.
    expect(load(env, U_XONLY)).toEqual(guestFault(Cause.LoadPageFault, U_XONLY));
    env.vsstatus = SSTATUS.MXR | SSTATUS.SUM;
    expect(load(env, U_XONLY)).toBe((env.mem.read32(RAM + 0x1_2000) as number) | 0);
    env.vsstatus = 0;
    expect(load(env, K_XONLY)).toEqual(guestFault(Cause.LoadPageFault, K_XONLY));
  });

  it('user view: only user pages, by their R/W/X (MXR applies, SUM does not)', () => {
    env.vpriv = Priv.U;
    env.vsstatus = SSTATUS.SUM; // irrelevant in U
    expect(load(env, U_DATA)).toBe(0x1111);
    expect(store(env, U_DATA, 9)).toBe(true);
    expect(fetch(env, U_XONLY)).toBe(77);
    expect(load(env, U_RO)).toBe(0x1333);
    expect(store(env, U_RO, 1)).toEqual(guestFault(Cause.StorePageFault, U_RO));
    expect(load(env, U_XONLY)).toEqual(guestFault(Cause.LoadPageFault, U_XONLY));
    expect(fetch(env, U_DATA)).toEqual(guestFault(Cause.InstructionPageFault, U_DATA));
    expect(load(env, K_DATA)).toEqual(guestFault(Cause.LoadPageFault, K_DATA));
    expect(store(env, K_DATA, 1)).toEqual(guestFault(Cause.StorePageFault, K_DATA));
    expect(fetch(env, K_CODE)).toEqual(guestFault(Cause.InstructionPageFault, K_CODE));
    expect(load(env, K_MEGA)).toEqual(guestFault(Cause.LoadPageFault, K_MEGA));
    env.vsstatus = SSTATUS.MXR;
    expect(load(env, U_XONLY)).toBe((env.mem.read32(RAM + 0x1_2000) as number) | 0);
  });

  it('bare view: identity map of RAM, devices as mmio, nothing else', () => {
    env.vsatp = 0;
    expect(load(env, RAM + 0x1000)).toBe(111);
    expect(store(env, RAM + 0x3000, 7)).toBe(true);
    expect(env.mem.read32(RAM + 0x3000)).toBe(7);
    expect(fetch(env, RAM + 0x2000)).toBe(77);
    expect(env.shadow.view).toBe('bare');
    expect(load(env, UART + 5)).toEqual({ kind: 'mmio', gpa: UART + 5 });
    expect(store(env, UART, 1)).toEqual({ kind: 'mmio', gpa: UART });
    expect(fetch(env, UART)).toEqual(accessFault(Cause.InstructionAccessFault, UART));
    expect(load(env, SHADOW_POOL_BASE)).toEqual(accessFault(Cause.LoadAccessFault, SHADOW_POOL_BASE));
    expect(store(env, SHADOW_POOL_BASE + 8, 1)).toEqual(accessFault(Cause.StoreAccessFault, SHADOW_POOL_BASE + 8));
    expect(store(env, RAM_END, 1)).toEqual(accessFault(Cause.StoreAccessFault, RAM_END));
    expect(fetch(env, 0x9000_0000)).toEqual(accessFault(Cause.InstructionAccessFault, 0x9000_0000));
    expect(env.shadow.translate(Access.Load, RAM + 0x1234)).toEqual({ gpa: RAM + 0x1234 });
    expect(env.shadow.translate(Access.Store, UART + 1)).toEqual({ fault: { kind: 'mmio', gpa: UART + 1 } });
    expect(env.shadow.stats.guestPteReads).toBe(0);
    expect(env.shadow.mappings().every((m) => m.va === m.pa && m.view === 'bare')).toBe(true);
  });
});

describe('guest faults, devices and access faults', () => {
  it('reflects the guest\'s own faults with the right cause and tval', () => {
    expect(load(env, UNMAPPED + 0x10)).toEqual(guestFault(Cause.LoadPageFault, UNMAPPED + 0x10));
    expect(store(env, UNMAPPED, 1)).toEqual(guestFault(Cause.StorePageFault, UNMAPPED));
    expect(fetch(env, UNMAPPED)).toEqual(guestFault(Cause.InstructionPageFault, UNMAPPED));
    expect(load(env, 0x4000_0000)).toEqual(guestFault(Cause.LoadPageFault, 0x4000_0000)); // no L1 entry
    expect(load(env, W_ONLY)).toEqual(guestFault(Cause.LoadPageFault, W_ONLY));
    expect(store(env, W_ONLY, 1)).toEqual(guestFault(Cause.StorePageFault, W_ONLY));
    expect(load(env, T_NONLEAF0)).toEqual(guestFault(Cause.LoadPageFault, T_NONLEAF0));
    expect(load(env, MISALIGNED + 4)).toEqual(guestFault(Cause.LoadPageFault, MISALIGNED + 4));
    // A faulting walk sets no A bit.
    expect(env.pt.get(env.leaf.get(W_ONLY) as number) & A).toBe(0);
  });

  it('a device mapping is mmio with the full GPA, and is never mapped', () => {
    expect(load(env, DEV + 0x14)).toEqual({ kind: 'mmio', gpa: UART + 0x14 });
    expect(env.pt.get(env.leaf.get(DEV) as number) & (A | D)).toBe(A);
    expect(store(env, DEV + 4, 0x41)).toEqual({ kind: 'mmio', gpa: UART + 4 });
    expect(env.pt.get(env.leaf.get(DEV) as number) & (A | D)).toBe(A | D);
    expect(load(env, DEV)).toEqual({ kind: 'mmio', gpa: UART }); // traps every time
    expect(fetch(env, DEV)).toEqual(accessFault(Cause.InstructionAccessFault, DEV));
    expect(mappingOf(env, DEV)).toEqual([]);
  });

  it('a leaf outside RAM is an access fault of the access type', () => {
    for (const va of [BEYOND, PAST_END, POOL, ABOVE_4G, K_MEGA + 0x200000, K_MEGA + 0x3ff000]) {
      expect(load(env, va + 8)).toEqual(accessFault(Cause.LoadAccessFault, va + 8));
      expect(store(env, va, 1)).toEqual(accessFault(Cause.StoreAccessFault, va));
      expect(fetch(env, va)).toEqual(accessFault(Cause.InstructionAccessFault, va));
    }
    expect(load(env, LAST + 0xffc)).toBe(0);
    expect(load(env, LAST)).toBe(0xeeee);
  });

  it('a page-table entry outside RAM is an access fault of the original access type', () => {
    for (const va of [T_BEYOND, T_POOL, T_ABOVE_4G]) {
      expect(load(env, va)).toEqual(accessFault(Cause.LoadAccessFault, va));
      expect(store(env, va + 4, 1)).toEqual(accessFault(Cause.StoreAccessFault, va + 4));
      expect(fetch(env, va)).toEqual(accessFault(Cause.InstructionAccessFault, va));
    }
    // So is a guest root outside RAM.
    env.vsatp = SV32(0x9000_0000);
    expect(load(env, K_DATA)).toEqual(accessFault(Cause.InstructionAccessFault, K_CODE)); // the stub's fetch
  });
});

describe('guest A/D bits', () => {
  const flagsOf = (va: number): number => env.pt.get(env.leaf.get(va) as number) & (A | D);

  it('a load sets A only and maps the page without W; the first store sets D and upgrades', () => {
    expect(flagsOf(K_DATA)).toBe(0);
    expect(load(env, K_DATA)).toBe(111);
    expect(flagsOf(K_DATA)).toBe(A);
    expect((mappingOf(env, K_DATA)[0]?.flags ?? 0) & W).toBe(0);
    const fills = env.shadow.stats.fills;
    expect(store(env, K_DATA, 5)).toBe(true);
    expect(flagsOf(K_DATA)).toBe(A | D);
    expect(env.shadow.stats.fills).toBe(fills + 1); // the hidden write fault
    expect((mappingOf(env, K_DATA)[0]?.flags ?? 0) & W).toBe(W);
    expect(env.mem.read32(RAM + 0x1000)).toBe(5);
  });

  it('read, write, read in one run: one fill for the read, one for the upgrade', () => {
    const o = stub(env, 'rmw', K_DATA, 42);
    expect(o.result).toBeUndefined();
    expect(o.fills).toBe(3); // code page, data page for the load, upgrade for the store
    expect([env.hart.x[10], env.hart.x[13]]).toEqual([111, 42]);
    expect(flagsOf(K_DATA)).toBe(A | D);
  });

  it('a first store sets A and D together', () => {
    expect(store(env, K_DATA, 3)).toBe(true);
    expect(flagsOf(K_DATA)).toBe(A | D);
    expect(env.shadow.stats.fills).toBe(2);
  });

  it('an already dirty page is writable in the shadow from the first fill', () => {
    expect(load(env, K_DIRTY)).toBe(222);
    expect((mappingOf(env, K_DIRTY)[0]?.flags ?? 0) & W).toBe(W);
    const fills = env.shadow.stats.fills;
    expect(store(env, K_DIRTY, 1)).toBe(true);
    expect(env.shadow.stats.fills).toBe(fills);
  });

  it('fetches set A of code pages; user pages too', () => {
    const codePte = env.leaf.get(K_CODE) as number;
    expect(env.pt.get(codePte) & A).toBe(0);
    load(env, K_DIRTY);
    expect(env.pt.get(codePte) & (A | D)).toBe(A);
    env.vpriv = Priv.U;
    expect(store(env, U_DATA, 1)).toBe(true);
    expect(flagsOf(U_DATA)).toBe(A | D);
  });
});

describe('flushes', () => {
  it('a guest PTE change is seen only after sfence.vma of that page', () => {
    expect(load(env, K_DATA)).toBe(111);
    env.pt.set(env.leaf.get(K_DATA) as number, pte(RAM + 0x4000, V | R | W | A));
    env.hart.translationChanged(); // not the hart's TLB: the shadow itself is stale
    expect(load(env, K_DATA)).toBe(111);
    env.shadow.flushPage(K_DIRTY); // another page
    expect(load(env, K_DATA)).toBe(111);
    env.shadow.flushPage(K_DATA + 0x123);
    expect(load(env, K_DATA)).toBe(222);
    expect(env.shadow.stats.flushes).toBe(2);
    // The rest of the shadow survived: only the flushed page was refilled.
    expect(mappingOf(env, K_CODE)).toHaveLength(1);
  });

  it('flushPage drops the hart\'s TLB entry too (no translationChanged needed)', () => {
    expect(load(env, K_DATA)).toBe(111);
    env.pt.set(env.leaf.get(K_DATA) as number, pte(RAM + 0x4000, V | R | W | A));
    expect(load(env, K_DATA)).toBe(111); // served by the TLB
    env.shadow.flushPage(K_DATA);
    expect(load(env, K_DATA)).toBe(222);
  });

  it('removal and downgrade take effect at the fence', () => {
    expect(store(env, K_DIRTY, 5)).toBe(true);
    const leaf = env.leaf.get(K_DIRTY) as number;
    env.pt.set(leaf, pte(RAM + 0x4000, V | R | A | D)); // read-only now
    expect(store(env, K_DIRTY, 6)).toBe(true); // stale until the fence
    env.shadow.flushPage(K_DIRTY);
    expect(store(env, K_DIRTY, 7)).toEqual(guestFault(Cause.StorePageFault, K_DIRTY));
    expect(load(env, K_DIRTY)).toBe(6);
    env.pt.set(leaf, 0);
    env.shadow.flushPage(K_DIRTY);
    expect(load(env, K_DIRTY)).toEqual(guestFault(Cause.LoadPageFault, K_DIRTY));
  });

  it('clearing D (and fencing) makes the next write fault again to set it', () => {
    expect(store(env, K_DATA, 1)).toBe(true);
    const leaf = env.leaf.get(K_DATA) as number;
    env.pt.set(leaf, env.pt.get(leaf) & ~D);
    env.shadow.flushPage(K_DATA);
    expect(load(env, K_DATA)).toBe(1);
    expect(env.pt.get(leaf) & D).toBe(0);
    expect(store(env, K_DATA, 2)).toBe(true);
    expect(env.pt.get(leaf) & D).toBe(D);
  });

  it('flushAll drops every view', () => {
    expect(load(env, K_DATA)).toBe(111);
    env.vpriv = Priv.U;
    expect(load(env, U_DATA)).toBe(0x1111);
    env.pt.set(env.leaf.get(U_DATA) as number, pte(RAM + 0x1_3000, V | R | U));
    env.pt.set(env.leaf.get(K_DATA) as number, pte(RAM + 0x4000, V | R | W));
    env.shadow.flushAll();
    expect(env.shadow.mappings()).toEqual([]);
    expect(load(env, U_DATA)).toBe(0x1333);
    env.vpriv = Priv.S;
    expect(load(env, K_DATA)).toBe(222);
    expect(env.shadow.stats.flushes).toBe(1);
    expect(env.shadow.poolPagesUsed).toBeLessThanOrEqual(4);
  });

  it('a fence of any address in a guest megapage drops all of its pieces', () => {
    expect(load(env, K_MEGA)).toBe(0x4000);
    expect(load(env, K_MEGA + 0x1000)).toBe(0x4001);
    env.pt.set(env.leaf.get(K_MEGA) as number, pte(RAM, V | R | W | A | D));
    env.shadow.flushPage(K_MEGA + 0x3000); // a piece never filled
    expect(load(env, K_MEGA + 0x1000)).toBe(111);
    expect(load(env, K_MEGA)).toBe((env.mem.read32(RAM) as number) | 0);
    expect(mappingOf(env, K_CODE)).toHaveLength(1); // other regions untouched
  });

  it('a new guest satp drops the old shadow at the next enter()', () => {
    expect(load(env, K_DATA)).toBe(111);
    // A second address space: the same kernel pages, but K_DATA elsewhere.
    const root2 = 0x8020_0000;
    const pt2 = new GuestTables(env.mem, root2);
    pt2.map(K_CODE, RAM, V | R | X | A);
    pt2.map(K_DATA, RAM + 0x4000, V | R | W | A);
    env.vsatp = SV32(root2);
    expect(load(env, K_DATA)).toBe(222);
    expect(env.shadow.stats.flushes).toBe(1);
    env.vsatp = SV32(ROOT);
    expect(load(env, K_DATA)).toBe(111);
    expect(env.shadow.stats.flushes).toBe(2);
    // A flushAll before the enter (the satp-write handler's) is not counted twice.
    env.shadow.flushAll();
    env.vsatp = SV32(root2);
    expect(load(env, K_DATA)).toBe(222);
    expect(env.shadow.stats.flushes).toBe(3);
  });
});

describe('the shadow pool', () => {
  it('resets when exhausted, counts it, and carries on', () => {
    env = setup({ poolBytes: 3 * 4096 }); // a root and two tables
    expect(load(env, K_DATA)).toBe(111); // root + table for 0xc00…
    expect(load(env, K_MEGA)).toBe(0x4000); // + table for 0xc04…: full
    expect(env.shadow.stats.poolResets).toBe(0);
    expect(load(env, LAST)).toBe(0xeeee); // a third table: reset, then refill the stub's page
    expect(env.shadow.stats.poolResets).toBe(1);
    expect(env.shadow.poolPagesUsed).toBe(3);
    // Thrash through the three regions: every answer stays right.
    for (let i = 0; i < 3; i++) {
      expect(load(env, K_MEGA + 0x1000)).toBe(0x4001);
      expect(load(env, LAST)).toBe(0xeeee);
      expect(store(env, K_DATA, i)).toBe(true);
    }
    expect(env.mem.read32(RAM + 0x1000)).toBe(2);
    expect(env.shadow.stats.poolResets).toBeGreaterThan(1);
    // A root for another view when the pool is full also resets.
    env.vpriv = Priv.U;
    expect(load(env, U_DATA)).toBe(0x1111);
    expectOnlyRam(env);
  });

  it('refuses a pool of fewer than two pages', () => {
    const mem = new GuestMemory(RAM_BYTES, 4096);
    const hart = new Hart(mem.bus, new EventQueue(), { cyclesPerTick: 100 });
    expect(() => new ShadowMmu(mem, hart, isDevice)).toThrow(/2 pages/);
  });
});

describe('a hostile guest', () => {
  it('cannot reach the pool or anything beyond its RAM, even if isDevice says yes to everything', () => {
    env = setup({ isDevice: () => true });
    const poolBefore = env.mem.shadowPool.u8.slice();
    for (const va of [POOL, ABOVE_4G, T_POOL, T_ABOVE_4G]) {
      for (const access of [Access.Fetch, Access.Load, Access.Store]) {
        env.shadow.enter(Priv.S, env.vsatp, 0);
        const r = env.shadow.handleFault(access, va);
        expect(r.kind).toBe('access-fault');
      }
    }
    expect(env.shadow.mappings()).toEqual([]);
    // The pool holds only the (empty) root: nothing of the guest's choosing was written.
    expect(Buffer.from(env.mem.shadowPool.u8).equals(Buffer.from(poolBefore))).toBe(true);
    // Devices of the guest's own bus answer mmio (the caller then confines them).
    expect(load(env, BEYOND)).toEqual({ kind: 'mmio', gpa: 0x9000_0000 });
  });

  it('random page tables never produce a mapping outside RAM (fuzz)', () => {
    let s = 0x2545_f491;
    const rnd = (): number => {
      s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
      return s;
    };
    // Targets a random PTE may point at: RAM pages, the pool, past RAM, aliases above 4 GiB,
    // devices, and random PPNs.
    const targets = [
      () => RAM + (rnd() % (RAM_BYTES / 4096)) * 4096,
      () => SHADOW_POOL_BASE + (rnd() % 16) * 4096,
      () => RAM_END + (rnd() % 16) * 4096,
      () => 2 ** 32 + RAM + (rnd() % 64) * 4096,
      () => 3 * 2 ** 32 + ROOT,
      () => UART + (rnd() % 9) * 4096,
      () => (rnd() >>> 10) * 4096 * 4,
    ];
    const randomPte = (): number => {
      const target = (targets[rnd() % targets.length] as () => number)();
      return pte(target % 2 ** 34, rnd() & 0xff);
    };
    // A root and eight level-0 tables full of random entries, in guest RAM.
    const root = 0x8030_0000;
    for (let i = 0; i < 9 * 1024; i++) env.mem.write32(root + i * 4, randomPte());
    for (let i = 0; i < 1024; i++) {
      if (rnd() % 2 === 0) env.mem.write32(root + i * 4, pte(root + 0x1000 * (1 + (rnd() % 8)), V));
    }
    env.vsatp = SV32(root);
    const kinds: Record<string, number> = {};
    for (let i = 0; i < 4000; i++) {
      const vpriv = rnd() % 2 === 0 ? Priv.S : Priv.U;
      env.shadow.enter(vpriv, env.vsatp, rnd() & (SSTATUS.SUM | SSTATUS.MXR));
      const access = [Access.Fetch, Access.Load, Access.Store][rnd() % 3] as Access;
      const va = rnd();
      const r = env.shadow.handleFault(access, va);
      kinds[r.kind] = (kinds[r.kind] ?? 0) + 1;
      if (r.kind === 'mmio') {
        expect(isDevice(r.gpa) && access !== Access.Fetch).toBe(true);
      } else if (r.kind === 'filled') {
        const t = env.shadow.translate(access, va);
        expect('gpa' in t && t.gpa >= RAM && t.gpa < RAM_END).toBe(true);
      } else {
        // Fence mode never traces, so never asks for a traced write.
        expect(r.kind).not.toBe('pte-write');
        if (r.kind !== 'pte-write') expect(r.tval).toBe(va >>> 0);
      }
    }
    expectOnlyRam(env);
    // The fuzz reached every outcome.
    expect(Object.keys(kinds).sort()).toEqual(['access-fault', 'filled', 'guest-fault', 'mmio']);
  });

  it('a guest running wild over a hostile table still only touches its own RAM', () => {
    // Load and store through every hostile mapping from guest code; then check the pool
    // holds nothing but RAM mappings and RAM outside the guest's pages is as it was.
    const hostile = [BEYOND, POOL, ABOVE_4G, PAST_END, T_BEYOND, T_POOL, T_ABOVE_4G, K_MEGA + 0x300000];
    for (const va of hostile) {
      expect(store(env, va, 0x6666)).toMatchObject({ kind: 'access-fault', cause: Cause.StoreAccessFault });
      expect(load(env, va)).toMatchObject({ kind: 'access-fault', cause: Cause.LoadAccessFault });
    }
    // The alias of RAM above 4 GiB would have been RAM (0x8000_0000): untouched.
    expect(env.mem.read32(RAM)).toBe(new DataView(STUBS.bytes.buffer).getUint32(0, true));
    expectOnlyRam(env);
  });
});
