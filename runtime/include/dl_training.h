/* dl_training.h — services for training loops: what the language's
 * checkpoint(every:, path:) statement and a program's --resume call
 * (resumable training), and the progress line of batch loops.
 *
 * Same conventions as dl_runtime.h: dl_<noun>_<verb>, the context first, an
 * int status (DL_OK == 0) and a message for dl_context_last_error().
 *
 * A checkpoint is a safetensors file (dl_data.h) holding every storage of the
 * program that has a value (parameters, optimizer state and step counts,
 * variables), named by the storage, and in its "__metadata__" strings:
 *   "dlc.checkpoint"  "1", the layout's version
 *   "fingerprint"     16 hex digits: the program's storages and loop nest
 *   "position"        the enclosing loops' indices, outermost first ("3 17")
 *   "count"           how many times the checkpoint statement has run
 *   "generator"       the generator's state: the mt19937 words and position,
 *                     then the cached normal sample (a hex float, or "-")
 *   "checksum"        8 hex digits: CRC-32 of the tensors' bytes, in name order
 * It is written as dl_safetensors_save writes (a temporary file, fsync,
 * rename), so a run killed at any moment leaves the previous checkpoint or
 * the new one, whole. The temporary file is "<path>.tmp", the same for every
 * run, so a killed run leaves at most one behind, which the next save
 * replaces.
 *
 * The storages are described by parallel arrays of n entries: names[i],
 * dtypes[i], ranks[i]; buffers[i], the address of the pointer that holds the
 * storage's buffer (from dl_buffer_alloc; null while it has no value); dims[i],
 * the address of its ranks[i] current sizes.
 */
#ifndef DL_TRAINING_H
#define DL_TRAINING_H

#include "dl_runtime.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* With --resume, restores the checkpoint at path: each storage in the file
 * gets a new buffer with the file's elements and sizes (the old buffer is
 * given back), the generator its state, and the run is marked as resuming at
 * the file's position (dl_checkpoint_position) until dl_checkpoint_step runs.
 * Without --resume, or when path does not exist (a note says so on stderr),
 * nothing changes. static_dims[i] has ranks[i] sizes, -1 where a size is only
 * known at run time.
 *
 * The file must be a checkpoint of this program: every tensor a storage of
 * that dtype, rank and static sizes, every storage that has a value now
 * present, the same fingerprint and loop depth, and tensor data that matches
 * its checksum. Otherwise (DL_ERR_DATA, or DL_ERR_IO when it cannot be read)
 * the message names the file and nothing changes; the file is never written. */
int dl_checkpoint_restore(dl_context *ctx, const char *path, uint64_t fingerprint, int depth,
                          int64_t n, const char *const *names, const dl_dtype *dtypes,
                          const int *ranks, const int64_t *const *static_dims,
                          void **const *buffers, int64_t *const *dims);

/* The index the loop at `level` (0: outermost) restarts at while a resume is
 * pending, else -1. */
int64_t dl_checkpoint_position(const dl_context *ctx, int level);

/* The checkpoint statement. On a pending resume it ends the resume and does
 * nothing else (this is where the checkpoint was written). Otherwise it counts
 * one run and, every `every` runs (every >= 1), writes the checkpoint at path:
 * the storages that have a value, the generator, the count and `position`
 * (depth indices of the enclosing loops, outermost first). */
int dl_checkpoint_step(dl_context *ctx, const char *path, uint64_t fingerprint, int64_t every,
                       int depth, const int64_t *position, int64_t n, const char *const *names,
                       const dl_dtype *dtypes, const int *ranks, void *const *const *buffers,
                       const int64_t *const *dims);

/* For a program without a checkpoint statement: fails when --resume was
 * given, as there is nothing to resume from. */
int dl_checkpoint_none(dl_context *ctx);

/* One step of a batch loop is done: `batch` (from 0) of `batches`, in epoch
 * `epoch` (from 0) of `epochs` (epochs <= 0: no enclosing loop), with the
 * step's loss when has_loss. When stdout and stderr are terminals and --quiet
 * was not given, redraws one line on stderr (with \r, at most ten times a
 * second): the epoch, the batch, the mean loss of the epoch so far, batches
 * per second and the time left. The line is erased before the program prints
 * and when the context is destroyed; when either stream is not a terminal
 * nothing is written at all. */
int dl_progress_update(dl_context *ctx, int64_t epoch, int64_t epochs, int64_t batch,
                       int64_t batches, int has_loss, double loss);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* DL_TRAINING_H */
