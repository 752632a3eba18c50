/**
 * Flattened device trees: the writer against the Devicetree Specification v0.4 layout (a
 * hand-assembled blob), write → read round trips, the reader's error reports, the value
 * decoders, the virt board tree and QEMU 7.2's FDT placement rule.
 */
import { describe, expect, it } from 'vitest';
import {
  decodeReg, fdtToDts, FdtError, findNode, getProp, node, nodeReg, phandleTarget, placeFdt, propCells, propString,
  propStrings, propU32, readCells, readFdt, regValue, str, strList, u32, u64, virtBoardFdt, virtBoardTree, walkFdt, writeFdt,
  FDT_MAGIC, type FdtNode,
} from '../../src/machine/fdt.js';

const MIB = 0x10_0000;
const RAM_BASE = 0x8000_0000;

const virt = (over: Partial<Parameters<typeof virtBoardTree>[0]> = {}): FdtNode => virtBoardTree({
  ramBase: RAM_BASE, ramBytes: 128 * MIB, harts: 1, timebaseHz: 10_000_000, virtioSlots: 8, ...over,
});

/** Big-endian words → bytes. */
function words(...ws: number[]): number[] {
  return ws.flatMap((w) => [(w >>> 24) & 0xff, (w >>> 16) & 0xff, (w >>> 8) & 0xff, w & 0xff]);
}
const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));

