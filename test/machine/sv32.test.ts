/**
 * Sv32 translation: 4 KiB pages and 4 MiB megapages, permission checks for each access type
 * and privilege (SUM, MXR, MPRV), hardware A/D updates, page and access faults with the right
 * cause and tval, sfence.vma and satp flushes, misaligned accesses across pages, and
 * self-modifying code seen through the block cache (including DMA writes and the volatile
 * path for pages that hold both code and data).
 */
import { describe, expect, it } from 'vitest';
import { Cause } from '../../src/isa/causes.js';
import { MSTATUS, PTE, Priv } from '../../src/isa/csr.js';
import { encode } from '../../src/isa/encode.js';
import { BY_MNEMONIC } from '../../src/isa/instructions.js';
import type { VirtBoard } from '../../src/machine/board.js';
import { POWER_OFF, hex, load, run, type Program } from './helpers.js';
import { PageTables, ROOT, TABLES } from './page-tables.js';

const { V, R, W, X, U, A, D } = PTE;
const RWX = R | W | X;
const SATP_VALUE = (0x8000_0000 | (ROOT >>> 12)) >>> 0;
/** Where U-mode sees the program (a megapage alias of 0x8000_0000 with U set). */
const U_ALIAS = 0x0040_0000;

/** M-mode trap handler for these tests: ecall from S or U powers off; any other trap is
 *  recorded (s8 count, s9 mcause, s10 mtval, s11 mepc) and skipped. Clobbers t4, t5, s7. */
const M_HANDLER = `
m_trap:
  csrr t4, mcause
  li t5, 8
  beq t4, t5, m_exit
  li t5, 9
  beq t4, t5, m_exit
  addi s8, s8, 1
  mv s9, t4
  csrr s10, mtval
  csrr s11, mepc
  addi s7, s11, 4
  csrw mepc, s7
  mret
m_exit:
  ${POWER_OFF}
`;

interface Sv32Options {
  mode?: 'S' | 'U';
  /** Extra M-mode code before dropping to S/U (mstatus bits, medeleg). */
  mSetup?: string;
  /** Extra code placed after the handler (S trap handlers, data). */
  extra?: string;
  tables?: (pt: PageTables, board: VirtBoard, program: Program) => void;
  maxInsns?: number;
}

/**
 * Run `code` in S-mode (or U-mode) with Sv32 on. The program's megapage 0x8000_0000 is mapped
 * to itself for S (RWX, not U) and at U_ALIAS for U (RWX + U); the megapage 0x8040_0000 that
 * holds the page tables and data pages is mapped to itself for S (RW). The code ends with
 * `ecall`. Code running in U sees its own labels at U_ALIAS (la is pc-relative).
 */
function sv32(code: string, opts: Sv32Options = {}) {
  const mode = opts.mode ?? 'S';
  const entry = mode === 'S' ? 'la t0, body' : `la t0, body
  li t1, ${U_ALIAS - 0x8000_0000}
  add t0, t0, t1`;
  let pt: PageTables | undefined;
  const r = run(`
_start:
  la t0, m_trap
  csrw mtvec, t0
  li t0, ${SATP_VALUE}
  csrw satp, t0
  ${opts.mSetup ?? ''}
  li t0, 0x1800
  csrc mstatus, t0
  li t0, ${(mode === 'S' ? Priv.S : Priv.U) << 11}
  csrs mstatus, t0
  ${entry}
  csrw mepc, t0
  mret
${M_HANDLER}
body:
  ${code}
  ecall
${opts.extra ?? ''}
`, {
    maxInsns: opts.maxInsns ?? 1_000_000,
    setup: (board, program) => {
      pt = new PageTables(board);
      pt.mapMega(0x8000_0000, 0x8000_0000, V | RWX | A | D);
      pt.mapMega(U_ALIAS, 0x8000_0000, V | RWX | U | A | D);
      // The page tables and data pages, so S code can edit PTEs.
      pt.mapMega(0x8040_0000, 0x8040_0000, V | R | W | A | D);
      opts.tables?.(pt, board, program);
    },
  });
  expect(r.stop).toEqual({ kind: 'power-off', code: 0 });
  return { ...r, pt: pt as PageTables };
}

const DATA_A = 0x8060_0000;
const DATA_B = 0x8061_0000;
const DATA_C = 0x8062_3000;

