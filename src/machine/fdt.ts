/**
 * Flattened device trees (FDT, "DTB"): the binary format in which a board tells its software
 * what hardware it has — RAM size, harts and their timebase, devices, where the console is.
 * QEMU builds one for every `virt` machine and passes its address in a1; pvlab does the same.
 *
 * This module has four parts:
 *   - a tree model (`FdtNode`, `FdtProperty`) and value encoders (`u32`, `u64`, `str`, `strList`,
 *     `regValue`, the `node()` builder);
 *   - `writeFdt`: tree → bytes, the Devicetree Specification v0.4 §5 layout (version 17);
 *   - `readFdt`: bytes → tree, with decoders for the common value kinds and `fdtToDts`, a
 *     dtc-style source listing for people;
 *   - `virtBoardTree` / `placeFdt`: the tree QEMU 7.2 generates for its `virt` board (the parts
 *     pvlab models) and the address QEMU loads it at.
 *
 * Binary layout (spec §5.1–5.5; every integer big-endian):
 *
 *   header (40 bytes)      magic 0xd00dfeed, totalsize, off_dt_struct, off_dt_strings,
 *                          off_mem_rsvmap, version 17, last_comp_version 16, boot_cpuid_phys,
 *                          size_dt_strings, size_dt_struct
 *   memory reservations    (address u64, size u64) pairs ending with (0, 0); 8-byte aligned
 *   structure block        tokens, 4-byte aligned: FDT_BEGIN_NODE name\0 (padded),
 *                          FDT_PROP len nameoff value (padded), FDT_END_NODE, FDT_NOP, FDT_END
 *   strings block          property names, NUL-terminated, referenced by offset
 *
 * Sources: Devicetree Specification v0.4 (devicetree.org, 2023), chapters 2–5; QEMU 7.2
 * hw/riscv/virt.c (create_fdt*) and hw/riscv/boot.c (riscv_load_fdt).
 */
import { IRQ } from '../isa/csr.js';
import { FINISHER, TEST_FINISHER } from './devices/test-device.js';
import { VIRT } from './memory-map.js';

// ---------------------------------------------------------------------------------------------
// The model

/** One property: its name and raw value bytes (big-endian cells, NUL-terminated strings, …). */
export interface FdtProperty {
  name: string;
  value: Uint8Array;
}

/** A node. The root's name is the empty string; others are `name` or `name@unit-address`. */
export interface FdtNode {
  name: string;
  props: FdtProperty[];
  children: FdtNode[];
}

/** One entry of the memory reservation block (spec §5.3). */
export interface FdtReservation {
  address: bigint;
  size: bigint;
}

/** A whole device tree blob's contents. */
export interface FdtTree {
  root: FdtNode;
  reservations: FdtReservation[];
  /** Physical id of the boot CPU (header field boot_cpuid_phys). */
  bootCpuidPhys: number;
}

export class FdtError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FdtError';
  }
}

// Spec constants (§5.2, §5.4.1).
export const FDT_MAGIC = 0xd00d_feed;
export const FDT_VERSION = 17;
export const FDT_LAST_COMP_VERSION = 16;
export const FDT_BEGIN_NODE = 0x1;
export const FDT_END_NODE = 0x2;
export const FDT_PROP = 0x3;
export const FDT_NOP = 0x4;
export const FDT_END = 0x9;
/** Byte offsets of the header's fields (devicetree spec §5.2), and its size. */
export const FDT_HEADER = {
  MAGIC: 0,
  TOTALSIZE: 4,
  OFF_DT_STRUCT: 8,
  OFF_DT_STRINGS: 12,
  OFF_MEM_RSVMAP: 16,
  VERSION: 20,
  LAST_COMP_VERSION: 24,
  BOOT_CPUID_PHYS: 28,
  SIZE_DT_STRINGS: 32,
  SIZE_DT_STRUCT: 36,
  SIZE: 40,
} as const;
const HEADER_BYTES = FDT_HEADER.SIZE;
const RSVMAP_ALIGN = 8;
const TOKEN_ALIGN = 4;
const CELL_BYTES = 4;
/** Spec §2.2.1 / §2.2.4: node and property names are 1..31 characters. */
const MAX_NAME_CHARS = 31;

// ---------------------------------------------------------------------------------------------
// Value encoders

/** Cells: each number a big-endian 32-bit value (`<a b c>` in source). */
export function u32(...cells: readonly number[]): Uint8Array {
  const out = new Uint8Array(cells.length * CELL_BYTES);
  const dv = new DataView(out.buffer);
  cells.forEach((c, i) => {
    if (!Number.isInteger(c) || c < -0x8000_0000 || c > 0xffff_ffff) {
      throw new FdtError(`cell value ${c} does not fit in 32 bits`);
    }
    dv.setUint32(i * CELL_BYTES, c >>> 0);
  });
  return out;
}

