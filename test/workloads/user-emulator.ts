/**
 * A reference implementation of the guest kernel's user ABI, in TypeScript, for testing the
 * workloads apart from the kernel (and, later, as a second opinion beside it).
 *
 * The workload runs in real U-mode on a VirtBoard hart with real Sv32 page tables; every trap
 * into M-mode (system calls, page faults, anything else) stops the hart, and this file plays the
 * kernel: it implements the system calls of src/abi/syscalls.ts, demand-zero heap pages, fork
 * with copied address spaces, wait/exit, round-robin scheduling (on yield, on blocking, and —
 * optionally — preemptively every `timeslice` instructions), and a disk held in memory. M-mode's
 * trap vector is a single `mret`, so resuming a process is: set mepc, continue the hart.
 *
 * It is deliberately simple and strict: a user fault outside the heap, a bad pointer or an
 * unknown call ends the run with a clear reason instead of being papered over.
 */
import { assemble, flatImage } from '../../src/asm/index.js';
import { SYS_ERR, SYSCALLS } from '../../src/abi/syscalls.js';
import { Cause, causeName } from '../../src/isa/causes.js';
import { CSR, MSTATUS, PAGE_SHIFT, PAGE_SIZE, Priv, PTE, SATP, type PrivLevel } from '../../src/isa/csr.js';
import { VirtBoard } from '../../src/machine/board.js';
import { VIRT } from '../../src/machine/memory-map.js';
import { assembleGuest, USER_BASE, workloadSource } from '../../src/guest/image.js';

/** Top of the user stack in every address space (the stack grows down from here). */
export const EMU_STACK_TOP = 0x7fff_0000;
const STACK_PAGES = 16;
const SECTOR_SIZE = 512;
const VPN_MASK = 0x3ff;
const RWXU = PTE.V | PTE.R | PTE.W | PTE.X | PTE.U | PTE.A | PTE.D;

const SYS = Object.fromEntries(SYSCALLS.map((s) => [s.name, s.number])) as Record<string, number>;

export interface EmuOptions {
  workload: string;
  params?: Readonly<Record<string, number>>;
  /** Disk size in bytes (0: no disk; blkread/blkwrite fail with EIO). */
  diskBytes?: number;
  /** Preempt the running process after this many instructions (0: only on yield/block). */
  timeslice?: number;
  /** After fork, run the child before the parent. */
  childFirst?: boolean;
  /** Give up after this many user instructions. */
  maxInsns?: number;
  /** The first process's initial break is the end of its image plus this (default 0: unaligned). */
  breakSlack?: number;
}

export interface EmuResult {
  /** Exit status of process 1 (the machine's power-off code), or null if the run was cut off. */
  exitCode: number | null;
  /** Why the run ended, when not by process 1's exit. */
  error: string | null;
  console: string;
  /** System calls by name, page faults served, context switches, processes created. */
  stats: { syscalls: Record<string, number>; pageFaults: number; switches: number; forks: number; insns: number };
  disk: Uint8Array;
}

interface Process {
  pid: number;
  parent: Process | null;
  root: number;
  regs: Int32Array;
  pc: number;
  /** Mapped user pages: virtual page number → physical address. */
  pages: Map<number, number>;
  heapStart: number;
  brk: number;
  state: 'runnable' | 'waiting' | 'zombie';
  waitPtr: number;
  status: number;
}

class EmuExit extends Error {}

export function runOnEmulator(opts: EmuOptions): EmuResult {
  return new UserEmulator(opts).run();
}

class UserEmulator {
  private readonly board = new VirtBoard({ ramBytes: 64 << 20 });
  private readonly bus = this.board.bus;
  private readonly hart = this.board.hart;
  private readonly freePages: number[] = [];
  private nextPage = VIRT.DRAM_BASE + PAGE_SIZE;
  private readonly ramEnd = VIRT.DRAM_BASE + (64 << 20);
  private readonly procs: Process[] = [];
  private current!: Process;
  private nextPid = 1;
  private console = '';
  private readonly disk: Uint8Array;
  private trapped = false;
  private exitCode: number | null = null;
  private readonly stats: EmuResult['stats'] = { syscalls: {}, pageFaults: 0, switches: 0, forks: 0, insns: 0 };

  constructor(private readonly opts: EmuOptions) {
    this.disk = new Uint8Array(opts.diskBytes ?? 0);
  }

  run(): EmuResult {
    let error: string | null = null;
    try {
      this.boot();
      this.loop();
    } catch (e) {
      if (!(e instanceof EmuExit)) throw e;
      error = e.message;
    }
    return { exitCode: this.exitCode, error, console: this.console, stats: this.stats, disk: this.disk };
  }

  // ---- machine set-up ---------------------------------------------------------------------

