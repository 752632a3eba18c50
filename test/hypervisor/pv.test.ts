/**
 * The paravirtual interface, hypervisor side (src/hypervisor/pv*.ts, docs/pv-abi.md).
 *
 * Two kinds of test: handlers called through fabricated hypercall exits (registers set, then
 * the vCPU's PV interface serves the ecall — the kvmtool/Firecracker way of unit-testing exit
 * handlers), and small hand-made PV "kernels" assembled and run as a VM's guest, for what
 * needs the exit loop: the shared info page, delivery with the stack switch, TRAP_RETURN,
 * pinned tables read-only under the shadow, events and interrupt masking by plain stores.
 */
import { describe, expect, it } from 'vitest';
import {
  HYPERCALLS, PV_ARG, PV_BLK, PV_EVENT, PV_EXT, PV_MMU_UPDATE, PV_MULTICALL, PV_RING, PV_SHARED,
} from '../../src/abi/hypercalls.js';
import { SBI_ERR } from '../../src/abi/sbi.js';
import { KERNEL_BASE } from '../../src/guest/image.js';
import { Cause, CAUSE_INTERRUPT, Interrupt, causeName } from '../../src/isa/causes.js';
import { MIP, PTE, SSTATUS } from '../../src/isa/csr.js';
import { MemoryDisk } from '../../src/machine/devices/disk.js';
import { SHADOW_POOL_BASE } from '../../src/hypervisor/guest-memory.js';
import { Hypervisor } from '../../src/hypervisor/hypervisor.js';
import { HC } from '../../src/abi/hypercalls.js';
import { hypercallHandlerCoverage } from '../../src/hypervisor/trap-emulate/paravirt.js';
import type { Vm, VmConfig } from '../../src/hypervisor/vm.js';
import { PRESET, RAM, kernelImage } from './helpers.js';
import type { GuestImage } from '../../src/guest/image.js';
import { itemCycles } from '../../src/hypervisor/cost-table.js';
import { VIRT } from '../../src/machine/memory-map.js';

const RAM_BASE = 0x8000_0000;
const RAM_END = RAM_BASE + RAM;
const POOL = SHADOW_POOL_BASE;
const { V, R, W, X, U, A, D } = PTE;
const pte = (pa: number, flags: number): number => ((Math.floor(pa / 4096) * 1024) + flags) >>> 0;
const SATP_SV32 = 0x8000_0000;
const satpOf = (root: number): number => (SATP_SV32 | (root / 4096)) >>> 0;

// ---- fabricated hypercalls ------------------------------------------------------------------

/** A VM under the paravirt technique whose guest just spins (so the hart has run, the shadow
 *  has a context, and nothing in the guest interferes). */
function spinningVm(extra: Partial<VmConfig> = {}): Vm {
  const hv = new Hypervisor();
  const vm = hv.createVm({
    name: 'pv', build: 'unmodified', preset: PRESET, ramBytes: RAM,
    technique: 'paravirt', image: kernelImage('.globl _start\n_start: j _start\n'), ...extra,
  });
  vm.powerOn();
  vm.runFor(1000);
  return vm;
}

/** Serve one hypercall as if the guest kernel had executed `ecall` with these registers. */
function call(vm: Vm, fn: number, ...args: number[]): { error: number; value: number } {
  const v = vm.trapEmulation;
  const x = v.hart.x;
  x[17] = PV_EXT | 0;
  x[16] = fn | 0;
  for (let i = 0; i < 6; i++) x[10 + i] = (args[i] ?? 0) | 0;
  const pc = v.hart.pc;
  v.pv.serve();
  if (fn !== HC.TRAP_RETURN) v.hart.pc = pc; // keep the spinning guest spinning
  return { error: x[10] as number, value: (x[11] as number) >>> 0 };
}

const OK = (value = 0) => ({ error: SBI_ERR.SUCCESS, value });
const ERR = (error: number, value = 0) => ({ error, value });
const w32 = (vm: Vm, gpa: number, value: number) => vm.mem.write32(gpa, value >>> 0);
const r32 = (vm: Vm, gpa: number) => vm.mem.read32(gpa) as number;

function writeUpdates(vm: Vm, list: number, entries: [number, number, number?][]): void {
  entries.forEach(([ptr, value, flush], i) => {
    const at = list + i * PV_MMU_UPDATE.SIZE;
    w32(vm, at + PV_MMU_UPDATE.PTE_GPA, ptr);
    w32(vm, at + PV_MMU_UPDATE.VALUE, value);
    w32(vm, at + PV_MMU_UPDATE.FLUSH_VA, flush ?? PV_ARG.NO_FLUSH);
  });
}

describe('the hypercall table', () => {
  it('has a handler for every hypercall of src/abi/hypercalls.ts and for nothing else', () => {
    expect(hypercallHandlerCoverage()).toEqual({ missing: [], extra: [] });
    expect(Object.keys(HC).sort()).toEqual(HYPERCALLS.map((h) => h.name).sort());
  });

  it('an unknown function is NOT_SUPPORTED, and the guest keeps running', () => {
    const vm = spinningVm();
    for (const fn of [HYPERCALLS.length, 99, 0x7fff_ffff, 0xffff_ffff]) expect(call(vm, fn)).toEqual(ERR(SBI_ERR.NOT_SUPPORTED));
    vm.runFor(10_000);
    expect(vm.state).toBe('running');
    expect(vm.accounting.hypercalls.unknown).toBe(4);
  });

  it('under trap-emulate the PV extension does not exist: an SBI call answered NOT_SUPPORTED', () => {
    const vm = runKernel(`
_start:
    li a0, 0
    HC SHUTDOWN          # not a hypercall here: SBI says NOT_SUPPORTED and the guest goes on
    REC
    SBI_SHUTDOWN
`, { technique: 'trap-emulate' });
    expect(vm.stopReason).toEqual({ kind: 'shutdown', code: 0 });
    expect(records(vm, 1)).toEqual([[SBI_ERR.NOT_SUPPORTED, 0]]);
    expect(vm.accounting.exits.hypercall).toBe(0);
  });
});

describe('SET_SHARED_INFO and SET_CALLBACK', () => {
  it('accept a page of RAM and an aligned entry; refuse everything else', () => {
    const vm = spinningVm();
    for (const bad of [0, 1, RAM_BASE + 4, RAM_END, RAM_END - 4096 + 8, POOL, 0x1000_0000, 0xffff_f000]) {
      expect(call(vm, HC.SET_SHARED_INFO, bad)).toEqual(ERR(SBI_ERR.INVALID_ADDRESS));
    }
    expect(vm.trapEmulation.pv.active).toBe(false);
    expect(call(vm, HC.SET_SHARED_INFO, RAM_END - 4096)).toEqual(OK());
    expect(vm.trapEmulation.pv.shared).toBe(RAM_END - 4096);
    for (const bad of [KERNEL_BASE + 1, KERNEL_BASE + 2, 3]) expect(call(vm, HC.SET_CALLBACK, bad)).toEqual(ERR(SBI_ERR.INVALID_ADDRESS));
    expect(call(vm, HC.SET_CALLBACK, 0xc000_0100)).toEqual(OK());
    expect(vm.trapEmulation.vcsr.stvec).toBe(0xc000_0100);
    expect(vm.trapEmulation.pv.callback).toBe(true);
  });

  it('the hypervisor keeps the registered page current at every entry', () => {
    const vm = spinningVm();
    const page = RAM_BASE + 0x10_0000;
    call(vm, HC.SET_SHARED_INFO, page);
    vm.trapEmulation.vcsr.sepc = 0x1234;
    vm.trapEmulation.vcsr.sscratch = 0xabcd;
    vm.runFor(5000);
    expect(r32(vm, page + PV_SHARED.SEPC)).toBe(0x1234);
    expect(r32(vm, page + PV_SHARED.SSCRATCH)).toBe(0xabcd);
    // time at the last entry, in ticks of the VM's own clock
    const time = r32(vm, page + PV_SHARED.TIME_LO);
    expect(time).toBeGreaterThan(0);
    expect(time).toBeLessThanOrEqual(vm.trapEmulation.hart.mtime());
  });

  it('the shared info page cannot be a pinned page table, nor be pinned later', () => {
    const vm = spinningVm();
    const page = RAM_BASE + 0x10_0000;
    expect(call(vm, HC.PIN_TABLE, page)).toEqual(OK());
    expect(call(vm, HC.SET_SHARED_INFO, page)).toEqual(ERR(SBI_ERR.DENIED));
    expect(call(vm, HC.SET_SHARED_INFO, page + 4096)).toEqual(OK());
    expect(call(vm, HC.PIN_TABLE, page + 4096)).toEqual(ERR(SBI_ERR.DENIED));
  });
});

