// What the loaders share: reading a file (gzip or not) with messages that
// name it, the loaders' buffers, shape texts, and array elements read from a
// file and converted to the wanted dtype.
#ifndef DL_RUNTIME_DATA_DATASUPPORT_H
#define DL_RUNTIME_DATA_DATASUPPORT_H

#include "Context.h"
#include "dl_data.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace dl::data {

// 'path', inQuotes as messages show it.
std::string inQuotes(const std::string &text);

// A file opened for reading; gzip content is decompressed on the fly, other
// content passes through unchanged.
class InputFile {
public:
  InputFile() = default;
  InputFile(const InputFile &) = delete;
  InputFile &operator=(const InputFile &) = delete;
  ~InputFile();

  // DL_ERR_IO "cannot open 'path': <strerror>" (directories included).
  int open(dl_context *ctx, const char *path);
  // Reads up to `size` bytes into buffer; *got < size only at the end of the
  // file. DL_ERR_IO on a read error, DL_ERR_DATA on corrupt gzip data.
  int read(dl_context *ctx, void *buffer, size_t size, size_t *got);
  // Reads the rest of the file.
  int readAll(dl_context *ctx, std::string *out);
  // Bytes left after the current position (reads them).
  int countRest(dl_context *ctx, uint64_t *count);
  const std::string &path() const { return path_; }

private:
  void *file_ = nullptr; // gzFile
  std::string path_;
};

// A loader's result buffer: 64-byte aligned like dl_buffer_alloc's, freed by
// dl_data_free. Never null on success, even for 0 bytes.
int allocate(dl_context *ctx, uint64_t bytes, void **out);

// [2, 3]; -1 entries print as "any".
std::string shapeText(const int64_t *dims, int rank);
std::string shapeText(const std::vector<int64_t> &dims);

// An element type as files store it.
enum class Element { U8, I8, I16, I32, I64, U16, U32, U64, F32, F64, Bool };
size_t elementSize(Element element);
const char *elementName(Element element); // numpy's: "u8", "f4"...
size_t dtypeSize(dl_dtype dtype);          // 0 for an unknown dtype

// A checked product of dims times itemSize; false on overflow.
bool byteCount(const std::vector<int64_t> &dims, size_t itemSize, uint64_t *bytes);

// Checks an array's shape against what the caller wants (rank, and sizes
// where want_dims[i] >= 0). `what` starts the message ("'x.npy'").
int checkShape(dl_context *ctx, const std::string &what, const std::vector<int64_t> &dims,
               int rank, const int64_t *wantDims);

// Reads the elements of an array of `dims` stored as `element` (byte-swapped
// when bigEndian) from `in`, converts them to `want` and returns them in a new
// buffer. The data must end where the file ends. Messages start with `what`.
int readArray(dl_context *ctx, InputFile &in, const std::string &what, Element element,
              bool bigEndian, const std::vector<int64_t> &dims, dl_dtype want, void **out);

} // namespace dl::data

#endif