  private boot(): void {
    // M-mode's trap vector (at the start of RAM) is one mret: the emulator handles each trap
    // while the hart is stopped at it, then lets it return to the (possibly new) user context.
    const mret = flatImage(assemble('mret', { base: VIRT.DRAM_BASE })).bytes;
    this.bus.writeBytes(VIRT.DRAM_BASE, mret);
    const csr = this.hart.csr;
    csr.write(CSR.mtvec, VIRT.DRAM_BASE);
    csr.write(CSR.mstatus, 0); // MPP = U, no interrupts
    this.hart.probe = {
      trap: (_cause: number, _tval: number, _epc: number, _from: PrivLevel, to: PrivLevel) => {
        if (to === Priv.M) {
          this.trapped = true;
          this.hart.requestStop({ kind: 'budget' });
        }
      },
    };

    const asm = assembleGuest(workloadSource(this.opts.workload), USER_BASE);
    const { base, bytes } = flatImage(asm);
    const image = bytes.slice();
    for (const [name, value] of Object.entries(this.opts.params ?? {})) {
      const sym = asm.symbols.find((s) => s.name === name);
      if (!sym) throw new Error(`workload ${this.opts.workload} has no parameter ${name}`);
      new DataView(image.buffer).setUint32(sym.value - base, value >>> 0, true);
    }

    const p = this.newProcess(null);
    for (let off = 0; off < image.length; off += PAGE_SIZE) {
      const pa = this.mapNew(p, base + off);
      this.bus.writeBytes(pa, image.subarray(off, Math.min(off + PAGE_SIZE, image.length)));
    }
    for (let i = 1; i <= STACK_PAGES; i++) this.mapNew(p, EMU_STACK_TOP - i * PAGE_SIZE);
    p.brk = base + image.length + (this.opts.breakSlack ?? 0);
    p.heapStart = p.brk;
    p.pc = asm.entry;
    p.regs[2] = EMU_STACK_TOP;
    this.enter(p);
  }

  private loop(): void {
    const limit = this.opts.maxInsns ?? 2_000_000_000;
    const slice = this.opts.timeslice ?? 0;
    while (this.exitCode === null) {
      const before = this.hart.retired;
      const stop = this.hart.run(slice > 0 ? slice : limit - this.stats.insns);
      this.stats.insns += this.hart.retired - before;
      if (this.trapped) {
        this.trapped = false;
        this.handleTrap();
      } else if (stop.kind === 'insn-limit' && slice > 0 && this.stats.insns < limit) {
        this.preempt();
      } else {
        throw new EmuExit(`run stopped: ${JSON.stringify(stop)} after ${this.stats.insns} instructions`);
      }
    }
  }

  // ---- physical pages and page tables -------------------------------------------------------

  private allocPage(): number {
    let pa = this.freePages.pop();
    if (pa === undefined) {
      if (this.nextPage >= this.ramEnd) throw new EmuExit('emulator out of physical pages');
      pa = this.nextPage;
      this.nextPage += PAGE_SIZE;
    }
    this.bus.writeBytes(pa, new Uint8Array(PAGE_SIZE));
    return pa;
  }

  private newProcess(parent: Process | null): Process {
    const p: Process = {
      pid: this.nextPid++, parent, root: this.allocPage(), regs: new Int32Array(32), pc: 0, pages: new Map(),
      heapStart: 0, brk: 0, state: 'runnable', waitPtr: 0, status: 0,
    };
    this.procs.push(p);
    return p;
  }

  private setPte(p: Process, va: number, pte: number): void {
    const l1 = p.root + ((va >>> 22) & VPN_MASK) * 4;
    let dir = this.bus.read32(l1);
    if ((dir & PTE.V) === 0) {
      const table = this.allocPage();
      dir = ((table >>> PAGE_SHIFT) << 10) | PTE.V;
      this.bus.write32(l1, dir);
    }
    const table = (dir >>> 10) << PAGE_SHIFT;
    this.bus.write32(table + ((va >>> PAGE_SHIFT) & VPN_MASK) * 4, pte);
  }

  private mapNew(p: Process, va: number): number {
    const pa = this.allocPage();
    this.setPte(p, va, ((pa >>> PAGE_SHIFT) << 10) | RWXU);
    p.pages.set(va >>> PAGE_SHIFT, pa);
    return pa;
  }

  private unmap(p: Process, va: number): void {
    const pa = p.pages.get(va >>> PAGE_SHIFT);
    if (pa === undefined) return;
    this.setPte(p, va, 0);
    p.pages.delete(va >>> PAGE_SHIFT);
    this.freePages.push(pa);
    this.hart.translationChanged();
  }

