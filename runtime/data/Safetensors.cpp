// dl_safetensors_save and dl_safetensors_load: model parameters in Hugging
// Face's safetensors format.
//
// Layout (github.com/huggingface/safetensors): an 8-byte little-endian
// header length N, N bytes of JSON (an object mapping each tensor name to
// {"dtype", "shape", "data_offsets": [begin, end]} plus an optional
// "__metadata__" object of strings), then the data. Offsets count from the
// first byte after the header; the tensors tile the data exactly, with no
// gaps, no overlaps and nothing after the last. We pad the header with spaces
// to a multiple of 8 bytes and order tensors by element size, then name, as
// the reference writer does, so every tensor is aligned to its element size.
//
// Saving writes a temporary file next to the target, fsyncs it and renames
// it over the target: readers see the old file or the new one. Loading checks
// the whole header against the request before it writes any caller buffer.
// The checkpoints (Checkpoint.cpp) use the same writer and reader
// (SafetensorsFile.h), with metadata.
#include "DataSupport.h"
#include "SafetensorsFile.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <numeric>
#include <set>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "safetensors data is little-endian; add byte swapping");

namespace {

using dl::fail;
using dl::data::inQuotes;
using dl::data::shapeText;

// The reference implementation's limit; real headers are a few MB at most.
constexpr uint64_t kMaxHeaderBytes = 100u << 20;

using dl::data::safetensorsDtype;

// Bytes per element of every dtype the format defines (0: unknown), so
// files with types we cannot load still get their offsets checked.
size_t safetensorsElementSize(const std::string &dtype) {
  static const std::map<std::string, size_t> kSizes = {
      {"BOOL", 1}, {"U8", 1},  {"I8", 1},  {"F8_E5M2", 1}, {"F8_E4M3", 1}, {"I16", 2},
      {"U16", 2},  {"F16", 2}, {"BF16", 2}, {"I32", 4},    {"U32", 4},     {"F32", 4},
      {"I64", 8},  {"U64", 8}, {"F64", 8}};
  auto found = kSizes.find(dtype);
  return found == kSizes.end() ? 0 : found->second;
}

// 'a', 'b', 'c' and 4 more
std::string nameList(const std::vector<std::string> &names) {
  constexpr size_t kShown = 8;
  std::string text;
  for (size_t i = 0; i < names.size() && i < kShown; ++i)
    text += (i == 0 ? "" : ", ") + inQuotes(names[i]);
  if (names.size() > kShown)
    text += " and " + std::to_string(names.size() - kShown) + " more";
  return text;
}

// Checks the per-tensor arguments both entry points take; *bytes receives
// each tensor's size.
int checkTensorArguments(dl_context *ctx, const char *function, int64_t n, const char *const *names,
                         const dl_dtype *dtypes, const int *ranks, const int64_t *const *dims,
                         std::vector<uint64_t> *bytes) {
  if (n < 0 || (n > 0 && (names == nullptr || dtypes == nullptr || ranks == nullptr || dims == nullptr)))
    return fail(ctx, DL_ERR_ARG, std::string(function) + ": null or invalid tensor arrays");
  std::set<std::string> seen;
  for (int64_t i = 0; i < n; ++i) {
    if (names[i] == nullptr || names[i][0] == '\0')
      return fail(ctx, DL_ERR_ARG, std::string(function) + ": tensor " + std::to_string(i) + " has no name");
    std::string name = names[i];
    if (name == "__metadata__")
      return fail(ctx, DL_ERR_ARG, std::string(function) + ": '__metadata__' cannot name a tensor");
    if (!seen.insert(name).second)
      return fail(ctx, DL_ERR_ARG, std::string(function) + ": tensor " + inQuotes(name) + " is named twice");
    if (safetensorsDtype(dtypes[i]) == nullptr)
      return fail(ctx, DL_ERR_ARG, std::string(function) + ": tensor " + inQuotes(name) + " has an unknown dtype");
    if (ranks[i] < 0 || (ranks[i] > 0 && dims[i] == nullptr))
      return fail(ctx, DL_ERR_ARG, std::string(function) + ": tensor " + inQuotes(name) + " has an invalid shape");
    std::vector<int64_t> shape(dims[i], dims[i] + ranks[i]);
    uint64_t size = 0;
    if (!dl::data::byteCount(shape, dl::data::dtypeSize(dtypes[i]), &size))
      return fail(ctx, DL_ERR_ARG,
                  std::string(function) + ": tensor " + inQuotes(name) + " has an invalid shape " + shapeText(shape));
    bytes->push_back(size);
  }
  return DL_OK;
}

// ---- Writing ----------------------------------------------------------------

bool writeAll(int fd, const void *data, size_t size) {
  const char *bytes = static_cast<const char *>(data);
  while (size > 0) {
    ssize_t written = ::write(fd, bytes, std::min<size_t>(size, size_t(1) << 30));
    if (written < 0 && errno == EINTR)
      continue;
    if (written <= 0)
      return false;
    bytes += written;
    size -= static_cast<size_t>(written);
  }
  return true;
}

std::string directoryOf(const std::string &path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos)
    return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// Removes the temporary file unless the save went through.
struct TemporaryFile {
  std::string path;
  int fd = -1;
  bool keep = false;
  ~TemporaryFile() {
    if (fd >= 0)
      ::close(fd);
    if (!keep)
      ::unlink(path.c_str());
  }
};

// ---- Reading ----------------------------------------------------------------

using Entry = dl::data::SafetensorsEntry;

bool readAt(int fd, void *data, size_t size, uint64_t offset) {
  char *bytes = static_cast<char *>(data);
  while (size > 0) {
    ssize_t got = ::pread(fd, bytes, std::min<size_t>(size, size_t(1) << 30), static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      return false;
    bytes += got;
    size -= static_cast<size_t>(got);
    offset += static_cast<uint64_t>(got);
  }
  return true;
}

// One header entry, checked: a known dtype, a shape of sizes >= 0, and
// offsets that span exactly its elements.
bool parseEntry(const std::string &name, const nlohmann::json &value, Entry *entry, std::string *problem) {
  entry->name = name;
  if (!value.is_object() || !value.contains("dtype") || !value.contains("shape") ||
      !value.contains("data_offsets"))
    return *problem = "needs \"dtype\", \"shape\" and \"data_offsets\"", false;
  const auto &dtype = value["dtype"];
  const auto &shape = value["shape"];
  const auto &offsets = value["data_offsets"];
  if (!dtype.is_string() || safetensorsElementSize(dtype.get<std::string>()) == 0)
    return *problem = "has an unknown dtype " + dtype.dump(), false;
  entry->dtype = dtype.get<std::string>();
  if (!shape.is_array())
    return *problem = "has a shape that is not a list", false;
  for (const auto &dim : shape) {
    if (!dim.is_number_unsigned() || dim.get<uint64_t>() > uint64_t(INT64_MAX))
      return *problem = "has an invalid shape " + shape.dump(), false;
    entry->shape.push_back(dim.get<int64_t>());
  }
  if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
      !offsets[1].is_number_unsigned() || offsets[0].get<uint64_t>() > offsets[1].get<uint64_t>())
    return *problem = "has invalid data_offsets " + offsets.dump(), false;
  entry->begin = offsets[0].get<uint64_t>();
  entry->end = offsets[1].get<uint64_t>();
  uint64_t bytes = 0;
  if (!dl::data::byteCount(entry->shape, safetensorsElementSize(entry->dtype), &bytes))
    return *problem = "has a shape too large: " + shape.dump(), false;
  if (entry->end - entry->begin != bytes)
    return *problem = "spans " + std::to_string(entry->end - entry->begin) + " bytes, but " + entry->dtype +
                      " " + shapeText(entry->shape) + " needs " + std::to_string(bytes),
           false;
  return true;
}

} // namespace

