/**
 * The unmodified kernel is real software for the virt board: every workload's image — the ELF
 * `pvlab image` writes — boots on `qemu-system-riscv32 -M virt -bios none -kernel image.elf`
 * with a disk behind a `virtio-blk-device` wherever QEMU plugs it (its highest virtio-mmio
 * transport, 0x1000_8000; pvlab's board uses the lowest), and prints exactly the console of
 * pvlab's native run of the same image and disk, exit status included. QEMU's clock follows
 * its instructions (test/qemu.ts), so nothing here depends on the host's speed. Skipped without
 * qemu-system-riscv32.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildImage } from '../../src/guest/image.js';
import { imageToElf } from '../../src/guest/image-elf.js';
import { runNative } from '../../src/guest/native.js';
import { resolveParams, WORKLOADS, workloadByName } from '../../src/guest/workloads.js';
import { haveQemu, qemuDisk, runQemuVirt } from '../qemu.js';
import { NATIVE } from './params.js';

const RAM_MIB = 128;
const MIB = 1024 * 1024;
/** The disk of a workload that needs none: a small blank one, so every run has a disk. */
const BLANK_DISK_BYTES = 64 * 1024;
const MAX_INSNS = 200_000_000;

describe.skipIf(!haveQemu)('every workload on QEMU with a disk prints pvlab\'s console', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pvlab-workloads-qemu-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(WORKLOADS.map((w) => w.name))('%s', (name) => {
    const w = workloadByName(name);
    const params = NATIVE[name] ?? {};
    const disk = new Uint8Array(w.disk ? w.disk.bytes(resolveParams(w, params)) : BLANK_DISK_BYTES);
    const elf = join(dir, `${name}.elf`);
    const diskFile = join(dir, `${name}.img`);
    writeFileSync(elf, imageToElf(buildImage({ build: 'unmodified', workload: name, params })));
    writeFileSync(diskFile, disk);

    const ours = runNative({ build: 'unmodified', workload: name, params, ramBytes: RAM_MIB * MIB, disk: disk.slice(), maxInsns: MAX_INSNS });
    const q = runQemuVirt(['-bios', 'none', '-m', `${RAM_MIB}M`, '-nographic', '-no-reboot', '-kernel', elf, ...qemuDisk(diskFile)]);
    const console = q.stdout.replace(/\r\n/g, '\n');

    expect(ours.stop).toEqual({ kind: 'power-off', code: 0 });
    expect(ours.console).toMatch(/^\[kernel\] disk: virtio-blk, \d+ sectors$/m);
    expect(console.split('\n'), `QEMU status ${q.status}`).toEqual(ours.console.split('\n'));
    expect(q.status).toBe(0);
  });
});
