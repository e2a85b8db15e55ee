/* dl_runtime.h — the C ABI that binaries compiled by dlc link against.
 *
 * The runtime provides services to the generated native code: a context that
 * owns all mutable state, the random number generator (number-for-number equal
 * to PyTorch 1.13's CPU generator) and printing (character-for-character equal
 * to PyTorch 1.13's print(tensor)). There is no global mutable state: every
 * call takes the context first, and two contexts never share anything.
 *
 * Conventions: functions are named dl_<noun>_<verb>; every function that can
 * fail returns a dl_status (DL_OK == 0) and leaves a message for
 * dl_context_last_error(). A context is not thread-safe: use one per thread,
 * or serialise calls on it.
 */
#ifndef DL_RUNTIME_H
#define DL_RUNTIME_H

#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Status codes --------------------------------------------------------- */

typedef enum dl_status {
  DL_OK = 0,          /* success */
  DL_ERR_ARG = 1,     /* an argument is invalid (null pointer, negative size, lo >= hi) */
  DL_ERR_IO = 2,      /* reading or writing a file or stream failed */
  DL_ERR_DATA = 3,    /* a file's contents are malformed */
  DL_ERR_MEMORY = 4,  /* an allocation failed */
  DL_ERR_DEVICE = 5,  /* the accelerator (or its driver) failed */
  DL_ERR_INTERNAL = 6, /* a bug in the runtime */
  DL_ERR_STATE = 7     /* a call out of order (a model's forward before its weights are loaded) */
} dl_status;

/* A short, stable name for a status ("DL_OK", "DL_ERR_ARG", ...). */
const char *dl_status_name(int status);

/* ---- Element types -------------------------------------------------------- */

typedef enum dl_dtype {
  DL_F32 = 0,  /* float */
  DL_F64 = 1,  /* double */
  DL_I32 = 2,  /* int32_t */
  DL_BOOL = 3, /* uint8_t holding 0 or 1 (any nonzero byte reads as true) */
  /* Not a dtype: makes every int a value of the enum, so a C caller's bad
     number reaches the runtime's "bad dtype" checks as a defined value
     rather than undefined behaviour in C++. */
  DL_DTYPE_RANGE_ = 0x7fffffff
} dl_dtype;

/* "f32", "f64", "i32", "bool" ("?" for anything else). */
const char *dl_dtype_name(dl_dtype dtype);

/* ---- Context -------------------------------------------------------------- */

typedef struct dl_context dl_context;

/* Creates a context: default print options, one thread, and the generator
 * seeded with ATen's default_rng_seed_val (67280421310721). torch seeds its
 * default generator nondeterministically at start-up; a DL program that never
 * calls seed() is reproducible instead, drawing what torch draws after
 * torch.manual_seed(67280421310721). */
int dl_context_create(dl_context **out);
/* Destroys a context; a null pointer is ignored. */
void dl_context_destroy(dl_context *ctx);
/* The message of the most recent failed call on ctx ("" if none failed yet);
 * successful calls leave it alone, so it may be passed to dl_print_string.
 * Valid until the next failing call or dl_context_destroy. A null ctx gives a
 * fixed message. */
const char *dl_context_last_error(const dl_context *ctx);
/* Worker threads the context's kernels may use (>= 1). */
int dl_context_set_threads(dl_context *ctx, int threads);
int dl_context_get_threads(const dl_context *ctx, int *out);
/* The machine's hardware threads (>= 1): a compiled program's default. */
int dl_hardware_threads(void);

/* A loop body for dl_parallel_for: handles iterations [begin, end). */
typedef void (*dl_task_fn)(void *args, int64_t begin, int64_t end);
/* Runs fn over [0, count) split into at most the context's thread count of
 * contiguous chunks, one per thread, the calling thread included; returns
 * when all are done. The split never changes what a kernel computes, only
 * who computes it, so results do not depend on the thread count. If worker
 * threads cannot be started the whole loop runs on the calling thread. */
