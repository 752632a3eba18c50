/**
 * The paravirtual interface between pvlab's hypervisor and a paravirtualized guest kernel: the
 * hypercall table, the shared info page and the structures hypercalls take, in one place. The
 * guest include `gen/hypercalls.S` is generated from it; docs/pv-abi.md explains it.
 *
 * Calling convention: the SBI's (a hypercall is an SBI call to a vendor extension, as KVM's
 * own vendor calls are): `ecall` with a7 = PV_EXT, a6 = function, a0..a5 = arguments; returns
 * a0 = error (SBI_ERR_*, 0 = success) and a1 = value. Every other register is preserved.
 * All addresses a guest passes are guest-physical.
 */

/** SBI extension id of the PV interface: in the firmware/vendor-specific range 0x0900_0000..
 *  0x09FF_FFFF, "PV" in its low bytes. */
export const PV_EXT = 0x0950_5600;

/**
 * Which part of the interface a hypercall belongs to. The paravirt build uses all of them; the
 * pvio build (the unmodified CPU and MMU with paravirtual drivers) only `events` and `io`, so a
 * back-end under hardware assist serves those two (src/hypervisor/hw/pvio.ts).
 *   cpu     virtual CPU state: callback, trap return, timer, blocking, batching, shutdown
 *   mmu     page tables (Xen's direct paging)
 *   events  the shared page's event channels
 *   io      the console and the block ring
 */
export type HypercallPart = 'cpu' | 'mmu' | 'events' | 'io';

export interface HypercallSpec {
  readonly name: string;
  readonly number: number;
  readonly args: readonly string[];
  readonly returns: string;
  readonly doc: string;
  readonly part: HypercallPart;
  /** May be one of a MULTICALL's calls (TRAP_RETURN and MULTICALL itself may not). */
  readonly inMulticall: boolean;
}

export const HYPERCALLS: readonly HypercallSpec[] = [
  { name: 'SET_SHARED_INFO', number: 0, args: ['gpa'], returns: '0', part: 'events', inMulticall: true,
    doc: 'place this vCPU\'s shared info page (page-aligned, in RAM); the hypervisor keeps it current from then on' },
  { name: 'SET_CALLBACK', number: 1, args: ['entry'], returns: '0', part: 'cpu', inMulticall: true,
    doc: 'register the guest kernel\'s trap entry point (its stvec): traps and interrupts are delivered there, with cause/epc/tval/status in the shared info page' },
  { name: 'TRAP_RETURN', number: 2, args: [], returns: 'does not return to the caller', part: 'cpu', inMulticall: false,
    doc: 'the paravirtual sret: resume at shared.sepc in the mode shared.sstatus.SPP names, SIE ← SPIE, with a6 and a7 restored from shared.a6/a7 (the ecall itself needs them)' },
  { name: 'SET_PT_BASE', number: 3, args: ['satp'], returns: '0', part: 'mmu', inMulticall: true,
    doc: 'switch to the address space whose root (satp value) is given; the root must be a pinned page table' },
  { name: 'MMU_UPDATE', number: 4, args: ['list', 'count'], returns: 'number of entries applied', part: 'mmu', inMulticall: true,
    doc: 'apply `count` page-table updates {pte_gpa, value, flush_va} (Xen\'s mmu_update): each checked against the guest\'s own memory; flush_va != PV_NO_FLUSH also drops that page\'s translations. Stops at the first bad entry (error INVALID_PARAM, value = entries applied)' },
  { name: 'TLB_FLUSH', number: 5, args: ['va'], returns: '0', part: 'mmu', inMulticall: true,
    doc: 'drop the translations of the page holding va, or of everything when va = PV_FLUSH_ALL' },
  { name: 'PIN_TABLE', number: 6, args: ['gpa'], returns: '0', part: 'mmu', inMulticall: true,
    doc: 'this page becomes a page table: validated (every entry maps only the guest\'s memory) and made read-only to the guest; updates go through MMU_UPDATE' },
  { name: 'UNPIN_TABLE', number: 7, args: ['gpa'], returns: '0', part: 'mmu', inMulticall: true,
    doc: 'this page stops being a page table and is writable again' },
  { name: 'SET_TIMER', number: 8, args: ['time_lo', 'time_hi'], returns: '0', part: 'cpu', inMulticall: true,
    doc: 'raise the timer event when the time counter reaches this value; clears a pending one' },
  // ASSIGNMENT hypercall BEGIN step 1: the ABI table entry
  { name: 'CONSOLE_WRITE', number: 9, args: ['buf', 'len'], returns: 'bytes written', part: 'io', inMulticall: true,
    doc: 'write a whole buffer to the console in one exit' },
  // ASSIGNMENT hypercall END
  { name: 'BLK_SETUP', number: 10, args: ['ring'], returns: 'disk capacity in sectors', part: 'io', inMulticall: true,
    doc: 'register the block ring (one page, PV_RING layout); error NOT_SUPPORTED when the VM has no disk' },
  { name: 'BLK_NOTIFY', number: 11, args: [], returns: 'requests consumed', part: 'io', inMulticall: true,
    doc: 'the guest produced requests: the hypervisor consumes them all and posts responses, raising the block event per the ring\'s rsp_event threshold (Xen\'s one notify per batch)' },
  { name: 'MULTICALL', number: 12, args: ['list', 'count'], returns: 'calls made', part: 'cpu', inMulticall: false,
    doc: 'make `count` hypercalls {function, a0..a4, result error, result value} in one exit; a TRAP_RETURN or MULTICALL inside is refused' },
  { name: 'BLOCK', number: 13, args: [], returns: '0', part: 'cpu', inMulticall: true,
    doc: 'wait until an event is pending for the vCPU (the paravirtual wfi); returns at once if one already is' },
  { name: 'YIELD', number: 14, args: [], returns: '0', part: 'cpu', inMulticall: true,
    doc: 'give up the rest of the time slice' },
  { name: 'EVENT_CHECK', number: 15, args: [], returns: '0', part: 'events', inMulticall: true,
    doc: 'the guest unmasked events and saw one pending: deliver it now' },
  { name: 'SHUTDOWN', number: 16, args: ['status'], returns: 'does not return', part: 'cpu', inMulticall: true,
    doc: 'power the VM off with an exit status' },
];

