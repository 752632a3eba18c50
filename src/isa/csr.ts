/**
 * Control and status registers by their names in the RISC-V privileged specification
 * (version 20211203, plus Sstc's stimecmp). Numbers, field bit positions and the privilege /
 * read-only rules encoded in the number itself live here and nowhere else.
 *
 * A CSR number encodes its own access rules:
 *
 *   11   10 9     8 7            0
 *  | rw    | priv  | index        |
 *   rw == 0b11  → read-only
 *   priv        → lowest privilege that may access it (0 U, 1 S, 2 H, 3 M)
 */

export const CSR = {
  // Unprivileged counters (read-only shadows).
  cycle: 0xc00,
  time: 0xc01,
  instret: 0xc02,
  cycleh: 0xc80,
  timeh: 0xc81,
  instreth: 0xc82,

  // Supervisor.
  sstatus: 0x100,
  sie: 0x104,
  stvec: 0x105,
  scounteren: 0x106,
  senvcfg: 0x10a,
  sscratch: 0x140,
  sepc: 0x141,
  scause: 0x142,
  stval: 0x143,
  sip: 0x144,
  stimecmp: 0x14d,
  stimecmph: 0x15d,
  satp: 0x180,

  // Machine information (read-only).
  mvendorid: 0xf11,
  marchid: 0xf12,
  mimpid: 0xf13,
  mhartid: 0xf14,
  mconfigptr: 0xf15,

  // Machine trap setup and handling.
  mstatus: 0x300,
  misa: 0x301,
  medeleg: 0x302,
  mideleg: 0x303,
  mie: 0x304,
  mtvec: 0x305,
  mcounteren: 0x306,
  menvcfg: 0x30a,
  mstatush: 0x310,
  menvcfgh: 0x31a,
  mcountinhibit: 0x320,
  mscratch: 0x340,
  mepc: 0x341,
  mcause: 0x342,
  mtval: 0x343,
  mip: 0x344,

  // Physical memory protection: implemented as zero regions (WARL, all writes ignored), which
  // the spec permits and which lets firmware that programs PMP run unchanged.
  pmpcfg0: 0x3a0,
  pmpcfg3: 0x3a3,
  pmpaddr0: 0x3b0,
  pmpaddr15: 0x3bf,

  // Machine counters.
  mcycle: 0xb00,
  minstret: 0xb02,
  mcycleh: 0xb80,
  minstreth: 0xb82,
} as const;

export type CsrName = keyof typeof CSR;

/** Names by number, for the disassembler (first name wins for aliases). */
export const CSR_NAMES: ReadonlyMap<number, string> = (() => {
  const m = new Map<number, string>();
  for (const [name, num] of Object.entries(CSR)) if (!m.has(num)) m.set(num, name);
  for (let i = 1; i < 3; i++) m.set(CSR.pmpcfg0 + i, `pmpcfg${i}`);
  for (let i = 1; i < 15; i++) m.set(CSR.pmpaddr0 + i, `pmpaddr${i}`);
  // hpmcounter3..31 and their machine versions are read-only zero here; name them for disasm.
  for (let i = 3; i < 32; i++) {
    m.set(0xc00 + i, `hpmcounter${i}`);
    m.set(0xc80 + i, `hpmcounter${i}h`);
    m.set(0xb00 + i, `mhpmcounter${i}`);
    m.set(0xb80 + i, `mhpmcounter${i}h`);
    m.set(0x320 + i, `mhpmevent${i}`);
  }
  return m;
})();

/** CSR number for a name as the assembler accepts it (spec names, case-sensitive). */
export function csrByName(name: string): number | undefined {
  const direct = (CSR as Record<string, number>)[name];
  if (direct !== undefined) return direct;
  for (const [num, n] of CSR_NAMES) if (n === name) return num;
  return undefined;
}

/** csr[9:8]: the least privileged mode that may access the CSR. */
export const csrMinPrivilege = (csr: number): number => (csr >>> 8) & 3;
/** csr[11:10] == 0b11: the CSR is read-only. */
export const csrIsReadOnly = (csr: number): boolean => ((csr >>> 10) & 3) === 3;

// ---- fields --------------------------------------------------------------------------------

/**
 * mstatus (RV32). sstatus is a restricted view of the same register (SSTATUS_MASK).
 *
 *  31  22  21  20  19  18  17 16:15 14:13 12:11 10:9 8   7    6   5    4   3   2   1   0
 * |SD|TSR|TW|TVM|MXR|SUM|MPRV| XS | FS  | MPP |VS |SPP|MPIE|UBE|SPIE| - |MIE| - |SIE| - |
 */
export const MSTATUS = {
  SIE: 1 << 1,
  MIE: 1 << 3,
  SPIE: 1 << 5,
  UBE: 1 << 6,
  MPIE: 1 << 7,
  SPP: 1 << 8,
  VS: 3 << 9,
  MPP: 3 << 11,
  MPP_SHIFT: 11,
  FS: 3 << 13,
  XS: 3 << 15,
  MPRV: 1 << 17,
  SUM: 1 << 18,
  MXR: 1 << 19,
  TVM: 1 << 20,
  TW: 1 << 21,
  TSR: 1 << 22,
  SD: 1 << 31,
} as const;

