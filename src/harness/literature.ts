/**
 * The published figures pvlab is compared with, in one typed table, each with its citation
 * (paper, table or figure, machine, unit) and how far it was checked against the source; and
 * the comparisons the `replicate` suite (experiments/replicate.ts) makes: which pvlab cell and
 * metric stands for which published figure. docs/fidelity.md is generated from these and a
 * `replicate` run:
 *
 *   npm run -s build && ./pvlab run replicate
 *   node dist/src/harness/literature.js reports/replicate/<run-id>/results.json --update docs/fidelity.md
 *
 * Rules (DESIGN §5, "Truth of figures"): a figure is entered as printed, in the source's unit;
 * derived values (a difference, a ratio) are computed here from the printed ones, never typed
 * in; `verification` says how it was checked, and `evidence` quotes the passage or says what
 * was tried. Nothing here feeds the cost presets: a preset that uses one of these figures
 * names it in src/hypervisor/cost-presets.ts, and a comparison with such a figure is marked
 * `circular` (it checks the charging, not the model).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CellResult } from './suite-run.js';
import type { CellRecord, SuiteResults } from './runner.js';

// ---- sources ----------------------------------------------------------------------------------

export type SourceKey = 'AA06' | 'DLL16' | 'BDF03' | 'CLM23' | 'SMP22' | 'LINUX-TPM';

export interface Source {
  readonly key: SourceKey;
  readonly cite: string;
  /** DOI or stable address, when one was confirmed. */
  readonly link?: string;
}

export const SOURCES: Readonly<Record<SourceKey, Source>> = Object.freeze({
  AA06: {
    key: 'AA06',
    cite: 'K. Adams, O. Agesen. A Comparison of Software and Hardware Techniques for x86 Virtualization. ASPLOS XII, 2006',
    link: 'https://doi.org/10.1145/1168857.1168860',
  },
  DLL16: {
    key: 'DLL16',
    cite: 'C. Dall, S.-W. Li, J. T. Lim, J. Nieh, G. Koloventzos. ARM Virtualization: Performance and Architectural Implications. ISCA 2016',
  },
  BDF03: {
    key: 'BDF03',
    cite: 'P. Barham, B. Dragovic, K. Fraser, S. Hand, T. Harris, A. Ho, R. Neugebauer, I. Pratt, A. Warfield. Xen and the Art of Virtualization. SOSP 2003',
    link: 'https://doi.org/10.1145/945445.945462',
  },
  CLM23: {
    key: 'CLM23',
    cite: 'J. Chen, D. Li, Z. Mi, Y. Liu, B. Zang, H. Guan, H. Chen. Security and Performance in the Delegated User-level Virtualization (DuVisor). OSDI 2023 (preprint arXiv:2201.09652); artifact IPADS-DuVisor/ae-firesim-scripts',
    link: 'https://arxiv.org/abs/2201.09652',
  },
  SMP22: {
    key: 'SMP22',
    cite: 'B. Sá, J. Martins, S. Pinto. A First Look at RISC-V Virtualization from an Embedded Systems Perspective. IEEE Transactions on Computers 71(9):2177–2190, 2022',
    link: 'https://doi.org/10.1109/TC.2021.3124320',
  },
  'LINUX-TPM': {
    key: 'LINUX-TPM',
    cite: 'Linux kernel (Trenchboot secure-launch series, Apertus Solutions 2020), tpm_io_delay(): "outb %al, $0x80" commented "Approximately 1 us"',
  },
});

// ---- figures ----------------------------------------------------------------------------------

/**
 * How a figure was checked:
 * - `confirmed`: the source's own text (or its own data files) read, quoted in `evidence`;
 * - `artifact`: the authors' published artifact data read (not the paper's figure itself);
 * - `second-hand`: only a secondary source that quotes it was found;
 * - `unconfirmed`: not found in any text that could be reached; `evidence` says what was tried.
 */
export type Verification = 'confirmed' | 'artifact' | 'second-hand' | 'unconfirmed';

export type FigureUnit = 'cycles' | 'us' | 's' | 'ratio';

export interface Figure {
  readonly id: string;
  readonly source: SourceKey;
  /** Table, figure or section of the source. */
  readonly where: string;
  /** The machine the figure was measured on. */
  readonly machine: string;
  /** What ran: native, which VMM/hypervisor and technique. */
  readonly system: string;
  /** What was measured, in one line. */
  readonly quantity: string;
  readonly value: number;
  readonly unit: FigureUnit;
  /** The source gives it as approximate ("approximately 2000", "at native speed"). */
  readonly approximate?: boolean;
  readonly verification: Verification;
  /** The passage quoted, or what was tried. */
  readonly evidence: string;
}

const AA06_MACHINE = 'Pentium 4 672 (Prescott 2M, 3.8 GHz), first-generation VT-x, no nested paging (part as named in docs/cost-model.md; the quoted passages say only "this hardware")';
const AA06_WHERE = 'nanobenchmark section: per-benchmark paragraphs (the figure that plots them: number not confirmed)';
const AA06_QUOTED = 'quoted verbatim in a public benchmark source (comments of a Google-benchmark C file found by the code search; repository not identified)';
const CLM23_MACHINE = 'RocketChip core with the H extension (+ DV-Ext), FireSim cycle-accurate FPGA simulation on AWS F1 (artifact appendix); core clock not stated in the artifact';
const CLM23_WHERE = 'Figure 7 (microbenchmarks, per the AE guide: "fig7 microbenchmark"); value from artifact micro.csv (commit 6c29a16) ÷ 100000 iterations (move_micro_data.py)';

