/**
 * Our device trees against the reference tools: dtc (the Device Tree Compiler) must read what
 * we write and write back the very same bytes, and the virt board tree must match the tree
 * QEMU 7.2 itself builds (`-M virt,dumpdtb=…`) for every node and property pvlab models.
 * Each part skips when its tool is missing (apt: device-tree-compiler, qemu-system-misc).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/index.js';
import { writeElf } from '../../src/asm/elf.js';
import {
  fdtToDts, getProp, propCells, propU32, readFdt, virtBoardTree, walkFdt, writeFdt, type FdtNode,
} from '../../src/machine/fdt.js';

const MIB = 0x10_0000;

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'pvlab-fdt-'));
}

const tree = (ramBytes: number, bootargs?: string, harts = 1): FdtNode => virtBoardTree({
  ramBase: 0x8000_0000, ramBytes, harts, timebaseHz: 10_000_000, virtioSlots: 8,
  ...(bootargs !== undefined ? { bootargs } : {}),
});

/** The warning dtc gives for QEMU's own tree too: cpu interrupt controllers carry no #address-cells. */
const QEMU_TOO = /Warning \(interrupt_provider\): \/cpus\/cpu@\d+\/interrupt-controller: Missing #address-cells in interrupt provider/;

describe.skipIf(!has('dtc'))('dtc reads our device trees', () => {
  it('decompiles the virt tree with no complaint QEMU’s tree does not also get', () => {
    const dir = tmp();
    const dtb = join(dir, 'virt.dtb');
    writeFileSync(dtb, writeFdt(tree(128 * MIB, 'console=ttyS0')));
    const r = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', dtb], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('stdout-path = "/soc/serial@10000000";');
    const other = r.stderr.split('\n').filter((l) => l.trim() !== '' && !QEMU_TOO.test(l));
    expect(other).toEqual([]);
  });

  it('re-emits our blob byte for byte (dtc -I dtb -O dtb)', () => {
    const dir = tmp();
    const blob = writeFdt(tree(64 * MIB, 'a b c'), { reservations: [{ address: 0x8000_0000n, size: 0x20_0000n }] });
    writeFileSync(join(dir, 'in.dtb'), blob);
    const r = spawnSync('dtc', ['-q', '-I', 'dtb', '-O', 'dtb', '-o', join(dir, 'out.dtb'), join(dir, 'in.dtb')]);
    expect(r.status).toBe(0);
    expect(new Uint8Array(readFileSync(join(dir, 'out.dtb')))).toEqual(blob);
  });

  it('compiles our dts listing back to the same tree', () => {
    const dir = tmp();
    const root = tree(128 * MIB, 'console=ttyS0');
    writeFileSync(join(dir, 'in.dts'), fdtToDts(root));
    const r = spawnSync('dtc', ['-q', '-I', 'dts', '-O', 'dtb', '-o', join(dir, 'out.dtb'), join(dir, 'in.dts')]);
    expect(r.status).toBe(0);
    expect(readFdt(new Uint8Array(readFileSync(join(dir, 'out.dtb')))).root).toEqual(root);
  });
});

/** Properties whose values are phandles (first cell of each pair for interrupts-extended). */
function phandleRefs(name: string, cells: number[]): number[] {
  switch (name) {
    case 'interrupt-parent': case 'regmap': case 'cpu': return cells;
    case 'interrupts-extended': return cells.filter((_, i) => i % 2 === 0);
    default: return [];
  }
}

/** Properties where pvlab knowingly differs from QEMU 7.2 (see virtBoardTree's comment). */
const KNOWN_DIFFERENT = new Set(['riscv,isa', 'riscv,ndev']);

describe.skipIf(!has('qemu-system-riscv32'))('the virt tree against QEMU 7.2’s own', () => {
  /** QEMU's tree for `-m <ram> -smp <harts> -append <bootargs>`; -append needs a kernel, so give
   *  it a tiny one. */
  function qemuTree(ramMib: number, bootargs: string, harts = 1): FdtNode {
    const dir = tmp();
    const elf = join(dir, 'k.elf');
    writeFileSync(elf, writeElf(assemble('_start: j _start\n', { fileName: 'k.S' })));
    const dtb = join(dir, 'qemu.dtb');
    const r = spawnSync('qemu-system-riscv32', [
      '-M', `virt,dumpdtb=${dtb}`, '-m', `${ramMib}M`, '-smp', String(harts), '-bios', 'none', '-nographic',
      '-kernel', elf, '-append', bootargs,
    ], { timeout: 20_000 });
    expect(r.status).toBe(0);
    return readFdt(new Uint8Array(readFileSync(dtb))).root;
  }

  for (const [ramMib, harts] of [[128, 1], [64, 1], [128, 2], [128, 4]] as const) {
    it(`has QEMU's nodes, names, compatibles, reg, interrupts and phandle wiring (${ramMib} MiB, -smp ${harts})`, () => {
      const qemu = qemuTree(ramMib, 'console=ttyS0 root=/dev/vda', harts);
      const ours = tree(ramMib * MIB, 'console=ttyS0 root=/dev/vda', harts);
      const qemuNodes = new Map([...walkFdt(qemu)].map((w) => [w.path, w.node]));
      const targets = (root: FdtNode) => {
        const m = new Map<number, string>();
        for (const { path, node: n } of walkFdt(root)) {
          const p = getProp(n, 'phandle');
          if (p) m.set(propU32(p), path);
        }
        return m;
      };
      const ourTargets = targets(ours);
      const qemuTargets = targets(qemu);
      let compared = 0;
      for (const { path, node: n } of walkFdt(ours)) {
        const q = qemuNodes.get(path);
        expect(q, `QEMU has ${path}`).toBeDefined();
        for (const p of n.props) {
          if (KNOWN_DIFFERENT.has(p.name)) continue;
          const qv = getProp(q!, p.name);
          expect(qv, `QEMU has ${path}:${p.name}`).toBeDefined();
          expect(Array.from(p.value), `${path}:${p.name}`).toEqual(Array.from(qv!));
          // Equal phandle numbers must also mean the same nodes.
          const refs = phandleRefs(p.name, p.value.length % 4 === 0 ? propCells(p.value) : []);
          for (const h of refs) expect(ourTargets.get(h), `${path}:${p.name} → ${h}`).toBe(qemuTargets.get(h));
          compared++;
        }
      }
      expect(compared).toBeGreaterThan(60);
    });
  }

  it('differs from QEMU 7.2 only as documented: riscv,ndev 95 (QEMU 7.2 says 96)', () => {
    const qemu = qemuTree(128, 'x');
    const plic = [...walkFdt(qemu)].find((w) => w.path === '/soc/plic@c000000')!.node;
    expect(propU32(getProp(plic, 'riscv,ndev')!)).toBe(96);
  });
});