/** The sstatus view of mstatus. */
export const SSTATUS = {
  SIE: MSTATUS.SIE,
  SPIE: MSTATUS.SPIE,
  UBE: MSTATUS.UBE,
  SPP: MSTATUS.SPP,
  VS: MSTATUS.VS,
  FS: MSTATUS.FS,
  XS: MSTATUS.XS,
  SUM: MSTATUS.SUM,
  MXR: MSTATUS.MXR,
  SD: MSTATUS.SD,
} as const;

/** Bits of mstatus visible through sstatus. */
export const SSTATUS_MASK =
  SSTATUS.SIE | SSTATUS.SPIE | SSTATUS.UBE | SSTATUS.SPP | SSTATUS.VS | SSTATUS.FS |
  SSTATUS.XS | SSTATUS.SUM | SSTATUS.MXR | SSTATUS.SD;

/**
 * Writable bits of mstatus on this hart. No F/D/V extensions, so FS/VS/XS (and hence SD) are
 * read-only zero; little-endian only, so UBE is zero; MPP and SPP are WARL.
 */
export const MSTATUS_WRITABLE =
  MSTATUS.SIE | MSTATUS.MIE | MSTATUS.SPIE | MSTATUS.MPIE | MSTATUS.SPP | MSTATUS.MPP |
  MSTATUS.MPRV | MSTATUS.SUM | MSTATUS.MXR | MSTATUS.TVM | MSTATUS.TW | MSTATUS.TSR;

/** Privilege levels as encoded in MPP/SPP and everywhere else. */
export const Priv = {
  U: 0,
  S: 1,
  M: 3,
} as const;
export type PrivLevel = (typeof Priv)[keyof typeof Priv];

/**
 * pmpcfg: one byte per PMP region (privileged spec §3.7.1).
 *   7   6:5  4:3  2  1  0
 * | L | -- | A  | X| W| R|      A: 0 OFF, 1 TOR, 2 NA4, 3 NAPOT
 */
export const PMPCFG = {
  R: 0x01,
  W: 0x02,
  X: 0x04,
  A_TOR: 0x08,
  A_NA4: 0x10,
  A_NAPOT: 0x18,
  L: 0x80,
} as const;

/** Interrupt bit positions in mip/mie (and sip/sie), by spec name. */
export const IRQ = {
  SSI: 1,
  MSI: 3,
  STI: 5,
  MTI: 7,
  SEI: 9,
  MEI: 11,
} as const;

export const MIP = {
  SSIP: 1 << IRQ.SSI,
  MSIP: 1 << IRQ.MSI,
  STIP: 1 << IRQ.STI,
  MTIP: 1 << IRQ.MTI,
  SEIP: 1 << IRQ.SEI,
  MEIP: 1 << IRQ.MEI,
} as const;

/** Supervisor-level interrupt bits (the sip/sie view, before masking by mideleg). */
export const S_INTERRUPTS = MIP.SSIP | MIP.STIP | MIP.SEIP;
/** All interrupt bits implemented in mip/mie. */
export const ALL_INTERRUPTS = S_INTERRUPTS | MIP.MSIP | MIP.MTIP | MIP.MEIP;

/**
 * mtvec / stvec:
 *  31                2 1    0
 * | BASE[31:2]        | MODE |   MODE 0 = Direct, 1 = Vectored (BASE + 4*cause for interrupts)
 */
export const TVEC = {
  MODE: 3,
  MODE_DIRECT: 0,
  MODE_VECTORED: 1,
} as const;

/**
 * satp (Sv32):
 *  31   30     22 21          0
 * |MODE| ASID    | PPN         |
 */
export const SATP = {
  MODE: 1 << 31,
  MODE_BARE: 0,
  MODE_SV32: 1,
  ASID: 0x1ff << 22,
  ASID_SHIFT: 22,
  PPN: 0x3fffff,
} as const;

/**
 * misa (RV32): MXL=1 in bits 31:30, one bit per extension letter in 25:0.
 */
export const MISA = {
  MXL_32: 1 << 30,
  ext: (letter: string): number => 1 << (letter.charCodeAt(0) - 'A'.charCodeAt(0)),
} as const;

/** mcounteren / scounteren: one enable bit per counter. */
export const COUNTEREN = {
  CY: 1 << 0,
  TM: 1 << 1,
  IR: 1 << 2,
} as const;

/** menvcfg (RV32 low half) and its high half menvcfgh: STCE enables Sstc's stimecmp. */
export const MENVCFG = {
  FIOM: 1 << 0,
  /** In menvcfgh (bit 63 of the 64-bit register). */
  STCE_H: 1 << 31,
} as const;

/**
 * Sv32 page-table entry:
 *  31              20 19          10 9   8 7 6 5 4 3 2 1 0
 * | PPN[1]           | PPN[0]       |RSW |D|A|G|U|X|W|R|V|
 */
export const PTE = {
  V: 1 << 0,
  R: 1 << 1,
  W: 1 << 2,
  X: 1 << 3,
  U: 1 << 4,
  G: 1 << 5,
  A: 1 << 6,
  D: 1 << 7,
  PPN_SHIFT: 10,
} as const;

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;
/** Sv32 megapage (level-1 leaf) size: 4 MiB. */
export const MEGAPAGE_SHIFT = 22;
