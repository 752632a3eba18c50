/**
 * The SBI calls pvlab's firmware implements (and, under a hypervisor, the hypervisor itself, as
 * KVM does): extension ids, function ids and error codes from the RISC-V Supervisor Binary
 * Interface specification v2.0. One table; the guest include `sbi.S` is generated from it.
 *
 * Calling convention (SBI §3): a7 = extension id (EID), a6 = function id (FID), a0..a5 =
 * arguments; returns a0 = error code, a1 = value. The legacy extensions (EID 0x00..0x0F) take
 * no FID and return only a0.
 */

export const SBI_EXT = {
  /** Legacy console putchar(a0 = byte). */
  LEGACY_CONSOLE_PUTCHAR: 0x01,
  /** Legacy console getchar() → a0 = byte or -1. */
  LEGACY_CONSOLE_GETCHAR: 0x02,
  BASE: 0x10,
  /** "TIME" */
  TIME: 0x5449_4d45,
  /** "HSM" */
  HSM: 0x0048_534d,
  /** "SRST" */
  SRST: 0x5352_5354,
  /** "sPI": inter-processor interrupts. */
  IPI: 0x0073_5049,
  /** "RFNC": remote fences. */
  RFENCE: 0x5246_4e43,
} as const;

/** The legacy extensions are EIDs below this (SBI §5); they take no FID and return a0 only. */
export const SBI_LEGACY_EID_END = 0x10;

export const SBI_BASE_FID = {
  GET_SPEC_VERSION: 0,
  GET_IMPL_ID: 1,
  GET_IMPL_VERSION: 2,
  PROBE_EXTENSION: 3,
  GET_MVENDORID: 4,
  GET_MARCHID: 5,
  GET_MIMPID: 6,
} as const;

export const SBI_TIME_FID = {
  /** set_timer(a0 = stime_value low, a1 = high): program the next supervisor timer interrupt
   *  and clear the pending one. */
  SET_TIMER: 0,
} as const;

export const SBI_HSM_FID = {
  /** hart_start(a0 = hart id, a1 = start address, a2 = opaque): the hart enters S-mode at the
   *  start address with a0 = its hart id, a1 = opaque, satp = 0 and sstatus.SIE = 0. */
  HART_START: 0,
  /** hart_stop(): the calling hart stops (does not return on success). */
  HART_STOP: 1,
  /** hart_get_status(a0 = hart id) → a1 = its state (SBI_HSM_STATE). */
  HART_GET_STATUS: 2,
  /** hart_suspend(…): not implemented by pvlab's firmware. */
  HART_SUSPEND: 3,
} as const;

/** hart_get_status results. */
export const SBI_HSM_STATE = {
  STARTED: 0,
  STOPPED: 1,
  START_PENDING: 2,
  STOP_PENDING: 3,
} as const;

export const SBI_IPI_FID = {
  /** send_ipi(a0 = hart mask, a1 = hart mask base): raise the supervisor software interrupt
   *  (sip.SSIP) of each hart in the set. */
  SEND_IPI: 0,
} as const;

export const SBI_RFENCE_FID = {
  /** remote_fence_i(a0 = hart mask, a1 = hart mask base). */
  REMOTE_FENCE_I: 0,
  /** remote_sfence_vma(a0 = hart mask, a1 = hart mask base, a2 = start, a3 = size). */
  REMOTE_SFENCE_VMA: 1,
  /** remote_sfence_vma_asid(…, a4 = ASID). */
  REMOTE_SFENCE_VMA_ASID: 2,
} as const;

/** A hart mask base of all ones: hart_mask is ignored and every hart is meant (SBI §3). */
export const SBI_HART_MASK_BASE_ALL = -1;

export const SBI_SRST_FID = {
  SYSTEM_RESET: 0,
} as const;

export const SBI_SRST_TYPE = {
  SHUTDOWN: 0,
  COLD_REBOOT: 1,
  WARM_REBOOT: 2,
} as const;

export const SBI_SRST_REASON = {
  NONE: 0,
  SYSTEM_FAILURE: 1,
} as const;

export const SBI_ERR = {
  SUCCESS: 0,
  FAILED: -1,
  NOT_SUPPORTED: -2,
  INVALID_PARAM: -3,
  DENIED: -4,
  INVALID_ADDRESS: -5,
  ALREADY_AVAILABLE: -6,
} as const;

/** SBI specification version implemented: 2.0 (major in bits 30:24, minor in 23:0). */
export const SBI_SPEC_VERSION = (2 << 24) | 0;
/** Implementation id reported by get_impl_id: "PV" in ASCII, not among the ids the SBI
 *  specification registers for known implementations. */
export const SBI_IMPL_ID_PVLAB = 0x5056;
export const SBI_IMPL_VERSION = 1;
