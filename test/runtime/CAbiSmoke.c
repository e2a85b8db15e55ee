/* The header is C: a C program seeds, draws and prints through it.
 * ctest runtime-c-abi checks its output. */
#include "dl_runtime.h"

int main(void) {
  dl_context *ctx = NULL;
  float x[5];
  const int64_t dims[1] = {5};
  if (dl_context_create(&ctx) != DL_OK)
    return 1;
  if (dl_generator_seed(ctx, 0) != DL_OK || dl_rand_f32(ctx, x, 5) != DL_OK)
    return 2;
  dl_print_string(ctx, stdout, "x");
  dl_print_separator(ctx, stdout);
  dl_print_tensor(ctx, stdout, DL_F32, x, 1, dims, -1);
  dl_print_end(ctx, stdout);
  if (dl_randint_f32(ctx, x, 1, 3, 3) != DL_ERR_ARG)
    return 3;
  dl_print_string(ctx, stdout, dl_context_last_error(ctx));
  dl_print_end(ctx, stdout);
  dl_context_destroy(ctx);
  return 0;
}
