/**
 * What the host's own devices cost a VM (issue 13 item 4): the hypervisor puts every guest
 * console byte out on the host's UART, and performs every guest block request on the host's
 * disk, paying what the bare machine pays for the same work (`host-console-byte`,
 * `host-blk-request`). So an I/O-bound guest is never cheaper than native for want of a device.
 */
import { describe, expect, it } from 'vitest';
import { measurePerOperation } from '../../src/harness/per-op.js';
import { runGuest } from '../../src/harness/run-guest.js';
import { presetByName } from '../../src/hypervisor/cost-presets.js';
import { itemCycles } from '../../src/hypervisor/cost-table.js';
import type { Technique } from '../../src/hypervisor/techniques.js';
import { IMPLIED_BUILD } from '../../src/hypervisor/techniques.js';

const PRESET = presetByName('modern-kvm');

function perOp(technique: Technique, workload: string, params: Record<string, number>, n = 4) {
  return measurePerOperation((k) => runGuest({
    technique, build: IMPLIED_BUILD[technique], workload, params: { ...params, iterations: k }, preset: PRESET, ramBytes: 32 << 20,
  }).counters, n).perOp;
}

describe("the host's devices, charged to the VM that uses them", () => {
  it.each(['trap-emulate', 'paravirt', 'hw-assist'] as const)('%s: a block-io operation pays two host disk requests, and costs more than natively', (technique) => {
    const params = { sectors: 8 };
    const native = perOp('native', 'block-io', params);
    const vm = perOp(technique, 'block-io', params);
    // blkwrite + blkread: two requests, each the host's own virtio-blk request.
    expect(itemCycles('host-blk-request', PRESET)).toBe(6 * PRESET.nativeDeviceAccess);
    expect(vm.cycles).toBeGreaterThan(native.cycles);
  });

  it('the host disk is charged per request in the devices category', () => {
    const run = (k: number) => runGuest({ technique: 'hw-assist', build: 'unmodified', workload: 'block-io', params: { sectors: 8, iterations: k }, preset: PRESET, ramBytes: 32 << 20 });
    const a = run(3), b = run(0);
    const mmioExits = (a.exits?.mmio ?? 0) - (b.exits?.mmio ?? 0);
    const devices = (a.breakdown?.devices ?? 0) - (b.breakdown?.devices ?? 0);
    // 3 operations × (blkwrite + blkread) = 6 host requests, beside the emulated accesses.
    expect(devices).toBe(mmioExits * itemCycles('device', PRESET) + 6 * itemCycles('host-blk-request', PRESET));
  });

  it.each(['trap-emulate', 'paravirt', 'hw-assist'] as const)('%s: a console write pays the host UART for every byte, and costs more than natively', (technique) => {
    const params = { bytes: 64 };
    expect(perOp(technique, 'console', params).cycles).toBeGreaterThan(perOp('native', 'console', params).cycles);
  });
});
