/**
 * Assignment hypercall, public tests: the CONSOLE_WRITE hypercall in the ABI table, the
 * generated guest include, and one exit per console write. Run:
 *   npx vitest run assignments/hypercall/public
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HYPERCALLS } from '../../../src/abi/hypercalls.js';
import { generatedIncludes } from '../../../src/guest/includes.js';
import { guestPath } from '../../../src/guest/paths.js';
import { perOperation, runToResult } from '../../../src/course/testing.js';

describe('hypercall: CONSOLE_WRITE', () => {
  it('the paravirt kernel boots and runs the console workload (with or without the new hypercall)', () => {
    const r = runToResult({ technique: 'paravirt', workload: 'console', params: { iterations: 3 } });
    expect(r.exitCode).toBe(0);
  });

  it('step 1: src/abi/hypercalls.ts has CONSOLE_WRITE, number 9, arguments buf and len', () => {
    const spec = HYPERCALLS.find((h) => h.name === 'CONSOLE_WRITE');
    expect(spec, 'src/abi/hypercalls.ts has no hypercall CONSOLE_WRITE (step 1: add its table entry)').toBeDefined();
    expect(spec?.number, 'CONSOLE_WRITE\'s number').toBe(9);
    expect(spec?.args, 'CONSOLE_WRITE\'s arguments').toEqual(['buf', 'len']);
  });

  it('step 1: the generated guest include guests/include/gen/hypercalls.S is up to date (npm run gen:includes)', () => {
    const want = generatedIncludes().get('hypercalls.S') ?? '';
    const have = readFileSync(join(guestPath('include', 'gen'), 'hypercalls.S'), 'utf8');
    expect(have === want, 'guests/include/gen/hypercalls.S differs from src/abi/hypercalls.ts: run `npm run gen:includes`').toBe(true);
    expect(have, 'the guest include defines no HC_CONSOLE_WRITE').toMatch(/^\.equ HC_CONSOLE_WRITE, 9$/m);
  });

  it('steps 2 and 3: one console write of 64 bytes is one CONSOLE_WRITE hypercall, and no SBI call', () => {
    const m = perOperation({ technique: 'paravirt', workload: 'console', params: { bytes: 64 } }, 5);
    expect(m.exits.sbi ?? 0, 'SBI calls (exits of kind sbi) per console write: the console still goes through the SBI\'s putchar, one exit per byte — the guest side (pvdrivers.S pv_console_write) does not use HC_CONSOLE_WRITE yet').toBe(0);
    expect(m.hypercalls.CONSOLE_WRITE ?? 0, 'CONSOLE_WRITE hypercalls per console write (the handler in src/hypervisor/pv.ts, or the guest side, is missing)').toBe(1);
  });
});
