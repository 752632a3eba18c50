/**
 * The guest kernel's system calls: the one table the kernel's dispatch table, the user library
 * and the TypeScript side (traces, docs) all come from. The guest include `syscalls.S` is
 * generated from it; the kernel's dispatch table is checked against it by a test.
 *
 * Convention (as Linux on RISC-V): `ecall` from U-mode with a7 = number, a0..a5 = arguments;
 * the result comes back in a0 (negative values are errors, see SYS_ERR), a1 for a second word.
 */

export interface SyscallSpec {
  readonly name: string;
  readonly number: number;
  readonly args: readonly string[];
  readonly returns: string;
  readonly doc: string;
}

export const SYSCALLS: readonly SyscallSpec[] = [
  { name: 'exit', number: 1, args: ['status'], returns: 'does not return', doc: 'end the calling process; its parent collects status with wait' },
  { name: 'write', number: 2, args: ['fd', 'buf', 'len'], returns: 'bytes written', doc: 'write len bytes from buf to the console (fd 1 or 2)' },
  { name: 'read', number: 3, args: ['fd', 'buf', 'len'], returns: 'bytes read (0 when no input is waiting)', doc: 'read console input (fd 0) without blocking' },
  { name: 'getpid', number: 4, args: [], returns: 'process id', doc: 'the cheapest system call: the null-syscall benchmark' },
  { name: 'yield', number: 5, args: [], returns: '0', doc: 'give up the CPU to the next runnable process' },
  { name: 'fork', number: 6, args: [], returns: 'child pid in the parent, 0 in the child', doc: 'copy the calling process and its address space' },
  { name: 'wait', number: 7, args: ['status_ptr'], returns: 'pid of the exited child', doc: 'wait for a child to exit; store its status at status_ptr if not 0' },
  { name: 'sbrk', number: 8, args: ['increment'], returns: 'previous break', doc: 'grow (or shrink) the heap; new heap pages are demand-zero, mapped on first touch' },
  { name: 'mmap', number: 9, args: ['addr', 'len'], returns: 'addr', doc: 'map zeroed anonymous pages at addr (page-aligned) now, one page-table update per page' },
  { name: 'munmap', number: 10, args: ['addr', 'len'], returns: '0', doc: 'unmap and free pages, one page-table update and TLB flush per page' },
  { name: 'blkread', number: 11, args: ['sector', 'buf', 'count'], returns: 'sectors read', doc: 'read count 512-byte sectors from the disk into buf' },
  { name: 'blkwrite', number: 12, args: ['sector', 'buf', 'count'], returns: 'sectors written', doc: 'write count 512-byte sectors from buf to the disk' },
  { name: 'time', number: 13, args: [], returns: 'a0 = mtime low, a1 = mtime high', doc: 'the time counter (10 MHz timebase)' },
  { name: 'shutdown', number: 14, args: ['status'], returns: 'does not return', doc: 'power the machine off with an exit status (through SBI SRST)' },
  { name: 'tick', number: 15, args: ['periodic'], returns: '0', doc: 'periodic = 1: keep the scheduler tick running while the caller runs, even alone; 0: on demand (only while another process is waiting to run)' },
];

export const SYS_ERR = {
  /** Bad argument (pointer outside the caller's memory, bad length, unknown fd). */
  EINVAL: -1,
  /** No such system call. */
  ENOSYS: -2,
  /** Out of memory (pages or process slots). */
  ENOMEM: -3,
  /** No child to wait for. */
  ECHILD: -4,
  /** Disk error. */
  EIO: -5,
} as const;

export const SYSCALL_BY_NAME: ReadonlyMap<string, SyscallSpec> = new Map(SYSCALLS.map((s) => [s.name, s]));
