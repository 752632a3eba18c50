/**
 * The bound on Hypervisor.run() (docs/hypervisor.md, "Bounds"): it returns within the
 * instructions, exits or cycles the caller allows, whatever the guest does; a waiting VM leaps
 * to its next event however far away; a guest that can never progress stops with a reason
 * (issue 15, items 1 and 3).
 */
import { describe, expect, it } from 'vitest';
import { HC, PV_EXT, PV_SHARED } from '../../src/abi/hypercalls.js';
import { SBI_EXT, SBI_SRST_FID, SBI_SRST_TYPE, SBI_TIME_FID } from '../../src/abi/sbi.js';
import { MIP, SSTATUS } from '../../src/isa/csr.js';
import { VIRT } from '../../src/machine/memory-map.js';
import { Hypervisor, type HypervisorRunLimits } from '../../src/hypervisor/hypervisor.js';
import { GUEST_STUCK_EXITS, ProgressGuard } from '../../src/hypervisor/progress-guard.js';
import { VM_TECHNIQUES, type VmTechnique } from '../../src/hypervisor/techniques.js';
import { VM_CLOCK_LIMIT, GUEST_TRAP_LOOP_LIMIT } from '../../src/hypervisor/vcpu.js';
import type { Vm } from '../../src/hypervisor/vm.js';
import { createGuestVm } from '../../src/harness/run-guest.js';
import { PRESET, RAM, kernelImage } from './helpers.js';

const CYCLES_PER_TICK = PRESET.coreHz / VIRT.TIMEBASE_HZ;
const UINT32 = 2 ** 32;

const SHUTDOWN = `
    li      a7, ${SBI_EXT.SRST}
    li      a6, ${SBI_SRST_FID.SYSTEM_RESET}
    li      a0, ${SBI_SRST_TYPE.SHUTDOWN}
    li      a1, 0
    ecall`;

/** SBI set_timer(ticks) from the guest kernel. */
function setTimer(ticks: number): string {
  return `
    li      a7, ${SBI_EXT.TIME}
    li      a6, ${SBI_TIME_FID.SET_TIMER}
    li      a0, ${ticks % UINT32}
    li      a1, ${Math.floor(ticks / UINT32)}
    ecall`;
}

function guest(hv: Hypervisor, technique: VmTechnique, name: string, source: string): Vm {
  const vm = hv.createVm({
    name, technique, build: 'unmodified', preset: PRESET, ramBytes: RAM,
    image: kernelImage(`    .globl _start\n_start:\n${source}\n`),
  });
  vm.powerOn();
  return vm;
}

function runAlone(technique: VmTechnique, source: string, limits: HypervisorRunLimits = {}): Vm {
  const hv = new Hypervisor();
  const vm = guest(hv, technique, 'alone', source);
  hv.run(limits);
  return vm;
}

/** A paravirtual guest kernel: its shared info page registered (s0 points at it), then `body`. */
function pvGuest(name: string, body: string): Vm {
  const hv = new Hypervisor();
  const vm = hv.createVm({
    name, technique: 'paravirt', build: 'paravirt', preset: PRESET, ramBytes: RAM,
    image: kernelImage(`
    .globl _start
_start:
    la      s0, shared
    mv      a0, s0
    li      a7, ${PV_EXT}
    li      a6, ${HC.SET_SHARED_INFO}
    ecall
${body}
    .bss
    .balign 4096
shared: .space 4096
`),
  });
  vm.powerOn();
  hv.run();
  return vm;
}

/** Wait with the timer enabled (sie.STIE) but interrupts masked: wfi wakes on the pending
 *  timer and the guest carries on after it. */
function sleeper(ticks: number): string {
  return `
    li      t0, ${MIP.STIP}
    csrw    sie, t0
${setTimer(ticks)}
    wfi
${SHUTDOWN}`;
}

