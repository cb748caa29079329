/*===- main.c - classify an image with the compiled small CNN -------------===*/
/*
 * Part of qmlir's examples. Reads a 3x32x32 float32 image (raw, C order,
 * little-endian) from a file, runs the model compiled by qmlir_add_model
 * (CMakeLists.txt) and prints the ten class probabilities and the most
 * likely class.
 */

#include "small_cnn.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s IMAGE.bin\n", argv[0]);
    return 2;
  }
  /* Inputs, outputs and the workspace are 64-byte aligned (docs/abi.md). */
  static _Alignas(64) float image[1 * 3 * 32 * 32];
  static _Alignas(64) float probs[1 * 10];
  FILE *f = fopen(argv[1], "rb");
  if (!f) {
    fprintf(stderr, "error: cannot read '%s'\n", argv[1]);
    return 1;
  }
  int ok = fread(image, sizeof image, 1, f) == 1 && fgetc(f) == EOF;
  fclose(f);
  if (!ok) {
    fprintf(stderr, "error: '%s' is not %zu bytes\n", argv[1], sizeof image);
    return 1;
  }

  size_t size = (small_cnn_workspace_size() + 63) / 64 * 64;
  void *workspace = size ? aligned_alloc(64, size) : NULL;
  int status = small_cnn_run(image, probs, workspace);
  free(workspace);
  if (status != QMLIR_OK) {
    fprintf(stderr, "error: small_cnn_run returned %d\n", status);
    return 1;
  }

  int best = 0;
  for (int i = 0; i < 10; ++i) {
    printf("class %d: %.5f\n", i, probs[i]);
    if (probs[i] > probs[best])
      best = i;
  }
  printf("most likely: class %d\n", best);
  return 0;
}
