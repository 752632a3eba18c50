/**
 * Guest images: firmware + kernel + one workload, assembled from guests/ and laid out in
 * physical memory the way the kernel expects, with the workload's parameters patched in by
 * symbol — so one build of each program serves every run.
 *
 *   0x8000_0000  firmware (M-mode SBI)                 guests/firmware/firmware.S
 *   0x8020_0000  kernel (S-mode)                       guests/kernel/kernel.S
 *   kernel end, rounded up to a page:
 *                the workload's flat image            guests/user/<workload>.S, linked at USER_BASE
 *   top of RAM   the device tree (placed by whoever boots the image: pvlab or QEMU)
 *
 * The kernel finds the workload through two words the builder patches, `user_image_addr` and
 * `user_image_size`. The guest build (unmodified or paravirt) is the assembler define
 * BUILD_PARAVIRT (0 or 1), which selects the kernel's pv-ops layer; the pvio build (the
 * unmodified kernel with the paravirtual device drivers) is BUILD_PARAVIRT 0 with BUILD_PV_IO 1.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { assemble, flatImage, type AsmResult } from '../asm/index.js';
import { PAGE_SIZE } from '../isa/csr.js';
import { guestPath, packageRoot } from './paths.js';
import { GUEST_LAYOUT } from '../abi/user-abi.js';
import { WORKLOADS, resolveParams, workloadByName } from './workloads.js';

export const FIRMWARE_BASE = GUEST_LAYOUT.FIRMWARE_BASE;
export const KERNEL_BASE = GUEST_LAYOUT.KERNEL_BASE;
/** Where user programs are linked (virtual address of their first byte). */
export const USER_BASE = GUEST_LAYOUT.USER_BASE;

export { GUEST_BUILDS, type GuestBuild } from '../abi/guest-builds.js';
import type { GuestBuild } from '../abi/guest-builds.js';

export interface ImageOptions {
  build: GuestBuild;
  workload: string;
  /** Workload parameters by symbol name (e.g. { iterations: 1000 }). */
  params?: Readonly<Record<string, number>>;
  /** Kernel parameters by symbol name (e.g. { pv_mmu_batch: 16 }): words of the kernel
   *  patched the same way; a name the kernel does not define is an error. */
  kernelParams?: Readonly<Record<string, number>>;
}

export interface ImagePart {
  name: 'firmware' | 'kernel' | 'user';
  /** Source file, relative to guests/. */
  source: string;
  /** Physical load address. */
  addr: number;
  bytes: Uint8Array;
  asm: AsmResult;
}

export interface GuestImage {
  entry: number;
  parts: ImagePart[];
  /** Every parameter's value in effect (catalog defaults, overridden by the options). */
  params: Record<string, number>;
  /** The kernel parameters patched in (only those given). */
  kernelParams?: Record<string, number>;
}

export class ImageError extends Error {}

const ASM_CACHE = new Map<string, AsmResult>();

/** Assemble a file under guests/ (cached per process: sources do not change under a run). */
export function assembleGuest(relPath: string, base: number, defines: Record<string, number> = {}): AsmResult {
  const key = `${relPath}@${base}:${JSON.stringify(defines)}`;
  let r = ASM_CACHE.get(key);
  if (r === undefined) {
    const file = guestPath(relPath);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new ImageError(`guest source ${join('guests', relPath)} not found`);
    }
    // Diagnostics and line maps name files relative to the package (guests/kernel/trap.S);
    // .include paths derived from them are resolved against the package root, whatever the
    // current directory is.
    r = assemble(text, {
      fileName: join('guests', relPath), base, defines,
      readFile: (path) => readFileSync(isAbsolute(path) ? path : join(packageRoot(), path), 'utf8'),
    });
    ASM_CACHE.set(key, r);
  }
  return r;
}

function symbol(asm: AsmResult, name: string): number | undefined {
  return asm.symbols.find((s) => s.name === name)?.value;
}

function patchWord(bytes: Uint8Array, offset: number, value: number): void {
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint32(offset, value >>> 0, true);
}

function readWord(bytes: Uint8Array, offset: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(offset, true);
}

export function workloadSource(workload: string): string {
  return join('user', `${workload}.S`);
}