describe('pinning and MMU_UPDATE (Xen\'s direct paging)', () => {
  const ROOT = RAM_BASE + 0x40_0000;
  const L2 = ROOT + 0x1000;
  const DATA = ROOT + 0x2000;
  const LIST = ROOT + 0x3000;

  it('PIN_TABLE validates every entry, refuses bad pages, and is not repeatable', () => {
    const vm = spinningVm();
    expect(call(vm, HC.PIN_TABLE, ROOT + 8)).toEqual(ERR(SBI_ERR.INVALID_ADDRESS));
    expect(call(vm, HC.PIN_TABLE, RAM_END)).toEqual(ERR(SBI_ERR.INVALID_ADDRESS));
    expect(call(vm, HC.PIN_TABLE, POOL)).toEqual(ERR(SBI_ERR.INVALID_ADDRESS));
    expect(call(vm, HC.PIN_TABLE, 0x1000_0000)).toEqual(ERR(SBI_ERR.INVALID_ADDRESS));
    // A page whose entry 7 maps the shadow pool is no page table.
    w32(vm, ROOT + 4 * 3, pte(RAM_BASE, V | R | W | X | A | D));
    w32(vm, ROOT + 4 * 7, pte(POOL, V | R | W | A | D));
    expect(call(vm, HC.PIN_TABLE, ROOT)).toEqual(ERR(SBI_ERR.INVALID_PARAM, 7));
    expect(vm.trapEmulation.pv.mmu.isPinned(ROOT)).toBe(false);
    w32(vm, ROOT + 4 * 7, 0);
    expect(call(vm, HC.PIN_TABLE, ROOT)).toEqual(OK());
    expect(call(vm, HC.PIN_TABLE, ROOT)).toEqual(ERR(SBI_ERR.ALREADY_AVAILABLE));
    expect(vm.trapEmulation.pv.mmu.pinnedPages).toBe(1);
  });

  it.each([
    ['a leaf into the shadow pool', pte(POOL + 0x1000, V | R | W | A | D)],
    ['a megapage over the shadow pool', pte(POOL, V | R | A)],
    ['a megapage ending inside the pool', pte(POOL - 0x40_0000 + 0x40_0000, V | R)],
    ['a leaf just past RAM', pte(RAM_END, V | R | W)],
    ['a megapage past RAM', pte(RAM_END, V | R | W | X)],
    ['a leaf above 4 GiB that aliases RAM modulo 2^32', pte(0x1_8000_0000, V | R | W)],
    ['the highest frame number', (0x3f_ffff << 10 | V | R) >>> 0],
    ['W without R (reserved)', pte(RAM_BASE + 0x50_0000, V | W)],
    ['a table pointer to a page that is not pinned', pte(RAM_BASE + 0x50_0000, V)],
    ['a table pointer into the pool', pte(POOL, V)],
    ['a table pointer past RAM', pte(RAM_END, V)],
  ])('MMU_UPDATE refuses %s: stops there with INVALID_PARAM and the count applied', (_what, value) => {
    const vm = spinningVm();
    expect(call(vm, HC.PIN_TABLE, ROOT)).toEqual(OK());
    writeUpdates(vm, LIST, [[ROOT + 0x200 * 4, pte(RAM_BASE, V | R | W | X | A | D)], [ROOT + 4, value], [ROOT + 8, pte(DATA, V | R)]]);
    expect(call(vm, HC.MMU_UPDATE, LIST, 3)).toEqual(ERR(SBI_ERR.INVALID_PARAM, 1));
    expect(r32(vm, ROOT + 0x200 * 4)).toBe(pte(RAM_BASE, V | R | W | X | A | D));
    expect(r32(vm, ROOT + 4)).toBe(0);
    expect(r32(vm, ROOT + 8)).toBe(0);
    expect(vm.state).toBe('running');
  });

  it.each([
    ['a 4 KiB leaf of RAM', pte(DATA, V | R | W | A | D)],
    ['a RAM megapage', pte(RAM_BASE + 0x1c0_0000, V | R | W | X)],
    ['a device megapage (the UART\'s)', pte(0x1000_0000, V | R | W)],
    ['a device page just below the pool', pte(POOL - 0x1000, V | R | W)],
    ['a megapage ending exactly at the pool', pte(POOL - 0x40_0000, V | R)],
    ['a page just past the pool', pte(POOL + vmPoolBytes(), V | R | W)],
    ['an invalid entry with junk in it', 0xffff_fffe],
    ['a pointer to a pinned table', -1],
  ])('MMU_UPDATE accepts %s', (_what, value) => {
    const vm = spinningVm();
    expect(call(vm, HC.PIN_TABLE, ROOT)).toEqual(OK());
    expect(call(vm, HC.PIN_TABLE, L2)).toEqual(OK());
    const v = value === -1 ? pte(L2, V) : value;
    writeUpdates(vm, LIST, [[ROOT + 4, v]]);
    expect(call(vm, HC.MMU_UPDATE, LIST, 1)).toEqual(OK(1));
    expect(r32(vm, ROOT + 4)).toBe(v >>> 0);
  });

  it('MMU_UPDATE refuses bad lists, counts and target addresses before or at the bad entry', () => {
    const vm = spinningVm();
    expect(call(vm, HC.PIN_TABLE, ROOT)).toEqual(OK());
    writeUpdates(vm, LIST, [[ROOT, 0], [ROOT + 4, 0]]);
    expect(call(vm, HC.MMU_UPDATE, LIST, 0)).toEqual(OK(0));
    expect(call(vm, HC.MMU_UPDATE, LIST, 1025)).toEqual(ERR(SBI_ERR.INVALID_PARAM));
    expect(call(vm, HC.MMU_UPDATE, LIST, 0xffff_ffff)).toEqual(ERR(SBI_ERR.INVALID_PARAM));
    expect(call(vm, HC.MMU_UPDATE, LIST + 2, 1)).toEqual(ERR(SBI_ERR.INVALID_ADDRESS));
    expect(call(vm, HC.MMU_UPDATE, POOL, 1)).toEqual(ERR(SBI_ERR.INVALID_ADDRESS));
    expect(call(vm, HC.MMU_UPDATE, RAM_END - 12, 2)).toEqual(ERR(SBI_ERR.INVALID_ADDRESS)); // runs off the end
    expect(call(vm, HC.MMU_UPDATE, 0xffff_fff4, 2)).toEqual(ERR(SBI_ERR.INVALID_ADDRESS)); // would wrap
    // Targets: not in a pinned page, misaligned, outside RAM, in the pool.
    for (const target of [DATA, ROOT + 2, RAM_END, POOL, 0]) {
      writeUpdates(vm, LIST, [[ROOT + 0x10, pte(DATA, V | R)], [target, pte(DATA, V | R)]]);
      expect(call(vm, HC.MMU_UPDATE, LIST, 2)).toEqual(ERR(SBI_ERR.INVALID_PARAM, 1));
    }
    expect(r32(vm, DATA)).toBe(0);
    expect(vm.state).toBe('running');
  });

  it('SET_PT_BASE takes only a pinned root (or paging off); UNPIN refuses the current root', () => {
    const vm = spinningVm();
    expect(call(vm, HC.SET_PT_BASE, satpOf(ROOT))).toEqual(ERR(SBI_ERR.INVALID_PARAM));
    expect(call(vm, HC.SET_PT_BASE, satpOf(POOL))).toEqual(ERR(SBI_ERR.INVALID_PARAM));
    expect(call(vm, HC.SET_PT_BASE, satpOf(0xffff_f000))).toEqual(ERR(SBI_ERR.INVALID_PARAM));
    expect(vm.trapEmulation.vcsr.satp).toBe(0);
    expect(call(vm, HC.PIN_TABLE, ROOT)).toEqual(OK());
    expect(call(vm, HC.SET_PT_BASE, satpOf(ROOT))).toEqual(OK());
    expect(vm.trapEmulation.vcsr.satp).toBe(satpOf(ROOT));
    expect(call(vm, HC.UNPIN_TABLE, ROOT)).toEqual(ERR(SBI_ERR.DENIED));
    expect(call(vm, HC.UNPIN_TABLE, L2)).toEqual(ERR(SBI_ERR.INVALID_PARAM));
    expect(call(vm, HC.UNPIN_TABLE, ROOT + 4)).toEqual(ERR(SBI_ERR.INVALID_ADDRESS));
    expect(call(vm, HC.UNPIN_TABLE, POOL)).toEqual(ERR(SBI_ERR.INVALID_ADDRESS));
    expect(call(vm, HC.SET_PT_BASE, 0)).toEqual(OK());
    expect(call(vm, HC.UNPIN_TABLE, ROOT)).toEqual(OK());
    expect(vm.trapEmulation.pv.mmu.pinnedPages).toBe(0);
  });

  it('keeps each pinned address space\'s shadow across SET_PT_BASE; an unflushed change makes the next switch drop all', () => {
    const vm = spinningVm();
    const ROOT_B = ROOT + 0x8000;
    const kernel = pte(RAM_BASE, V | R | W | X | A | D);
    for (const root of [ROOT, ROOT_B]) {
      w32(vm, root + 0x200 * 4, kernel); // the spinning kernel, mapped before the pin
      expect(call(vm, HC.PIN_TABLE, root)).toEqual(OK());
    }
    const s = vm.trapEmulation.shadow.stats;
    const step = (root: number) => {
      expect(call(vm, HC.SET_PT_BASE, satpOf(root))).toEqual(OK());
      vm.runFor(2000);
      expect(vm.state).toBe('running');
    };
    step(ROOT);
    const fills = s.fills;
    step(ROOT_B);
    expect(s.fills).toBe(fills + 1); // B's own fill of the code page
    const flushes = s.flushes;
    step(ROOT);
    step(ROOT_B);
    expect(s.fills).toBe(fills + 1); // both kept: no refill, no flush
    expect(s.flushes).toBe(flushes);
    expect(vm.trapEmulation.shadow.keptSpaces).toBe(2); // A, and the bare space of boot
    // A valid entry of A changes with no flush: A's kept shadow may be stale, so the next
    // switch flushes everything, as the guest was promised.
    writeUpdates(vm, LIST, [[ROOT + 0x200 * 4, pte(RAM_BASE, V | R | X | A)]]);
    expect(call(vm, HC.MMU_UPDATE, LIST, 1)).toEqual(OK(1));
    expect(s.flushes).toBe(flushes);
    const before = s.fills;
    step(ROOT);
    expect(s.flushes).toBe(flushes + 1);
    step(ROOT_B);
    expect(s.fills).toBe(before + 2); // both refilled
    // Unpinning (or pinning) a root forgets whatever was kept of it.
    expect(vm.trapEmulation.shadow.keptSpaces).toBe(1);
    expect(call(vm, HC.UNPIN_TABLE, ROOT)).toEqual(OK());
    expect(vm.trapEmulation.shadow.keptSpaces).toBe(0);
  });

  it('MMU_UPDATE flushes the page named by flush_va, and conservatively everything when a table pointer changes', () => {
    const vm = spinningVm();
    call(vm, HC.PIN_TABLE, ROOT);
    call(vm, HC.PIN_TABLE, L2);
    const before = vm.trapEmulation.shadow.stats.flushes;
    writeUpdates(vm, LIST, [[ROOT, pte(L2, V)], [L2 + 4, pte(DATA, V | R | W), 0x1000], [ROOT, pte(L2, V)]]);
    expect(call(vm, HC.MMU_UPDATE, LIST, 3)).toEqual(OK(3));
    expect(vm.trapEmulation.shadow.stats.flushes).toBe(before + 1); // flush_va only; same pointer rewritten
    writeUpdates(vm, LIST, [[ROOT, 0]]);
    expect(call(vm, HC.MMU_UPDATE, LIST, 1)).toEqual(OK(1));
    expect(vm.trapEmulation.shadow.stats.flushes).toBe(before + 2); // a pointer removed: flush all
  });

  it('TLB_FLUSH drops one page or everything', () => {
    const vm = spinningVm();
    const s = vm.trapEmulation.shadow.stats;
    const f = s.flushes;
    expect(call(vm, HC.TLB_FLUSH, 0x1234_5000)).toEqual(OK());
    expect(call(vm, HC.TLB_FLUSH, PV_ARG.FLUSH_ALL)).toEqual(OK());
    expect(s.flushes).toBe(f + 2);
  });
});

