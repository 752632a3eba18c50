/**
 * The one exit path (docs/hypervisor.md, "The exit path"): the exit vocabulary and its
 * classifier, the cost table, and the vCPU core's charging, delivery and trap-loop guard —
 * handlers driven with fabricated exits on a vCPU whose VM is a stub, as kvmtool's and
 * Firecracker's run-loop tests do.
 */
import { describe, expect, it } from 'vitest';
import { Cause, CAUSE_INTERRUPT, Interrupt } from '../../src/isa/causes.js';
import { CSR, Priv } from '../../src/isa/csr.js';
import { EventQueue } from '../../src/machine/events.js';
import type { HartStop } from '../../src/machine/hart.js';
import { Access } from '../../src/machine/mmu.js';
import { CYCLE_CATEGORIES, VmAccounting } from '../../src/hypervisor/accounting.js';
import { COST_FIELDS, COST_PRESETS, presetByName } from '../../src/hypervisor/cost-presets.js';
import { COST_ITEMS, COST_TABLE, itemCycles, resolveCosts, type CostEntry } from '../../src/hypervisor/cost-table.js';
import { classifyTrap } from '../../src/hypervisor/exits.js';
import { GuestMemory } from '../../src/hypervisor/guest-memory.js';
import { HW_ASSIST } from '../../src/hypervisor/hw/hw-assist.js';
import { TRAP_EMULATE, TrapEmulation } from '../../src/hypervisor/trap-emulate/trap-emulate.js';
import { GUEST_TRAP_LOOP_LIMIT, Vcpu } from '../../src/hypervisor/vcpu.js';
import type { VmHost } from '../../src/hypervisor/vm-host.js';
import type { PolicyFactory } from '../../src/hypervisor/technique-policy.js';

const trap = (cause: number, tval = 0, extra: Partial<Extract<HartStop, { kind: 'trap' }>> = {}): Extract<HartStop, { kind: 'trap' }> =>
  ({ kind: 'trap', cause, tval, pc: 0x8020_0000, tval2: 0, tinst: 0, virt: false, ...extra });

describe('the exit vocabulary', () => {
  it('classifies every cause that reaches the hypervisor into one reason', () => {
    expect(classifyTrap(trap(Cause.IllegalInstruction, 0x1234)).reason).toBe('illegal-instruction');
    expect(classifyTrap(trap(Cause.VirtualInstruction, 0x1234)).reason).toBe('virtual-instruction');
    expect(classifyTrap(trap(Cause.EnvironmentCallFromU)).reason).toBe('ecall');
    expect(classifyTrap(trap(Cause.EnvironmentCallFromVS)).reason).toBe('ecall');
    expect(classifyTrap(trap(Cause.StorePageFault, 0x5000))).toEqual({ reason: 'page-fault', pc: 0x8020_0000, access: Access.Store, va: 0x5000 });
    expect(classifyTrap(trap(Cause.LoadGuestPageFault, 0x1003, { tval2: 0x0400_0400 }))).toEqual(
      { reason: 'guest-page-fault', pc: 0x8020_0000, access: Access.Load, va: 0x1003, gpa: 0x1000_1003, tinst: 0 });
    expect(classifyTrap(trap(Cause.Breakpoint, 8)).reason).toBe('exception');
    expect(classifyTrap(trap(CAUSE_INTERRUPT | Interrupt.SupervisorTimer)).reason).toBe('interrupt');
  });
});

