/**
 * pvlab's M-mode firmware (guests/firmware/) on the VirtBoard: the state it hands S-mode, every
 * SBI call it serves (through test/firmware/payload.S), timer forwarding, the SRST mapping to
 * the SiFive test device, and the panic on traps it cannot handle.
 */
import { describe, expect, it } from 'vitest';
import { Cause } from '../../src/isa/causes.js';
import { COUNTEREN, CSR, MIP, MSTATUS, Priv, VS_INTERRUPTS } from '../../src/isa/csr.js';
import { assemble, flatImage } from '../../src/asm/index.js';
import { SBI_SRST_REASON, SBI_SRST_TYPE } from '../../src/abi/sbi.js';
import {
  bootNative, build, buildFirmware, FIRMWARE_BASE, PAYLOAD_BASE, PAYLOAD_SOURCE, type Image,
} from './helpers.js';

const MIB = 0x10_0000;
/** An address where the virt board has nothing (QEMU: the PCIe MMIO window; pvlab: nothing). */
const UNMAPPED = 0x4000_0000;

const PAYLOAD = build(PAYLOAD_SOURCE, PAYLOAD_BASE);
/** Offset of a payload label from its entry, as the payload prints it. */
const entryOffset = (label: string): string => `0x${(PAYLOAD.symbols.get(label)! - PAYLOAD_BASE).toString(16).padStart(8, '0')}`;

/** What the payload prints on pvlab with 128 MiB of RAM (no UART input). */
export const EXPECTED_CONSOLE = `payload: hart 0 fdt=0x87e00000 magic ok
base.get_spec_version: error=0 value=0x02000000
base.get_impl_id: error=0 value=0x00005056
base.get_impl_version: error=0 value=0x00000001
base.probe_extension(SBI_EXT_BASE): error=0 value=0x00000001
base.probe_extension(SBI_EXT_TIME): error=0 value=0x00000001
base.probe_extension(SBI_EXT_HSM): error=0 value=0x00000001
base.probe_extension(SBI_EXT_SRST): error=0 value=0x00000001
base.probe_extension(SBI_EXT_LEGACY_CONSOLE_PUTCHAR): error=0 value=0x00000001
base.probe_extension(SBI_EXT_LEGACY_CONSOLE_GETCHAR): error=0 value=0x00000001
base.probe_extension(SBI_EXT_IPI): error=0 value=0x00000001
base.probe_extension(SBI_EXT_RFENCE): error=0 value=0x00000001
base.probe_extension(SBI_EXT_DBCN): error=0 value=0x00000000
base.get_mvendorid: error=0 value=0x00000000
base.get_marchid: error=0 value=0x00000000
base.get_mimpid: error=0 value=0x00000000
base.no_such_function: error=-2 value=0x00000000
dbcn (not implemented): error=-2 value=0x00000000
legacy.shutdown (not implemented): error=-2 value=0x00005a5a
time.no_such_function: error=-2 value=0x00000000
hsm.hart_suspend (not implemented): error=-2 value=0x00000000
srst.no_such_function: error=-2 value=0x00000000
registers preserved across ecall
hsm.hart_get_status(boot hart): error=0 value=0x00000000
hsm.hart_get_status(1): error=-3 value=0x00000000
hsm.hart_start(1): error=-3 value=0x00000000
hsm.hart_start(boot hart): error=-6 value=0x00000000
ipi.send_ipi(boot hart): error=0 value=0x00000000
ipi.send_ipi(hart 1, stopped or absent): error=0 value=0x00000000
ipi.send_ipi(hart 0x100): error=-3 value=0x00000000
rfence.remote_fence_i(all): error=0 value=0x00000000
rfence.remote_sfence_vma(boot hart): error=0 value=0x00000000
sip.SSIP after send_ipi to itself: error=0 value=0x00000002
* legacy.console_putchar: error=0 value=0x00005a5a
legacy.console_getchar: error=-1 value=0x00005a5a
counters readable from S-mode
trap: scause=0x00000003 sepc=entry+${entryOffset('breakpoint_insn')} (delegated exception)
trap: scause=0x00000002 stval=0xf14022f3 sepc=entry+${entryOffset('illegal_insn')} (delegated exception)
trap: scause=0x80000005 (supervisor timer, delegated)
time.set_timer(now + delay): error=0 value=0x00000000
trap: scause=0x80000005 (supervisor timer, delegated)
time.set_timer(0): error=0 value=0x00000000
srst.system_reset(bad type): error=-3 value=0x00000000
srst.system_reset(bad reason): error=-3 value=0x00000000
resetting
`;

/** An S-mode program that just spins where the firmware enters it. */
function spinPayload(): Image {
  const r = assemble('payload_entry: j payload_entry\n', { fileName: 'spin.S', base: PAYLOAD_BASE });
  const { base, bytes } = flatImage(r);
  return { base, bytes, symbols: new Map() };
}