export const FIGURES: readonly Figure[] = Object.freeze<Figure[]>([
  // -- Adams & Agesen 2006, nanobenchmarks ---------------------------------------------------
  {
    id: 'aa06-syscall-sw-extra', source: 'AA06', where: AA06_WHERE, machine: AA06_MACHINE,
    system: 'software VMM (VMware binary translation) minus native', quantity: 'syscall/sysret round trip, extra over native',
    value: 2000, unit: 'cycles', approximate: true, verification: 'confirmed',
    evidence: `"The software VMM introduces a layer of code and an extra privilege transition, requiring approximately 2000 more cycles than a native system call." — ${AA06_QUOTED}`,
  },
  {
    id: 'aa06-syscall-hw-ratio', source: 'AA06', where: AA06_WHERE, machine: AA06_MACHINE,
    system: 'hardware VMM (VT-x) / native', quantity: 'syscall/sysret round trip, ratio to native',
    value: 1, unit: 'ratio', approximate: true, verification: 'confirmed',
    evidence: `"In the hardware VMM, system calls execute without VMM intervention, so as we expect, the hardware VMM executes system calls at native speed." — ${AA06_QUOTED}`,
  },
  {
    id: 'aa06-in-native', source: 'AA06', where: AA06_WHERE, machine: AA06_MACHINE,
    system: 'native', quantity: 'in from port 0x80 (an off-CPU chipset register)', value: 3209, unit: 'cycles', verification: 'confirmed',
    evidence: `"Native execution accesses an off-CPU register in the chipset, requiring 3209 cycles." — ${AA06_QUOTED}`,
  },
  {
    id: 'aa06-in-hw', source: 'AA06', where: AA06_WHERE, machine: AA06_MACHINE,
    system: 'hardware VMM (VT-x)', quantity: 'in from port 0x80: exit, VMM chipset model, entry', value: 15826, unit: 'cycles', verification: 'confirmed',
    evidence: `"The hardware VMM must perform a vmm/guest round trip to complete the I/O operation. This transition causes in to consume 15826 cycles in the tested system." — ${AA06_QUOTED}`,
  },
  {
    id: 'aa06-callret-native', source: 'AA06', where: AA06_WHERE, machine: AA06_MACHINE,
    system: 'native (= hardware VMM)', quantity: 'call/ret pair', value: 11, unit: 'cycles', verification: 'confirmed',
    evidence: `"the hardware VMM and native both execute the call/return pair in 11 cycles. The software VMM introduces an average penalty of 40 cycles, requiring 51 cycles." — ${AA06_QUOTED}`,
  },
  {
    id: 'aa06-callret-hw', source: 'AA06', where: AA06_WHERE, machine: AA06_MACHINE,
    system: 'hardware VMM (VT-x)', quantity: 'call/ret pair', value: 11, unit: 'cycles', verification: 'confirmed',
    evidence: 'as aa06-callret-native',
  },
  {
    id: 'aa06-pgfault-native', source: 'AA06', where: AA06_WHERE, machine: AA06_MACHINE,
    system: 'native (FrobOS test kernel)', quantity: 'true page fault, handled by the guest', value: 1093, unit: 'cycles', verification: 'confirmed',
    evidence: `"page faults, while by no means cheap natively (1093 cycles on this hardware), are faster than a vmrun/exit round-trip." — ${AA06_QUOTED}`,
  },
  {
    id: 'aa06-pgfault-sw', source: 'AA06', where: AA06_WHERE, machine: AA06_MACHINE,
    system: 'software VMM (binary translation, shadow paging)', quantity: 'true page fault', value: 3927, unit: 'cycles', verification: 'confirmed',
    evidence: `"While both VMM paths are logically similar, the software VMM (3927 cycles) performs much better than the hardware VMM (11242 cycles)." — ${AA06_QUOTED}`,
  },
  {
    id: 'aa06-pgfault-hw', source: 'AA06', where: AA06_WHERE, machine: AA06_MACHINE,
    system: 'hardware VMM (VT-x, shadow paging)', quantity: 'true page fault', value: 11242, unit: 'cycles', verification: 'confirmed',
    evidence: 'as aa06-pgfault-sw',
  },
  {
    id: 'aa06-divzero-native', source: 'AA06', where: AA06_WHERE, machine: AA06_MACHINE,
    system: 'native', quantity: 'divide-by-zero fault delivered and returned from', value: 889, unit: 'cycles', verification: 'confirmed',
    evidence: `"As expected, the hardware VMM (1014 cycles) delivers near native performance (889 cycles), decisively beating the software VMM (3223 cycles)." — ${AA06_QUOTED}`,
  },
  {
    id: 'aa06-divzero-hw', source: 'AA06', where: AA06_WHERE, machine: AA06_MACHINE,
    system: 'hardware VMM (VT-x)', quantity: 'divide-by-zero fault', value: 1014, unit: 'cycles', verification: 'confirmed',
    evidence: 'as aa06-divzero-native',
  },
  {
    id: 'aa06-ptemod-sw', source: 'AA06', where: AA06_WHERE, machine: AA06_MACHINE,
    system: 'software VMM (binary translation, traced shadow paging)', quantity: 'one guest PTE write (traced)', value: 391, unit: 'cycles', verification: 'confirmed',
    evidence: `"This small program consumes 391 cycles on each iteration. The hardware VMM enters and exits guest mode repeatedly, causing it to perform approximately thirty times worse than the software VMM, requiring 12733 cycles." — ${AA06_QUOTED}`,
  },
  {
    id: 'aa06-ptemod-hw', source: 'AA06', where: AA06_WHERE, machine: AA06_MACHINE,
    system: 'hardware VMM (VT-x, traced shadow paging)', quantity: 'one guest PTE write (traced)', value: 12733, unit: 'cycles', verification: 'confirmed',
    evidence: 'as aa06-ptemod-sw',
  },
  {
    id: 'aa06-vmentry-p4', source: 'AA06', where: 'table of VM entry / exit latencies by processor (number not confirmed)', machine: 'Pentium 4 (Prescott)',
    system: 'VT-x hardware', quantity: 'VM entry', value: 2409, unit: 'cycles', verification: 'unconfirmed',
    evidence: 'From the design brief. Searched: pages/code/issues corpora for "2409 cycles", "Prescott 2409", "VM entry 2409 page fault exit 1931", "VMREAD VMWRITE Prescott Merom" — no copy of the table found. A secondary summary (unsourced) gives 1926 cycles for a Prescott page-fault exit.',
  },
  {
    id: 'aa06-pfexit-p4', source: 'AA06', where: 'as aa06-vmentry-p4', machine: 'Pentium 4 (Prescott)',
    system: 'VT-x hardware', quantity: 'page-fault VM exit', value: 1931, unit: 'cycles', verification: 'unconfirmed', evidence: 'as aa06-vmentry-p4',
  },
  {
    id: 'aa06-vmentry-core2', source: 'AA06', where: 'as aa06-vmentry-p4', machine: 'Core 2 (which part and clock: not confirmed)',
    system: 'VT-x hardware', quantity: 'VM entry', value: 937, unit: 'cycles', verification: 'unconfirmed', evidence: 'as aa06-vmentry-p4',
  },
  {
    id: 'aa06-pfexit-core2', source: 'AA06', where: 'as aa06-vmentry-p4', machine: 'Core 2 (which part and clock: not confirmed)',
    system: 'VT-x hardware', quantity: 'page-fault VM exit', value: 1186, unit: 'cycles', verification: 'unconfirmed', evidence: 'as aa06-vmentry-p4',
  },
  {
    id: 'aa06-forkwait-native', source: 'AA06', where: 'macrobenchmarks: forkwait (40,000 fork + waitpid)', machine: AA06_MACHINE,
    system: 'native', quantity: 'forkwait run time', value: 6.0, unit: 's', verification: 'second-hand',
    evidence: 'Only a secondary lecture note (notion.site "Meetup 2: CPU Virtualization") gives 6.0 / 36.9 / 106.4 s; the paper itself was not reached.',
  },
  {
    id: 'aa06-forkwait-sw', source: 'AA06', where: 'as aa06-forkwait-native', machine: AA06_MACHINE,
    system: 'software VMM (binary translation)', quantity: 'forkwait run time', value: 36.9, unit: 's', verification: 'second-hand', evidence: 'as aa06-forkwait-native',
  },
  {
    id: 'aa06-forkwait-hw', source: 'AA06', where: 'as aa06-forkwait-native', machine: AA06_MACHINE,
    system: 'hardware VMM (VT-x, shadow paging)', quantity: 'forkwait run time', value: 106.4, unit: 's', verification: 'second-hand', evidence: 'as aa06-forkwait-native',
  },

  // -- Dall et al. 2016, x86 KVM column --------------------------------------------------------
  {
    id: 'dll16-kvm-hypercall', source: 'DLL16', where: 'microbenchmark results table (cycle counts), x86 KVM column, "Hypercall"',
    machine: 'x86 server recalled as HP Moonshot m710, Xeon E3-1281 v3 (Haswell, 3.7 GHz base) — not confirmed',
    system: 'KVM (x86, VT-x)', quantity: 'VM → hypervisor → VM, no work in the hypervisor', value: 1300, unit: 'cycles', verification: 'unconfirmed',
    evidence: 'Searched: pages (pdfslide.net and linaro.org copies, C. Dall thesis chapter on 1library.net — only the opening text is stored), find_string "Interrupt Controller Trap", "2,384", "Virtual IRQ Completion" (a notes file lists the six microbenchmarks by name, no values). Not found.',
  },
  {
    id: 'dll16-kvm-irqchip-trap', source: 'DLL16', where: 'as dll16-kvm-hypercall, "Interrupt Controller Trap"', machine: 'as dll16-kvm-hypercall',
    system: 'KVM (x86, VT-x)', quantity: 'trap to the in-kernel interrupt-controller model and back', value: 2384, unit: 'cycles', verification: 'unconfirmed',
    evidence: 'as dll16-kvm-hypercall',
  },

  // -- Barham et al. 2003, lmbench -----------------------------------------------------------
  {
    id: 'bdf03-pagefault-native', source: 'BDF03', where: 'lmbench file & VM system latencies table ("page fault"), L-UP column',
    machine: '2.4 GHz Xeon (recalled as a Dell 2650; not confirmed)', system: 'native Linux, uniprocessor kernel', quantity: 'lmbench page fault latency',
    value: 1.42, unit: 'us', verification: 'unconfirmed',
    evidence: 'Searched: pages (scribd copy and Clarkson "Xen and the Art of Repeated Research" — only their opening text is stored), find_string "two transitions into Xen" (no hit), "prot fault" (lmbench output of other machines only). Not found.',
  },
  {
    id: 'bdf03-pagefault-xen', source: 'BDF03', where: 'as bdf03-pagefault-native, Xen column', machine: 'as bdf03-pagefault-native',
    system: 'XenoLinux on Xen 1.0 (paravirtualized)', quantity: 'lmbench page fault latency', value: 2.73, unit: 'us', verification: 'unconfirmed',
    evidence: 'as bdf03-pagefault-native',
  },
  {
    id: 'bdf03-protfault-native', source: 'BDF03', where: 'as bdf03-pagefault-native, "prot fault"', machine: 'as bdf03-pagefault-native',
    system: 'native Linux, uniprocessor kernel', quantity: 'lmbench protection fault latency', value: 1.06, unit: 'us', verification: 'unconfirmed',
    evidence: 'as bdf03-pagefault-native',
  },
  {
    id: 'bdf03-protfault-xen', source: 'BDF03', where: 'as bdf03-protfault-native, Xen column', machine: 'as bdf03-pagefault-native',
    system: 'XenoLinux on Xen 1.0', quantity: 'lmbench protection fault latency', value: 1.40, unit: 'us', verification: 'unconfirmed',
    evidence: 'as bdf03-pagefault-native',
  },

  // -- Chen et al. 2023 (DuVisor), KVM on RISC-V with the H extension ------------------------
  {
    id: 'clm23-kvm-hypercall-exit', source: 'CLM23', where: `${CLM23_WHERE}, row kvm-hypercall-Exit`, machine: CLM23_MACHINE,
    system: 'KVM RISC-V (vanilla), guest in VS-mode', quantity: 'null SBI call from the guest: VM exit (trap to HS + KVM register save)',
    value: 215, unit: 'cycles', verification: 'artifact',
    evidence: 'micro.csv "kvm-hypercall-Exit,21537215" ÷ 100000 = 215.4; the saved figure data micro-hypercall/res.bak of the same artifact gives "KVM 212 18 388" (Exit, Handling, Enter).',
  },
  {
    id: 'clm23-kvm-hypercall-handling', source: 'CLM23', where: `${CLM23_WHERE}, row kvm-hypercall-Handling`, machine: CLM23_MACHINE,
    system: 'KVM RISC-V', quantity: 'null SBI call: KVM handling', value: 18, unit: 'cycles', verification: 'artifact',
    evidence: 'micro.csv "kvm-hypercall-Handling,1800271" ÷ 100000 = 18.0 (res.bak: 18).',
  },
  {
    id: 'clm23-kvm-hypercall-entry', source: 'CLM23', where: `${CLM23_WHERE}, row kvm-hypercall-Entry`, machine: CLM23_MACHINE,
    system: 'KVM RISC-V', quantity: 'null SBI call: VM entry (register restore, sret to VS)', value: 412, unit: 'cycles', verification: 'artifact',
    evidence: 'micro.csv "kvm-hypercall-Entry,41158207" ÷ 100000 = 411.6 (res.bak: 388).',
  },
  {
    id: 'clm23-kvm-s2pf-entryexit', source: 'CLM23', where: `${CLM23_WHERE}, row kvm-s2pf-Entry/Exit`, machine: CLM23_MACHINE,
    system: 'KVM RISC-V', quantity: 'stage-2 (G-stage) page fault: exit and entry', value: 248, unit: 'cycles', verification: 'artifact',
    evidence: 'micro.csv "kvm-s2pf-Entry/Exit,24790652" ÷ 100000 = 247.9.',
  },
  {
    id: 'clm23-kvm-s2pf-handler', source: 'CLM23', where: `${CLM23_WHERE}, rows kvm-s2pf-Metadata + GetPage + Mapping + Other`, machine: CLM23_MACHINE,
    system: 'KVM RISC-V', quantity: 'stage-2 page fault: KVM handling (metadata 363 + host page 3777 + mapping 294 + other 818)',
    value: 5252, unit: 'cycles', verification: 'artifact',
    evidence: 'micro.csv 36321548 + 377676002 + 29406905 + 81816343 = 525220798 ÷ 100000 = 5252.2. The plot script micro-s2pf.gp carries a commented label "6344" for the KVM bar (an earlier run, presumably the published bar).',
  },
  {
    id: 'clm23-kvm-mmio-entryexit', source: 'CLM23', where: `${CLM23_WHERE}, row kvm-mmio-Entry/Exit`, machine: CLM23_MACHINE,
    system: 'KVM RISC-V + user-space VMM (kvmtool)', quantity: 'emulated MMIO access: exit and entry', value: 254, unit: 'cycles', verification: 'artifact',
    evidence: 'micro.csv "kvm-mmio-Entry/Exit,25444965" ÷ 100000 = 254.4.',
  },
  {
    id: 'clm23-kvm-mmio-decode', source: 'CLM23', where: `${CLM23_WHERE}, row kvm-mmio-Decode`, machine: CLM23_MACHINE,
    system: 'KVM RISC-V', quantity: 'emulated MMIO access: in-kernel decode of the faulting load/store', value: 35, unit: 'cycles', verification: 'artifact',
    evidence: 'micro.csv "kvm-mmio-Decode,3463674" ÷ 100000 = 34.6.',
  },
  {
    id: 'clm23-kvm-mmio-transfer', source: 'CLM23', where: `${CLM23_WHERE}, row kvm-mmio-Transfer`, machine: CLM23_MACHINE,
    system: 'KVM RISC-V + user-space VMM', quantity: 'emulated MMIO access: out to the user-space device model and back', value: 5548, unit: 'cycles', verification: 'artifact',
    evidence: 'micro.csv "kvm-mmio-Transfer,554834681" ÷ 100000 = 5548.3. The plot script micro-mmio.gp carries a commented label "4758" for the whole KVM bar (an earlier run).',
  },
  {
    id: 'clm23-kvm-vext', source: 'CLM23', where: 'Figure 7(e) "Virtual Ext IRQ"; artifact micro.csv row vanillakvm-vplic-vEXT Insert (not divided)', machine: CLM23_MACHINE,
    system: 'KVM RISC-V (vanilla: PLIC emulated, interrupt injected by the hypervisor)', quantity: 'virtual external interrupt: injection', value: 10437, unit: 'cycles', verification: 'artifact',
    evidence: 'micro.csv "vanillakvm-vplic-vEXT Insert,10437"; the plot script micro-vplic.gp carries commented labels "4084" and "3859" for the KVM bar and "184" for the exitless (DV-Ext) bars: the runs disagree by 2.5×.',
  },
  {
    id: 'clm23-kvmopt-vext', source: 'CLM23', where: 'as clm23-kvm-vext, row kvm-vplic-vEXT Insert (KVM-opt: exitless, DV-Ext hardware)', machine: CLM23_MACHINE,
    system: 'KVM-opt (exitless virtual interrupt hardware)', quantity: 'virtual external interrupt: injection', value: 220, unit: 'cycles', verification: 'artifact',
    evidence: 'micro.csv "kvm-vplic-vEXT Insert,220" (label in micro-vplic.gp: 184).',
  },
  {
    id: 'clm23-kvm-vipi', source: 'CLM23', where: 'Figure 7(d) "Virtual IPI" (no row in the artifact micro.csv)', machine: CLM23_MACHINE,
    system: 'KVM RISC-V (vanilla)', quantity: 'virtual IPI: exit + injection', value: 4692, unit: 'cycles', verification: 'artifact',
    evidence: 'Only as a commented label in micro-vipi.gp: "4692" (also "4931") for KVM, "147" for KVM-opt and DuVisor. Weakest of the CLM23 figures.',
  },

  // -- native device access ------------------------------------------------------------------
  {
    id: 'linux-port80-delay', source: 'LINUX-TPM', where: 'tpm_io_delay() comment', machine: 'any PC with an LPC/ISA port 0x80 (2020)',
    system: 'native', quantity: 'one outb to port 0x80', value: 1, unit: 'us', approximate: true, verification: 'confirmed',
    evidence: '"/* This is the default delay type in native_io_delay */ asm volatile ("outb %al, $0x80"); … tpm_io_delay(); /* Approximately 1 us */" (Linux Trenchboot TPM code, Apertus Solutions 2020, found by find_string).',
  },
]);

