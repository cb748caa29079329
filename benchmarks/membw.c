/*===- benchmarks/membw.c - single-thread memory read bandwidth -----------===*
 *
 * Reads a buffer much larger than the caches from start to end, REPS times,
 * and prints the best rate in GB/s (10^9 bytes per second): what one core
 * streams from memory, the bound of a decoding GEMV. Built and run by
 * benchmarks/weight_only_gemv.py.
 *
 * usage: membw MIB REPS
 *
 *===----------------------------------------------------------------------===*/
#define _POSIX_C_SOURCE 199309L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: membw MIB REPS\n");
    return 2;
  }
  size_t bytes = (size_t)atol(argv[1]) << 20;
  int reps = atoi(argv[2]);
  size_t words = bytes / sizeof(uint64_t);
  uint64_t *data = aligned_alloc(64, words * sizeof(uint64_t));
  if (!data || reps < 1) {
    fprintf(stderr, "membw: cannot allocate %s MiB\n", argv[1]);
    return 1;
  }
  for (size_t i = 0; i < words; ++i)
    data[i] = i;
  double best = 1e30;
  uint64_t check = 0;
  for (int r = 0; r < reps; ++r) {
    /* Eight independent sums: the loop vectorizes and is bound by loads. */
    uint64_t s[8] = {0};
    double t = now();
    for (size_t i = 0; i < words; i += 8)
      for (int j = 0; j < 8; ++j)
        s[j] += data[i + j];
    t = now() - t;
    if (t < best)
      best = t;
    for (int j = 0; j < 8; ++j)
      check += s[j];
  }
  printf("%.3f %llu\n", bytes / best / 1e9, (unsigned long long)check);
  free(data);
  return 0;
}
