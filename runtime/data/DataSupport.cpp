// Reading files (gzip or not), result buffers, and the element conversions
// that NPY and IDX arrays share.
#include "DataSupport.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <sstream>
#include <sys/stat.h>
#include <type_traits>
#include <unistd.h>

namespace dl::data {

namespace {

constexpr size_t kBufferAlignment = 64;    // as dl_buffer_alloc's
constexpr size_t kReadChunk = size_t(1) << 30; // gzread counts in unsigned int
constexpr size_t kConvertChunk = size_t(1) << 20; // elements per conversion step

gzFile gz(void *file) { return static_cast<gzFile>(file); }

} // namespace

std::string inQuotes(const std::string &text) { return "'" + text + "'"; }

// ---- InputFile --------------------------------------------------------------

InputFile::~InputFile() {
  if (file_ != nullptr)
    gzclose_r(gz(file_));
}

int InputFile::open(dl_context *ctx, const char *path) {
  path_ = path;
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return fail(ctx, DL_ERR_IO, "cannot open " + inQuotes(path_) + ": " + std::strerror(errno));
  struct stat info;
  if (fstat(fd, &info) == 0 && S_ISDIR(info.st_mode)) {
    ::close(fd);
    return fail(ctx, DL_ERR_IO, "cannot open " + inQuotes(path_) + ": " + std::strerror(EISDIR));
  }
  gzFile file = gzdopen(fd, "rb");
  if (file == nullptr) {
    ::close(fd);
    return fail(ctx, DL_ERR_MEMORY, "cannot open " + inQuotes(path_) + ": out of memory");
  }
  gzbuffer(file, 1 << 17);
  file_ = file;
  return DL_OK;
}

int InputFile::read(dl_context *ctx, void *buffer, size_t size, size_t *got) {
  auto *bytes = static_cast<unsigned char *>(buffer);
  size_t done = 0;
  while (done < size) {
    size_t chunk = std::min(size - done, kReadChunk);
    int count = gzread(gz(file_), bytes + done, static_cast<unsigned>(chunk));
    int errnum = Z_OK;
    const char *message = gzerror(gz(file_), &errnum);
    if (count < 0 || (errnum != Z_OK && errnum != Z_STREAM_END)) {
      if (errnum == Z_ERRNO)
        return fail(ctx, DL_ERR_IO, "cannot read " + inQuotes(path_) + ": " + std::strerror(errno));
      if (errnum == Z_BUF_ERROR)
        return fail(ctx, DL_ERR_DATA, inQuotes(path_) + ": truncated gzip data (unexpected end of file)");
      return fail(ctx, DL_ERR_DATA, inQuotes(path_) + ": corrupt gzip data (" + message + ")");
    }
    done += static_cast<size_t>(count);
    if (static_cast<size_t>(count) < chunk)
      break;
  }
  *got = done;
  return DL_OK;
}

int InputFile::readAll(dl_context *ctx, std::string *out) {
  std::string text;
  size_t used = 0;
  size_t got = 0;
  do {
    text.resize(std::max<size_t>(used * 2, 1 << 16));
    if (int status = read(ctx, text.data() + used, text.size() - used, &got))
      return status;
    used += got;
  } while (used == text.size());
  text.resize(used);
  *out = std::move(text);
  return DL_OK;
}

int InputFile::countRest(dl_context *ctx, uint64_t *count) {
  std::vector<unsigned char> scratch(1 << 16);
  uint64_t total = 0;
  size_t got = 0;
  do {
    if (int status = read(ctx, scratch.data(), scratch.size(), &got))
      return status;
    total += got;
  } while (got == scratch.size());
  *count = total;
  return DL_OK;
}

// ---- Buffers and shapes -----------------------------------------------------

int allocate(dl_context *ctx, uint64_t bytes, void **out) {
  uint64_t rounded = (bytes + kBufferAlignment - 1) / kBufferAlignment * kBufferAlignment;
  if (rounded == 0)
    rounded = kBufferAlignment;
  void *data = rounded < bytes || rounded > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())
                   ? nullptr
                   : std::aligned_alloc(kBufferAlignment, rounded);
  if (data == nullptr)
    return fail(ctx, DL_ERR_MEMORY, "out of memory: cannot allocate " + std::to_string(bytes) + " bytes");
  *out = data;
  return DL_OK;
}

std::string shapeText(const int64_t *dims, int rank) {
  std::string text = "[";
  for (int i = 0; i < rank; ++i) {
    if (i > 0)
      text += ", ";
    text += dims[i] < 0 ? std::string("any") : std::to_string(dims[i]);
  }
  return text + "]";
}

std::string shapeText(const std::vector<int64_t> &dims) {
  return shapeText(dims.data(), static_cast<int>(dims.size()));
}

