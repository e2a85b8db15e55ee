// dl_checkpoint_*: the checkpoint statement and --resume (dl_training.h).
//
// A checkpoint is the program's state where the statement runs: the storages
// that have a value, the generator, the statement's run count and the
// indices of its enclosing loops. The compiler (passes/Resumable.cpp) makes
// everything else that is live there a storage too, so restoring these and
// re-entering the loops at the saved indices continues the run exactly.
//
// The file is written by the safetensors writer (temporary file, fsync,
// rename) and read by its reader, which checks the header; restore checks the
// rest (the program's storages, fingerprint, position, generator state and a
// CRC-32 of the data) before it changes anything.
#include "DataSupport.h"
#include "SafetensorsFile.h"
#include "dl_training.h"

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <map>
#include <sstream>
#include <sys/stat.h>
#include <vector>
#include <zlib.h>

namespace {

using dl::fail;
using dl::data::inQuotes;
using dl::data::shapeText;

constexpr const char *kLayoutKey = "dlc.checkpoint";
constexpr const char *kLayoutVersion = "1";

std::string hex(uint64_t value, int digits) {
  char text[32];
  std::snprintf(text, sizeof text, "%0*" PRIx64, digits, value);
  return text;
}

uint32_t crcOf(uint32_t crc, const void *data, uint64_t size) {
  const unsigned char *bytes = static_cast<const unsigned char *>(data);
  while (size > 0) {
    uInt chunk = static_cast<uInt>(std::min<uint64_t>(size, 1u << 30));
    crc = static_cast<uint32_t>(::crc32(crc, bytes, chunk));
    bytes += chunk;
    size -= chunk;
  }
  return crc;
}

// Whole numbers separated by spaces; false unless there are exactly `count`
// of them, each >= 0.
bool parseIndices(const std::string &text, size_t count, std::vector<int64_t> *out) {
  std::istringstream in(text);
  std::vector<int64_t> values;
  for (std::string word; in >> word;) {
    char *end = nullptr;
    errno = 0;
    long long value = std::strtoll(word.c_str(), &end, 10);
    if (*end != '\0' || errno != 0 || value < 0)
      return false;
    values.push_back(value);
  }
  if (values.size() != count)
    return false;
  *out = values;
  return true;
}

std::string positionText(const int64_t *position, int depth) {
  std::string text;
  for (int i = 0; i < depth; ++i)
    text += (i ? " " : "") + std::to_string(position[i]);
  return text;
}

// New buffers that are given back unless committed.
struct PendingBuffers {
  dl_context *ctx;
  std::vector<void *> buffers;
  ~PendingBuffers() {
    for (void *buffer : buffers)
      ctx->buffers.release(buffer);
  }
};

} // namespace

