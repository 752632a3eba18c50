/**
 * How a paravirtual back-end finds the guest memory a hypercall names. The paravirt build
 * passes guest-physical addresses, checked against its RAM and its pinned page tables (PvMmu);
 * the pvio build passes kernel virtual addresses, which pvio.ts translates through the guest's
 * page tables and the G-stage. Either way nothing outside the guest's RAM is ever touched.
 */
import type { Access } from '../../machine/mmu.js';

export interface PvAddressSpace {
  /** [gpa, gpa+len) lies wholly in guest RAM. */
  inRam(gpa: number, len: number): boolean;
  /** The page holding gpa is a pinned page table (never written by a back-end). */
  isPinned(gpa: number): boolean;
  /** Some page of [gpa, gpa+len) is pinned. */
  overlapsPinned(gpa: number, len: number): boolean;
  /** The guest-physical address of the `len` bytes the guest names `addr`, contiguous and in
   *  RAM, for an access of this kind; -1 when they are not. */
  resolve(addr: number, len: number, access: Access): number;
  /** The longest guest-physical run at the start of [addr, addr+len) (the caller loops on the
   *  rest), or null when not even its first byte is guest RAM. */
  prefix(addr: number, len: number): { gpa: number; len: number } | null;
}

/** What guest-physical addressing needs: RAM bounds and the pinned pages (PvMmu). */
export interface PhysicalMemory {
  inRam(gpa: number, len: number): boolean;
  isPinned(gpa: number): boolean;
  overlapsPinned(gpa: number, len: number): boolean;
}

/** Guest-physical addressing: a buffer is usable when it is wholly RAM. */
export function physicalSpace(m: PhysicalMemory): PvAddressSpace {
  return {
    inRam: (gpa, len) => m.inRam(gpa, len),
    isPinned: (gpa) => m.isPinned(gpa),
    overlapsPinned: (gpa, len) => m.overlapsPinned(gpa, len),
    resolve: (addr, len) => (m.inRam(addr, len) ? addr : -1),
    prefix: (addr, len) => (m.inRam(addr, len) ? { gpa: addr, len } : null),
  };
}
