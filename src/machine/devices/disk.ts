/**
 * Disk backends: where a block device's bytes live. The device speaks in byte offsets and
 * lengths it has already checked against `size`; a backend only moves bytes.
 *
 * Both backends are synchronous, so a request's data is in place by the time the device
 * completes it, and nothing about a run depends on host I/O timing.
 */
import * as fs from 'node:fs';

export interface DiskBackend {
  /** Size in bytes. */
  readonly size: number;
  /** Writes are refused (the device offers VIRTIO_BLK_F_RO). */
  readonly readOnly: boolean;
  /** Fill `into` with the bytes at `offset`. */
  read(offset: number, into: Uint8Array): void;
  write(offset: number, data: Uint8Array): void;
  /** Make written data durable. */
  flush(): void;
  /** Release host resources (a file descriptor); the backend is unusable afterwards. */
  close(): void;
}

/** Zeroed disks of released blank MemoryDisks, by size (as Ram recycles its buffers: a suite
 *  gives each of hundreds of VMs a blank disk). */
const blankSpares = new Map<number, Uint8Array[]>();
const SPARES_PER_SIZE = 4;

/** A disk image held in host memory. */
export class MemoryDisk implements DiskBackend {
  readonly bytes: Uint8Array;
  readonly readOnly: boolean;
  /** Made blank by this class (a size, not an image): its bytes may be recycled on release. */
  private readonly blank: boolean;
  private released = false;

  /** `image`: the initial contents (used in place, not copied), or a size for a zeroed disk. */
  constructor(image: Uint8Array | number, options: { readOnly?: boolean } = {}) {
    this.blank = typeof image === 'number';
    this.bytes = typeof image === 'number' ? (blankSpares.get(image)?.pop() ?? new Uint8Array(image)) : image;
    this.readOnly = options.readOnly ?? false;
  }

  /**
   * The disk's owner is done with it: a blank disk's bytes, zeroed, go to the next blank disk of
   * its size (an image the caller gave stays the caller's). Using the disk afterwards is a bug.
   */
  release(): void {
    if (!this.blank || this.released) return;
    this.released = true;
    this.bytes.fill(0);
    const list = blankSpares.get(this.bytes.length) ?? [];
    if (list.length < SPARES_PER_SIZE) {
      list.push(this.bytes);
      blankSpares.set(this.bytes.length, list);
    }
  }

  get size(): number {
    return this.bytes.length;
  }

  read(offset: number, into: Uint8Array): void {
    into.set(this.bytes.subarray(offset, offset + into.length));
  }

  write(offset: number, data: Uint8Array): void {
    if (this.readOnly) throw new Error('disk is read-only');
    this.bytes.set(data, offset);
  }

  flush(): void {
    // Memory is as durable as it gets.
  }

  close(): void {
    // Nothing to release.
  }
}

/** A disk image file, accessed with synchronous positional reads and writes. The file is not
 *  grown: the disk is as large as the file was when opened. */
export class FileDisk implements DiskBackend {
  readonly size: number;
  readonly readOnly: boolean;
  private fd: number | undefined;

  constructor(readonly path: string, options: { readOnly?: boolean } = {}) {
    this.readOnly = options.readOnly ?? false;
    try {
      this.fd = fs.openSync(path, this.readOnly ? 'r' : 'r+');
      this.size = fs.fstatSync(this.fd).size;
    } catch (e) {
      if (this.fd !== undefined) fs.closeSync(this.fd);
      throw new Error(`cannot open disk image '${path}': ${(e as Error).message}`);
    }
  }

  read(offset: number, into: Uint8Array): void {
    const fd = this.open();
    let done = 0;
    while (done < into.length) {
      const n = fs.readSync(fd, into, done, into.length - done, offset + done);
      if (n === 0) {
        into.fill(0, done); // the file shrank underneath us: what is gone reads as zeros
        break;
      }
      done += n;
    }
  }

  write(offset: number, data: Uint8Array): void {
    if (this.readOnly) throw new Error(`disk image '${this.path}' is read-only`);
    const fd = this.open();
    let done = 0;
    while (done < data.length) done += fs.writeSync(fd, data, done, data.length - done, offset + done);
  }

  flush(): void {
    if (!this.readOnly) fs.fsyncSync(this.open());
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  private open(): number {
    if (this.fd === undefined) throw new Error(`disk image '${this.path}' is closed`);
    return this.fd;
  }
}