size_t elementSize(Element element) {
  switch (element) {
  case Element::U8: case Element::I8: case Element::Bool: return 1;
  case Element::I16: case Element::U16: return 2;
  case Element::I32: case Element::U32: case Element::F32: return 4;
  case Element::I64: case Element::U64: case Element::F64: return 8;
  }
  return 1;
}

const char *elementName(Element element) {
  switch (element) {
  case Element::U8: return "u1";
  case Element::I8: return "i1";
  case Element::I16: return "i2";
  case Element::I32: return "i4";
  case Element::I64: return "i8";
  case Element::U16: return "u2";
  case Element::U32: return "u4";
  case Element::U64: return "u8";
  case Element::F32: return "f4";
  case Element::F64: return "f8";
  case Element::Bool: return "b1";
  }
  return "?";
}

size_t dtypeSize(dl_dtype dtype) {
  switch (dtype) {
  case DL_F32: return 4;
  case DL_F64: return 8;
  case DL_I32: return 4;
  case DL_BOOL: return 1;
  default: return 0;
  }
}

bool byteCount(const std::vector<int64_t> &dims, size_t itemSize, uint64_t *bytes) {
  uint64_t total = itemSize;
  for (int64_t dim : dims) {
    if (dim < 0)
      return false;
    if (dim != 0 && total > std::numeric_limits<uint64_t>::max() / static_cast<uint64_t>(dim))
      return false;
    total *= static_cast<uint64_t>(dim);
  }
  // Buffers are indexed with int64_t.
  if (total > static_cast<uint64_t>(std::numeric_limits<int64_t>::max() / 2))
    return false;
  *bytes = total;
  return true;
}

int checkShape(dl_context *ctx, const std::string &what, const std::vector<int64_t> &dims,
               int rank, const int64_t *wantDims) {
  std::string wanted = wantDims != nullptr ? shapeText(wantDims, rank) : std::to_string(rank) + " dimensions";
  if (static_cast<int>(dims.size()) != rank)
    return fail(ctx, DL_ERR_DATA,
                what + ": expected " + (wantDims != nullptr ? "shape " : "") + wanted + ", found shape " +
                    shapeText(dims) + " (" + std::to_string(dims.size()) + " dimensions)");
  for (int i = 0; wantDims != nullptr && i < rank; ++i)
    if (wantDims[i] >= 0 && dims[i] != wantDims[i])
      return fail(ctx, DL_ERR_DATA,
                  what + ": expected shape " + wanted + ", found shape " + shapeText(dims) + " (dimension " +
                      std::to_string(i) + " is " + std::to_string(dims[i]) + ", not " +
                      std::to_string(wantDims[i]) + ")");
  return DL_OK;
}

// ---- Element conversion -----------------------------------------------------

namespace {

template <typename T> T loadElement(const unsigned char *bytes, bool swap) {
  unsigned char copy[sizeof(T)];
  if (swap)
    std::reverse_copy(bytes, bytes + sizeof(T), copy);
  else
    std::memcpy(copy, bytes, sizeof(T));
  T value;
  std::memcpy(&value, copy, sizeof(T));
  return value;
}

template <typename T> std::string valueText(T value) {
  std::ostringstream text;
  if constexpr (std::is_floating_point_v<T>)
    text.precision(std::numeric_limits<T>::max_digits10);
  text << +value;
  return text.str();
}

// The element at flat index `index` of `dims`, as [i, j, k].
std::string indexText(uint64_t index, const std::vector<int64_t> &dims) {
  std::vector<int64_t> position(dims.size());
  for (size_t d = dims.size(); d-- > 0;) {
    position[d] = static_cast<int64_t>(index % static_cast<uint64_t>(dims[d]));
    index /= static_cast<uint64_t>(dims[d]);
  }
  return shapeText(position);
}

// Converts `count` elements of type S to `want`; on a value that i32 cannot
// hold exactly, returns false with *bad its offset and *badText its value.
template <typename S>
bool convert(const unsigned char *source, size_t count, bool swap, dl_dtype want, void *target,
             size_t *bad, std::string *badText) {
  for (size_t i = 0; i < count; ++i) {
    S value = loadElement<S>(source + i * sizeof(S), swap);
    switch (want) {
    case DL_F32: static_cast<float *>(target)[i] = static_cast<float>(value); break;
    case DL_F64: static_cast<double *>(target)[i] = static_cast<double>(value); break;
    case DL_BOOL: static_cast<uint8_t *>(target)[i] = value != 0 ? 1 : 0; break;
    case DL_I32: {
      bool exact;
      if constexpr (std::is_floating_point_v<S>)
        exact = std::isfinite(value) && value == std::trunc(value) && value >= -2147483648.0 &&
                value <= 2147483647.0;
      else if constexpr (std::is_signed_v<S>)
        exact = value >= std::numeric_limits<int32_t>::min() && value <= std::numeric_limits<int32_t>::max();
      else
        exact = static_cast<uint64_t>(value) <= static_cast<uint64_t>(std::numeric_limits<int32_t>::max());
      if (!exact) {
        *bad = i;
        *badText = valueText(value);
        return false;
      }
      static_cast<int32_t *>(target)[i] = static_cast<int32_t>(value);
      break;
    }
    default: return false;  // callers pass only the four dtypes
    }
  }
  return true;
}

bool convertElements(Element element, const unsigned char *source, size_t count, bool swap, dl_dtype want,
                     void *target, size_t *bad, std::string *badText) {
  switch (element) {
  case Element::U8: return convert<uint8_t>(source, count, false, want, target, bad, badText);
  case Element::Bool: return convert<uint8_t>(source, count, false, want, target, bad, badText);
  case Element::I8: return convert<int8_t>(source, count, false, want, target, bad, badText);
  case Element::I16: return convert<int16_t>(source, count, swap, want, target, bad, badText);
  case Element::U16: return convert<uint16_t>(source, count, swap, want, target, bad, badText);
  case Element::I32: return convert<int32_t>(source, count, swap, want, target, bad, badText);
  case Element::U32: return convert<uint32_t>(source, count, swap, want, target, bad, badText);
  case Element::I64: return convert<int64_t>(source, count, swap, want, target, bad, badText);
  case Element::U64: return convert<uint64_t>(source, count, swap, want, target, bad, badText);
  case Element::F32: return convert<float>(source, count, swap, want, target, bad, badText);
  case Element::F64: return convert<double>(source, count, swap, want, target, bad, badText);
  }
  return true;
}

// Whether the file's bytes already are the wanted elements.
bool sameLayout(Element element, bool bigEndian, dl_dtype want) {
  if (bigEndian && elementSize(element) > 1)
    return false;
  return (element == Element::F32 && want == DL_F32) || (element == Element::F64 && want == DL_F64) ||
         (element == Element::I32 && want == DL_I32);
}

struct Buffer {
  void *data = nullptr;
  ~Buffer() { std::free(data); }
  void *release() {
    void *out = data;
    data = nullptr;
    return out;
  }
};

} // namespace

