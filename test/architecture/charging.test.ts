/**
 * One place charges cycles: every cycle the hypervisor adds to a VM's clock goes through
 * Vcpu.charge() and the cost table (src/hypervisor/cost-table.ts). No other file of the
 * hypervisor moves a hart's clock or writes the cycle breakdown, nor prices anything from a
 * preset field itself.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const HYPERVISOR = join(ROOT, 'src/hypervisor');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? files(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Lines of `src/hypervisor` matching `pattern`, outside the files allowed to. */
function offenders(pattern: RegExp, allowed: readonly string[]): string[] {
  return files(HYPERVISOR).flatMap((f) => {
    const name = relative(HYPERVISOR, f);
    if (allowed.includes(name)) return [];
    return readFileSync(f, 'utf8').split('\n').flatMap((line, i) => (pattern.test(line) ? [`${name}:${i + 1}: ${line.trim()}`] : []));
  });
}

describe('charging', () => {
  it('only the vCPU core moves the clock or writes the breakdown', () => {
    expect(offenders(/\.cycle\s*[-+]?=[^=]|\.cycles(\.\w+|\[[^\]]+\])\s*[-+]?=[^=]/, ['vcpu.ts'])).toEqual([]);
  });

  it('no handler prices work from a preset field: it names a cost item', () => {
    const fields = 'vmExitEntry|emulateInstruction|shadowFill|gstageFill|shadowFlush|deviceEmulation|hostedDeviceExtra|sbiCall|reflect|hypercall|pteRead';
    expect(offenders(new RegExp(`preset\\.(${fields})\\b`), ['cost-table.ts', 'cost-presets.ts', 'cost-model.ts', 'trap-emulate/trap-emulate.ts', 'hw/hw-assist.ts', 'vcpu.ts'])).toEqual([]);
  });
});
