/** The named cost presets: complete, sane, ordered by hardware generation, found by name, scaled. */
import { describe, expect, it } from 'vitest';
import type { CostPreset } from '../../src/hypervisor/cost-model.js';
import {
  BARE_MACHINE_FIELDS,
  COST_FIELDS,
  COST_PRESETS,
  CostPresetError,
  DEFAULT_PRESET_NAME,
  EXIT_COST_FIELDS,
  presetByName,
  presetNames,
  scalePreset,
} from '../../src/hypervisor/cost-presets.js';

/** Every key a CostPreset has, so that a field added to the interface fails here until placed. */
const ALL_KEYS: readonly (keyof CostPreset)[] = ['name', 'description', 'source', ...COST_FIELDS, 'hosted', 'shadowPaging', 'coreHz', 'tlbFlushOnWorldSwitch'];

describe('the presets', () => {
  it('include the required ones, and the default is one of them', () => {
    const names = presetNames();
    for (const n of ['p4-vtx', 'core2-vtx', 'modern-kvm', 'modern-kvm-hosted', 'xen-pv', 'ideal']) {
      expect(names).toContain(n);
    }
    expect(names).toContain(DEFAULT_PRESET_NAME);
  });

  it('have unique names, made of lower-case words and digits', () => {
    const names = presetNames();
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('are complete: every field present, text fields non-empty, costs non-negative integers', () => {
    for (const p of COST_PRESETS) {
      expect(Object.keys(p).sort()).toEqual([...ALL_KEYS].sort());
      expect(p.description.length).toBeGreaterThan(0);
      expect(p.source.length).toBeGreaterThan(0);
      expect(typeof p.hosted).toBe('boolean');
      for (const f of COST_FIELDS) {
        expect(Number.isSafeInteger(p[f]), `${p.name}.${f} = ${p[f]}`).toBe(true);
        expect(p[f], `${p.name}.${f}`).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('split the numeric fields into bare-machine and exit costs, with no overlap', () => {
    expect(new Set([...BARE_MACHINE_FIELDS, ...EXIT_COST_FIELDS]).size).toBe(COST_FIELDS.length);
    expect(COST_FIELDS.length).toBe(ALL_KEYS.length - 7); // name, description, source, hosted, shadowPaging, coreHz, tlbFlushOnWorldSwitch
  });

  it('charge hostedDeviceExtra exactly when hosted (type 2), and have at least one of each', () => {
    for (const p of COST_PRESETS) expect(p.hostedDeviceExtra > 0, p.name).toBe(p.hosted);
    expect(COST_PRESETS.some((p) => p.hosted)).toBe(true);
    expect(COST_PRESETS.some((p) => !p.hosted && p.vmExitEntry > 0)).toBe(true);
  });

  it('are frozen', () => {
    expect(Object.isFrozen(COST_PRESETS)).toBe(true);
    for (const p of COST_PRESETS) expect(Object.isFrozen(p)).toBe(true);
  });

  it('ideal charges nothing at all', () => {
    const ideal = presetByName('ideal');
    for (const f of COST_FIELDS) expect(ideal[f], f).toBe(0);
    expect(ideal.hosted).toBe(false);
  });

  it('make every exit cost more on older hardware: p4-vtx > core2-vtx > modern-kvm', () => {
    const [p4, core2, modern] = ['p4-vtx', 'core2-vtx', 'modern-kvm'].map(presetByName) as [CostPreset, CostPreset, CostPreset];
    for (const f of EXIT_COST_FIELDS) {
      if (f === 'hostedDeviceExtra') continue; // all three are type 1: zero
      expect(p4[f], f).toBeGreaterThan(core2[f]);
      expect(core2[f], f).toBeGreaterThan(modern[f]);
    }
    // The bare machine's own costs follow the pipeline and caches, except a device access,
    // which is about a microsecond on all three: more cycles at a faster clock.
    for (const f of BARE_MACHINE_FIELDS) {
      if (f === 'nativeDeviceAccess') continue;
      expect(p4[f], f).toBeGreaterThanOrEqual(core2[f]);
      expect(core2[f], f).toBeGreaterThanOrEqual(modern[f]);
    }
  });

  it('make a paravirtual ring transition cheaper than any VT-x round trip', () => {
    const xen = presetByName('xen-pv');
    for (const n of ['p4-vtx', 'core2-vtx', 'modern-kvm']) expect(xen.vmExitEntry).toBeLessThan(presetByName(n).vmExitEntry);
  });

  it('a hosted preset differs from its type-1 twin only in the device-exit extra', () => {
    const kvm = presetByName('modern-kvm');
    const hosted = presetByName('modern-kvm-hosted');
    for (const f of COST_FIELDS) if (f !== 'hostedDeviceExtra') expect(hosted[f], f).toBe(kvm[f]);
    expect(hosted.hosted).toBe(true);
    expect(hosted.hostedDeviceExtra).toBeGreaterThan(kvm.deviceEmulation);
  });
});

describe('the published figures and their derivations', () => {
  it('p4-vtx: Adams & Agesen 2006, Pentium 4', () => {
    const p = presetByName('p4-vtx');
    expect(p.vmExitEntry).toBe(2409 + 1931); // VM entry + page-fault VM exit
    expect(p.vmExitEntry).toBe(4340);
    expect(p.reflect).toBe(2000); // syscall: software VMM ~2000 cycles over native
    expect(p.shadowFill).toBe(11242 - 4340 - 2000 - 1093); // pgfault (hardware VMM) decomposed
    expect(p.emulateStore).toBe(12733 - 4340 - p.shadowFill); // ptemod decomposed: the trapped store
    expect(p.nativeDeviceAccess).toBe(3209); // native in (port 0x80)
    expect(p.tlbFlushOnWorldSwitch).toBe(true); // no VPID in 2006
    expect(p.coreHz).toBe(3_800_000_000);
    expect(p.deviceEmulation).toBe(15826 - 4340); // in (port 0x80) decomposed
    expect(p.trapEntry + p.trapReturn).toBeLessThanOrEqual(889); // native divzero, whole
    expect(p.pteRead).toBe(27); // Prescott 2M L2
    // A true guest page fault, re-assembled, is the paper's pgfault figure.
    expect(p.vmExitEntry + p.shadowFill + p.reflect + 1093).toBe(11242);
  });

  it('core2-vtx: Adams & Agesen 2006, Core 2; handlers scaled by the round-trip ratio', () => {
    const p = presetByName('core2-vtx');
    const p4 = presetByName('p4-vtx');
    expect(p.vmExitEntry).toBe(937 + 1186);
    const ratio = p.vmExitEntry / p4.vmExitEntry;
    for (const f of ['emulateStore', 'shadowFill', 'shadowFlush', 'deviceEmulation', 'reflect'] as const) {
      expect(p[f], f).toBe(Math.round(p4[f] * ratio));
    }
  });

  it('the handlers of exits whose operands the hardware reports: [CLM23]\'s share of a round trip', () => {
    const rv = presetByName('riscv-kvm');
    expect(rv.vmExitEntry).toBe(215 + 412); // the artifact's null SBI call, exit + entry
    expect(rv.sbiCall).toBe(18);
    expect(rv.gstageFill).toBe(363 + 3777 + 294 + 818);
    for (const n of ['p4-vtx', 'core2-vtx', 'modern-kvm']) {
      const p = presetByName(n);
      expect(p.sbiCall, n).toBe(Math.round(p.vmExitEntry * 18 / 627));
      expect(p.hypercall, n).toBe(p.sbiCall);
      expect(p.emulateInstruction, n).toBe(Math.round(p.vmExitEntry * 53 / 627));
    }
  });

  it('modern-kvm: Dall et al. 2016, x86 KVM; other handlers scaled by the device-work ratio', () => {
    const p = presetByName('modern-kvm');
    const p4 = presetByName('p4-vtx');
    expect(p.vmExitEntry).toBe(1300); // Hypercall microbenchmark
    expect(p.deviceEmulation).toBe(2384 - 1300); // Interrupt Controller Trap − Hypercall
    const ratio = p.deviceEmulation / p4.deviceEmulation;
    for (const f of ['emulateStore', 'shadowFill', 'shadowFlush', 'reflect'] as const) {
      expect(p[f], f).toBe(Math.round(p4[f] * ratio));
    }
  });

  it('xen-pv: Barham et al. 2003 lmbench deltas at 2.4 GHz', () => {
    const p = presetByName('xen-pv');
    expect(p.vmExitEntry).toBe(p.trapEntry + p.trapReturn); // a ring transition, not VMX
    expect(p.vmExitEntry + p.reflect).toBe(Math.round((1.4 - 1.06) * 2400)); // prot fault extra
    // page fault extra: the bounce, then an mmu_update hypercall that validates and installs one PTE
    expect(p.vmExitEntry + p.reflect + p.vmExitEntry + p.hypercall + p.pvPteUpdate).toBe(Math.round((2.73 - 1.42) * 2400));
  });
});

describe('presetByName', () => {
  it('finds every preset by its name, ignoring case and surrounding blanks', () => {
    for (const p of COST_PRESETS) {
      expect(presetByName(p.name)).toBe(p);
      expect(presetByName(` ${p.name.toUpperCase()} `)).toBe(p);
    }
  });

  it('rejects an unknown name with a CostPresetError listing every known preset', () => {
    expect(() => presetByName('pentium-pro')).toThrow(CostPresetError);
    try {
      presetByName('pentium-pro');
    } catch (e) {
      const msg = (e as Error).message;
      expect(msg).toContain("unknown cost preset 'pentium-pro'");
      for (const n of presetNames()) expect(msg).toContain(n);
      expect(msg).not.toContain('did you mean');
    }
  });

  it('suggests the preset a near miss was meant to be', () => {
    expect(() => presetByName('p4-vtz')).toThrow(/did you mean 'p4-vtx'\?/);
    expect(() => presetByName('modern-kmv')).toThrow(/did you mean 'modern-kvm'\?/);
    expect(() => presetByName('xen_pv')).toThrow(/did you mean 'xen-pv'\?/);
    expect(() => presetByName('idael')).toThrow(/did you mean 'ideal'\?/);
  });

  it('suggests the only preset a prefix can stand for', () => {
    expect(() => presetByName('core2')).toThrow(/did you mean 'core2-vtx'\?/);
    // 'modern' starts two presets: no guess.
    expect(() => presetByName('modern')).toThrow(CostPresetError);
    expect(() => presetByName('modern')).not.toThrow(/did you mean/);
  });

  it('rejects the empty name', () => {
    expect(() => presetByName('')).toThrow(/unknown cost preset ''; known presets: /);
  });
});

describe('scalePreset', () => {
  const p4 = presetByName('p4-vtx');

  it('multiplies every exit cost and leaves the bare machine alone', () => {
    const s = scalePreset(p4, 2);
    for (const f of EXIT_COST_FIELDS) expect(s[f], f).toBe(p4[f] * 2);
    for (const f of BARE_MACHINE_FIELDS) expect(s[f], f).toBe(p4[f]);
    expect(s.hosted).toBe(p4.hosted);
  });

  it('rounds to whole cycles', () => {
    const s = scalePreset(p4, 0.3);
    for (const f of EXIT_COST_FIELDS) {
      expect(Number.isSafeInteger(s[f]), f).toBe(true);
      expect(s[f], f).toBe(Math.round(p4[f] * 0.3));
    }
  });

  it('scales the hosted device extra too', () => {
    const hosted = presetByName('modern-kvm-hosted');
    expect(scalePreset(hosted, 0.5).hostedDeviceExtra).toBe(Math.round(hosted.hostedDeviceExtra * 0.5));
  });

  it('by 1 changes nothing but the name; by 0 removes every exit cost', () => {
    const one = scalePreset(p4, 1);
    for (const f of COST_FIELDS) expect(one[f], f).toBe(p4[f]);
    const zero = scalePreset(p4, 0);
    for (const f of EXIT_COST_FIELDS) expect(zero[f], f).toBe(0);
    expect(zero.trapEntry).toBe(p4.trapEntry);
  });

  it('names the result, by default after the preset and the factor, and says so in the text', () => {
    const s = scalePreset(p4, 0.5);
    expect(s.name).toBe('p4-vtx*0.5');
    expect(s.description).toContain('x0.5');
    expect(s.source).toContain('scaled by 0.5');
    expect(scalePreset(p4, 3, 'p4-slow').name).toBe('p4-slow');
  });

  it('returns a new frozen preset and leaves the original untouched', () => {
    const before = { ...p4 };
    const s = scalePreset(p4, 4);
    expect(s).not.toBe(p4);
    expect(Object.isFrozen(s)).toBe(true);
    expect({ ...p4 }).toEqual(before);
    expect(presetByName('p4-vtx')).toEqual(before);
  });

  it('rejects negative, infinite and NaN factors', () => {
    for (const bad of [-1, Number.POSITIVE_INFINITY, Number.NaN]) {
      expect(() => scalePreset(p4, bad)).toThrow(CostPresetError);
    }
  });
});
