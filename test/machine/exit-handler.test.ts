/**
 * Hart.exitHandler: with exitToHost, a host that handles each exit inside run() — resuming the
 * guest as though run() had been entered anew, or declining, so that run() returns the stop.
 * Behaviour only: the exits seen, where the hart is, what it retired.
 */
import { describe, expect, it } from 'vitest';
import { Cause } from '../../src/isa/causes.js';
import type { TrapStop } from '../../src/machine/hart.js';
import { load } from './helpers.js';

const PROGRAM = `
_start:
  ecall
  addi a0, a0, 1
  ecall
  addi a0, a0, 1
  ecall
  addi a0, a0, 1
1: j 1b
`;

/** A host that steps past each ecall it sees and resumes `resumes` times, then declines. */
function host(resumes: number) {
  const seen: TrapStop[] = [];
  let hart: { pc: number } | null = null;
  return {
    seen,
    attach(h: { pc: number }) {
      hart = h;
    },
    resumeAfterExit(stop: TrapStop): boolean {
      seen.push({ ...stop });
      if (seen.length > resumes || hart === null) return false;
      hart.pc = (stop.pc + 4) | 0;
      return true;
    },
  };
}

describe('Hart.exitHandler', () => {
  it('handles every exit inside run(): resumed, the guest carries on; declined, run() returns it', () => {
    const h = load(PROGRAM);
    const hart = h.board.hart;
    const handler = host(2);
    handler.attach(hart);
    hart.exitToHost = true;
    hart.exitHandler = handler;
    const stop = hart.run(1000);
    expect(handler.seen.map((s) => s.cause)).toEqual([Cause.EnvironmentCallFromM, Cause.EnvironmentCallFromM, Cause.EnvironmentCallFromM]);
    expect(handler.seen.map((s) => s.pc)).toEqual([h.sym('_start'), h.sym('_start') + 8, h.sym('_start') + 16]);
    // The third exit was declined: run() returned it, the hart left at its ecall.
    expect(stop).toMatchObject({ kind: 'trap', cause: Cause.EnvironmentCallFromM, pc: h.sym('_start') + 16 });
    expect(hart.pc >>> 0).toBe(h.sym('_start') + 16);
    expect(h.reg('a0')).toBe(2);
    expect(hart.retired).toBe(2);
  });

  it('resuming is running on: the instruction limit counts from where run() was entered', () => {
    const h = load(PROGRAM);
    const hart = h.board.hart;
    const handler = host(Number.MAX_SAFE_INTEGER);
    handler.attach(hart);
    hart.exitToHost = true;
    hart.exitHandler = handler;
    const stop = hart.run(2);
    expect(stop).toEqual({ kind: 'insn-limit', pc: h.sym('_start') + 16 });
    expect(h.reg('a0')).toBe(2);
  });

  it('without a handler run() returns the first exit, as before', () => {
    const h = load(PROGRAM);
    const hart = h.board.hart;
    hart.exitToHost = true;
    expect(hart.run(1000)).toMatchObject({ kind: 'trap', cause: Cause.EnvironmentCallFromM, pc: h.sym('_start') });
    expect(hart.retired).toBe(0);
  });
});
