/**
 * The paravirtual block back-end (docs/pv-abi.md, "The block ring"): Xen's split driver with a
 * four-pointer I/O ring (Barham et al. 2003 §3.2; xen/include/public/io/ring.h). The guest
 * produces requests into a shared page and advances req_prod; one BLK_NOTIFY hands the whole
 * batch over; the back-end consumes every outstanding request, performs it on the VM's disk
 * (the same DiskBackend its virtio-blk device uses), posts a response per request, advances
 * rsp_prod, and raises the block event only if rsp_prod crossed the guest's rsp_event — so a
 * guest can ask for one interrupt per batch instead of one per request.
 *
 * Everything in the ring is guest-written and untrusted: indices are taken modulo the ring,
 * at most PV_RING_SLOTS requests are consumed per notify, and a request whose operation,
 * sector range or buffer is bad gets an error response; it never touches anything outside the
 * guest's RAM and the disk.
 */
import { SBI_ERR } from '../../abi/sbi.js';
import { PV_BLK, PV_RING } from '../../abi/hypercalls.js';
import { PAGE_SIZE } from '../../isa/csr.js';
import type { DiskBackend } from '../../machine/devices/disk.js';
import { Access } from '../../machine/mmu.js';
import type { GuestMemory } from '../guest-memory.js';
import type { PvAddressSpace } from './address-space.js';
import { fail, ok, type HcResult } from './hypercall-result.js';

export const PV_SECTOR_SIZE = 512;
/** Most sectors one request may move. */
export const PV_BLK_MAX_SECTORS = 8;

export interface BlockNotifyOutcome {
  result: HcResult;
  /** Requests consumed. */
  consumed: number;
  /** The guest asked to be told (rsp_prod passed rsp_event). */
  notify: boolean;
}

export class PvBlockRing {
  /** Guest-physical address of the ring page, or -1. */
  ring = -1;
  /** The back-end's private indices (Xen's req_cons and rsp_prod_pvt), free-running. */
  reqCons = 0;
  rspProd = 0;
  /** Requests completed with an error status (tests, traces). */
  errors = 0;

  constructor(private readonly mem: GuestMemory, private readonly space: PvAddressSpace, private readonly disk: DiskBackend | undefined) {}

  get capacity(): number {
    return this.disk ? Math.floor(this.disk.size / PV_SECTOR_SIZE) : 0;
  }

  reset(): void {
    this.ring = -1;
    this.reqCons = this.rspProd = this.errors = 0;
  }

  /** BLK_SETUP(ring): the ring page as the guest initialized it (indices taken as found). */
  setup(gpa: number): HcResult {
    if (!this.disk) return fail(SBI_ERR.NOT_SUPPORTED);
    if (gpa % PAGE_SIZE !== 0 || !this.space.inRam(gpa, PAGE_SIZE)) return fail(SBI_ERR.INVALID_ADDRESS);
    if (this.space.isPinned(gpa)) return fail(SBI_ERR.DENIED);
    this.ring = gpa;
    this.reqCons = this.read(PV_RING.REQ_PROD);
    this.rspProd = this.read(PV_RING.RSP_PROD);
    this.write(PV_RING.REQ_EVENT, this.reqCons + 1);
    return ok(this.capacity);
  }

  /** BLK_NOTIFY: consume every outstanding request (at most a ring's worth). */
  notify(): BlockNotifyOutcome {
    if (this.ring < 0 || !this.disk) {
      return { result: fail(this.disk ? SBI_ERR.INVALID_PARAM : SBI_ERR.NOT_SUPPORTED), consumed: 0, notify: false };
    }
    const reqProd = this.read(PV_RING.REQ_PROD);
    let pending = (reqProd - this.reqCons) >>> 0;
    // More outstanding than the ring holds: the guest overwrote requests it had not yet
    // handed over. Serve one ring's worth (in order) and say so.
    const overrun = pending > PV_RING.SLOTS;
    if (overrun) pending = PV_RING.SLOTS;
    const oldRsp = this.rspProd;
    for (let k = 0; k < pending; k++) {
      const req = PV_RING.REQUESTS + (this.reqCons % PV_RING.SLOTS) * PV_RING.REQ_SIZE;
      const id = this.read(req + PV_RING.REQ_ID);
      const status = this.perform(
        this.read(req + PV_RING.REQ_OP), this.read(req + PV_RING.REQ_SECTOR),
        this.read(req + PV_RING.REQ_BUF), this.read(req + PV_RING.REQ_COUNT));
      if (status !== PV_BLK.STATUS_OK) this.errors++;
      const rsp = PV_RING.RESPONSES + (this.rspProd % PV_RING.SLOTS) * PV_RING.RSP_SIZE;
      this.write(rsp + PV_RING.RSP_ID, id);
      this.write(rsp + PV_RING.RSP_STATUS, status);
      this.reqCons = (this.reqCons + 1) >>> 0;
      this.rspProd = (this.rspProd + 1) >>> 0;
    }
    this.write(PV_RING.RSP_PROD, this.rspProd);
    // Tell the guest when to notify next: the back-end is idle again, so at the next request.
    this.write(PV_RING.REQ_EVENT, this.reqCons + 1);
    // Xen's RING_PUSH_RESPONSES_AND_CHECK_NOTIFY: notify if rsp_event lies in (old, new].
    const rspEvent = this.read(PV_RING.RSP_EVENT);
    const notify = pending > 0 && ((this.rspProd - rspEvent) >>> 0) < ((this.rspProd - oldRsp) >>> 0);
    return { result: overrun ? fail(SBI_ERR.INVALID_PARAM, pending) : ok(pending), consumed: pending, notify };
  }

  /** One request: an OK or ERROR status. */
  private perform(op: number, sector: number, buf: number, count: number): number {
    const disk = this.disk as DiskBackend;
    if (op !== PV_BLK.OP_READ && op !== PV_BLK.OP_WRITE) return PV_BLK.STATUS_ERROR;
    if (count < 1 || count > PV_BLK_MAX_SECTORS) return PV_BLK.STATUS_ERROR;
    if (sector + count > this.capacity) return PV_BLK.STATUS_ERROR;
    const len = count * PV_SECTOR_SIZE;
    // A disk read writes the guest's buffer; a write reads it.
    buf = this.space.resolve(buf, len, op === PV_BLK.OP_READ ? Access.Store : Access.Load);
    if (buf < 0 || !this.space.inRam(buf, len)) return PV_BLK.STATUS_ERROR;
    try {
      if (op === PV_BLK.OP_READ) {
        // Reading into a page table would write entries nobody validated.
        if (this.space.overlapsPinned(buf, len)) return PV_BLK.STATUS_ERROR;
        const data = new Uint8Array(len);
        disk.read(sector * PV_SECTOR_SIZE, data);
        this.mem.bus.writeBytes(buf, data);
      } else {
        if (disk.readOnly) return PV_BLK.STATUS_ERROR;
        disk.write(sector * PV_SECTOR_SIZE, this.mem.bus.readBytes(buf, len));
      }
    } catch {
      return PV_BLK.STATUS_ERROR; // a host I/O failure fails the request, not the host
    }
    return PV_BLK.STATUS_OK;
  }

  private read(off: number): number {
    return this.mem.read32(this.ring + off) as number;
  }

  private write(off: number, value: number): void {
    this.mem.write32(this.ring + off, value >>> 0);
  }
}
