/* Many small function calls: recursion, calls through a function-pointer table, and small
 * structs passed and returned by value — prologues, epilogues and returns everywhere. */
#include "cbench.h"

struct point {
  i32 x;
  i32 y;
};

static NOINLINE u32 fib(u32 n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static NOINLINE u32 op_add(u32 a, u32 b) { return a + b; }
static NOINLINE u32 op_xor(u32 a, u32 b) { return a ^ b; }
static NOINLINE u32 op_rot(u32 a, u32 b) { return (a << (b & 31)) | (a >> ((32 - b) & 31)); }
static NOINLINE u32 op_mul(u32 a, u32 b) { return a * (b | 1); }

typedef u32 (*binop)(u32, u32);
static binop const ops[] = { op_add, op_xor, op_rot, op_mul };

static NOINLINE struct point step(struct point p, i32 dx, i32 dy) {
  struct point q = { p.x + dx, p.y - dy };
  if (q.x > 1000) q.x -= 2000;
  if (q.y < -1000) q.y += 2000;
  return q;
}

static NOINLINE i32 manhattan(struct point a, struct point b) {
  i32 dx = a.x - b.x;
  i32 dy = a.y - b.y;
  return (dx < 0 ? -dx : dx) + (dy < 0 ? -dy : dy);
}

u32 calls_kernel(u32 seed) {
  u32 h = fib(17 + (seed & 1));
  u32 v = seed;
  for (u32 i = 0; i < 2000; i++) v = ops[(v >> 7) & 3](v, i);
  struct point p = { 0, 0 };
  struct point origin = { (i32)(seed & 63), -(i32)(seed & 31) };
  u32 dist = 0;
  for (i32 i = 0; i < 1000; i++) {
    p = step(p, i & 15, (i >> 2) & 7);
    dist += (u32)manhattan(p, origin);
  }
  return h ^ v ^ dist;
}