describe('writeFdt', () => {
  it('lays out header, reservation block, structure and strings as the spec says', () => {
    const blob = writeFdt(node('', { a: 1 }, [node('n@1', { a: 'x', bb: true })]), {
      reservations: [{ address: 0x8000_0000n, size: 0x1000n }],
      bootCpuidPhys: 3,
    });
    const struct = [
      ...words(1), 0, 0, 0, 0, // FDT_BEGIN_NODE "" (padded to 4)
      ...words(3, 4, 0, 1), // FDT_PROP len 4, nameoff 0 ("a"), <1>
      ...words(1), ...ascii('n@1'), 0, // FDT_BEGIN_NODE "n@1"
      ...words(3, 2, 0), ...ascii('x'), 0, 0, 0, // "x\0" padded
      ...words(3, 0, 2), // bb: empty, nameoff 2
      ...words(2, 2, 9), // END_NODE, END_NODE, END
    ];
    const strings = [...ascii('a'), 0, ...ascii('bb'), 0];
    const offStruct = 40 + 2 * 16;
    const expected = [
      ...words(FDT_MAGIC, offStruct + struct.length + strings.length, offStruct, offStruct + struct.length, 40, 17, 16, 3,
        strings.length, struct.length),
      ...words(0, 0x8000_0000, 0, 0x1000), ...words(0, 0, 0, 0),
      ...struct,
      ...strings,
    ];
    expect(Array.from(blob)).toEqual(expected);
  });

  it('stores each property name once in the strings block', () => {
    const blob = writeFdt(node('', {}, [node('a', { compatible: 'x' }), node('b', { compatible: 'y' })]));
    const dv = new DataView(blob.buffer);
    expect(dv.getUint32(32)).toBe('compatible\0'.length);
  });

  it('rejects bad names, duplicates and a named root, saying where', () => {
    expect(() => writeFdt(node('root'))).toThrow(/root node's name must be empty/);
    expect(() => writeFdt(node('', {}, [node('a b')]))).toThrow(/\/a b: bad node name/);
    expect(() => writeFdt(node('', {}, [node('x'.repeat(32))]))).toThrow(FdtError);
    expect(() => writeFdt(node('', {}, [node('a'), node('a')]))).toThrow(/two child nodes named a/);
    expect(() => writeFdt(node('', {}, [node('a', { 'bad name': 1 })]))).toThrow(/\/a: bad property name/);
    const dup: FdtNode = { name: '', props: [{ name: 'p', value: u32(1) }, { name: 'p', value: u32(2) }], children: [] };
    expect(() => writeFdt(dup)).toThrow(/property p appears twice/);
  });
});

describe('value encoders and decoders', () => {
  it('encode cells, 64-bit values, strings and reg entries big-endian', () => {
    expect(Array.from(u32(1, 0xffff_ffff))).toEqual(words(1, 0xffff_ffff));
    expect(Array.from(u64(0x1_0000_0002n))).toEqual(words(1, 2));
    expect(Array.from(str('ab'))).toEqual([0x61, 0x62, 0]);
    expect(Array.from(strList('a', 'b'))).toEqual([0x61, 0, 0x62, 0]);
    expect(Array.from(regValue(2, 1, [[0x1_2345_6789n, 0x10]]))).toEqual(words(1, 0x2345_6789, 0x10));
    expect(() => u32(2 ** 32)).toThrow(FdtError);
    expect(() => regValue(1, 1, [[2 ** 32, 1]])).toThrow(/does not fit in 1 cell/);
    expect(() => str('a\0b')).toThrow(/contains NUL/);
  });

  it('node() picks the encoding from the JavaScript value', () => {
    const n = node('x', { s: 's', l: ['a', 'b'], c: 5, cs: [1, 2], b: 7n, e: true, raw: new Uint8Array([9]), none: [] });
    const v = (name: string) => Array.from(getProp(n, name)!);
    expect(v('s')).toEqual([0x73, 0]);
    expect(v('l')).toEqual([0x61, 0, 0x62, 0]);
    expect(v('c')).toEqual(words(5));
    expect(v('cs')).toEqual(words(1, 2));
    expect(v('b')).toEqual(words(0, 7));
    expect(v('e')).toEqual([]);
    expect(v('raw')).toEqual([9]);
    expect(v('none')).toEqual([]);
  });

  it('decode cells, multi-cell numbers, strings and reg', () => {
    expect(propCells(u32(1, 2, 3))).toEqual([1, 2, 3]);
    expect(propU32(u32(1, 2), 1)).toBe(2);
    expect(readCells(u32(0, 1, 2), 1, 2)).toBe(0x1_0000_0002n);
    expect(propStrings(strList('a', 'bc'))).toEqual(['a', 'bc']);
    expect(propString(str('hi'))).toBe('hi');
    expect(() => propString(strList('a', 'b'))).toThrow(/2 strings/);
    expect(() => propCells(new Uint8Array(3))).toThrow(/not a whole number of cells/);
    expect(decodeReg(u32(0, 0x8000_0000, 0, 0x100_0000), 2, 2)).toEqual([{ address: 0x8000_0000n, size: 0x100_0000n }]);
  });
});

describe('readFdt', () => {
  it('reads back exactly what writeFdt wrote (virt board tree)', () => {
    const tree = virt({ bootargs: 'console=ttyS0 quiet' });
    const blob = writeFdt(tree, { reservations: [{ address: 0x8000_0000n, size: 0x20_0000n }] });
    const back = readFdt(blob);
    expect(back.root).toEqual(tree);
    expect(back.reservations).toEqual([{ address: 0x8000_0000n, size: 0x20_0000n }]);
    expect(back.bootCpuidPhys).toBe(0);
    expect(writeFdt(back.root, { reservations: back.reservations })).toEqual(blob);
  });

  it('reads version 16 blobs, which have no size_dt_struct', () => {
    const blob = writeFdt(virt());
    const dv = new DataView(blob.buffer);
    dv.setUint32(20, 16);
    dv.setUint32(36, 0);
    expect(readFdt(blob).root).toEqual(virt());
  });

  it('skips FDT_NOP tokens', () => {
    const blob = writeFdt(node('', { a: 1 }));
    // Turn the property (4 words + 1 value word) into NOPs.
    const dv = new DataView(blob.buffer);
    const offStruct = dv.getUint32(8);
    for (let i = 0; i < 4; i++) dv.setUint32(offStruct + 8 + 4 * i, 4);
    expect(readFdt(blob).root).toEqual({ name: '', props: [], children: [] });
  });

  it('reports malformed blobs instead of crashing', () => {
    const good = writeFdt(virt());
    const bad = (edit: (dv: DataView, b: Uint8Array) => void) => {
      const b = good.slice();
      edit(new DataView(b.buffer), b);
      return () => readFdt(b);
    };
    expect(() => readFdt(new Uint8Array(10))).toThrow(/too few for an FDT header/);
    expect(bad((dv) => dv.setUint32(0, 0xdeadbeef))).toThrow(/bad FDT magic 0xdeadbeef/);
    expect(() => readFdt(good.subarray(0, good.length - 8))).toThrow(/totalsize .* exceeds/);
    expect(bad((dv) => dv.setUint32(20, 15))).toThrow(/version 15/);
    expect(bad((dv) => dv.setUint32(36, dv.getUint32(36) + 4096))).toThrow(/structure block .* runs past/);
    expect(bad((dv) => dv.setUint32(dv.getUint32(8), 7))).toThrow(/starts with token 7/);
    // The root's first property name offset pointing past the strings block.
    expect(bad((dv) => dv.setUint32(dv.getUint32(8) + 16, 99999))).toThrow(/outside the strings block/);
    // Drop FDT_END: the structure ends one word early.
    expect(bad((dv) => dv.setUint32(36, dv.getUint32(36) - 4))).toThrow(/ends without FDT_END/);
  });
});

describe('queries', () => {
  const root = virt({ ramBytes: 64 * MIB, bootargs: 'x' });

  it('finds nodes by path, with or without the unit address', () => {
    expect(findNode(root, '/')).toBe(root);
    expect(findNode(root, '/soc/serial@10000000')?.name).toBe('serial@10000000');
    expect(findNode(root, '/memory')?.name).toBe('memory@80000000');
    expect(findNode(root, '/soc/virtio_mmio')).toBeUndefined(); // ambiguous: eight of them
    expect(findNode(root, '/nope')).toBeUndefined();
    expect(findNode(root, 'soc')).toBeUndefined();
  });

  it('decodes reg with the parent cell counts and resolves phandles', () => {
    expect(nodeReg(root, '/memory')).toEqual([{ address: 0x8000_0000n, size: BigInt(64 * MIB) }]);
    expect(nodeReg(root, '/cpus/cpu@0')).toEqual([{ address: 0n, size: 0n }]);
    const serial = findNode(root, '/soc/serial@10000000')!;
    expect(phandleTarget(root, propU32(getProp(serial, 'interrupt-parent')!))).toBe('/soc/plic@c000000');
    expect([...walkFdt(root)].map((w) => w.path)).toContain('/cpus/cpu@0/interrupt-controller');
    expect(() => nodeReg(root, '/chosen')).toThrow(/has no reg/);
  });

  it('lists a tree as dts source, guessing value types', () => {
    const dts = fdtToDts(node('', {}, [node('n', {
      s: 'text', l: ['a', 'b'], c: [1, 0x20], e: true, raw: new Uint8Array([1, 2, 3]), nul: new Uint8Array([0, 0x38, 0x40, 0]),
    })]));
    expect(dts).toBe([
      '/dts-v1/;', '', '/ {', '', '\tn {',
      '\t\ts = "text";', '\t\tl = "a", "b";', '\t\tc = <0x01 0x20>;', '\t\te;', '\t\traw = [01 02 03];',
      '\t\tnul = <0x384000>;', '\t};', '};', '',
    ].join('\n'));
  });
});

describe('virtBoardTree', () => {
  it('describes RAM, the timebase, the console and QEMU virt devices', () => {
    const root = virt({ bootargs: 'console=ttyS0' });
    const s = (path: string, prop: string) => propStrings(getProp(findNode(root, path)!, prop)!);
    const c = (path: string, prop: string) => propCells(getProp(findNode(root, path)!, prop)!);
    expect(s('/', 'compatible')).toEqual(['riscv-virtio']);
    expect(s('/', 'model')).toEqual(['riscv-virtio,qemu']);
    expect(c('/', '#address-cells')).toEqual([2]);
    expect(c('/cpus', 'timebase-frequency')).toEqual([10_000_000]);
    expect(s('/cpus/cpu@0', 'mmu-type')).toEqual(['riscv,sv32']);
    expect(s('/cpus/cpu@0', 'riscv,isa')[0]).toMatch(/^rv32ima/);
    expect(s('/soc/clint@2000000', 'compatible')).toEqual(['sifive,clint0', 'riscv,clint0']);
    expect(s('/soc/plic@c000000', 'compatible')).toEqual(['sifive,plic-1.0.0', 'riscv,plic0']);
    expect(c('/soc/plic@c000000', 'riscv,ndev')).toEqual([95]);
    expect(c('/soc/plic@c000000', 'interrupts-extended')).toEqual([2, 11, 2, 9]);
    expect(c('/soc/clint@2000000', 'interrupts-extended')).toEqual([2, 3, 2, 7]);
    expect(c('/soc/serial@10000000', 'interrupts')).toEqual([10]);
    expect(s('/soc/test@100000', 'compatible')).toEqual(['sifive,test1', 'sifive,test0', 'syscon']);
    expect(s('/chosen', 'stdout-path')).toEqual(['/soc/serial@10000000']);
    expect(s('/chosen', 'bootargs')).toEqual(['console=ttyS0']);
    for (let i = 0; i < 8; i++) {
      const path = `/soc/virtio_mmio@${(0x1000_1000 + i * 0x1000).toString(16)}`;
      expect(s(path, 'compatible')).toEqual(['virtio,mmio']);
      expect(c(path, 'interrupts')).toEqual([1 + i]);
    }
  });

  it('has one cpu, interrupt controller and interrupt pair per hart', () => {
    const root = virt({ harts: 2, virtioSlots: 0 });
    expect(findNode(root, '/cpus/cpu@1/interrupt-controller')).toBeDefined();
    const ext = propCells(getProp(findNode(root, '/soc/plic@c000000')!, 'interrupts-extended')!);
    // QEMU numbers the cpus from the last hart down: cpu@1 is 1 (its intc 2), cpu@0 is 3 (4).
    expect(ext).toEqual([4, 11, 4, 9, 2, 11, 2, 9]);
    expect(ext.filter((_, i) => i % 2 === 0).map((h) => phandleTarget(root, h)))
      .toEqual(['/cpus/cpu@0/interrupt-controller', '/cpus/cpu@0/interrupt-controller',
        '/cpus/cpu@1/interrupt-controller', '/cpus/cpu@1/interrupt-controller']);
    expect(findNode(root, '/soc')!.children.some((n) => n.name.startsWith('virtio_mmio'))).toBe(false);
    expect(getProp(findNode(root, '/chosen')!, 'bootargs')).toBeUndefined();
    // Every phandle is unique.
    const handles = [...walkFdt(root)].flatMap(({ node: n }) => { const p = getProp(n, 'phandle'); return p ? [propU32(p)] : []; });
    expect(new Set(handles).size).toBe(handles.length);
  });

  it('rejects impossible boards', () => {
    expect(() => virt({ harts: 0 })).toThrow(/harts/);
    expect(() => virt({ virtioSlots: 9 })).toThrow(/virtioSlots must be 0..8/);
    expect(() => virt({ ramBytes: 0 })).toThrow(/ramBytes/);
  });
});

describe('placeFdt (QEMU 7.2 riscv_load_fdt)', () => {
  it('puts the FDT 2 MiB aligned below the end of RAM, measuring QEMU 7.2’s 1 MiB buffer', () => {
    expect(placeFdt(RAM_BASE, 128 * MIB, 3000)).toBe(0x87e0_0000);
    expect(placeFdt(RAM_BASE, 64 * MIB, 3000)).toBe(0x83e0_0000);
    expect(placeFdt(RAM_BASE, 65 * MIB, 3000)).toBe(0x8400_0000);
    // RAM ending half way into a MiB: QEMU 7.2 subtracts the 1 MiB buffer, not the blob size.
    expect(placeFdt(RAM_BASE, 64 * MIB + MIB / 2, 3000)).toBe(0x83e0_0000);
    expect(placeFdt(RAM_BASE, 4 * MIB, 3000)).toBe(0x8020_0000);
  });

  it('stays below 3 GiB unless RAM starts above it', () => {
    expect(placeFdt(RAM_BASE, 2048 * MIB, 3000)).toBe(0xbfe0_0000);
    expect(placeFdt(0xc000_0000, 256 * MIB, 3000)).toBe(0xcfe0_0000);
  });

  it('uses the real size of a blob larger than QEMU’s buffer, and refuses when it cannot fit', () => {
    expect(placeFdt(RAM_BASE, 128 * MIB, 3 * MIB)).toBe(0x87c0_0000);
    expect(() => placeFdt(RAM_BASE, MIB / 2, 3000)).toThrow(/does not fit/);
  });
});

describe('virtBoardFdt', () => {
  it('gives the blob of the board tree and QEMU 7.2’s address for it', () => {
    const opts = { ramBase: RAM_BASE, ramBytes: 256 * MIB, harts: 1, timebaseHz: 10_000_000, virtioSlots: 8, bootargs: 'x' };
    const { bytes, address } = virtBoardFdt(opts);
    expect(address).toBe(0x8fe0_0000);
    expect(readFdt(bytes).root).toEqual(virtBoardTree(opts));
  });
});