  /** Physical address of a user virtual address, faulting in heap pages as the kernel would. */
  private phys(p: Process, va: number): number {
    const vpn = va >>> PAGE_SHIFT;
    let pa = p.pages.get(vpn);
    if (pa === undefined) {
      if (!this.inHeap(p, va)) throw new EmuExit(`pid ${p.pid}: bad user pointer 0x${(va >>> 0).toString(16)}`);
      pa = this.mapNew(p, vpn << PAGE_SHIFT);
    }
    return pa + (va & (PAGE_SIZE - 1));
  }

  private copyIn(p: Process, va: number, len: number): Uint8Array {
    const out = new Uint8Array(len);
    for (let i = 0; i < len; i++) out[i] = this.bus.readBytes(this.phys(p, va + i), 1)[0] as number;
    return out;
  }

  private copyOut(p: Process, va: number, data: Uint8Array): void {
    for (let i = 0; i < data.length; i++) this.bus.writeBytes(this.phys(p, va + i), data.subarray(i, i + 1));
  }

  private inHeap(p: Process, va: number): boolean {
    const first = Math.floor(p.heapStart / PAGE_SIZE) * PAGE_SIZE;
    return va >= first && va < p.brk;
  }

  // ---- processes ----------------------------------------------------------------------------

  /** Make `p` the running process: its registers, its page table, its pc in mepc. */
  private enter(p: Process): void {
    this.current = p;
    this.hart.x.set(p.regs);
    const csr = this.hart.csr;
    csr.write(CSR.satp, (SATP.MODE_SV32 << 31) | (p.root >>> PAGE_SHIFT));
    csr.write(CSR.mepc, p.pc);
    csr.write(CSR.mstatus, csr.mstatus & ~MSTATUS.MPP);
    this.hart.translationChanged();
    this.hart.pc = VIRT.DRAM_BASE; // the mret
    this.hart.priv = Priv.M;
  }

  private save(): void {
    const p = this.current;
    p.regs.set(this.hart.x);
    p.pc = this.hart.csr.read(CSR.mepc) as number;
  }

  /** Switch to the next runnable process after the current one (round robin). */
  private schedule(): void {
    const n = this.procs.length;
    const at = this.procs.indexOf(this.current);
    for (let k = 1; k <= n; k++) {
      const next = this.procs[(at + k) % n] as Process;
      if (next.state === 'runnable') {
        if (next !== this.current) this.stats.switches++;
        this.enter(next);
        return;
      }
    }
    throw new EmuExit('deadlock: no runnable process');
  }

  /** A timer tick: the hart stopped between two user instructions, so pc is the user's. */
  private preempt(): void {
    const p = this.current;
    p.regs.set(this.hart.x);
    p.pc = this.hart.pc;
    this.schedule();
  }

  // ---- traps --------------------------------------------------------------------------------

  private handleTrap(): void {
    const csr = this.hart.csr;
    const cause = csr.read(CSR.mcause) as number;
    const epc = csr.read(CSR.mepc) as number;
    const tval = csr.read(CSR.mtval) as number;
    if (this.hart.priv !== Priv.M || (csr.mstatus & MSTATUS.MPP) !== 0) {
      throw new EmuExit(`trap from a privilege other than U: ${causeName(cause)} at 0x${epc.toString(16)}`);
    }
    const p = this.current;
    switch (cause) {
      case Cause.EnvironmentCallFromU:
        csr.write(CSR.mepc, epc + 4);
        this.syscall();
        return;
      case Cause.LoadPageFault:
      case Cause.StorePageFault:
        if (this.inHeap(p, tval) && !p.pages.has(tval >>> PAGE_SHIFT)) {
          this.mapNew(p, tval & ~(PAGE_SIZE - 1));
          this.stats.pageFaults++;
          return; // retry the access
        }
        break;
      default:
        break;
    }
    throw new EmuExit(`pid ${p.pid}: ${causeName(cause)} at pc=0x${epc.toString(16)} tval=0x${(tval >>> 0).toString(16)}`);
  }

