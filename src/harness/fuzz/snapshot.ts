/**
 * Everything a VM counts, in one comparable record: its stop, console, clock, instructions,
 * exits, cycle breakdown, guest traps, hypercalls, TLB figures, and hashes of its RAM and disk.
 * The neighbour's must be the same beside hostile guests as alone; a guest's, the same on
 * every run of the same seed.
 */
import type { MemoryDisk } from '../../machine/devices/disk.js';
import type { Vm, VmStopReason } from '../../hypervisor/vm.js';

export interface VmSnapshot {
  stop: VmStopReason | null;
  console: string;
  consoleBytes: number;
  cycles: number;
  idleCycles: number;
  retired: number;
  exits: number;
  accounting: ReturnType<Vm['accounting']['snapshot']> & { guestTraps: Record<string, number>; hypercalls: Record<string, number> };
  tlbMisses: number;
  pteReads: number;
  ramHash: number;
  diskHash: number;
}

/** FNV-1a over 32-bit words: a cheap fingerprint of a memory. */
export function hashWords(words: Int32Array): number {
  let h = 0x811c_9dc5;
  for (let i = 0; i < words.length; i++) h = Math.imul(h ^ (words[i] as number), 0x0100_0193);
  return h >>> 0;
}

function hashBytes(bytes: Uint8Array): number {
  const whole = bytes.length - (bytes.length % 4);
  return hashWords(new Int32Array(bytes.buffer, bytes.byteOffset, whole / 4));
}

export function snapshot(vm: Vm): VmSnapshot {
  const hart = vm.cpu.hart;
  const acc = vm.accounting;
  const disk = vm.disk as MemoryDisk | undefined;
  return {
    stop: vm.stopReason,
    console: vm.console,
    consoleBytes: vm.consoleBytesWritten,
    cycles: vm.cycles,
    idleCycles: hart.idleCycles,
    retired: hart.retired,
    exits: vm.cpu.exits,
    accounting: { ...acc.snapshot(), guestTraps: { ...acc.guestTraps }, hypercalls: { ...acc.hypercalls } },
    tlbMisses: hart.tlb.misses,
    pteReads: hart.walkStats.pteReads,
    ramHash: hashWords(vm.mem.ram.i32),
    diskHash: disk?.bytes ? hashBytes(disk.bytes) : 0,
  };
}

/** The paths at which two snapshots differ (at most `limit`), as `path: a → b`. */
export function differences(a: unknown, b: unknown, path = '', limit = 8, out: string[] = []): string[] {
  if (out.length >= limit) return out;
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k, limit, out);
    return out;
  }
  if (!Object.is(a, b)) out.push(`${path}: ${short(a)} → ${short(b)}`);
  return out;
}

function short(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
