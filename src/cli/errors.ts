/**
 * Errors meant for the person at the terminal. Anything thrown as a UserError (or an assembler
 * error, which already names file:line:col) is printed as one clean message and a non-zero exit
 * status; anything else is a bug in pvlab and keeps its stack trace.
 */
export class UserError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

/** Exit statuses pvlab uses besides a guest's own exit code. */
export const EXIT = {
  /** Bad command line or input. */
  USAGE: 2,
  /** The guest did not finish: instruction limit reached, or idle with nothing to wake it. */
  DID_NOT_FINISH: 124,
  /** The guest is stuck taking the same trap over and over. */
  TRAP_LOOP: 125,
} as const;