export const HYPERCALL_BY_NAME: ReadonlyMap<string, HypercallSpec> = new Map(HYPERCALLS.map((h) => [h.name, h]));
export const HYPERCALL_BY_NUMBER: ReadonlyMap<number, HypercallSpec> = new Map(HYPERCALLS.map((h) => [h.number, h]));

/** A hypercall's number by name, from the table (a name missing there is a load-time error). */
function hc(name: string): number {
  const spec = HYPERCALL_BY_NAME.get(name);
  if (!spec) throw new Error(`src/abi/hypercalls.ts has no hypercall ${name}`);
  return spec.number;
}

/** Hypercall numbers by name, for TypeScript callers (the guest uses gen/hypercalls.S). */
export const HC = {
  SET_SHARED_INFO: hc('SET_SHARED_INFO'), SET_CALLBACK: hc('SET_CALLBACK'), TRAP_RETURN: hc('TRAP_RETURN'),
  SET_PT_BASE: hc('SET_PT_BASE'), MMU_UPDATE: hc('MMU_UPDATE'), TLB_FLUSH: hc('TLB_FLUSH'),
  PIN_TABLE: hc('PIN_TABLE'), UNPIN_TABLE: hc('UNPIN_TABLE'), SET_TIMER: hc('SET_TIMER'),
  BLK_SETUP: hc('BLK_SETUP'), BLK_NOTIFY: hc('BLK_NOTIFY'),
  // ASSIGNMENT hypercall BEGIN step 1: the hypercall's number
  CONSOLE_WRITE: hc('CONSOLE_WRITE'),
  // ASSIGNMENT hypercall END
  MULTICALL: hc('MULTICALL'), BLOCK: hc('BLOCK'), YIELD: hc('YIELD'), EVENT_CHECK: hc('EVENT_CHECK'),
  SHUTDOWN: hc('SHUTDOWN'),
} as const;

/** Special argument values. */
export const PV_ARG = {
  /** TLB_FLUSH: everything. */
  FLUSH_ALL: 0xffff_ffff,
  /** MMU_UPDATE entry flush_va: no flush for this entry. */
  NO_FLUSH: 0xffff_ffff,
} as const;