export function figureById(id: string): Figure {
  const f = FIGURES.find((x) => x.id === id);
  if (f === undefined) throw new Error(`unknown published figure '${id}'`);
  return f;
}

// ---- comparisons ------------------------------------------------------------------------------

/** How the published side of a comparison is formed from its figures. */
export type PaperMetric =
  | { readonly kind: 'value'; readonly figure: string }
  | { readonly kind: 'difference'; readonly a: string; readonly b: string }
  | { readonly kind: 'ratio'; readonly a: string; readonly b: string }
  | { readonly kind: 'sum'; readonly figures: readonly string[] };

/**
 * pvlab's side: one matrix cell of the `replicate` suite and what is read from it.
 * - `cycles`: simulated cycles per operation;
 * - `overhead`: cycles per operation minus the native cell's (same workload, parameters, preset);
 * - `slowdown`: cycles per operation over the native cell's;
 * - `overheadPerExit`: the overhead divided by the exits per operation of the given kinds —
 *   the cost of one such exit, its share of the guest's own work included;
 * - `chargedPerExit`: what the hypervisor charged per exit of the given kinds — the cycles of
 *   the given breakdown categories plus those kinds' share of the world switch (every exit pays
 *   the same `vmExitEntry`), divided by their count. A charging check, for circular rows whose
 *   workload also takes other exits.
 */
