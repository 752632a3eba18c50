/**
 * What the hypervisor charges, in one table: every cycle a handler adds to a VM's clock is one
 * of these items, charged through the vCPU core's `charge(item, count)` — nowhere else writes
 * the clock or the cycle breakdown. Each item names the cycle category it lands in (the
 * breakdown chart's bars) and the preset fields it costs (cost-presets.ts says where each figure
 * comes from, docs/cost-model.md explains them).
 *
 * Costs per exit kind (ExitKind), as the handlers charge them — every exit also pays `exit`:
 *
 *   exit kind            items charged                         category
 *   ---------------------------------------------------------------------------------
 *   (every exit)         exit            vmExitEntry           worldSwitch
 *   csr, sret, wfi       emulate         emulateInstruction    emulation
 *     csr writing satp   + shadow-flush  shadowFlush           shadowPaging
 *   sfence               shadow-flush    shadowFlush           shadowPaging (fence mode; in
 *                                                                           trace mode the
 *                                                                           fence is TLB-only)
 *   sbi                  sbi             sbiCall               sbi
 *   hypercall            hypercall       hypercall             hypercalls   (dispatch, per call:
 *                        + the call's own work:                             a MULTICALL's inner
 *                          MMU_UPDATE  pv-mmu-entry per entry: pvPteUpdate   calls each pay it;
 *                          TRAP_RETURN trap-return: reflect  (emulation)     the MULTICALL one
 *                          PIN_TABLE   pv-pin-scan, pv-pin-entry             exit, once)
 *                          CONSOLE_WRITE, BLK_NOTIFY  device (+ pv-blk-request per request)
 *   shadow-fill          shadow-fill     shadowFill            shadowPaging
 *   pte-write            emulate-store   emulateStore          emulation    (trace mode: a
 *                        + shadow-update shadowFill            shadowPaging  guest PTE write)
 *   gstage-fill          gstage-fill     gstageFill            nestedPaging
 *   mmio                 device          deviceEmulation (+ hostedDeviceExtra on a type-2
 *                                        hypervisor)           devices
 *   reflect-*, and a     reflect         reflect + trapEntry   emulation    (trap-and-emulate:
 *   delivered interrupt                                                      the hart charges no
 *                                                                            trap entry, so the
 *                                                                            hypervisor does)
 *                        inject          reflect               emulation    (hardware assist:
 *                                                                            the hart's VS entry
 *                                                                            charges trapEntry)
 *   interrupt            (the exit only)
 *   (any console byte)   host-console-byte 2 × nativeDeviceAccess devices  (the hypervisor's own
 *                                                                           output of a guest byte
 *                                                                           on the host's UART:
 *                                                                           LSR poll, THR write)
 *   (any block request)  host-blk-request 6 × nativeDeviceAccess devices   (the host's own
 *                                                                           virtio-blk request
 *                                                                           for the guest's:
 *                                                                           notify, claim, ISR,
 *                                                                           ACK, complete, claim)
 *
 * Work per item, as memory references at the preset's `pteRead` (one L2-hit reference each):
 *   pv-pin-scan     per PIN_TABLE: a sequential scan of the 4 KiB page, 64 cache lines (64)
 *   pv-pin-entry    per valid entry of a pinned page: one lookup of its target frame (1)
 *   pv-blk-request  per block-ring request: read the request, write the response (2)
 *   pv-translate    per page-table entry read walking a guest-virtual hypercall pointer (1)
 */
import { PAGE_SIZE } from '../isa/csr.js';
import type { CycleCategory } from './accounting.js';
import type { CostPreset } from './cost-model.js';

/** A preset field that holds a cycle count. */
type CycleField = { [K in keyof CostPreset]: CostPreset[K] extends number ? K : never }[keyof CostPreset];

export interface CostEntry {
  /** The breakdown category the cycles land in. */
  readonly category: CycleCategory;
  /** Preset fields summed, each times its multiplicity. */
  readonly fields: Readonly<Partial<Record<CycleField, number>>>;
  /** Added only on a hosted (type-2) hypervisor (`preset.hosted`). */
  readonly hostedFields?: Readonly<Partial<Record<CycleField, number>>>;
  /** What one charge stands for. */
  readonly per: string;
}

/** Memory references of modeled hypervisor work (see the table above). */
export const WORK_REFS = {
  PIN_SCAN: PAGE_SIZE / 64,
  PIN_VALID_ENTRY: 1,
  BLK_REQUEST: 2,
  TRANSLATE_PTE: 1,
  /** Device accesses to put one byte out on a 16550 UART: a transmit-ready poll (LSR) and the
   *  write (THR), as the guest's own driver does natively. */
  UART_BYTE: 2,
  /** Device accesses of one virtio-blk request, as the guest's own driver makes them natively:
   *  the QueueNotify store; on the completion interrupt the PLIC claim, the InterruptStatus load,
   *  the InterruptACK store, the PLIC complete and the claim that finds nothing more. */
  BLK_REQUEST_ACCESSES: 6,
} as const;

