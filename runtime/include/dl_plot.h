/* dl_plot.h — pictures: PNG files written by plot(), plot_boundary() and the
 * series a program collects (docs/language.md, "Pictures").
 *
 * A series is a named list of (x, y) points kept in the context under an id
 * the compiler chose; dl_series_reset starts it (empty), dl_series_add
 * appends points. The PNG writers encode with libpng and replace the target
 * file whole or not at all (a temporary file next to it, then rename). Each
 * PNG carries a tEXt chunk "dlc-plot" that tells where the plot area is and
 * which data coordinates it spans:
 *   "area LEFT TOP WIDTH HEIGHT x X0 X1 y Y0 Y1"
 * pixel column LEFT is x = X0 and column LEFT + WIDTH is X1; row TOP is
 * y = Y1 and row TOP + HEIGHT is Y0 (readers use it to check a picture).
 */
#ifndef DL_PLOT_H
#define DL_PLOT_H

#include "dl_runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Starts (or empties) series `id`, shown in legends as `name`. */
int dl_series_reset(dl_context *ctx, int64_t id, const char *name);
/* Appends n points: x[i], y[i] of the given dtypes (f32, f64, i32). */
int dl_series_add(dl_context *ctx, int64_t id, dl_dtype xdtype, const void *x, dl_dtype ydtype,
                  const void *y, int64_t n);
/* A line chart of `count` series: axes with ticks, one colour per series and
 * a legend. title/xlabel/ylabel may be "" (none). DL_ERR_ARG when a series
 * is empty or its values are not finite; DL_ERR_IO when the file cannot be
 * written. */
int dl_plot_series(dl_context *ctx, const char *path, int64_t count, const int64_t *ids, const char *title,
                   const char *xlabel, const char *ylabel);

/* The pixel grid of the decision-boundary picture `path` (named in errors),
 * size x size pixels over the points x (f32[n, 2]) padded by 10% on each
 * side: out (f32[size * size, 2], row-major from the top-left pixel) gets
 * each pixel's centre. DL_ERR_ARG when there are no points or one is not
 * finite. */
int dl_plot_grid(dl_context *ctx, const char *path, const float *x, int64_t n, int64_t size, float *out);
/* The picture: each pixel coloured by classes[row * size + col] (the model's
 * class at the pixel of dl_plot_grid), the points x drawn over it in the
 * colour of their labels y (i32[n]). */
int dl_plot_boundary(dl_context *ctx, const char *path, const float *x, const int32_t *y, int64_t n,
                     const int32_t *classes, int64_t size, const char *title);

#ifdef __cplusplus
}
#endif

#endif
