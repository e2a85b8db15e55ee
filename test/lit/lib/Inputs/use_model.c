/* A C99 program that embeds the model of mlp.dl through libmodel.a and
 * model.h (dlc --emit=lib).
 *   use_model run WEIGHTS          prints forward(x) for the batch mlp.dl uses
 *   use_model errors GOOD OTHER CORRUPT   each misuse: its status and message */
#include "model.h"

#include <stdio.h>
#include <string.h>

#define N 5

static void make_batch(float *x) {
  int i, j;
  for (i = 0; i < N; ++i)
    for (j = 0; j < MODEL_INPUT_SIZE; ++j) x[i * MODEL_INPUT_SIZE + j] = (float)(4 * i + j - 10) / 8.0f;
}

static void report(const char *what, model_handle *m, int status) {
  printf("%s: %d %s: %s\n", what, status, model_status_name(status), model_last_error(m));
}

static int run(const char *weights) {
  float x[N * MODEL_INPUT_SIZE], y[N * MODEL_OUTPUT_SIZE];
  model_handle *m = NULL;
  int status, i, j;
  if ((status = model_create(&m)) != MODEL_OK) {
    printf("create: %d\n", status);
    return 1;
  }
  make_batch(x);
  if ((status = model_load(m, weights)) != MODEL_OK || (status = model_forward(m, x, N, y)) != MODEL_OK) {
    report("run", m, status);
    model_destroy(m);
    return 1;
  }
  for (i = 0; i < N; ++i) {
    for (j = 0; j < MODEL_OUTPUT_SIZE; ++j) printf("%s%.8f", j ? " " : "", y[i * MODEL_OUTPUT_SIZE + j]);
    printf("\n");
  }
  /* One example at a time gives the same rows. */
  for (i = 0; i < N; ++i) {
    float one[MODEL_OUTPUT_SIZE];
    if (model_forward(m, x + i * MODEL_INPUT_SIZE, 1, one) != MODEL_OK ||
        memcmp(one, y + i * MODEL_OUTPUT_SIZE, sizeof one) != 0) {
      printf("row %d differs when run alone\n", i);
      model_destroy(m);
      return 1;
    }
  }
  model_destroy(m);
  return 0;
}

static int errors(const char *good, const char *other, const char *corrupt) {
  float x[N * MODEL_INPUT_SIZE], y[N * MODEL_OUTPUT_SIZE], again[N * MODEL_OUTPUT_SIZE];
  model_handle *m = NULL;
  make_batch(x);
  report("create(NULL)", NULL, model_create(NULL));
  if (model_create(&m) != MODEL_OK) return 1;
  report("forward before load", m, model_forward(m, x, N, y));
  report("load missing", m, model_load(m, "missing.safetensors"));
  report("load corrupt", m, model_load(m, corrupt));
  report("load other shapes", m, model_load(m, other));
  report("load NULL path", m, model_load(m, NULL));
  report("load NULL handle", NULL, model_load(NULL, good));
  report("load good", m, model_load(m, good));
  report("forward", m, model_forward(m, x, N, y));
  report("batch 0", m, model_forward(m, x, 0, y));
  report("batch -1", m, model_forward(m, x, -1, y));
  report("NULL input", m, model_forward(m, NULL, N, y));
  report("NULL output", m, model_forward(m, x, N, NULL));
  report("NULL handle", NULL, model_forward(NULL, x, N, y));
  report("threads 0", m, model_set_threads(m, 0));
  /* A failed load keeps the weights the handle had. */
  report("load other again", m, model_load(m, other));
  report("forward after failed load", m, model_forward(m, x, N, again));
  printf("same after failed load: %s\n", memcmp(y, again, sizeof y) == 0 ? "yes" : "no");
  model_destroy(m);
  model_destroy(NULL);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "run") == 0) return run(argv[2]);
  if (argc == 5 && strcmp(argv[1], "errors") == 0) return errors(argv[2], argv[3], argv[4]);
  fprintf(stderr, "usage: use_model run WEIGHTS | use_model errors GOOD OTHER CORRUPT\n");
  return 2;
}