/** The pool size of a default VM of RAM bytes (the first page past it is device window). */
function vmPoolBytes(): number {
  return Math.max(256 * 1024, RAM / 64);
}

describe('CONSOLE_WRITE', () => {
  it('writes a whole buffer in one call; refuses long, outside and wrapping buffers', () => {
    const vm = spinningVm();
    const buf = RAM_BASE + 0x30_0000;
    vm.mem.load(buf, new TextEncoder().encode('hello, hypervisor\n'));
    expect(call(vm, HC.CONSOLE_WRITE, buf, 18)).toEqual(OK(18));
    expect(vm.console).toBe('hello, hypervisor\n');
    expect(call(vm, HC.CONSOLE_WRITE, buf, 0)).toEqual(OK(0));
    expect(call(vm, HC.CONSOLE_WRITE, buf, 4097)).toEqual(ERR(SBI_ERR.INVALID_PARAM));
    expect(call(vm, HC.CONSOLE_WRITE, buf, 0xffff_ffff)).toEqual(ERR(SBI_ERR.INVALID_PARAM));
    expect(call(vm, HC.CONSOLE_WRITE, RAM_END - 10, 11)).toEqual(ERR(SBI_ERR.INVALID_ADDRESS));
    expect(call(vm, HC.CONSOLE_WRITE, POOL, 16)).toEqual(ERR(SBI_ERR.INVALID_ADDRESS));
    expect(call(vm, HC.CONSOLE_WRITE, 0xffff_fff0, 0x20)).toEqual(ERR(SBI_ERR.INVALID_ADDRESS));
    expect(call(vm, HC.CONSOLE_WRITE, 0x1000_0000, 1)).toEqual(ERR(SBI_ERR.INVALID_ADDRESS));
    expect(vm.console).toBe('hello, hypervisor\n');
    // One device emulation for the call, and the host's UART output of its 18 bytes.
    expect(vm.accounting.cycles.devices).toBe(PRESET.deviceEmulation + 18 * itemCycles('host-console-byte', PRESET));
  });
});