export interface PvlabCell {
  readonly workload: string;
  /** Workload parameters the suite sets (must match the cell's). */
  readonly params?: Readonly<Record<string, number>>;
  readonly technique: 'trap-emulate' | 'paravirt' | 'hw-assist' | 'hw-assist-shadow' | 'native';
  readonly preset: string;
  readonly metric: 'cycles' | 'overhead' | 'slowdown' | 'overheadPerExit' | 'chargedPerExit';
  readonly exitKinds?: readonly string[];
  /** Breakdown categories of `chargedPerExit`. */
  readonly categories?: readonly string[];
}

export interface Comparison {
  readonly id: string;
  /** One line: the published result and pvlab's counterpart. */
  readonly title: string;
  readonly paper: PaperMetric;
  readonly pvlab: PvlabCell;
  /** The published figure is an input of the preset: agreement checks the charging only. */
  readonly circular?: boolean;
  /** Where the mechanisms differ, honestly. */
  readonly note: string;
}

export const COMPARISONS: readonly Comparison[] = Object.freeze<Comparison[]>([
  {
    id: 'aa06-syscall-hw', title: 'AA06 syscall under the hardware VMM: at native speed (ratio)',
    paper: { kind: 'value', figure: 'aa06-syscall-hw-ratio' },
    pvlab: { workload: 'null-syscall', technique: 'hw-assist-shadow', preset: 'p4-vtx', metric: 'slowdown' },
    note: 'Same mechanism: a system call is delegated to the guest (hedeleg) and never exits. pvlab agrees exactly since issue 13: the per-operation difference is exact and a lone process takes no timer tick (before, the by-difference artifact and amortized tick exits put it at 1.64×).',
  },
  {
    id: 'aa06-syscall-sw', title: 'AA06 syscall, software VMM: ≈2000 cycles over native vs pvlab trap-and-emulate',
    paper: { kind: 'value', figure: 'aa06-syscall-sw-extra' },
    pvlab: { workload: 'null-syscall', technique: 'trap-emulate', preset: 'p4-vtx', metric: 'overhead' },
    note: 'Different mechanisms: VMware\'s BT translated the guest kernel\'s privileged instructions in line and paid one extra privilege transition; pvlab\'s trap-and-emulate exits on every CSR access and sret of the kernel path (11 exits per call), each at a VT-x round-trip price. pvlab is expected to be far dearer; trap-and-emulate is not binary translation.',
  },
  {
    id: 'aa06-pgfault-hw', title: 'AA06 pgfault, hardware VMM with shadow paging (cycles)',
    paper: { kind: 'value', figure: 'aa06-pgfault-hw' },
    pvlab: { workload: 'page-fault', technique: 'hw-assist-shadow', preset: 'p4-vtx', metric: 'cycles' },
    note: 'p4-vtx\'s shadowFill and reflect are derived from this very figure (circular in part). Native paths differ: FrobOS\'s fault handler takes 1093 cycles, the teaching kernel\'s demand-zero fault (sbrk + zeroing a page) takes several times that. And pvlab\'s fault takes 5 exits under trace-mode shadow paging (the x86 presets\' default): 2 shadow fills, a traced write of the new PTE into a live guest table, an sfence.vma and the reflected fault, where AA06\'s hardware VMM took one exit and an injection.',
  },
  {
    id: 'aa06-pgfault-hw-ratio', title: 'AA06 pgfault, hardware VMM / native (ratio)',
    paper: { kind: 'ratio', a: 'aa06-pgfault-hw', b: 'aa06-pgfault-native' },
    pvlab: { workload: 'page-fault', technique: 'hw-assist-shadow', preset: 'p4-vtx', metric: 'slowdown' },
    note: 'As aa06-pgfault-hw; a ratio cancels part of the native-path difference, not all (the teaching kernel\'s fault does more native work, which dilutes the VMM\'s share).',
  },
  {
    id: 'aa06-pgfault-sw-ratio', title: 'AA06 pgfault, software VMM / native vs pvlab trap-and-emulate (ratio)',
    paper: { kind: 'ratio', a: 'aa06-pgfault-sw', b: 'aa06-pgfault-native' },
    pvlab: { workload: 'page-fault', technique: 'trap-emulate', preset: 'p4-vtx', metric: 'slowdown' },
    note: 'BT reached the VMM by a jump inside the guest context; trap-and-emulate exits on each privileged instruction of the fault path (≈16 exits per fault in pvlab). Not the same technique.',
  },
  {
    id: 'aa06-ptemod-hw', title: 'AA06 ptemod (one traced PTE write, hardware VMM) vs pvlab\'s mmap-touch-munmap of one page (overhead)',
    paper: { kind: 'value', figure: 'aa06-ptemod-hw' },
    pvlab: { workload: 'mmap', params: { pages: 1 }, technique: 'hw-assist-shadow', preset: 'p4-vtx', metric: 'overhead' },
    note: 'Not the same operation: pvlab\'s nearest workload maps, touches and unmaps a page — 2 traced PTE writes, an sfence.vma and a shadow fill per page — where ptemod is one traced store; read it as "about three ptemods". Per traced write pvlab charges the round trip + emulateStore (4340 + 4584 = 8924; emulateStore is derived from this very figure), 3809 less than ptemod: its trace mode drops the stale shadow entry and refills it on demand instead of updating it in place.',
  },
  {
    id: 'aa06-in-hw', title: 'AA06 in (port 0x80) under the hardware VMM vs pvlab cost per MMIO exit',
    paper: { kind: 'value', figure: 'aa06-in-hw' },
    pvlab: { workload: 'console', params: { bytes: 1 }, technique: 'hw-assist-shadow', preset: 'p4-vtx', metric: 'overheadPerExit', exitKinds: ['mmio'] },
    note: 'p4-vtx\'s vmExitEntry + deviceEmulation are this figure (circular). The hardware VMM emulated port 0x80 without touching the chipset, so its 15826 cycles hold no device access. In pvlab a console byte is 2 UART register accesses: natively 2 device accesses at AA06\'s native in (nativeDeviceAccess, 3209 each), in the VM 2 exits plus the host UART\'s output of the byte (the same 2 accesses, charged to the VM) — those cancel in the overhead, so what remains per exit is the trapped cost, and a little of the guest\'s own driver work.',
    circular: true,
  },
  {
    id: 'aa06-callret', title: 'AA06 call/ret: hardware VMM = native (ratio) vs pvlab pure compute',
    paper: { kind: 'ratio', a: 'aa06-callret-hw', b: 'aa06-callret-native' },
    pvlab: { workload: 'compute', technique: 'hw-assist-shadow', preset: 'p4-vtx', metric: 'slowdown' },
    note: 'Both run unprivileged code with no VMM involvement; pvlab\'s 1.00 is exact since issue 13 (before: 1.37×, the by-difference artifact of a result line that grew with N).',
  },
  {
    id: 'aa06-forkwait-hw-ratio', title: 'AA06 forkwait: hardware VMM / native (ratio; figures second-hand)',
    paper: { kind: 'ratio', a: 'aa06-forkwait-hw', b: 'aa06-forkwait-native' },
    pvlab: { workload: 'fork', technique: 'hw-assist-shadow', preset: 'p4-vtx', metric: 'slowdown' },
    note: 'The best-known result of the era: fork-heavy work is dearest under VT-x with software shadow paging. pvlab traces guest page-table writes on the x86 presets, but its teaching kernel\'s fork builds the child\'s tables in fresh, untraced pages and copies memory instead of write-protecting the parent\'s PTEs for copy-on-write, so a fork takes ≈ 1 traced write where Linux\'s fork in forkwait took one per parent PTE; and pvlab keeps shadows across address-space switches and unshadows dead tables early (Xen-style), which a 2006 VMM did not all do. pvlab under-charges fork here for those reasons.',
  },
  {
    id: 'aa06-forkwait-sw-ratio', title: 'AA06 forkwait: software VMM / native vs pvlab trap-and-emulate (ratio; second-hand)',
    paper: { kind: 'ratio', a: 'aa06-forkwait-sw', b: 'aa06-forkwait-native' },
    pvlab: { workload: 'fork', technique: 'trap-emulate', preset: 'p4-vtx', metric: 'slowdown' },
    note: 'BT vs trap-and-emulate, as for syscall; and the fork differences of aa06-forkwait-hw-ratio.',
  },
  {
    id: 'dll16-irqchip-trap', title: 'DLL16 x86 KVM Interrupt Controller Trap vs pvlab modern-kvm per MMIO exit',
    paper: { kind: 'value', figure: 'dll16-kvm-irqchip-trap' },
    pvlab: { workload: 'console', params: { bytes: 1 }, technique: 'hw-assist', preset: 'modern-kvm', metric: 'overheadPerExit', exitKinds: ['mmio'] },
    note: 'modern-kvm\'s vmExitEntry + deviceEmulation are this figure (circular): agreement shows the exit path charges what the preset says, nothing more. The trapped device is a UART in pvlab, the interrupt controller (GIC/APIC distributor) in DLL16.',
    circular: true,
  },
  {
    id: 'bdf03-pagefault-ratio', title: 'BDF03 lmbench page fault: Xen / native (ratio)',
    paper: { kind: 'ratio', a: 'bdf03-pagefault-xen', b: 'bdf03-pagefault-native' },
    pvlab: { workload: 'page-fault', technique: 'paravirt', preset: 'xen-pv', metric: 'slowdown' },
    note: 'xen-pv\'s reflect and hypercall are derived from these figures (circular in part). Mechanisms differ: XenoLinux ran in ring 1 with Xen mapped in every address space (no shadow tables); RISC-V has no ring 1, so pvlab\'s PV kernel runs in U-mode under shadow tables and pays shadow fills that Xen never did.',
    circular: true,
  },
  {
    id: 'clm23-hypercall', title: 'CLM23 KVM RISC-V null SBI call (exit + handling + entry) vs what pvlab charges per SBI exit',
    paper: { kind: 'sum', figures: ['clm23-kvm-hypercall-exit', 'clm23-kvm-hypercall-handling', 'clm23-kvm-hypercall-entry'] },
    pvlab: { workload: 'timer', technique: 'hw-assist', preset: 'riscv-kvm', metric: 'chargedPerExit', exitKinds: ['sbi'], categories: ['sbi'] },
    note: 'The riscv-kvm preset takes vmExitEntry and sbiCall from these figures (circular): a charging check only. pvlab has no null-SBI-call workload (one is needed for an independent row); the timer workload\'s SBI exits are set_timer calls, and the same run also takes MMIO exits, so the row reads what was charged per SBI exit rather than the whole overhead.',
    circular: true,
  },
  {
    id: 'clm23-s2pf', title: 'CLM23 KVM RISC-V stage-2 page fault vs pvlab hw-assist page fault (per G-stage fill)',
    paper: { kind: 'sum', figures: ['clm23-kvm-s2pf-entryexit', 'clm23-kvm-s2pf-handler'] },
    pvlab: { workload: 'page-fault', technique: 'hw-assist', preset: 'riscv-kvm', metric: 'overheadPerExit', exitKinds: ['gstage-fill'] },
    note: 'KVM\'s handler allocates and zeroes a host page (GetPage, 3777 cycles); pvlab\'s guest RAM is backed up front, but riscv-kvm\'s gstageFill charges the whole measured handler. The overhead also holds the 2D walks of the faulting access (8 reads per miss).',
    circular: true,
  },
  {
    id: 'clm23-mmio', title: 'CLM23 KVM RISC-V MMIO emulated in user space vs pvlab per MMIO exit',
    paper: { kind: 'sum', figures: ['clm23-kvm-mmio-entryexit', 'clm23-kvm-mmio-decode', 'clm23-kvm-mmio-transfer'] },
    pvlab: { workload: 'console', params: { bytes: 1 }, technique: 'hw-assist', preset: 'riscv-kvm', metric: 'overheadPerExit', exitKinds: ['mmio'] },
    note: 'Circular (deviceEmulation, hostedDeviceExtra). KVM\'s MMIO entry/exit (254) is cheaper than its hypercall exit + entry (627) in the same artifact, while pvlab charges one vmExitEntry for every exit: the per-exit figure comes out ≈ 370 cycles above the paper for that reason alone.',
    circular: true,
  },
]);