const payloadWith = (defines: Record<string, number>): Image => build(PAYLOAD_SOURCE, PAYLOAD_BASE, defines);

describe('firmware image', () => {
  it('fits below the payload at 0x8020_0000 and starts at _start = 0x8000_0000', () => {
    const fw = buildFirmware();
    expect(fw.base).toBe(FIRMWARE_BASE);
    expect(fw.symbols.get('_start')).toBe(FIRMWARE_BASE);
    expect(fw.base + fw.bytes.length).toBeLessThanOrEqual(PAYLOAD_BASE);
  });
});

describe('boot: the state the firmware hands to S-mode', () => {
  const { board, fdtAddr, stop } = bootNative({ payload: spinPayload(), maxInsns: 500 });
  const csr = (n: number) => board.hart.csr.read(n)! >>> 0;

  it('enters the payload in S-mode with a0 = hart id and a1 = the FDT address, untouched', () => {
    expect(stop.kind).toBe('insn-limit');
    expect(board.hart.priv).toBe(Priv.S);
    expect(board.hart.pc >>> 0).toBe(PAYLOAD_BASE);
    expect(board.hart.x[10]).toBe(0);
    expect(board.hart.x[11]! >>> 0).toBe(fdtAddr);
    expect(fdtAddr).toBe(0x87e0_0000);
  });

  it('delegates every exception but ecall from S (and M), and the supervisor interrupts', () => {
    const notDelegated = [Cause.EnvironmentCallFromS, Cause.EnvironmentCallFromM];
    const expected = [
      Cause.InstructionAddressMisaligned, Cause.InstructionAccessFault, Cause.IllegalInstruction, Cause.Breakpoint,
      Cause.LoadAddressMisaligned, Cause.LoadAccessFault, Cause.StoreAddressMisaligned, Cause.StoreAccessFault,
      Cause.EnvironmentCallFromU, Cause.InstructionPageFault, Cause.LoadPageFault, Cause.StorePageFault,
    ].reduce((m: number, c) => m | (1 << c), 0);
    expect(csr(CSR.medeleg)).toBe(expected);
    for (const c of notDelegated) expect(csr(CSR.medeleg) & (1 << c)).toBe(0);
    // (The VS interrupts read as delegated whatever the firmware writes: H extension.)
    expect(csr(CSR.mideleg)).toBe(MIP.SSIP | MIP.STIP | MIP.SEIP | VS_INTERRUPTS);
    expect(csr(CSR.mcounteren)).toBe(COUNTEREN.CY | COUNTEREN.TM | COUNTEREN.IR);
  });

  it('leaves S-mode with translation off, interrupts off and nothing pending; the machine timer disarmed', () => {
    expect(csr(CSR.satp)).toBe(0);
    expect(csr(CSR.mstatus) & (MSTATUS.SIE | MSTATUS.MIE | MSTATUS.MPRV | MSTATUS.SUM)).toBe(0);
    expect(csr(CSR.mie)).toBe(0);
    expect(csr(CSR.mip) & (MIP.SSIP | MIP.STIP)).toBe(0);
    const mtimecmp = board.clint.read(0x4000, 4) >>> 0;
    const mtimecmpHi = board.clint.read(0x4004, 4) >>> 0;
    expect([mtimecmp, mtimecmpHi]).toEqual([0xffff_ffff, 0xffff_ffff]);
  });

  it('points mtvec at its trap vector and mscratch at the hart’s trap frame', () => {
    const fw = buildFirmware();
    expect(csr(CSR.mtvec)).toBe(fw.symbols.get('fw_trap_vector'));
    const top = fw.symbols.get('fw_stack_top')!;
    expect(csr(CSR.mscratch)).toBe(top - fw.symbols.get('FRAME_SIZE')!);
  });
});

describe('SBI calls from the test payload', () => {
  it('answers every call as the SBI spec and docs/firmware.md say, then powers off with code 0', () => {
    const r = bootNative();
    expect(r.console).toBe(EXPECTED_CONSOLE);
    expect(r.stop).toEqual({ kind: 'power-off', code: 0 });
  });

  it('passes the FDT address on for other RAM sizes (where QEMU 7.2 would put it)', () => {
    const r = bootNative({ ramBytes: 64 * MIB });
    expect(r.console.split('\n')[0]).toBe('payload: hart 0 fdt=0x83e00000 magic ok');
  });

  it('console_getchar returns a byte waiting in the UART', () => {
    const r = bootNative({ input: 'x' });
    expect(r.console).toContain(`legacy.console_getchar: error=${'x'.charCodeAt(0)} value=0x00005a5a\n`);
  });

  it('is deterministic: two boots retire the same instructions in the same cycles', () => {
    const a = bootNative();
    const b = bootNative();
    expect(a.console).toBe(b.console);
    expect(a.board.hart.csr.read(CSR.mcycle)).toBe(b.board.hart.csr.read(CSR.mcycle));
    expect(a.board.hart.csr.read(CSR.minstret)).toBe(b.board.hart.csr.read(CSR.minstret));
  });
});

