// The safetensors reader and writer behind dl_safetensors_save/_load, shared
// with the checkpoints (Checkpoint.cpp), which add string metadata and read
// whichever tensors a file holds.
#ifndef DL_RUNTIME_DATA_SAFETENSORSFILE_H
#define DL_RUNTIME_DATA_SAFETENSORSFILE_H

#include "Context.h"
#include "dl_data.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace dl::data {

// Writes the tensors and `metadata` (the header's "__metadata__" strings,
// besides "format": "pt") to a temporary file next to path, fsyncs it and
// renames it over path. Arguments as dl_safetensors_save's. The temporary
// file is path + temporarySuffix, or path + ".tmp.<pid>" when it is null.
int writeSafetensors(dl_context *ctx, const char *path, int64_t n, const char *const *names,
                     const dl_dtype *dtypes, const int *ranks, const int64_t *const *dims,
                     const void *const *data, const std::map<std::string, std::string> &metadata,
                     const char *temporarySuffix = nullptr);

// One tensor of a file's header.
struct SafetensorsEntry {
  std::string name;
  std::string dtype; // "F32", ...
  std::vector<int64_t> shape;
  uint64_t begin = 0; // data offsets, from the first byte after the header
  uint64_t end = 0;
};

// A safetensors file opened for reading: open() checks the header (JSON,
// dtypes, shapes, offsets that tile the data exactly, the file's length).
class SafetensorsFile {
public:
  SafetensorsFile() = default;
  SafetensorsFile(const SafetensorsFile &) = delete;
  SafetensorsFile &operator=(const SafetensorsFile &) = delete;
  ~SafetensorsFile();

  // DL_ERR_IO when the file cannot be opened or read, DL_ERR_DATA when it is
  // not a well-formed safetensors file. Messages start with 'path'.
  int open(dl_context *ctx, const char *path);
  const std::map<std::string, SafetensorsEntry> &entries() const { return entries_; }
  // The "__metadata__" strings (values that are not strings are left out).
  const std::map<std::string, std::string> &metadata() const { return metadata_; }
  // Reads an entry's bytes (end - begin of them) into out.
  int read(dl_context *ctx, const SafetensorsEntry &entry, void *out);
  uint64_t dataSize() const { return dataSize_; }
  const std::string &what() const { return what_; } // 'path'

private:
  int readChunk(dl_context *ctx, uint64_t offset, void *out, size_t size);

  int fd_ = -1;
  std::string what_;
  uint64_t dataStart_ = 0;
  uint64_t dataSize_ = 0;
  std::map<std::string, SafetensorsEntry> entries_;
  std::map<std::string, std::string> metadata_;
};

// "F32" for DL_F32 ...; null for an unknown dtype.
const char *safetensorsDtype(dl_dtype dtype);

} // namespace dl::data

#endif
