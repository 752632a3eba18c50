/**
 * The firmware and the test payload built with the GNU toolchain and run on QEMU 7.2
 * (`qemu-system-riscv32 -M virt -bios none -kernel image.elf`) print what they print on pvlab,
 * and exit the same way. pvlab's assembler must also produce the very bytes GNU as and ld do.
 * Skips when qemu-system-riscv32 or the riscv64-unknown-elf tools are missing.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Cause } from '../../src/isa/causes.js';
import { SBI_SRST_REASON, SBI_SRST_TYPE } from '../../src/abi/sbi.js';
import {
  bootNative, build, buildFirmware, gnuImage, has, PAYLOAD_BASE, PAYLOAD_SOURCE, runQemu,
} from './helpers.js';

const MIB = 0x10_0000;
const haveTools = has('qemu-system-riscv32') && has('riscv64-unknown-elf-as') && has('riscv64-unknown-elf-ld');

/** marchid/mimpid are the CPU's own (QEMU reports its version there, pvlab 0): blank them. */
const maskIds = (console: string): string =>
  console.replace(/^(base\.get_m(?:arch|imp)id: error=0 value=)0x[0-9a-f]{8}$/gm, '$1<id>');

/** pvlab's exit status for a run, in QEMU's terms (a reset under -no-reboot exits 0). */
function status(stop: ReturnType<typeof bootNative>['stop']): number {
  if (stop.kind === 'power-off') return stop.code;
  if (stop.kind === 'reset') return 0;
  throw new Error(`run did not finish: ${JSON.stringify(stop)}`);
}

describe.skipIf(!haveTools)('firmware on QEMU 7.2 and on pvlab', () => {
  it('assembles to the same bytes with pvlab’s assembler as with GNU as + ld', () => {
    const elf = gnuImage();
    const section = (name: string) => {
      const out = `${elf}.${name.slice(1)}.bin`;
      execFileSync('riscv64-unknown-elf-objcopy', ['-O', 'binary', `--only-section=${name}`, elf, out]);
      return new Uint8Array(readFileSync(out));
    };
    const fw = buildFirmware();
    const payload = build(PAYLOAD_SOURCE, PAYLOAD_BASE);
    // GNU's output has the bss as zeros inside the section; compare the loaded bytes.
    expect(section('.firmware')).toEqual(fw.bytes.subarray(0, section('.firmware').length));
    expect(section('.payload')).toEqual(payload.bytes.subarray(0, section('.payload').length));
  });

  const cases: { name: string; payload?: Record<string, number>; firmware?: (all: number) => Record<string, number>; ramMib?: number }[] = [
    { name: 'every SBI call, timer interrupts, shutdown' },
    { name: 'shutdown with reason SYSTEM_FAILURE (exit 1)', payload: { RESET_REASON: SBI_SRST_REASON.SYSTEM_FAILURE } },
    { name: 'cold reboot (QEMU -no-reboot exits 0)', payload: { RESET_TYPE: SBI_SRST_TYPE.COLD_REBOOT } },
    {
      name: 'panic on an undelegated illegal instruction (exit 2)',
      firmware: (all) => ({ FW_DELEGATED_EXCEPTIONS: all & ~(1 << Cause.IllegalInstruction) }),
    },
    { name: '64 MiB of RAM: the FDT where QEMU puts it', ramMib: 64 },
  ];

  for (const c of cases) {
    it(`prints the same console and exits the same: ${c.name}`, () => {
      const all = buildFirmware().symbols.get('FW_DELEGATED_EXCEPTIONS')!;
      const fwDefines = c.firmware ? c.firmware(all) : {};
      const ramMib = c.ramMib ?? 128;
      const q = runQemu(gnuImage(c.payload ?? {}, fwDefines), ramMib);
      const ours = bootNative({
        ramBytes: ramMib * MIB,
        firmwareDefines: fwDefines,
        payload: build(PAYLOAD_SOURCE, PAYLOAD_BASE, c.payload ?? {}),
      });
      expect(q.console.length).toBeGreaterThan(0);
      expect(maskIds(ours.console)).toBe(maskIds(q.console));
      expect(status(ours.stop)).toBe(q.status);
    });
  }
});