extern "C" {

int dl_checkpoint_restore(dl_context *ctx, const char *path, uint64_t fingerprint, int depth, int64_t n,
                          const char *const *names, const dl_dtype *dtypes, const int *ranks,
                          const int64_t *const *static_dims, void **const *buffers, int64_t *const *dims) {
  DL_CHECK_CONTEXT(ctx);
  if (path == nullptr || depth < 1 || n < 0 ||
      (n > 0 && (names == nullptr || dtypes == nullptr || ranks == nullptr || static_dims == nullptr ||
                 buffers == nullptr || dims == nullptr)))
    return fail(ctx, DL_ERR_ARG, "dl_checkpoint_restore: invalid arguments");
  if (!ctx->resume.requested)
    return DL_OK;
  struct stat info;
  if (::stat(path, &info) != 0 && errno == ENOENT) {
    std::fflush(stdout);
    dl::clearProgress(ctx);
    std::fprintf(stderr, "note: no checkpoint %s yet: starting from the beginning\n", inQuotes(path).c_str());
    std::fflush(stderr);
    return DL_OK;
  }

  dl::data::SafetensorsFile file;
  if (int status = file.open(ctx, path))
    return status;
  const std::string &what = file.what();
  const auto &metadata = file.metadata();
  auto meta = [&](const char *key) -> const std::string * {
    auto found = metadata.find(key);
    return found == metadata.end() ? nullptr : &found->second;
  };
  const std::string *layout = meta(kLayoutKey);
  if (layout == nullptr)
    return fail(ctx, DL_ERR_DATA, what + " is not a checkpoint (a safetensors file without dlc's checkpoint metadata)");
  if (*layout != kLayoutVersion)
    return fail(ctx, DL_ERR_DATA, what + ": checkpoint layout " + inQuotes(*layout) + " is not the supported " +
                                      inQuotes(kLayoutVersion));

  // The tensors against the program's storages.
  std::map<std::string, int64_t> storageIndex;
  for (int64_t i = 0; i < n; ++i)
    storageIndex[names[i]] = i;
  const auto &entries = file.entries();
  for (const auto &[name, entry] : entries) {
    auto found = storageIndex.find(name);
    if (found == storageIndex.end())
      return fail(ctx, DL_ERR_DATA, what + " holds " + inQuotes(name) +
                                        ", which this program does not have (the checkpoint is another program's)");
    const int64_t i = found->second;
    const char *dtype = dl::data::safetensorsDtype(dtypes[i]);
    if (dtype == nullptr || entry.dtype != dtype)
      return fail(ctx, DL_ERR_DATA, what + ": " + inQuotes(name) + " is " + entry.dtype + ", expected " +
                                        (dtype ? dtype : "?"));
    std::vector<int64_t> expected(static_dims[i], static_dims[i] + ranks[i]);
    bool matches = entry.shape.size() == expected.size();
    for (size_t d = 0; matches && d < expected.size(); ++d)
      matches = expected[d] < 0 || expected[d] == entry.shape[d];
    if (!matches)
      return fail(ctx, DL_ERR_DATA, what + ": " + inQuotes(name) + " has shape " + shapeText(entry.shape) +
                                        ", expected " + shapeText(expected));
  }
  for (int64_t i = 0; i < n; ++i)
    if (*buffers[i] != nullptr && entries.count(names[i]) == 0)
      return fail(ctx, DL_ERR_DATA, what + " has no " + inQuotes(names[i]) + " (the checkpoint is another program's)");
  const std::string *stamp = meta("fingerprint");
  if (stamp == nullptr || *stamp != hex(fingerprint, 16))
    return fail(ctx, DL_ERR_DATA, what + " was written by another program (fingerprint " +
                                      (stamp ? *stamp : std::string("missing")) + ", this program's is " +
                                      hex(fingerprint, 16) + ")");

  std::vector<int64_t> position, count;
  const std::string *positionMeta = meta("position"), *countMeta = meta("count");
  if (positionMeta == nullptr || !parseIndices(*positionMeta, static_cast<size_t>(depth), &position))
    return fail(ctx, DL_ERR_DATA, what + ": its position is not " + std::to_string(depth) + " loop indices");
  if (countMeta == nullptr || !parseIndices(*countMeta, 1, &count))
    return fail(ctx, DL_ERR_DATA, what + ": its count is not a whole number");
  dl::Generator generator;
  const std::string *generatorMeta = meta("generator");
  if (generatorMeta == nullptr || !generator.setState(*generatorMeta))
    return fail(ctx, DL_ERR_DATA, what + ": its generator state is malformed");

  // The data, read into new buffers and checked against the checksum.
  PendingBuffers fresh{ctx, {}};
  std::vector<int64_t> restored;
  uint32_t crc = static_cast<uint32_t>(::crc32(0L, Z_NULL, 0));
  for (const auto &[name, entry] : entries) {
    void *buffer = ctx->buffers.allocate(entry.end - entry.begin);
    if (buffer == nullptr)
      return fail(ctx, DL_ERR_MEMORY, what + ": out of memory for " + inQuotes(name));
    fresh.buffers.push_back(buffer);
    if (int status = file.read(ctx, entry, buffer))
      return status;
    crc = crcOf(crc, buffer, entry.end - entry.begin);
    restored.push_back(storageIndex[name]);
  }
  const std::string *checksum = meta("checksum");
  if (checksum == nullptr || *checksum != hex(crc, 8))
    return fail(ctx, DL_ERR_DATA, what + " is corrupt: its tensor data does not match its checksum");

  // Nothing can fail from here on.
  size_t k = 0;
  for (const auto &[name, entry] : entries) {
    const int64_t i = restored[k];
    ctx->buffers.release(*buffers[i]);
    *buffers[i] = fresh.buffers[k];
    for (int d = 0; d < ranks[i]; ++d)
      dims[i][d] = entry.shape[static_cast<size_t>(d)];
    ++k;
  }
  fresh.buffers.clear();
  ctx->generator = generator;
  ctx->resume.pending = true;
  ctx->resume.position = position;
  ctx->resume.count = count[0];
  return DL_OK;
}

int64_t dl_checkpoint_position(const dl_context *ctx, int level) {
  if (ctx == nullptr || !ctx->resume.pending || level < 0 ||
      static_cast<size_t>(level) >= ctx->resume.position.size())
    return -1;
  return ctx->resume.position[static_cast<size_t>(level)];
}

int dl_checkpoint_step(dl_context *ctx, const char *path, uint64_t fingerprint, int64_t every, int depth,
                       const int64_t *position, int64_t n, const char *const *names, const dl_dtype *dtypes,
                       const int *ranks, void *const *const *buffers, const int64_t *const *dims) {
  DL_CHECK_CONTEXT(ctx);
  if (path == nullptr || depth < 1 || position == nullptr || n < 0 ||
      (n > 0 && (names == nullptr || dtypes == nullptr || ranks == nullptr || buffers == nullptr || dims == nullptr)))
    return fail(ctx, DL_ERR_ARG, "dl_checkpoint_step: invalid arguments");
  if (ctx->resume.pending) {
    ctx->resume.pending = false;
    return DL_OK;
  }
  if (every < 1)
    return fail(ctx, DL_ERR_ARG, "checkpoint: 'every:' must be at least 1, not " + std::to_string(every));
  if (++ctx->resume.count % every != 0)
    return DL_OK;

  // The storages that have a value, and their checksum in name order.
  std::map<std::string, int64_t> byName;
  for (int64_t i = 0; i < n; ++i)
    if (*buffers[i] != nullptr)
      byName[names[i]] = i;
  std::vector<const char *> savedNames;
  std::vector<dl_dtype> savedDtypes;
  std::vector<int> savedRanks;
  std::vector<const int64_t *> savedDims;
  std::vector<const void *> savedData;
  uint32_t crc = static_cast<uint32_t>(::crc32(0L, Z_NULL, 0));
  for (const auto &[name, i] : byName) {
    std::vector<int64_t> shape(dims[i], dims[i] + ranks[i]);
    uint64_t bytes = 0;
    if (!dl::data::byteCount(shape, dl::data::dtypeSize(dtypes[i]), &bytes))
      return fail(ctx, DL_ERR_ARG, "dl_checkpoint_step: " + inQuotes(name) + " has an invalid shape");
    crc = crcOf(crc, *buffers[i], bytes);
    savedNames.push_back(names[i]);
    savedDtypes.push_back(dtypes[i]);
    savedRanks.push_back(ranks[i]);
    savedDims.push_back(dims[i]);
    savedData.push_back(*buffers[i]);
  }
  std::map<std::string, std::string> metadata = {
      {kLayoutKey, kLayoutVersion},
      {"fingerprint", hex(fingerprint, 16)},
      {"position", positionText(position, depth)},
      {"count", std::to_string(ctx->resume.count)},
      {"generator", ctx->generator.state()},
      {"checksum", hex(crc, 8)},
  };
  return dl::data::writeSafetensors(ctx, path, static_cast<int64_t>(savedNames.size()), savedNames.data(),
                                    savedDtypes.data(), savedRanks.data(), savedDims.data(), savedData.data(),
                                    metadata, ".tmp");
}

int dl_checkpoint_none(dl_context *ctx) {
  DL_CHECK_CONTEXT(ctx);
  if (ctx->resume.requested)
    return fail(ctx, DL_ERR_ARG, "--resume: this program has no checkpoint(...) statement to resume from");
  return DL_OK;
}

} // extern "C"
