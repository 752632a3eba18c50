import { describe, expect, it } from 'vitest';
import { FINISHER, SifiveTest, TEST_FINISHER, type PowerOffEvent } from '../../src/machine/devices/index.js';

function device(): { dev: SifiveTest; exits: PowerOffEvent[] } {
  const exits: PowerOffEvent[] = [];
  return { dev: new SifiveTest({ onPowerOff: (e) => exits.push(e) }), exits };
}

describe('SiFive test device', () => {
  it('FINISHER_PASS powers off with exit code 0, ignoring the code field', () => {
    const { dev, exits } = device();
    dev.write(TEST_FINISHER, 4, (7 << 16) | FINISHER.PASS);
    expect(exits).toEqual([{ kind: 'pass', code: 0 }]);
  });

  it('FINISHER_FAIL exits with the code in bits 31:16', () => {
    const { dev, exits } = device();
    dev.write(TEST_FINISHER, 4, (42 << 16) | FINISHER.FAIL);
    dev.write(TEST_FINISHER, 4, (0xffff << 16) | FINISHER.FAIL);
    expect(exits).toEqual([{ kind: 'fail', code: 42 }, { kind: 'fail', code: 0xffff }]);
  });

  it('FINISHER_RESET requests a reset', () => {
    const { dev, exits } = device();
    dev.write(TEST_FINISHER, 4, FINISHER.RESET);
    expect(exits).toEqual([{ kind: 'reset', code: 0 }]);
  });

  it('accepts a 16-bit status write, ignores bytes, other offsets and unknown statuses', () => {
    const { dev, exits } = device();
    dev.write(TEST_FINISHER, 1, FINISHER.PASS);
    dev.write(4, 4, FINISHER.PASS);
    dev.write(TEST_FINISHER, 4, 0x1234);
    expect(exits).toEqual([]);
    dev.write(TEST_FINISHER, 2, FINISHER.PASS);
    expect(exits).toEqual([{ kind: 'pass', code: 0 }]);
  });

  it('reads as zero and decodes one page', () => {
    const { dev } = device();
    expect(dev.read(TEST_FINISHER, 4)).toBe(0);
    expect(dev.size).toBe(0x1000);
  });
});
