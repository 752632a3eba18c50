/* CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320): the bitwise form and the
 * table-driven form over the same buffer, which must agree. */
#include "cbench.h"

#define CRC_POLY 0xEDB88320u
#define CRC_BYTES 2048

static u32 table[256];
static u8 buffer[CRC_BYTES];

static void build_table(void) {
  for (u32 n = 0; n < 256; n++) {
    u32 c = n;
    for (int k = 0; k < 8; k++) c = (c & 1) ? CRC_POLY ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
}

static NOINLINE u32 crc_bitwise(const u8 *p, u32 len) {
  u32 crc = 0xFFFFFFFFu;
  for (u32 i = 0; i < len; i++) {
    crc ^= p[i];
    for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (CRC_POLY & -(crc & 1));
  }
  return ~crc;
}

static NOINLINE u32 crc_table(const u8 *p, u32 len) {
  u32 crc = 0xFFFFFFFFu;
  for (u32 i = 0; i < len; i++) crc = table[(crc ^ p[i]) & 255] ^ (crc >> 8);
  return ~crc;
}

u32 crc_kernel(u32 seed) {
  if (table[1] == 0) build_table();
  u32 state = seed;
  for (u32 i = 0; i < CRC_BYTES; i++) buffer[i] = (u8)(lcg(&state) >> 24);
  u32 a = crc_bitwise(buffer, CRC_BYTES / 2);
  u32 b = 0;
  for (int pass = 0; pass < 4; pass++) b += crc_table(buffer + pass, CRC_BYTES - pass);
  /* The two forms agree on the same bytes; a mismatch would show in the checksum. */
  u32 c = crc_table(buffer, CRC_BYTES / 4);
  return a ^ b ^ (a == c ? 0 : 0xDEADBEEFu);
}
