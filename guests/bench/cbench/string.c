/* Freestanding string and memory functions (word at a time where alignment allows), and a
 * kernel that uses them the way text-processing code does: copy, compare, tokenize, hash. */
#include "cbench.h"

/* Keep GCC from recognising these loops as memset/memcpy and calling themselves. */
#define LIBC_FN __attribute__((optimize("no-tree-loop-distribute-patterns")))

LIBC_FN void *memcpy(void *dst, const void *src, size_t n) {
  u8 *d = dst;
  const u8 *s = src;
  if ((((u32)d | (u32)s) & 3) == 0) {
    for (; n >= 4; n -= 4, d += 4, s += 4) *(u32 *)d = *(const u32 *)s;
  }
  while (n--) *d++ = *s++;
  return dst;
}

LIBC_FN void *memset(void *dst, int c, size_t n) {
  u8 *d = dst;
  u32 word = (u8)c * 0x01010101u;
  while (n > 0 && ((u32)d & 3) != 0) {
    *d++ = (u8)c;
    n--;
  }
  for (; n >= 4; n -= 4, d += 4) *(u32 *)d = word;
  while (n--) *d++ = (u8)c;
  return dst;
}

LIBC_FN void *memmove(void *dst, const void *src, size_t n) {
  u8 *d = dst;
  const u8 *s = src;
  if (d <= s || d >= s + n) return memcpy(dst, src, n);
  while (n--) d[n] = s[n];
  return dst;
}

LIBC_FN int memcmp(const void *a, const void *b, size_t n) {
  const u8 *p = a;
  const u8 *q = b;
  for (size_t i = 0; i < n; i++) {
    if (p[i] != q[i]) return p[i] - q[i];
  }
  return 0;
}

LIBC_FN size_t strlen(const char *s) {
  const char *p = s;
  while (*p) p++;
  return (size_t)(p - s);
}

LIBC_FN int strcmp(const char *a, const char *b) {
  while (*a && *a == *b) {
    a++;
    b++;
  }
  return (u8)*a - (u8)*b;
}

LIBC_FN char *strcpy(char *dst, const char *src) {
  char *d = dst;
  while ((*d++ = *src++) != 0) {
  }
  return dst;
}

#define TEXT_BYTES 3072
#define HASH_BUCKETS 64
#define MAX_WORD 16

static char text[TEXT_BYTES];
static char copy[TEXT_BYTES];
static char words[HASH_BUCKETS][MAX_WORD];
static u32 counts[HASH_BUCKETS];

static const char *const vocabulary[] = {
  "trap", "emulate", "hypercall", "shadow", "page", "table", "guest", "kernel", "virtio",
  "ring", "batch", "exit", "entry", "vcpu", "timer", "console",
};

/* Fill `text` with words from the vocabulary separated by spaces, NUL-terminated. */
static NOINLINE void make_text(u32 seed) {
  u32 state = seed;
  size_t at = 0;
  for (;;) {
    const char *w = vocabulary[(lcg(&state) >> 16) % (sizeof vocabulary / sizeof vocabulary[0])];
    size_t len = strlen(w);
    if (at + len + 2 >= TEXT_BYTES) break;
    memcpy(text + at, w, len);
    at += len;
    text[at++] = ' ';
  }
  text[at] = 0;
}

static u32 hash_word(const char *w, size_t len) {
  u32 h = 2166136261u; /* FNV-1a */
  for (size_t i = 0; i < len; i++) h = (h ^ (u8)w[i]) * 16777619u;
  return h;
}

/* Count each distinct word with an open-addressing table keyed by strcmp. */
static NOINLINE u32 count_words(const char *s) {
  memset(words, 0, sizeof words);
  memset(counts, 0, sizeof counts);
  char word[MAX_WORD];
  u32 total = 0;
  while (*s) {
    while (*s == ' ') s++;
    size_t len = 0;
    while (s[len] != 0 && s[len] != ' ') len++;
    if (len == 0) break;
    if (len >= MAX_WORD) len = MAX_WORD - 1;
    memcpy(word, s, len);
    word[len] = 0;
    s += len;
    u32 slot = hash_word(word, len) & (HASH_BUCKETS - 1);
    while (words[slot][0] != 0 && strcmp(words[slot], word) != 0) slot = (slot + 1) & (HASH_BUCKETS - 1);
    if (words[slot][0] == 0) strcpy(words[slot], word);
    counts[slot]++;
    total++;
  }
  u32 h = total;
  for (u32 i = 0; i < HASH_BUCKETS; i++) h = h * 131u + counts[i] * (i + 1);
  return h;
}

u32 string_kernel(u32 seed) {
  make_text(seed);
  size_t len = strlen(text);
  memcpy(copy, text, len + 1);
  memmove(copy + 1, copy, len / 2);
  u32 h = (u32)len ^ (u32)memcmp(copy, text, len) ^ (u32)strcmp(copy + len / 2, text + len / 2);
  return h ^ count_words(text);
}