describe('Sv32 translation', () => {
  it('4 KiB pages map virtual pages to arbitrary physical pages', () => {
    const r = sv32(`
  li a0, 0x40000000
  lw a1, 0(a0)
  li a4, 0x40001000
  lw a2, 0(a4)
  li t0, 0x5a5a
  sw t0, 4(a0)
  li a3, 0x40000ffc
  lw a3, 0(a3)
`, {
      tables: (pt, b) => {
        pt.map(0x4000_0000, DATA_B, V | R | W);
        pt.map(0x4000_1000, DATA_A, V | R | W);
        b.bus.write(DATA_B, 4, 0x1111_1111);
        b.bus.write(DATA_A, 4, 0x2222_2222);
        b.bus.write(DATA_B + 0xffc, 4, 0x3333_3333);
      },
    });
    expect(r.reg('s8')).toBe(0);
    expect(r.ureg('a1')).toBe(0x1111_1111);
    expect(r.ureg('a2')).toBe(0x2222_2222);
    expect(r.ureg('a3')).toBe(0x3333_3333);
    expect(r.word(DATA_B + 4)).toBe(0x5a5a);
  });

  it('a 4 MiB megapage maps the whole 22-bit offset', () => {
    const r = sv32(`
  li a0, 0xc0123454
  lw a1, 0(a0)
  li a2, 0xc03ffffc
  li t0, 77
  sw t0, 0(a2)
`, {
      tables: (pt, b) => {
        pt.mapMega(0xc000_0000, 0x8040_0000, V | R | W);
        b.bus.write(0x8052_3454, 4, 0xabcd_ef01);
      },
    });
    expect(r.reg('s8')).toBe(0);
    expect(r.ureg('a1')).toBe(0xabcd_ef01);
    expect(r.word(0x807f_fffc)).toBe(77);
  });

  it('a misaligned megapage (PPN[0] != 0) is a page fault', () => {
    const r = sv32(`
  li a0, 0xc0000010
  lw a1, 0(a0)
  mv a2, s9
  mv a3, s10
  sw a1, 0(a0)
  mv a4, s9
  mv a5, s10
`, { tables: (pt) => { pt.mapMega(0xc000_0000, 0x8040_1000, V | R | W); } });
    expect([r.reg('a2'), r.ureg('a3')]).toEqual([Cause.LoadPageFault, 0xc000_0010]);
    expect([r.reg('a4'), r.ureg('a5')]).toEqual([Cause.StorePageFault, 0xc000_0010]);
  });

  it('MMIO through a page mapping reaches the device', () => {
    const r = sv32(`
  li a0, 0x50000000
  li t0, 'H'
  sb t0, 0(a0)
  lbu a1, 5(a0)            # LSR
`, { tables: (pt) => { pt.map(0x5000_0000, 0x1000_0000, V | R | W); } });
    expect(r.out()).toBe('H');
    expect(r.reg('a1') & 0x60).toBe(0x60); // THRE | TEMT
  });
});

