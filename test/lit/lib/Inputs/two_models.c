/* Two libraries made from two-models.dl (libfirst.a, libsecond.a) in one
 * C program: each prints its forward of the batch two-models.dl uses. */
#include "first.h"
#include "second.h"

#include <stdio.h>

int main(void) {
  const float xf[4] = {1.0f, 2.0f, -0.5f, 0.25f};
  const double xd[4] = {1.0, 2.0, -0.5, 0.25};
  float yf[2 * FIRST_OUTPUT_SIZE];
  double yd[2 * SECOND_OUTPUT_SIZE];
  first_handle *a = NULL;
  second_handle *b = NULL;
  int i, ok = first_create(&a) == FIRST_OK && second_create(&b) == SECOND_OK &&
              first_load(a, "first.safetensors") == FIRST_OK && second_load(b, "second.safetensors") == SECOND_OK &&
              first_forward(a, xf, 2, yf) == FIRST_OK && second_forward(b, xd, 2, yd) == SECOND_OK;
  if (!ok) {
    printf("failed: %s / %s\n", first_last_error(a), second_last_error(b));
    first_destroy(a);
    second_destroy(b);
    return 1;
  }
  for (i = 0; i < 2 * FIRST_OUTPUT_SIZE; ++i) printf("%.8f\n", yf[i]);
  for (i = 0; i < 2 * SECOND_OUTPUT_SIZE; ++i) printf("%.8f\n", yd[i]);
  first_destroy(a);
  second_destroy(b);
  return 0;
}
