/**
 * The hypervisor as the guest's SBI implementation (as KVM is for its guests): the same subset
 * pvlab's firmware offers natively — base, TIME, legacy console, SRST, HSM status — served on
 * an ecall exit from the guest kernel. Numbers come from the one SBI table (src/abi/sbi.ts).
 */
import { XREG } from '../isa/registers.js';
import {
  SBI_BASE_FID, SBI_ERR, SBI_EXT, SBI_HSM_FID, SBI_HSM_STATE, SBI_IMPL_ID_PVLAB, SBI_IMPL_VERSION,
  SBI_LEGACY_EID_END, SBI_SPEC_VERSION, SBI_SRST_FID, SBI_SRST_REASON, SBI_SRST_TYPE, SBI_TIME_FID,
} from '../abi/sbi.js';
import type { ExitContext } from './exit-context.js';
import { PV_EXT } from '../abi/hypercalls.js';
import { Cause } from '../isa/causes.js';

const UINT32 = 0x1_0000_0000;
const REG = XREG;
/** The exit status a shutdown for SYSTEM_FAILURE reports, as the firmware does. */
export const SBI_FAILURE_EXIT_CODE = 1;

/** What probe_extension reports: the SBI subset, and the PV interface (trap-emulate/paravirt.ts), which a guest
 *  can detect this way before making hypercalls. */
const SUPPORTED = new Set<number>([SBI_EXT.BASE, SBI_EXT.TIME, SBI_EXT.HSM, SBI_EXT.SRST,
  SBI_EXT.LEGACY_CONSOLE_PUTCHAR, SBI_EXT.LEGACY_CONSOLE_GETCHAR, PV_EXT]);

/** An ecall from the guest kernel that is an SBI call: serve it, a0/a1 the result, pc += 4. */
export function serveSbi(v: ExitContext): void {
  const host = v.host;
  const x = v.hart.x;
  const eid = (x[REG.a7] as number) >>> 0;
  const fid = (x[REG.a6] as number) >>> 0;
  const a0 = (x[REG.a0] as number) >>> 0;
  const a1 = (x[REG.a1] as number) >>> 0;
  let error: number = SBI_ERR.SUCCESS;
  let value = 0;
  let legacy = false;

  if (eid < SBI_LEGACY_EID_END) {
    legacy = true;
    if (eid === SBI_EXT.LEGACY_CONSOLE_PUTCHAR) { host.consolePut(a0 & 0xff); error = 0; }
    else if (eid === SBI_EXT.LEGACY_CONSOLE_GETCHAR) error = host.consoleGet();
    else error = SBI_ERR.NOT_SUPPORTED;
  } else if (eid === SBI_EXT.BASE) {
    switch (fid) {
      case SBI_BASE_FID.GET_SPEC_VERSION: value = SBI_SPEC_VERSION; break;
      case SBI_BASE_FID.GET_IMPL_ID: value = SBI_IMPL_ID_PVLAB; break;
      case SBI_BASE_FID.GET_IMPL_VERSION: value = SBI_IMPL_VERSION; break;
      case SBI_BASE_FID.PROBE_EXTENSION: value = SUPPORTED.has(a0) ? 1 : 0; break;
      case SBI_BASE_FID.GET_MVENDORID: case SBI_BASE_FID.GET_MARCHID: case SBI_BASE_FID.GET_MIMPID: value = 0; break;
      default: error = SBI_ERR.NOT_SUPPORTED;
    }
  } else if (eid === SBI_EXT.TIME && fid === SBI_TIME_FID.SET_TIMER) {
    host.setTimer(a1 * UINT32 + a0);
  } else if (eid === SBI_EXT.HSM && fid === SBI_HSM_FID.HART_GET_STATUS) {
    if (a0 === 0) value = SBI_HSM_STATE.STARTED;
    else error = SBI_ERR.INVALID_PARAM;
  } else if (eid === SBI_EXT.SRST && fid === SBI_SRST_FID.SYSTEM_RESET) {
    const reasonOk = a1 === SBI_SRST_REASON.NONE || a1 === SBI_SRST_REASON.SYSTEM_FAILURE;
    if (!reasonOk) error = SBI_ERR.INVALID_PARAM;
    else if (a0 === SBI_SRST_TYPE.SHUTDOWN) host.systemReset('shutdown', a1 === SBI_SRST_REASON.SYSTEM_FAILURE ? SBI_FAILURE_EXIT_CODE : 0);
    else if (a0 === SBI_SRST_TYPE.COLD_REBOOT || a0 === SBI_SRST_TYPE.WARM_REBOOT) host.systemReset('reboot', 0);
    else error = SBI_ERR.INVALID_PARAM;
  } else {
    error = SBI_ERR.NOT_SUPPORTED;
  }

  x[REG.a0] = error | 0;
  if (!legacy) x[REG.a1] = value | 0;
  v.hart.pc = (v.hart.pc + 4) | 0;
  v.charge('sbi');
  // Natively this ecall is a trap into the firmware; count it the same way.
  v.host.accounting.countGuestTrap(Cause.EnvironmentCallFromS);
}