/**
 * The shared info page, one per vCPU (byte offsets). The guest reads and writes it with plain
 * loads and stores: masking interrupts is a store to `sstatus` (SIE), as in Xen's
 * evtchn_upcall_mask; the hypervisor delivers trap information here instead of in CSRs.
 * The hypervisor reads the guest's writes at every exit and writes its own before every entry.
 *
 *   0x00 sstatus   the virtual sstatus: SIE (events enabled), SPIE, SPP — as the CSR
 *   0x04 sie       which events the guest takes (SIP bits: SSIP, STIP = timer, SEIP = devices)
 *   0x08 sip       pending events (written by the hypervisor)
 *   0x0c sepc      trap pc (delivered; the guest may change it before TRAP_RETURN)
 *   0x10 scause    trap cause (delivered)
 *   0x14 stval     trap value (delivered)
 *   0x18 sscratch  the guest's scratch word (the sscratch CSR's role)
 *   0x1c events    pending event channels (PV_EVENT bits), set by the hypervisor, cleared by the guest
 *   0x20 time_lo   the time counter at the last entry into the guest
 *   0x24 time_hi
 *   0x28 a6        the interrupted context's a6 and a7: TRAP_RETURN is itself an ecall, which
 *   0x2c a7        needs a6/a7, so the guest saves them here and TRAP_RETURN restores them
 */
export const PV_SHARED = {
  SSTATUS: 0x00,
  SIE: 0x04,
  SIP: 0x08,
  SEPC: 0x0c,
  SCAUSE: 0x10,
  STVAL: 0x14,
  SSCRATCH: 0x18,
  EVENTS: 0x1c,
  TIME_LO: 0x20,
  TIME_HI: 0x24,
  A6: 0x28,
  A7: 0x2c,
  SIZE: 0x30,
} as const;

/** Event channels (bits of PV_SHARED.EVENTS). Each also raises a supervisor interrupt: the
 *  timer as STIP, the others as SEIP. */
export const PV_EVENT = {
  TIMER: 1 << 0,
  CONSOLE: 1 << 1,
  BLOCK: 1 << 2,
} as const;

/** One MMU_UPDATE entry (bytes). */
export const PV_MMU_UPDATE = {
  PTE_GPA: 0,
  VALUE: 4,
  FLUSH_VA: 8,
  SIZE: 12,
} as const;

/** One MULTICALL entry (bytes): the function, five arguments, and the result pair. */
export const PV_MULTICALL = {
  FUNCTION: 0,
  ARGS: 4,
  ARG_COUNT: 5,
  ERROR: 24,
  VALUE: 28,
  SIZE: 32,
} as const;

/**
 * The block ring: one page shared by the guest and the hypervisor, Xen's four-pointer split
 * ring. The guest produces requests (req_prod) and asks to be notified of responses once
 * rsp_prod reaches rsp_event; the hypervisor consumes requests and produces responses.
 * Indices are free-running; slot = index % PV_RING_SLOTS.
 *
 *   0x000 req_prod  0x004 req_event  0x008 rsp_prod  0x00c rsp_event
 *   0x010 requests[PV_RING_SLOTS]   {op, sector, buf_gpa, count, id}  (20 bytes each)
 *   0x010 + 20·SLOTS  responses[PV_RING_SLOTS]   {id, status}  (8 bytes each)
 */
export const PV_RING = {
  REQ_PROD: 0x0,
  REQ_EVENT: 0x4,
  RSP_PROD: 0x8,
  RSP_EVENT: 0xc,
  REQUESTS: 0x10,
  SLOTS: 32,
  REQ_OP: 0,
  REQ_SECTOR: 4,
  REQ_BUF: 8,
  REQ_COUNT: 12,
  REQ_ID: 16,
  REQ_SIZE: 20,
  RSP_ID: 0,
  RSP_STATUS: 4,
  RSP_SIZE: 8,
  /** Offset of responses[0]: after the requests. */
  RESPONSES: 0x10 + 20 * 32,
} as const;

/** Block request operations and response statuses. */
export const PV_BLK = {
  OP_READ: 0,
  OP_WRITE: 1,
  STATUS_OK: 0,
  STATUS_ERROR: 1,
} as const;
