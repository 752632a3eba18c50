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
  /** E2: why is the console so expensive under trap-emulate, and which cost-model parameter
   *  dominates it? */
  e2_why_console: string;
}

export const ANSWERS: Answers = {
  // ASSIGNMENT measure BEGIN the reference answers
  q1_null_syscall_exits_trap_emulate: 11.29,
  q2_null_syscall_csr_exits_trap_emulate: 9.18,
  q3_null_syscall_exits_paravirt: 2.0,
  q4_null_syscall_slowdown_trap_emulate: 38.05,
  q5_console_most_frequent_exit_trap_emulate: 'mmio',
  q6_console_largest_cycle_category_trap_emulate: 'worldSwitch',
  q7_fork_slowdown_paravirt: 2.25,
  q8_fork_most_frequent_exit_paravirt: 'shadow-fill',
  e1_why_null_syscall: 'The unmodified kernel touches sstatus, sepc, scause and sscratch with csr instructions on every trap and returns with sret; each is privileged and exits to be emulated, besides the reflected ecall itself. The paravirt build keeps that state in the shared info page (plain loads and stores), so only the reflected system call and the TRAP_RETURN hypercall remain.',
  e2_why_console: 'The UART driver writes every byte to a device register; each MMIO access exits and is decoded and emulated, so a 64-byte write costs over a hundred exits. World-switch cycles (the per-exit cost) dominate, followed by device emulation.',
  // ASSIGNMENT measure STUB
  // q1_null_syscall_exits_trap_emulate: null,
  // q2_null_syscall_csr_exits_trap_emulate: null,
  // q3_null_syscall_exits_paravirt: null,
  // q4_null_syscall_slowdown_trap_emulate: null,
  // q5_console_most_frequent_exit_trap_emulate: null,
  // q6_console_largest_cycle_category_trap_emulate: null,
  // q7_fork_slowdown_paravirt: null,
  // q8_fork_most_frequent_exit_paravirt: null,
  // e1_why_null_syscall: '',
  // e2_why_console: '',
  // ASSIGNMENT measure END
};