describe('Sv32 permissions', () => {
  const VA = 0x4000_0000;

  const LD = Cause.LoadPageFault;
  const ST = Cause.StorePageFault;
  const OK = -1;

  const cases: { name: string; flags: number; mode: 'S' | 'U'; bits?: number; load: number; store: number }[] = [
    { name: 'R from S', flags: R | A, mode: 'S', load: OK, store: ST },
    { name: 'RW from S', flags: R | W | A | D, mode: 'S', load: OK, store: OK },
    { name: 'X-only from S', flags: X | A, mode: 'S', load: LD, store: ST },
    { name: 'X-only from S with MXR', flags: X | A, mode: 'S', bits: MSTATUS.MXR, load: OK, store: ST },
    { name: 'W without R (reserved)', flags: W | A | D, mode: 'S', load: LD, store: ST },
    { name: 'U page from S', flags: R | W | U | A | D, mode: 'S', load: LD, store: ST },
    { name: 'U page from S with SUM', flags: R | W | U | A | D, mode: 'S', bits: MSTATUS.SUM, load: OK, store: OK },
    { name: 'non-U page from U', flags: R | W | A | D, mode: 'U', load: LD, store: ST },
    { name: 'U page from U', flags: R | W | U | A | D, mode: 'U', load: OK, store: OK },
    { name: 'U read-only from U', flags: R | U | A, mode: 'U', load: OK, store: ST },
    { name: 'U X-only with MXR from U', flags: X | U | A, mode: 'U', bits: MSTATUS.MXR, load: OK, store: ST },
  ];

  for (const c of cases) {
    it(`loads and stores: ${c.name}`, () => {
      const r = sv32(`
  li a0, ${VA}
  li s9, -1
  lw a1, 0(a0)
  mv a2, s9
  mv a5, s10
  li s9, -1
  sw a1, 0(a0)
  mv a3, s9
  mv a6, s10
`, {
        mode: c.mode,
        mSetup: c.bits ? `li t0, ${c.bits}
  csrs mstatus, t0` : '',
        tables: (pt) => { pt.map(VA, DATA_C, V | c.flags); },
      });
      expect({ load: r.reg('a2'), store: r.reg('a3') }).toEqual({ load: c.load, store: c.store });
      if (c.load !== OK) expect(r.ureg('a5')).toBe(VA);
      if (c.store !== OK) expect(r.ureg('a6')).toBe(VA);
    });
  }

  const fetchCases: { name: string; flags: number; mode: 'S' | 'U'; bits?: number; ok: boolean }[] = [
    { name: 'X from S', flags: X | A, mode: 'S', ok: true },
    { name: 'R-only from S', flags: R | A, mode: 'S', ok: false },
    { name: 'RX+U from S, even with SUM', flags: R | X | U | A, mode: 'S', bits: MSTATUS.SUM, ok: false },
    { name: 'X+U from U', flags: X | U | A, mode: 'U', ok: true },
    { name: 'X without U from U', flags: X | A, mode: 'U', ok: false },
    { name: 'invalid PTE', flags: 0, mode: 'S', ok: false },
  ];

  for (const c of fetchCases) {
    it(`instruction fetch: ${c.name}`, () => {
      // The page holds `addi a7, a7, 1; jalr zero, 0(ra)`. A fetch fault is handled by the
      // recording M handler, which resumes at mepc + 4 = VA + 4; that faults too and the
      // handler then jumps... so the M handler is told to return to ra instead (s7 trick).
      const r = sv32(`
  li a0, ${VA}
  la ra, 1f
  jalr zero, 0(a0)
1:
`, {
        mode: c.mode,
        mSetup: `la t0, fetch_trap
  csrw mtvec, t0
  ${c.bits ? `li t0, ${c.bits}
  csrs mstatus, t0` : ''}`,
        extra: `
fetch_trap:
  csrr t4, mcause
  li t5, 8
  beq t4, t5, m_exit
  li t5, 9
  beq t4, t5, m_exit
  mv s9, t4
  csrr s10, mtval
  csrr s11, mepc
  csrw mepc, ra
  mret
`,
        tables: (pt, b) => {
          pt.map(VA, DATA_C, (c.flags === 0 ? 0 : V) | c.flags);
          b.bus.write(DATA_C, 4, encode(BY_MNEMONIC.get('addi')!, { rd: 17, rs1: 17, imm: 1 }));
          b.bus.write(DATA_C + 4, 4, encode(BY_MNEMONIC.get('jalr')!, { rd: 0, rs1: 1, imm: 0 }));
        },
      });
      if (c.ok) {
        expect(r.reg('a7')).toBe(1);
        expect(r.reg('s9')).toBe(0);
      } else {
        expect(r.reg('a7')).toBe(0);
        expect(r.reg('s9')).toBe(Cause.InstructionPageFault);
        expect(r.ureg('s10')).toBe(VA);
        expect(r.ureg('s11')).toBe(VA);
      }
    });
  }

  it('execution running off the end of a page into an unmapped one faults at the new page', () => {
    const r = sv32(`
  li a0, ${VA + 0xff8}
  la ra, 1f
  jalr zero, 0(a0)         # two instructions, then falls through to VA + 0x1000
1:
`, {
      mSetup: `la t0, fall_trap
  csrw mtvec, t0`,
      extra: `
fall_trap:
  csrr t4, mcause
  li t5, 9
  beq t4, t5, m_exit
  mv s9, t4
  csrr s10, mtval
  csrr s11, mepc
  csrw mepc, ra
  mret
`,
      tables: (pt, b) => {
        pt.map(VA, DATA_C, V | R | X);
        b.bus.write(DATA_C + 0xff8, 4, encode(BY_MNEMONIC.get('addi')!, { rd: 17, rs1: 17, imm: 1 }));
        b.bus.write(DATA_C + 0xffc, 4, encode(BY_MNEMONIC.get('addi')!, { rd: 17, rs1: 17, imm: 1 }));
      },
    });
    expect(r.reg('a7')).toBe(2);
    expect(r.reg('s9')).toBe(Cause.InstructionPageFault);
    expect(r.ureg('s10')).toBe(VA + 0x1000);
    expect(r.ureg('s11')).toBe(VA + 0x1000);
  });

  it('AMOs need write permission (store page fault) and LR needs read permission', () => {
    const r = sv32(`
  li a0, ${VA}
  amoadd.w a1, a1, (a0)
  mv a2, s9
  lr.w a3, (a0)
  mv a4, s9
  li a0, ${VA + 0x1000}
  lr.w a5, (a0)
  mv a6, s9
`, {
      tables: (pt, b) => {
        pt.map(VA, DATA_C, V | R | A);
        pt.map(VA + 0x1000, DATA_C + 0x1000, V | X | A);
        b.bus.write(DATA_C, 4, 99);
      },
    });
    expect(r.reg('a2')).toBe(Cause.StorePageFault);
    expect(r.reg('a3')).toBe(99);
    expect(r.reg('a4')).toBe(Cause.StorePageFault); // unchanged: lr.w succeeded
    expect(r.reg('a6')).toBe(Cause.LoadPageFault);
    expect(r.word(DATA_C)).toBe(99);
  });

  it('the TLB does not let one privilege or SUM/MXR setting use translations checked for another', () => {
    const r = sv32(`
  li a0, ${VA}
  li s9, -1
  lw a1, 0(a0)             # S with SUM: allowed (and cached)
  mv a2, s9
  li t0, ${MSTATUS.SUM}
  csrc sstatus, t0
  li s9, -1
  lw a1, 0(a0)             # SUM now clear: must fault despite the cached translation
  mv a3, s9
  li a6, ${VA + 0x1000}
  li s9, -1
  lw a1, 0(a6)             # X-only page with MXR: allowed
  mv a4, s9
  li t0, ${MSTATUS.MXR}
  csrc sstatus, t0
  li s9, -1
  lw a1, 0(a6)
  mv a5, s9
`, {
      mSetup: `li t0, ${MSTATUS.SUM | MSTATUS.MXR}
  csrs mstatus, t0`,
      tables: (pt) => {
        pt.map(VA, DATA_C, V | R | W | U | A | D);
        pt.map(VA + 0x1000, DATA_C + 0x1000, V | X | A);
      },
    });
    expect(r.reg('a2')).toBe(-1);
    expect(r.reg('a3')).toBe(Cause.LoadPageFault);
    expect(r.reg('a4')).toBe(-1);
    expect(r.reg('a5')).toBe(Cause.LoadPageFault);
  });

  it('MPRV: M-mode loads and stores translate with MPP privilege; fetches do not', () => {
    const r = run(`
_start:
  la t0, m_trap
  csrw mtvec, t0
  li t0, ${SATP_VALUE}
  csrw satp, t0
  li s9, -1
  li t0, ${(Priv.S << MSTATUS.MPP_SHIFT) | MSTATUS.MPRV}
  csrs mstatus, t0
  li a0, ${VA}
  lw a1, 0(a0)             # translated as S: reads DATA_C
  li t0, 0x1234
  sw t0, 4(a0)
  li t0, ${MSTATUS.MPP}
  csrc mstatus, t0         # MPP = U: the page has no U bit
  lw a2, 0(a0)
  mv a3, s9
  mv a4, s10
  li t0, ${MSTATUS.MPRV}
  csrc mstatus, t0
  li t0, ${DATA_C}
  lw a5, 0(t0)             # physical again
  ${POWER_OFF}
${M_HANDLER}
`, {
      setup: (board) => {
        const pt = new PageTables(board);
        pt.map(VA, DATA_C, V | R | W | A | D);
        board.bus.write(DATA_C, 4, 0x600d);
      },
    });
    expect(r.reg('a1')).toBe(0x600d);
    expect(r.word(DATA_C + 4)).toBe(0x1234);
    expect(r.reg('a3')).toBe(Cause.LoadPageFault);
    expect(r.ureg('a4')).toBe(VA);
    expect(r.reg('a5')).toBe(0x600d);
  });

  it('page faults delegated to S report scause, stval and sepc', () => {
    const r = sv32(`
  la s6, log
  la t0, s_handler
  csrw stvec, t0
  li a0, 0x12345678
  lw a1, 0(a0)
  sw a1, 8(a0)
  la ra, back
  jalr zero, 0(a0)
back:
  csrr a2, sstatus
`, {
      mSetup: `li t0, ${(1 << Cause.LoadPageFault) | (1 << Cause.StorePageFault) | (1 << Cause.InstructionPageFault)}
  csrw medeleg, t0`,
      extra: `
s_handler:
  csrr t0, scause
  sw t0, 0(s6)
  csrr t0, stval
  sw t0, 4(s6)
  csrr t0, sepc
  sw t0, 8(s6)
  addi s6, s6, 12
  addi t0, t0, 4
  csrr t1, scause
  li t2, ${Cause.InstructionPageFault}
  bne t1, t2, 1f
  mv t0, ra
1:
  csrw sepc, t0
  sret
  .balign 4096
log: .space 64
`,
    });
    expect(r.reg('s8')).toBe(0); // nothing reached M
    const log = r.sym('log');
    const e = [0, 1, 2].map((k) => [r.word(log + 12 * k), r.word(log + 12 * k + 4), r.word(log + 12 * k + 8)]);
    expect(e[0]!.slice(0, 2)).toEqual([Cause.LoadPageFault, 0x1234_5678]);
    expect(e[1]!.slice(0, 2)).toEqual([Cause.StorePageFault, 0x1234_5680]);
    expect(e).toEqual([
      [Cause.LoadPageFault, 0x1234_5678, e[0]![2]],
      [Cause.StorePageFault, 0x1234_5680, e[0]![2]! + 4],
      [Cause.InstructionPageFault, 0x1234_5678, 0x1234_5678],
    ]);
  });
});

