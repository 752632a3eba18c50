/**
 * The paravirtual devices' back-end, shared by both back-ends that offer them — the paravirt
 * technique (trap-emulate/paravirt.ts) and PV I/O under hardware assist (hw/pvio.ts): a console that
 * takes a whole buffer per hypercall, and the block ring (pv-blk.ts). Guest pointers are found
 * through the back-end's address space (address-space.ts); device events are raised through
 * the back-end's event channels.
 *
 *   CONSOLE_WRITE(buf, len)   bytes to the VM's console        one device emulation
 *   BLK_SETUP(ring)           the block ring page
 *   BLK_NOTIFY()              serve every outstanding request  one device emulation
 *                                                             + pv-blk-request per request
 */
import { PV_EVENT } from '../../abi/hypercalls.js';
import { SBI_ERR } from '../../abi/sbi.js';
import { PAGE_SIZE } from '../../isa/csr.js';
import { Access } from '../../machine/mmu.js';
import type { ExitContext } from '../exit-context.js';
import type { PvAddressSpace } from './address-space.js';
import type { HandlerTable, HypercallArgs } from './dispatcher.js';
import { fail, ok, type HcResult } from './hypercall-result.js';
import { PvBlockRing } from './pv-blk.js';

/** Most bytes one CONSOLE_WRITE takes. */
export const PV_CONSOLE_MAX = 4096;

export class PvDevices {
  readonly blk: PvBlockRing;

  /** `raise` sets event channels (PV_EVENT bits) for the guest to see. */
  constructor(private readonly ctx: ExitContext, readonly space: PvAddressSpace, private readonly raise: (events: number) => void) {
    this.blk = new PvBlockRing(ctx.mem, space, ctx.host.disk);
  }

  reset(): void {
    this.blk.reset();
  }

  // ASSIGNMENT hypercall BEGIN step 2: the console back-end
  /** CONSOLE_WRITE: as much of [buf, buf+len) as is contiguous guest RAM goes to the VM's
   *  console (the guest loops on the rest); the answer is the bytes taken. */
  consoleWrite(buf: number, len: number): HcResult {
    if (len > PV_CONSOLE_MAX) return fail(SBI_ERR.INVALID_PARAM);
    if (len === 0) return ok(0);
    const run = this.space.prefix(buf, len);
    if (run === null) return fail(SBI_ERR.INVALID_ADDRESS);
    const mem = this.ctx.mem;
    const u8 = mem.ram.u8;
    const off = run.gpa - mem.ramBase;
    for (let i = 0; i < run.len; i++) this.ctx.host.consolePut(u8[off + i] as number);
    this.ctx.charge('device');
    return ok(run.len);
  }
  // ASSIGNMENT hypercall END

  /** BLK_SETUP: the ring page, page-aligned guest RAM that is not a page table. */
  blkSetup(addr: number): HcResult {
    // Without a disk there is nothing to set up, whatever the address.
    if (!this.ctx.host.disk) return fail(SBI_ERR.NOT_SUPPORTED);
    const gpa = addr % PAGE_SIZE === 0 ? this.space.resolve(addr, PAGE_SIZE, Access.Store) : -1;
    if (gpa < 0) return fail(SBI_ERR.INVALID_ADDRESS);
    return this.blk.setup(gpa);
  }

  /** BLK_NOTIFY: serve the ring; raise the block event if the guest asked to be told. */
  blkNotify(): HcResult {
    const r = this.blk.notify();
    if (r.result.error !== SBI_ERR.NOT_SUPPORTED) {
      this.ctx.charge('device');
      this.ctx.charge('pv-blk-request', r.consumed);
    }
    if (r.notify) this.raise(PV_EVENT.BLOCK);
    return r.result;
  }
}

export const DEVICE_HANDLERS: HandlerTable<PvDevices> = {
  // ASSIGNMENT hypercall BEGIN step 2: the dispatch entry
  CONSOLE_WRITE: (d, a) => d.consoleWrite(a[0] as number, a[1] as number),
  // ASSIGNMENT hypercall END
  BLK_SETUP: (d, a) => d.blkSetup(a[0] as number),
  BLK_NOTIFY: (d) => d.blkNotify(),
};

/** A device table on a back-end that holds its devices in `devices`. */
export function deviceHandlers<T extends { readonly devices: PvDevices }>(): HandlerTable<T> {
  return Object.fromEntries(Object.entries(DEVICE_HANDLERS).map(([name, h]) => [name, (b: T, a: HypercallArgs) => h(b.devices, a)]));
}