describe('the block ring', () => {
  const RING = RAM_BASE + 0x60_0000;
  const BUF = RING + 0x1000;
  const SECTOR = 512;

  function diskImage(): Uint8Array {
    const d = new Uint8Array(64 * SECTOR);
    for (let i = 0; i < d.length; i++) d[i] = (i * 7 + (i >> 9)) & 0xff;
    return d;
  }

  function putRequest(vm: Vm, index: number, op: number, sector: number, buf: number, count: number, id: number): void {
    const at = RING + PV_RING.REQUESTS + (index % PV_RING.SLOTS) * PV_RING.REQ_SIZE;
    w32(vm, at + PV_RING.REQ_OP, op);
    w32(vm, at + PV_RING.REQ_SECTOR, sector);
    w32(vm, at + PV_RING.REQ_BUF, buf);
    w32(vm, at + PV_RING.REQ_COUNT, count);
    w32(vm, at + PV_RING.REQ_ID, id);
  }

  function response(vm: Vm, index: number): [number, number] {
    const at = RING + PV_RING.RESPONSES + (index % PV_RING.SLOTS) * PV_RING.RSP_SIZE;
    return [r32(vm, at + PV_RING.RSP_ID), r32(vm, at + PV_RING.RSP_STATUS)];
  }

  it('BLK_SETUP returns the capacity; refuses bad rings; NOT_SUPPORTED without a disk', () => {
    const vm = spinningVm({ disk: diskImage() });
    expect(call(vm, HC.BLK_NOTIFY)).toEqual(ERR(SBI_ERR.INVALID_PARAM)); // no ring yet
    for (const bad of [RING + 4, RAM_END, POOL, 0]) expect(call(vm, HC.BLK_SETUP, bad)).toEqual(ERR(SBI_ERR.INVALID_ADDRESS));
    call(vm, HC.PIN_TABLE, BUF);
    expect(call(vm, HC.BLK_SETUP, BUF)).toEqual(ERR(SBI_ERR.DENIED));
    expect(call(vm, HC.BLK_SETUP, RING)).toEqual(OK(64));
    expect(r32(vm, RING + PV_RING.REQ_EVENT)).toBe(1);
    expect(call(vm, HC.PIN_TABLE, RING)).toEqual(ERR(SBI_ERR.DENIED));
    const none = spinningVm({ disk: false });
    expect(call(none, HC.BLK_SETUP, RING)).toEqual(ERR(SBI_ERR.NOT_SUPPORTED));
    expect(call(none, HC.BLK_NOTIFY)).toEqual(ERR(SBI_ERR.NOT_SUPPORTED));
  });

  it('one notify consumes a batch: reads, writes, responses in order, and one block event', () => {
    const disk = diskImage();
    const vm = spinningVm({ disk });
    call(vm, HC.SET_SHARED_INFO, RAM_BASE + 0x70_0000);
    expect(call(vm, HC.BLK_SETUP, RING)).toEqual(OK(64));
    // read sectors 3..4; write 1 sector from BUF+0x1000 to sector 10; read sector 10 back
    vm.mem.load(BUF + 0x1000, new Uint8Array(SECTOR).fill(0x5a));
    putRequest(vm, 0, PV_BLK.OP_READ, 3, BUF, 2, 100);
    putRequest(vm, 1, PV_BLK.OP_WRITE, 10, BUF + 0x1000, 1, 101);
    putRequest(vm, 2, PV_BLK.OP_READ, 10, BUF + 0x2000, 1, 102);
    w32(vm, RING + PV_RING.RSP_EVENT, 3); // notify me once all three are done
    w32(vm, RING + PV_RING.REQ_PROD, 3);
    const dev = vm.accounting.cycles.devices;
    expect(call(vm, HC.BLK_NOTIFY)).toEqual(OK(3));
    expect([response(vm, 0), response(vm, 1), response(vm, 2)]).toEqual([[100, 0], [101, 0], [102, 0]]);
    expect(r32(vm, RING + PV_RING.RSP_PROD)).toBe(3);
    expect(r32(vm, RING + PV_RING.REQ_EVENT)).toBe(4);
    expect(Array.from(vm.mem.ram.u8.subarray(BUF - RAM_BASE, BUF - RAM_BASE + 2 * SECTOR))).toEqual(Array.from(disk.subarray(3 * SECTOR, 5 * SECTOR)));
    expect(disk.subarray(10 * SECTOR, 11 * SECTOR).every((b) => b === 0x5a)).toBe(true);
    expect(vm.mem.ram.u8[BUF + 0x2000 - RAM_BASE]).toBe(0x5a);
    // One device service, each request's ring work, and the host's own disk request per request.
    expect(vm.accounting.cycles.devices - dev).toBe(PRESET.deviceEmulation + 3 * 2 * PRESET.pteRead + 3 * itemCycles('host-blk-request', PRESET));
    // The block event: an events bit and SEIP, visible in the shared page at the next entry.
    expect(vm.trapEmulation.pv.pendingEvents & PV_EVENT.BLOCK).toBe(PV_EVENT.BLOCK);
    expect(vm.trapEmulation.vcsr.sip & MIP.SEIP).toBe(MIP.SEIP);
    vm.runFor(1000);
    expect(r32(vm, RAM_BASE + 0x70_0000 + PV_SHARED.EVENTS)).toBe(PV_EVENT.BLOCK);
    expect(r32(vm, RAM_BASE + 0x70_0000 + PV_SHARED.SIP) & MIP.SEIP).toBe(MIP.SEIP);
    // The guest clears the bit (a store while it runs): SEIP drops at the next exit.
    w32(vm, RAM_BASE + 0x70_0000 + PV_SHARED.EVENTS, 0);
    vm.trapEmulation.pv.load();
    vm.trapEmulation.updateSip();
    expect(vm.trapEmulation.pv.pendingEvents).toBe(0);
    expect(vm.trapEmulation.vcsr.sip & MIP.SEIP).toBe(0);
  });

  it('raises the event only when rsp_prod passes rsp_event (Xen\'s check), indices wrapping', () => {
    const vm = spinningVm({ disk: diskImage() });
    call(vm, HC.SET_SHARED_INFO, RAM_BASE + 0x70_0000);
    // Start near the top of the index space: free-running indices wrap through 2^32.
    const start = 0xffff_fffe;
    w32(vm, RING + PV_RING.REQ_PROD, start);
    w32(vm, RING + PV_RING.RSP_PROD, start);
    expect(call(vm, HC.BLK_SETUP, RING)).toEqual(OK(64));
    for (let i = 0; i < 4; i++) putRequest(vm, (start + i) >>> 0, PV_BLK.OP_READ, i, BUF, 1, i);
    w32(vm, RING + PV_RING.REQ_PROD, (start + 2) >>> 0);
    w32(vm, RING + PV_RING.RSP_EVENT, (start + 10) >>> 0); // not yet
    expect(call(vm, HC.BLK_NOTIFY)).toEqual(OK(2));
    expect(vm.trapEmulation.pv.pendingEvents).toBe(0);
    w32(vm, RING + PV_RING.REQ_PROD, (start + 4) >>> 0);
    w32(vm, RING + PV_RING.RSP_EVENT, (start + 3) >>> 0); // inside (old, new]
    expect(call(vm, HC.BLK_NOTIFY)).toEqual(OK(2));
    expect(vm.trapEmulation.pv.pendingEvents).toBe(PV_EVENT.BLOCK);
    expect(r32(vm, RING + PV_RING.RSP_PROD)).toBe(2);
    expect(response(vm, (start + 3) >>> 0)).toEqual([3, PV_BLK.STATUS_OK]);
    expect(call(vm, HC.BLK_NOTIFY)).toEqual(OK(0)); // nothing new
  });

  it('bad requests get an error response; good ones around them still complete', () => {
    const disk = diskImage();
    const vm = spinningVm({ disk });
    expect(call(vm, HC.BLK_SETUP, RING)).toEqual(OK(64));
    const table = RAM_BASE + 0x68_0000;
    call(vm, HC.PIN_TABLE, table);
    const bad: [number, number, number, number][] = [
      [7, 0, BUF, 1], // unknown op
      [PV_BLK.OP_READ, 0, BUF, 0], // no sectors
      [PV_BLK.OP_READ, 0, BUF, 9], // too many
      [PV_BLK.OP_READ, 63, BUF, 2], // past the end of the disk
      [PV_BLK.OP_READ, 0xffff_ffff, BUF, 1], // far past it
      [PV_BLK.OP_READ, 0, RAM_END - 512, 2], // buffer runs off RAM
      [PV_BLK.OP_READ, 0, POOL, 1], // into the shadow pool
      [PV_BLK.OP_WRITE, 0, 0x1000_0000, 1], // from a device
      [PV_BLK.OP_READ, 0, table, 1], // into a pinned page table
      [PV_BLK.OP_READ, 0, 0xffff_ff00, 1], // wraps
    ];
    putRequest(vm, 0, PV_BLK.OP_READ, 1, BUF, 1, 1000);
    bad.forEach(([op, sector, buf, count], i) => putRequest(vm, i + 1, op, sector, buf, count, i));
    putRequest(vm, bad.length + 1, PV_BLK.OP_READ, 2, BUF + 512, 1, 1001);
    w32(vm, RING + PV_RING.REQ_PROD, bad.length + 2);
    expect(call(vm, HC.BLK_NOTIFY)).toEqual(OK(bad.length + 2));
    expect(response(vm, 0)).toEqual([1000, PV_BLK.STATUS_OK]);
    bad.forEach((_b, i) => expect(response(vm, i + 1)).toEqual([i, PV_BLK.STATUS_ERROR]));
    expect(response(vm, bad.length + 1)).toEqual([1001, PV_BLK.STATUS_OK]);
    expect(vm.trapEmulation.pv.blk.errors).toBe(bad.length);
    expect(vm.mem.ram.u8.subarray(table - RAM_BASE, table - RAM_BASE + 4096).every((b) => b === 0)).toBe(true);
  });

  it('never consumes more than a ring of requests per notify', () => {
    const vm = spinningVm({ disk: diskImage() });
    call(vm, HC.BLK_SETUP, RING);
    for (let i = 0; i < PV_RING.SLOTS; i++) putRequest(vm, i, PV_BLK.OP_READ, 0, BUF, 1, i);
    w32(vm, RING + PV_RING.REQ_PROD, 1000);
    expect(call(vm, HC.BLK_NOTIFY)).toEqual(ERR(SBI_ERR.INVALID_PARAM, PV_RING.SLOTS));
    w32(vm, RING + PV_RING.REQ_PROD, 0x8000_0000);
    expect(call(vm, HC.BLK_NOTIFY)).toEqual(ERR(SBI_ERR.INVALID_PARAM, PV_RING.SLOTS));
    expect(vm.state).toBe('running');
  });

  it('a read-only disk refuses writes', () => {
    const vm = spinningVm({ disk: new MemoryDisk(diskImage(), { readOnly: true }) });
    call(vm, HC.BLK_SETUP, RING);
    putRequest(vm, 0, PV_BLK.OP_WRITE, 0, BUF, 1, 5);
    w32(vm, RING + PV_RING.REQ_PROD, 1);
    expect(call(vm, HC.BLK_NOTIFY)).toEqual(OK(1));
    expect(response(vm, 0)).toEqual([5, PV_BLK.STATUS_ERROR]);
  });
});

