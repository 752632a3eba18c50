/**
 * Assignment measure, hidden tests: fork under paravirt, and the explanations are written.
 */
import { describe, expect, it } from 'vitest';
import { close, compareFigures, largest } from '../../../src/course/testing.js';
import { ANSWERS } from '../../measure/answers.js';

describe('measure (hidden): fork and the explanations', () => {
  it('Q7-Q8: fork under paravirt — slowdown and most frequent exit kind', async () => {
    const f = await compareFigures('fork', ['native', 'paravirt']);
    const pv = f.paravirt!;
    const q7 = ANSWERS.q7_fork_slowdown_paravirt;
    expect(q7, 'Q7 (slowdown of fork under paravirt) is not answered').not.toBeNull();
    expect(close(q7 as number, pv.slowdown), `Q7: ${q7} is not within 2% of the measured slowdown`).toBe(true);
    expect(ANSWERS.q8_fork_most_frequent_exit_paravirt, 'Q8: the most frequent exit kind of fork under paravirt').toBe(largest(pv.exitsByKind));
  });

  it('E1-E2: both explanations are written (at least two sentences each)', () => {
    for (const [k, v] of [['E1', ANSWERS.e1_why_null_syscall], ['E2', ANSWERS.e2_why_console]] as const) {
      expect((v ?? '').trim().length, `${k} is not answered (assignments/measure/answers.ts)`).toBeGreaterThanOrEqual(80);
    }
  });
});
