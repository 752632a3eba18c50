/**
 * The VM's disk as the host serves it. Every guest block request — from the emulated virtio-blk
 * device or the paravirtual block ring — becomes one request on the host's own disk, and the
 * host's driver pays for it what the guest's driver pays natively: the device accesses of one
 * virtio-blk request (`host-blk-request`, docs/cost-model.md). Charged to the VM whose request it
 * is, as the console's bytes are (`host-console-byte`), so an I/O-bound guest cannot come out
 * cheaper than the bare machine for want of a device.
 *
 * A simplification: the host's disk is modelled as the guest's is — the same protocol, the same
 * per-access cost (`nativeDeviceAccess`) — with no host page cache and no merging of requests.
 */
import type { DiskBackend } from '../machine/devices/disk.js';

export class HostDisk implements DiskBackend {
  /** `charge` is called once per request, before its bytes move. */
  constructor(readonly backend: DiskBackend, private readonly charge: () => void) {}

  get size(): number {
    return this.backend.size;
  }

  get readOnly(): boolean {
    return this.backend.readOnly;
  }

  read(offset: number, into: Uint8Array): void {
    this.charge();
    this.backend.read(offset, into);
  }

  write(offset: number, data: Uint8Array): void {
    this.charge();
    this.backend.write(offset, data);
  }

  flush(): void {
    this.backend.flush();
  }

  close(): void {
    this.backend.close();
  }
}
