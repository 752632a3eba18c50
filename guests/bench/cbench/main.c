/* cbench main: run every kernel bench_scale times, print the checksum, power off. */
#include "cbench.h"

/* Patched by symbol in the image (npm run bench:cpu); the default suits `pvlab exec`. */
volatile u32 bench_scale = 8;

#define UART0_BASE 0x10000000u
#define UART_THR 0
#define UART_LSR 5
#define UART_LSR_THRE 0x20u

static void putc(char c) {
  volatile u8 *uart = (volatile u8 *)UART0_BASE;
  while ((uart[UART_LSR] & UART_LSR_THRE) == 0) {
  }
  uart[UART_THR] = (u8)c;
}

static void puts(const char *s) {
  while (*s) putc(*s++);
}

static void put_hex(u32 v) {
  for (int i = 28; i >= 0; i -= 4) putc("0123456789abcdef"[(v >> i) & 15]);
}

typedef u32 (*kernel_fn)(u32);

static const kernel_fn kernels[] = {
  sieve_kernel, crc_kernel, sort_kernel, matmul_kernel, string_kernel, interp_kernel, calls_kernel,
};

u32 main(void) {
  u32 sum = 0x12345678u;
  u32 scale = bench_scale;
  for (u32 round = 0; round < scale; round++) {
    for (u32 k = 0; k < sizeof kernels / sizeof kernels[0]; k++) sum = mix(sum, kernels[k](sum + round));
  }
  puts("cbench checksum ");
  put_hex(sum);
  putc('\n');
  return sum;
}