// ---- evaluation -------------------------------------------------------------------------------

/** The published side of a comparison, in the figures' unit (a ratio for `ratio`). */
export function paperValue(c: Comparison): number {
  const p = c.paper;
  switch (p.kind) {
    case 'value': return figureById(p.figure).value;
    case 'difference': return figureById(p.a).value - figureById(p.b).value;
    case 'ratio': return figureById(p.a).value / figureById(p.b).value;
    case 'sum': return p.figures.reduce((s, id) => s + figureById(id).value, 0);
  }
}

/** The weakest verification among a comparison's figures. */
export function paperVerification(c: Comparison): Verification {
  const p = c.paper;
  const ids = p.kind === 'value' ? [p.figure] : p.kind === 'sum' ? [...p.figures] : [p.a, p.b];
  const order: Verification[] = ['unconfirmed', 'second-hand', 'artifact', 'confirmed'];
  return ids.map((id) => figureById(id).verification).reduce((w, v) => (order.indexOf(v) < order.indexOf(w) ? v : w), 'confirmed' as Verification);
}

export interface FidelityRow {
  readonly comparison: Comparison;
  readonly paper: number;
  readonly verification: Verification;
  /** Undefined when the cell is not in the results (e.g. a preset not in this build). */
  readonly pvlab?: number;
  /** pvlab / paper. */
  readonly ratio?: number;
  /** The cell id read, or why none was. */
  readonly cell: string;
}

