// print(): tensors exactly as PyTorch 1.13's print(tensor) writes them, and
// the scalars, strings and separators of a print() line.
//
// The tensor code follows torch/_tensor_str.py function by function:
// ElementFormatter is _Formatter (one notation and one width for every element
// shown), formatBody is _tensor_str_with_formatter / _vector_str, shownOffsets
// is get_summarized_data, and addSuffixes is _add_suffixes. Python formats a
// float with correctly rounded "{:.Nf}" / "{:.Ne}", which is what glibc's
// printf produces for the same double; only NaN differs (Python never prints
// its sign), so non-finite values are spelled out here.
#include "Context.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace dl {
namespace {

// A contiguous row-major tensor to print.
struct TensorRef {
  dl_dtype dtype;
  const void *data;
  std::vector<int64_t> dims;
  std::vector<int64_t> strides; // in elements
  int64_t numel;
};

bool isFloating(dl_dtype dtype) { return dtype == DL_F32 || dtype == DL_F64; }

double floatAt(const TensorRef &t, int64_t offset) {
  if (t.dtype == DL_F32)
    return static_cast<const float *>(t.data)[offset];
  return static_cast<const double *>(t.data)[offset];
}

// Python's "{:.{precision}f}" / "{:.{precision}e}" of a float.
std::string pythonFloat(double value, int precision, char conversion) {
  if (std::isnan(value))
    return "nan";
  if (std::isinf(value))
    return value < 0 ? "-inf" : "inf";
  const char format[] = {'%', '.', '*', conversion, '\0'};
  int length = std::snprintf(nullptr, 0, format, precision, value);
  std::string text(static_cast<size_t>(length), '\0');
  std::snprintf(&text[0], text.size() + 1, format, precision, value);
  return text;
}

// Python's "{}" of an int or a bool, as tolist() gives them.
std::string pythonInteger(const TensorRef &t, int64_t offset) {
  if (t.dtype == DL_BOOL)
    return static_cast<const uint8_t *>(t.data)[offset] ? "True" : "False";
  return std::to_string(static_cast<const int32_t *>(t.data)[offset]);
}

// The offsets of the elements that get printed, in order: all of them, or
// with summarisation `edgeitems` at each end of every longer dimension
// (get_summarized_data).
void collectShown(const TensorRef &t, size_t dim, int64_t base, bool summarize, int edgeitems,
                  std::vector<int64_t> &out) {
  if (dim == t.dims.size()) {
    out.push_back(base);
    return;
  }
  const int64_t size = t.dims[dim];
  for (int64_t i = 0; i < size; ++i) {
    if (summarize && size > 2 * edgeitems && i == edgeitems)
      i = size - edgeitems;
    collectShown(t, dim + 1, base + i * t.strides[dim], summarize, edgeitems, out);
  }
}

// torch's _Formatter: decides fixed / scientific / integer notation and one
// width from the shown elements, then formats each element to that width.
class ElementFormatter {
public:
  ElementFormatter(const TensorRef &t, const std::vector<int64_t> &shown, const dl_print_options &options)
      : tensor_(t), precision_(options.precision), floating_(isFloating(t.dtype)) {
    if (!floating_) {
      for (int64_t offset : shown)
        maxWidth_ = std::max(maxWidth_, pythonInteger(t, offset).size());
      return;
    }
    std::vector<double> values; // nonzero finite values, in order
    for (int64_t offset : shown) {
      double value = floatAt(t, offset);
      if (std::isfinite(value) && value != 0)
        values.push_back(value);
    }
    if (values.empty())
      return; // torch returns before applying a sci_mode option here, too
    double minAbs = std::fabs(values[0]), maxAbs = minAbs;
    for (double value : values) {
      minAbs = std::min(minAbs, std::fabs(value));
      maxAbs = std::max(maxAbs, std::fabs(value));
    }
    for (double value : values)
      if (value != std::ceil(value)) {
        intMode_ = false;
        break;
      }
    if (intMode_) {
      // Integers: `1.`, unless the magnitudes call for scientific notation.
      if (maxAbs / minAbs > 1000.0 || maxAbs > 1.0e8) {
        sciMode_ = true;
        for (double value : values)
          maxWidth_ = std::max(maxWidth_, pythonFloat(value, precision_, 'e').size());
      } else {
        for (double value : values)
          maxWidth_ = std::max(maxWidth_, pythonFloat(value, 0, 'f').size() + 1);
      }
    } else if (maxAbs / minAbs > 1000.0 || maxAbs > 1.0e8 || minAbs < 1.0e-4) {
      sciMode_ = true;
      for (double value : values)
        maxWidth_ = std::max(maxWidth_, pythonFloat(value, precision_, 'e').size());
    } else {
      for (double value : values)
        maxWidth_ = std::max(maxWidth_, pythonFloat(value, precision_, 'f').size());
    }
    if (options.sci_mode >= 0)
      sciMode_ = options.sci_mode != 0;
  }

