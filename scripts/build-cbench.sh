#!/usr/bin/env bash
# Build guests/bench/cbench/cbench.elf (npm run build:cbench), the compiled benchmark of
# `npm run bench:cpu`, with Debian's RISC-V cross compiler (apt-get install
# gcc-riscv64-unknown-elf, or scripts/setup.sh --referees). The ELF is committed, so users need
# only npm; run this after changing a C source and commit both (the build is reproducible).
set -euo pipefail
cd "$(dirname "$0")/../guests/bench/cbench"

CC=${CC:-riscv64-unknown-elf-gcc}
# The ISA and ABI of pvlab's hart; -O2 as most software ships. Freestanding: no C library,
# our own start-up (start.S) and string functions (string.c).
CFLAGS=(-march=rv32ima_zicsr -mabi=ilp32 -O2 -ffreestanding -fno-builtin-printf -Wall -Wextra -Werror)
LDFLAGS=(-nostdlib -nostartfiles -static -Wl,--build-id=none)

# Compile each source to an object of its own name, then link: a one-step build would leave
# gcc's random temporary object names in the symbol table, and the ELF would differ each time.
objs=$(mktemp -d)
trap 'rm -rf "$objs"' EXIT
for src in start.S main.c sieve.c crc.c sort.c matmul.c string.c interp.c calls.c; do
  "$CC" "${CFLAGS[@]}" -c -o "$objs/${src%.*}.o" "$src"
done
(cd "$objs" && "$CC" "${CFLAGS[@]}" "${LDFLAGS[@]}" -T "$OLDPWD/link.ld" -o "$OLDPWD/cbench.elf" \
  start.o main.o sieve.o crc.o sort.o matmul.o string.o interp.o calls.o -lgcc)
"$CC" --version | head -n 1 > cbench.elf.compiler
echo "built $(pwd)/cbench.elf with $(cat cbench.elf.compiler)"
