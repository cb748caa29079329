/*===- harness.c - run a compiled qmlir model on raw files ----------------===*/
/*
 * Part of qmlir. A program with no per-model code: it includes the model's
 * header, reads each input from a raw file (the tensor's bytes, C order),
 * calls NAME_run (or NAME_run_packed with --packed) and writes each output as
 * a raw file (utils/harness/raw_io.py makes and checks such files). Build it
 * against a model compiled by qcompile, with NAME.h on the include path:
 *
 *   qcompile model.onnx -o out/small_cnn.o --name small_cnn
 *   cc -std=c11 -I out -DQMLIR_MODEL=small_cnn utils/harness/harness.c \
 *      out/small_cnn.o -lm -o run_small_cnn
 *   ./run_small_cnn image.bin probs.bin
 *
 * Exit status: 0, or 1 with a message on stderr (bad arguments or files, or
 * the model's non-zero status).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef QMLIR_MODEL
#error "define QMLIR_MODEL as the model's name (qcompile --name)"
#endif
/* The header is NAME.h unless QMLIR_MODEL_HEADER names another. */
#define QMLIR_STR_(x) #x
#define QMLIR_STR(x) QMLIR_STR_(x)
#ifndef QMLIR_MODEL_HEADER
#define QMLIR_MODEL_HEADER QMLIR_STR(QMLIR_MODEL.h)
#endif
#include QMLIR_MODEL_HEADER

#define QMLIR_CAT_(a, b) a##b
#define QMLIR_CAT(a, b) QMLIR_CAT_(a, b)
#define M(suffix) QMLIR_CAT(QMLIR_MODEL, suffix)

#define NUM_INPUTS M(_NUM_INPUTS)
#define NUM_OUTPUTS M(_NUM_OUTPUTS)

/* NAME_run with its arguments spelled out, from the arrays of pointers:
 * the C compiler checks the call against the header's prototype. */
#define ARGS_1(a) a[0]
#define ARGS_2(a) ARGS_1(a), a[1]
#define ARGS_3(a) ARGS_2(a), a[2]
#define ARGS_4(a) ARGS_3(a), a[3]
#define ARGS_5(a) ARGS_4(a), a[4]
#define ARGS_6(a) ARGS_5(a), a[5]
#define ARGS_7(a) ARGS_6(a), a[6]
#define ARGS_8(a) ARGS_7(a), a[7]
#define ARGS(n, a) QMLIR_CAT(ARGS_, n)(a)

static int runDirect(void **in, void **out, void *workspace) {
#if NUM_INPUTS >= 1 && NUM_INPUTS <= 8 && NUM_OUTPUTS >= 1 && NUM_OUTPUTS <= 8
  return M(_run)(ARGS(NUM_INPUTS, in), ARGS(NUM_OUTPUTS, out), workspace);
#else
#error "the harness spells out calls with 1 to 8 inputs and outputs"
#endif
}

static void *alignedBuffer(size_t bytes) {
  size_t rounded = (bytes + 63) / 64 * 64;
  return aligned_alloc(64, rounded ? rounded : 64);
}

static int readFile(const char *path, void *data, size_t bytes) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "error: cannot read '%s'\n", path);
    return 0;
  }
  size_t got = fread(data, 1, bytes, f);
  int extra = fgetc(f) != EOF;
  fclose(f);
  if (got != bytes || extra) {
    fprintf(stderr, "error: '%s' is not %zu bytes\n", path, bytes);
    return 0;
  }
  return 1;
}

static int writeFile(const char *path, const void *data, size_t bytes) {
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(data, 1, bytes, f) != bytes) {
    fprintf(stderr, "error: cannot write '%s'\n", path);
    if (f)
      fclose(f);
    return 0;
  }
  return fclose(f) == 0;
}

int main(int argc, char **argv) {
  static const size_t inSizes[] = M(_INPUT_SIZES);
  static const size_t outSizes[] = M(_OUTPUT_SIZES);
  void *in[NUM_INPUTS], *out[NUM_OUTPUTS];
  int packed = 0, first = 1;
  if (argc > 1 && strcmp(argv[1], "--packed") == 0) {
    packed = 1;
    first = 2;
  }
  if (argc - first != NUM_INPUTS + NUM_OUTPUTS) {
    fprintf(stderr, "usage: %s [--packed] INPUT.bin x %d OUTPUT.bin x %d\n",
            argv[0], NUM_INPUTS, NUM_OUTPUTS);
    return 1;
  }
  for (int i = 0; i < NUM_INPUTS; ++i) {
    in[i] = alignedBuffer(inSizes[i]);
    if (!in[i] || !readFile(argv[first + i], in[i], inSizes[i]))
      return 1;
  }
  for (int i = 0; i < NUM_OUTPUTS; ++i)
    if (!(out[i] = alignedBuffer(outSizes[i])))
      return 1;
  size_t workspaceSize = M(_workspace_size)();
  void *workspace = workspaceSize ? alignedBuffer(workspaceSize) : NULL;
  if (workspaceSize && !workspace)
    return 1;

  int status = packed ? M(_run_packed)((const void *const *)in, out, workspace)
                      : runDirect(in, out, workspace);
  if (status != QMLIR_OK) {
    fprintf(stderr, "error: the model returned %d\n", status);
    return 1;
  }
  for (int i = 0; i < NUM_OUTPUTS; ++i)
    if (!writeFile(argv[first + NUM_INPUTS + i], out[i], outSizes[i]))
      return 1;
  return 0;
}
