/* embed-classes.dl's model through libembed.a: i32 input, and a run-time
 * error inside forward (a label out of range) that returns a status with
 * the message instead of ending the program. */
#include "embed.h"

#include <stdio.h>

static void show(embed_handle *m, const int32_t *labels, int64_t n) {
  float y[4 * EMBED_OUTPUT_SIZE];
  int64_t i;
  int status = embed_forward(m, labels, n, y);
  if (status != EMBED_OK) {
    printf("%s: %s\n", embed_status_name(status), embed_last_error(m));
    return;
  }
  for (i = 0; i < n * EMBED_OUTPUT_SIZE; ++i) printf("%s%.1f", i ? " " : "", y[i]);
  printf("\n");
}

int main(void) {
  const int32_t good[3] = {0, 2, 1}, bad[4] = {1, 0, 7, 2};
  embed_handle *m;
  int i;
  if (embed_create(&m) != EMBED_OK) return 1;
  if (embed_load(m, "embed.safetensors") != EMBED_OK) {
    printf("%s\n", embed_last_error(m));
    embed_destroy(m);
    return 1;
  }
  show(m, good, 3);
  for (i = 0; i < 1000; ++i) {
    float y[4 * EMBED_OUTPUT_SIZE];
    if (embed_forward(m, bad, 4, y) != EMBED_ERR_ARG) return 1;
  }
  show(m, bad, 4);
  show(m, good, 3);
  embed_destroy(m);
  return 0;
}
