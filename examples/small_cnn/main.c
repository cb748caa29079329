/*===- main.c - run the compiled small CNN from C -------------------------===*/
/*
 * Part of qmlir's examples; utils/example.sh builds and runs it. qcompile
 * turns the model into an object file and a C header:
 *
 *   qcompile examples/small_cnn/model.onnx -o out/small_cnn.o --name small_cnn
 *   cc -std=c11 -I out examples/small_cnn/main.c out/small_cnn.o -lm
 *   ./a.out image.bin expected.bin
 *
 * image.bin holds the 1x3x32x32 float32 input and expected.bin the 1x10
 * float32 output the model should give (raw, C order, little-endian). The
 * program runs the model, prints its output next to the expected one,
 * compares them as ONNX's tests do (|out - expected| <= atol + rtol *
 * |expected|) and times the model. Exit status 1 on a mismatch.
 */

#define _POSIX_C_SOURCE 200112L /* clock_gettime */

#include "small_cnn.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int readFloats(const char *path, float *data, size_t count) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "error: cannot read '%s'\n", path);
    return 0;
  }
  int ok = fread(data, sizeof(float), count, f) == count && fgetc(f) == EOF;
  fclose(f);
  if (!ok)
    fprintf(stderr, "error: '%s' is not %zu floats\n", path, count);
  return ok;
}

static double seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s IMAGE.bin EXPECTED.bin\n", argv[0]);
    return 2;
  }
  /* Inputs and outputs are 64-byte aligned (docs/abi.md). */
  static _Alignas(64) float image[1 * 3 * 32 * 32];
  static _Alignas(64) float probs[1 * 10];
  float expected[1 * 10];
  if (!readFloats(argv[1], image, 1 * 3 * 32 * 32) ||
      !readFloats(argv[2], expected, 1 * 10))
    return 1;

  /* The model keeps its intermediate tensors in a workspace we provide. */
  void *workspace =
      aligned_alloc(64, (small_cnn_WORKSPACE_SIZE + 63) / 64 * 64);
  int status = small_cnn_run(image, probs, workspace);
  if (status != QMLIR_OK) {
    fprintf(stderr, "error: small_cnn_run returned %d\n", status);
    return 1;
  }

  const double rtol = 1e-3, atol = 1e-7;
  double maxError = 0;
  int ok = 1, best = 0;
  printf("probs   ");
  for (int i = 0; i < 10; ++i)
    printf(" %.6g", probs[i]);
  printf("\nexpected");
  for (int i = 0; i < 10; ++i) {
    printf(" %.6g", expected[i]);
    double error = fabs((double)probs[i] - expected[i]);
    maxError = fmax(maxError, error);
    ok &= error <= atol + rtol * fabs(expected[i]);
    best = probs[i] > probs[best] ? i : best;
  }
  printf("\n%s: max abs error %.3g (atol %g, rtol %g); most likely class %d\n",
         ok ? "ok" : "MISMATCH", maxError, atol, rtol, best);

  double fastest = INFINITY;
  for (int run = 0; run < 100; ++run) {
    double start = seconds();
    small_cnn_run(image, probs, workspace);
    fastest = fmin(fastest, seconds() - start);
  }
  printf("small_cnn_run: %.3f ms (best of 100 runs)\n", fastest * 1e3);
  free(workspace);
  return ok ? 0 : 1;
}