function sameParams(cell: Readonly<Record<string, number>>, want: Readonly<Record<string, number>> | undefined): boolean {
  return Object.entries(want ?? {}).every(([k, v]) => cell[k] === v);
}

function findCell(records: readonly CellRecord[], spec: PvlabCell, technique: PvlabCell['technique']): CellRecord | undefined {
  return records.find((r) => {
    const c = r.config;
    return c.kind === 'matrix' && r.status === 'ok' && c.workload === spec.workload && c.technique === technique
      && c.presetName === spec.preset && c.scale === 1 && c.rep === 0 && sameParams(c.params, spec.params);
  });
}

/** pvlab's figure for a comparison from a run's cell records, or undefined if a cell is missing. */
export function pvlabValue(records: readonly CellRecord[], spec: PvlabCell): { value: number; cell: string } | undefined {
  const rec = findCell(records, spec, spec.technique);
  if (rec === undefined) return undefined;
  const m = rec.result as CellResult;
  const cycles = m.perOp.cycles;
  if (spec.metric === 'cycles') return { value: cycles, cell: rec.id };
  const exitsOf = (kinds: readonly string[]): number =>
    kinds.reduce((s, k) => s + ((m.exitsPerOp as Record<string, number> | undefined)?.[k] ?? 0), 0);
  if (spec.metric === 'chargedPerExit') {
    const mine = exitsOf(spec.exitKinds ?? []);
    const all = Object.values(m.exitsPerOp ?? {}).reduce((s, v) => s + v, 0);
    const bd = (m.breakdownPerOp ?? {}) as Record<string, number>;
    if (mine <= 0 || all <= 0) return undefined;
    const charged = (spec.categories ?? []).reduce((s, c) => s + (bd[c] ?? 0), 0) + (bd['worldSwitch'] ?? 0) * (mine / all);
    return { value: charged / mine, cell: rec.id };
  }
  const nat = findCell(records, spec, 'native');
  if (nat === undefined) return undefined;
  const native = (nat.result as CellResult).perOp.cycles;
  if (spec.metric === 'slowdown') return { value: cycles / native, cell: rec.id };
  const overhead = cycles - native;
  if (spec.metric === 'overhead') return { value: overhead, cell: rec.id };
  const exits = exitsOf(spec.exitKinds ?? []);
  return exits > 0 ? { value: overhead / exits, cell: rec.id } : undefined;
}