describe('Sv32 A and D bits', () => {
  it('the walk sets A on access and D on store, in memory, for pages and megapages', () => {
    let leafLoad = 0;
    let leafStore = 0;
    let leafFetch = 0;
    let mega = 0;
    const r = sv32(`
  li a0, 0x40000000
  lw a1, 0(a0)             # A only
  li a0, 0x40001000
  lw a1, 0(a0)
  sw a1, 4(a0)             # after a load hit the TLB: the store still walks and sets D
  li a0, 0x40002000
  la ra, 1f
  jalr zero, 0(a0)         # A on fetch
1:
  li a0, 0xc0000000
  sw a1, 0(a0)
`, {
      tables: (pt, b) => {
        leafLoad = pt.map(0x4000_0000, DATA_A, V | R | W);
        leafStore = pt.map(0x4000_1000, DATA_A + 0x1000, V | R | W);
        leafFetch = pt.map(0x4000_2000, DATA_A + 0x2000, V | R | X);
        b.bus.write(DATA_A + 0x2000, 4, encode(BY_MNEMONIC.get('jalr')!, { rd: 0, rs1: 1, imm: 0 }));
        mega = pt.mapMega(0xc000_0000, 0x8040_0000, V | R | W);
      },
    });
    expect(r.reg('s8')).toBe(0);
    expect(r.pt.pte(leafLoad) & (A | D)).toBe(A);
    expect(r.pt.pte(leafStore) & (A | D)).toBe(A | D);
    expect(r.pt.pte(leafFetch) & (A | D)).toBe(A);
    expect(r.pt.pte(mega) & (A | D)).toBe(A | D);
  });

  it('a faulting access leaves A and D alone', () => {
    let leaf = 0;
    const r = sv32(`
  li a0, 0x40000000
  sw a1, 0(a0)
`, { tables: (pt) => { leaf = pt.map(0x4000_0000, DATA_A, V | R); } });
    expect(r.reg('s9')).toBe(Cause.StorePageFault);
    expect(r.pt.pte(leaf) & (A | D)).toBe(0);
  });
});