/** 64-bit values, each as two cells (high, low) — `/bits/ 64 <…>` or an address with #cells 2. */
export function u64(...values: readonly (number | bigint)[]): Uint8Array {
  const out = new Uint8Array(values.length * 2 * CELL_BYTES);
  const dv = new DataView(out.buffer);
  values.forEach((v, i) => {
    const b = BigInt(v);
    if (b < 0n || b >= 1n << 64n) throw new FdtError(`value ${v} does not fit in 64 bits`);
    dv.setBigUint64(i * 2 * CELL_BYTES, b);
  });
  return out;
}

/** A NUL-terminated string. */
export function str(s: string): Uint8Array {
  return strList(s);
}

/** A string list: the strings one after another, each NUL-terminated (compatible = "a", "b"). */
export function strList(...strings: readonly string[]): Uint8Array {
  for (const s of strings) {
    if (s.includes('\0')) throw new FdtError(`string ${JSON.stringify(s)} contains NUL`);
  }
  return new TextEncoder().encode(strings.map((s) => `${s}\0`).join(''));
}

/** A `reg` (or `ranges`-like) value: (address, size) pairs in the parent's cell counts. */
export function regValue(
  addressCells: number,
  sizeCells: number,
  entries: readonly (readonly [address: number | bigint, size: number | bigint])[],
): Uint8Array {
  const cells: number[] = [];
  const push = (v: number | bigint, count: number, what: string) => {
    let b = BigInt(v);
    if (b < 0n || b >= 1n << BigInt(32 * count)) {
      throw new FdtError(`reg ${what} 0x${b.toString(16)} does not fit in ${count} cell(s)`);
    }
    const part: number[] = [];
    for (let i = 0; i < count; i++) {
      part.unshift(Number(b & 0xffff_ffffn));
      b >>= 32n;
    }
    cells.push(...part);
  };
  for (const [address, size] of entries) {
    push(address, addressCells, 'address');
    push(size, sizeCells, 'size');
  }
  return u32(...cells);
}

/**
 * What `node()` accepts for a property value: raw bytes; a string or string list; a number
 * (one cell) or number array (cells); a bigint (one 64-bit value, two cells); `true` for an
 * empty (boolean) property.
 */
export type PropInput = Uint8Array | string | readonly string[] | number | readonly number[] | bigint | true;

function encodeValue(v: PropInput): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (v === true) return new Uint8Array(0);
  if (typeof v === 'string') return str(v);
  if (typeof v === 'number') return u32(v);
  if (typeof v === 'bigint') return u64(v);
  if (v.length === 0) return new Uint8Array(0);
  if (v.every((x): x is string => typeof x === 'string')) return strList(...v);
  if (v.every((x): x is number => typeof x === 'number')) return u32(...v);
  throw new FdtError('a property array must hold only strings or only numbers');
}

/** Build a node: `node('serial@10000000', { compatible: 'ns16550a', interrupts: 10 })`. */
export function node(name: string, props: Readonly<Record<string, PropInput>> = {}, children: FdtNode[] = []): FdtNode {
  return {
    name,
    props: Object.entries(props).map(([n, v]) => ({ name: n, value: encodeValue(v) })),
    children,
  };
}

// ---------------------------------------------------------------------------------------------
// Validation (spec §2.2)

