/**
 * Bad input on the command line (issues 14 and 15): each case ends in one line on stderr that
 * names what was wrong, a non-zero status, no stack trace, no hang and no file left behind.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/index.js';
import { writeElf } from '../../src/asm/elf.js';
import { pvlab, type CliResult } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'pvlab-bad-input-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** One line, no stack trace, the given status. */
function refused(r: CliResult, status: number, message: RegExp): void {
  expect(r.status).toBe(status);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr.trim().split('\n').filter((l) => !l.startsWith('Run "pvlab --help"'))).toHaveLength(1);
}

describe('options given twice', () => {
  it.each([
    [['boot', '--workload', 'fork', '--workload', 'compute'], /--workload given 2 times \("fork", "compute"\); give it once/],
    [['boot', '--workload', 'fork', '--technique', 'native', '--technique', 'paravirt'], /--technique given 2 times/],
    [['compare', '--workload', 'fork', '--preset', 'p4-vtx', '--preset', 'ideal'], /--preset given 2 times/],
    [['run', 'default', '--filter', 'a', '--filter', 'b'], /--filter given 2 times/],
    [['image', '--workload', 'fork', '-o', 'a.elf', '-o', 'b.elf'], /--output given 2 times/],
    [['run', 'default', '--out', 'a', '--out', 'b'], /--out given 2 times/],
  ])('%j', async (args, message) => {
    refused(await pvlab(...args), 2, message);
  });

  it('repeatable options (--param, --technique of compare) stay repeatable', async () => {
    const r = await pvlab('compare', '--workload', 'null-syscall', '--technique', 'native', '--technique', 'paravirt',
      '--param', 'iterations=5', '--operations', '5', '--json');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).map((x: { technique: string }) => x.technique)).toEqual(['native', 'paravirt']);
  });
});

describe('--ram', () => {
  it.each([
    ['0', /--ram 0: RAM must be at least 4K/],
    ['1', /--ram 1: RAM must be a whole number of 4 KiB pages/],
    ['4097', /--ram 4097: RAM must be a whole number of 4 KiB pages/],
    ['4K', /--ram 4K: the unmodified image of null-syscall needs at least \d+M/],
    ['1M', /--ram 1M: the unmodified image of null-syscall needs at least \d+M/],
    ['2049M', /--ram 2049M: more than the board's 2 GiB RAM window/],
    ['99G', /--ram 99G: more than the board's 2 GiB RAM window/],
    ['lots', /--ram: "lots" is not a size/],
  ])('boot --ram %s', async (ram, message) => {
    refused(await pvlab('boot', '--workload', 'null-syscall', '--ram', ram), 1, message);
  });

  it('exec refuses RAM above the 2 GiB window instead of running with the UART swallowed', async () => {
    refused(await pvlab('exec', 'guests/baremetal/hello.S', '--ram', '3G'), 1, /--ram 3G: more than the board's 2 GiB RAM window \(0x80000000-0xffffffff\); at most 2G/);
  });
});

describe('files that cannot be read or written', () => {
  it('boot --disk of a missing file', async () => {
    refused(await pvlab('boot', '--workload', 'null-syscall', '--disk', join(tmp, 'nonexistent.img')), 1,
      /--disk .*nonexistent\.img: cannot open the disk image \(no such file\)/);
  });

  it('image -o into a missing directory names the output, not a temporary file', async () => {
    const r = await pvlab('image', '--workload', 'compute', '-o', join(tmp, 'nonexistent', 'dir', 'x.elf'));
    refused(r, 1, /cannot write .*nonexistent\/dir\/x\.elf: no such directory/);
    expect(r.stderr).not.toMatch(/\.tmp/);
  });

  it('asm -o under /proc', async () => {
    refused(await pvlab('asm', 'guests/baremetal/hello.S', '-o', '/proc/nope/x.elf'), 1, /cannot write \/proc\/nope\/x\.elf: /);
  });

  it('run --out an existing file, or a directory that cannot be made, is refused before the run (no mkdir loop)', async () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, 'x');
    refused(await pvlab('run', 'default', '--no-host-bench', '--out', file), 1, /cannot write .*a-file: .*a-file is a file, not a directory/);
    refused(await pvlab('run', 'default', '--no-host-bench', '--out', '/proc/nope'), 1, /cannot write \/proc\/nope: /);
  });
});

describe('guest build and technique', () => {
  it.each(['native', 'trap-emulate', 'hw-assist', 'hw-assist-shadow'])('--guest paravirt under %s is refused at once', async (technique) => {
    refused(await pvlab('boot', '--workload', 'console', '--guest', 'paravirt', '--technique', technique), 1,
      new RegExp(`--guest paravirt --technique ${technique}: the paravirt build makes hypercalls.*only under paravirt, not ${technique}`));
  });

  it('--guest pvio under native is refused as before', async () => {
    refused(await pvlab('boot', '--workload', 'console', '--guest', 'pvio', '--technique', 'native'), 1, /pvio build/);
  });
});

describe('help and choices', () => {
  it('a mistyped technique gets a suggestion', async () => {
    refused(await pvlab('boot', '--workload', 'fork', '--technique', 'paravrt'), 2,
      /--technique "paravrt": not one of native, trap-emulate, paravirt, hw-assist, hw-assist-shadow \(did you mean 'paravirt'\?\)/);
  });

  it('boot --help lists the --guest choices once and does not call counts strings', async () => {
    const r = await pvlab('boot', '--help');
    expect(r.stdout.match(/"unmodified"/g)).toHaveLength(1);
    expect(r.stdout).not.toMatch(/--max-insns[^\n]*\[string\]/);
  });

  it('pvlab --version names the version, the commit and Node', async () => {
    const r = await pvlab('--version');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^pvlab \d+\.\d+\.\d+ (\(git [0-9a-f]{12}(, modified)?\) )?on Node v\d+/);
  });

  it('assignment list with an extra word is refused', async () => {
    refused(await pvlab('assignment', 'list', 'extra'), 2, /assignment list takes no name or directory \(got "extra"\)/);
  });
});

