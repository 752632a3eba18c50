/**
 * `pvlab image`: write a bootable ELF (firmware + kernel + a workload with its parameters) that
 * runs elsewhere — `qemu-system-riscv32 -M virt -bios none -nographic -kernel image.elf`.
 */
import type { Argv } from 'yargs';
import { buildImage } from '../../guest/image.js';
import { imageToElf } from '../../guest/image-elf.js';
import { writeFileAtomic } from '../../fs/write-atomic.js';
import { guestOptions, resolveGuest, type GuestArgs } from '../guest-options.js';

export interface ImageArgs extends GuestArgs {
  output: string;
}

export function imageBuilder(y: Argv): Argv<ImageArgs> {
  return guestOptions(y)
    .option('output', { alias: 'o', type: 'string', demandOption: true, describe: 'ELF file to write' }) as unknown as Argv<ImageArgs>;
}

export function runImage(args: ImageArgs): number {
  const guest = resolveGuest(args);
  const image = buildImage({ build: guest.build, workload: guest.workload.name, params: guest.params });
  writeFileAtomic(args.output, imageToElf(image));
  const parts = image.parts.map((p) => `${p.name} ${p.bytes.length} B at 0x${p.addr.toString(16)}`).join(', ');
  process.stderr.write(`wrote ${args.output}: ${parts}\n`);
  if (guest.build === 'paravirt') {
    process.stderr.write('note: the paravirt build makes hypercalls; it boots only on pvlab\'s hypervisor ' +
      '(pvlab boot --technique paravirt), not on QEMU or a bare board\n');
  }
  if (guest.build === 'pvio') {
    process.stderr.write('note: the pvio build drives its console and disk by hypercall; it boots only on pvlab\'s ' +
      'hypervisor with hardware assist (pvlab boot --technique hw-assist --guest pvio), not on QEMU or a bare board\n');
  }
  return 0;
}
