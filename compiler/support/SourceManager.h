// Source files, locations and ranges.
//
// A location is a file id and a byte offset. Line and column are computed on
// demand (1-based; the column counts bytes, as clang does), so every later
// stage can carry locations cheaply and still point at the user's text.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace dlc {

struct SourceLoc {
  int32_t file = -1;    // -1: no location (compiler-made)
  uint32_t offset = 0;  // byte offset into the file's text

  bool isValid() const { return file >= 0; }
  friend bool operator==(SourceLoc a, SourceLoc b) {
    return a.file == b.file && a.offset == b.offset;
  }
};

// [begin, end): end is one past the last byte of the range.
struct SourceRange {
  SourceLoc begin;
  SourceLoc end;

  SourceRange() = default;
  SourceRange(SourceLoc b, SourceLoc e) : begin(b), end(e) {}
  explicit SourceRange(SourceLoc at) : begin(at), end(at) {}
  bool isValid() const { return begin.isValid(); }
  // The smallest range covering both.
  SourceRange to(SourceRange other) const;
};

struct LineColumn {
  uint32_t line = 0;    // 1-based
  uint32_t column = 0;  // 1-based, in bytes
};

class SourceFile {
public:
  SourceFile(int32_t id, std::string path, std::string text);

  int32_t id() const { return id_; }
  const std::string &path() const { return path_; }
  const std::string &text() const { return text_; }

  LineColumn lineColumn(uint32_t offset) const;
  // The text of a 1-based line, without its line break.
  std::string_view lineText(uint32_t line) const;
  uint32_t lineCount() const { return static_cast<uint32_t>(lineStarts_.size()); }
  // Byte offset of a 1-based line and 1-based byte column (clamped to the file).
  uint32_t offsetOf(uint32_t line, uint32_t column) const;

private:
  int32_t id_;
  std::string path_;
  std::string text_;
  std::vector<uint32_t> lineStarts_;
};

// Owns every file of a compilation; ids are indices.
class SourceManager {
public:
  // Adds a file whose text is already in memory (the stdlib, an editor buffer).
  const SourceFile &addFile(std::string path, std::string text);
  // Reads a file from disk; returns nullptr when it cannot be read.
  const SourceFile *loadFile(const std::string &path, std::string *error);

  const SourceFile &file(int32_t id) const { return *files_.at(static_cast<size_t>(id)); }
  const SourceFile *findByPath(const std::string &path) const;
  size_t fileCount() const { return files_.size(); }

  LineColumn lineColumn(SourceLoc loc) const;
  // "path:line:col"
  std::string describe(SourceLoc loc) const;

private:
  std::vector<std::unique_ptr<SourceFile>> files_;
};

}  // namespace dlc