namespace dl::data {

const char *safetensorsDtype(dl_dtype dtype) {
  switch (dtype) {
  case DL_F32: return "F32";
  case DL_F64: return "F64";
  case DL_I32: return "I32";
  case DL_BOOL: return "BOOL";
  default: return nullptr;
  }
}

int writeSafetensors(dl_context *ctx, const char *path, int64_t n, const char *const *names,
                     const dl_dtype *dtypes, const int *ranks, const int64_t *const *dims,
                     const void *const *data, const std::map<std::string, std::string> &metadata,
                     const char *temporarySuffix) {
  if (path == nullptr || path[0] == '\0' || (n > 0 && data == nullptr))
    return fail(ctx, DL_ERR_ARG, "dl_safetensors_save: null argument");
  std::vector<uint64_t> bytes;
  if (int status = checkTensorArguments(ctx, "dl_safetensors_save", n, names, dtypes, ranks, dims, &bytes))
    return status;
  for (int64_t i = 0; i < n; ++i)
    if (bytes[i] > 0 && data[i] == nullptr)
      return fail(ctx, DL_ERR_ARG, std::string("dl_safetensors_save: tensor ") + inQuotes(names[i]) + " has no data");

  // Widest elements first, then by name: aligned, and the same file for the
  // same tensors whatever order they come in.
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    size_t sizeA = dl::data::dtypeSize(dtypes[a]), sizeB = dl::data::dtypeSize(dtypes[b]);
    return sizeA != sizeB ? sizeA > sizeB : std::strcmp(names[a], names[b]) < 0;
  });

  nlohmann::json header = nlohmann::json::object();
  nlohmann::json meta = {{"format", "pt"}};
  for (const auto &[key, value] : metadata)
    meta[key] = value;
  header["__metadata__"] = meta;
  uint64_t offset = 0;
  for (int64_t i : order) {
    header[names[i]] = {{"dtype", safetensorsDtype(dtypes[i])},
                        {"shape", std::vector<int64_t>(dims[i], dims[i] + ranks[i])},
                        {"data_offsets", {offset, offset + bytes[i]}}};
    offset += bytes[i];
  }
  std::string headerText;
  try {
    headerText = header.dump();
  } catch (const nlohmann::json::exception &) {
    return fail(ctx, DL_ERR_ARG, "dl_safetensors_save: a tensor name is not valid UTF-8");
  }
  headerText.append((8 - headerText.size() % 8) % 8, ' ');
  unsigned char length[8];
  for (int i = 0; i < 8; ++i)
    length[i] = static_cast<unsigned char>(uint64_t(headerText.size()) >> (8 * i));

  const std::string target = path;
  TemporaryFile temporary;
  temporary.path = target + (temporarySuffix ? std::string(temporarySuffix) : ".tmp." + std::to_string(::getpid()));
  temporary.fd = ::open(temporary.path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (temporary.fd < 0) {
    int error = errno;
    temporary.keep = true; // nothing was created
    return fail(ctx, DL_ERR_IO, "cannot write " + inQuotes(target) + ": " + std::strerror(error));
  }
  auto writeFailed = [&](const char *step) {
    return fail(ctx, DL_ERR_IO,
                "cannot write " + inQuotes(target) + ": " + step + ": " + std::strerror(errno) +
                    " (nothing was saved)");
  };
  if (!writeAll(temporary.fd, length, sizeof length) ||
      !writeAll(temporary.fd, headerText.data(), headerText.size()))
    return writeFailed("write");
  for (int64_t i : order)
    if (bytes[i] > 0 && !writeAll(temporary.fd, data[i], bytes[i]))
      return writeFailed("write");
  if (::fsync(temporary.fd) != 0)
    return writeFailed("fsync");
  int fd = temporary.fd;
  temporary.fd = -1;
  if (::close(fd) != 0)
    return writeFailed("close");
  if (::rename(temporary.path.c_str(), target.c_str()) != 0)
    return writeFailed("rename");
  temporary.keep = true;
  // Makes the rename itself durable; a failure here loses nothing already
  // visible, so it is not reported.
  int directory = ::open(directoryOf(target).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (directory >= 0) {
    ::fsync(directory);
    ::close(directory);
  }
  return DL_OK;
}

SafetensorsFile::~SafetensorsFile() {
  if (fd_ >= 0)
    ::close(fd_);
}

int SafetensorsFile::open(dl_context *ctx, const char *path) {
  what_ = inQuotes(path);
  fd_ = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd_ < 0)
    return fail(ctx, DL_ERR_IO, "cannot open " + what_ + ": " + std::strerror(errno));
  struct stat info;
  if (fstat(fd_, &info) != 0)
    return fail(ctx, DL_ERR_IO, "cannot read " + what_ + ": " + std::strerror(errno));
  if (S_ISDIR(info.st_mode))
    return fail(ctx, DL_ERR_IO, "cannot open " + what_ + ": " + std::strerror(EISDIR));
  uint64_t fileSize = static_cast<uint64_t>(info.st_size);

  // Header length and header.
  unsigned char length[8];
  if (fileSize < 8 || !readAt(fd_, length, 8, 0))
    return fail(ctx, DL_ERR_DATA,
                what_ + ": not a safetensors file (" + std::to_string(fileSize) +
                    " bytes, too short for the 8-byte header length)");
  uint64_t headerSize = 0;
  for (int i = 7; i >= 0; --i)
    headerSize = headerSize << 8 | length[i];
  if (headerSize > kMaxHeaderBytes || headerSize > fileSize - 8)
    return fail(ctx, DL_ERR_DATA,
                what_ + ": not a safetensors file, or truncated: its header length " + std::to_string(headerSize) +
                    " exceeds the " + std::to_string(fileSize - 8) + " bytes after the 8-byte length field");
  std::string headerText(headerSize, '\0');
  if (!readAt(fd_, headerText.data(), headerSize, 8))
    return fail(ctx, DL_ERR_IO, "cannot read " + what_ + ": " + std::strerror(errno));
  nlohmann::json header = nlohmann::json::parse(headerText, nullptr, /*allow_exceptions=*/false);
  if (header.is_discarded() || !header.is_object())
    return fail(ctx, DL_ERR_DATA, what_ + ": not a safetensors file (its header is not a JSON object)");

  // Every entry, checked, and the data they tile.
  std::vector<const Entry *> byOffset;
  for (const auto &[name, value] : header.items()) {
    if (name == "__metadata__") {
      if (value.is_object())
        for (const auto &[key, text] : value.items())
          if (text.is_string())
            metadata_[key] = text.get<std::string>();
      continue;
    }
    Entry entry;
    std::string problem;
    if (!parseEntry(name, value, &entry, &problem))
      return fail(ctx, DL_ERR_DATA, what_ + ": tensor " + inQuotes(name) + " " + problem);
    byOffset.push_back(&(entries_[name] = std::move(entry)));
  }
  std::sort(byOffset.begin(), byOffset.end(),
            [](const Entry *a, const Entry *b) { return a->begin != b->begin ? a->begin < b->begin : a->end < b->end; });
  dataStart_ = 8 + headerSize;
  dataSize_ = fileSize - 8 - headerSize;
  uint64_t covered = 0;
  for (const Entry *entry : byOffset) {
    if (entry->begin != covered)
      return fail(ctx, DL_ERR_DATA,
                  what_ + ": tensor " + inQuotes(entry->name) + " starts at data offset " + std::to_string(entry->begin) +
                      ", expected " + std::to_string(covered) + " (tensors must tile the data without gaps or overlaps)");
    covered = entry->end;
  }
  if (covered > dataSize_)
    return fail(ctx, DL_ERR_DATA,
                what_ + ": truncated: the header describes " + std::to_string(covered) +
                    " bytes of tensor data, the file has " + std::to_string(dataSize_));
  if (covered < dataSize_)
    return fail(ctx, DL_ERR_DATA,
                what_ + ": " + std::to_string(dataSize_ - covered) + " bytes after the last tensor's data");
  return DL_OK;
}

