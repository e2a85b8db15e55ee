#include "lsp/Document.h"

#include <algorithm>
#include <exception>

namespace dlc::lsp {

int32_t Analysis::mainFileId() const {
  // Compilation::run registers the text it is given before anything else.
  return compilation->main ? compilation->main->file : 0;
}

const SourceFile &Analysis::mainFile() const { return compilation->sources.file(mainFileId()); }

std::shared_ptr<const Analysis> analyze(const std::string &path, const std::string &text,
                                        const FrontendOptions &options) {
  auto analysis = std::make_shared<Analysis>();
  analysis->text = text;
  analysis->compilation = std::make_unique<Compilation>(options);
  try {
    analysis->compilation->run(path, &text);
    analysis->occurrences = collectOccurrences(*analysis->compilation);
  } catch (const std::exception &e) {
    analysis->internalError = e.what();
  }
  if (!analysis->internalError.empty() || analysis->compilation->sources.fileCount() == 0) {
    // Start over with a compilation that only knows the text, so every
    // feature still has a main file to work on.
    analysis->compilation = std::make_unique<Compilation>(options);
    analysis->compilation->sources.addFile(path, text);
    analysis->occurrences.clear();
    if (analysis->internalError.empty()) analysis->internalError = "the front end could not run";
  }
  return analysis;
}

uint32_t mapOffset(const std::string &now, const std::string &before, uint32_t offset) {
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(now.size()));
  size_t limit = std::min(now.size(), before.size());
  size_t prefix = 0;
  while (prefix < limit && now[prefix] == before[prefix]) ++prefix;
  size_t suffix = 0;
  while (suffix < limit - prefix && now[now.size() - 1 - suffix] == before[before.size() - 1 - suffix]) ++suffix;
  if (offset <= prefix) return offset;
  if (offset >= now.size() - suffix) return static_cast<uint32_t>(offset - now.size() + before.size());
  return static_cast<uint32_t>(prefix);
}

}  // namespace dlc::lsp