describe('a waiting VM leaps to its next event', () => {
  // Half the clock's range away: 2^52 cycles and more, weeks of simulated time; one quantum
  // at a time that would be billions of turns.
  const farTicks = Math.floor(VM_CLOCK_LIMIT / CYCLES_PER_TICK / 2);

  it.each(VM_TECHNIQUES)('%s: SBI set_timer far in the future, then wfi: the VM wakes at the deadline and finishes', (technique) => {
    const vm = runAlone(technique, sleeper(farTicks));
    expect(vm.stopReason).toEqual({ kind: 'shutdown', code: 0 });
    expect(vm.cycles).toBeGreaterThanOrEqual(farTicks * CYCLES_PER_TICK);
    expect(vm.accounting.cycles.idle).toBeGreaterThan(farTicks * CYCLES_PER_TICK - 1_000_000);
  });

  it('a paravirtual guest: SET_TIMER far in the future, then BLOCK, wakes and finishes', () => {
    const vm = pvGuest('pv-sleeper', `
    li      t0, ${MIP.STIP}
    sw      t0, ${PV_SHARED.SIE}(s0)
    li      a0, ${farTicks % UINT32}
    li      a1, ${Math.floor(farTicks / UINT32)}
    li      a6, ${HC.SET_TIMER}
    ecall
    li      a6, ${HC.BLOCK}
    ecall
    li      a0, 0
    li      a6, ${HC.SHUTDOWN}
    ecall`);
    expect(vm.stopReason).toEqual({ kind: 'shutdown', code: 0 });
    expect(vm.cycles).toBeGreaterThanOrEqual(farTicks * CYCLES_PER_TICK);
  });

  it('the sleeper beside a busy neighbour: both finish, the neighbour exactly as alone', () => {
    const neighbour = (hv: Hypervisor): Vm => {
      const vm = createGuestVm(hv, { name: 'neighbour', build: 'unmodified', workload: 'null-syscall', params: { iterations: 20 }, preset: PRESET, ramBytes: RAM });
      vm.powerOn();
      return vm;
    };
    const aloneHv = new Hypervisor();
    const alone = neighbour(aloneHv);
    aloneHv.run();
    const hv = new Hypervisor();
    const sleeping = guest(hv, 'trap-emulate', 'sleeper', sleeper(farTicks));
    const good = neighbour(hv);
    hv.run();
    expect(sleeping.stopReason).toEqual({ kind: 'shutdown', code: 0 });
    expect(good.stopReason).toEqual({ kind: 'shutdown', code: 0 });
    expect(good.console).toBe(alone.console);
    expect(good.cycles).toBe(alone.cycles);
    expect(good.accounting.snapshot()).toEqual(alone.accounting.snapshot());
  });

  it.each(VM_TECHNIQUES)('%s: a deadline past the last cycle the clock counts never fires: the VM waits forever', (technique) => {
    const vm = runAlone(technique, sleeper(2 ** 60));
    expect(vm.stopReason?.kind).toBe('waiting-forever');
  });

  it('leaping changes nothing a VM counts: a guest that sleeps again and again matches a run turn by turn', () => {
    // Five naps of 2000 ticks each (several quanta), each timed from the time CSR.
    const napper = `
    li      t0, ${MIP.STIP}
    csrw    sie, t0
    li      s0, 5
1:  rdtime  t1
    li      t2, 2000
    add     a0, t1, t2
    sltu    a1, a0, t1
    rdtimeh t1
    add     a1, a1, t1
    li      a7, ${SBI_EXT.TIME}
    li      a6, ${SBI_TIME_FID.SET_TIMER}
    ecall
    wfi
    addi    s0, s0, -1
    bnez    s0, 1b
${SHUTDOWN}`;
    const run = (leap: boolean): Vm => {
      const hv = new Hypervisor({ quantumCycles: 10_000 });
      const vm = guest(hv, 'trap-emulate', 'napper', napper);
      while (vm.state === 'running') vm.runFor(hv.quantumCycles, undefined, { leap });
      return vm;
    };
    const turnByTurn = run(false);
    const leaping = run(true);
    expect(leaping.accounting.cycles.idle).toBeGreaterThan(0);
    expect(leaping.console).toBe(turnByTurn.console);
    expect(leaping.cycles).toBe(turnByTurn.cycles);
    expect(leaping.accounting.snapshot()).toEqual(turnByTurn.accounting.snapshot());
    expect(leaping.cpu.hart.retired).toBe(turnByTurn.cpu.hart.retired);
  });
});

describe('the caller\'s bounds: instructions, exits or cycles, whichever comes first', () => {
  const farTicks = Math.floor(VM_CLOCK_LIMIT / CYCLES_PER_TICK / 2);

  it('a guest whose every instruction traps retires none: the exit bound stops it', () => {
    // The handler emulates one CSR write and hits an illegal word, which comes back to it.
    const vm = runAlone('trap-emulate', `
    la      t0, h
    csrw    stvec, t0
h:  csrw    sscratch, zero
    .word   0
`, { maxExitsPerVm: 10_000, maxInsnsPerVm: 1_000_000 });
    expect(vm.stopReason?.kind).toBe('exit-limit');
    expect(vm.accounting.totalExits()).toBe(10_000);
  });

  it('a spinning guest: the clock bound stops it at that cycle', () => {
    const limit = 5_000_000;
    const vm = runAlone('hw-assist', '1:  j 1b', { maxCyclesPerVm: limit });
    expect(vm.stopReason?.kind).toBe('time-limit');
    expect(vm.cycles).toBe(limit);
  });

  it('a waiting guest: the clock bound stops it too, however far its timer', () => {
    const limit = 10 ** 12;
    const vm = runAlone('trap-emulate', sleeper(farTicks), { maxCyclesPerVm: limit });
    expect(vm.stopReason?.kind).toBe('time-limit');
    expect(vm.cycles).toBe(limit);
  });
});