describe('MULTICALL', () => {
  const LIST = RAM_BASE + 0x50_0000;
  const TEXT = LIST + 0x1000;

  function putCalls(vm: Vm, calls: number[][]): void {
    calls.forEach(([fn, ...args], i) => {
      const at = LIST + i * PV_MULTICALL.SIZE;
      w32(vm, at + PV_MULTICALL.FUNCTION, fn as number);
      for (let k = 0; k < PV_MULTICALL.ARG_COUNT; k++) w32(vm, at + PV_MULTICALL.ARGS + 4 * k, args[k] ?? 0);
      w32(vm, at + PV_MULTICALL.ERROR, 0xdead0); // even: harmless as page-table entries
      w32(vm, at + PV_MULTICALL.VALUE, 0xbeef0);
    });
  }

  function results(vm: Vm, n: number): [number, number][] {
    return Array.from({ length: n }, (_x, i) => [
      r32(vm, LIST + i * PV_MULTICALL.SIZE + PV_MULTICALL.ERROR) | 0,
      r32(vm, LIST + i * PV_MULTICALL.SIZE + PV_MULTICALL.VALUE),
    ]);
  }

  it('makes every call, stores each result, and refuses TRAP_RETURN and MULTICALL inside', () => {
    const vm = spinningVm();
    vm.mem.load(TEXT, new TextEncoder().encode('ab'));
    putCalls(vm, [
      [HC.CONSOLE_WRITE, TEXT, 2],
      [HC.TRAP_RETURN],
      [HC.MULTICALL, LIST, 1],
      [77],
      [HC.CONSOLE_WRITE, TEXT, 5000],
      [HC.TLB_FLUSH, PV_ARG.FLUSH_ALL],
      [HC.CONSOLE_WRITE, TEXT + 1, 1],
    ]);
    const hcCycles = vm.accounting.cycles.hypercalls;
    const pc = vm.trapEmulation.hart.pc;
    expect(call(vm, HC.MULTICALL, LIST, 7)).toEqual(OK(7));
    expect(vm.trapEmulation.hart.pc).toBe(pc);
    expect(results(vm, 7)).toEqual([
      [0, 2], [SBI_ERR.INVALID_PARAM, 0], [SBI_ERR.INVALID_PARAM, 0], [SBI_ERR.NOT_SUPPORTED, 0],
      [SBI_ERR.INVALID_PARAM, 0], [0, 0], [0, 1],
    ]);
    expect(vm.console).toBe('abb');
    // One dispatch per call made (the multicall's exit is what is saved).
    expect(vm.accounting.cycles.hypercalls - hcCycles).toBe(8 * PRESET.hypercall);
    expect(vm.accounting.hypercalls.CONSOLE_WRITE).toBe(3);
  });

  it('refuses a long, outside or pinned list; SHUTDOWN inside ends it', () => {
    const vm = spinningVm();
    expect(call(vm, HC.MULTICALL, LIST, 65)).toEqual(ERR(SBI_ERR.INVALID_PARAM));
    expect(call(vm, HC.MULTICALL, LIST + 2, 1)).toEqual(ERR(SBI_ERR.INVALID_ADDRESS));
    expect(call(vm, HC.MULTICALL, RAM_END - 32, 2)).toEqual(ERR(SBI_ERR.INVALID_ADDRESS));
    expect(call(vm, HC.MULTICALL, POOL, 1)).toEqual(ERR(SBI_ERR.INVALID_ADDRESS));
    call(vm, HC.PIN_TABLE, LIST + 0x2000);
    expect(call(vm, HC.MULTICALL, LIST + 0x2000 - 32, 2)).toEqual(ERR(SBI_ERR.DENIED));
    // A call that pins the list's own page: its result is not written into a page table.
    putCalls(vm, [[HC.PIN_TABLE, LIST], [HC.EVENT_CHECK]]);
    expect(call(vm, HC.MULTICALL, LIST, 2)).toEqual(ERR(SBI_ERR.DENIED, 1));
    expect(r32(vm, LIST + PV_MULTICALL.ERROR)).toBe(0xdead0);
    const vm2 = spinningVm();
    putCalls(vm2, [[HC.EVENT_CHECK], [HC.SHUTDOWN, 9], [HC.EVENT_CHECK]]);
    expect(call(vm2, HC.MULTICALL, LIST, 3)).toEqual(OK(2));
    expect(vm2.stopReason).toEqual({ kind: 'shutdown', code: 9 });
  });
});

