// dl_model_*: the handle behind a library made by `dlc --emit=lib`
// (include/dl_model.h). The parameters live in buffers of the handle's own
// context; loading reads into fresh buffers and swaps them in only when the
// whole file was read, so a failed load keeps the old weights.
#include "Context.h"
#include "dl_data.h"
#include "dl_model.h"

#include <new>
#include <string>
#include <vector>

struct dl_model {
  dl_context *ctx = nullptr;
  std::vector<const char *> names;
  std::vector<dl_dtype> dtypes;
  std::vector<int> ranks;
  std::vector<const int64_t *> dims;
  std::vector<int64_t> bytes;   // per parameter
  std::vector<void *> params;   // null until loaded
  dl_model_forward_fn forward = nullptr;
  int64_t inputSize = 0, inputElem = 0, outputSize = 0, outputElem = 0;
  bool loaded = false;
};

namespace {

int64_t elementBytes(dl_dtype dtype) {
  switch (dtype) {
  case DL_F64: return 8;
  case DL_BOOL: return 1;
  default: return 4;
  }
}

void freeAll(dl_context *ctx, std::vector<void *> &buffers) {
  for (void *&b : buffers) {
    dl_buffer_free(ctx, b);
    b = nullptr;
  }
}

// Whether n examples of `perExample` elements of `elem` bytes fit in int64.
bool fits(int64_t n, int64_t perExample, int64_t elem) {
  return perExample == 0 || n <= INT64_MAX / perExample / (elem > 0 ? elem : 1);
}

} // namespace

extern "C" {

int dl_model_create(dl_model **out, int64_t param_count, const char *const *names, const int32_t *dtypes,
                    const int32_t *ranks, const int64_t *const *dims, dl_model_forward_fn forward,
                    int64_t input_size, int64_t input_elem_size, int64_t output_size,
                    int64_t output_elem_size) {
  if (out == nullptr)
    return DL_ERR_ARG;
  *out = nullptr;
  if (param_count < 0 || forward == nullptr ||
      (param_count > 0 && (names == nullptr || dtypes == nullptr || ranks == nullptr || dims == nullptr)))
    return DL_ERR_ARG;
  dl_model *model = new (std::nothrow) dl_model;
  if (model == nullptr)
    return DL_ERR_MEMORY;
  try {
    for (int64_t i = 0; i < param_count; ++i) {
      model->names.push_back(names[i]);
      model->dtypes.push_back(static_cast<dl_dtype>(dtypes[i]));
      model->ranks.push_back(ranks[i]);
      model->dims.push_back(dims[i]);
      int64_t count = 1;
      for (int d = 0; d < ranks[i]; ++d)
        count *= dims[i][d];
      model->bytes.push_back(count * elementBytes(static_cast<dl_dtype>(dtypes[i])));
    }
    model->params.assign(static_cast<size_t>(param_count), nullptr);
  } catch (...) {
    delete model;
    return DL_ERR_MEMORY;
  }
  if (int status = dl_context_create(&model->ctx); status != DL_OK) {
    delete model;
    return status;
  }
  model->forward = forward;
  model->inputSize = input_size;
  model->inputElem = input_elem_size;
  model->outputSize = output_size;
  model->outputElem = output_elem_size;
  *out = model;
  return DL_OK;
}

void dl_model_destroy(dl_model *model) {
  if (model == nullptr)
    return;
  freeAll(model->ctx, model->params);
  dl_context_destroy(model->ctx);
  delete model;
}

int dl_model_load(dl_model *model, const char *path) {
  if (model == nullptr)
    return DL_ERR_ARG;
  dl_context *ctx = model->ctx;
  if (path == nullptr)
    return dl::fail(ctx, DL_ERR_ARG, "load: the path is a null pointer");
  size_t n = model->params.size();
  std::vector<void *> fresh;
  try {
    fresh.assign(n, nullptr);
  } catch (...) {
    return dl::fail(ctx, DL_ERR_MEMORY, "out of memory");
  }
  for (size_t i = 0; i < n; ++i)
    if (int status = dl_buffer_alloc(ctx, model->bytes[i], &fresh[i]); status != DL_OK) {
      freeAll(ctx, fresh);
      return status;
    }
  int status = dl_safetensors_load(ctx, path, static_cast<int64_t>(n), model->names.data(), model->dtypes.data(),
                                   model->ranks.data(), model->dims.data(), fresh.data());
  if (status != DL_OK) {
    freeAll(ctx, fresh);
    return status;
  }
  model->params.swap(fresh);
  freeAll(ctx, fresh);
  model->loaded = true;
  return DL_OK;
}

int dl_model_forward(dl_model *model, const void *x, int64_t n, void *y) {
  if (model == nullptr)
    return DL_ERR_ARG;
  dl_context *ctx = model->ctx;
  if (x == nullptr || y == nullptr)
    return dl::fail(ctx, DL_ERR_ARG, std::string("forward: the ") + (x == nullptr ? "input" : "output") +
                                         " buffer is a null pointer");
  if (n < 1)
    return dl::fail(ctx, DL_ERR_ARG, "forward: the batch size must be at least 1, got " + std::to_string(n));
  if (!fits(n, model->inputSize, model->inputElem) || !fits(n, model->outputSize, model->outputElem))
    return dl::fail(ctx, DL_ERR_ARG, "forward: the batch size " + std::to_string(n) + " is too large");
  if (!model->loaded)
    return dl::fail(ctx, DL_ERR_STATE, "forward: no weights loaded yet (call load first)");
  return model->forward(ctx, model->params.data(), x, n, y);
}

int dl_model_set_threads(dl_model *model, int threads) {
  if (model == nullptr)
    return DL_ERR_ARG;
  return dl_context_set_threads(model->ctx, threads);
}

const char *dl_model_last_error(const dl_model *model) {
  if (model == nullptr)
    return "no model (null handle)";
  return dl_context_last_error(model->ctx);
}

} // extern "C"