  size_t width() const { return maxWidth_; }

  std::string format(int64_t offset) const {
    std::string text;
    if (!floating_) {
      text = pythonInteger(tensor_, offset);
    } else {
      const double value = floatAt(tensor_, offset);
      if (sciMode_) {
        text = pythonFloat(value, precision_, 'e');
      } else if (intMode_) {
        text = pythonFloat(value, 0, 'f');
        if (std::isfinite(value))
          text += '.';
      } else {
        text = pythonFloat(value, precision_, 'f');
      }
    }
    if (text.size() < maxWidth_)
      text.insert(0, maxWidth_ - text.size(), ' ');
    return text;
  }

private:
  const TensorRef &tensor_;
  int precision_;
  bool floating_;
  bool intMode_ = true;
  bool sciMode_ = false;
  size_t maxWidth_ = 1;
};

// _tensor_str_with_formatter (and _vector_str for the last dimension) on the
// sub-tensor at `base` whose first dimension is `dim`.
std::string formatBody(const TensorRef &t, const ElementFormatter &formatter, const dl_print_options &options,
                       size_t dim, int64_t base, int indent, bool summarize) {
  const size_t rank = t.dims.size();
  if (dim == rank)
    return formatter.format(base);

  const int64_t size = t.dims[dim];
  const bool elide = summarize && size > 2 * options.edgeitems;
  std::vector<std::string> items;
  for (int64_t i = 0; i < size; ++i) {
    if (elide && i == options.edgeitems) {
      items.push_back(dim + 1 == rank ? " ..." : "...");
      i = size - options.edgeitems;
    }
    const int64_t offset = base + i * t.strides[dim];
    items.push_back(dim + 1 == rank ? formatter.format(offset)
                                    : formatBody(t, formatter, options, dim + 1, offset, indent + 1, summarize));
  }

  std::string text = "[";
  if (dim + 1 == rank) {
    // Python: max(1, floor((linewidth - indent) / element_length)).
    const int64_t elementLength = static_cast<int64_t>(formatter.width()) + 2;
    const int64_t room = options.linewidth - indent;
    const int64_t perLine = std::max<int64_t>(1, room >= 0 ? room / elementLength : -1);
    const std::string lineBreak = ",\n" + std::string(static_cast<size_t>(indent) + 1, ' ');
    for (size_t i = 0; i < items.size(); ++i) {
      if (i > 0)
        text += (static_cast<int64_t>(i) % perLine == 0) ? lineBreak : ", ";
      text += items[i];
    }
  } else {
    const std::string separator =
        "," + std::string(rank - dim - 1, '\n') + std::string(static_cast<size_t>(indent) + 1, ' ');
    for (size_t i = 0; i < items.size(); ++i) {
      if (i > 0)
        text += separator;
      text += items[i];
    }
  }
  return text + "]";
}

// _add_suffixes: each suffix goes on the last line, or on a new one when the
// line would pass linewidth. (torch counts the last line two characters long.)
std::string addSuffixes(std::string text, const std::vector<std::string> &suffixes, int indent, int linewidth) {
  const size_t newline = text.rfind('\n');
  int64_t lastLineLength = static_cast<int64_t>(text.size()) -
                           (newline == std::string::npos ? -1 : static_cast<int64_t>(newline)) + 1;
  for (const std::string &suffix : suffixes) {
    const int64_t suffixLength = static_cast<int64_t>(suffix.size());
    if (lastLineLength + suffixLength + 2 > linewidth) {
      text += ",\n" + std::string(static_cast<size_t>(indent), ' ') + suffix;
      lastLineLength = indent + suffixLength;
    } else {
      text += ", " + suffix;
      lastLineLength += suffixLength + 2;
    }
  }
  return text + ")";
}

// _str_intern for a plain CPU tensor, with DL's dtype names.
std::string formatTensor(const TensorRef &t, const dl_print_options &options) {
  const std::string prefix = "tensor(";
  const int indent = static_cast<int>(prefix.size());
  std::vector<std::string> suffixes;
  std::string body;
  if (t.numel == 0) {
    // torch shows the shape unless it is (0,), and any dtype but the default.
    if (t.dims.size() != 1) {
      std::string size = "size=(";
      for (size_t i = 0; i < t.dims.size(); ++i)
        size += (i ? ", " : "") + std::to_string(t.dims[i]);
      suffixes.push_back(size + ")");
    }
    if (t.dtype != DL_F32)
      suffixes.push_back(std::string("dtype=") + dl_dtype_name(t.dtype));
    body = "[]";
  } else {
    // torch shows no dtype for float32, int64 (DL's i32 plays its part) and bool.
    if (t.dtype == DL_F64)
      suffixes.push_back("dtype=f64");
    const bool summarize = t.numel > options.threshold;
    std::vector<int64_t> shown;
    collectShown(t, 0, 0, summarize, options.edgeitems, shown);
    ElementFormatter formatter(t, shown, options);
    body = formatBody(t, formatter, options, 0, 0, indent, summarize);
  }
  return addSuffixes(prefix + body, suffixes, indent, options.linewidth);
}

int checkOptions(dl_context *ctx, const dl_print_options &options) {
  if (options.precision < 0 || options.precision > 100 || options.scalar_precision < 0 ||
      options.scalar_precision > 100)
    return fail(ctx, DL_ERR_ARG, "print precision must be in 0..100");
  if (options.threshold < 0 || options.edgeitems < 1 || options.linewidth < 1)
    return fail(ctx, DL_ERR_ARG, "print options need threshold >= 0, edgeitems >= 1, linewidth >= 1");
  if (options.sci_mode < -1 || options.sci_mode > 1)
    return fail(ctx, DL_ERR_ARG, "print sci_mode must be -1 (choose), 0 or 1");
  return DL_OK;
}

// Validates the arguments of dl_print_tensor / dl_format_tensor and formats.
int formatChecked(dl_context *ctx, dl_dtype dtype, const void *data, int rank, const int64_t *dims,
                  int precision, std::string &text) {
  if (dtype != DL_F32 && dtype != DL_F64 && dtype != DL_I32 && dtype != DL_BOOL)
    return fail(ctx, DL_ERR_ARG, "print: unknown dtype " + std::to_string(static_cast<int>(dtype)));
  if (rank < 0 || (rank > 0 && dims == nullptr))
    return fail(ctx, DL_ERR_ARG, "print: bad rank or null dims");
  TensorRef t{dtype, data, std::vector<int64_t>(dims, dims + rank), std::vector<int64_t>(rank), 1};
  for (int i = rank - 1; i >= 0; --i) {
    if (t.dims[i] < 0)
      return fail(ctx, DL_ERR_ARG, "print: negative dimension " + std::to_string(t.dims[i]));
    t.strides[i] = t.numel;
    t.numel *= t.dims[i];
  }
  if (t.numel > 0 && data == nullptr)
    return fail(ctx, DL_ERR_ARG, "print: null data");
  dl_print_options options = ctx->printOptions;
  if (precision >= 0)
    options.precision = precision;
  if (int status = checkOptions(ctx, options))
    return status;
  text = formatTensor(t, options);
  return DL_OK;
}

int writeText(dl_context *ctx, FILE *out, const std::string &text) {
  if (out == nullptr)
    return fail(ctx, DL_ERR_ARG, "print: null FILE");
  clearProgress(ctx);
  if (std::fwrite(text.data(), 1, text.size(), out) != text.size())
    return fail(ctx, DL_ERR_IO, std::string("print: write failed: ") + std::strerror(errno));
  return DL_OK;
}

} // namespace
} // namespace dl

