/**
 * Ctrl-C while pvlab writes files: the work in hand is told through an AbortSignal, removes what
 * it had half-made, and pvlab exits 130 (128 + SIGINT) with one line saying nothing was written.
 * Outside such a section Ctrl-C keeps its default (the process ends; nothing has been written).
 */
import { ReportInterrupted } from '../report/report.js';
import { UserError } from './errors.js';

/** 128 + SIGINT, the status shells give a command ended by Ctrl-C. */
export const INTERRUPTED_STATUS = 130;

export async function interruptible<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  const stop = (): void => ac.abort();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    return await work(ac.signal);
  } catch (e) {
    if (e instanceof ReportInterrupted) throw new UserError(e.message, INTERRUPTED_STATUS);
    throw e;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