describe('Sv32 access faults', () => {
  it('a PTE read outside RAM and a leaf outside any device raise access faults with the VA', () => {
    const r = sv32(`
  li a0, 0x40000000
  lw a1, 0(a0)             # the level-0 table is at 0x01000000: nothing there
  mv a2, s9
  mv a3, s10
  li a0, 0x40400000
  sw a1, 0(a0)             # leaf to 0x01000000
  mv a4, s9
  mv a5, s10
  li a0, 0x40800000
  lw a1, 0(a0)             # leaf beyond 4 GiB (34-bit physical address)
  mv a6, s9
  li a0, 0x40400000
  la ra, 1f
  jalr zero, 0(a0)         # fetch from nowhere
1:
  mv a7, s9
`, {
      mSetup: `la t0, fetch_or_record
  csrw mtvec, t0`,
      extra: `
fetch_or_record:
  csrr s9, mcause
  csrr s10, mtval
  li t4, 8
  beq s9, t4, m_exit
  li t4, 9
  beq s9, t4, m_exit
  li t4, 1
  bne s9, t4, 1f
  csrw mepc, ra
  mret
1:
  csrr t4, mepc
  addi t4, t4, 4
  csrw mepc, t4
  mret
`,
      tables: (pt) => {
        pt.set(TABLES + (0x4000_0000 >>> 22) * 4, ((0x0100_0000 / 4096) << 10) | V);
        pt.map(0x4040_0000, 0x0100_0000, V | RWX);
        pt.map(0x4080_0000, 0x1_0000_0000, V | R);
      },
    });
    expect([r.reg('a2'), r.ureg('a3')]).toEqual([Cause.LoadAccessFault, 0x4000_0000]);
    expect([r.reg('a4'), r.ureg('a5')]).toEqual([Cause.StoreAccessFault, 0x4040_0000]);
    expect(r.reg('a6')).toBe(Cause.LoadAccessFault);
    expect(r.reg('a7')).toBe(Cause.InstructionAccessFault);
  });
});