int dl_parallel_for(dl_context *ctx, int64_t count, dl_task_fn fn, void *args);
/* Like dl_parallel_for, but in (threads x chunks_per_thread) contiguous
 * chunks (at most count; one with a single thread), taken in order by
 * whichever thread is free: a thread the machine slows down takes fewer. */
int dl_parallel_for_chunks(dl_context *ctx, int64_t count, int chunks_per_thread, dl_task_fn fn, void *args);

/* ---- Random number generator (PyTorch 1.13 CPU generator) ----------------
 *
 * mt19937 seeded with init_genrand(seed & 0xffffffff) — like at::mt19937,
 * only the low 32 bits of the seed matter. Elements are drawn in order, one
 * draw per element (two 32-bit words per f64 element). The functions below
 * fill `out[0..n)` exactly as the named torch call fills a contiguous CPU
 * tensor of n elements; shapes do not matter, only n.
 */

/* torch.manual_seed(seed): also forgets the cached Box-Muller value. */
int dl_generator_seed(dl_context *ctx, uint64_t seed);
/* torch.rand(n) / torch.rand(n, dtype=torch.float64) */
int dl_rand_f32(dl_context *ctx, float *out, int64_t n);
int dl_rand_f64(dl_context *ctx, double *out, int64_t n);
/* torch.randint(lo, hi, (n,)), converted to the element type. hi > lo. */
int dl_randint_f32(dl_context *ctx, float *out, int64_t n, int64_t lo, int64_t hi);
int dl_randint_i32(dl_context *ctx, int32_t *out, int64_t n, int64_t lo, int64_t hi);
/* torch.randn(n) / torch.randn(n, dtype=torch.float64) */
int dl_randn_f32(dl_context *ctx, float *out, int64_t n);
int dl_randn_f64(dl_context *ctx, double *out, int64_t n);
/* torch.empty(n).uniform_(lo, hi) */
int dl_uniform_f32(dl_context *ctx, float *out, int64_t n, double lo, double hi);
int dl_uniform_f64(dl_context *ctx, double *out, int64_t n, double lo, double hi);
/* torch.empty(n).normal_(mean, std); std >= 0 */
int dl_normal_f32(dl_context *ctx, float *out, int64_t n, double mean, double std);
int dl_normal_f64(dl_context *ctx, double *out, int64_t n, double mean, double std);

/* ---- Printing (PyTorch 1.13 print(tensor)) --------------------------------
 *
 * Tensors print as torch/_tensor_str.py prints them: fixed or scientific
 * notation chosen over all (shown) elements, integer-valued floats as `1.`,
 * one width for all elements, rows broken at `linewidth`, tensors with more
 * than `threshold` elements summarised with `...` and `edgeitems` items per
 * edge. Differences, by design of the language:
 *   - the dtype suffix names DL types: `dtype=f64`, not `dtype=torch.float64`
 *     (it is shown where torch shows it, and wraps as torch would wrap ours);
 *   - i32 tensors print as torch prints int64 ones (its default integer type):
 *     no dtype suffix, except on empty tensors (`tensor([], dtype=i32)`).
 *   - f32 is the default type (no suffix), as torch.float32 is for torch.
 */

typedef struct dl_print_options {
  int precision;   /* decimals of tensor elements (torch: 4) */
  int64_t threshold; /* summarise when numel > threshold (torch: 1000) */
  int edgeitems;   /* items kept per edge when summarising (torch: 3) */
  int linewidth;   /* characters per line (torch: 80) */
  int sci_mode;    /* -1: choose (torch's None), 0: never, 1: always */
  int scalar_precision; /* decimals of print(scalar) (DL: 8) */
} dl_print_options;

int dl_print_options_get(const dl_context *ctx, dl_print_options *out);
int dl_print_options_set(dl_context *ctx, const dl_print_options *options);

/* Writes the tensor as torch's print() would (no trailing newline).
 * dims has `rank` entries (rank 0: a 0-d tensor, dims may be null); data is
 * contiguous, row-major. precision < 0 takes the context's precision. */
int dl_print_tensor(dl_context *ctx, FILE *out, dl_dtype dtype, const void *data,
                    int rank, const int64_t *dims, int precision);
