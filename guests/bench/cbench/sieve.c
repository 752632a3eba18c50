/* Sieve of Eratosthenes over a byte array: loads, stores and a strided inner loop. */
#include "cbench.h"

#define SIEVE_LIMIT 16384

static u8 composite[SIEVE_LIMIT];

u32 sieve_kernel(u32 seed) {
  u32 limit = SIEVE_LIMIT - (seed & 255);
  memset(composite, 0, limit);
  u32 count = 0;
  u32 sum = 0;
  for (u32 i = 2; i < limit; i++) {
    if (composite[i]) continue;
    count++;
    sum += i;
    for (u32 j = i * i; j < limit; j += i) composite[j] = 1;
  }
  return count * 65599u + sum;
}
