// The pictures behind plot() and plot_boundary() (include/dl_plot.h): line
// charts of the series a program collects, and decision boundaries of a
// two-feature classifier with its data points.
#include "Canvas.h"
#include "dl_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

using dl::fail;
using dl::plot::Canvas;
using dl::plot::Color;

namespace {

using namespace dl::plot;

// Tick positions: multiples of 1, 2 or 5 times a power of ten, about
// `target` of them over [lo, hi].
double tickStep(double lo, double hi, int target) {
  double raw = (hi - lo) / target;
  double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double norm = raw / magnitude;
  return (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * magnitude;
}

std::string tickLabel(double v, double step) {
  int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
  if (std::fabs(v) < step * 1e-6) v = 0;  // no "-0.0"
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", std::min(decimals, 12), v);
  return buffer;
}

// A range with room: a single value gets +-0.5 (or 10% of itself).
void widen(double &lo, double &hi) {
  if (hi - lo > std::max(std::fabs(lo), std::fabs(hi)) * 1e-9) return;
  double pad = lo == 0 ? 0.5 : std::fabs(lo) * 0.1;
  lo -= pad;
  hi += pad;
}

struct Area {
  int left, top, width, height;
  double x0, x1, y0, y1;
  double px(double x) const { return left + (x - x0) / (x1 - x0) * width; }
  double py(double y) const { return top + (y1 - y) / (y1 - y0) * height; }
  std::string info() const {
    char buffer[256];
    std::snprintf(buffer, sizeof buffer, "area %d %d %d %d x %.9g %.9g y %.9g %.9g", left, top, width, height, x0,
                  x1, y0, y1);
    return buffer;
  }
};

// Grid lines, the frame, ticks and their numbers, the title and axis labels.
void drawAxes(Canvas &c, const Area &a, const std::string &title, const std::string &xlabel,
              const std::string &ylabel, bool grid) {
  double xs = tickStep(a.x0, a.x1, std::max(2, a.width / 80)), ys = tickStep(a.y0, a.y1, std::max(2, a.height / 60));
  int guard = 0;  // a few dozen ticks at most, whatever the rounding
  for (double t = std::ceil(a.x0 / xs - 1e-9) * xs; t <= a.x1 + xs * 1e-9 && ++guard < 64; t += xs) {
    int x = static_cast<int>(std::lround(a.px(t)));
    if (grid) c.fill(x, a.top, 1, a.height, kGrid);
    c.fill(x, a.top + a.height, 1, 5, kText);
    std::string label = tickLabel(t, xs);
    c.text(x - textWidth(label, 1) / 2, a.top + a.height + 8, label, kText, 1);
  }
  guard = 0;
  for (double t = std::ceil(a.y0 / ys - 1e-9) * ys; t <= a.y1 + ys * 1e-9 && ++guard < 64; t += ys) {
    int y = static_cast<int>(std::lround(a.py(t)));
    if (grid) c.fill(a.left, y, a.width, 1, kGrid);
    c.fill(a.left - 5, y, 5, 1, kText);
    std::string label = tickLabel(t, ys);
    c.text(a.left - 8 - textWidth(label, 1), y - 3, label, kText, 1);
  }
  // The frame, just outside the area.
  c.fill(a.left - 1, a.top - 1, a.width + 2, 1, kText);
  c.fill(a.left - 1, a.top + a.height, a.width + 2, 1, kText);
  c.fill(a.left - 1, a.top - 1, 1, a.height + 2, kText);
  c.fill(a.left + a.width, a.top - 1, 1, a.height + 2, kText);
  if (!title.empty()) c.text(a.left + (a.width - textWidth(title, 2)) / 2, 8, title, kBlack, 2);
  if (!xlabel.empty())
    c.text(a.left + (a.width - textWidth(xlabel, 1)) / 2, a.top + a.height + 24, xlabel, kText, 1);
  if (!ylabel.empty()) c.text(std::max(2, a.left - 40), a.top - 14, ylabel, kText, 1);
}

bool isFinite(double v) { return std::isfinite(v); }

double element(dl_dtype dtype, const void *data, int64_t i) {
  switch (dtype) {
  case DL_F32: return static_cast<const float *>(data)[i];
  case DL_F64: return static_cast<const double *>(data)[i];
  case DL_I32: return static_cast<const int32_t *>(data)[i];
  case DL_BOOL: return static_cast<const uint8_t *>(data)[i] != 0;
  default: return 0;
  }
}

bool knownDtype(dl_dtype d) { return d == DL_F32 || d == DL_F64 || d == DL_I32 || d == DL_BOOL; }

}  // namespace

extern "C" {

int dl_series_reset(dl_context *ctx, int64_t id, const char *name) {
  DL_CHECK_CONTEXT(ctx);
  if (name == nullptr) return fail(ctx, DL_ERR_ARG, "dl_series_reset: null name");
  dl_series &s = ctx->series[id];
  s.name = name;
  s.x.clear();
  s.y.clear();
  return DL_OK;
}

int dl_series_add(dl_context *ctx, int64_t id, dl_dtype xdtype, const void *x, dl_dtype ydtype, const void *y,
                  int64_t n) {
  DL_CHECK_CONTEXT(ctx);
  auto it = ctx->series.find(id);
  if (it == ctx->series.end()) return fail(ctx, DL_ERR_ARG, "dl_series_add: no series " + std::to_string(id));
  if (n < 0 || (n > 0 && (x == nullptr || y == nullptr)) || !knownDtype(xdtype) || !knownDtype(ydtype))
    return fail(ctx, DL_ERR_ARG, "dl_series_add: bad arguments");
  for (int64_t i = 0; i < n; ++i) {
    it->second.x.push_back(element(xdtype, x, i));
    it->second.y.push_back(element(ydtype, y, i));
  }
  return DL_OK;
}

int dl_plot_series(dl_context *ctx, const char *path, int64_t count, const int64_t *ids, const char *title,
                   const char *xlabel, const char *ylabel) {
  DL_CHECK_CONTEXT(ctx);
  if (path == nullptr || ids == nullptr || title == nullptr || xlabel == nullptr || ylabel == nullptr || count < 1)
    return fail(ctx, DL_ERR_ARG, "dl_plot_series: bad arguments");
  const std::string file = path;
  if (file.empty()) return fail(ctx, DL_ERR_ARG, "plot: the file name is empty");
  std::vector<const dl_series *> series;
  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
  for (int64_t k = 0; k < count; ++k) {
    auto it = ctx->series.find(ids[k]);
    if (it == ctx->series.end()) return fail(ctx, DL_ERR_ARG, "dl_plot_series: no series " + std::to_string(ids[k]));
    const dl_series &s = it->second;
    bool any = false;
    for (size_t i = 0; i < s.x.size(); ++i) {
      if (!isFinite(s.x[i]) || !isFinite(s.y[i])) continue;  // a diverging loss still plots what it has
      any = true;
      x0 = std::min(x0, s.x[i]);
      x1 = std::max(x1, s.x[i]);
      y0 = std::min(y0, s.y[i]);
      y1 = std::max(y1, s.y[i]);
    }
    if (!any)
      return fail(ctx, DL_ERR_ARG, "cannot plot '" + file + "': series '" + s.name + "' has " +
                                       (s.x.empty() ? "no points" : "no finite points") + " (nothing was written)");
    series.push_back(&s);
  }
  widen(x0, x1);
  widen(y0, y1);
  double ys = tickStep(y0, y1, std::max(2, (480 - 40 - 56) / 60));  // the y range snaps out to ticks
  y0 = std::floor(y0 / ys + 1e-9) * ys;
  y1 = std::ceil(y1 / ys - 1e-9) * ys;

  Canvas c(640, 480, kWhite);
  Area a{72, 40, 640 - 72 - 20, 480 - 40 - 56, x0, x1, y0, y1};
  drawAxes(c, a, title, xlabel, ylabel, true);
  c.setClip(a.left, a.top, a.left + a.width, a.top + a.height);
  for (size_t k = 0; k < series.size(); ++k) {
    const dl_series &s = *series[k];
    Color color = strongColor(static_cast<int64_t>(k));
    bool have = false;
    double px = 0, py = 0;
    for (size_t i = 0; i < s.x.size(); ++i) {
      if (!isFinite(s.x[i]) || !isFinite(s.y[i])) {
        have = false;  // a gap
        continue;
      }
      double qx = a.px(s.x[i]), qy = a.py(s.y[i]);
      if (have) c.line(px, py, qx, qy, color, 2);
      if (s.x.size() <= 50) c.disc(qx, qy, 2.5, color);
      px = qx;
      py = qy;
      have = true;
    }
  }
  c.clearClip();
  // The legend, in the corner of the area where it hides the fewest drawn
  // pixels (top-right when they tie).
  int widest = 0;
  for (auto *s : series) widest = std::max(widest, textWidth(s->name, 1));
  int boxW = widest + 36, boxH = static_cast<int>(series.size()) * 14 + 8;
  int bx = a.left + a.width - boxW - 8, by = a.top + 8;
  int fewest = -1;
  for (int corner = 0; corner < 4; ++corner) {
    int x = corner % 2 == 0 ? a.left + a.width - boxW - 8 : a.left + 8;
    int y = corner < 2 ? a.top + 8 : a.top + a.height - boxH - 8;
    int hidden = 0;
    for (int j = std::max(y, 0); j < std::min(y + boxH, c.height()); ++j)
      for (int i = std::max(x, 0); i < std::min(x + boxW, c.width()); ++i) {
        Color p = c.at(i, j);
        bool empty = (p.r == kWhite.r && p.g == kWhite.g && p.b == kWhite.b) ||
                     (p.r == kGrid.r && p.g == kGrid.g && p.b == kGrid.b);
        hidden += empty ? 0 : 1;
      }
    if (fewest < 0 || hidden < fewest) {
      fewest = hidden;
      bx = x;
      by = y;
    }
  }
  c.fill(bx, by, boxW, boxH, kWhite);
  c.fill(bx, by, boxW, 1, kText);
  c.fill(bx, by + boxH - 1, boxW, 1, kText);
  c.fill(bx, by, 1, boxH, kText);
  c.fill(bx + boxW - 1, by, 1, boxH, kText);
  for (size_t k = 0; k < series.size(); ++k) {
    int y = by + 6 + static_cast<int>(k) * 14;
    c.fill(bx + 6, y + 3, 18, 2, strongColor(static_cast<int64_t>(k)));
    c.text(bx + 30, y, series[k]->name, kText, 1);
  }
  return c.writePng(ctx, file, a.info());
}

}  // extern "C"

namespace {

// The data coordinates a boundary picture spans: the points' range padded by
// 10% on each side. False when a coordinate is not finite.
bool boundaryBounds(const float *x, int64_t n, double b[4]) {
  b[0] = b[2] = std::numeric_limits<double>::infinity();
  b[1] = b[3] = -b[0];
  for (int64_t i = 0; i < n; ++i) {
    double u = x[2 * i], v = x[2 * i + 1];
    if (!std::isfinite(u) || !std::isfinite(v)) return false;
    b[0] = std::min(b[0], u);
    b[1] = std::max(b[1], u);
    b[2] = std::min(b[2], v);
    b[3] = std::max(b[3], v);
  }
  widen(b[0], b[1]);
  widen(b[2], b[3]);
  double px = (b[1] - b[0]) * 0.1, py = (b[3] - b[2]) * 0.1;
  b[0] -= px;
  b[1] += px;
  b[2] -= py;
  b[3] += py;
  return true;
}

int checkBoundaryArgs(dl_context *ctx, const char *what, const float *x, int64_t n, int64_t size, double b[4]) {
  if (x == nullptr || n < 0 || size < 8 || size > 4096)
    return fail(ctx, DL_ERR_ARG, std::string(what) + ": bad arguments");
  if (n == 0) return fail(ctx, DL_ERR_ARG, std::string(what) + ": there are no points (nothing was written)");
  if (!boundaryBounds(x, n, b))
    return fail(ctx, DL_ERR_ARG, std::string(what) + ": a point's coordinate is not finite (nothing was written)");
  return DL_OK;
}

}  // namespace

extern "C" {

int dl_plot_grid(dl_context *ctx, const char *path, const float *x, int64_t n, int64_t size, float *out) {
  DL_CHECK_CONTEXT(ctx);
  if (path == nullptr) return fail(ctx, DL_ERR_ARG, "dl_plot_grid: null path");
  double b[4];
  if (int status = checkBoundaryArgs(ctx, ("cannot plot '" + std::string(path) + "'").c_str(), x, n, size, b))
    return status;
  if (out == nullptr) return fail(ctx, DL_ERR_ARG, "dl_plot_grid: null output");
  for (int64_t row = 0; row < size; ++row)
    for (int64_t col = 0; col < size; ++col) {
      float *p = out + 2 * (row * size + col);
      p[0] = static_cast<float>(b[0] + (col + 0.5) * (b[1] - b[0]) / size);
      p[1] = static_cast<float>(b[3] - (row + 0.5) * (b[3] - b[2]) / size);
    }
  return DL_OK;
}

int dl_plot_boundary(dl_context *ctx, const char *path, const float *x, const int32_t *y, int64_t n,
                     const int32_t *classes, int64_t size, const char *title) {
  DL_CHECK_CONTEXT(ctx);
  if (path == nullptr || y == nullptr || classes == nullptr || title == nullptr)
    return fail(ctx, DL_ERR_ARG, "dl_plot_boundary: null argument");
  const std::string file = path;
  if (file.empty()) return fail(ctx, DL_ERR_ARG, "plot_boundary: the file name is empty");
  double b[4];
  if (int status = checkBoundaryArgs(ctx, ("cannot plot '" + file + "'").c_str(), x, n, size, b)) return status;
  const int s = static_cast<int>(size);
  Canvas c(s + 64 + 20, s + 40 + 44, kWhite);
  Area a{64, 40, s, s, b[0], b[1], b[2], b[3]};
  for (int row = 0; row < s; ++row)
    for (int col = 0; col < s; ++col) c.set(a.left + col, a.top + row, lightColor(classes[row * size + col]));
  drawAxes(c, a, title, "", "", false);
  c.setClip(a.left, a.top, a.left + a.width, a.top + a.height);
  for (int64_t i = 0; i < n; ++i) {
    double px = a.px(x[2 * i]), py = a.py(x[2 * i + 1]);
    c.disc(px, py, 4.5, kBlack);
    c.disc(px, py, 3.5, strongColor(y[i]));
  }
  c.clearClip();
  return c.writePng(ctx, file, a.info());
}

}  // extern "C"
