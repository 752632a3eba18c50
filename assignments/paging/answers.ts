/**
 * Your answers to assignment (e), "shadow paging vs nested paging" (handout.md). Replace each
 * `null` with your figure or name as `pvlab` prints it (answers within 2% of the simulator's
 * figure count as right). Every figure is per operation, preset modern-kvm, default parameters,
 * as `./pvlab compare --workload <w> --technique native hw-assist-shadow hw-assist` prints it.
 */
export interface Answers {
  /** Q1: exits per fork under hw-assist-shadow (the exits/op column). */
  q1_fork_exits_shadow: number | null;
  /** Q2: exits per fork under hw-assist (nested paging). */
  q2_fork_exits_nested: number | null;
  /** Q3: the most frequent exit kind of fork under hw-assist-shadow. */
  q3_fork_most_frequent_exit_shadow: string | null;
  /** Q4: the slowdown of a context switch under hw-assist-shadow vs native. */
  q4_context_switch_slowdown_shadow: number | null;
  /** Q5: the slowdown of tlb-walk (1024 pages: a TLB miss per access) under hw-assist. */
  q5_tlb_walk_slowdown_nested: number | null;
  /** Q6: page-table entries read per TLB miss by tlb-walk under hw-assist (PTE reads per
   *  operation ÷ TLB misses per operation; `pvlab boot` prints both). */
  q6_pte_reads_per_miss_nested: number | null;
  /** E1: why does fork exit so often under shadow paging, and why hardly at all under nested
   *  paging? */
  e1_why_fork: string;
  /** E2: why is tlb-walk slower under nested paging than under shadow paging, and what would
   *  reduce the difference on real hardware? */
  e2_why_tlb_walk: string;
}

export const ANSWERS: Answers = {
  // ASSIGNMENT paging BEGIN the reference answers
  q1_fork_exits_shadow: 19.0,
  q2_fork_exits_nested: 0.0,
  q3_fork_most_frequent_exit_shadow: 'shadow-fill',
  q4_context_switch_slowdown_shadow: 4.45,
  q5_tlb_walk_slowdown_nested: 3.48,
  q6_pte_reads_per_miss_nested: 8,
  e1_why_fork:
    'Under shadow paging the hypervisor must see every change of the guest page tables: fork builds a new ' +
    'address space, so each page the child and parent touch is a hidden page fault (a shadow fill), writes to ' +
    'page-table pages the hypervisor traces exit (pte-write), and every satp write and sfence.vma exits (VTVM). ' +
    'Under nested paging the guest writes its own tables and satp in VS-mode with no exit; the hypervisor only ' +
    'maps guest-physical memory once in the G-stage.',
  e2_why_tlb_walk:
    'Every access of tlb-walk misses the TLB. With nested paging a miss walks the guest table and translates each ' +
    'of its entries, and the result, through the G-stage: (2+1)(2+1)-1 = 8 reads instead of 2. Shadow tables map ' +
    'guest virtual to host physical directly, so a miss costs what it costs natively. Page-walk caches, a nested ' +
    'TLB, and large pages in either stage (fewer levels) cut the difference.',
  // ASSIGNMENT paging END
};