int readArray(dl_context *ctx, InputFile &in, const std::string &what, Element element, bool bigEndian,
              const std::vector<int64_t> &dims, dl_dtype want, void **out) {
  size_t itemSize = elementSize(element);
  uint64_t sourceBytes = 0;
  uint64_t targetBytes = 0;
  if (!byteCount(dims, itemSize, &sourceBytes) || !byteCount(dims, dtypeSize(want), &targetBytes))
    return fail(ctx, DL_ERR_DATA, what + ": shape " + shapeText(dims) + " is too large");
  uint64_t count = sourceBytes / itemSize;
  std::string layout = "shape " + shapeText(dims) + " of " + elementName(element);

  Buffer result;
  if (int status = allocate(ctx, targetBytes, &result.data))
    return status;

  auto truncated = [&](uint64_t found) {
    return fail(ctx, DL_ERR_DATA,
                what + ": truncated: " + layout + " needs " + std::to_string(sourceBytes) +
                    " bytes of data, the file has " + std::to_string(found));
  };

  bool swap = bigEndian && itemSize > 1;
  if (sameLayout(element, bigEndian, want)) {
    size_t got = 0;
    if (int status = in.read(ctx, result.data, sourceBytes, &got))
      return status;
    if (got < sourceBytes)
      return truncated(got);
  } else {
    std::vector<unsigned char> chunk(std::min<uint64_t>(count, kConvertChunk) * itemSize);
    size_t targetSize = dtypeSize(want);
    for (uint64_t done = 0; done < count;) {
      size_t step = static_cast<size_t>(std::min<uint64_t>(count - done, kConvertChunk));
      size_t got = 0;
      if (int status = in.read(ctx, chunk.data(), step * itemSize, &got))
        return status;
      if (got < step * itemSize)
        return truncated(done * itemSize + got);
      size_t bad = 0;
      std::string badText;
      void *target = static_cast<unsigned char *>(result.data) + done * targetSize;
      if (!convertElements(element, chunk.data(), step, swap, want, target, &bad, &badText))
        return fail(ctx, DL_ERR_DATA,
                    what + ": element " + indexText(done + bad, dims) + " is " + badText +
                        ", which i32 cannot hold exactly");
      done += step;
    }
  }

  uint64_t extra = 0;
  if (int status = in.countRest(ctx, &extra))
    return status;
  if (extra > 0)
    return fail(ctx, DL_ERR_DATA,
                what + ": " + std::to_string(extra) + " bytes after the data (" + layout + " is " +
                    std::to_string(sourceBytes) + " bytes): the header does not describe the file");
  *out = result.release();
  return DL_OK;
}

} // namespace dl::data

extern "C" void dl_data_free(void *data) { std::free(data); }
