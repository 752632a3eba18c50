/* Integer matrix multiply (i-k-j order, as compilers like it) and a transpose. */
#include "cbench.h"

#define MAT_N 20

static i32 a[MAT_N][MAT_N];
static i32 b[MAT_N][MAT_N];
static i32 c[MAT_N][MAT_N];

static NOINLINE void multiply(void) {
  for (int i = 0; i < MAT_N; i++) {
    for (int j = 0; j < MAT_N; j++) c[i][j] = 0;
    for (int k = 0; k < MAT_N; k++) {
      i32 aik = a[i][k];
      for (int j = 0; j < MAT_N; j++) c[i][j] += aik * b[k][j];
    }
  }
}

static NOINLINE void transpose_into_a(void) {
  for (int i = 0; i < MAT_N; i++)
    for (int j = 0; j < MAT_N; j++) a[j][i] = c[i][j] >> 3;
}

u32 matmul_kernel(u32 seed) {
  u32 state = seed;
  for (int i = 0; i < MAT_N; i++) {
    for (int j = 0; j < MAT_N; j++) {
      a[i][j] = (i32)(lcg(&state) >> 20) - 2048;
      b[i][j] = (i32)(lcg(&state) >> 20) - 2048;
    }
  }
  multiply();
  transpose_into_a();
  multiply();
  u32 h = 0;
  for (int i = 0; i < MAT_N; i++)
    for (int j = 0; j < MAT_N; j++) h = h * 33u ^ (u32)c[i][j];
  return h;
}