describe('TLB maintenance', () => {
  it('sfence.vma by address and global make a changed PTE visible; without it the TLB may keep the old one', () => {
    // The first level-0 table allocated follows the root; VA 0x4000_0000 is its entry 0.
    const leaf = TABLES + 0x1000;
    const newPte = (DATA_B / 4096) * 1024 + (V | R | W | A | D);
    const r = sv32(`
  li a0, 0x40000000
  lw a1, 0(a0)             # DATA_A (cached now)
  li t0, ${leaf}
  li t1, ${newPte}
  sw t1, 0(t0)             # the PTE now points at DATA_B (the table is mapped by the megapage)
  lw a2, 0(a0)             # pvlab's TLB still holds the old translation
  sfence.vma a0
  lw a3, 0(a0)             # DATA_B
  li t1, ${(DATA_A / 4096) * 1024 + (V | R | W | A | D)}
  sw t1, 0(t0)
  sfence.vma
  lw a4, 0(a0)             # DATA_A again
`, {
      tables: (pt, b) => {
        expect(pt.map(0x4000_0000, DATA_A, V | R | W | A | D)).toBe(leaf);
        b.bus.write(DATA_A, 4, 0xaaaa);
        b.bus.write(DATA_B, 4, 0xbbbb);
      },
    });
    expect(r.reg('a1')).toBe(0xaaaa);
    expect(r.reg('a2')).toBe(0xaaaa);
    expect(r.reg('a3')).toBe(0xbbbb);
    expect(r.reg('a4')).toBe(0xaaaa);
  });

  it('sfence.vma of one address inside a megapage flushes the whole megapage', () => {
    const r = sv32(`
  li a0, 0xc0000000
  li a5, 0xc0201000
  lw a1, 0(a5)             # cached piece of the megapage
  li t0, ${TABLES + (0xc000_0000 >>> 22) * 4}
  li t1, ${(0x8000_0000 / 4096) * 1024 + (V | R | W | A | D)}
  sw t1, 0(t0)             # remap the megapage to 0x80000000
  sfence.vma a0            # fence a different 4 KiB piece of it
  lw a2, 0(a5)
`, {
      tables: (pt, b) => {
        pt.mapMega(0xc000_0000, 0x8040_0000, V | R | W | A | D);
        b.bus.write(0x8060_1000, 4, 0x1111);
        b.bus.write(0x8020_1000, 4, 0x2222);
      },
    });
    expect(r.reg('a1')).toBe(0x1111);
    expect(r.reg('a2')).toBe(0x2222);
  });

  it('a satp write switches address spaces at once', () => {
    const ROOT2 = TABLES + 0x8_0000;
    const r = sv32(`
  li a0, 0x40000000
  lw a1, 0(a0)
  li t0, ${(0x8000_0000 | (ROOT2 >>> 12)) >>> 0}
  csrw satp, t0
  lw a2, 0(a0)
  li t0, ${SATP_VALUE}
  csrw satp, t0
  lw a3, 0(a0)
`, {
      tables: (pt, b) => {
        pt.map(0x4000_0000, DATA_A, V | R | A);
        // A second root: the same code megapage, another data page.
        b.bus.write(ROOT2 + (0x8000_0000 >>> 22) * 4, 4, (0x8000_0000 / 4096) * 1024 + (V | RWX | A | D));
        b.bus.write(ROOT2 + (0x4000_0000 >>> 22) * 4, 4, (0x8040_0000 / 4096) * 1024 + (V | R | A));
        b.bus.write(DATA_A, 4, 0xa);
        b.bus.write(0x8040_0000, 4, 0xb);
      },
    });
    expect([r.reg('a1'), r.reg('a2'), r.reg('a3')]).toEqual([0xa, 0xb, 0xa]);
  });
});

