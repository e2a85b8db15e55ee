// Drawing on an RGB raster, and writing it as PNG with libpng.
#include "Canvas.h"

#include <png.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace dl::plot {

namespace {

constexpr Color kStrong[] = {{31, 119, 180}, {255, 127, 14}, {44, 160, 44},  {214, 39, 40},
                             {148, 103, 189}, {140, 86, 75}, {227, 119, 194}, {127, 127, 127}};

}  // namespace

Color strongColor(int64_t i) { return kStrong[((i % 8) + 8) % 8]; }

Color lightColor(int64_t i) {
  Color c = strongColor(i);
  auto tint = [](uint8_t v) { return static_cast<uint8_t>(v + (255 - v) * 7 / 10); };
  return Color{tint(c.r), tint(c.g), tint(c.b)};
}

Canvas::Canvas(int width, int height, Color background)
    : width_(width), height_(height), clipX1_(width), clipY1_(height),
      rgb_(static_cast<size_t>(width) * height * 3) {
  fill(0, 0, width, height, background);
}

Color Canvas::at(int x, int y) const {
  const uint8_t *p = &rgb_[(static_cast<size_t>(y) * width_ + x) * 3];
  return Color{p[0], p[1], p[2]};
}

void Canvas::set(int x, int y, Color c) {
  if (x < clipX0_ || y < clipY0_ || x >= clipX1_ || y >= clipY1_) return;
  uint8_t *p = &rgb_[(static_cast<size_t>(y) * width_ + x) * 3];
  p[0] = c.r;
  p[1] = c.g;
  p[2] = c.b;
}

void Canvas::fill(int x, int y, int w, int h, Color c) {
  for (int j = std::max(y, clipY0_); j < std::min(y + h, clipY1_); ++j)
    for (int i = std::max(x, clipX0_); i < std::min(x + w, clipX1_); ++i) set(i, j, c);
}

void Canvas::setClip(int x0, int y0, int x1, int y1) {
  clipX0_ = std::max(0, x0);
  clipY0_ = std::max(0, y0);
  clipX1_ = std::min(width_, x1);
  clipY1_ = std::min(height_, y1);
}

void Canvas::clearClip() { setClip(0, 0, width_, height_); }

void Canvas::line(double x0, double y0, double x1, double y1, Color c, int thickness) {
  // Steps of at most half a pixel along the line, a square of the line's
  // thickness at each step.
  const double length = std::hypot(x1 - x0, y1 - y0);
  const int steps = std::max(1, static_cast<int>(std::ceil(length * 2)));
  const int half = thickness / 2;
  for (int s = 0; s <= steps; ++s) {
    double t = static_cast<double>(s) / steps;
    int x = static_cast<int>(std::floor(x0 + (x1 - x0) * t));
    int y = static_cast<int>(std::floor(y0 + (y1 - y0) * t));
    fill(x - half, y - half, thickness, thickness, c);
  }
}

void Canvas::disc(double cx, double cy, double radius, Color c) {
  const int r = static_cast<int>(std::ceil(radius));
  const int x0 = static_cast<int>(std::floor(cx)), y0 = static_cast<int>(std::floor(cy));
  for (int y = y0 - r; y <= y0 + r; ++y)
    for (int x = x0 - r; x <= x0 + r; ++x) {
      double dx = x + 0.5 - cx, dy = y + 0.5 - cy;
      if (dx * dx + dy * dy <= radius * radius) set(x, y, c);
    }
}

namespace {

struct PngWrite {
  png_structp png = nullptr;
  png_infop info = nullptr;
  std::string error;
  ~PngWrite() {
    if (png) png_destroy_write_struct(&png, info ? &info : nullptr);
  }
};

void onPngError(png_structp png, png_const_charp message) {
  auto *w = static_cast<PngWrite *>(png_get_error_ptr(png));
  w->error = message ? message : "libpng error";
  std::longjmp(png_jmpbuf(png), 1);
}

void onPngWarning(png_structp, png_const_charp) {}

// Encodes into an open FILE; false with w.error on failure. Kept apart from
// anything with a destructor between setjmp and longjmp.
bool encode(PngWrite &w, FILE *file, int width, int height, const uint8_t *rgb, const std::string &key,
            const std::string &value) {
  w.png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &w, onPngError, onPngWarning);
  if (!w.png) {
    w.error = "out of memory";
    return false;
  }
  w.info = png_create_info_struct(w.png);
  if (!w.info) {
    w.error = "out of memory";
    return false;
  }
  if (setjmp(png_jmpbuf(w.png))) return false;
  png_init_io(w.png, file);
  png_set_IHDR(w.png, w.info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height), 8,
               PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_text text;
  std::memset(&text, 0, sizeof text);
  text.compression = PNG_TEXT_COMPRESSION_NONE;
  text.key = const_cast<char *>(key.c_str());
  text.text = const_cast<char *>(value.c_str());
  text.text_length = value.size();
  png_set_text(w.png, w.info, &text, 1);
  png_write_info(w.png, w.info);
  for (int y = 0; y < height; ++y)
    png_write_row(w.png, const_cast<png_bytep>(rgb + static_cast<size_t>(y) * width * 3));
  png_write_end(w.png, nullptr);
  return true;
}

}  // namespace

int Canvas::writePng(dl_context *ctx, const std::string &path, const std::string &info) const {
  const std::string what = "cannot write '" + path + "'";
  const std::string temporary = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) return fail(ctx, DL_ERR_IO, what + ": " + std::strerror(errno));
  FILE *file = ::fdopen(fd, "wb");
  if (!file) {
    int error = errno;
    ::close(fd);
    ::unlink(temporary.c_str());
    return fail(ctx, DL_ERR_IO, what + ": " + std::strerror(error));
  }
  std::string problem;
  {
    PngWrite w;
    if (!encode(w, file, width_, height_, rgb_.data(), "dlc-plot", info)) problem = w.error;
  }
  if (problem.empty() && std::fflush(file) != 0) problem = std::strerror(errno);
  if (problem.empty() && ::fsync(::fileno(file)) != 0) problem = std::strerror(errno);
  if (std::fclose(file) != 0 && problem.empty()) problem = std::strerror(errno);
  if (problem.empty() && ::rename(temporary.c_str(), path.c_str()) != 0) problem = std::strerror(errno);
  if (!problem.empty()) {
    ::unlink(temporary.c_str());
    return fail(ctx, DL_ERR_IO, what + ": " + problem + " (nothing was written)");
  }
  return DL_OK;
}

}  // namespace dl::plot
