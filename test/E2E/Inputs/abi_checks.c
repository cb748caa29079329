/*===- abi_checks.c - the status codes of a compiled model's C ABI --------===*/
/*
 * Part of qmlir's tests. Built against any model compiled by qcompile
 * (-DQMLIR_MODEL=NAME, with NAME.h on the include path): every documented
 * error is returned for what it describes, before any output is written, and
 * a valid call returns QMLIR_OK. Prints one line per check; exits 1 at the
 * first failure.
 */

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
/* The buffers, and the pointer arrays the checks tamper with. */
static void *inBuf[NUM_INPUTS], *outBuf[NUM_OUTPUTS];
static void *in[NUM_INPUTS], *out[NUM_OUTPUTS];

static void *alignedBuffer(size_t bytes) {
  /* 64 spare bytes for misaligned pointers into the buffer. */
  size_t rounded = (bytes + 127) / 64 * 64;
  void *p = aligned_alloc(64, rounded);
  if (!p)
    exit(1);
  memset(p, 0, rounded);
  return p;
}

static void poisonOutputs(void) {
  for (int i = 0; i < NUM_OUTPUTS; ++i)
    memset(outBuf[i], 0xAB, outSizes[i]);
}

static int outputsUntouched(void) {
  for (int i = 0; i < NUM_OUTPUTS; ++i)
    for (size_t k = 0; k < outSizes[i]; ++k)
      if (((unsigned char *)outBuf[i])[k] != 0xAB)
        return 0;
  return 1;
}

static int check(const char *what, int got, int expected) {
  int untouched = expected == QMLIR_OK || outputsUntouched();
  printf("%s: %d%s\n", what, got, untouched ? "" : " (outputs written!)");
  if (got != expected || !untouched) {
    printf("error: expected %d\n", expected);
    exit(1);
  }
  poisonOutputs();
  return 1;
}

int main(void) {
  size_t size = M(_workspace_size)();
  printf("workspace: %zu bytes, header says %zu\n", size,
         (size_t)M(_WORKSPACE_SIZE));
  if (size != (size_t)M(_WORKSPACE_SIZE))
    return 1;
  for (int i = 0; i < NUM_INPUTS; ++i)
    in[i] = inBuf[i] = alignedBuffer(inSizes[i]);
  for (int i = 0; i < NUM_OUTPUTS; ++i)
    out[i] = outBuf[i] = alignedBuffer(outSizes[i]);
  char *ws = alignedBuffer(size);
  poisonOutputs();
  const void *const *ins = (const void *const *)in;

  check("NULL inputs array", M(_run_packed)(NULL, out, ws),
        QMLIR_ERR_NULL_BUFFER);
  check("NULL outputs array", M(_run_packed)(ins, NULL, ws),
        QMLIR_ERR_NULL_BUFFER);
  in[0] = NULL;
  check("NULL input", M(_run_packed)(ins, out, ws), QMLIR_ERR_NULL_BUFFER);
  in[0] = (char *)inBuf[0] + 4;
  check("misaligned input", M(_run_packed)(ins, out, ws),
        QMLIR_ERR_MISALIGNED_BUFFER);
  in[0] = inBuf[0];
  out[NUM_OUTPUTS - 1] = NULL;
  check("NULL output", M(_run_packed)(ins, out, ws), QMLIR_ERR_NULL_BUFFER);
  out[NUM_OUTPUTS - 1] = (char *)outBuf[NUM_OUTPUTS - 1] + 32;
  check("misaligned output", M(_run_packed)(ins, out, ws),
        QMLIR_ERR_MISALIGNED_BUFFER);
  out[NUM_OUTPUTS - 1] = outBuf[NUM_OUTPUTS - 1];
  if (size > 0) {
    check("NULL workspace", M(_run_packed)(ins, out, NULL),
          QMLIR_ERR_NULL_WORKSPACE);
    check("misaligned workspace", M(_run_packed)(ins, out, ws + 8),
          QMLIR_ERR_MISALIGNED_WORKSPACE);
  }
  check("valid call", M(_run_packed)(ins, out, ws), QMLIR_OK);
  printf("abi ok\n");
  return 0;
}