describe('misaligned accesses under Sv32', () => {
  it('a word straddling two virtual pages uses both translations', () => {
    const r = sv32(`
  li a0, 0x40000ffe
  lw a1, 0(a0)
  li t0, 0x44332211
  sw t0, 0(a0)
  lh a2, 1(a0)             # 0x40000fff..0x40001000
`, {
      tables: (pt, b) => {
        pt.map(0x4000_0000, DATA_B, V | R | W);
        pt.map(0x4000_1000, DATA_A, V | R | W);
        b.bus.write(DATA_B + 0xffc, 4, 0xbbaa_0000);
        b.bus.write(DATA_A, 4, 0x0000_ddcc);
      },
    });
    expect(r.reg('s8')).toBe(0);
    expect(hex(r.reg('a1'))).toBe(hex(0xddcc_bbaa));
    expect(hex(r.word(DATA_B + 0xffc))).toBe(hex(0x2211_0000));
    expect(hex(r.word(DATA_A))).toBe(hex(0x0000_4433));
    expect(hex(r.reg('a2'))).toBe(hex(0x3322));
  });

  it('when the second page is unmapped the fault names its first byte and nothing is written', () => {
    const r = sv32(`
  li a0, 0x40000ffe
  lw a1, 0(a0)
  mv a2, s9
  mv a3, s10
  li t0, 0x44332211
  sw t0, 0(a0)
  mv a4, s9
  mv a5, s10
`, {
      tables: (pt, b) => {
        pt.map(0x4000_0000, DATA_B, V | R | W);
        b.bus.write(DATA_B + 0xffc, 4, 0x1234_5678);
      },
    });
    expect([r.reg('a2'), r.ureg('a3')]).toEqual([Cause.LoadPageFault, 0x4000_1000]);
    expect([r.reg('a4'), r.ureg('a5')]).toEqual([Cause.StorePageFault, 0x4000_1000]);
    expect(hex(r.word(DATA_B + 0xffc))).toBe(hex(0x1234_5678));
  });
});

