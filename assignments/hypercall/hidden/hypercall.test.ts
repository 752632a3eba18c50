/**
 * Assignment hypercall, hidden tests: the gain (exits and cycles per write independent of the
 * length), the handler's validation, and the early console.
 */
import { describe, expect, it } from 'vitest';
import { HYPERCALLS } from '../../../src/abi/hypercalls.js';
import { SBI_ERR } from '../../../src/abi/sbi.js';
import { Hypervisor } from '../../../src/hypervisor/hypervisor.js';
import { presetByName } from '../../../src/hypervisor/cost-presets.js';
import { COURSE_PRESET, COURSE_RAM, perOperation, runToResult } from '../../../src/course/testing.js';
import { createGuestVm } from '../../../src/harness/run-guest.js';

describe('hypercall (hidden): the gain', () => {
  it('exits per console write do not grow with its length (16 vs 256 bytes)', () => {
    const short = perOperation({ technique: 'paravirt', workload: 'console', params: { bytes: 16 } }, 4);
    const long = perOperation({ technique: 'paravirt', workload: 'console', params: { bytes: 256 } }, 4);
    expect(long.perOp.exits, `exits per write: ${short.perOp.exits} for 16 bytes, ${long.perOp.exits} for 256 — one exit per byte means the guest does not use CONSOLE_WRITE`).toBe(short.perOp.exits);
    expect(long.perOp.exits).toBeLessThanOrEqual(3);
  });

  it('a 64-byte console write under paravirt costs less than 4x the bare machine (modern-kvm)', () => {
    const pv = perOperation({ technique: 'paravirt', workload: 'console', params: { bytes: 64 } }, 5);
    const native = perOperation({ technique: 'native', workload: 'console', params: { bytes: 64 } }, 5);
    const slowdown = pv.perOp.cycles / native.perOp.cycles;
    expect(slowdown, `slowdown of a console write under paravirt: ${slowdown.toFixed(2)}x`).toBeLessThan(4);
  });

  it('the early console (PV_SBI_PUTCHAR) uses CONSOLE_WRITE too: a whole paravirt run makes no SBI call', () => {
    const r = runToResult({ technique: 'paravirt', workload: 'null-syscall', params: { iterations: 2 } });
    expect(r.exits?.sbi ?? 0, 'SBI calls in a paravirt run (pvops.S PV_SBI_PUTCHAR)').toBe(0);
  });
});

describe('hypercall (hidden): the handler checks what the guest passes', () => {
  const spec = HYPERCALLS.find((h) => h.name === 'CONSOLE_WRITE');
  const fn = spec?.number ?? 9;

  function vmWithPv() {
    const hv = new Hypervisor();
    const vm = createGuestVm(hv, {
      name: 'pv', build: 'paravirt', workload: 'console', technique: 'paravirt', preset: presetByName(COURSE_PRESET),
      ramBytes: COURSE_RAM, params: { iterations: 0 },
    });
    vm.powerOn();
    vm.runFor(2_000_000);
    return vm;
  }

  /** Serve one CONSOLE_WRITE as if the guest kernel had made it. */
  function call(vm: ReturnType<typeof vmWithPv>, buf: number, len: number): { error: number; value: number; printed: string } {
    const v = vm.trapEmulation;
    const x = v.hart.x;
    const before = vm.console.length;
    x[17] = 0x0950_5600; // a7 = PV_EXT
    x[16] = fn; // a6
    x[10] = buf | 0; x[11] = len | 0;
    v.pv.serve();
    return { error: x[10] as number, value: (x[11] as number) >>> 0, printed: vm.console.slice(before) };
  }

  it('writes the bytes and answers their count; refuses bad lengths and buffers outside guest RAM', () => {
    const vm = vmWithPv();
    const ram = 0x8000_0000;
    const buf = ram + 0x10_0000;
    const text = 'hello, hypercall\n';
    vm.trapEmulation.mem.load(buf, new TextEncoder().encode(text));
    const okCall = call(vm, buf, text.length);
    expect(okCall.error, 'CONSOLE_WRITE of a buffer in RAM: error').toBe(SBI_ERR.SUCCESS);
    expect(okCall.value, 'CONSOLE_WRITE answers the bytes written').toBe(text.length);
    expect(okCall.printed).toBe(text);
    expect(call(vm, buf, 0).error, 'a zero-length write succeeds').toBe(SBI_ERR.SUCCESS);
    expect(call(vm, buf, 5000).error, 'longer than PV_CONSOLE_MAX (4096): INVALID_PARAM').toBe(SBI_ERR.INVALID_PARAM);
    expect(call(vm, ram + COURSE_RAM - 10, 11).error, 'a buffer running past the end of RAM: INVALID_ADDRESS').toBe(SBI_ERR.INVALID_ADDRESS);
    expect(call(vm, 0x1000_0000, 1).error, 'a buffer outside RAM (the UART): INVALID_ADDRESS').toBe(SBI_ERR.INVALID_ADDRESS);
  });
});
