/**
 * System calls, one by one, with good and bad arguments (guests/user/ktest_syscalls.S): bad
 * pointers (null, the kernel, a device, past the stack, wrapping) give EINVAL, unknown numbers
 * ENOSYS; and the dispatch table is the generated one (src/abi/syscalls.ts).
 */
import { describe, expect, it } from 'vitest';
import { SYSCALLS } from '../../src/abi/syscalls.js';
import { buildTestImage, MIB, runKernel, SECTOR } from './harness.js';
import { ECHILD, EINVAL, ENOMEM, ENOSYS, reportObject } from './helpers.js';

describe('system calls', () => {
  const r = runKernel({ workload: 'ktest_syscalls', ramBytes: 32 * MIB, disk: new Uint8Array(16 * SECTOR) });

  it('each returns what the ABI says, and rejects bad arguments', () => {
    expect(reportObject(r.console), r.explain()).toEqual({
      'getpid': 1,
      'write-stdout': 6,
      'write-stderr': 6,
      'write-empty': 0,
      'write-bad-fd': EINVAL,
      'write-null': EINVAL,
      'write-kernel': EINVAL,
      'write-device': EINVAL,
      'write-huge': EINVAL,
      'write-past-stack': EINVAL,
      'read-nothing': 0,
      'read-bad-fd': EINVAL,
      'read-kernel': EINVAL,
      'sys-0': ENOSYS,
      'sys-count': ENOSYS,
      'sys-minus-1': ENOSYS,
      'yield': 0,
      'time-advances': 1,
      'wait-no-children': ECHILD,
      'wait-kernel-ptr': EINVAL,
      'sbrk-aligned': 0,
      'sbrk-grow': 0,
      'sbrk-new-break': 4096,
      'sbrk-below-base': ENOMEM,
      'sbrk-too-much': ENOMEM,
      'sbrk-shrink': 4096,
      'mmap-unaligned': EINVAL,
      'mmap-empty': EINVAL,
      'mmap-page-0': EINVAL,
      'mmap-over-program': EINVAL,
      'mmap-kernel-slot': EINVAL,
      'mmap-kernel': EINVAL,
      'mmap-past-top': EINVAL,
      'munmap-unaligned': EINVAL,
      'munmap-unmapped': 0,
      'blkread-kernel': EINVAL,
      'blkread-none': 0,
    });
  });

  it('write puts the bytes on the console (fd 1 and fd 2)', () => {
    expect(r.userConsole).toContain('hello\nwrite-stdout 0x00000006\nhello\nwrite-stderr 0x00000006\n');
  });

  it('exit of init powers off with its status (non-zero: the failure exit code)', () => {
    expect(r.console).toContain('[kernel] init exited with status 42\n');
    expect(r.stop).toEqual({ kind: 'power-off', code: 1 });
  });

  it('the dispatch table holds sys_<name> at each generated number, ENOSYS at 0', () => {
    const kernel = buildTestImage('ktest_syscalls').parts.find((p) => p.name === 'kernel')!;
    const sym = (name: string): number => {
      const s = kernel.asm.symbols.find((x) => x.name === name);
      if (!s) throw new Error(`no symbol ${name}`);
      return s.value >>> 0;
    };
    const table = sym('syscall_table');
    const entry = (n: number): number =>
      new DataView(kernel.bytes.buffer, kernel.bytes.byteOffset).getUint32(table - kernel.addr + 4 * n, true);
    expect(entry(0)).toBe(sym('sys_nosys'));
    for (const s of SYSCALLS) expect(entry(s.number), s.name).toBe(sym(`sys_${s.name}`));
  });
});
