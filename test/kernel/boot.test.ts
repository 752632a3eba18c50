/**
 * Boot: the kernel reads the RAM size from the device tree (the board's own, and hand-made
 * trees with other cell sizes and decoy nodes), finds its disk among the tree's virtio-mmio
 * transports by device ID, reports it, runs init and powers off with init's exit status.
 */
import { describe, expect, it } from 'vitest';
import { node, writeFdt, type FdtNode } from '../../src/machine/fdt.js';
import { VIRT } from '../../src/machine/memory-map.js';
import { MIB, runKernel, SECTOR } from './harness.js';
import { reportObject } from './helpers.js';

const PROGRAM = 'ktest_shutdown';

describe('boot', () => {
  it('prints the banner, RAM size and disk, starts init as pid 1 and powers off with its status', () => {
    const r = runKernel({ workload: 'ktest_procs', ramBytes: 32 * MIB, disk: new Uint8Array(64 * SECTOR) });
    const lines = r.console.split('\n');
    expect(lines.slice(0, 4), r.explain()).toEqual([
      '[kernel] pvlab teaching kernel (unmodified build), hart 0',
      '[kernel] RAM: 32 MiB at 0x80000000',
      '[kernel] disk: virtio-blk, 64 sectors',
      expect.stringMatching(/^\[kernel\] init: pid 1, \d+-byte program$/),
    ]);
    expect(r.console).toContain('[kernel] init exited with status 0\n');
    expect(r.stop).toEqual({ kind: 'power-off', code: 0 });
  });

  it.each([16, 64, 256])('finds %i MiB of RAM in the board\'s device tree', (mib) => {
    const r = runKernel({ workload: PROGRAM, ramBytes: mib * MIB });
    expect(r.console, r.explain()).toContain(`[kernel] RAM: ${mib} MiB at 0x80000000\n`);
    expect(r.console).toContain('[kernel] disk: none\n');
    expect(r.stop).toEqual({ kind: 'power-off', code: 1 }); // ktest_shutdown's status 3
  });

  it('the page allocator starts above the kernel and the workload image and stops below the device tree', () => {
    const r = runKernel({ workload: PROGRAM, ramBytes: 32 * MIB });
    const user = r.image.parts.find((p) => p.name === 'user')!;
    const next = r.kernelWord('kmem_next');
    const end = r.kernelWord('kmem_end');
    expect(r.kernelWord('user_image_addr')).toBe(user.addr);
    expect(r.kernelWord('user_image_size')).toBe(user.bytes.length);
    expect(next).toBeGreaterThanOrEqual(user.addr + user.bytes.length);
    expect(next).toBeGreaterThanOrEqual(r.symbol('kernel_end'));
    expect(end).toBe(r.fdtAddr);
    expect(r.kernelWord('ram_size')).toBe(32 * MIB);
  });

  it('reads a tree with one-cell addresses and sizes, skipping nodes that only look like memory', () => {
    const fdt = writeFdt(node('', { '#address-cells': 1, '#size-cells': 1, compatible: 'riscv-virtio' }, [
      node('chosen', { bootargs: 'memory=lots' }),
      node('memory-controller@1000', { reg: [0x1000, 0x100] }),
      node('soc', { '#address-cells': 1, '#size-cells': 1 }, [node('memory@2000', { reg: [0x2000, 0x1000] })]),
      node('memory@80000000', { device_type: 'memory', reg: [0x8000_0000, 24 * MIB] }),
    ]));
    const r = runKernel({ workload: PROGRAM, ramBytes: 32 * MIB, fdt });
    expect(r.console, r.explain()).toContain('[kernel] RAM: 24 MiB at 0x80000000\n');
    expect(r.kernelWord('kmem_end')).toBe(0x8000_0000 + 24 * MIB);
  });

  it('panics, naming the tree, when there is no memory node', () => {
    const fdt = writeFdt(node('', { '#address-cells': 2, '#size-cells': 2 }, [node('cpus'), node('memory-map')]));
    const r = runKernel({ workload: PROGRAM, ramBytes: 32 * MIB, fdt });
    expect(r.console, r.explain()).toContain(`[kernel] panic: no memory node in the device tree at 0x${r.fdtAddr.toString(16).padStart(8, '0')}\n`);
    expect(r.stop).toEqual({ kind: 'power-off', code: 1 });
  });

  it('panics when a1 does not point at a device tree', () => {
    const r = runKernel({ workload: PROGRAM, ramBytes: 32 * MIB, fdt: new Uint8Array(64) });
    expect(r.console, r.explain()).toContain('[kernel] panic: no memory node in the device tree');
    expect(r.stop).toEqual({ kind: 'power-off', code: 1 });
  });
});

describe('finding the disk in the device tree', () => {
  const slot = (i: number) => VIRT.VIRTIO_BASE + i * VIRT.VIRTIO_STRIDE;
  /** A virtio-mmio transport node for slot i of the board (one-cell reg under `soc` below). */
  const transport = (i: number, compatible: string | string[] = 'virtio,mmio'): FdtNode =>
    node(`virtio_mmio@${slot(i).toString(16)}`, { interrupts: VIRT.VIRTIO_IRQ + i, reg: [slot(i), VIRT.VIRTIO_STRIDE], compatible });
  const tree = (soc: FdtNode[]): Uint8Array => writeFdt(node('', { '#address-cells': 2, '#size-cells': 2 }, [
    node('memory@80000000', { device_type: 'memory', reg: [0, 0x8000_0000, 0, 32 * MIB] }),
    node('soc', { '#address-cells': 1, '#size-cells': 1, compatible: 'simple-bus', ranges: true }, soc),
  ]));
  // The board's disk is behind its first transport (slot 0); the other transports are empty.
  const block = (fdt: Uint8Array) => runKernel({
    workload: 'ktest_block', ramBytes: 32 * MIB, disk: new Uint8Array(64 * SECTOR), params: { first: 3, count: 20, capacity: 64 }, fdt,
  });

  it('walks every transport, in the tree\'s order (QEMU lists the highest slot first), and drives the block device', () => {
    const all = Array.from({ length: VIRT.VIRTIO_COUNT }, (_, i) => transport(VIRT.VIRTIO_COUNT - 1 - i));
    const r = block(tree([node('serial@10000000', { compatible: 'ns16550a' }), ...all]));
    expect(r.console, r.explain()).toContain('[kernel] disk: virtio-blk, 64 sectors\n');
    const rep = reportObject(r.console);
    expect([rep['blkwrite'], rep['blkread'], rep['words-differ']], r.explain()).toEqual([20, 20, 0]);
    expect(r.stop).toEqual({ kind: 'power-off', code: 0 });
  });

  it('matches any string of a compatible list, reads reg in the parent\'s cells, and skips what is not a transport', () => {
    const r = block(tree([node('bus', {}, [node('deep', {})]), transport(0, ['vendor,fast-disk', 'virtio,mmio'])]));
    expect(r.console, r.explain()).toContain('[kernel] disk: virtio-blk, 64 sectors\n');
    expect(reportObject(r.console)['words-differ'], r.explain()).toBe(0);
  });

  it('finds no disk when the tree does not list its transport as virtio,mmio', () => {
    const others = Array.from({ length: VIRT.VIRTIO_COUNT - 1 }, (_, i) => transport(i + 1));
    const r = block(tree([transport(0, 'virtio,mmio-not'), ...others]));
    expect(r.console, r.explain()).toContain('[kernel] disk: none\n');
  });
});
