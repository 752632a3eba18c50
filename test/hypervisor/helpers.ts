/**
 * Helpers for hypervisor tests: run a workload under a technique, and build a VM image whose
 * "kernel" is a small assembly program (for hostile or hand-made guests).
 */
import { assemble, flatImage } from '../../src/asm/index.js';
import { KERNEL_BASE, type GuestImage } from '../../src/guest/image.js';
import { presetByName } from '../../src/hypervisor/cost-presets.js';
import type { Technique } from '../../src/hypervisor/techniques.js';
import { runGuest } from '../../src/harness/run-guest.js';

export const PRESET = presetByName('modern-kvm');
export const RAM = 32 * 1024 * 1024;

export function run(technique: Technique, workload: string, params: Record<string, number> = {}) {
  const r = runGuest({ technique, build: 'unmodified', workload, params, preset: PRESET, ramBytes: RAM });
  if (r.exitCode !== 0) throw new Error(`${workload} under ${technique}: ${JSON.stringify(r.stop)}\n${r.console}`);
  return r;
}

/** A guest image whose kernel is `source` (GNU-as syntax; the generated includes are reachable
 *  as "gen/riscv.S" etc. through the include resolver), entered at 0x8020_0000 in virtual S. */
export function kernelImage(source: string): GuestImage {
  const asm = assemble(source, {
    fileName: 'test-kernel.S', base: KERNEL_BASE,
    readFile: (path) => {
      throw new Error(`no includes in test kernels (${path})`);
    },
  });
  const { base, bytes } = flatImage(asm);
  return { entry: KERNEL_BASE, params: {}, parts: [{ name: 'kernel', source: 'test-kernel.S', addr: base, bytes, asm }] };
}
