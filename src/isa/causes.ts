/**
 * Trap causes (mcause/scause values) by their names in the privileged specification, table
 * 3.6. Interrupts set bit 31 of the cause register; Interrupt holds the code without it.
 */

export const Cause = {
  InstructionAddressMisaligned: 0,
  InstructionAccessFault: 1,
  IllegalInstruction: 2,
  Breakpoint: 3,
  LoadAddressMisaligned: 4,
  LoadAccessFault: 5,
  StoreAddressMisaligned: 6,
  StoreAccessFault: 7,
  EnvironmentCallFromU: 8,
  EnvironmentCallFromS: 9,
  /** H extension: ecall from VS-mode (from VU-mode it is EnvironmentCallFromU). */
  EnvironmentCallFromVS: 10,
  EnvironmentCallFromM: 11,
  InstructionPageFault: 12,
  LoadPageFault: 13,
  StorePageFault: 15,
  // H extension: G-stage translation faults (htval = guest-physical address >> 2) and
  // instructions that V=1 may not execute but HS-mode could.
  InstructionGuestPageFault: 20,
  LoadGuestPageFault: 21,
  VirtualInstruction: 22,
  StoreGuestPageFault: 23,
} as const;
export type ExceptionCause = (typeof Cause)[keyof typeof Cause];

export const Interrupt = {
  SupervisorSoftware: 1,
  VirtualSupervisorSoftware: 2,
  MachineSoftware: 3,
  SupervisorTimer: 5,
  VirtualSupervisorTimer: 6,
  MachineTimer: 7,
  SupervisorExternal: 9,
  VirtualSupervisorExternal: 10,
  MachineExternal: 11,
  SupervisorGuestExternal: 12,
} as const;
export type InterruptCause = (typeof Interrupt)[keyof typeof Interrupt];

/** mcause[31]: set for interrupts. */
export const CAUSE_INTERRUPT = 0x8000_0000;

const EXCEPTION_NAMES = new Map<number, string>(Object.entries(Cause).map(([k, v]) => [v, k]));
const INTERRUPT_NAMES = new Map<number, string>(Object.entries(Interrupt).map(([k, v]) => [v, k]));

/** Spec name of an mcause value, e.g. "IllegalInstruction" or "interrupt:SupervisorTimer". */
export function causeName(mcause: number): string {
  const v = mcause >>> 0;
  if (v & CAUSE_INTERRUPT) {
    const code = v & ~CAUSE_INTERRUPT;
    return `interrupt:${INTERRUPT_NAMES.get(code) ?? `#${code}`}`;
  }
  return EXCEPTION_NAMES.get(v) ?? `exception#${v}`;
}
