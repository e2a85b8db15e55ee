/* dl_data.h — the runtime's data services: what the language's load_csv,
 * load_npy, load_idx, save and load call.
 *
 * Same conventions as dl_runtime.h: dl_<noun>_<verb>, the context first, an
 * int status (DL_OK == 0) and a message for dl_context_last_error() on
 * failure. Messages name the file (and the line, for CSV) and say what was
 * expected and what was found:
 *
 *   cannot open 'x.csv': No such file or directory
 *   digits.csv:12: expected 65 columns (64 features and a label), found 63
 *   digits.csv:7: column 3 is not a number: 'abc'
 *   net.safetensors: tensor 'fc1.W' has shape [64, 100], expected [64, 128]
 *
 * Status codes: DL_ERR_ARG for invalid arguments, DL_ERR_IO when a file
 * cannot be opened, read or written, DL_ERR_DATA when its contents are
 * malformed or do not match what was asked for, DL_ERR_MEMORY when an
 * allocation fails.
 *
 * Nothing is half done: a failing load leaves every output argument (and
 * every caller buffer) as it was, and a failing save leaves no file behind
 * (an existing file at the path is kept as it was).
 *
 * Loaders read gzip-compressed files transparently (whatever their name).
 * Buffers returned by the loaders are 64-byte aligned and malloc'd: free them
 * with dl_data_free (or dl_buffer_free, which is the same).
 */
#ifndef DL_DATA_H
#define DL_DATA_H

#include "dl_runtime.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Frees a buffer returned by a loader; a null pointer is ignored. */
void dl_data_free(void *data);

/* ---- CSV ------------------------------------------------------------------
 *
 * A numeric CSV file: comma-separated, one sample per line, `features + 1`
 * columns (the features and one label). Cells may be surrounded by spaces or
 * double quotes; blank lines are skipped; numbers are read as doubles and
 * rounded to f32 (as numpy.loadtxt followed by astype(float32) would).
 *
 * label_column: the label's 0-based column, -1 for the last one.
 * classes: > 0 for classification: every label must be an integer in
 *   [0, classes) and *y receives int32 labels; 0 for regression: *y receives
 *   f32 targets.
 * header: 1 the first line is a header (skipped), 0 there is none, -1 decide:
 *   the first line is a header when one of its cells is not a number.
 * On success *x is f32 [rows, features] (row-major, the label column left
 * out), *y has `rows` elements, *rows >= 1. A file without data rows is an
 * error. Line and column numbers in messages count from 1.
 */
int dl_csv_load(dl_context *ctx, const char *path, int64_t features,
                int64_t label_column, int64_t classes, int header,
                float **x, void **y, int64_t *rows);

/* ---- NPY (numpy.save) -----------------------------------------------------
 *
 * Format versions 1.0, 2.0 and 3.0; C order only. Element types in the file:
 * f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1, either byte order. They convert to
 * `want` (DL_F32, DL_F64, DL_I32 or DL_BOOL) as numpy's astype would, except
 * that a conversion to i32 must be exact: 2.5 or 3e9 is an error naming the
 * element. To bool: nonzero is 1.
 *
 * rank: the number of dimensions the array must have (>= 0).
 * want_dims: `rank` entries, each a required size or -1 for any; null means
 *   any sizes.
 * On success *data holds the elements (C order) and dims_out[0..rank) the
 * array's shape.
 */
int dl_npy_load(dl_context *ctx, const char *path, dl_dtype want, int rank,
                const int64_t *want_dims, void **data, int64_t *dims_out);

/* ---- IDX (MNIST's format) -------------------------------------------------
 *
 * Magic 00 00 <type> <rank>, then `rank` big-endian u32 sizes, then the
 * elements, big-endian. Types: 08 u8, 09 i8, 0B i16, 0C i32, 0D f32, 0E f64.
 * Conversions, rank and want_dims as for dl_npy_load. MNIST's u8 pixels load
 * as f32 0..255 (scaling is left to the program) and its u8 labels as i32.
 */
int dl_idx_load(dl_context *ctx, const char *path, dl_dtype want, int rank,
                const int64_t *want_dims, void **data, int64_t *dims_out);

/* ---- safetensors ----------------------------------------------------------
 *
 * The format of Hugging Face's safetensors: an 8-byte little-endian header
 * length, a JSON header {"name": {"dtype": "F32", "shape": [2, 3],
 * "data_offsets": [begin, end]}, ..., "__metadata__": {...}} padded with
 * spaces to a multiple of 8 bytes, then the tensors' bytes, little-endian,
 * row-major, back to back. dtypes: DL_F32 "F32", DL_F64 "F64", DL_I32 "I32",
 * DL_BOOL "BOOL".
 */

/* Writes n tensors: names[i] (unique, non-empty), dtypes[i], ranks[i] >= 0,
 * dims[i] (ranks[i] sizes; may be null for rank 0) and data[i] (contiguous;
 * may be null when the tensor has no elements). The file is written to
 * "<path>.tmp.<pid>", flushed to disk and renamed over path, so a reader (or
 * a crash) sees the old file or the new one, never part of one. */
int dl_safetensors_save(dl_context *ctx, const char *path, int64_t n,
                        const char *const *names, const dl_dtype *dtypes,
                        const int *ranks, const int64_t *const *dims,
                        const void *const *data);

/* Reads the n named tensors into the caller's buffers data_out[i] (room for
 * their elements). The file must hold exactly these tensors, each with the
 * given dtype and shape: a missing tensor, a different dtype or shape, or a
 * tensor that was not asked for is an error naming it. Every check is done
 * before any buffer is written. */
int dl_safetensors_load(dl_context *ctx, const char *path, int64_t n,
                        const char *const *names, const dl_dtype *dtypes,
                        const int *ranks, const int64_t *const *dims,
                        void *const *data_out);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* DL_DATA_H */
