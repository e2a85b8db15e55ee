// An RGB raster for pictures, with the few drawing operations the plots use
// (rectangles, lines, discs, 5x7 text), and its PNG encoding through libpng.
#ifndef DL_RUNTIME_PLOT_CANVAS_H
#define DL_RUNTIME_PLOT_CANVAS_H

#include "Context.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dl::plot {

struct Color {
  uint8_t r, g, b;
};

// Strong colours for lines and points, light ones for class regions; index
// i % 8 (matplotlib's first tab10 colours and lighter tints of them).
Color strongColor(int64_t i);
Color lightColor(int64_t i);
constexpr Color kWhite{255, 255, 255};
constexpr Color kBlack{0, 0, 0};
constexpr Color kGrid{225, 225, 225};
constexpr Color kText{40, 40, 40};

class Canvas {
public:
  Canvas(int width, int height, Color background);
  int width() const { return width_; }
  int height() const { return height_; }
  Color at(int x, int y) const;
  void set(int x, int y, Color c);  // ignores pixels outside
  void fill(int x, int y, int w, int h, Color c);
  // A line `thickness` pixels wide, clipped to [clip0, clip1) when given.
  void line(double x0, double y0, double x1, double y1, Color c, int thickness);
  void disc(double cx, double cy, double radius, Color c);
  // Text with its top-left corner at (x, y); each font pixel is scale x scale.
  void text(int x, int y, const std::string &text, Color color, int scale);
  void setClip(int x0, int y0, int x1, int y1);
  void clearClip();
  // Writes the picture to `path` as an 8-bit RGB PNG with a tEXt chunk
  // ("dlc-plot", info): a temporary file next to it, then a rename, so the
  // target is replaced whole or not at all. DL_ERR_IO names the file.
  int writePng(dl_context *ctx, const std::string &path, const std::string &info) const;

private:
  int width_, height_;
  int clipX0_ = 0, clipY0_ = 0, clipX1_, clipY1_;
  std::vector<uint8_t> rgb_;
};

// The width in pixels of `text` drawn at `scale`.
int textWidth(const std::string &text, int scale);

}  // namespace dl::plot

#endif
