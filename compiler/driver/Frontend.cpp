#include "driver/Frontend.h"

#include <pthread.h>

#include <filesystem>
#include <functional>

#include "driver/Stdlib.h"
#include "parse/Parser.h"

#ifndef DLC_STDLIB_SOURCE_DIR
#define DLC_STDLIB_SOURCE_DIR "stdlib"
#endif

namespace dlc {

namespace fs = std::filesystem;

namespace {
std::string normalize(const std::string &path) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::path(path), ec);
  return ec ? path : p.string();
}
}  // namespace

bool Compilation::loadStdlib() {
  if (!options_.stdlibDir.empty()) {
    std::error_code ec;
    std::vector<std::string> files;
    for (auto &entry : fs::directory_iterator(options_.stdlibDir, ec))
      if (entry.path().extension() == ".dl") files.push_back(entry.path().string());
    if (ec) {
      diags.error(SourceRange(), "cannot read the standard library folder '" + options_.stdlibDir + "'");
      return false;
    }
    std::sort(files.begin(), files.end());
    for (auto &path : files) {
      std::string why;
      const SourceFile *file = sources.loadFile(path, &why);
      if (!file) {
        diags.error(SourceRange(), why);
        return false;
      }
      auto parsed = parse::parseFile(*file, diags);
      syntaxOk = syntaxOk && parsed.ok;
      loadedPaths_.push_back(normalize(path));
      modules.push_back(std::move(parsed.module));
    }
    return true;
  }
  for (auto &embedded : embeddedStdlib()) {
    std::string path = std::string(DLC_STDLIB_SOURCE_DIR) + "/" + embedded.name;
    const SourceFile &file = sources.addFile(path, std::string(embedded.text));
    auto parsed = parse::parseFile(file, diags);
    syntaxOk = syntaxOk && parsed.ok;
    loadedPaths_.push_back(normalize(path));
    modules.push_back(std::move(parsed.module));
  }
  return true;
}

ast::Module *Compilation::load(const SourceFile &file, std::vector<std::string> &chain) {
  auto parsed = parse::parseFile(file, diags);
  syntaxOk = syntaxOk && parsed.ok;
  std::string self = normalize(file.path());
  chain.push_back(self);
  loadedPaths_.push_back(self);
  ast::Module *module = parsed.module.get();
  std::vector<std::unique_ptr<ast::Module>> before;

  for (auto &use : module->uses) {
    fs::path base = fs::path(file.path()).parent_path();
    std::vector<fs::path> candidates = {base / use.path};
    for (auto &dir : options_.includeDirs) candidates.push_back(fs::path(dir) / use.path);
    std::string found;
    for (auto &c : candidates) {
      std::error_code ec;
      if (fs::is_regular_file(c, ec)) {
        found = c.string();
        break;
      }
    }
    if (found.empty()) {
      std::string looked;
      for (auto &c : candidates) looked += (looked.empty() ? "" : ", ") + c.string();
      diags.error(use.range, "cannot find '" + use.path + "' (looked for " + looked + ")");
      continue;
    }
    std::string key = normalize(found);
    if (std::find(chain.begin(), chain.end(), key) != chain.end()) {
      std::string cycle;
      auto start = std::find(chain.begin(), chain.end(), key);
      for (auto it = start; it != chain.end(); ++it) cycle += fs::path(*it).filename().string() + " -> ";
      diags.error(use.range, "'use' cycle: " + cycle + fs::path(key).filename().string());
      continue;
    }
    if (std::find(loadedPaths_.begin(), loadedPaths_.end(), key) != loadedPaths_.end()) continue;
    std::string why;
    const SourceFile *used = sources.loadFile(found, &why);
    if (!used) {
      diags.error(use.range, why);
      continue;
    }
    load(*used, chain);
  }
  chain.pop_back();
  modules.push_back(std::move(parsed.module));
  return module;
}

bool Compilation::run(const std::string &path, const std::string *text) {
  syntaxOk = true;
  const SourceFile *file = nullptr;
  if (text) {
    file = &sources.addFile(path, *text);
  } else {
    std::string why;
    file = sources.loadFile(path, &why);
    if (!file) {
      diags.error(SourceRange(), why);
      syntaxOk = false;
      return false;
    }
  }
  if (!loadStdlib()) return false;
  std::vector<std::string> chain;
  main = load(*file, chain);
  if (!syntaxOk || diags.hasErrors()) return false;

  std::vector<ast::Module *> all;
  for (auto &m : modules) all.push_back(m.get());
  program = sema::analyze(all, *main, diags);
  return !diags.hasErrors();
}

int runWithLargeStack(const std::function<int()> &body) {
  struct Job {
    const std::function<int()> *body;
    int result = 1;
  } job{&body};
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, size_t(512) << 20);
  pthread_t thread;
  auto trampoline = [](void *arg) -> void * {
    auto *j = static_cast<Job *>(arg);
    j->result = (*j->body)();
    return nullptr;
  };
  if (pthread_create(&thread, &attr, trampoline, &job) != 0) {
    pthread_attr_destroy(&attr);
    return body();
  }
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
  return job.result;
}

}  // namespace dlc