export function fidelityRows(results: Pick<SuiteResults, 'cells'>): FidelityRow[] {
  return COMPARISONS.map((c) => {
    const paper = paperValue(c);
    const got = pvlabValue(results.cells, c.pvlab);
    const base = { comparison: c, paper, verification: paperVerification(c) };
    if (got === undefined) {
      return { ...base, cell: `not in this run (${c.pvlab.workload}/${c.pvlab.technique}/${c.pvlab.preset})` };
    }
    return { ...base, pvlab: got.value, ratio: got.value / paper, cell: got.cell };
  });
}

function fmt(x: number): string {
  if (Math.abs(x) >= 100) return Math.round(x).toLocaleString('en-US');
  if (Math.abs(x) >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

/** A comparison's unit as the table prints it: '×' for a ratio, else its figures' unit. */
export function unitOf(c: Comparison): string {
  if (c.paper.kind === 'ratio') return '×';
  const p = c.paper;
  const first = p.kind === 'value' ? p.figure : p.kind === 'sum' ? (p.figures[0] as string) : p.a;
  const u = figureById(first).unit;
  return u === 'ratio' ? '×' : u;
}

/** The fidelity table as Markdown: one row per comparison. */
export function fidelityMarkdown(results: Pick<SuiteResults, 'cells'> & Partial<Pick<SuiteResults, 'runId'>>): string {
  const lines = [
    `Generated from run \`${results.runId ?? '(unnamed)'}\` of the \`replicate\` suite by \`node dist/src/harness/literature.js\`; do not edit by hand.`,
    '',
    '| comparison | paper | pvlab | pvlab / paper | unit | paper figures | cell |',
    '|---|---:|---:|---:|---|---|---|',
  ];
  for (const r of fidelityRows(results)) {
    const c = r.comparison;
    const tag = c.circular ? ' *(circular)*' : '';
    lines.push(`| **${c.id}**: ${c.title}${tag} | ${fmt(r.paper)} | ${r.pvlab === undefined ? '—' : fmt(r.pvlab)} | ${r.ratio === undefined ? '—' : `${r.ratio.toFixed(2)}`} | ${unitOf(c)} | ${r.verification} | \`${r.cell}\` |`);
  }
  lines.push('', 'Where the mechanisms differ, comparison by comparison:', '');
  for (const c of COMPARISONS) lines.push(`- **${c.id}** — ${c.note}`);
  return lines.join('\n');
}

const BEGIN = '<!-- fidelity:begin -->';
const END = '<!-- fidelity:end -->';

/** `doc` with the text between the fidelity markers replaced by `table`. */
export function replaceFidelityTable(doc: string, table: string): string {
  const i = doc.indexOf(BEGIN);
  const j = doc.indexOf(END);
  if (i < 0 || j < i) throw new Error(`the document has no ${BEGIN} … ${END} block`);
  return `${doc.slice(0, i + BEGIN.length)}\n${table}\n${doc.slice(j)}`;
}

/** `node dist/src/harness/literature.js <results.json> [--update <doc.md>]` */
function main(argv: string[]): void {
  const [file, flag, doc] = argv;
  if (file === undefined) {
    process.stderr.write('usage: node dist/src/harness/literature.js <reports/replicate/<run-id>/results.json> [--update docs/fidelity.md]\n');
    process.exitCode = 2;
    return;
  }
  const results = JSON.parse(readFileSync(file, 'utf8')) as SuiteResults;
  const table = fidelityMarkdown(results);
  if (flag === '--update' && doc !== undefined) {
    writeFileSync(doc, replaceFidelityTable(readFileSync(doc, 'utf8'), table));
    process.stdout.write(`updated ${doc}\n`);
  } else {
    process.stdout.write(`${table}\n`);
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) main(process.argv.slice(2));
