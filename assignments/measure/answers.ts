/**
 * Your answers to assignment (a), "measure and explain" (handout.md). Replace each `null` with
 * your figure or name, as `pvlab` prints it (two decimals are enough: answers within 2% of the
 * simulator's figure count as right). Explanations: a few sentences each, in your own words.
 * Every figure is per operation, preset modern-kvm, as `./pvlab compare --workload <w>` prints.
 */
export interface Answers {
  /** Q1: exits per null system call under trap-emulate (the exits/op column). */
  q1_null_syscall_exits_trap_emulate: number | null;
  /** Q2: of those, exits of kind csr per null system call. */
  q2_null_syscall_csr_exits_trap_emulate: number | null;
  /** Q3: exits per null system call under paravirt. */
  q3_null_syscall_exits_paravirt: number | null;
  /** Q4: the slowdown of a null system call under trap-emulate vs native (e.g. 12.34). */
  q4_null_syscall_slowdown_trap_emulate: number | null;
  /** Q5: the most frequent exit kind of the console workload under trap-emulate. */
  q5_console_most_frequent_exit_trap_emulate: string | null;
  /** Q6: the largest cycle category of the console workload under trap-emulate
   *  (one of the names `pvlab boot` prints after "cycles by"). */
  q6_console_largest_cycle_category_trap_emulate: string | null;
  /** Q7: the slowdown of fork under paravirt vs native. */
  q7_fork_slowdown_paravirt: number | null;
  /** Q8: the exit kind of fork under paravirt with the most exits per fork. */
  q8_fork_most_frequent_exit_paravirt: string | null;
  /** E1: why does a null system call cost so many exits under trap-emulate, and what removes
   *  them under paravirt? */
  e1_why_null_syscall: string;
  /** E2: where do a console write's cycles go under trap-emulate — which cost-model parameter
   *  dominates, and why is the slowdown vs native smaller than the exit count suggests? */
  e2_why_console: string;
}

export const ANSWERS: Answers = {
  // ASSIGNMENT measure BEGIN the reference answers
  q1_null_syscall_exits_trap_emulate: 11.0,
  q2_null_syscall_csr_exits_trap_emulate: 9.0,
  q3_null_syscall_exits_paravirt: 2.0,
  q4_null_syscall_slowdown_trap_emulate: 30.91,
  q5_console_most_frequent_exit_trap_emulate: 'mmio',
  q6_console_largest_cycle_category_trap_emulate: 'devices',
  q7_fork_slowdown_paravirt: 2.10,
  q8_fork_most_frequent_exit_paravirt: 'shadow-fill',
  e1_why_null_syscall: 'The unmodified kernel touches sstatus, sepc, scause and sscratch with csr instructions on every trap and returns with sret; each is privileged and exits to be emulated, besides the reflected ecall itself. The paravirt build keeps that state in the shared info page (plain loads and stores), so only the reflected system call and the TRAP_RETURN hypercall remain.',
  e2_why_console: 'The UART driver reads the line status and writes the data register for every byte; under trap-emulate each of those MMIO accesses exits and is decoded and emulated, 128 exits for a 64-byte write, which costs world switches (vmExitEntry) and device emulation. But the largest share is the device itself: the hypervisor puts every byte out on the host UART, two slow device accesses (nativeDeviceAccess) per byte, which the bare machine pays too, so the slowdown is far smaller than the exit count suggests.',
  // ASSIGNMENT measure END
};