extern "C" {

int dl_print_options_get(const dl_context *ctx, dl_print_options *out) {
  if (ctx == nullptr || out == nullptr)
    return DL_ERR_ARG;
  *out = ctx->printOptions;
  return DL_OK;
}

int dl_print_options_set(dl_context *ctx, const dl_print_options *options) {
  DL_CHECK_CONTEXT(ctx);
  if (options == nullptr)
    return dl::fail(ctx, DL_ERR_ARG, "dl_print_options_set: null options");
  if (int status = dl::checkOptions(ctx, *options))
    return status;
  ctx->printOptions = *options;
  return DL_OK;
}

int dl_print_tensor(dl_context *ctx, FILE *out, dl_dtype dtype, const void *data, int rank,
                    const int64_t *dims, int precision) {
  DL_CHECK_CONTEXT(ctx);
  std::string text;
  if (int status = dl::formatChecked(ctx, dtype, data, rank, dims, precision, text))
    return status;
  return dl::writeText(ctx, out, text);
}

int dl_format_tensor(dl_context *ctx, char *buf, size_t size, size_t *needed, dl_dtype dtype,
                     const void *data, int rank, const int64_t *dims, int precision) {
  DL_CHECK_CONTEXT(ctx);
  std::string text;
  if (int status = dl::formatChecked(ctx, dtype, data, rank, dims, precision, text))
    return status;
  if (needed != nullptr)
    *needed = text.size();
  if (buf == nullptr && size > 0)
    return dl::fail(ctx, DL_ERR_ARG, "dl_format_tensor: null buffer");
  if (size > 0) {
    const size_t copied = std::min(size - 1, text.size());
    std::memcpy(buf, text.data(), copied);
    buf[copied] = '\0';
  }
  if (text.size() >= size)
    return dl::fail(ctx, DL_ERR_ARG, "dl_format_tensor: buffer of " + std::to_string(size) +
                                         " bytes is too small for " + std::to_string(text.size() + 1));
  return DL_OK;
}

int dl_print_scalar(dl_context *ctx, FILE *out, double value, int precision) {
  DL_CHECK_CONTEXT(ctx);
  if (precision < 0)
    precision = ctx->printOptions.scalar_precision;
  if (precision > 100)
    return dl::fail(ctx, DL_ERR_ARG, "dl_print_scalar: precision must be in 0..100");
  return dl::writeText(ctx, out, dl::pythonFloat(value, precision, 'f'));
}

int dl_print_i64(dl_context *ctx, FILE *out, int64_t value) {
  DL_CHECK_CONTEXT(ctx);
  return dl::writeText(ctx, out, std::to_string(value));
}

int dl_print_bool(dl_context *ctx, FILE *out, int value) {
  DL_CHECK_CONTEXT(ctx);
  return dl::writeText(ctx, out, value ? "true" : "false");
}

int dl_print_string(dl_context *ctx, FILE *out, const char *text) {
  DL_CHECK_CONTEXT(ctx);
  if (text == nullptr)
    return dl::fail(ctx, DL_ERR_ARG, "dl_print_string: null text");
  return dl::writeText(ctx, out, text);
}

int dl_print_separator(dl_context *ctx, FILE *out) {
  DL_CHECK_CONTEXT(ctx);
  return dl::writeText(ctx, out, " ");
}

int dl_print_end(dl_context *ctx, FILE *out) {
  DL_CHECK_CONTEXT(ctx);
  if (int status = dl::writeText(ctx, out, "\n"))
    return status;
  if (std::fflush(out) != 0)
    return dl::fail(ctx, DL_ERR_IO, std::string("print: flush failed: ") + std::strerror(errno));
  return DL_OK;
}

} // extern "C"
