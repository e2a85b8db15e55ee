// `dlc model.dl --emit=lib -o libNAME.a`: a static library and its C header
// NAME.h, written next to it. The library holds the model's compiled forward
// pass with the C API the header declares (x86/EmitLibrary.cpp), the runtime
// (dl_runtime's objects) and, where the system has a static zlib, zlib's, so
// a C program links it with `-lstdc++ -lm -lpthread` and nothing else.
// NAME is the output's file name without a leading "lib" and its extension,
// made a C identifier; every public name starts with it (NAME_create, ...).
#pragma once

#include <string>

#include "codegen/Codegen.h"
#include "ir/IR.h"
#include "ir/Library.h"

namespace dlc::codegen {

// The C prefix for an output path: "out/libmodel.a" -> "model".
std::string libraryPrefix(const std::string &output);

// The text of the C header for `lib` (named <prefix>.h).
std::string libraryHeader(const ir::LibraryInterface &lib, const std::string &prefix, const std::string &archive);

// Writes opts.output (the archive) and the header next to it, each whole or
// not at all. Returns false after reporting the reason to `diags`.
bool compileLibrary(const ir::Module &m, const ir::LibraryInterface &lib, const CodegenOptions &opts,
                    DiagnosticEngine &diags);

}  // namespace dlc::codegen
