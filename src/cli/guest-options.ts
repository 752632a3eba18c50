/**
 * Command-line options shared by the commands that build a guest image (boot, image): the guest
 * build, the workload and its --param k=v settings, validated against the workload catalog.
 */
import type { Argv } from 'yargs';
import { GUEST_BUILDS, type GuestBuild } from '../guest/image.js';
import { WORKLOAD_NAMES, WorkloadError, resolveParams, workloadByName, type Workload } from '../guest/workloads.js';
import { UserError } from './errors.js';
import { parseCount } from './sizes.js';

export interface GuestArgs {
  guest: string;
  workload: string;
  param?: string[] | undefined;
}

export function guestOptions<T>(y: Argv<T>): Argv<T & GuestArgs> {
  return y
    .option('guest', { type: 'string', default: 'unmodified', choices: GUEST_BUILDS as unknown as string[], describe: 'guest kernel build' })
    .option('workload', { type: 'string', demandOption: true, describe: `workload: ${WORKLOAD_NAMES.join(', ')}` })
    .option('param', { type: 'string', array: true, describe: 'workload parameter, name=value (repeatable)' }) as unknown as Argv<T & GuestArgs>;
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