export function buildImage(opts: ImageOptions): GuestImage {
  const defines = { BUILD_PARAVIRT: opts.build === 'paravirt' ? 1 : 0, BUILD_PV_IO: opts.build === 'pvio' ? 1 : 0 };
  const firmware = assembleGuest(join('firmware', 'firmware.S'), FIRMWARE_BASE);
  const kernel = assembleGuest(join('kernel', 'kernel.S'), KERNEL_BASE, defines);
  if (!WORKLOADS.some((w) => w.name === opts.workload) && !existsSync(guestPath(workloadSource(opts.workload)))) {
    workloadByName(opts.workload); // throws: unknown workload, with the near miss
  }
  const user = assembleGuest(workloadSource(opts.workload), USER_BASE);

  const fw = flatImage(firmware);
  const kn = flatImage(kernel);
  const us = flatImage(user);
  if (fw.base + fw.bytes.length > KERNEL_BASE) {
    throw new ImageError(`firmware is ${fw.bytes.length} bytes and runs into the kernel at 0x${KERNEL_BASE.toString(16)}`);
  }
  const kernelEnd = kn.base + kn.bytes.length;
  const userAddr = Math.ceil(kernelEnd / PAGE_SIZE) * PAGE_SIZE;

  // Kernel: where the workload is.
  const kbytes = kn.bytes.slice();
  for (const [name, value] of [['user_image_addr', userAddr], ['user_image_size', us.bytes.length]] as const) {
    const at = symbol(kernel, name);
    if (at === undefined) throw new ImageError(`guests/kernel/kernel.S defines no symbol ${name}`);
    patchWord(kbytes, at - kn.base, value);
  }
  // Kernel parameters (the paravirt build's batch sizes…), by symbol, like the workload's.
  const kernelParams = { ...opts.kernelParams };
  for (const [name, value] of Object.entries(kernelParams)) {
    if (name === 'user_image_addr' || name === 'user_image_size') {
      throw new ImageError(`kernel parameter ${name} is set by the image builder, not by the caller`);
    }
    const at = symbol(kernel, name);
    if (at === undefined || at < kn.base || at + 4 > kn.base + kn.bytes.length) {
      throw new ImageError(`guests/kernel/kernel.S (${opts.build} build) declares no kernel parameter word ${name}`);
    }
    if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
      throw new ImageError(`kernel parameter ${name}=${value} must be a whole number in 0..2^32-1`);
    }
    patchWord(kbytes, at - kn.base, value);
  }

  // Workload: its parameters, written into the image by symbol. A catalog workload's are
  // validated there first (unknown names and values out of range are refused, with
  // suggestions); any other program under guests/user/ (the kernel's own test programs) has
  // its given parameters patched by symbol alone.
  const ubytes = us.bytes.slice();
  const cataloged = WORKLOADS.find((w) => w.name === opts.workload);
  const params = cataloged ? resolveParams(cataloged, opts.params) : { ...opts.params };
  for (const [name, value] of Object.entries(params)) {
    const at = symbol(user, name);
    if (at === undefined || at < us.base || at + 4 > us.base + us.bytes.length) {
      throw new ImageError(`${workloadSource(opts.workload)} declares no parameter word ${name}`);
    }
    if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
      throw new ImageError(`parameter ${name}=${value} of ${opts.workload} must be a whole number in 0..2^32-1`);
    }
    patchWord(ubytes, at - us.base, value);
  }

  return {
    entry: FIRMWARE_BASE,
    params,
    ...(opts.kernelParams ? { kernelParams } : {}),
    parts: [
      { name: 'firmware', source: join('firmware', 'firmware.S'), addr: fw.base, bytes: fw.bytes, asm: firmware },
      { name: 'kernel', source: join('kernel', 'kernel.S'), addr: kn.base, bytes: kbytes, asm: kernel },
      { name: 'user', source: workloadSource(opts.workload), addr: userAddr, bytes: ubytes, asm: user },
    ],
  };
}

/** Current value of a parameter word in a built image's user part. */
export function readParam(image: GuestImage, name: string): number | undefined {
  const user = image.parts.find((p) => p.name === 'user');
  if (!user) return undefined;
  const at = symbol(user.asm, name);
  if (at === undefined) return undefined;
  return readWord(user.bytes, at - flatImage(user.asm).base);
}
