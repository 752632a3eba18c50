/**
 * A small writer of ZIP archives (PKWARE APPNOTE 6.3.x: local file headers, deflated data,
 * the central directory and its end record), for the autograder Gradescope takes as a zip.
 * Entries keep their Unix permissions (so `run_autograder` stays executable) and carry a fixed
 * date, so the same files always give the same archive.
 */
import { deflateRawSync } from 'node:zlib';

export interface ZipEntry {
  /** Path inside the archive, '/'-separated. */
  name: string;
  data: Uint8Array;
  /** Unix permission bits (e.g. 0o755). */
  mode: number;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const LOCAL_HEADER_BYTES = 30;
const CENTRAL_HEADER_BYTES = 46;
const END_RECORD_BYTES = 22;
/** Version needed to extract: 2.0 (deflate). Version made by: 2.0 on Unix (high byte 3). */
const VERSION_NEEDED = 20;
const MADE_BY_UNIX = (3 << 8) | VERSION_NEEDED;
const METHOD_DEFLATE = 8;
/** General-purpose flag bit 11: names are UTF-8. */
const FLAG_UTF8 = 1 << 11;
/** DOS date of 1980-01-01 00:00 (the format's epoch): (year − 1980) << 9 | month << 5 | day. */
const DOS_DATE_EPOCH = (1 << 5) | 1;
const DOS_TIME_MIDNIGHT = 0;
/** The external attributes' high 16 bits hold the Unix mode; S_IFREG marks a regular file. */
const S_IFREG = 0o100000;
const UNIX_MODE_SHIFT = 16;
/** This writer's limits: no ZIP64, so fewer than 65,535 entries and 4 GiB in all. */
const MAX_ENTRIES = 0xffff;
const MAX_OFFSET = 0xffff_ffff;

/** CRC-32 as ZIP uses it (APPNOTE 4.4.7: the reflected polynomial 0xEDB88320, all bits set
 *  before and flipped after). */
const CRC32_POLY = 0xedb8_8320;
const CRC32_ALL_ONES = 0xffff_ffff;
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? CRC32_POLY ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(data: Uint8Array): number {
  let c = CRC32_ALL_ONES;
  for (const b of data) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ CRC32_ALL_ONES) >>> 0;
}

interface Written { name: Buffer; crc: number; size: number; compressed: number; mode: number; offset: number }

/**
 * The fields a local header and its central-directory entry share, in the same order (from
 * "version needed to extract" to "file name length"), written at `at`.
 */
function writeShared(h: Buffer, at: number, e: Written): void {
  h.writeUInt16LE(VERSION_NEEDED, at);
  h.writeUInt16LE(FLAG_UTF8, at + 2);
  h.writeUInt16LE(METHOD_DEFLATE, at + 4);
  h.writeUInt16LE(DOS_TIME_MIDNIGHT, at + 6);
  h.writeUInt16LE(DOS_DATE_EPOCH, at + 8);
  h.writeUInt32LE(e.crc, at + 10);
  h.writeUInt32LE(e.compressed, at + 14);
  h.writeUInt32LE(e.size, at + 18);
  h.writeUInt16LE(e.name.length, at + 22);
}

function localHeader(e: Written): Buffer {
  const h = Buffer.alloc(LOCAL_HEADER_BYTES);
  h.writeUInt32LE(SIG_LOCAL, 0);
  writeShared(h, 4, e);
  // extra field length (offset 28): none
  return Buffer.concat([h, e.name]);
}

function centralHeader(e: Written): Buffer {
  const h = Buffer.alloc(CENTRAL_HEADER_BYTES);
  h.writeUInt32LE(SIG_CENTRAL, 0);
  h.writeUInt16LE(MADE_BY_UNIX, 4);
  writeShared(h, 6, e);
  // extra field, comment, disk number, internal attributes: none (offsets 30–37 stay 0)
  h.writeUInt32LE(((S_IFREG | e.mode) << UNIX_MODE_SHIFT) >>> 0, 38);
  h.writeUInt32LE(e.offset, 42);
  return Buffer.concat([h, e.name]);
}

function endRecord(entries: number, directoryBytes: number, directoryOffset: number): Buffer {
  const h = Buffer.alloc(END_RECORD_BYTES);
  h.writeUInt32LE(SIG_END, 0);
  h.writeUInt16LE(entries, 8);
  h.writeUInt16LE(entries, 10);
  h.writeUInt32LE(directoryBytes, 12);
  h.writeUInt32LE(directoryOffset, 16);
  return h;
}

/** The archive of `entries`, in their order. */
export function zip(entries: readonly ZipEntry[]): Buffer {
  if (entries.length >= MAX_ENTRIES) throw new Error(`zip: ${entries.length} files are more than this writer takes (no ZIP64)`);
  const parts: Buffer[] = [];
  const written: Written[] = [];
  let offset = 0;
  for (const entry of entries) {
    const body = deflateRawSync(entry.data);
    const e: Written = {
      name: Buffer.from(entry.name, 'utf8'), crc: crc32(entry.data), size: entry.data.length, compressed: body.length,
      mode: entry.mode, offset,
    };
    const header = localHeader(e);
    parts.push(header, body);
    written.push(e);
    offset += header.length + body.length;
    if (offset > MAX_OFFSET) throw new Error('zip: the archive would exceed 4 GiB (no ZIP64)');
  }
  const directory = Buffer.concat(written.map(centralHeader));
  return Buffer.concat([...parts, directory, endRecord(written.length, directory.length, offset)]);
}
