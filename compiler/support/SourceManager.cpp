#include "support/SourceManager.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace dlc {

SourceRange SourceRange::to(SourceRange other) const {
  if (!isValid()) return other;
  if (!other.isValid() || other.begin.file != begin.file) return *this;
  SourceRange r = *this;
  r.begin.offset = std::min(begin.offset, other.begin.offset);
  r.end.offset = std::max(end.offset, other.end.offset);
  return r;
}

SourceFile::SourceFile(int32_t id, std::string path, std::string text)
    : id_(id), path_(std::move(path)), text_(std::move(text)) {
  lineStarts_.push_back(0);
  for (uint32_t i = 0; i < text_.size(); ++i)
    if (text_[i] == '\n') lineStarts_.push_back(i + 1);
}

LineColumn SourceFile::lineColumn(uint32_t offset) const {
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(text_.size()));
  auto it = std::upper_bound(lineStarts_.begin(), lineStarts_.end(), offset);
  uint32_t line = static_cast<uint32_t>(it - lineStarts_.begin());
  return {line, offset - lineStarts_[line - 1] + 1};
}

std::string_view SourceFile::lineText(uint32_t line) const {
  if (line == 0 || line > lineStarts_.size()) return {};
  uint32_t begin = lineStarts_[line - 1];
  uint32_t end = line < lineStarts_.size() ? lineStarts_[line] : static_cast<uint32_t>(text_.size());
  std::string_view text(text_.data() + begin, end - begin);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

uint32_t SourceFile::offsetOf(uint32_t line, uint32_t column) const {
  if (line == 0) return 0;
  if (line > lineStarts_.size()) return static_cast<uint32_t>(text_.size());
  uint32_t lineLength = static_cast<uint32_t>(lineText(line).size());
  return lineStarts_[line - 1] + std::min(column == 0 ? 0 : column - 1, lineLength);
}

const SourceFile &SourceManager::addFile(std::string path, std::string text) {
  auto id = static_cast<int32_t>(files_.size());
  files_.push_back(std::make_unique<SourceFile>(id, std::move(path), std::move(text)));
  return *files_.back();
}

const SourceFile *SourceManager::loadFile(const std::string &path, std::string *error) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    if (error) *error = "'" + path + "' is a folder, not a file";
    return nullptr;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (error) *error = "cannot open '" + path + "'";
    return nullptr;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    if (error) *error = "cannot read '" + path + "'";
    return nullptr;
  }
  return &addFile(path, buffer.str());
}

const SourceFile *SourceManager::findByPath(const std::string &path) const {
  for (auto &f : files_)
    if (f->path() == path) return f.get();
  return nullptr;
}

LineColumn SourceManager::lineColumn(SourceLoc loc) const {
  if (!loc.isValid()) return {};
  return file(loc.file).lineColumn(loc.offset);
}

std::string SourceManager::describe(SourceLoc loc) const {
  if (!loc.isValid()) return "<unknown>";
  LineColumn lc = lineColumn(loc);
  return file(loc.file).path() + ":" + std::to_string(lc.line) + ":" + std::to_string(lc.column);
}

}  // namespace dlc