describe('SET_TIMER, BLOCK, YIELD, SHUTDOWN', () => {
  it('SET_TIMER raises the timer event and STIP when due; re-arming clears both', () => {
    const vm = spinningVm();
    call(vm, HC.SET_SHARED_INFO, RAM_BASE + 0x70_0000);
    expect(call(vm, HC.SET_TIMER, 0, 0)).toEqual(OK());
    expect(vm.trapEmulation.pv.pendingEvents).toBe(PV_EVENT.TIMER);
    expect(vm.trapEmulation.vcsr.sip).toBe(MIP.STIP);
    const later = vm.trapEmulation.hart.mtime() + 100;
    expect(call(vm, HC.SET_TIMER, later, 0)).toEqual(OK());
    expect(vm.trapEmulation.pv.pendingEvents).toBe(0);
    expect(vm.trapEmulation.vcsr.sip).toBe(0);
    vm.runFor(100 * (PRESET.coreHz / VIRT.TIMEBASE_HZ) + 1000); // 100 ticks of the preset's clock
    expect(vm.trapEmulation.pv.pendingEvents).toBe(PV_EVENT.TIMER);
    expect(vm.trapEmulation.vcsr.sip).toBe(MIP.STIP);
  });

  it('BLOCK returns at once when an event is pending and enabled, else waits for one', () => {
    const vm = spinningVm();
    call(vm, HC.SET_SHARED_INFO, RAM_BASE + 0x70_0000);
    vm.trapEmulation.vcsr.sie = MIP.STIP;
    call(vm, HC.SET_TIMER, 0, 0);
    call(vm, HC.BLOCK);
    expect(vm.trapEmulation.waiting).toBe(false);
    const wake = vm.trapEmulation.hart.mtime() + 5000;
    call(vm, HC.SET_TIMER, wake, 0);
    call(vm, HC.BLOCK);
    expect(vm.trapEmulation.waiting).toBe(true);
    vm.runFor(10_000_000);
    expect(vm.trapEmulation.waiting).toBe(false);
    expect(vm.accounting.cycles.idle).toBeGreaterThan(40_000);
    // Nothing can ever wake it: the VM stops, saying so.
    call(vm, HC.SET_TIMER, 0xffff_ffff, 0xffff_ffff);
    vm.trapEmulation.vcsr.sie = 0;
    call(vm, HC.BLOCK);
    vm.runFor(10_000_000);
    expect(vm.stopReason?.kind).toBe('waiting-forever');
  });

  it('YIELD ends the time slice at once', () => {
    const vm = spinningVm();
    call(vm, HC.YIELD);
    const at = vm.cycles;
    vm.runFor(1_000_000);
    expect(vm.cycles).toBe(at);
    vm.runFor(1_000_000);
    expect(vm.cycles).toBeGreaterThan(at);
  });

  it('SHUTDOWN stops the VM with the guest\'s status', () => {
    const vm = spinningVm();
    call(vm, HC.SHUTDOWN, 42);
    expect(vm.stopReason).toEqual({ kind: 'shutdown', code: 42 });
  });
});

// ---- hand-made PV kernels ------------------------------------------------------------------

const EQUS = [
  `.equ PV_EXT, ${PV_EXT}`,
  ...HYPERCALLS.map((h) => `.equ HC_${h.name}, ${h.number}`),
  ...Object.entries(PV_SHARED).map(([k, v]) => `.equ SH_${k}, ${v}`),
  `.equ SSTATUS_SIE, ${SSTATUS.SIE}`, `.equ SSTATUS_SPIE, ${SSTATUS.SPIE}`, `.equ SSTATUS_SPP, ${SSTATUS.SPP}`,
  `.equ SSTATUS_SUM, ${SSTATUS.SUM}`, `.equ STIE, ${MIP.STIP}`, `.equ PV_NO_FLUSH, ${PV_ARG.NO_FLUSH}`,
].join('\n');

/** Hypercall, record a0/a1 in the next results slot (clobbers t5, t6), SBI shutdown. */
const MACROS = `
.macro HC fn
    li a7, PV_EXT
    li a6, HC_\\fn
    ecall
.endm
.macro REC
    la t6, rec_ptr
    lw t5, 0(t6)
    sw a0, 0(t5)
    sw a1, 4(t5)
    addi t5, t5, 8
    sw t5, 0(t6)
.endm
.macro SBI_SHUTDOWN
    li a7, 0x53525354
    li a6, 0
    li a0, 0
    li a1, 0
    ecall
.endm
`;

const DATA = `
    .data
    .balign 4
    .globl rec_ptr
rec_ptr: .word results
    .globl results
results: .space 512
    .globl log_ptr
log_ptr: .word trap_log
    .globl trap_log
trap_log: .space 512
    .bss
    .balign 4096
    .globl shared
shared: .space 4096
    .globl kstack
kstack: .space 4096
    .globl kstack_top
kstack_top:
`;

function runKernel(body: string, extra: Partial<VmConfig<GuestImage>> = {}, maxInsns = 2_000_000): Vm<GuestImage> {
  const hv = new Hypervisor();
  const vm = hv.createVm({
    name: 'pvk', build: 'unmodified', preset: PRESET, ramBytes: RAM,
    technique: 'paravirt', image: kernelImage(`${EQUS}\n${MACROS}\n    .text\n    .globl _start\n${body}\n${DATA}`), ...extra,
  });
  vm.powerOn();
  hv.run({ maxInsnsPerVm: maxInsns });
  return vm;
}

function sym(vm: Vm<GuestImage>, name: string): number {
  const s = vm.image.parts[0]?.asm.symbols.find((x) => x.name === name);
  if (!s) throw new Error(`no symbol ${name}`);
  return s.value;
}

function records(vm: Vm<GuestImage>, n: number): [number, number][] {
  const at = sym(vm, 'results');
  return Array.from({ length: n }, (_x, i) => [r32(vm, at + 8 * i) | 0, r32(vm, at + 8 * i + 4)]);
}

function words(vm: Vm<GuestImage>, name: string, n: number, offset = 0): number[] {
  const at = sym(vm, name) + offset;
  return Array.from({ length: n }, (_x, i) => r32(vm, at + 4 * i));
}

/** A callback that logs [sp at entry, shared sscratch, scause, sepc, stval, sstatus] and
 *  saves t0-t2 on the stack it was entered with. Continues at the label `dispatch` with t2 =
 *  the shared page. */
const CALLBACK_LOG = `
callback:
    addi sp, sp, -16
    sw t0, 0(sp)
    sw t1, 4(sp)
    sw t2, 8(sp)
    la t0, log_ptr
    lw t1, 0(t0)
    addi t2, sp, 16
    sw t2, 0(t1)
    la t2, shared
    lw t0, SH_SSCRATCH(t2)
    sw t0, 4(t1)
    lw t0, SH_SCAUSE(t2)
    sw t0, 8(t1)
    lw t0, SH_SEPC(t2)
    sw t0, 12(t1)
    lw t0, SH_STVAL(t2)
    sw t0, 16(t1)
    lw t0, SH_SSTATUS(t2)
    sw t0, 20(t1)
    addi t1, t1, 24
    la t0, log_ptr
    sw t1, 0(t0)
    j dispatch
`;

function traps(vm: Vm<GuestImage>, n: number): { sp: number; sscratch: number; scause: number; sepc: number; stval: number; sstatus: number }[] {
  return Array.from({ length: n }, (_x, i) => {
    const [sp, sscratch, scause, sepc, stval, sstatus] = words(vm, 'trap_log', 6, 24 * i) as [number, number, number, number, number, number];
    return { sp, sscratch, scause, sepc, stval, sstatus };
  });
}

