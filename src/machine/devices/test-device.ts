/**
 * SiFive test/power device ("sifive,test0"), QEMU virt's way for a guest to end the run.
 *
 *   offset 0x0, 32-bit, write-only:
 *    31             16 15              0
 *   | exit code       | status          |
 *
 *   status FINISHER_PASS  (0x5555): power off, exit code 0 (the code field is ignored)
 *   status FINISHER_FAIL  (0x3333): power off, exit with the code field
 *   status FINISHER_RESET (0x7777): reset the board
 *
 * Any other status is ignored, as QEMU does (hw/misc/sifive_test.c). Reads return 0. The device
 * does not stop anything itself: it tells the board, which owns the run loop.
 */
import type { AccessWidth, Device } from '../device.js';

/** Status values of the finisher register, by the names QEMU and the SiFive docs use. */
export const FINISHER = {
  FAIL: 0x3333,
  PASS: 0x5555,
  RESET: 0x7777,
} as const;

/** Offset of the finisher register. */
export const TEST_FINISHER = 0x0;
/** The device decodes one 4 KiB page, as on QEMU virt. */
export const TEST_DEVICE_SIZE = 0x1000;

const STATUS_MASK = 0xffff;
/** The exit code sits above the 16-bit FAIL command: (code << FINISHER_CODE_SHIFT) | FAIL. */
export const FINISHER_CODE_SHIFT = 16;
const BYTE_ACCESS = 1;
const WORD_ACCESS = 4;

export interface PowerOffEvent {
  readonly kind: 'pass' | 'fail' | 'reset';
  /** Exit code: 0 for pass and reset, the code field for fail. */
  readonly code: number;
}

export interface SifiveTestOptions {
  /** Called when the guest writes a finisher command. */
  readonly onPowerOff: (exit: PowerOffEvent) => void;
  readonly name?: string;
}

export class SifiveTest implements Device {
  readonly name: string;
  readonly size = TEST_DEVICE_SIZE;
  private readonly onPowerOff: (exit: PowerOffEvent) => void;

  constructor(options: SifiveTestOptions) {
    this.name = options.name ?? 'test';
    this.onPowerOff = options.onPowerOff;
  }

  read(_offset: number, _width: AccessWidth): number {
    return 0;
  }

  write(offset: number, width: AccessWidth, value: number): void {
    // QEMU accepts 16- and 32-bit writes; a 16-bit write carries a status with code 0.
    if (offset !== TEST_FINISHER || width === BYTE_ACCESS) return;
    const status = value & STATUS_MASK;
    const code = width === WORD_ACCESS ? (value >>> FINISHER_CODE_SHIFT) & STATUS_MASK : 0;
    switch (status) {
      case FINISHER.PASS: this.onPowerOff({ kind: 'pass', code: 0 }); break;
      case FINISHER.FAIL: this.onPowerOff({ kind: 'fail', code }); break;
      case FINISHER.RESET: this.onPowerOff({ kind: 'reset', code: 0 }); break;
      default: break;
    }
  }
}