export const COST_TABLE = {
  'exit': { category: 'worldSwitch', fields: { vmExitEntry: 1 }, per: 'VM exit and re-entry' },
  'emulate': { category: 'emulation', fields: { emulateInstruction: 1 }, per: 'trapped privileged instruction emulated' },
  'reflect': { category: 'emulation', fields: { reflect: 1, trapEntry: 1 }, per: 'trap delivered to the guest kernel in software' },
  'inject': { category: 'emulation', fields: { reflect: 1 }, per: 'exception injected into VS-mode' },
  'shadow-fill': { category: 'shadowPaging', fields: { shadowFill: 1 }, per: 'shadow page-table entry filled' },
  'shadow-flush': { category: 'shadowPaging', fields: { shadowFlush: 1 }, per: 'shadow state flushed (satp change, sfence.vma, PV flush)' },
  'emulate-store': { category: 'emulation', fields: { emulateStore: 1 }, per: 'trapped store to a traced page table decoded and performed' },
  'shadow-update': { category: 'shadowPaging', fields: { shadowFill: 1 }, per: 'shadow entries brought in step with one traced page-table write' },
  'gstage-fill': { category: 'nestedPaging', fields: { gstageFill: 1 }, per: 'G-stage entry filled' },
  'device': { category: 'devices', fields: { deviceEmulation: 1 }, hostedFields: { hostedDeviceExtra: 1 }, per: 'device access emulated, or PV device request served' },
  'host-console-byte': { category: 'devices', fields: { nativeDeviceAccess: WORK_REFS.UART_BYTE }, per: 'guest console byte the hypervisor writes to the host console' },
  'host-blk-request': { category: 'devices', fields: { nativeDeviceAccess: WORK_REFS.BLK_REQUEST_ACCESSES }, per: 'guest block request the host performs on its own disk' },
  'sbi': { category: 'sbi', fields: { sbiCall: 1 }, per: 'SBI call served' },
  'hypercall': { category: 'hypercalls', fields: { hypercall: 1 }, per: 'hypercall dispatched' },
  'pv-mmu-entry': { category: 'hypercalls', fields: { pvPteUpdate: 1 }, per: 'MMU_UPDATE entry validated and applied' },
  'trap-return': { category: 'emulation', fields: { reflect: 1 }, per: 'PV trap return performed on the virtual state (as dear as delivering a trap)' },
  'pv-pin-scan': { category: 'hypercalls', fields: { pteRead: WORK_REFS.PIN_SCAN }, per: 'page scanned by PIN_TABLE' },
  'pv-pin-entry': { category: 'hypercalls', fields: { pteRead: WORK_REFS.PIN_VALID_ENTRY }, per: 'valid entry of a page being pinned' },
  'pv-blk-request': { category: 'devices', fields: { pteRead: WORK_REFS.BLK_REQUEST }, per: 'block-ring request served' },
  'pv-translate': { category: 'devices', fields: { pteRead: WORK_REFS.TRANSLATE_PTE }, per: 'PTE read translating a guest-virtual hypercall pointer' },
} as const satisfies Record<string, CostEntry>;

export type CostItem = keyof typeof COST_TABLE;
export const COST_ITEMS = Object.keys(COST_TABLE) as CostItem[];

/**
 * A dense slot number per item, 0 … COST_ITEMS.length − 1, the commonest first: what the vCPU
 * indexes its resolved costs by. A switch over the name, not a lookup in a record keyed by it:
 * with a name that varies, that is a megamorphic keyed load in V8, as dear as the rest of a
 * charge together.
 */
export function costSlot(item: CostItem): number {
  switch (item) {
    case 'exit': return 0;
    case 'emulate': return 1;
    case 'reflect': return 2;
    case 'inject': return 3;
    case 'hypercall': return 4;
    case 'sbi': return 5;
    case 'shadow-fill': return 6;
    case 'gstage-fill': return 7;
    case 'device': return 8;
    case 'shadow-flush': return 9;
    case 'trap-return': return 10;
    case 'emulate-store': return 11;
    case 'shadow-update': return 12;
    case 'host-console-byte': return 13;
    case 'host-blk-request': return 14;
    case 'pv-mmu-entry': return 15;
    case 'pv-pin-scan': return 16;
    case 'pv-pin-entry': return 17;
    case 'pv-blk-request': return 18;
    case 'pv-translate': return 19;
    default: {
      const never: never = item;
      throw new Error(`unknown cost item ${String(never)}`);
    }
  }
}

// At load: the slots number the items densely, each once.
if (new Set(COST_ITEMS.map(costSlot)).size !== COST_ITEMS.length || COST_ITEMS.some((i) => costSlot(i) >= COST_ITEMS.length)) {
  throw new Error('costSlot() does not number the cost items 0 … n − 1, each once');
}

/** Cycles of one charge of `item` under `preset`. */
export function itemCycles(item: CostItem, preset: CostPreset): number {
  const e: CostEntry = COST_TABLE[item];
  let cycles = 0;
  for (const [field, times] of Object.entries(e.fields) as [CycleField, number][]) cycles += times * preset[field];
  if (preset.hosted && e.hostedFields) {
    for (const [field, times] of Object.entries(e.hostedFields) as [CycleField, number][]) cycles += times * preset[field];
  }
  return cycles;
}

/** Every item's cycles under `preset`, resolved once per vCPU. */
export function resolveCosts(preset: CostPreset): Readonly<Record<CostItem, number>> {
  const out = {} as Record<CostItem, number>;
  for (const item of COST_ITEMS) out[item] = itemCycles(item, preset);
  return out;
}