describe('delivery and TRAP_RETURN', () => {
  it('a trap from virtual U reaches the callback with sp and sscratch swapped; TRAP_RETURN goes back', () => {
    const vm = runKernel(`
_start:
    la a0, shared
    HC SET_SHARED_INFO
    REC
    la a0, callback
    HC SET_CALLBACK
    REC
    la t0, shared
    la t1, kstack_top
    sw t1, SH_SSCRATCH(t0)          # traps from U enter on this stack
    la t1, user_code
    sw t1, SH_SEPC(t0)
    li t1, SSTATUS_SPIE             # to U, interrupts on there
    sw t1, SH_SSTATUS(t0)
    li sp, 0x5555
    HC TRAP_RETURN
    j .                             # never

user_code:
    li sp, 0x7ff0
    li s1, 0x1111
    li a6, 0x6666
    li a7, 64
    li a0, 5
user_ecall1:
    ecall                           # a system call
    mv s0, a0
    mv s4, a6                       # a6 and a7 come back too (from the shared page)
    mv s5, a7
    li a7, PV_EXT                   # from U this is a system call too, never a hypercall
    li a6, HC_SHUTDOWN
    li a0, 99
user_ecall2:
    ecall
    j .

${CALLBACK_LOG}
dispatch:
    sw a6, SH_A6(t2)                # TRAP_RETURN gives these back
    sw a7, SH_A7(t2)
    addi a0, a0, 100                # the "system call": a0 += 100
    lw t0, SH_SEPC(t2)
    addi t0, t0, 4
    sw t0, SH_SEPC(t2)
    la t0, syscalls
    lw t1, 0(t0)
    addi t1, t1, 1
    sw t1, 0(t0)
    li t0, 2
    beq t1, t0, finish
    la t0, kstack_top               # back to U: user sp from sscratch, our stack back in it
    lw t1, SH_SSCRATCH(t2)
    sw t0, SH_SSCRATCH(t2)
    sw t1, 12(sp)
    lw t0, 0(sp)
    lw t1, 4(sp)
    lw t2, 8(sp)
    lw sp, 12(sp)
    HC TRAP_RETURN
finish:
    li a0, 0
    HC SHUTDOWN
    .data
syscalls: .word 0
`);
    expect(vm.stopReason).toEqual({ kind: 'shutdown', code: 0 });
    expect(records(vm, 2)).toEqual([[0, 0], [0, 0]]);
    const [t1, t2] = traps(vm, 2);
    const kstackTop = sym(vm, 'kstack_top');
    expect(t1).toEqual({ sp: kstackTop, sscratch: 0x7ff0, scause: Cause.EnvironmentCallFromU, sepc: sym(vm, 'user_ecall1'), stval: 0, sstatus: SSTATUS.SPIE });
    expect(t2?.sepc).toBe(sym(vm, 'user_ecall2'));
    expect(t2?.sp).toBe(kstackTop);
    expect(t2?.sscratch).toBe(0x7ff0);
    expect(vm.trapEmulation.hart.x[8]).toBe(105); // s0: the system call's result came back to U
    expect(vm.trapEmulation.hart.x[9]).toBe(0x1111); // s1: untouched across both traps
    expect([vm.trapEmulation.hart.x[20], vm.trapEmulation.hart.x[21]]).toEqual([0x6666, 64]); // a6, a7 restored
    expect(vm.accounting.exits['reflect-syscall']).toBe(2);
    expect(vm.accounting.guestTraps[causeName(Cause.EnvironmentCallFromU)]).toBe(2);
  });

  it('a hypercall preserves every register but a0 and a1', () => {
    const vm = runKernel(`
_start:
    la a0, shared
    HC SET_SHARED_INFO
    .irp r, 1,2,3,4,5,6,7,8,9,12,13,14,15,18,19,20,21,22,23,24,25,26,27,28,29,30
    li x\\r, 0x01010101 * \\r
    .endr
    li a0, 0x80000001
    li a1, 5000
    HC CONSOLE_WRITE                # a0/a1: INVALID_PARAM (too long), 0
    la x31, dump
    .irp r, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30
    sw x\\r, \\r*4(x31)
    .endr
    SBI_SHUTDOWN
    .data
    .globl dump
dump: .space 128
`);
    expect(vm.stopReason).toEqual({ kind: 'shutdown', code: 0 });
    const dump = words(vm, 'dump', 31);
    for (const r of [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 14, 15, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30]) {
      expect(dump[r], `x${r}`).toBe(Math.imul(0x0101_0101, r) >>> 0);
    }
    expect([dump[10]! | 0, dump[11]]).toEqual([SBI_ERR.INVALID_PARAM, 0]);
    expect(dump[16]).toBe(HC.CONSOLE_WRITE);
    expect(dump[17]).toBe(PV_EXT);
  });

  it('interrupts are masked and unmasked by plain stores to the shared sstatus; EVENT_CHECK delivers', () => {
    const vm = runKernel(`
_start:
    la sp, kstack_top
    la a0, shared
    HC SET_SHARED_INFO
    la a0, callback
    HC SET_CALLBACK
    la t0, shared
    li t1, STIE
    sw t1, SH_SIE(t0)
    li a0, 0
    li a1, 0
    HC SET_TIMER                    # due at once: the timer event is pending from now on
    li t1, 2000                     # masked (SIE = 0): nothing is delivered, whatever exits
1:  addi t1, t1, -1
    bnez t1, 1b
    HC EVENT_CHECK
    la t0, delivered
    lw t1, 0(t0)
    sw t1, masked_count, t3
    la t0, shared
    lw t1, SH_EVENTS(t0)
    sw t1, seen_events, t3
    lw t1, SH_SIP(t0)
    sw t1, seen_sip, t3
    li t1, SSTATUS_SIE              # unmask: one store, no exit…
    sw t1, SH_SSTATUS(t0)
    HC EVENT_CHECK                  # …and the pending event is delivered on the way back
after_check:
    la t0, delivered
    lw t1, 0(t0)
    sw t1, unmasked_count, t3
    la t0, shared
    lw t1, SH_SSTATUS(t0)
    sw t1, final_sstatus, t3
    lw t1, SH_EVENTS(t0)
    sw t1, final_events, t3
    li a0, 0
    HC SHUTDOWN

${CALLBACK_LOG}
dispatch:
    lw t0, SH_EVENTS(t2)            # handle the timer event: clear its bit, re-arm far away
    andi t0, t0, ~1
    sw t0, SH_EVENTS(t2)
    la t0, delivered
    lw t1, 0(t0)
    addi t1, t1, 1
    sw t1, 0(t0)
    li a0, -1
    li a1, 0x7f
    HC SET_TIMER
    lw t0, 0(sp)
    lw t1, 4(sp)
    lw t2, 8(sp)
    addi sp, sp, 16
    HC TRAP_RETURN
    .data
    .globl delivered, masked_count, unmasked_count, seen_events, seen_sip, final_sstatus, final_events
delivered: .word 0
masked_count: .word 0
unmasked_count: .word 0
seen_events: .word 0
seen_sip: .word 0
final_sstatus: .word 0
final_events: .word 0
`);
    expect(vm.stopReason).toEqual({ kind: 'shutdown', code: 0 });
    expect(words(vm, 'masked_count', 1)).toEqual([0]);
    expect(words(vm, 'seen_events', 1)).toEqual([PV_EVENT.TIMER]);
    expect(words(vm, 'seen_sip', 1)).toEqual([MIP.STIP]);
    expect(words(vm, 'unmasked_count', 1)).toEqual([1]);
    const [t] = traps(vm, 1);
    // From virtual S: no stack switch; SPP = S, SPIE = the SIE it had.
    expect(t).toEqual({
      sp: sym(vm, 'kstack_top'), sscratch: 0, scause: (CAUSE_INTERRUPT | Interrupt.SupervisorTimer) >>> 0,
      sepc: sym(vm, 'after_check'), stval: 0, sstatus: SSTATUS.SPP | SSTATUS.SPIE,
    });
    expect(words(vm, 'final_sstatus', 1)).toEqual([SSTATUS.SIE | SSTATUS.SPIE]);
    expect(words(vm, 'final_events', 1)).toEqual([0]);
    expect(vm.accounting.exits.interrupt + vm.accounting.exits.hypercall).toBeGreaterThan(0);
    expect(vm.accounting.guestTraps[causeName(CAUSE_INTERRUPT | Interrupt.SupervisorTimer)]).toBe(1);
  });
});

describe('a PV kernel that executes a privileged instruction anyway', () => {
  it('is trapped and emulated on the same virtual CSRs the shared page holds, and counted', () => {
    const vm = runKernel(`
_start:
    la a0, shared
    HC SET_SHARED_INFO
    la t0, shared
    li t1, 0x42
    sw t1, SH_SSCRATCH(t0)          # the shared copy...
    csrr s0, sscratch               # ...is what the trapped read sees
    li t1, 0x1234
    csrw sepc, t1                   # and a trapped write shows in the shared page
    lw s1, SH_SEPC(t0)
    li a0, 0
    HC SHUTDOWN
`);
    expect(vm.stopReason).toEqual({ kind: 'shutdown', code: 0 });
    expect([vm.trapEmulation.hart.x[8], vm.trapEmulation.hart.x[9]]).toEqual([0x42, 0x1234]);
    expect(vm.accounting.exits.csr).toBe(2);
  });
});