describe('a guest that can never progress stops with a reason', () => {
  it.each(['trap-emulate', 'paravirt'] as const)('%s: a handler in RAM that faults on its own first instruction (csrw stvec, h; ebreak; h: .word 0)', (technique) => {
    const vm = runAlone(technique, `
    la      t0, h
    csrw    stvec, t0
    ebreak
h:  .word   0
`);
    expect(vm.stopReason?.kind).toBe('stuck');
    expect(vm.stopReason && 'message' in vm.stopReason ? vm.stopReason.message : '').toMatch(/IllegalInstruction at its own trap handler \(pc 0x[0-9a-f]+\) over and over/);
    expect(vm.accounting.totalExits()).toBeLessThanOrEqual(GUEST_TRAP_LOOP_LIMIT + 8);
  });

  it('paravirt: a TRAP_RETURN onto itself, whose ecall from U comes back to it as the callback, is stopped', () => {
    const vm = pvGuest('self-return', `
    la      a0, again
    li      a6, ${HC.SET_CALLBACK}
    ecall
    la      t0, again
    sw      t0, ${PV_SHARED.SEPC}(s0)
    li      t0, ${SSTATUS.SPP}
    sw      t0, ${PV_SHARED.SSTATUS}(s0)
    li      t0, ${HC.TRAP_RETURN}
    sw      t0, ${PV_SHARED.A6}(s0)
    li      t0, ${PV_EXT}
    sw      t0, ${PV_SHARED.A7}(s0)
    li      a6, ${HC.TRAP_RETURN}
again:
    ecall`);
    expect(vm.stopReason?.kind).toBe('stuck');
    expect(vm.stopReason && 'message' in vm.stopReason ? vm.stopReason.message : '').toMatch(/EnvironmentCallFromU at its own trap handler/);
    expect(vm.accounting.exits.hypercall).toBeLessThanOrEqual(GUEST_TRAP_LOOP_LIMIT + 8);
  });
});

describe('a guest that loops but progresses is ended by the caller\'s bounds, not the guard', () => {
  it('hw-assist-shadow: h: sfence.vma (emulated, an exit) then ebreak (delivered by the hardware, no exit), with stvec = h', () => {
    // Found by npm run fuzz (seed 20261207, case 5495): after every exit the guest resumes at
    // the ebreak with nothing retired, yet each exit completed the guest's sfence.vma.
    const exits = 4 * GUEST_STUCK_EXITS;
    const vm = runAlone('hw-assist-shadow', `
    la      t0, h
    csrw    stvec, t0
    ebreak
h:  sfence.vma
    ebreak
`, { maxExitsPerVm: exits });
    expect(vm.stopReason?.kind).toBe('exit-limit');
    expect(vm.accounting.exits.sfence).toBeGreaterThan(GUEST_STUCK_EXITS);
  });
});

describe('the no-progress guard', () => {
  it(`counts exits that resume at one pc with nothing retired and no time waited: the ${GUEST_STUCK_EXITS}th in a row is stuck`, () => {
    const guard = new ProgressGuard();
    const verdicts = Array.from({ length: GUEST_STUCK_EXITS }, () => guard.stuck(0x8020_0000, 7, 0));
    expect(verdicts.indexOf(true)).toBe(GUEST_STUCK_EXITS - 1);
  });

  it('an instruction retired, a moved pc or time spent waiting starts the count again', () => {
    const guard = new ProgressGuard();
    for (let i = 0; i < GUEST_STUCK_EXITS - 1; i++) guard.stuck(0x100, 1, 0);
    expect(guard.stuck(0x100, 2, 0)).toBe(false);
    for (let i = 0; i < GUEST_STUCK_EXITS - 2; i++) guard.stuck(0x100, 2, 0);
    expect(guard.stuck(0x104, 2, 0)).toBe(false);
    for (let i = 0; i < GUEST_STUCK_EXITS - 2; i++) guard.stuck(0x104, 2, 0);
    expect(guard.stuck(0x104, 2, 50)).toBe(false);
    expect(guard.stuck(0x104, 2, 50)).toBe(false);
  });

  it('an exit that completed the guest\'s instruction is progress, even back at the same pc', () => {
    const guard = new ProgressGuard();
    const verdicts = Array.from({ length: 2 * GUEST_STUCK_EXITS }, () => guard.stuck(0x8020_021c, 7, 0, true));
    expect(verdicts.includes(true)).toBe(false);
  });
});