describe('self-modifying code', () => {
  const addi = (rd: number, rs1: number, imm: number): number => encode(BY_MNEMONIC.get('addi')!, { rd, rs1, imm });

  it('an instruction written and then executed is seen (bare, same block)', () => {
    const r = run(`
_start:
  li a0, 0
  la t0, target
  li t1, ${addi(10, 10, 7)}
  sw t1, 0(t0)
  fence.i
target:
  addi a0, a0, 1
  ${POWER_OFF}
`);
    expect(r.reg('a0')).toBe(7);
  });

  it('code rewritten after it has run (and was translated) is re-translated', () => {
    const r = run(`
_start:
  li s0, 0
  la t0, func
  li t1, ${addi(10, 0, 2)}
  li s1, 3
loop:
  call func
  add s0, s0, a0
  sw t1, 0(t0)             # from the second call on, func returns 2
  addi s1, s1, -1
  bnez s1, loop
  ${POWER_OFF}
  .balign 4096
func:
  addi a0, zero, 1
  ret
`);
    expect(r.reg('s0')).toBe(1 + 2 + 2);
  });

  it('an AMO that rewrites an instruction is seen', () => {
    const r = run(`
_start:
  li a0, 0
  la t0, target
  li t1, ${addi(10, 10, 9)}
  amoswap.w t2, t1, (t0)
target:
  addi a0, a0, 1
  ${POWER_OFF}
`);
    expect(r.reg('a0')).toBe(9);
    expect(r.ureg('t2')).toBe(addi(10, 10, 1));
  });

  // Cold: func on its own page, run once into blocks. Hot: func beside the loop, long enough
  // that both sit in one region.
  for (const [what, layout, warmup] of [
    ['code that has run', '  .balign 4096', 1000], ['a hot region\'s page', '', 200_000],
  ] as const) {
    it(`a DMA-style bus write into ${what} is seen by the next execution`, () => {
      const h = load(`
_start:
  li s0, 0
loop:
  call func
  add s0, s0, a0
  j loop
${layout}
func:
  addi a0, zero, 1
  ret
`);
      expect(h.board.run(warmup).kind).toBe('insn-limit');
      const before = h.reg('s0');
      expect(before).toBeGreaterThan(100);
      // A bus master (virtio) writes the page: func now returns 1000.
      const word = addi(10, 0, 1000);
      h.board.bus.writeBytes(h.sym('func'), Uint8Array.of(word & 0xff, (word >>> 8) & 0xff, (word >>> 16) & 0xff, word >>> 24));
      expect(h.board.run(60).kind).toBe('insn-limit');
      const added = h.reg('s0') - before;
      // 60 instructions are 10 iterations of 6 (call is auipc + jalr); the first may have been
      // half done.
      expect(added).toBeGreaterThanOrEqual(9 * 1000);
      expect(added % 1000 === 0 || added % 1000 === 1).toBe(true);
    });
  }

  it('code and data sharing one page written in a loop (volatile page) stay correct', () => {
    const r = run(`
_start:
  li a0, 0
  li s1, 200
  la s2, counter
  la s3, patched
  li s4, ${addi(10, 10, 2)}
  li s5, 150
loop:
  lw t0, 0(s2)
  addi t0, t0, 1
  sw t0, 0(s2)             # a data store into the code page, every iteration
  bne t0, s5, patched
  sw s4, 0(s3)             # at iteration 150 the loop rewrites its own instruction
patched:
  addi a0, a0, 1
  addi s1, s1, -1
  bnez s1, loop
  ${POWER_OFF}
counter: .word 0
`);
    expect(r.stop.kind).toBe('power-off');
    expect(r.word(r.sym('counter'))).toBe(200);
    expect(r.reg('a0')).toBe(149 * 1 + 51 * 2);
    const page = (r.sym('loop') - 0x8000_0000) >>> 12;
    expect(r.board.hart.blocks.volatilePages[page]).toBe(1);
  });

  it('under Sv32, code written through a writable alias of its physical page is seen', () => {
    const r = sv32(`
  li a0, 0
  li a1, 0x40000000        # executable alias
  li a2, 0x50000000        # writable alias of the same physical page
  la ra, 1f
  jalr zero, 0(a1)         # runs: a0 += 1
1:
  li t0, ${addi(10, 10, 40)}
  sw t0, 0(a2)
  la ra, 2f
  jalr zero, 0(a1)         # runs the new instruction: a0 += 40
2:
`, {
      tables: (pt, b) => {
        pt.map(0x4000_0000, DATA_C, V | R | X);
        pt.map(0x5000_0000, DATA_C, V | R | W);
        b.bus.write(DATA_C, 4, addi(10, 10, 1));
        b.bus.write(DATA_C + 4, 4, encode(BY_MNEMONIC.get('jalr')!, { rd: 0, rs1: 1, imm: 0 }));
      },
    });
    expect(r.reg('s8')).toBe(0);
    expect(r.reg('a0')).toBe(41);
  });
});