/* Same text, into buf (always NUL-terminated when size > 0); *needed (if
 * non-null) receives the text's length without the NUL. DL_ERR_ARG when it
 * did not fit (the text is then cut). */
int dl_format_tensor(dl_context *ctx, char *buf, size_t size, size_t *needed,
                     dl_dtype dtype, const void *data, int rank,
                     const int64_t *dims, int precision);

/* print() builds a line from its arguments: each value, dl_print_separator
 * between two values (one space), dl_print_end after the last (newline and
 * flush). Scalars: floats as fixed-point with `precision` decimals (< 0: the
 * context's scalar_precision, 8 by default; "nan", "inf", "-inf" as Python
 * writes them), integers in decimal, bools as `true` / `false` (DL's
 * spelling; bool *tensors* print as torch does, `True` / `False`). */
int dl_print_scalar(dl_context *ctx, FILE *out, double value, int precision);
int dl_print_i64(dl_context *ctx, FILE *out, int64_t value);
int dl_print_bool(dl_context *ctx, FILE *out, int value);
int dl_print_string(dl_context *ctx, FILE *out, const char *text);
int dl_print_separator(dl_context *ctx, FILE *out);
int dl_print_end(dl_context *ctx, FILE *out);

/* ---- Support for programs compiled by dlc ---------------------------------
 *
 * The generated `main` creates a context, passes its command line to
 * dl_program_start, and on any failing call prints dl_error_report's line and
 * exits with status 2. Tensor elements live in buffers from dl_buffer_alloc.
 */

/* Parses the program's options: --help (writes usage to stdout and sets
 * *exit_now to 1), --threads=N, --device=cpu, --quiet (no progress line),
 * --resume (dl_training.h), --stats. Unknown options fail. */
int dl_program_start(dl_context *ctx, int argc, char **argv, int *exit_now);
/* A buffer of `bytes` bytes (0 allowed), 64-byte aligned, never null on success. */
int dl_buffer_alloc(dl_context *ctx, int64_t bytes, void **out);
/* Gives a buffer of dl_buffer_alloc back; a null pointer is ignored. The
 * context keeps it for a later dl_buffer_alloc of the same rounded size (a
 * training step makes the same tensors each time), and frees what it keeps
 * when it is destroyed. */
void dl_buffer_free(dl_context *ctx, void *data);
/* How many buffers dl_buffer_alloc has taken from the system (not reused). */
int dl_buffer_system_allocations(const dl_context *ctx, int64_t *out);
/* Records a run-time error: `text` with its first two "{}" replaced by
 * `first` and `second`. Returns DL_ERR_ARG, for `return dl_error_format(...)`. */
int dl_error_format(dl_context *ctx, const char *text, int64_t first, int64_t second);
/* Writes "error: <dl_context_last_error(ctx)>" and a newline to stderr
 * (flushing stdout first, so the lines keep their order on a terminal). */
void dl_error_report(const dl_context *ctx);
/* The C streams, for code that cannot name libc's globals. */
FILE *dl_stdout(void);
FILE *dl_stderr(void);

/* Elementwise math without an exact IEEE result, rounded in one place. */
float dl_math_exp_f32(float x);
float dl_math_log_f32(float x);
float dl_math_tanh_f32(float x);
float dl_math_sin_f32(float x);
float dl_math_cos_f32(float x);
float dl_math_pow_f32(float x, float y);
double dl_math_exp_f64(double x);
double dl_math_log_f64(double x);
double dl_math_tanh_f64(double x);
double dl_math_sin_f64(double x);
double dl_math_cos_f64(double x);
double dl_math_pow_f64(double x, double y);
int32_t dl_math_pow_i32(int32_t base, int32_t exponent);

/* out[o][j] = sum over k of in[o][k][j] (contiguous, row-major), added in
 * the order PyTorch 1.13's CPU sum adds (its cascade and vector-lane order),
 * so sums carry torch's rounding. */
void dl_sum_f32(const float *in, float *out, int64_t outer, int64_t n, int64_t inner);
void dl_sum_f64(const double *in, double *out, int64_t outer, int64_t n, int64_t inner);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* DL_RUNTIME_H */
