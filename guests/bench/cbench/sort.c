/* Sorting: a recursive quicksort that hands small partitions to insertion sort, and a
 * bottom-up merge sort through a scratch buffer. */
#include "cbench.h"

#define SORT_N 1024
#define INSERTION_CUTOFF 12

static i32 data[SORT_N];
static i32 scratch[SORT_N];

static void insertion_sort(i32 *a, int n) {
  for (int i = 1; i < n; i++) {
    i32 v = a[i];
    int j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

static NOINLINE void quicksort(i32 *a, int n) {
  while (n > INSERTION_CUTOFF) {
    i32 pivot = a[n / 2];
    int i = 0;
    int j = n - 1;
    for (;;) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i >= j) break;
      i32 t = a[i];
      a[i] = a[j];
      a[j] = t;
      i++;
      j--;
    }
    /* Recurse into the smaller side, loop on the larger: bounded stack depth. */
    if (j + 1 < n - j - 1) {
      quicksort(a, j + 1);
      a += j + 1;
      n -= j + 1;
    } else {
      quicksort(a + j + 1, n - j - 1);
      n = j + 1;
    }
  }
  insertion_sort(a, n);
}

static NOINLINE void merge_sort(i32 *a, i32 *tmp, int n) {
  for (int width = 1; width < n; width *= 2) {
    for (int lo = 0; lo < n; lo += 2 * width) {
      int mid = lo + width < n ? lo + width : n;
      int hi = lo + 2 * width < n ? lo + 2 * width : n;
      int i = lo, j = mid, k = lo;
      while (i < mid && j < hi) tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
      while (i < mid) tmp[k++] = a[i++];
      while (j < hi) tmp[k++] = a[j++];
    }
    memcpy(a, tmp, (size_t)n * sizeof a[0]);
  }
}

static u32 digest(const i32 *a, int n) {
  u32 h = 0;
  for (int i = 0; i < n; i++) h = h * 31u + (u32)a[i];
  return h;
}

u32 sort_kernel(u32 seed) {
  u32 state = seed;
  for (int i = 0; i < SORT_N; i++) data[i] = (i32)(lcg(&state) >> 8) - (1 << 23);
  quicksort(data, SORT_N);
  u32 h = digest(data, SORT_N);
  for (int i = 0; i < SORT_N; i++) data[i] = (i32)(lcg(&state) >> 12);
  merge_sort(data, scratch, SORT_N);
  return h ^ digest(data, SORT_N);
}