const NODE_NAME = /^[0-9A-Za-z,._+-]+$/;
const UNIT_ADDRESS = /^[0-9A-Za-z,._+-]+$/;
const PROP_NAME = /^[0-9A-Za-z,._+?#-]+$/;

function checkNodeName(name: string, path: string): void {
  const at = name.indexOf('@');
  const base = at < 0 ? name : name.slice(0, at);
  const unit = at < 0 ? null : name.slice(at + 1);
  if (base.length < 1 || base.length > MAX_NAME_CHARS || !NODE_NAME.test(base)) {
    throw new FdtError(`${path}: bad node name ${JSON.stringify(name)} (1..${MAX_NAME_CHARS} of [0-9A-Za-z,._+-], then optional @unit-address)`);
  }
  if (unit !== null && !UNIT_ADDRESS.test(unit)) {
    throw new FdtError(`${path}: bad unit address in node name ${JSON.stringify(name)}`);
  }
}

function checkPropName(name: string, path: string): void {
  if (name.length < 1 || name.length > MAX_NAME_CHARS || !PROP_NAME.test(name)) {
    throw new FdtError(`${path}: bad property name ${JSON.stringify(name)} (1..${MAX_NAME_CHARS} of [0-9A-Za-z,._+?#-])`);
  }
}

const childPath = (parent: string, name: string): string => (parent === '/' ? `/${name}` : `${parent}/${name}`);

// ---------------------------------------------------------------------------------------------
// Writer

/** Growable big-endian byte buffer. */
class ByteWriter {
  private buf = new Uint8Array(1024);
  private dv = new DataView(this.buf.buffer);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.dv = new DataView(next.buffer);
  }

  u32(v: number): void {
    this.reserve(4);
    this.dv.setUint32(this.length, v >>> 0);
    this.length += 4;
  }

  u64(v: bigint): void {
    this.reserve(8);
    this.dv.setBigUint64(this.length, v);
    this.length += 8;
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  align(a: number): void {
    const pad = (a - (this.length % a)) % a;
    this.reserve(pad);
    this.buf.fill(0, this.length, this.length + pad);
    this.length += pad;
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

export interface WriteFdtOptions {
  reservations?: readonly FdtReservation[];
  /** Header boot_cpuid_phys (default 0). */
  bootCpuidPhys?: number;
}

/**
 * Serialize a tree to a device tree blob. Names are validated (spec §2.2), sibling node names
 * and a node's property names must be unique, and property names are stored once each in the
 * strings block.
 */
export function writeFdt(root: FdtNode, opts: WriteFdtOptions = {}): Uint8Array {
  if (root.name !== '') throw new FdtError(`the root node's name must be empty, not ${JSON.stringify(root.name)}`);
  const strings = new ByteWriter();
  const stringOffsets = new Map<string, number>();
  const nameOffset = (name: string): number => {
    let off = stringOffsets.get(name);
    if (off === undefined) {
      off = strings.length;
      strings.bytes(str(name));
      stringOffsets.set(name, off);
    }
    return off;
  };

  const struct = new ByteWriter();
  const emit = (n: FdtNode, path: string): void => {
    struct.u32(FDT_BEGIN_NODE);
    struct.bytes(str(n.name));
    struct.align(TOKEN_ALIGN);
    const seenProps = new Set<string>();
    for (const p of n.props) {
      checkPropName(p.name, path);
      if (seenProps.has(p.name)) throw new FdtError(`${path}: property ${p.name} appears twice`);
      seenProps.add(p.name);
      struct.u32(FDT_PROP);
      struct.u32(p.value.length);
      struct.u32(nameOffset(p.name));
      struct.bytes(p.value);
      struct.align(TOKEN_ALIGN);
    }
    const seenChildren = new Set<string>();
    for (const c of n.children) {
      const cpath = childPath(path, c.name);
      checkNodeName(c.name, cpath);
      if (seenChildren.has(c.name)) throw new FdtError(`${path}: two child nodes named ${c.name}`);
      seenChildren.add(c.name);
      emit(c, cpath);
    }
    struct.u32(FDT_END_NODE);
  };
  emit(root, '/');
  struct.u32(FDT_END);

  const out = new ByteWriter();
  const offRsvmap = HEADER_BYTES; // 40 is already 8-byte aligned
  const rsv = opts.reservations ?? [];
  const offStruct = offRsvmap + (rsv.length + 1) * 16;
  const offStrings = offStruct + struct.length;
  const total = offStrings + strings.length;
  out.u32(FDT_MAGIC);
  out.u32(total);
  out.u32(offStruct);
  out.u32(offStrings);
  out.u32(offRsvmap);
  out.u32(FDT_VERSION);
  out.u32(FDT_LAST_COMP_VERSION);
  out.u32(opts.bootCpuidPhys ?? 0);
  out.u32(strings.length);
  out.u32(struct.length);
  out.align(RSVMAP_ALIGN);
  for (const r of rsv) {
    out.u64(r.address);
    out.u64(r.size);
  }
  out.u64(0n);
  out.u64(0n);
  out.bytes(struct.result());
  out.bytes(strings.result());
  return out.result();
}

// ---------------------------------------------------------------------------------------------
// Reader

/** Parse a device tree blob (version 16 or later). Throws FdtError saying what is malformed. */
export function readFdt(bytes: Uint8Array): FdtTree {
  if (bytes.length < HEADER_BYTES) throw new FdtError(`${bytes.length} bytes are too few for an FDT header (${HEADER_BYTES})`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = (i: number): number => dv.getUint32(i * 4);
  const magic = h(0);
  if (magic !== FDT_MAGIC) throw new FdtError(`bad FDT magic 0x${magic.toString(16)} (expected 0x${FDT_MAGIC.toString(16)})`);
  const total = h(1);
  const offStruct = h(2);
  const offStrings = h(3);
  const offRsvmap = h(4);
  const version = h(5);
  const lastComp = h(6);
  const bootCpuidPhys = h(7);
  const sizeStrings = h(8);
  // size_dt_struct arrived with version 17; a version 16 blob's structure block runs up to
  // wherever the tokens end (bounded by the blob).
  const sizeStruct = version >= FDT_VERSION ? h(9) : total - offStruct;
  if (total > bytes.length) throw new FdtError(`header totalsize ${total} exceeds the ${bytes.length} bytes given`);
  if (version < FDT_LAST_COMP_VERSION) throw new FdtError(`FDT version ${version} is older than ${FDT_LAST_COMP_VERSION}, which this reader needs`);
  if (lastComp > FDT_VERSION) throw new FdtError(`FDT last_comp_version ${lastComp} is newer than ${FDT_VERSION}`);
  const within = (off: number, size: number, what: string) => {
    if (off + size > total) throw new FdtError(`${what} (offset ${off}, ${size} bytes) runs past totalsize ${total}`);
  };
  within(offStruct, sizeStruct, 'structure block');
  within(offStrings, sizeStrings, 'strings block');
  if (offRsvmap % RSVMAP_ALIGN !== 0) throw new FdtError(`memory reservation block at ${offRsvmap} is not 8-byte aligned`);
  if (offStruct % TOKEN_ALIGN !== 0) throw new FdtError(`structure block at ${offStruct} is not 4-byte aligned`);

  const reservations: FdtReservation[] = [];
  for (let at = offRsvmap; ; at += 16) {
    within(at, 16, 'memory reservation block');
    const address = dv.getBigUint64(at);
    const size = dv.getBigUint64(at + 8);
    if (address === 0n && size === 0n) break;
    reservations.push({ address, size });
  }

  const decoder = new TextDecoder('utf-8', { fatal: false });
  const cString = (start: number, end: number, what: string): [string, number] => {
    const nul = bytes.indexOf(0, start);
    if (nul < 0 || nul >= end) throw new FdtError(`${what} at offset ${start} is not NUL-terminated`);
    return [decoder.decode(bytes.subarray(start, nul)), nul + 1];
  };
  const propName = (off: number): string => {
    if (off >= sizeStrings) throw new FdtError(`property name offset ${off} is outside the strings block (${sizeStrings} bytes)`);
    return cString(offStrings + off, offStrings + sizeStrings, 'property name')[0];
  };

  const end = offStruct + sizeStruct;
  let at = offStruct;
  const token = (): number => {
    if (at + 4 > end) throw new FdtError(`structure block ends without FDT_END`);
    const t = dv.getUint32(at);
    at += 4;
    return t;
  };
  const align = () => {
    at = Math.ceil(at / TOKEN_ALIGN) * TOKEN_ALIGN;
  };

  let t = token();
  while (t === FDT_NOP) t = token();
  if (t !== FDT_BEGIN_NODE) throw new FdtError(`structure block starts with token ${t}, not FDT_BEGIN_NODE`);
  const stack: FdtNode[] = [];
  let root: FdtNode | null = null;
  const beginNode = () => {
    const [name, next] = cString(at, end, 'node name');
    at = next;
    align();
    const n: FdtNode = { name, props: [], children: [] };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(n);
    else root = n;
    stack.push(n);
  };
  beginNode();
  while (stack.length > 0) {
    const tokenAt = at;
    t = token();
    switch (t) {
      case FDT_BEGIN_NODE:
        beginNode();
        break;
      case FDT_END_NODE:
        stack.pop();
        break;
      case FDT_PROP: {
        const len = token();
        const nameoff = token();
        if (at + len > end) throw new FdtError(`property at offset ${tokenAt} (${len} bytes) runs past the structure block`);
        const current = stack[stack.length - 1]!;
        current.props.push({ name: propName(nameoff), value: bytes.slice(at, at + len) });
        at += len;
        align();
        break;
      }
      case FDT_NOP:
        break;
      default:
        throw new FdtError(`unexpected token ${t} at offset ${tokenAt} of the structure block`);
    }
  }
  t = token();
  while (t === FDT_NOP) t = token();
  if (t !== FDT_END) throw new FdtError(`token ${t} after the root node; expected FDT_END`);
  return { root: root!, reservations, bootCpuidPhys };
}

// ---------------------------------------------------------------------------------------------
// Queries and value decoders

/** A property's value, or undefined. */
export function getProp(n: FdtNode, name: string): Uint8Array | undefined {
  return n.props.find((p) => p.name === name)?.value;
}

/**
 * The node at `path` ("/", "/soc/serial@10000000"). A component without "@" also matches a
 * unique child whose name is that plus "@unit" ("/memory" finds "memory@80000000"), as Linux's
 * of_find_node_by_path does.
 */
export function findNode(root: FdtNode, path: string): FdtNode | undefined {
  if (!path.startsWith('/')) return undefined;
  let n: FdtNode | undefined = root;
  for (const part of path.split('/').filter((p) => p !== '')) {
    const exact: FdtNode | undefined = n.children.find((c) => c.name === part);
    if (exact) {
      n = exact;
      continue;
    }
    if (part.includes('@')) return undefined;
    const byBase: FdtNode[] = n.children.filter((c) => c.name.split('@')[0] === part);
    if (byBase.length !== 1) return undefined;
    n = byBase[0]!;
  }
  return n;
}

/** Every node with its path, depth first (the root is "/"). */
export function* walkFdt(root: FdtNode, path = '/'): Generator<{ path: string; node: FdtNode }> {
  yield { path, node: root };
  for (const c of root.children) yield* walkFdt(c, childPath(path, c.name));
}

/** Path of the node whose `phandle` property is `handle`. */
export function phandleTarget(root: FdtNode, handle: number): string | undefined {
  for (const { path, node: n } of walkFdt(root)) {
    const v = getProp(n, 'phandle');
    if (v && v.length === CELL_BYTES && propU32(v) === handle) return path;
  }
  return undefined;
}

/** A value as 32-bit cells. */
export function propCells(v: Uint8Array): number[] {
  if (v.length % CELL_BYTES !== 0) throw new FdtError(`a ${v.length}-byte value is not a whole number of cells`);
  const dv = new DataView(v.buffer, v.byteOffset, v.byteLength);
  return Array.from({ length: v.length / CELL_BYTES }, (_, i) => dv.getUint32(i * CELL_BYTES));
}

/** Cell `index` of a value. */
export function propU32(v: Uint8Array, index = 0): number {
  const c = propCells(v)[index];
  if (c === undefined) throw new FdtError(`value has no cell ${index}`);
  return c;
}

/** `count` cells from `index` combined big-endian into one number (e.g. a 2-cell address). */
export function readCells(v: Uint8Array, index: number, count: number): bigint {
  const cells = propCells(v);
  if (index + count > cells.length) throw new FdtError(`value has ${cells.length} cells; wanted ${index}..${index + count - 1}`);
  let r = 0n;
  for (let i = 0; i < count; i++) r = (r << 32n) | BigInt(cells[index + i]!);
  return r;
}

/** The strings of a string list (or the one string of a string). */
export function propStrings(v: Uint8Array): string[] {
  if (v.length === 0 || v[v.length - 1] !== 0) throw new FdtError('value is not a NUL-terminated string list');
  return new TextDecoder().decode(v.subarray(0, v.length - 1)).split('\0');
}

export function propString(v: Uint8Array): string {
  const s = propStrings(v);
  if (s.length !== 1) throw new FdtError(`value holds ${s.length} strings, not one`);
  return s[0]!;
}

/** A `reg` value as (address, size) pairs, given the parent's #address-cells / #size-cells. */
export function decodeReg(v: Uint8Array, addressCells: number, sizeCells: number): FdtReservation[] {
  const per = addressCells + sizeCells;
  const cells = propCells(v).length;
  if (per === 0 || cells % per !== 0) throw new FdtError(`reg of ${cells} cells is not a list of (${addressCells}+${sizeCells})-cell entries`);
  const out: FdtReservation[] = [];
  for (let i = 0; i < cells; i += per) {
    out.push({ address: readCells(v, i, addressCells), size: sizeCells ? readCells(v, i + addressCells, sizeCells) : 0n });
  }
  return out;
}

/**
 * The `reg` of the node at `path`, decoded with its parent's #address-cells / #size-cells
 * (defaults 2 and 1, spec §2.3.5).
 */
export function nodeReg(root: FdtNode, path: string): FdtReservation[] {
  const parts = path.split('/').filter((p) => p !== '');
  const parent = findNode(root, `/${parts.slice(0, -1).join('/')}`);
  const n = findNode(root, path);
  if (!parent || !n) throw new FdtError(`no node ${path}`);
  const reg = getProp(n, 'reg');
  if (!reg) throw new FdtError(`${path} has no reg property`);
  const ac = getProp(parent, '#address-cells');
  const sc = getProp(parent, '#size-cells');
  return decodeReg(reg, ac ? propU32(ac) : 2, sc ? propU32(sc) : 1);
}

// ---------------------------------------------------------------------------------------------
// Source listing

function isPrintableStringList(v: Uint8Array): boolean {
  if (v.length === 0 || v[v.length - 1] !== 0 || v[0] === 0) return false;
  for (let i = 0; i < v.length - 1; i++) {
    const b = v[i]!;
    if (b === 0) {
      if (v[i + 1] === 0) return false; // empty string inside a list: not text
      continue;
    }
    if (b < 0x20 || b > 0x7e) return false;
  }
  return true;
}

function formatValue(v: Uint8Array): string {
  if (v.length === 0) return '';
  if (isPrintableStringList(v)) {
    return ' = ' + propStrings(v).map((s) => JSON.stringify(s)).join(', ');
  }
  if (v.length % CELL_BYTES === 0) {
    return ` = <${propCells(v).map((c) => `0x${c.toString(16).padStart(2, '0')}`).join(' ')}>`;
  }
  return ` = [${Array.from(v, (b) => b.toString(16).padStart(2, '0')).join(' ')}]`;
}

/**
 * A dtc-style source listing (`/dts-v1/; / { … };`) of a tree, guessing each value's type from
 * its bytes as `dtc -I dtb -O dts` does: printable NUL-terminated text as strings, whole cells
 * as `<0x…>`, anything else as `[bytes]`.
 */
export function fdtToDts(tree: FdtTree | FdtNode): string {
  const t: FdtTree = 'root' in tree ? tree : { root: tree, reservations: [], bootCpuidPhys: 0 };
  const lines = ['/dts-v1/;', ''];
  for (const r of t.reservations) lines.push(`/memreserve/ 0x${r.address.toString(16)} 0x${r.size.toString(16)};`);
  const emit = (n: FdtNode, depth: number) => {
    const ind = '\t'.repeat(depth);
    lines.push(`${ind}${n.name === '' ? '/' : n.name} {`);
    for (const p of n.props) lines.push(`${ind}\t${p.name}${formatValue(p.value)};`);
    for (const c of n.children) {
      lines.push('');
      emit(c, depth + 1);
    }
    lines.push(`${ind}};`);
  };
  emit(t.root, 0);
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// QEMU virt

/** QEMU virt's NS16550A input clock (hw/riscv/virt.h: 3686400 Hz). */
export const VIRT_UART_CLOCK_HZ = 3_686_400;
/** The ISA string pvlab's harts advertise (what the machine implements and S-mode may use). */
export const PVLAB_RISCV_ISA = 'rv32imah_zicsr_zifencei_zihintpause';
/** Bytes QEMU 7.2 allocates for the FDT it builds (device_tree.c FDT_MAX_SIZE), see placeFdt. */
export const QEMU_FDT_BUFFER_BYTES = 0x10_0000;
const MIB = 0x10_0000;
/** QEMU keeps the FDT below 3 GiB so 32-bit software can reach it. */
const FDT_CEILING = 3072 * MIB;
/** …and 2 MiB aligned (riscv_load_fdt). */
const FDT_ALIGN = 2 * MIB;

export interface VirtBoardTreeOptions {
  ramBase: number;
  ramBytes: number;
  /** Number of harts (ids 0..harts-1). */
  harts: number;
  /** The CLINT's mtime rate; QEMU virt: 10 MHz. */
  timebaseHz: number;
  /** Kernel command line for /chosen/bootargs (QEMU: -append). */
  bootargs?: string;
  /** How many virtio-mmio transports to describe (QEMU virt: 8, at 0x1000_1000 + 0x1000·i). */
  virtioSlots: number;
  /**
   * Whether a disk sits behind virtio slot 0. Accepted for the callers' convenience but does not
   * change the tree: like QEMU, every transport is described whether or not a device is behind
   * it, and a driver finds out by reading the transport's DeviceID register (0 = none).
   */
  hasDisk?: boolean;
  /** riscv,isa of each hart (default PVLAB_RISCV_ISA). */
  isa?: string;
}

const hex = (n: number): string => n.toString(16);

/**
 * The device tree of QEMU's `virt` board as QEMU 7.2 builds it (hw/riscv/virt.c create_fdt),
 * restricted to the devices pvlab models: /cpus, /memory, /soc (CLINT, PLIC, UART, virtio-mmio,
 * the SiFive test device), the syscon poweroff/reboot nodes and /chosen. Node names,
 * compatibles, reg (#address-cells = #size-cells = 2), interrupt wiring and phandle numbering
 * are QEMU's. Differences: no pmu, fw-cfg, flash, platform-bus, PCIe or RTC nodes; no
 * /chosen/rng-seed (pvlab is deterministic); riscv,isa names what pvlab implements (no Sstc:
 * the firmware does not enable it for S-mode); riscv,ndev is 95, the PLIC's last source (QEMU
 * 7.2 says 96, one more than its PLIC has; later QEMU versions say 95).
 */
export function virtBoardTree(opts: VirtBoardTreeOptions): FdtNode {
  const { ramBase, ramBytes, harts, timebaseHz } = opts;
  if (!Number.isInteger(harts) || harts < 1) throw new FdtError(`harts must be a positive integer, not ${harts}`);
  if (!Number.isInteger(opts.virtioSlots) || opts.virtioSlots < 0 || opts.virtioSlots > VIRT.VIRTIO_COUNT) {
    throw new FdtError(`virtioSlots must be 0..${VIRT.VIRTIO_COUNT}, not ${opts.virtioSlots}`);
  }
  if (!(ramBytes > 0)) throw new FdtError(`ramBytes must be positive, not ${ramBytes}`);
  const isa = opts.isa ?? PVLAB_RISCV_ISA;
  const reg = (address: number, size: number) => regValue(2, 2, [[address, size]]);

  // Phandles in QEMU's order: per hart the cpu then its interrupt controller — QEMU creates
  // the cpu nodes from the last hart down to hart 0 (create_fdt_socket_cpus), so the last hart
  // has phandle 1 — then the PLIC, then the test device (referenced by the syscon nodes).
  const cpuPhandle = (h: number) => 1 + 2 * (harts - 1 - h);
  const intcPhandle = (h: number) => cpuPhandle(h) + 1;
  const plicPhandle = 2 * harts + 1;
  const testPhandle = 2 * harts + 2;

  const cpus = Array.from({ length: harts }, (_, h) => node(`cpu@${hex(h)}`, {
    phandle: cpuPhandle(h),
    device_type: 'cpu',
    reg: h,
    status: 'okay',
    compatible: 'riscv',
    'riscv,isa': isa,
    'mmu-type': 'riscv,sv32',
  }, [
    node('interrupt-controller', {
      '#interrupt-cells': 1,
      'interrupt-controller': true,
      compatible: 'riscv,cpu-intc',
      phandle: intcPhandle(h),
    }),
  ]));
  const cpuMap = node('cpu-map', {}, [
    node('cluster0', {}, Array.from({ length: harts }, (_, h) => node(`core${h}`, { cpu: cpuPhandle(h) }))),
  ]);

  // interrupts-extended: for each hart, (its intc, interrupt number) pairs.
  const perHart = (...irqs: number[]) => Array.from({ length: harts }, (_, h) => irqs.flatMap((i) => [intcPhandle(h), i])).flat();

  const virtio = Array.from({ length: opts.virtioSlots }, (_, i) => {
    const base = VIRT.VIRTIO_BASE + i * VIRT.VIRTIO_STRIDE;
    return node(`virtio_mmio@${hex(base)}`, {
      interrupts: VIRT.VIRTIO_IRQ + i,
      'interrupt-parent': plicPhandle,
      reg: reg(base, VIRT.VIRTIO_STRIDE),
      compatible: 'virtio,mmio',
    });
  });

  const soc = node('soc', {
    '#address-cells': 2,
    '#size-cells': 2,
    compatible: 'simple-bus',
    ranges: true,
  }, [
    node(`clint@${hex(VIRT.CLINT_BASE)}`, {
      'interrupts-extended': perHart(IRQ.MSI, IRQ.MTI),
      reg: reg(VIRT.CLINT_BASE, VIRT.CLINT_SIZE),
      compatible: ['sifive,clint0', 'riscv,clint0'],
    }),
    node(`plic@${hex(VIRT.PLIC_BASE)}`, {
      phandle: plicPhandle,
      'riscv,ndev': VIRT.PLIC_SOURCES - 1,
      reg: reg(VIRT.PLIC_BASE, VIRT.PLIC_SIZE),
      'interrupts-extended': perHart(IRQ.MEI, IRQ.SEI),
      'interrupt-controller': true,
      compatible: ['sifive,plic-1.0.0', 'riscv,plic0'],
      '#address-cells': 0,
      '#interrupt-cells': 1,
    }),
    node(`serial@${hex(VIRT.UART0_BASE)}`, {
      interrupts: VIRT.UART0_IRQ,
      'interrupt-parent': plicPhandle,
      'clock-frequency': VIRT_UART_CLOCK_HZ,
      reg: reg(VIRT.UART0_BASE, VIRT.UART0_SIZE),
      compatible: 'ns16550a',
    }),
    node(`test@${hex(VIRT.TEST_BASE)}`, {
      phandle: testPhandle,
      reg: reg(VIRT.TEST_BASE, VIRT.TEST_SIZE),
      compatible: ['sifive,test1', 'sifive,test0', 'syscon'],
    }),
    ...virtio,
  ]);

  const chosen: Record<string, PropInput> = {};
  if (opts.bootargs !== undefined) chosen.bootargs = opts.bootargs;
  chosen['stdout-path'] = `/soc/serial@${hex(VIRT.UART0_BASE)}`;

  return node('', {
    '#address-cells': 2,
    '#size-cells': 2,
    compatible: 'riscv-virtio',
    model: 'riscv-virtio,qemu',
  }, [
    node('chosen', chosen),
    // Linux's syscon-poweroff/-reboot drivers write `value` at `offset` in the regmap device.
    node('poweroff', { value: FINISHER.PASS, offset: TEST_FINISHER, regmap: testPhandle, compatible: 'syscon-poweroff' }),
    node('reboot', { value: FINISHER.RESET, offset: TEST_FINISHER, regmap: testPhandle, compatible: 'syscon-reboot' }),
    node(`memory@${hex(ramBase)}`, { device_type: 'memory', reg: reg(ramBase, ramBytes) }),
    node('cpus', { '#address-cells': 1, '#size-cells': 0, 'timebase-frequency': timebaseHz }, [...cpus, cpuMap]),
    soc,
  ]);
}

/**
 * The physical address at which QEMU 7.2 loads the FDT (hw/riscv/boot.c riscv_load_fdt): the
 * highest 2 MiB-aligned address at which the blob fits below the end of RAM or 3 GiB,
 * whichever is lower (RAM starting at or above 3 GiB: below the end of RAM).
 *
 *   fdt_addr = QEMU_ALIGN_DOWN(min(dram_end, 3 GiB) - fdtsize, 2 MiB)
 *
 * QEMU 7.2 takes fdtsize before packing the blob, i.e. its whole 1 MiB buffer
 * (QEMU_FDT_BUFFER_BYTES); QEMU 8.0 packs first. So the size used here is
 * max(fdtBytes, 1 MiB), which reproduces 7.2 exactly. (Whenever RAM ends on a 1 MiB boundary
 * the two give the same address anyway.) With 128 MiB at 0x8000_0000 the FDT goes to
 * 0x87e0_0000.
 */
export function placeFdt(ramBase: number, ramBytes: number, fdtBytes: number): number {
  const size = Math.max(fdtBytes, QEMU_FDT_BUFFER_BYTES);
  const dramEnd = ramBase + ramBytes;
  const top = ramBase < FDT_CEILING ? Math.min(dramEnd, FDT_CEILING) : dramEnd;
  const addr = Math.floor((top - size) / FDT_ALIGN) * FDT_ALIGN;
  if (addr < ramBase || addr + fdtBytes > dramEnd) {
    throw new FdtError(`a ${fdtBytes}-byte FDT does not fit in ${ramBytes} bytes of RAM at 0x${hex(ramBase)} ` +
      `the way QEMU places it (2 MiB aligned, ${size} bytes below min(end of RAM, 3 GiB))`);
  }
  return addr;
}

/** A device tree blob and the physical address to load it at. */
export interface PlacedFdt {
  bytes: Uint8Array;
  address: number;
}

/** Blobs by configuration: every run of the same board loads the same bytes (a suite boots
 *  hundreds), so each is built once. */
const virtBlobs = new Map<string, Uint8Array>();

/**
 * What a loader needs for a native boot on the virt board: the board's tree as a blob and the
 * address QEMU 7.2 would load it at. Copy `bytes` to `address` and start the firmware with
 * a1 = `address`. The bytes are shared by every caller with the same options: copy, never change.
 */
export function virtBoardFdt(opts: VirtBoardTreeOptions): PlacedFdt {
  const key = JSON.stringify(opts);
  let bytes = virtBlobs.get(key);
  if (bytes === undefined) {
    if (virtBlobs.size >= 64) virtBlobs.clear();
    bytes = writeFdt(virtBoardTree(opts));
    virtBlobs.set(key, bytes);
  }
  return { bytes, address: placeFdt(opts.ramBase, opts.ramBytes, bytes.length) };
}
