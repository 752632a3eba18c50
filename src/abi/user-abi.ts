/**
 * The guest memory layout and the user-level ABI facts that are not system-call numbers: where
 * each program is linked, where user memory ends, the file descriptors and exit statuses. One
 * table for the image builder, the kernel and the workloads (generated to gen/user-abi.S).
 */

export const GUEST_LAYOUT = {
  /** The firmware's first instruction: the reset vector of QEMU's `-bios none -kernel` boot. */
  FIRMWARE_BASE: 0x8000_0000,
  /** Where the firmware enters the kernel in S-mode (OpenSBI fw_jump's address on virt). */
  KERNEL_BASE: 0x8020_0000,
  /** Where user programs are linked; page 0 stays unmapped so that null pointers fault. */
  USER_BASE: 0x0001_0000,
  /** User addresses are those below RAM (the kernel maps RAM supervisor-only above). */
  USER_TOP: 0x8000_0000,
  /** Pages of demand-zero user stack below the guard page under USER_TOP. */
  USER_STACK_PAGES: 256,
  /** The window in which mmap() accepts page-aligned addresses. */
  USER_MMAP_BASE: 0x4000_0000,
  USER_MMAP_SIZE: 0x1000_0000,
} as const;

/** write()/read() file descriptors: the console. */
export const USER_FD = {
  STDIN: 0,
  STDOUT: 1,
  STDERR: 2,
} as const;

/** exit() statuses. The first process's status becomes the machine's exit status; a child's
 *  reaches its parent through wait() within EXIT_STATUS_MASK. */
export const USER_EXIT = {
  SUCCESS: 0,
  FAILURE: 1,
  STATUS_MASK: 0x7f,
} as const;
