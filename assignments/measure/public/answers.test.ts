/**
 * Assignment measure, public tests: the answers in assignments/measure/answers.ts, checked
 * against the simulator's own figures (computed here the way `pvlab compare` computes them).
 * Run: npx vitest run assignments/measure/public
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { close, compareFigures, largest, type CompareRow } from '../../../src/course/testing.js';
import { ANSWERS } from '../../measure/answers.js';

function answered<T>(value: T | null, q: string, what: string): T {
  if (value === null || value === undefined || (typeof value === 'string' && value.trim() === '')) {
    throw new Error(`${q} is not answered yet (assignments/measure/answers.ts): ${what}`);
  }
  return value;
}

function expectClose(got: number, want: number, q: string): void {
  expect(close(got, want), `${q}: your answer ${got} is not within 2% of the measured figure — re-run the command in the handout`).toBe(true);
}

describe('measure: the null system call (./pvlab compare --workload null-syscall)', () => {
  let f: Record<string, CompareRow>;
  beforeAll(async () => { f = await compareFigures('null-syscall', ['native', 'trap-emulate', 'paravirt']); });

  it('Q1: exits per null system call under trap-emulate', () => {
    expectClose(answered(ANSWERS.q1_null_syscall_exits_trap_emulate, 'Q1', 'exits per null system call under trap-emulate'), f['trap-emulate']!.exitsPerOp, 'Q1');
  });
  it('Q2: csr exits per null system call under trap-emulate', () => {
    expectClose(answered(ANSWERS.q2_null_syscall_csr_exits_trap_emulate, 'Q2', 'csr exits per null system call under trap-emulate'), f['trap-emulate']!.exitsByKind.csr ?? 0, 'Q2');
  });
  it('Q3: exits per null system call under paravirt', () => {
    expectClose(answered(ANSWERS.q3_null_syscall_exits_paravirt, 'Q3', 'exits per null system call under paravirt'), f.paravirt!.exitsPerOp, 'Q3');
  });
  it('Q4: the slowdown of a null system call under trap-emulate', () => {
    expectClose(answered(ANSWERS.q4_null_syscall_slowdown_trap_emulate, 'Q4', 'slowdown of a null system call under trap-emulate'), f['trap-emulate']!.slowdown, 'Q4');
  });
});

describe('measure: the console (./pvlab compare --workload console)', () => {
  let f: Record<string, CompareRow>;
  beforeAll(async () => { f = await compareFigures('console', ['trap-emulate']); });

  it('Q5: the console\'s most frequent exit kind under trap-emulate', () => {
    expect(answered(ANSWERS.q5_console_most_frequent_exit_trap_emulate, 'Q5', 'the most frequent exit kind (a name such as csr or sret)'),
      'Q5: the most frequent exit kind of the console workload under trap-emulate').toBe(largest(f['trap-emulate']!.exitsByKind));
  });
  it('Q6: the console\'s largest cycle category under trap-emulate', () => {
    expect(answered(ANSWERS.q6_console_largest_cycle_category_trap_emulate, 'Q6', 'the largest cycle category (a name such as guestKernel)'),
      'Q6: the largest cycle category of the console workload under trap-emulate').toBe(largest(f['trap-emulate']!.breakdownPerOp));
  });
});