  private syscall(): void {
    const x = this.hart.x;
    const num = x[17] as number;
    const a0 = x[10] as number;
    const a1 = x[11] as number;
    const a2 = x[12] as number;
    const name = SYSCALLS.find((s) => s.number === num)?.name ?? `#${num}`;
    this.stats.syscalls[name] = (this.stats.syscalls[name] ?? 0) + 1;
    const p = this.current;
    const ret = (v: number): void => {
      x[10] = v;
    };
    switch (num) {
      case SYS.exit: return this.exit(p, a0);
      case SYS.shutdown:
        this.exitCode = a0;
        return;
      case SYS.write: {
        if (a0 !== 1 && a0 !== 2) return ret(SYS_ERR.EINVAL);
        if (a2 < 0) return ret(SYS_ERR.EINVAL);
        this.console += Buffer.from(this.copyIn(p, a1, a2)).toString('latin1');
        return ret(a2);
      }
      case SYS.read: return ret(0);
      case SYS.getpid: return ret(p.pid);
      case SYS.yield:
        ret(0);
        this.save();
        this.schedule();
        return;
      case SYS.fork: return this.fork(p);
      case SYS.wait:
        p.waitPtr = a0;
        this.save();
        this.tryWait(p);
        return;
      case SYS.sbrk: {
        const old = p.brk;
        const next = old + a0;
        if (next < p.heapStart || next > 0x4000_0000) return ret(SYS_ERR.ENOMEM);
        for (const vpn of [...p.pages.keys()]) {
          const va = vpn << PAGE_SHIFT;
          if (va >= Math.ceil(next / PAGE_SIZE) * PAGE_SIZE && va < old && this.inHeap(p, va)) this.unmap(p, va);
        }
        p.brk = next;
        return ret(old);
      }
      case SYS.mmap: {
        if ((a0 & (PAGE_SIZE - 1)) !== 0 || a1 <= 0) return ret(SYS_ERR.EINVAL);
        const pages = Math.ceil(a1 / PAGE_SIZE);
        for (let i = 0; i < pages; i++) if (p.pages.has((a0 >>> PAGE_SHIFT) + i)) return ret(SYS_ERR.EINVAL);
        for (let i = 0; i < pages; i++) this.mapNew(p, a0 + i * PAGE_SIZE);
        return ret(a0);
      }
      case SYS.munmap: {
        if ((a0 & (PAGE_SIZE - 1)) !== 0 || a1 <= 0) return ret(SYS_ERR.EINVAL);
        const pages = Math.ceil(a1 / PAGE_SIZE);
        for (let i = 0; i < pages; i++) this.unmap(p, a0 + i * PAGE_SIZE);
        return ret(0);
      }
      case SYS.blkread:
      case SYS.blkwrite: {
        const bytes = a2 * SECTOR_SIZE;
        const at = a0 * SECTOR_SIZE;
        if (a0 < 0 || a2 < 0 || at + bytes > this.disk.length) return ret(SYS_ERR.EIO);
        if (num === SYS.blkread) this.copyOut(p, a1, this.disk.subarray(at, at + bytes));
        else this.disk.set(this.copyIn(p, a1, bytes), at);
        return ret(a2);
      }
      case SYS.time: {
        const t = this.hart.mtime();
        x[11] = Math.floor(t / 2 ** 32);
        return ret(t >>> 0);
      }
      default:
        return ret(SYS_ERR.ENOSYS);
    }
  }

  private fork(p: Process): void {
    this.stats.forks++;
    const c = this.newProcess(p);
    for (const [vpn, pa] of p.pages) {
      const cpa = this.mapNew(c, vpn << PAGE_SHIFT);
      this.bus.writeBytes(cpa, this.bus.readBytes(pa, PAGE_SIZE));
    }
    c.heapStart = p.heapStart;
    c.brk = p.brk;
    this.save();
    c.regs.set(p.regs);
    c.pc = p.pc;
    c.regs[10] = 0;
    p.regs[10] = c.pid;
    this.hart.x[10] = c.pid;
    if (this.opts.childFirst) {
      this.current = p;
      this.enter(c);
    }
  }

  private exit(p: Process, status: number): void {
    if (p.pid === 1) {
      this.exitCode = status;
      return;
    }
    p.state = 'zombie';
    p.status = status;
    for (const c of this.procs) if (c.parent === p) c.parent = null;
    const parent = p.parent;
    this.save();
    if (parent && parent.state === 'waiting') this.tryWait(parent);
    if (this.current === p) this.schedule();
  }

  /** Reap a zombie child of `p` if there is one (p's registers are saved); else block or fail. */
  private tryWait(p: Process): void {
    const children = this.procs.filter((c) => c.parent === p);
    const zombie = children.find((c) => c.state === 'zombie');
    if (zombie) {
      this.procs.splice(this.procs.indexOf(zombie), 1);
      for (const pa of zombie.pages.values()) this.freePages.push(pa);
      if (p.waitPtr !== 0) this.copyOut(p, p.waitPtr, new Uint8Array(new Int32Array([zombie.status]).buffer));
      p.regs[10] = zombie.pid;
      p.state = 'runnable';
      if (this.current === p) this.hart.x[10] = zombie.pid;
      this.hart.translationChanged();
      return;
    }
    if (children.length === 0) {
      p.regs[10] = SYS_ERR.ECHILD;
      p.state = 'runnable';
      if (this.current === p) this.hart.x[10] = SYS_ERR.ECHILD;
      return;
    }
    p.state = 'waiting';
    if (this.current === p) this.schedule();
  }
}
