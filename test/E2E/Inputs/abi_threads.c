/*===- abi_threads.c - concurrent runs with separate workspaces -----------===*/
/*
 * Part of qmlir's tests. Built against any model compiled by qcompile
 * (-DQMLIR_MODEL=NAME -pthread, with NAME.h on the include path): runs the
 * model once for reference, then from two threads at once, each with its own
 * workspace and outputs, ITERATIONS times each, and compares every result
 * with the reference byte for byte.
 *
 *   abi_threads ITERATIONS INPUT.bin...
 */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STR_(x) #x
#define STR(x) STR_(x)
#include STR(QMLIR_MODEL.h)

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define M(suffix) CAT(QMLIR_MODEL, suffix)
#define NUM_INPUTS M(_NUM_INPUTS)
#define NUM_OUTPUTS M(_NUM_OUTPUTS)

static const size_t inSizes[] = M(_INPUT_SIZES);
static const size_t outSizes[] = M(_OUTPUT_SIZES);
static void *in[NUM_INPUTS], *reference[NUM_OUTPUTS];
static int iterations;

static void *alignedBuffer(size_t bytes) {
  size_t rounded = (bytes + 63) / 64 * 64;
  void *p = aligned_alloc(64, rounded ? rounded : 64);
  if (!p)
    exit(1);
  return p;
}

struct Worker {
  void *out[NUM_OUTPUTS];
  void *workspace;
  int mismatches, failures;
};

static void *work(void *arg) {
  struct Worker *w = arg;
  for (int it = 0; it < iterations; ++it) {
    for (int i = 0; i < NUM_OUTPUTS; ++i)
      memset(w->out[i], 0, outSizes[i]);
    if (M(_run_packed)((const void *const *)in, w->out, w->workspace) !=
        QMLIR_OK)
      ++w->failures;
    for (int i = 0; i < NUM_OUTPUTS; ++i)
      if (memcmp(w->out[i], reference[i], outSizes[i]) != 0)
        ++w->mismatches;
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 2 + NUM_INPUTS) {
    fprintf(stderr, "usage: %s ITERATIONS INPUT.bin x %d\n", argv[0],
            NUM_INPUTS);
    return 1;
  }
  iterations = atoi(argv[1]);
  for (int i = 0; i < NUM_INPUTS; ++i) {
    in[i] = alignedBuffer(inSizes[i]);
    FILE *f = fopen(argv[2 + i], "rb");
    if (!f || fread(in[i], 1, inSizes[i], f) != inSizes[i]) {
      fprintf(stderr, "error: cannot read %zu bytes from '%s'\n", inSizes[i],
              argv[2 + i]);
      return 1;
    }
    fclose(f);
  }
  size_t size = M(_workspace_size)();
  for (int i = 0; i < NUM_OUTPUTS; ++i)
    reference[i] = alignedBuffer(outSizes[i]);
  if (M(_run_packed)((const void *const *)in, reference, alignedBuffer(size)) !=
      QMLIR_OK)
    return 1;

  struct Worker workers[2];
  pthread_t threads[2];
  for (int t = 0; t < 2; ++t) {
    for (int i = 0; i < NUM_OUTPUTS; ++i)
      workers[t].out[i] = alignedBuffer(outSizes[i]);
    workers[t].workspace = alignedBuffer(size);
    workers[t].mismatches = workers[t].failures = 0;
  }
  for (int t = 0; t < 2; ++t)
    if (pthread_create(&threads[t], NULL, work, &workers[t]) != 0)
      return 1;
  int bad = 0;
  for (int t = 0; t < 2; ++t) {
    pthread_join(threads[t], NULL);
    printf("thread %d: %d runs, %d failed, %d outputs differ from the "
           "reference\n",
           t, iterations, workers[t].failures, workers[t].mismatches);
    bad += workers[t].failures + workers[t].mismatches;
  }
  if (bad)
    return 1;
  printf("threads ok\n");
  return 0;
}
