/*
 * cbench — the compiled benchmark behind `npm run bench:cpu`: integer kernels of the kind
 * compilers emit, written in C for pvlab and built with Debian's riscv64-unknown-elf-gcc
 * (-march=rv32ima_zicsr -mabi=ilp32 -O2) by scripts/build-cbench.sh.
 *
 * Every kernel takes a seed and returns a 32-bit checksum; main() chains them so each run's
 * result depends on every kernel, and the program prints one checksum at the end. The result
 * is a pure function of bench_scale: the same ELF gives the same checksum in M-mode, in S-mode
 * with Sv32, on pvlab and on QEMU.
 */
#ifndef CBENCH_H
#define CBENCH_H

typedef unsigned int u32;
typedef int i32;
typedef unsigned char u8;
typedef unsigned long size_t;

#define NOINLINE __attribute__((noinline))

/* The kernels (one file each). */
u32 sieve_kernel(u32 seed);
u32 crc_kernel(u32 seed);
u32 sort_kernel(u32 seed);
u32 matmul_kernel(u32 seed);
u32 string_kernel(u32 seed);
u32 interp_kernel(u32 seed);
u32 calls_kernel(u32 seed);

/* Freestanding string functions (string.c); GCC also calls these for struct copies. */
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
char *strcpy(char *dst, const char *src);

/* A small linear congruential generator (Numerical Recipes' constants). */
static inline u32 lcg(u32 *state) {
  *state = *state * 1664525u + 1013904223u;
  return *state;
}

/* Mix a kernel's result into the running checksum (a rotate and a multiply). */
static inline u32 mix(u32 sum, u32 v) {
  sum ^= v;
  sum = (sum << 7) | (sum >> 25);
  return sum * 0x9E3779B1u;
}

#endif
