/* dl_dataset.h — the run-time side of the language's split and batches:
 * random permutations of a data set's rows, as PyTorch 1.13 draws them
 * (torch.randperm for random_split, and a DataLoader's pass).
 *
 * Same conventions as dl_runtime.h: dl_<noun>_<verb>, the context first, an
 * int status (DL_OK == 0) and a message for dl_context_last_error().
 *
 * torch.randperm(n) on the CPU (aten/src/ATen/native/TensorFactories.cpp,
 * randperm_cpu) starts from 0, 1, ..., n-1 and, for i = 0 .. n-2, swaps
 * element i with element i + z, z = generator.random() % (n - i), one 32-bit
 * draw per step (n - 1 draws in all; none when n <= 1).
 */
#ifndef DL_DATASET_H
#define DL_DATASET_H

#include "dl_runtime.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* out[0..n) = torch.randperm(n), drawn from the context's generator (as
 * torch draws from its default generator). 0 <= n <= 2^31 - 1. */
int dl_randperm_i32(dl_context *ctx, int32_t *out, int64_t n);

/* out[0..n) = torch.randperm(n, generator=torch.Generator().manual_seed(seed)):
 * drawn from a private generator seeded with `seed` (low 32 bits, as
 * dl_generator_seed), so the context's generator is left as it was. */
int dl_randperm_seeded_i32(dl_context *ctx, int32_t *out, int64_t n, uint64_t seed);

/* One pass of torch.utils.data.DataLoader over n rows: out[0..n) receives
 * the rows in the order the pass visits them, and the generator draws are
 * the pass's. That is the pass of
 *   DataLoader(ds, batch_size=b, shuffle=shuffle, generator=G)
 * where G = torch.Generator().manual_seed(seed) when `seeded`, else torch's
 * default generator (the context's). PyTorch 1.13's pass first draws its
 * 64-bit base seed from G (two 32-bit draws), then, when shuffling, its
 * RandomSampler permutes: with a given G, torch.randperm(n, generator=G);
 * with the default one, it draws a 64-bit seed from it (two more draws) and
 * permutes with a fresh generator seeded with that (its low 32 bits). Not
 * shuffling, out is 0, 1, ..., n-1. A seeded pass leaves the context's
 * generator as it was. */
int dl_loader_order_i32(dl_context *ctx, int32_t *out, int64_t n, int shuffle, int seeded, uint64_t seed);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* DL_DATASET_H */