describe('the cost table', () => {
  it('names a known category for every item, and every exit-cost field is charged by some item', () => {
    for (const item of COST_ITEMS) expect(CYCLE_CATEGORIES, item).toContain(COST_TABLE[item].category);
    const charged = new Set(COST_ITEMS.flatMap((i) => {
      const e: CostEntry = COST_TABLE[i];
      return [...Object.keys(e.fields), ...Object.keys(e.hostedFields ?? {})];
    }));
    // trapReturn is paid by the hart's own xRET, never by the hypervisor.
    expect(COST_FIELDS.filter((f) => !charged.has(f))).toEqual(['trapReturn']);
  });

  it('prices items from the preset: reflection includes the guest trap entry, device work the hosted round trip', () => {
    for (const p of COST_PRESETS) {
      const c = resolveCosts(p);
      expect(c.exit).toBe(p.vmExitEntry);
      expect(c.reflect).toBe(p.reflect + p.trapEntry);
      expect(c.inject).toBe(p.reflect);
      expect(c['gstage-fill']).toBe(p.gstageFill);
      expect(c.device).toBe(p.deviceEmulation + (p.hosted ? p.hostedDeviceExtra : 0));
      expect(c['pv-mmu-entry']).toBe(p.pvPteUpdate);
      expect(c['trap-return']).toBe(p.reflect);
    }
    expect(itemCycles('device', presetByName('modern-kvm-hosted'))).toBeGreaterThan(itemCycles('device', presetByName('modern-kvm')));
  });
});

/** A vCPU whose VM is a stub: a few pages of RAM, no devices, a record of what it was told. */
function stubVcpu(technique: PolicyFactory, preset = presetByName('p4-vtx')) {
  const mem = new GuestMemory(1 << 20, GuestMemory.defaultPoolBytes(1 << 20));
  const told: string[] = [];
  const host: VmHost = {
    preset, accounting: new VmAccounting(), shadowPaging: preset.shadowPaging,
    mmioRead: () => undefined, mmioWrite: () => false, isDevice: () => false,
    consolePut: () => {}, consoleGet: () => -1, setTimer: () => {},
    systemReset: (kind) => { told.push(kind); },
    guestStuck: (_guard, m) => { told.push(m); },
  };
  const vcpu = new Vcpu(mem, new EventQueue(), 100, host, technique);
  vcpu.reset(0x8000_0000, 0, 0);
  return { vcpu, host, told };
}

describe('the vCPU core', () => {
  it('charges an item to the clock and to its category, nowhere else', () => {
    const { vcpu, host } = stubVcpu(TRAP_EMULATE);
    const before = vcpu.hart.cycle;
    vcpu.charge('shadow-fill', 3);
    expect(vcpu.hart.cycle - before).toBe(3 * host.preset.shadowFill);
    expect(host.accounting.cycles.shadowPaging).toBe(3 * host.preset.shadowFill);
    expect(CYCLE_CATEGORIES.filter((c) => c !== 'shadowPaging').map((c) => host.accounting.cycles[c])).toEqual(CYCLE_CATEGORIES.slice(1).map(() => 0));
  });

  it('delivers a trap through the virtual stvec under trap-and-emulate, charging reflect + trapEntry', () => {
    const { vcpu, host } = stubVcpu(TRAP_EMULATE);
    const te = vcpu.policy as TrapEmulation;
    te.vcsr.write(CSR.stvec, 0x8000_0100);
    te.vpriv = Priv.U;
    vcpu.deliver(Cause.Breakpoint, 0, 0x8000_0040);
    expect(vcpu.hart.pc >>> 0).toBe(0x8000_0100);
    expect(te.vpriv).toBe(Priv.S);
    expect(te.vcsr.sepc).toBe(0x8000_0040);
    expect(host.accounting.cycles.emulation).toBe(host.preset.reflect + host.preset.trapEntry);
    expect(host.accounting.guestTraps).toEqual({ Breakpoint: 1 });
  });

  it('stops a guest whose handler in RAM faults on its own first instruction, over and over', () => {
    for (const technique of [TRAP_EMULATE, HW_ASSIST]) {
      const { vcpu, told } = stubVcpu(technique);
      if (vcpu.policy instanceof TrapEmulation) vcpu.policy.vcsr.write(CSR.stvec, 0x8000_1000);
      else vcpu.hart.csr.write(CSR.vstvec, 0x8000_1000);
      vcpu.deliver(Cause.IllegalInstruction, 0, 0x8000_0000);
      for (let i = 0; i < GUEST_TRAP_LOOP_LIMIT && told.length === 0; i++) vcpu.deliver(Cause.IllegalInstruction, 0, 0x8000_1000);
      expect(told).toHaveLength(1);
      expect(told[0]).toMatch(/takes IllegalInstruction at its own trap handler \(pc 0x80001000\) over and over/);
    }
  });
});
