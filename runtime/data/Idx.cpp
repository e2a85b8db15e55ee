// dl_idx_load: the IDX format of the MNIST files (yann.lecun.com/exdb/mnist).
//
// Layout: two zero bytes, a type byte (08 u8, 09 i8, 0B i16, 0C i32, 0D f32,
// 0E f64), a rank byte, then one big-endian u32 size per dimension, then the
// elements, big-endian, row-major. The files are usually gzip-compressed;
// InputFile decompresses them.
#include "DataSupport.h"

#include <cstdio>
#include <vector>

namespace {

using dl::fail;
using dl::data::Element;

bool elementOfCode(unsigned char code, Element *element) {
  switch (code) {
  case 0x08: *element = Element::U8; return true;
  case 0x09: *element = Element::I8; return true;
  case 0x0B: *element = Element::I16; return true;
  case 0x0C: *element = Element::I32; return true;
  case 0x0D: *element = Element::F32; return true;
  case 0x0E: *element = Element::F64; return true;
  default: return false;
  }
}

std::string hexBytes(const unsigned char *bytes, size_t count) {
  std::string text;
  char piece[4];
  for (size_t i = 0; i < count; ++i) {
    std::snprintf(piece, sizeof piece, i == 0 ? "%02x" : " %02x", bytes[i]);
    text += piece;
  }
  return text;
}

} // namespace

extern "C" int dl_idx_load(dl_context *ctx, const char *path, dl_dtype want, int rank,
                           const int64_t *want_dims, void **data, int64_t *dims_out) {
  DL_CHECK_CONTEXT(ctx);
  if (path == nullptr || data == nullptr || (rank > 0 && dims_out == nullptr))
    return fail(ctx, DL_ERR_ARG, "dl_idx_load: null argument");
  if (rank < 0 || dl::data::dtypeSize(want) == 0)
    return fail(ctx, DL_ERR_ARG, "dl_idx_load: invalid rank or dtype");

  dl::data::InputFile in;
  if (int status = in.open(ctx, path))
    return status;
  const std::string what = dl::data::inQuotes(path);

  unsigned char magic[4];
  size_t got = 0;
  if (int status = in.read(ctx, magic, 4, &got))
    return status;
  Element element;
  if (got < 4 || magic[0] != 0 || magic[1] != 0 || !elementOfCode(magic[2], &element))
    return fail(ctx, DL_ERR_DATA,
                what + ": not an IDX file (it starts with " + (got == 0 ? "nothing" : hexBytes(magic, got)) +
                    ", expected 00 00, a type byte 08, 09, 0b, 0c, 0d or 0e, and the rank)");

  std::vector<int64_t> dims(magic[3]);
  std::vector<unsigned char> sizes(dims.size() * 4);
  if (int status = in.read(ctx, sizes.data(), sizes.size(), &got))
    return status;
  if (got < sizes.size())
    return fail(ctx, DL_ERR_DATA,
                what + ": truncated IDX header (" + std::to_string(dims.size()) + " dimensions need " +
                    std::to_string(sizes.size()) + " bytes of sizes, the file has " + std::to_string(got) + ")");
  for (size_t i = 0; i < dims.size(); ++i) {
    const unsigned char *b = &sizes[i * 4];
    dims[i] = int64_t(b[0]) << 24 | int64_t(b[1]) << 16 | int64_t(b[2]) << 8 | int64_t(b[3]);
  }
  if (int status = dl::data::checkShape(ctx, what, dims, rank, want_dims))
    return status;

  void *result = nullptr;
  if (int status = dl::data::readArray(ctx, in, what, element, /*bigEndian=*/true, dims, want, &result))
    return status;
  *data = result;
  for (int i = 0; i < rank; ++i)
    dims_out[i] = dims[static_cast<size_t>(i)];
  return DL_OK;
}
