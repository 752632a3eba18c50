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

  // Virtual supervisor (H extension): what VS-mode reaches when it names the S CSRs above.
  // Each is its supervisor counterpart's number + VS_CSR_OFFSET.
  vsstatus: 0x200,
  vsie: 0x204,
  vstvec: 0x205,
  vsscratch: 0x240,
  vsepc: 0x241,
  vscause: 0x242,
  vstval: 0x243,
  vsip: 0x244,
  vsatp: 0x280,

  // Hypervisor (H extension), HS-mode and M-mode only.
  hstatus: 0x600,
  hedeleg: 0x602,
  hideleg: 0x603,
  hie: 0x604,
  htimedelta: 0x605,
  hcounteren: 0x606,
  hgeie: 0x607,
  henvcfg: 0x60a,
  htimedeltah: 0x615,
  henvcfgh: 0x61a,
  htval: 0x643,
  hip: 0x644,
  hvip: 0x645,
  htinst: 0x64a,
  hgatp: 0x680,
  hgeip: 0xe12,

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
  mtinst: 0x34a,
  mtval2: 0x34b,

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

/** csr[9:8] of a CSR only HS-mode (and M) may access: the hypervisor and VS CSRs. */
export const CSR_PRIV_HYPERVISOR = 2;

/** VS CSR number = supervisor CSR number + this (vsstatus = sstatus + 0x100, …). */
export const VS_CSR_OFFSET = 0x100;

/** The supervisor CSRs that V=1 substitutes by their VS counterparts (H extension §"Virtual
 *  Supervisor Registers"): with V=1 an access to one of these reaches vs<name> instead. */
export const VS_SUBSTITUTED: ReadonlySet<number> = new Set<number>([
  CSR.sstatus, CSR.sie, CSR.stvec, CSR.sscratch, CSR.sepc, CSR.scause, CSR.stval, CSR.sip, CSR.satp,
]);

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

/**
 * mstatush (RV32: bits 63:32 of mstatus). With the H extension it holds where an M-mode trap
 * came from:
 *   31     8   7     6    5    4   3:0
 *  | ----- | MPV | GVA | MBE | SBE | -- |
 */
export const MSTATUSH = {
  GVA: 1 << 6,
  MPV: 1 << 7,
} as const;

/**
 * hstatus (RV32, H extension):
 *  31  23  22   21   20  19 18 17:12  11 10  9   8    7    6    5   4:0
 * | -- |VTSR|VTW|VTVM| -- |  VGEIN | -- |HU|SPVP|SPV|GVA|VSBE| -- |
 * SPV: V before the last trap into HS-mode (sret returns to V=SPV). SPVP: the privilege
 * (0 VU, 1 VS) that trap came from, when it came from V=1. GVA: stval holds a guest virtual
 * address. VTVM/VTW/VTSR trap VS-mode's satp and sfence.vma, wfi, sret to HS as
 * virtual-instruction exceptions (first-generation VT-x style shadow paging needs VTVM).
 */
export const HSTATUS = {
  VSBE: 1 << 5,
  GVA: 1 << 6,
  SPV: 1 << 7,
  SPVP: 1 << 8,
  HU: 1 << 9,
  VGEIN: 0x3f << 12,
  VTVM: 1 << 20,
  VTW: 1 << 21,
  VTSR: 1 << 22,
} as const;

/** hstatus bits this hart implements (GEILEN = 0, so VGEIN is zero; little-endian only). */
export const HSTATUS_WRITABLE =
  HSTATUS.GVA | HSTATUS.SPV | HSTATUS.SPVP | HSTATUS.HU | HSTATUS.VTVM | HSTATUS.VTW | HSTATUS.VTSR;

/**
 * hgatp (RV32): the G-stage root.
 *  31   30  29 28     22 21           0
 * |MODE| -- -- | VMID   | PPN          |     MODE 0 = Bare, 1 = Sv32x4 (root table 16 KiB)
 */
export const HGATP = {
  MODE: 1 << 31,
  MODE_BARE: 0,
  MODE_SV32X4: 1,
  VMID: 0x7f << 22,
  PPN: 0x3fffff,
  /** The Sv32x4 root is four pages, so PPN[1:0] read as zero. */
  ROOT_ALIGN_PAGES: 4,
} as const;

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

/** Interrupt bit positions in mip/mie (and sip/sie), by spec name. VS* are the H
 *  extension's virtual-supervisor interrupts (hip/hie, injected through hvip). */
export const IRQ = {
  SSI: 1,
  VSSI: 2,
  MSI: 3,
  STI: 5,
  VSTI: 6,
  MTI: 7,
  SEI: 9,
  VSEI: 10,
  MEI: 11,
  SGEI: 12,
} as const;

export const MIP = {
  SSIP: 1 << IRQ.SSI,
  VSSIP: 1 << IRQ.VSSI,
  MSIP: 1 << IRQ.MSI,
  STIP: 1 << IRQ.STI,
  VSTIP: 1 << IRQ.VSTI,
  MTIP: 1 << IRQ.MTI,
  SEIP: 1 << IRQ.SEI,
  VSEIP: 1 << IRQ.VSEI,
  MEIP: 1 << IRQ.MEI,
  SGEIP: 1 << IRQ.SGEI,
} as const;

/** The virtual-supervisor interrupt bits (hvip, hip, hie; read-only one in mideleg). A VS
 *  interrupt taken into VS-mode is seen there as its supervisor counterpart: code − 1. */
export const VS_INTERRUPTS = MIP.VSSIP | MIP.VSTIP | MIP.VSEIP;

/** Supervisor-level interrupt bits (the sip/sie view, before masking by mideleg). */
export const S_INTERRUPTS = MIP.SSIP | MIP.STIP | MIP.SEIP;
/** All interrupt bits implemented in mip/mie. */
export const ALL_INTERRUPTS = S_INTERRUPTS | VS_INTERRUPTS | MIP.MSIP | MIP.MTIP | MIP.MEIP;

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