describe('a PV kernel\'s own page tables', () => {
  const ROOT = RAM_BASE + 0x40_0000;
  const L2 = ROOT + 0x1000;
  const PAGE1 = ROOT + 0x2000;
  const PAGE2 = ROOT + 0x3000;
  const LIST = ROOT + 0x4000;
  const KMEGA = pte(RAM_BASE, V | R | W | X | A | D); // 0x8000_0000: the kernel
  const TMEGA = pte(ROOT, V | R | W | A | D); // 0x8040_0000: its tables and pages

  /** Code storing MMU_UPDATE entries at LIST (t0, t1 clobbered). */
  function list(entries: [number, number, number?][]): string {
    return entries.map(([ptr, value, flush], i) => `
    li t0, ${LIST + i * 12}
    li t1, ${ptr}
    sw t1, 0(t0)
    li t1, ${value >>> 0}
    sw t1, 4(t0)
    li t1, ${(flush ?? PV_ARG.NO_FLUSH) >>> 0}
    sw t1, 8(t0)`).join('\n');
  }

  it('pins, updates through MMU_UPDATE, switches, and keeps the tables read-only to the guest', () => {
    const vm = runKernel(`
_start:
    la sp, kstack_top
    la a0, shared
    HC SET_SHARED_INFO
    la a0, callback
    HC SET_CALLBACK
    li t0, ${PAGE1}
    li t1, 0x1111
    sw t1, 0(t0)                    # page contents, written while paging is off
    li t0, ${PAGE2}
    li t1, 0x2222
    sw t1, 0(t0)
    li t0, ${L2}
    li t1, 0x77
    sw t1, 0(t0)                    # a writable shadow mapping of the future L2 exists now
    sw zero, 0(t0)
    li a0, ${ROOT}
    HC PIN_TABLE
    REC                             # 0: ok
    li a0, ${L2}
    HC PIN_TABLE
    REC                             # 1: ok
    li t0, ${L2}
    li t1, 0x99
    sw t1, 0(t0)                    # now a store page fault (bare mode: still write-protected)
${list([[ROOT + 0x200 * 4, KMEGA], [ROOT + 0x201 * 4, TMEGA], [ROOT, pte(L2, V)], [L2 + 4, pte(PAGE1, V | R | W | A | D)], [L2 + 8, pte(PAGE2, V | R | U | A)]])}
    li a0, ${LIST}
    li a1, 5
    HC MMU_UPDATE
    REC                             # 2: ok, 5
    li a0, ${satpOf(ROOT)}
    HC SET_PT_BASE
    REC                             # 3: ok
    li t0, 0x1000
    lw s0, 0(t0)                    # through the new mapping: 0x1111
    li t0, ${ROOT}
    lw s1, 0(t0)                    # reading a table is fine
    li t1, 0x99
    sw t1, 0(t0)                    # writing it is the guest's own store page fault
    li t0, 0x2000
    lw s2, 0(t0)                    # a U page from S without SUM: load page fault
    la t0, shared
    li t1, SSTATUS_SUM
    sw t1, SH_SSTATUS(t0)           # SUM on by a plain store, no exit
    li t0, 0x2000
    lw s3, 0(t0)                    # now fine: 0x2222
    la t0, shared
    sw zero, SH_SSTATUS(t0)
    # Remap 0x1000 to PAGE2 without a flush: the old translation may stay (as in a TLB)...
${list([[L2 + 4, pte(PAGE2, V | R | W | A | D)]])}
    li a0, ${LIST}
    li a1, 1
    HC MMU_UPDATE
    REC                             # 4: ok, 1
    li t0, 0x1000
    lw s4, 0(t0)                    # still 0x1111 (stale, legitimately)
    li a0, 0x1000
    HC TLB_FLUSH
    li t0, 0x1000
    lw s5, 0(t0)                    # 0x2222
    # ...and back to PAGE1 with flush_va in the entry.
${list([[L2 + 4, pte(PAGE1, V | R | W | A | D), 0x1000]])}
    li a0, ${LIST}
    li a1, 1
    HC MMU_UPDATE
    REC                             # 5: ok, 1
    li t0, 0x1000
    lw s6, 0(t0)                    # 0x1111
    # A bad batch: the second entry maps the shadow pool.
${list([[L2 + 12, pte(PAGE1, V | R | A)], [L2 + 16, pte(POOL, V | R | W | A | D)], [L2 + 20, pte(PAGE1, V | R | A)]])}
    li a0, ${LIST}
    li a1, 3
    HC MMU_UPDATE
    REC                             # 6: INVALID_PARAM, 1
    li a0, ${ROOT}
    HC UNPIN_TABLE
    REC                             # 7: DENIED (the current root)
    li a0, 0
    HC SET_PT_BASE
    REC                             # 8: ok
    li a0, ${L2}
    HC UNPIN_TABLE
    REC                             # 9: ok
    li t0, ${L2}
    li t1, 0x99
    sw t1, 0(t0)                    # writable again
    lw s7, 0(t0)
    li a0, 0
    HC SHUTDOWN

${CALLBACK_LOG}
dispatch:
    lw t0, SH_SEPC(t2)              # skip the faulting instruction
    addi t0, t0, 4
    sw t0, SH_SEPC(t2)
    lw t0, 0(sp)
    lw t1, 4(sp)
    lw t2, 8(sp)
    addi sp, sp, 16
    HC TRAP_RETURN
`);
    expect(vm.stopReason).toEqual({ kind: 'shutdown', code: 0 });
    expect(records(vm, 10)).toEqual([
      [0, 0], [0, 0], [0, 5], [0, 0], [0, 1], [0, 1], [SBI_ERR.INVALID_PARAM, 1], [SBI_ERR.DENIED, 0], [0, 0], [0, 0],
    ]);
    const x = vm.trapEmulation.hart.x;
    expect([x[8], x[9], x[19], x[20], x[21], x[22], x[23]]).toEqual([0x1111, pte(L2, V), 0x2222, 0x1111, 0x2222, 0x1111, 0x99]);
    const t = traps(vm, 3);
    expect(t.map((e) => [e.scause, e.stval])).toEqual([
      [Cause.StorePageFault, L2], [Cause.StorePageFault, ROOT], [Cause.LoadPageFault, 0x2000],
    ]);
    expect(r32(vm, L2 + 12)).toBe(pte(PAGE1, V | R | A));
    expect(r32(vm, L2 + 16)).toBe(0);
    expect(r32(vm, ROOT)).toBe(pte(L2, V)); // the stray stores never landed
    // The shadow never mapped a pinned page writable, nor anything outside RAM.
    for (const m of vm.trapEmulation.shadow.mappings()) {
      expect(m.pa >= RAM_BASE && m.pa < RAM_END).toBe(true);
    }
  });
});

describe('kernel parameters', () => {
  it('are patched into the kernel by symbol; an unknown or builder-owned name is an error', async () => {
    const { buildImage, ImageError } = await import('../../src/guest/image.js');
    const img = buildImage({ build: 'unmodified', workload: 'null-syscall', kernelParams: { next_pid: 7 } });
    const k = img.parts.find((p) => p.name === 'kernel');
    const at = (k?.asm.symbols.find((s) => s.name === 'next_pid')?.value ?? 0) - (k?.addr ?? 0);
    expect(new DataView(k!.bytes.buffer, k!.bytes.byteOffset).getUint32(at, true)).toBe(7);
    expect(img.kernelParams).toEqual({ next_pid: 7 });
    expect(() => buildImage({ build: 'unmodified', workload: 'null-syscall', kernelParams: { pv_nothing: 1 } })).toThrow(ImageError);
    expect(() => buildImage({ build: 'unmodified', workload: 'null-syscall', kernelParams: { pv_nothing: 1 } })).toThrow(/declares no kernel parameter word pv_nothing/);
    expect(() => buildImage({ build: 'unmodified', workload: 'null-syscall', kernelParams: { user_image_addr: 1 } })).toThrow(/set by the image builder/);
    expect(() => buildImage({ build: 'unmodified', workload: 'null-syscall', kernelParams: { next_pid: -1 } })).toThrow(/whole number/);
  });
});
