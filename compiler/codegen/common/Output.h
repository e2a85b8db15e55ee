// Writing the back end's files without ever leaving a partial one: each is
// written under a temporary name in its own folder and renamed into place.
// And linking: the system C++ driver joins an object with dl_runtime.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dlc::codegen {

// "<path>.tmp-<pid>-<n>": in the same folder, so rename() is atomic.
std::string temporaryPathFor(const std::string &path);

// Writes `bytes` to `path` through a temporary file and a rename.
bool writeFileAtomically(const std::string &path, std::string_view bytes, std::string *error);

// The runtime static library: $DLC_RUNTIME_LIBRARY, else the one CMake built.
std::string runtimeLibraryPath();

// Links `objects` with the runtime and libm into the executable `output`
// (through a temporary file and a rename). The driver is $DLC_LINKER, else
// the C++ compiler dlc was built with. `sanitize` adds ASan and UBSan's
// runtimes (-fsanitize=address,undefined), which an instrumented object or a
// sanitizer build of the runtime needs.
bool linkExecutable(const std::vector<std::string> &objects, const std::string &output, bool sanitize,
                    std::string *error);

// Runs argv[0] (searched in PATH) with its arguments; false unless it exits 0.
bool runProgram(const std::vector<std::string> &argv, std::string *error);

}  // namespace dlc::codegen