int SafetensorsFile::readChunk(dl_context *ctx, uint64_t offset, void *out, size_t size) {
  if (size > 0 && !readAt(fd_, out, size, dataStart_ + offset))
    return fail(ctx, DL_ERR_IO, "cannot read " + what_ + ": " + std::strerror(errno));
  return DL_OK;
}

int SafetensorsFile::read(dl_context *ctx, const SafetensorsEntry &entry, void *out) {
  return readChunk(ctx, entry.begin, out, static_cast<size_t>(entry.end - entry.begin));
}

} // namespace dl::data

extern "C" {

int dl_safetensors_save(dl_context *ctx, const char *path, int64_t n, const char *const *names,
                        const dl_dtype *dtypes, const int *ranks, const int64_t *const *dims,
                        const void *const *data) {
  DL_CHECK_CONTEXT(ctx);
  return dl::data::writeSafetensors(ctx, path, n, names, dtypes, ranks, dims, data, {});
}

int dl_safetensors_load(dl_context *ctx, const char *path, int64_t n, const char *const *names,
                        const dl_dtype *dtypes, const int *ranks, const int64_t *const *dims,
                        void *const *data_out) {
  DL_CHECK_CONTEXT(ctx);
  if (path == nullptr || (n > 0 && data_out == nullptr))
    return fail(ctx, DL_ERR_ARG, "dl_safetensors_load: null argument");
  std::vector<uint64_t> bytes;
  if (int status = checkTensorArguments(ctx, "dl_safetensors_load", n, names, dtypes, ranks, dims, &bytes))
    return status;
  for (int64_t i = 0; i < n; ++i)
    if (bytes[i] > 0 && data_out[i] == nullptr)
      return fail(ctx, DL_ERR_ARG, std::string("dl_safetensors_load: tensor ") + inQuotes(names[i]) + " has no buffer");

  dl::data::SafetensorsFile file;
  if (int status = file.open(ctx, path))
    return status;
  const std::string &what = file.what();
  const auto &entries = file.entries();

  // The request against the file.
  std::set<std::string> wanted;
  for (int64_t i = 0; i < n; ++i) {
    wanted.insert(names[i]);
    auto found = entries.find(names[i]);
    if (found == entries.end()) {
      std::vector<std::string> held;
      for (const auto &entry : entries)
        held.push_back(entry.first);
      return fail(ctx, DL_ERR_DATA,
                  what + " has no tensor " + inQuotes(names[i]) +
                      (held.empty() ? std::string(" (it holds none)") : " (it holds " + nameList(held) + ")"));
    }
    const Entry &entry = found->second;
    if (entry.dtype != safetensorsDtype(dtypes[i]))
      return fail(ctx, DL_ERR_DATA,
                  what + ": tensor " + inQuotes(names[i]) + " is " + entry.dtype + ", expected " +
                      safetensorsDtype(dtypes[i]));
    std::vector<int64_t> expected(dims[i], dims[i] + ranks[i]);
    if (entry.shape != expected)
      return fail(ctx, DL_ERR_DATA,
                  what + ": tensor " + inQuotes(names[i]) + " has shape " + shapeText(entry.shape) + ", expected " +
                      shapeText(expected));
  }
  std::vector<std::string> extra;
  for (const auto &entry : entries)
    if (wanted.count(entry.first) == 0)
      extra.push_back(entry.first);
  if (!extra.empty())
    return fail(ctx, DL_ERR_DATA,
                what + " holds " + (extra.size() == 1 ? "a tensor" : "tensors") + " that " +
                    (extra.size() == 1 ? "was" : "were") + " not asked for: " + nameList(extra));

  for (int64_t i = 0; i < n; ++i)
    if (int status = file.read(ctx, entries.at(names[i]), data_out[i]))
      return status;
  return DL_OK;
}

} // extern "C"