describe('timer forwarding', () => {
  it('turns the machine timer into a supervisor timer interrupt taken (delegated) in S-mode', () => {
    const r = bootNative();
    const lines = r.console.split('\n');
    const timer = lines.filter((l) => l.startsWith('trap: scause=0x80000005'));
    expect(timer).toHaveLength(2);
    // The interrupt came no earlier than the deadline: mtime is past now + TIMER_DELAY.
    expect(r.board.clint.read(0xbff8, 4) >>> 0).toBeGreaterThan(1000);
    // set_timer((uint64)-1) in the handler left the timer disarmed and nothing pending.
    expect(r.board.hart.csr.read(CSR.mip)! & (MIP.STIP | MIP.MTIP)).toBe(0);
  });
});

describe('SRST system_reset through the SiFive test device', () => {
  it('shutdown with reason SYSTEM_FAILURE fails with exit code 1', () => {
    const r = bootNative({ payload: payloadWith({ RESET_REASON: SBI_SRST_REASON.SYSTEM_FAILURE }) });
    expect(r.console.endsWith('resetting\n')).toBe(true);
    expect(r.stop).toEqual({ kind: 'power-off', code: 1 });
  });

  for (const type of ['COLD_REBOOT', 'WARM_REBOOT'] as const) {
    it(`${type.toLowerCase().replace('_', ' ')} resets the board`, () => {
      const r = bootNative({ payload: payloadWith({ RESET_TYPE: SBI_SRST_TYPE[type] }) });
      expect(r.stop).toEqual({ kind: 'reset' });
    });
  }
});

describe('panic on a trap the firmware cannot handle', () => {
  it('prints mcause, mepc and mtval and fails with exit code 2', () => {
    // Delegate everything but illegal instructions: the payload's `csrr t0, mhartid` then
    // traps to M-mode, which has no business with it.
    const fw = buildFirmware();
    const all = fw.symbols.get('FW_DELEGATED_EXCEPTIONS')!;
    const r = bootNative({ firmwareDefines: { FW_DELEGATED_EXCEPTIONS: all & ~(1 << Cause.IllegalInstruction) } });
    const mepc = PAYLOAD.symbols.get('illegal_insn')!.toString(16);
    expect(r.console.split('\n').slice(-2)).toEqual([
      `pvlab firmware: panic: unexpected trap from S-mode: mcause=0x00000002 mepc=0x${mepc} mtval=0xf14022f3`, '',
    ]);
    expect(r.stop).toEqual({ kind: 'power-off', code: 2 });
  });

  it('panics on an undelegated fault at the very first S-mode instruction', () => {
    // mret to a payload address where nothing is mapped, with instruction access faults not
    // delegated: S-mode's first fetch faults straight into the firmware.
    const all = buildFirmware().symbols.get('FW_DELEGATED_EXCEPTIONS')!;
    const r = bootNative({
      payload: spinPayload(),
      firmwareDefines: { FW_PAYLOAD_ADDR: UNMAPPED, FW_DELEGATED_EXCEPTIONS: all & ~(1 << Cause.InstructionAccessFault) },
    });
    expect(r.console).toBe('pvlab firmware: panic: unexpected trap from S-mode: mcause=0x00000001 mepc=0x40000000 mtval=0x40000000\n');
    expect(r.stop).toEqual({ kind: 'power-off', code: 2 });
  });

  it('panics without touching memory when the firmware itself traps (mscratch = 0)', () => {
    // Arrive at the trap vector as a trap taken inside the firmware would: in M-mode, with
    // mstatus.MPP = M and mscratch = 0 (the firmware's "I am running" mark), and sp = 0 so any
    // use of the stack would fault again.
    const r = bootNative({ payload: spinPayload(), maxInsns: 0 });
    const fw = buildFirmware();
    const { hart } = r.board;
    hart.csr.write(CSR.mscratch, 0);
    hart.csr.write(CSR.mcause, Cause.LoadAccessFault);
    hart.csr.write(CSR.mepc, FIRMWARE_BASE + 0x40);
    hart.csr.write(CSR.mtval, 0xdead_beef);
    hart.csr.write(CSR.mstatus, MSTATUS.MPP);
    hart.x[2] = 0;
    hart.pc = fw.symbols.get('fw_trap_vector')!;
    const stop = r.board.run(10_000);
    expect(r.readConsole()).toBe('pvlab firmware: panic: unexpected trap from M-mode: mcause=0x00000005 mepc=0x80000040 mtval=0xdeadbeef\n');
    expect(stop).toEqual({ kind: 'power-off', code: 2 });
  });
});
