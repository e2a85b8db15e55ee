#include "codegen/common/Output.h"

#include "codegen/Codegen.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>

extern char **environ;

namespace dlc::codegen {

std::string temporaryPathFor(const std::string &path) {
  static std::atomic<unsigned> counter{0};
  return path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

bool writeFileAtomically(const std::string &path, std::string_view bytes, std::string *error) {
  std::string temporary = temporaryPathFor(path);
  {
    std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
    if (file) file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!file || !file.flush()) {
      *error = "cannot write '" + path + "': " + std::strerror(errno);
      std::remove(temporary.c_str());
      return false;
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    *error = "cannot write '" + path + "': " + std::strerror(errno);
    std::remove(temporary.c_str());
    return false;
  }
  return true;
}

std::string runtimeLibraryPath() {
  if (const char *env = std::getenv("DLC_RUNTIME_LIBRARY"); env && *env) return env;
#ifdef DLC_RUNTIME_LIBRARY
  return DLC_RUNTIME_LIBRARY;
#else
  return "libdl_runtime.a";
#endif
}

bool runProgram(const std::vector<std::string> &argv, std::string *error) {
  std::vector<char *> args;
  for (const std::string &a : argv) args.push_back(const_cast<char *>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int spawned = ::posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), environ);
  if (spawned != 0) {
    *error = "cannot run '" + argv[0] + "': " + std::strerror(spawned);
    return false;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) {
      *error = "cannot wait for '" + argv[0] + "': " + std::strerror(errno);
      return false;
    }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return true;
  *error = "'" + argv[0] + "' " +
           (WIFEXITED(status) ? "exited with status " + std::to_string(WEXITSTATUS(status))
                              : "was killed by signal " + std::to_string(WTERMSIG(status)));
  return false;
}

bool runtimeIsSanitized() {
#ifdef DLC_SANITIZED_RUNTIME
  return true;
#else
  return false;
#endif
}

namespace {

// Whether `program` is an executable file in a folder of $PATH.
bool onPath(const std::string &program) {
  const char *path = std::getenv("PATH");
  if (!path) return false;
  std::string folders = path;
  for (size_t start = 0; start <= folders.size();) {
    size_t end = folders.find(':', start);
    if (end == std::string::npos) end = folders.size();
    std::string folder = folders.substr(start, end - start);
    if (!folder.empty() && ::access((folder + "/" + program).c_str(), X_OK) == 0) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace

bool linkExecutable(const std::vector<std::string> &objects, const std::string &output, bool sanitize,
                    std::string *error) {
#ifdef DLC_DEFAULT_LINKER
  std::string linker = DLC_DEFAULT_LINKER;
#else
  std::string linker = "c++";
#endif
  // The compiler driver's default linker (GNU ld) took a fifth of the time
  // of `dlc digits.dl -o digits`; lld (when installed) or gold (part of
  // binutils) link the same objects in a third to a half of its time. A
  // linker named by DLC_LINKER, and sanitizer links, keep the default.
  std::string fastLinker;
  if (const char *env = std::getenv("DLC_LINKER"); env && *env) linker = env;
  else if (!sanitize && onPath("ld.lld")) fastLinker = "-fuse-ld=lld";
  else if (!sanitize && onPath("ld.gold")) fastLinker = "-fuse-ld=gold";
  std::string runtime = runtimeLibraryPath();
  if (::access(runtime.c_str(), R_OK) != 0) {
    *error = "cannot find the runtime library '" + runtime + "' (set DLC_RUNTIME_LIBRARY)";
    return false;
  }
  std::string temporary = temporaryPathFor(output);
  // The runtime's data loaders read gzip through zlib.
  std::vector<std::string> command{linker, "-o", temporary};
  command.insert(command.end(), objects.begin(), objects.end());
  for (const std::string &library : {runtime, std::string("-lpng"), std::string("-lz"), std::string("-lm"),
                                     std::string("-ldl")})  // -ldl: dlopen of libcuda
    command.push_back(library);
  if (sanitize) command.insert(command.begin() + 1, "-fsanitize=address,undefined");
  if (!fastLinker.empty()) command.insert(command.begin() + 1, fastLinker);
  if (!runProgram(command, error)) {
    *error = "linking failed: " + *error;
    std::remove(temporary.c_str());
    return false;
  }
  if (std::rename(temporary.c_str(), output.c_str()) != 0) {
    *error = "cannot write '" + output + "': " + std::strerror(errno);
    std::remove(temporary.c_str());
    return false;
  }
  return true;
}

}  // namespace dlc::codegen
