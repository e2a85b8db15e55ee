/* dl_model.h — the handle behind a library made by `dlc --emit=lib`.
 *
 * The generated <name>.h declares a typed API (<name>_create, _load,
 * _forward, ...); its functions, generated into the library, call these with
 * the model's description: its parameters (names as `save(net, path)` writes
 * them, element types and shapes) and its compiled forward pass.
 *
 * A handle owns a dl_context (buffers, threads, the last error message) and
 * the parameters' buffers: two handles share nothing, so they can be used
 * from two threads at once. One handle is used by one thread at a time.
 * Nothing here prints or exits.
 */
#ifndef DL_MODEL_H
#define DL_MODEL_H

#include "dl_runtime.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dl_model dl_model;

/* The compiled forward pass: reads x (n examples, `input_size` elements
 * each), writes y (n * `output_size` elements); params[i] holds parameter i.
 * Returns a dl_status, the message recorded on ctx. */
typedef int (*dl_model_forward_fn)(dl_context *ctx, void *const *params, const void *x, int64_t n, void *y);

/* A handle for a model with `param_count` parameters: names[i], dtypes[i]
 * (dl_dtype values), ranks[i] and dims[i] (ranks[i] sizes, all static).
 * input_size and output_size are the elements of one example's input and
 * output, elem sizes their bytes per element. The arrays must outlive the
 * handle (the generated code passes constants). The parameters start out
 * unset: forward fails with DL_ERR_STATE until dl_model_load succeeds. */
int dl_model_create(dl_model **out, int64_t param_count, const char *const *names, const int32_t *dtypes,
                    const int32_t *ranks, const int64_t *const *dims, dl_model_forward_fn forward,
                    int64_t input_size, int64_t input_elem_size, int64_t output_size,
                    int64_t output_elem_size);
/* Frees the handle and everything it owns; null is ignored. */
void dl_model_destroy(dl_model *model);
/* Reads every parameter from a safetensors file (what `save(net, path)`
 * writes): exactly the model's names, element types and shapes. On failure
 * the parameters are left as they were. */
int dl_model_load(dl_model *model, const char *path);
/* Runs forward on n >= 1 examples. */
int dl_model_forward(dl_model *model, const void *x, int64_t n, void *y);
/* Threads for large matrix products (default 1). */
int dl_model_set_threads(dl_model *model, int threads);
/* The message of the handle's last failed call ("" if none); a null handle
 * gives a fixed message. Valid until the next call on the handle. */
const char *dl_model_last_error(const dl_model *model);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* DL_MODEL_H */