describe('exec: programs a loader must refuse', () => {
  const elf = (): Uint8Array => writeElf(assemble('.globl _start\n_start: nop\n j _start\n.data\n.word 1, 2, 3\n', { fileName: 't.S', base: 0x8000_0000 }));
  /** Offset of a field of program header i (ELF32: e_phoff at 28, e_phentsize at 42). */
  const phdr = (b: Uint8Array, i: number, field: number): number =>
    new DataView(b.buffer).getUint32(28, true) + i * new DataView(b.buffer).getUint16(42, true) + field;

  it('an empty .elf is not run as a flat binary', async () => {
    const f = join(tmp, 'empty.elf');
    writeFileSync(f, new Uint8Array(0));
    refused(await pvlab('exec', f), 1, /empty\.elf: empty file, nothing to run/);
  });

  it('a .elf without the ELF magic is refused', async () => {
    const f = join(tmp, 'text.elf');
    writeFileSync(f, 'hello');
    refused(await pvlab('exec', f), 1, /text\.elf: not an ELF file/);
  });

  it('a misaligned entry point', async () => {
    const b = elf();
    new DataView(b.buffer).setUint32(24, 0x8000_0002, true);
    const f = join(tmp, 'misaligned.elf');
    writeFileSync(f, b);
    refused(await pvlab('exec', f), 1, /misaligned\.elf: entry point 0x80000002 is not 4-byte aligned/);
  });

  it('overlapping loadable segments', async () => {
    const b = elf();
    const view = new DataView(b.buffer);
    expect(view.getUint16(44, true)).toBeGreaterThanOrEqual(2);
    view.setUint32(phdr(b, 1, 12), view.getUint32(phdr(b, 0, 12), true), true);
    const f = join(tmp, 'overlap.elf');
    writeFileSync(f, b);
    refused(await pvlab('exec', f), 1, /overlap\.elf: loadable segments 0 \(0x80000000-0x[0-9a-f]+\) and 1 \(0x80000000-0x[0-9a-f]+\) overlap/);
  });

  it('--trace takes a count', async () => {
    refused(await pvlab('exec', 'guests/baremetal/hello.S', '--trace', 'abc'), 1, /--trace: "abc" is not a non-negative whole number/);
    refused(await pvlab('exec', 'guests/baremetal/hello.S', '--trace', '0'), 1, /--trace 0: the trace needs at least 1 record/);
    const ok = await pvlab('exec', 'guests/baremetal/hello.S', '--trace', '3');
    expect(ok.status).toBe(0);
    expect(ok.stderr).toMatch(/--- trace: last 3 of/);
  });
});

describe('merge', () => {
  it('refuses one shard of two', async () => {
    const s1 = (await pvlab('run', 'default', '--no-host-bench', '--filter', 'workload=null-syscall technique=native|paravirt',
      '--shard', '1/2', '--out', join(tmp, 'shards'))).stdout.trim();
    refused(await pvlab('merge', join(s1, 'results.json'), '--out', join(tmp, 'half')), 1, /merge: shard 2\/2 missing; give every shard of the run/);
    expect(existsSync(join(tmp, 'half'))).toBe(false);
    expect(readdirSync(tmp)).not.toContain('half.partial');
  });
});

describe('report and merge --out', () => {
  it('never replace a file or a directory that is not a report', async () => {
    const dir = (await pvlab('run', 'default', '--no-host-bench', '--filter', 'workload=null-syscall technique=native', '--out', join(tmp, 'r'))).stdout.trim();
    const file = join(tmp, 'precious.txt');
    writeFileSync(file, 'keep me');
    const r1 = await pvlab('report', join(dir, 'results.json'), '--out', file);
    expect(r1.status).toBe(1);
    expect(r1.stderr).toMatch(/cannot write .*precious\.txt: it is a file, not a report directory/);
    const home = join(tmp, 'home');
    mkdirSync(home);
    writeFileSync(join(home, 'notes.md'), 'keep me too');
    const r2 = await pvlab('merge', join(dir, 'results.json'), '--out', home);
    expect(r2.stderr).toMatch(/it is a directory that holds no pvlab report/);
    expect(readdirSync(home)).toEqual(['notes.md']);
    expect(existsSync(file)).toBe(true);
    const again = await pvlab('report', join(dir, 'results.json'));
    expect(again.status).toBe(0);
  });
});
