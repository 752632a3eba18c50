/**
 * Command-line options shared by the commands that build a guest image (boot, image, trace): the
 * guest build, the workload and its --param k=v settings, validated against the workload catalog.
 */
import type { Argv } from 'yargs';
import { existsSync } from 'node:fs';
import { GUEST_BUILDS, buildImage, type GuestBuild } from '../guest/image.js';
import { VIRT } from '../machine/memory-map.js';
import { WORKLOAD_NAMES, WorkloadError, resolveParams, workloadByName, type Workload } from '../guest/workloads.js';
import { FileDisk } from '../machine/devices/disk.js';
import { buildRefusal, IMPLIED_BUILD, isGuestBuild, isTechnique } from '../hypervisor/techniques.js';
import { UserError } from './errors.js';
import { parseCount } from './sizes.js';

export interface GuestArgs {
  guest: string;
  workload: string;
  param?: string[] | undefined;
}

/** `byTechnique`: --guest has no default, the build follows --technique (defaultBuild). */
export function guestOptions<T>(y: Argv<T>, opts: { byTechnique?: boolean } = {}): Argv<T & GuestArgs> {
  const guest = opts.byTechnique
    ? { default: undefined, describe: 'guest kernel build (default: paravirt for --technique paravirt, else unmodified)' }
    : { default: 'unmodified', describe: 'guest kernel build' };
  return y
    .option('guest', { type: 'string', choices: GUEST_BUILDS as unknown as string[], ...guest })
    .option('workload', { type: 'string', demandOption: true, describe: `workload: ${WORKLOAD_NAMES.join(', ')}` })
    .option('param', { type: 'string', array: true, describe: 'workload parameter, name=value (repeatable; pvlab list shows each workload\'s)' }) as unknown as Argv<T & GuestArgs>;
}

/** The guest build a technique runs unless --guest says otherwise. */
export function defaultBuild(technique: string): GuestBuild {
  return isTechnique(technique) ? IMPLIED_BUILD[technique] : 'unmodified';
}

/**
 * Refuse at once a guest build the technique cannot run (a paravirt kernel's hypercalls would
 * otherwise spin to the instruction limit under native or trap-and-emulate), by the one rule
 * of src/hypervisor/techniques.ts.
 */
export function refuseBuildMismatch(technique: string, build: string): void {
  if (!isTechnique(technique) || !isGuestBuild(build)) return; // yargs' choices refuse those
  const refusal = buildRefusal(technique, build);
  if (refusal !== null) throw new UserError(`--guest ${build} --technique ${technique}: ${refusal}`);
}

/** Refuse a --ram too small to hold the guest image (firmware, kernel, workload) and a little
 *  room above it, before booting: the loader would otherwise fail deep inside. */
export function refuseRamTooSmall(ramBytes: number, guest: ResolvedGuest, text: string): void {
  const image = buildImage({ build: guest.build, workload: guest.workload.name, params: guest.params });
  const end = Math.max(...image.parts.map((p) => p.addr + p.bytes.length)) - VIRT.DRAM_BASE;
  const MIB = 1024 * 1024;
  // The kernel's page allocator, stacks and the device tree live above the image.
  const need = Math.ceil(end / MIB) * MIB + 2 * MIB;
  if (ramBytes < need) throw new UserError(`--ram ${text}: the ${guest.build} image of ${guest.workload.name} needs at least ${need / MIB}M`);
}

/** A disk image file for --disk, or a one-line error naming it. */
export function openDisk(path: string): FileDisk {
  try {
    return new FileDisk(path);
  } catch (e) {
    const reason = !existsSync(path) ? 'no such file' : e instanceof Error ? e.message.replace(/^cannot open disk image '[^']*': /, '') : String(e);
    throw new UserError(`--disk ${path}: cannot open the disk image (${reason})`);
  }
}

export interface ResolvedGuest {
  build: GuestBuild;
  workload: Workload;
  params: Record<string, number>;
}

export function resolveGuest(args: GuestArgs): ResolvedGuest {
  try {
    const workload = workloadByName(args.workload);
    const given: Record<string, number> = {};
    for (const p of args.param ?? []) {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.+)$/.exec(p);
      if (!m) throw new UserError(`--param: "${p}" is not name=value`);
      given[m[1] as string] = parseCount(`param ${m[1]}`, m[2] as string);
    }
    return { build: args.guest as GuestBuild, workload, params: resolveParams(workload, given) };
  } catch (e) {
    if (e instanceof WorkloadError) throw new UserError(e.message);
    throw e;
  }
}
